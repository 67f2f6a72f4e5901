/* rpcauth/svc_caller.c - who the caller is: fixed once, read by procedures */
/*
 * When a handshake completes, the negotiated mechanism is checked against
 * what the server allows, the caller's name is stored in the context, and
 * the application's authorize callback may refuse the caller or attach a
 * cookie.  Procedures then read that fixed answer with rpcauth_svc_caller()
 * and rpcauth_svc_cookie().  The local account (idmap.c: NSS and krb5.conf
 * reads) is looked up once, when first asked for: the authorize callback
 * or the first rpcauth_svc_caller(); a client that never meets either
 * does not pay for it.
 *
 * The cookie belongs to the context: svc_caller_release(), which the
 * cache runs when it frees the context (c->release: after DESTROY,
 * expiry, eviction, a failed leg, once the last request let go), hands it
 * to the application's cookie_free exactly once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mech.h"
#include "svc_internal.h"
#include "trace.h"

static char *
display_name(gss_name_t name)
{
	gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;
	char *s = NULL;

	maj = gss_display_name(&min, name, &buf, NULL);
	if (!GSS_ERROR(maj) && (s = malloc(buf.length + 1)) != NULL) {
		/* gss-ntlmssp counts its NUL: the string ends there. */
		memcpy(s, buf.value, buf.length);
		s[buf.length] = '\0';
	}
	(void)gss_release_buffer(&min, &buf);
	return s;
}

/* Look the local account up now if nobody has yet; then drop the name. */
static void
resolve_ident(struct svcctx *c)
{
	OM_uint32 min;

	pthread_mutex_lock(&c->sc.lock);
	if (!c->ident_done) {
		(void)idmap_lookup(c->src, c->mech, &c->ident);
		if (c->src != GSS_C_NO_NAME)
			(void)gss_release_name(&min, &c->src);
		c->ident_done = 1;
	}
	pthread_mutex_unlock(&c->sc.lock);
}

/* The caller as procedures and the authorize callback see it. */
static void
fill_caller(struct svcctx *c, uint32_t service, void *cookie,
    struct rpcauth_caller *out)
{
	resolve_ident(c);
	memset(out, 0, sizeof(*out));
	snprintf(out->principal, sizeof(out->principal), "%s",
	    c->principal != NULL ? c->principal : "");
	snprintf(out->mech, sizeof(out->mech), "%s", mech_name(c->wire_mech));
	snprintf(out->inner_mech, sizeof(out->inner_mech), "%s",
	    mech_name(c->mech));
	out->service = (enum rpcauth_service)service;
	out->expiry = c->expiry;
	out->flavor = svc_g.flavor;
	snprintf(out->localname, sizeof(out->localname), "%s",
	    c->ident.localname);
	out->uid = c->ident.uid;
	out->gid = c->ident.gid;
	out->ngroups = c->ident.ngroups;
	memcpy(out->groups, c->ident.groups, sizeof(out->groups));
	out->prog = c->prog;
	out->vers = c->vers;
	out->cookie = cookie;
}

/* SPNEGO may carry only allowed inner mechanisms; the others, themselves. */
static int
mech_allowed(const struct svcctx *c, unsigned actual)
{
	unsigned wire = mech_bit(c->wire_mech);

	if (wire == MECH_SPNEGO)
		return actual != MECH_SPNEGO &&
		    (actual & svc_g.inner_mechs) != 0;
	return actual == wire && (actual & svc_g.mechs) != 0;
}

OM_uint32
svc_caller_establish(struct svcctx *c, gss_name_t *src, gss_OID actual,
    uint32_t service)
{
	struct rpcauth_caller who;
	unsigned bit = mech_bit(actual);
	void *cookie = NULL;
	int r;

	if (!mech_allowed(c, bit)) {
		TRACE("svc: context refused (GSS_S_BAD_MECH): %s negotiated "
		    "%s, which is not allowed", mech_name(c->wire_mech),
		    mech_name(actual));
		return GSS_S_BAD_MECH;
	}
	c->mech = mech_of_bit(bit);	/* static: outlives the GSS call */
	c->sc.mech = c->mech;
	if ((c->principal = display_name(*src)) == NULL) {
		TRACE("svc: context refused (GSS_S_FAILURE): no display name");
		return GSS_S_FAILURE;
	}
	/* The context keeps the name for the account lookup. */
	c->src = *src;
	*src = GSS_C_NO_NAME;
	c->release = svc_caller_release;
	if (svc_g.authorize == NULL)
		return GSS_S_COMPLETE;
	fill_caller(c, service, NULL, &who);
	r = svc_g.authorize(&who, svc_g.authorize_arg, &cookie);
	if (r != 0) {
		TRACE("svc: context refused (GSS_S_UNAUTHORIZED): the "
		    "authorize callback refused %s (%d)", c->principal, r);
		if (cookie != NULL && svc_g.cookie_free != NULL)
			svc_g.cookie_free(cookie);
		return GSS_S_UNAUTHORIZED;
	}
	pthread_mutex_lock(&c->sc.lock);
	c->cookie = cookie;
	pthread_mutex_unlock(&c->sc.lock);
	return GSS_S_COMPLETE;
}

void
svc_caller_release(struct svcctx *c)
{
	void *cookie;
	OM_uint32 min;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->sc.lock);
	cookie = c->cookie;
	c->cookie = NULL;
	if (c->src != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &c->src);
	pthread_mutex_unlock(&c->sc.lock);
	if (cookie != NULL && svc_g.cookie_free != NULL)
		svc_g.cookie_free(cookie);
}

/* The established context of an rpcauth DATA request, with a reference. */
static struct svcctx *
context_of(const struct svc_req *req, struct svc_reqstate *rs)
{
	if (req == NULL || !svc_g.registered ||
	    svc_reqstate_get(req, rs) != 0 || rs->action != SVC_ACT_DATA)
		return NULL;
	return ctxcache_find(svc_g.cc, rs->handle, sizeof(rs->handle));
}

int
rpcauth_svc_caller(const struct svc_req *req, struct rpcauth_caller *out)
{
	struct svc_reqstate rs;
	struct svcctx *c;
	void *cookie;

	memset(out, 0, sizeof(*out));
	if ((c = context_of(req, &rs)) == NULL)
		return -1;
	pthread_mutex_lock(&c->sc.lock);
	cookie = c->cookie;
	pthread_mutex_unlock(&c->sc.lock);
	fill_caller(c, rs.service, cookie, out);
	out->flavor = rs.flavor;
	ctxcache_put(svc_g.cc, c);
	return 0;
}

void *
rpcauth_svc_cookie(const struct svc_req *req)
{
	struct svc_reqstate rs;
	struct svcctx *c;
	void *cookie;

	if ((c = context_of(req, &rs)) == NULL)
		return NULL;
	pthread_mutex_lock(&c->sc.lock);
	cookie = c->cookie;
	pthread_mutex_unlock(&c->sc.lock);
	ctxcache_put(svc_g.cc, c);
	return cookie;
}
