/* rpcauth/clnt_handshake.c - the client's INIT / CONTINUE_INIT loop (RFC 2203 5.2) */
/*
 * Tokens travel in NULLPROC bodies; the loop runs as many rounds as the
 * mechanism needs, bounded.  The context is accepted only if the server
 * proved its identity: GSS mutual authentication where the mechanism can
 * grant it, and always the MIC over the sequence window in the final
 * reply's verifier.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clnt_internal.h"
#include "gsserr.h"
#include "mech.h"

#define MAX_ROUNDS	8

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *
auth_stat_name(enum auth_stat why)
{
	switch (why) {
	case AUTH_OK:			return "AUTH_OK";
	case AUTH_BADCRED:		return "AUTH_BADCRED";
	case AUTH_REJECTEDCRED:		return "AUTH_REJECTEDCRED";
	case AUTH_BADVERF:		return "AUTH_BADVERF";
	case AUTH_REJECTEDVERF:		return "AUTH_REJECTEDVERF";
	case AUTH_TOOWEAK:		return "AUTH_TOOWEAK";
	case AUTH_INVALIDRESP:		return "AUTH_INVALIDRESP";
	case AUTH_FAILED:		return "AUTH_FAILED";
	case RPCSEC_GSS_CREDPROBLEM:	return "RPCSEC_GSS_CREDPROBLEM";
	case RPCSEC_GSS_CTXPROBLEM:	return "RPCSEC_GSS_CTXPROBLEM";
	default:			return "unknown auth_stat";
	}
}

int
clnt_rpc_error(struct clnt_state *st, enum clnt_stat stat, const char *what,
    struct rpcauth_err *err)
{
	struct rpc_err re;

	memset(&re, 0, sizeof(re));
	clnt_geterr(st->clnt, &re);
	if (stat != RPC_AUTHERROR)
		return rpcauth_err_set(err, RPCAUTH_E_RPC, "%s: %s", what,
		    clnt_sperrno(stat));
	switch (re.re_why) {
	case AUTH_REJECTEDCRED:
	case AUTH_BADCRED:
		if (st->mode == CLNT_MODE_HANDSHAKE)
			return rpcauth_err_set(err, RPCAUTH_E_AUTH,
			    "%s: the server does not speak flavor %u (it "
			    "answered %s); use the same flavor on both sides",
			    what, st->flavor, auth_stat_name(re.re_why));
		break;
	case AUTH_TOOWEAK:
		return rpcauth_err_set(err, RPCAUTH_E_AUTH,
		    "%s: service %s is below the server's minimum "
		    "(AUTH_TOOWEAK); ask for a stronger service", what,
		    st->service == RPCAUTH_SVC_NONE ? "none" :
		    st->service == RPCAUTH_SVC_INTEGRITY ? "integrity" :
		    "privacy");
	case AUTH_INVALIDRESP:
		if (st->lasterr.msg != NULL)
			return rpcauth_err_set(err, RPCAUTH_E_AUTH, "%s: %s",
			    what, st->lasterr.msg);
		return rpcauth_err_set(err, RPCAUTH_E_AUTH,
		    "%s: the reply verifier does not verify", what);
	default:
		break;
	}
	return rpcauth_err_set(err, RPCAUTH_E_AUTH,
	    "%s: the server refused the call (%s)", what,
	    auth_stat_name(re.re_why));
}

/* The final reply's verifier must be MIC(seq_window): the server's proof. */
static int
check_window_mic(struct clnt_state *st, struct rpcauth_err *err)
{
	struct secctx_status sst;
	uint8_t be[4];

	if (st->hs_verf_flavor != st->flavor || st->hs_verf_len == 0)
		return rpcauth_err_set(err, RPCAUTH_E_AUTH,
		    "server failed mutual authentication: its final handshake "
		    "reply carries no verifier of flavor %u", st->flavor);
	be[0] = st->window >> 24;
	be[1] = st->window >> 16;
	be[2] = st->window >> 8;
	be[3] = st->window;
	if (secctx_verify_mic(&st->sc, be, sizeof(be), st->hs_verf,
	    st->hs_verf_len, &sst) != 0)
		return rpcauth_err_set(err, RPCAUTH_E_AUTH,
		    "server failed mutual authentication: the MIC over the "
		    "sequence window does not verify");
	return 0;
}

static char *
name_string(gss_name_t name)
{
	gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;
	OM_uint32 min;
	char *s = NULL;

	if (name != GSS_C_NO_NAME &&
	    !GSS_ERROR(gss_display_name(&min, name, &buf, NULL)) &&
	    (s = malloc(buf.length + 1)) != NULL) {
		memcpy(s, buf.value, buf.length);
		s[buf.length] = '\0';
	}
	(void)gss_release_buffer(&min, &buf);
	return s;
}

static void
record_names(struct clnt_state *st)
{
	gss_name_t src = GSS_C_NO_NAME, targ = GSS_C_NO_NAME;
	OM_uint32 min;

	if (GSS_ERROR(gss_inquire_context(&min, st->sc.gctx, &src, &targ,
	    NULL, NULL, NULL, NULL, NULL)))
		return;
	st->client_principal = name_string(src);
	st->server_principal = name_string(targ);
	(void)gss_release_name(&min, &src);
	(void)gss_release_name(&min, &targ);
}

/* Let the mechanism read the server's error token; 0 if it explained it. */
static int
server_error_text(struct clnt_state *st, const struct init_res *res,
    char *text, size_t len)
{
	gss_buffer_desc in = { res->token_len, res->token };
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	gss_OID actual = GSS_C_NO_OID;
	OM_uint32 maj, min;

	maj = gss_init_sec_context(&min, st->cred, &st->sc.gctx, st->target,
	    st->req_mech, GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG |
	    GSS_C_INTEG_FLAG, 0, GSS_C_NO_CHANNEL_BINDINGS, &in, &actual, &out,
	    NULL, NULL);
	(void)gss_release_buffer(&min, &out);
	if (!GSS_ERROR(maj) || min == 0)
		return -1;
	gsserr_text(maj, min, actual != GSS_C_NO_OID ? actual : st->req_mech,
	    text, len);
	return 0;
}

int
clnt_handshake(struct clnt_state *st, struct rpcauth_err *err)
{
	struct init_arg arg;
	struct init_res res;
	gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
	gss_OID actual = GSS_C_NO_OID;
	OM_uint32 maj, min, flags = 0, lifetime = 0;
	long long deadline = now_ms() + st->timeout_ms;
	struct timeval tv;
	enum clnt_stat stat;
	int rounds = 0, server_done = 0, ret = -1;
	char what[1200];

	memset(&res, 0, sizeof(res));
	st->mode = CLNT_MODE_HANDSHAKE;
	st->hs_proc = 1;	/* RPCSEC_GSS_INIT */
	st->handle_len = 0;
	snprintf(what, sizeof(what), "security handshake with %s",
	    st->target_str);
	for (;;) {
		if (++rounds > MAX_ROUNDS) {
			rpcauth_err_set(err, RPCAUTH_E_PROTO,
			    "%s: not finished after %d rounds", what, MAX_ROUNDS);
			goto out;
		}
		maj = gss_init_sec_context(&min, st->cred, &st->sc.gctx,
		    st->target, st->req_mech, GSS_C_MUTUAL_FLAG |
		    GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG, 0,
		    GSS_C_NO_CHANNEL_BINDINGS, &in, &actual, &out, &flags,
		    &lifetime);
		xdr_free((xdrproc_t)xdr_init_res, (char *)&res);
		in.value = NULL;
		in.length = 0;
		if (GSS_ERROR(maj)) {
			gsserr_set(err, what, maj, min, actual != GSS_C_NO_OID ?
			    actual : st->req_mech);
			goto out;
		}
		if (out.length == 0) {
			if (maj == GSS_S_COMPLETE && server_done)
				break;
			rpcauth_err_set(err, RPCAUTH_E_PROTO,
			    "%s: the mechanism produced no token to send", what);
			goto out;
		}
		if (server_done) {
			rpcauth_err_set(err, RPCAUTH_E_PROTO,
			    "%s: the server finished while the mechanism "
			    "still has a token to send", what);
			goto out;
		}
		if (now_ms() >= deadline) {
			rpcauth_err_set(err, RPCAUTH_E_RPC,
			    "%s: timed out after %d ms", what, st->timeout_ms);
			goto out;
		}
		memset(&arg, 0, sizeof(arg));
		arg.token = out.value;
		arg.token_len = out.length;
		memset(&res, 0, sizeof(res));
		res.max_token = 1024 * 1024;
		st->hs_verf_len = 0;
		st->hs_verf_flavor = 0;
		tv.tv_sec = (deadline - now_ms()) / 1000;
		tv.tv_usec = ((deadline - now_ms()) % 1000) * 1000;
		if (tv.tv_sec < 0 || tv.tv_usec < 0) {
			tv.tv_sec = 0;
			tv.tv_usec = 1000;
		}
		stat = clnt_call(st->clnt, NULLPROC, (xdrproc_t)xdr_init_arg,
		    (caddr_t)&arg, (xdrproc_t)xdr_init_res, (caddr_t)&res, tv);
		(void)gss_release_buffer(&min, &out);
		if (stat != RPC_SUCCESS) {
			clnt_rpc_error(st, stat, what, err);
			goto out;
		}
		if (res.major != GSS_S_COMPLETE &&
		    res.major != GSS_S_CONTINUE_NEEDED) {
			char text[512];

			/* Minor codes are process-local in MIT's mechglue; an
			 * error token (KRB-ERROR) fed back to the mechanism names
			 * the real cause. */
			if (res.token_len > 0 && server_error_text(st, &res,
			    text, sizeof(text)) == 0)
				;
			else
				gsserr_text(res.major, res.minor,
				    actual != GSS_C_NO_OID ? actual : st->req_mech,
				    text, sizeof(text));
			rpcauth_err_set(err, RPCAUTH_E_GSS,
			    "%s: the server refused the security context: %s",
			    what, text);
			goto out;
		}
		if (res.handle_len == 0) {
			rpcauth_err_set(err, RPCAUTH_E_PROTO,
			    "%s: the server sent an empty context handle", what);
			goto out;
		}
		memcpy(st->handle, res.handle, res.handle_len);
		st->handle_len = res.handle_len;
		st->hs_proc = 2;	/* RPCSEC_GSS_CONTINUE_INIT */
		if (res.major == GSS_S_COMPLETE) {
			server_done = 1;
			st->window = res.window;
		}
		in.value = res.token;
		in.length = res.token_len;
		if (maj == GSS_S_COMPLETE) {
			if (!server_done || in.length != 0) {
				rpcauth_err_set(err, RPCAUTH_E_PROTO,
				    "%s: the mechanism finished but the server "
				    "wants another round", what);
				goto out;
			}
			break;
		}
	}
	st->mech = mech_by_name(mech_name(actual));
	st->sc.mech = st->mech;
	st->mutual = (flags & GSS_C_MUTUAL_FLAG) != 0;
	if (!st->mutual && mech_has_mutual(actual)) {
		rpcauth_err_set(err, RPCAUTH_E_AUTH, "%s: server failed mutual "
		    "authentication (the mechanism did not grant it)", what);
		goto out;
	}
	if (st->window == 0) {
		rpcauth_err_set(err, RPCAUTH_E_PROTO,
		    "%s: the server announced a sequence window of 0", what);
		goto out;
	}
	if (check_window_mic(st, err) != 0)
		goto out;
	st->expiry = lifetime == GSS_C_INDEFINITE || lifetime == 0 ? 0 :
	    time(NULL) + (time_t)lifetime;
	record_names(st);
	st->mode = CLNT_MODE_DATA;
	ret = 0;
out:
	xdr_free((xdrproc_t)xdr_init_res, (char *)&res);
	(void)gss_release_buffer(&min, &out);
	return ret;
}
