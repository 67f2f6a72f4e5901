/* rpcauth/svc_handshake.c - private program: INIT, CONTINUE_INIT, DESTROY, drops */
/*
 * Requests reach this dispatch only through the handler's redirect, with
 * the request state it left in rq_clntcred (checked by magic and flavor).
 * The first token names the mechanism the client speaks; one that is not
 * allowed is refused before any context exists.  A failed handshake leg
 * deletes its context exactly once: it is unlinked from the table and
 * freed when the last reference goes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gsserr.h"
#include "init_xdr.h"
#include "mech.h"
#include "svc_internal.h"
#include "trace.h"

static const char *
leg_name(const struct svc_reqstate *rs)
{
	return rs->action == SVC_ACT_INIT ? "INIT" : "CONTINUE_INIT";
}

/* A failure reply: no handle, no window, AUTH_NONE verifier. */
static void
reply_failure(SVCXPRT *xprt, struct init_res *res)
{
	res->handle = NULL;
	res->handle_len = 0;
	res->window = 0;
	xprt->xp_verf = _null_auth;
	(void)svc_sendreply(xprt, (xdrproc_t)xdr_init_res, (caddr_t)res);
}

/*
 * The handshake is complete on our side: fix who the caller is, ask the
 * application, and prove ourselves with MIC(seq_window).  Returns the
 * major status for the reply.
 */
static OM_uint32
establish(struct svc_req *rq, struct svc_reqstate *rs, struct svcctx *c,
    gss_name_t *src, gss_OID actual, OM_uint32 lifetime, char *why,
    size_t whylen)
{
	OM_uint32 maj;

	c->expiry = lifetime == GSS_C_INDEFINITE || lifetime == 0 ? 0 :
	    time(NULL) + (time_t)lifetime;
	c->peer_known = svc_peer_key(rq->rq_xprt, c->peer) == 0;
	if ((maj = svc_caller_establish(c, src, actual, rs->service, why,
	    whylen)) != GSS_S_COMPLETE)
		return maj;
	if (seqwin_init(&c->win, svc_g.window) != 0 ||
	    svc_set_verf_mic(rq, rs, c, svc_g.window) != 0) {
		/* Without MIC(seq_window) the client cannot trust us. */
		TRACE("svc: context refused (GSS_S_FAILURE): cannot make the "
		    "MIC over the sequence window");
		snprintf(why, whylen, "context refused (GSS_S_FAILURE): "
		    "cannot make the MIC over the sequence window");
		return GSS_S_FAILURE;
	}
	/* Kerberos per-message crypto through OpenSSL from the first call on
	 * (docs/ARCHITECTURE.md, "What a context setup costs"); a context only set up and destroyed never pays for it. */
	secctx_accel_later(&c->sc);
	ctxcache_established(svc_g.cc, c);
	TRACE("svc: context established for %s (%s, inner %s), %s",
	    c->principal, mech_name(c->wire_mech), mech_name(c->mech),
	    c->expiry == 0 ? "no expiry" : "expires with the ticket");
	return GSS_S_COMPLETE;
}

/*
 * The context a leg works on: a new half-open one for INIT (if its token's
 * mechanism is allowed), the half-open one named for CONTINUE_INIT.  NULL
 * when refused, the refusal sent.
 */
static struct svcctx *
leg_context(SVCXPRT *xprt, const struct svc_reqstate *rs,
    const struct init_arg *arg, struct init_res *res)
{
	struct svcctx *c;
	struct rpcauth_err cerr = RPCAUTH_ERR_INIT;
	uint8_t src_key[CTXCACHE_SRC_LEN];
	gss_OID wire;
	int est;

	if (rs->action == SVC_ACT_INIT) {
		wire = mech_of_token(arg->token, arg->token_len);
		if ((mech_bit(wire) & svc_g.mechs) == 0) {
			TRACE("svc: INIT refused (GSS_S_BAD_MECH): token of "
			    "%zu bytes is %s, allowed mechanisms 0x%x",
			    arg->token_len, wire == GSS_C_NO_OID ?
			    "of no known mechanism" : mech_name(wire),
			    svc_g.mechs);
			res->major = GSS_S_BAD_MECH;
			SVC_EVENT(xprt, rs->prog, rs->vers,
			    RPCAUTH_SVC_EV_HANDSHAKE_REFUSED, 0, 0,
			    GSS_S_BAD_MECH, NULL, "INIT refused "
			    "(GSS_S_BAD_MECH): token of %zu bytes is %s, "
			    "which this server does not allow",
			    arg->token_len, wire == GSS_C_NO_OID ?
			    "of no known mechanism" : mech_name(wire));
			reply_failure(xprt, res);
			return NULL;
		}
		/* Half-open slots are shared out by source (ctxcache.h). */
		if ((c = ctxcache_create_from(svc_g.cc,
		    svc_peer_key(xprt, src_key) == 0 ? src_key : NULL,
		    &cerr)) == NULL) {
			TRACE("svc: INIT refused (SYSTEM_ERR): %s", cerr.msg);
			SVC_EVENT(xprt, rs->prog, rs->vers,
			    RPCAUTH_SVC_EV_HANDSHAKE_REFUSED, 0, 0, 0, NULL,
			    "INIT refused (SYSTEM_ERR): %s", cerr.msg);
			rpcauth_err_clear(&cerr);
			svcerr_systemerr(xprt);
			return NULL;
		}
		c->prog = rs->prog;
		c->vers = rs->vers;
		c->wire_mech = wire;
	} else {
		c = ctxcache_find_est(svc_g.cc, rs->handle, sizeof(rs->handle),
		    &est);
		if (c == NULL || est) {
			TRACE("svc: CONTINUE_INIT refused (CREDPROBLEM): the "
			    "context went away");
			SVC_EVENT(xprt, rs->prog, rs->vers,
			    RPCAUTH_SVC_EV_HANDSHAKE_REFUSED,
			    RPCSEC_GSS_CREDPROBLEM, 0, 0, NULL,
			    "CONTINUE_INIT refused (CREDPROBLEM): the context "
			    "went away");
			svcerr_auth(xprt, RPCSEC_GSS_CREDPROBLEM);
			ctxcache_put(svc_g.cc, c);
			return NULL;
		}
	}
	return c;
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
	gss_cred_id_t acceptor;
	OM_uint32 maj, min, flags = 0, lifetime = 0;
	char why[400], gtext[256];

	memset(&arg, 0, sizeof(arg));
	memset(&res, 0, sizeof(res));
	arg.max_token = svc_g.max_token;
	if (!svc_getargs(xprt, (xdrproc_t)xdr_init_arg, (caddr_t)&arg)) {
		TRACE("svc: %s refused (GARBAGE_ARGS): token missing or over "
		    "%zu bytes", leg_name(rs), svc_g.max_token);
		SVC_EVENT(xprt, rs->prog, rs->vers,
		    RPCAUTH_SVC_EV_HANDSHAKE_REFUSED, 0, 1, 0, NULL,
		    "%s refused (GARBAGE_ARGS): token missing or over %zu "
		    "bytes", leg_name(rs), svc_g.max_token);
		svcerr_decode(xprt);
		goto out;
	}
	if ((c = leg_context(xprt, rs, &arg, &res)) == NULL)
		goto out;
	acceptor = svc_g.acceptors[svc_acceptor_for(c->prog, c->vers)].cred;
	in.value = arg.token;
	in.length = arg.token_len;
	maj = secctx_accept(&c->sc, acceptor, &in, &src, &mech, &out, &flags,
	    &lifetime, &min);
	TRACE("svc: %s (%s): token %zu bytes in, %zu out, major 0x%x",
	    leg_name(rs), mech_name(c->wire_mech), in.length, out.length, maj);

	res.handle = c->handle;		/* c outlives the reply */
	res.handle_len = sizeof(c->handle);
	res.major = maj;
	res.minor = min;
	res.window = svc_g.window;
	res.token = out.value;
	res.token_len = out.length;
	why[0] = '\0';
	if (maj == GSS_S_COMPLETE) {
		res.major = establish(rq, rs, c, &src, mech, lifetime, why,
		    sizeof(why));
		if (res.major != GSS_S_COMPLETE) {
			/* Our refusal, not the mechanism's: no token. */
			res.minor = 0;
			res.token = NULL;
			res.token_len = 0;
			goto failed;
		}
	} else if (maj != GSS_S_CONTINUE_NEEDED) {
		TRACE("svc: %s failed: the mechanism refused the context "
		    "(major 0x%x)", leg_name(rs), maj);
		if (svc_log_enabled()) {
			gsserr_text(maj, min, c->mech != GSS_C_NO_OID ?
			    c->mech : c->wire_mech, gtext, sizeof(gtext));
			snprintf(why, sizeof(why), "%s failed: the mechanism "
			    "(%s) refused the context: %s", leg_name(rs),
			    mech_name(c->wire_mech), gtext);
		}
		goto failed;
	}
	if (!svc_sendreply(xprt, (xdrproc_t)xdr_init_res, (caddr_t)&res)) {
		TRACE("svc: %s reply not sent: context deleted", leg_name(rs));
		ctxcache_remove(svc_g.cc, c);
	}
	goto out;
failed:
	SVC_EVENT(xprt, rs->prog, rs->vers, RPCAUTH_SVC_EV_HANDSHAKE_REFUSED,
	    0, 0, res.major, c->principal, "%s", why[0] != '\0' ? why :
	    "handshake refused");
	/* The half-built context goes now, once; the reply has no handle. */
	ctxcache_remove(svc_g.cc, c);
	reply_failure(xprt, &res);
out:
	ctxcache_put(svc_g.cc, c);
	(void)gss_release_buffer(&min, &out);
	if (src != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &src);
	xdr_free((xdrproc_t)xdr_init_arg, (char *)&arg);
}

void
svc_priv_dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	struct svc_reqstate rs;
	struct svcctx *c;

	/* A drop or GARBAGE may be of any procedure; the rest are NULLPROC. */
	if (svc_reqstate_get(rq, &rs) != 0 ||
	    (rs.action != SVC_ACT_DROP && rs.action != SVC_ACT_GARBAGE &&
	    rq->rq_proc != NULLPROC)) {
		TRACE("svc: private program called without a redirect");
		svcerr_noprog(xprt);
		return;
	}
	switch (rs.action) {
	case SVC_ACT_DROP:
		return;
	case SVC_ACT_GARBAGE:
		svcerr_decode(xprt);
		return;
	case SVC_ACT_INIT:
	case SVC_ACT_CONTINUE:
		handshake(rq, xprt, &rs);
		return;
	case SVC_ACT_DESTROY:
		/* RFC 2203 5.4: reply (verifier set by the handler), then
		 * delete. */
		(void)svc_sendreply(xprt, (xdrproc_t)xdr_nothing, NULL);
		c = ctxcache_find(svc_g.cc, rs.handle, sizeof(rs.handle));
		if (c != NULL) {
			TRACE("svc: DESTROY: context of %s deleted",
			    c->principal != NULL ? c->principal : "?");
			ctxcache_remove(svc_g.cc, c);
			ctxcache_put(svc_g.cc, c);
		}
		return;
	default:
		svcerr_systemerr(xprt);
		return;
	}
}
