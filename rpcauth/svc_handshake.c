/* rpcauth/svc_handshake.c - the private program: INIT, CONTINUE_INIT, DESTROY, drops */
/*
 * Requests reach this dispatch only through the handler's redirect, with
 * the request state it left in rq_clntcred (checked by magic and flavor).
 * A failed handshake leg deletes its context exactly once: it is unlinked
 * from the table and freed when the last reference goes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gsserr.h"
#include "init_xdr.h"
#include "mech.h"
#include "svc_internal.h"

static char *
display_name(gss_name_t name)
{
	gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;
	char *s = NULL;

	maj = gss_display_name(&min, name, &buf, NULL);
	if (!GSS_ERROR(maj) && (s = malloc(buf.length + 1)) != NULL) {
		memcpy(s, buf.value, buf.length);
		s[buf.length] = '\0';
	}
	(void)gss_release_buffer(&min, &buf);
	return s;
}

static void
handshake(struct svc_req *rq, SVCXPRT *xprt, struct svc_reqstate *rs)
{
	struct init_arg arg;
	struct init_res res;
	struct svcctx *c = NULL;
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
	gss_name_t src = GSS_C_NO_NAME;
	gss_OID mech = GSS_C_NO_OID;
	OM_uint32 maj, min, flags = 0, lifetime = 0;

	memset(&arg, 0, sizeof(arg));
	memset(&res, 0, sizeof(res));
	arg.max_token = svc_g.max_token;
	if (!svc_getargs(xprt, (xdrproc_t)xdr_init_arg, (caddr_t)&arg)) {
		svcerr_decode(xprt);
		goto out;
	}
	if (rs->action == SVC_ACT_INIT) {
		if ((c = ctxcache_create(svc_g.cc, NULL)) == NULL) {
			svcerr_systemerr(xprt);
			goto out;
		}
		c->prog = rs->prog;
		c->vers = rs->vers;
	} else {
		c = ctxcache_find(svc_g.cc, rs->handle, sizeof(rs->handle));
		if (c == NULL || c->established) {
			svcerr_auth(xprt, RPCSEC_GSS_CREDPROBLEM);
			goto out;
		}
	}
	in.value = arg.token;
	in.length = arg.token_len;
	pthread_mutex_lock(&c->sc.lock);
	maj = gss_accept_sec_context(&min, &c->sc.gctx, svc_g.acceptor, &in,
	    GSS_C_NO_CHANNEL_BINDINGS, &src, &mech, &out, &flags, &lifetime,
	    NULL);
	pthread_mutex_unlock(&c->sc.lock);

	memcpy(res.handle, c->handle, sizeof(c->handle));
	res.handle_len = sizeof(c->handle);
	res.major = maj;
	res.minor = min;
	res.window = svc_g.window;
	res.token = out.value;
	res.token_len = out.length;
	if (maj == GSS_S_COMPLETE) {
		c->sc.mech = mech_by_name(mech_name(mech));
		c->mech = c->sc.mech;
		c->principal = display_name(src);
		c->expiry = lifetime == GSS_C_INDEFINITE || lifetime == 0 ? 0 :
		    time(NULL) + (time_t)lifetime;
		if (c->principal == NULL ||
		    seqwin_init(&c->win, svc_g.window) != 0 ||
		    svc_set_verf_mic(rq, rs, c, svc_g.window) != 0) {
			/* Without MIC(seq_window) the client cannot trust us. */
			res.major = GSS_S_FAILURE;
			res.minor = 0;
			goto failed;
		}
		ctxcache_established(svc_g.cc, c);
	} else if (maj != GSS_S_CONTINUE_NEEDED) {
		goto failed;
	}
	if (!svc_sendreply(xprt, (xdrproc_t)xdr_init_res, (caddr_t)&res))
		ctxcache_remove(svc_g.cc, c);
	goto out;
failed:
	/* The half-built context goes now, once; the reply carries no handle. */
	ctxcache_remove(svc_g.cc, c);
	res.handle_len = 0;
	res.window = 0;
	xprt->xp_verf = _null_auth;
	(void)svc_sendreply(xprt, (xdrproc_t)xdr_init_res, (caddr_t)&res);
out:
	ctxcache_put(svc_g.cc, c);
	(void)gss_release_buffer(&min, &out);
	if (src != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &src);
	free(arg.token);
}

void
svc_priv_dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	struct svc_reqstate rs;
	struct svcctx *c;

	/* A drop may be of any procedure; the rest are NULLPROC (handler-checked). */
	if (svc_reqstate_get(rq, &rs) != 0 ||
	    (rs.action != SVC_ACT_DROP && rq->rq_proc != NULLPROC)) {
		svcerr_noprog(xprt);
		return;
	}
	switch (rs.action) {
	case SVC_ACT_DROP:
		return;
	case SVC_ACT_INIT:
	case SVC_ACT_CONTINUE:
		handshake(rq, xprt, &rs);
		return;
	case SVC_ACT_DESTROY:
		/* RFC 2203 5.4: reply (verifier set by the handler), then delete. */
		(void)svc_sendreply(xprt, (xdrproc_t)xdr_nothing, NULL);
		c = ctxcache_find(svc_g.cc, rs.handle, sizeof(rs.handle));
		if (c != NULL) {
			ctxcache_remove(svc_g.cc, c);
			ctxcache_put(svc_g.cc, c);
		}
		return;
	default:
		svcerr_systemerr(xprt);
		return;
	}
}
