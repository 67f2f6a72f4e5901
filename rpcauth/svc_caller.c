/* rpcauth/svc_caller.c - who the caller is: fixed once, read by procedures */
/*
 * When a handshake completes, the negotiated mechanism is checked against
 * what the server allows, the caller's name is stored in the context
 * (whole, never cut: a name that does not fit rpcauth_caller refuses the
 * context; NTLM names in their canonical case, idmap.h), and the
 * application's authorize callback may refuse the caller or attach a
 * cookie.  The INIT's program, version and service that callback sees
 * are not covered by any checksum; so a DATA call, whose are (header
 * MIC), whose values the callback has not approved is shown to it again
 * before it runs (svc_caller_authorize_call; docs/SECURITY.md 10).  Procedures then read that fixed answer with rpcauth_svc_caller()
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

/*
 * The display name as a C string, or NULL.  *bad is set when there is a
 * name but it cannot be one identity as a string: a NUL inside it (what
 * follows would be lost: NULL then), or no room for it in
 * rpcauth_caller.principal (the whole string is returned, for the
 * server's event; the caller refuses the context).
 */
static char *
display_name(gss_name_t name, size_t *len_out, int *bad)
{
	gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;
	size_t len;
	char *s = NULL;

	*bad = 0;
	*len_out = 0;
	maj = gss_display_name(&min, name, &buf, NULL);
	if (GSS_ERROR(maj) || buf.value == NULL)
		goto out;
	len = buf.length;
	/* gss-ntlmssp counts its NUL: the string ends there. */
	if (len > 0 && ((const char *)buf.value)[len - 1] == '\0')
		len--;
	*len_out = len;
	if (memchr(buf.value, '\0', len) != NULL) {
		*bad = 1;
		goto out;
	}
	*bad = len >= sizeof(((struct rpcauth_caller *)NULL)->principal);
	if ((s = malloc(len + 1)) != NULL) {
		memcpy(s, buf.value, len);
		s[len] = '\0';
	}
out:
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
		/* NTLM: by the canonical name (idmap.c says why). */
		if (mech_bit(c->mech) == MECH_NTLM && c->principal != NULL)
			(void)idmap_lookup_ntlm(c->principal, &c->ident);
		else
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
	out->size = sizeof(*out);
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

/* Remember a decision of the authorize callback; under c->sc.lock. */
static void
authz_note(struct svcctx *c, uint32_t prog, uint32_t vers, uint32_t service,
    int allowed)
{
	const size_t n = sizeof(c->authz) / sizeof(c->authz[0]);
	size_t i;

	for (i = 0; i < c->authz_n; i++)
		if (c->authz[i].prog == prog && c->authz[i].vers == vers &&
		    c->authz[i].service == service)
			break;
	if (i == c->authz_n) {
		if (c->authz_n < n)
			i = c->authz_n++;
		else {
			/* Slot 0 holds the establishment's: keep it. */
			i = 1 + c->authz_next++ % (n - 1);
		}
	}
	c->authz[i] = (struct svc_authz){ prog, vers, service, allowed };
}

/*
 * What the callback already said about a call: 1 allowed, 0 refused, -1
 * not asked.  An approval covers stronger services too, a refusal weaker
 * ones.  Under c->sc.lock.
 */
static int
authz_known(const struct svcctx *c, uint32_t prog, uint32_t vers,
    uint32_t service)
{
	size_t i;

	for (i = 0; i < c->authz_n; i++) {
		if (c->authz[i].prog != prog || c->authz[i].vers != vers)
			continue;
		if (c->authz[i].allowed && c->authz[i].service <= service)
			return 1;
		if (!c->authz[i].allowed && c->authz[i].service >= service)
			return 0;
	}
	return -1;
}

static void	svc_caller_release(struct svcctx *c);

OM_uint32
svc_caller_establish(struct svcctx *c, gss_name_t *src, gss_OID actual,
    uint32_t service, char *why, size_t whylen)
{
	struct rpcauth_caller who;
	unsigned bit = mech_bit(actual);
	void *cookie = NULL;
	size_t len;
	int r, bad;

	if (!mech_allowed(c, bit)) {
		TRACE("svc: context refused (GSS_S_BAD_MECH): %s negotiated "
		    "%s, which is not allowed", mech_name(c->wire_mech),
		    mech_name(actual));
		snprintf(why, whylen, "context refused (GSS_S_BAD_MECH): %s "
		    "negotiated %s, which is not allowed",
		    mech_name(c->wire_mech), mech_name(actual));
		return GSS_S_BAD_MECH;
	}
	c->mech = mech_of_bit(bit);	/* static: outlives the GSS call */
	c->sc.mech = c->mech;
	c->principal = display_name(*src, &len, &bad);
	if (c->principal == NULL || bad) {
		/* Never a shortened name: it could be someone else's. */
		TRACE("svc: context refused (%s): %s",
		    bad ? "GSS_S_BAD_NAME" : "GSS_S_FAILURE", bad ?
		    "the client's name does not fit rpcauth_caller" :
		    "no display name");
		snprintf(why, whylen, "context refused (%s): %s%zu%s", bad ?
		    "GSS_S_BAD_NAME" : "GSS_S_FAILURE", bad ?
		    "the client's principal name (" : "no display name (",
		    len, bad ? " bytes) has a NUL inside or is longer than "
		    "the 1023 bytes rpcauth_caller.principal holds" :
		    " bytes)");
		return bad ? GSS_S_BAD_NAME : GSS_S_FAILURE;
	}
	if (bit == MECH_NTLM && idmap_ntlm_canonical(c->principal) != 0) {
		TRACE("svc: context refused (GSS_S_BAD_NAME): NTLM name "
		    "outside printable ASCII");
		snprintf(why, whylen, "context refused (GSS_S_BAD_NAME): NTLM "
		    "name with bytes outside printable ASCII (no canonical "
		    "case)");
		return GSS_S_BAD_NAME;
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
		snprintf(why, whylen, "context refused (GSS_S_UNAUTHORIZED): "
		    "the authorize callback refused it (%d)", r);
		if (cookie != NULL && svc_g.cookie_free != NULL)
			svc_g.cookie_free(cookie);
		return GSS_S_UNAUTHORIZED;
	}
	pthread_mutex_lock(&c->sc.lock);
	c->cookie = cookie;
	authz_note(c, c->prog, c->vers, service, 1);
	pthread_mutex_unlock(&c->sc.lock);
	return GSS_S_COMPLETE;
}

int
svc_caller_authorize_call(struct svcctx *c, uint32_t prog, uint32_t vers,
    uint32_t service)
{
	struct rpcauth_caller who;
	void *cookie = NULL, *extra = NULL;
	int known, r;

	if (svc_g.authorize == NULL)
		return 0;
	pthread_mutex_lock(&c->sc.lock);
	known = authz_known(c, prog, vers, service);
	cookie = c->cookie;
	pthread_mutex_unlock(&c->sc.lock);
	if (known >= 0)
		return known ? 0 : -1;
	fill_caller(c, service, cookie, &who);
	who.prog = prog;
	who.vers = vers;
	r = svc_g.authorize(&who, svc_g.authorize_arg, &extra);
	/* The context keeps the cookie of its establishment. */
	if (extra != NULL && svc_g.cookie_free != NULL)
		svc_g.cookie_free(extra);
	TRACE("svc: authorize callback asked again for %s: program %u "
	    "version %u service %u: %s", c->principal, prog, vers, service,
	    r == 0 ? "allowed" : "refused");
	pthread_mutex_lock(&c->sc.lock);
	authz_note(c, prog, vers, service, r == 0);
	pthread_mutex_unlock(&c->sc.lock);
	return r == 0 ? 0 : -1;
}

/* Release what svc_caller_establish attached (c->release); idempotent. */
static void
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

static int
svc_caller(const struct svc_req *req, struct rpcauth_caller *out)
{
	struct svc_reqstate rs;
	struct svcctx *c;
	void *cookie;

	if (out == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	if ((c = context_of(req, &rs)) == NULL)
		return -1;
	/* Refused at establishment already; never report a cut name. */
	if (c->principal == NULL ||
	    strlen(c->principal) >= sizeof(out->principal)) {
		ctxcache_put(svc_g.cc, c);
		return -1;
	}
	pthread_mutex_lock(&c->sc.lock);
	cookie = c->cookie;
	pthread_mutex_unlock(&c->sc.lock);
	fill_caller(c, rs.service, cookie, out);
	out->flavor = rs.flavor;
	ctxcache_put(svc_g.cc, c);
	return 0;
}

int
rpcauth_svc_caller_sized(const struct svc_req *req, struct rpcauth_caller *out,
    size_t size)
{
	struct rpcauth_caller who;
	int ret = svc_caller(req, &who);

	if (abi_copy_out(out, size, &who, sizeof(who), CALLER_SIZE0,
	    ret == 0) != 0)
		return -1;
	return ret;
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
