/* rpcauth/clnt_handshake.c - the client's INIT / CONTINUE_INIT loop (RFC 2203 5.2) */
/*
 * Tokens travel in NULLPROC bodies; the loop runs as many rounds as the
 * mechanism needs, bounded.  The handshake has an AUTH of its own that it
 * lends to the CLIENT it runs over, so the same code serves creation (the
 * application's CLIENT) and re-establishment (a side CLIENT, because the
 * application's one is locked by the call in progress).  A context is
 * accepted only if the server proved its identity: GSS mutual
 * authentication where the mechanism can grant it, and always the MIC
 * over the sequence window in the final reply's verifier.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gssapi/gssapi_ext.h>
#include <openssl/crypto.h>

#include "ccmirror.h"
#include "clnt_internal.h"
#include "cred_xdr.h"
#include "gsserr.h"
#include "mech.h"
#include "trace.h"

#define MAX_ROUNDS	8
#define INIT_FLAGS \
	(GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG)

/* One handshake in progress; its AUTH is lent to the CLIENT it runs over. */
struct clnt_hs {
	AUTH		 auth;		/* first */
	struct clnt_state *st;
	struct clnt_ctx	*ctx;
	uint32_t	 proc;		/* INIT or CONTINUE_INIT */
	uint32_t	 verf_flavor;	/* of the last reply */
	size_t		 verf_len;
	uint8_t		 verf[RPCAUTH_MAX_AUTH_BYTES];
	uint8_t		 credbuf[RPCAUTH_MAX_AUTH_BYTES];
};

static struct clnt_hs *
hs_of(AUTH *a)
{
	return (struct clnt_hs *)a->ah_private;
}

/* Control credential (seq_num ignored), AUTH_NONE verifier: RFC 2203 5.2.1. */
static int
hs_marshal(AUTH *a, XDR *xdrs)
{
	struct clnt_hs *hs = hs_of(a);
	struct rpcauth_cred cred;
	struct opaque_auth oa;
	int len;

	memset(&cred, 0, sizeof(cred));
	cred.version = RPCAUTH_GSS_VERS_1;
	cred.gss_proc = hs->proc;
	cred.service = hs->st->service;
	cred.handle = hs->ctx->handle;
	cred.handle_len = hs->ctx->handle_len;
	if ((len = cred_encode(&cred, hs->credbuf, sizeof(hs->credbuf))) < 0)
		return FALSE;
	oa.oa_flavor = (enum_t)hs->st->flavor;
	oa.oa_base = (caddr_t)hs->credbuf;
	oa.oa_length = (u_int)len;
	return xdr_opaque_auth(xdrs, &oa) &&
	    xdr_opaque_auth(xdrs, &_null_auth);
}

/* Kept for the MIC(seq_window) check once the context exists. */
static int
hs_validate(AUTH *a, struct opaque_auth *v)
{
	struct clnt_hs *hs = hs_of(a);

	hs->verf_flavor = (uint32_t)v->oa_flavor;
	hs->verf_len = 0;
	if (v->oa_length > 0 && v->oa_length <= sizeof(hs->verf)) {
		memcpy(hs->verf, v->oa_base, v->oa_length);
		hs->verf_len = v->oa_length;
	}
	return TRUE;
}

static struct auth_ops hs_ops = {
	/* A rejected handshake is reported by clnt_rpc_error. */
	clnt_op_nextverf, hs_marshal, hs_validate, clnt_op_norefresh,
	clnt_op_nodestroy, clnt_op_plain, clnt_op_plain
};

/* The final reply's verifier must be MIC(seq_window): the server's proof. */
static int
check_window_mic(struct clnt_state *st, struct clnt_hs *hs, const char *what,
    struct rpcauth_err *err)
{
	gss_buffer_desc msg, tok;
	gss_qop_t qop = GSS_C_QOP_DEFAULT;
	OM_uint32 maj, min;
	uint8_t be[4];

	if (hs->verf_flavor != st->flavor || hs->verf_len == 0)
		return rpcauth_err_set(err, RPCAUTH_E_AUTH,
		    "%s: server failed mutual authentication: its final "
		    "handshake reply carries no verifier of flavor %u", what,
		    st->flavor);
	be[0] = hs->ctx->window >> 24;
	be[1] = hs->ctx->window >> 16;
	be[2] = hs->ctx->window >> 8;
	be[3] = hs->ctx->window;
	msg.value = be;
	msg.length = sizeof(be);
	tok.value = hs->verf;
	tok.length = hs->verf_len;
	/* Not shared yet: no lock.  Only GSS_ERROR() fails: supplementary
	 * bits are the mechanism's sequencing, not a bad MIC (secctx.c). */
	maj = gss_verify_mic(&min, hs->ctx->gctx, &msg, &tok, &qop);
	if (GSS_ERROR(maj) || qop != GSS_C_QOP_DEFAULT)
		return rpcauth_err_set(err, RPCAUTH_E_AUTH,
		    "%s: server failed mutual authentication: the MIC over "
		    "the sequence window does not verify (the reply is not "
		    "from the server that holds the context)", what);
	return 0;
}

char *
clnt_name_string(gss_name_t name)
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

void
clnt_names_keep(void *arg, gss_ctx_id_t gctx)
{
	struct clnt_state *st = arg;
	OM_uint32 min;

	if (st->client_name != GSS_C_NO_NAME || gctx == GSS_C_NO_CONTEXT)
		return;
	if (GSS_ERROR(gss_inquire_context(&min, gctx, &st->client_name,
	    &st->server_name, NULL, NULL, NULL, NULL, NULL)))
		st->client_name = st->server_name = GSS_C_NO_NAME;
}

void
clnt_names_drop(struct clnt_state *st)
{
	OM_uint32 min;

	free(st->client_principal);
	free(st->server_principal);
	st->client_principal = st->server_principal = NULL;
	if (st->client_name != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &st->client_name);
	if (st->server_name != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &st->server_name);
}

/*
 * The server refused the context.  Its minor code means nothing here
 * (MIT's mechglue numbers minor codes per process), but an error token
 * (KRB-ERROR) fed back to the mechanism names the real cause.
 */
static void
server_refusal(struct clnt_state *st, gss_cred_id_t cred, struct clnt_ctx *c,
    gss_OID actual, const struct init_res *res, const char *what,
    struct rpcauth_err *err)
{
	gss_buffer_desc in = { res->token_len, res->token };
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	gss_OID mech = actual != GSS_C_NO_OID ? actual : st->req_mech;
	OM_uint32 maj = res->major, min = 0, tmin;

	if (res->token_len > 0) {
		maj = gss_init_sec_context(&min, cred, &c->gctx,
		    st->target, st->req_mech, INIT_FLAGS, 0,
		    GSS_C_NO_CHANNEL_BINDINGS, &in, NULL, &out, NULL, NULL);
		(void)gss_release_buffer(&tmin, &out);
		if (!GSS_ERROR(maj) || min == 0) {
			maj = res->major;
			min = 0;
		}
	}
	clnt_refusal_error(err, what, st->target_str, maj, min, mech);
}

/*
 * SPNEGO initiates with what it has credentials for, NTLM included when
 * Kerberos credentials are missing; NTLM does not authenticate the
 * server (docs/SECURITY.md section 4), so it is negotiable only when the
 * caller opted in, as the server's NTLM is.
 */
static int
restrict_spnego(struct clnt_state *st, struct rpcauth_err *err)
{
	gss_OID_desc el[3];
	gss_OID_set_desc neg;
	OM_uint32 maj, min;

	mech_set_oids(mech_spnego_inner(st->allow_ntlm), &neg, el);
	maj = gss_set_neg_mechs(&min, st->cred, &neg);
	if (GSS_ERROR(maj))
		return gsserr_set(err, RPCAUTH_E_GSS, "cannot restrict what "
		    "SPNEGO may negotiate", maj, min, st->req_mech);
	return 0;
}

/*
 * Credentials from the options' ccache or keytab, fresh for each
 * handshake; for SPNEGO also the default ones, to restrict them.
 */
static int
acquire_initiator(struct clnt_state *st, struct rpcauth_err *err)
{
	gss_key_value_element_desc el[2];
	gss_key_value_set_desc store = { 0, el };
	gss_OID_set_desc mechs = { 1, st->req_mech };
	int spnego = mech_bit(st->req_mech) == MECH_SPNEGO;
	OM_uint32 maj, min;
	char what[1200];

	if (st->ccache == NULL && st->client_keytab == NULL && !spnego &&
	    st->pin_name == GSS_C_NO_NAME)
		return 0;	/* the default ccache, or KRB5_CLIENT_KTNAME */
	if (st->cred != GSS_C_NO_CREDENTIAL)
		(void)gss_release_cred(&min, &st->cred);
	if (st->ccache != NULL) {
		el[store.count].key = "ccache";
		el[store.count++].value = st->ccache;
	}
	if (st->client_keytab != NULL) {
		el[store.count].key = "client_keytab";
		el[store.count++].value = st->client_keytab;
	}
	maj = gss_acquire_cred_from(&min, st->pin_name, GSS_C_INDEFINITE,
	    &mechs, GSS_C_INITIATE, store.count > 0 ? &store : NULL,
	    &st->cred, NULL, NULL);
	if (!GSS_ERROR(maj))
		return spnego ? restrict_spnego(st, err) : 0;
	if (st->pin_name != GSS_C_NO_NAME) {
		char *who = clnt_name_string(st->pin_name);

		snprintf(what, sizeof(what), "the credentials this call can "
		    "use (this thread's ccache, %s) hold none for %s, the "
		    "client this AUTH was made as: refusing to make its new "
		    "context as anyone else; pin the AUTH to a ccache with "
		    "rpcauth_client_opts.ccache", st->ccache != NULL ?
		    st->ccache : "the default", who != NULL ? who : "?");
		free(who);
		return gsserr_set(err, RPCAUTH_E_AUTH, what, maj, min,
		    st->req_mech);
	}
	snprintf(what, sizeof(what), "cannot get client credentials (ccache "
	    "%s, client keytab %s)%s", st->ccache != NULL ? st->ccache :
	    "default", st->client_keytab != NULL ? st->client_keytab :
	    "default", spnego && !st->allow_ntlm ? "; SPNEGO uses Kerberos "
	    "only unless NTLM is allowed (allow_ntlm)" : "");
	return gsserr_set(err, RPCAUTH_E_GSS, what, maj, min, st->req_mech);
}

void
clnt_ctx_clear(struct clnt_ctx *c)
{
	OM_uint32 min;

	if (c->gctx != GSS_C_NO_CONTEXT)
		(void)gss_delete_sec_context(&min, &c->gctx, GSS_C_NO_BUFFER);
	OPENSSL_cleanse(c, sizeof(*c));
	c->gctx = GSS_C_NO_CONTEXT;
}

/*
 * SPNEGO that fails before its first token, with NTLM not allowed, most
 * likely found no Kerberos credentials: say so, and how to opt in.
 */
static void
spnego_hint(struct clnt_state *st, int rounds, struct rpcauth_err *err)
{
	char *was;

	if (rounds != 1 || st->allow_ntlm || err->msg == NULL ||
	    mech_bit(st->req_mech) != MECH_SPNEGO ||
	    (was = strdup(err->msg)) == NULL)
		return;
	rpcauth_err_set(err, err->code, "%s; SPNEGO negotiates Kerberos only "
	    "unless NTLM is allowed (allow_ntlm, which does not authenticate "
	    "the server): run kinit, or allow NTLM", was);
	free(was);
}

/* Send one token, read the server's answer into *res. */
static int
hs_round(struct clnt_state *st, CLIENT *via, const gss_buffer_desc *tok,
    long long deadline, struct init_res *res, const char *what,
    struct rpcauth_err *err)
{
	struct init_arg arg;
	struct timeval tv;
	enum clnt_stat stat;
	long long left = deadline - clnt_now_ms();

	if (left <= 0)
		return rpcauth_err_set(err, RPCAUTH_E_RPC,
		    "%s: timed out after %d ms", what, st->timeout_ms);
	memset(&arg, 0, sizeof(arg));
	arg.token = tok->value;
	arg.token_len = tok->length;
	memset(res, 0, sizeof(*res));
	res->max_token = RPCAUTH_CLNT_MAX_TOKEN;
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	stat = clnt_call(via, NULLPROC, (xdrproc_t)xdr_init_arg, (caddr_t)&arg,
	    (xdrproc_t)xdr_init_res, (caddr_t)res, tv);
	if (stat != RPC_SUCCESS)
		return clnt_rpc_error(st, via, stat, what, 1, err);
	return 0;
}

/* Checks once both sides said COMPLETE. */
static int
hs_finish(struct clnt_state *st, struct clnt_hs *hs, gss_OID actual,
    OM_uint32 flags, const char *what, struct rpcauth_err *err)
{
	struct clnt_ctx *c = hs->ctx;

	c->mech = mech_by_name(mech_name(actual));
	/* gss-ntlmssp sets the flag, but NTLM proves only that the server
	 * knows the session key (docs/SECURITY.md section 4): mutual means
	 * Kerberos, direct or through SPNEGO. */
	c->mutual = (flags & GSS_C_MUTUAL_FLAG) != 0 &&
	    mech_has_mutual(actual);
	if (!c->mutual && mech_has_mutual(actual))
		return rpcauth_err_set(err, RPCAUTH_E_AUTH, "%s: server "
		    "failed mutual authentication (the mechanism did not "
		    "grant it)", what);
	if (c->window == 0)
		return rpcauth_err_set(err, RPCAUTH_E_PROTO, "%s: the server "
		    "announced a sequence window of 0", what);
	if (check_window_mic(st, hs, what, err) != 0)
		return -1;
	/* Kept: a reply verifier equal to it is a replay (clnt_auth.c). */
	memcpy(c->init_verf, hs->verf, hs->verf_len);
	c->init_verf_len = hs->verf_len;
	/* MIT hands out a cached ticket that ends this very second: a
	 * context that is over before its first call helps nobody. */
	if (c->lifetime == 0 && c->mutual)
		return rpcauth_err_set(err, RPCAUTH_E_GSS, "%s: %s (GSS-API: "
		    "the new context's lifetime is 0 s)", what,
		    gsserr_fix(GSSERR_EXPIRED));
	c->expiry = c->lifetime == GSS_C_INDEFINITE || c->lifetime == 0 ? 0 :
	    time(NULL) + (time_t)c->lifetime;
	return 0;
}

/*
 * After gss_init_sec_context: 1 when its token goes to the server, 0 when
 * both sides are done, -1 (err set) when the two sides disagree.
 */
static int
token_to_send(OM_uint32 maj, size_t toklen, int server_done, const char *what,
    struct rpcauth_err *err)
{
	if (toklen == 0) {
		if (maj == GSS_S_COMPLETE && server_done)
			return 0;
		rpcauth_err_set(err, RPCAUTH_E_PROTO, "%s: the mechanism "
		    "produced no token to send", what);
		return -1;
	}
	if (server_done) {
		rpcauth_err_set(err, RPCAUTH_E_PROTO, "%s: the server finished "
		    "while the mechanism still has a token to send", what);
		return -1;
	}
	return 1;
}

/*
 * The server's answer to a leg: refused, or a handle (the context's from
 * now on: CONTINUE_INIT) and, once the server is done, its window.
 */
static int
take_reply(struct clnt_state *st, gss_cred_id_t cred, gss_OID actual,
    struct init_res *res, int rounds, struct clnt_hs *hs, int *server_done,
    const char *what, struct rpcauth_err *err)
{
	struct clnt_ctx *out = hs->ctx;

	TRACE("client: handshake round %d: server major 0x%x, handle %zu "
	    "bytes, window %u, %zu bytes back", rounds, (unsigned)res->major,
	    res->handle_len, (unsigned)res->window, res->token_len);
	if (res->major != GSS_S_COMPLETE &&
	    res->major != GSS_S_CONTINUE_NEEDED) {
		server_refusal(st, cred, out, actual, res, what, err);
		return -1;
	}
	if (res->handle_len == 0) {
		rpcauth_err_set(err, RPCAUTH_E_PROTO, "%s: the server sent an "
		    "empty context handle", what);
		return -1;
	}
	memcpy(out->handle, res->handle, res->handle_len);
	out->handle_len = res->handle_len;
	hs->proc = RPCAUTH_GSS_CONTINUE_INIT;
	if (res->major == GSS_S_COMPLETE) {
		*server_done = 1;
		out->window = res->window;
	}
	return 0;
}

int
clnt_handshake(struct clnt_state *st, CLIENT *via, struct clnt_ctx *out,
    struct rpcauth_err *err)
{
	struct clnt_hs hs;
	struct init_res res;
	gss_buffer_desc in = GSS_C_EMPTY_BUFFER, tok = GSS_C_EMPTY_BUFFER;
	gss_OID actual = GSS_C_NO_OID;
	OM_uint32 maj, min, flags = 0;
	long long deadline = clnt_now_ms() + st->timeout_ms;
	AUTH *saved = via->cl_auth;
	int rounds = 0, server_done = 0, ret = -1, r;
	struct ccmirror *mir = NULL;
	gss_cred_id_t cred;
	char what[1200];

	memset(out, 0, sizeof(*out));
	out->gctx = GSS_C_NO_CONTEXT;
	memset(&res, 0, sizeof(res));
	memset(&hs, 0, sizeof(hs));
	clnt_aux_auth(&hs.auth, &hs_ops, &hs);
	hs.st = st;
	hs.ctx = out;
	hs.proc = RPCAUTH_GSS_INIT;
	via->cl_auth = &hs.auth;
	snprintf(what, sizeof(what), "security handshake with %s",
	    st->target_str);
	TRACE("client: handshake with %s: mech %s, service %s, flavor %u",
	    st->target_str, mech_name(st->req_mech),
	    clnt_service_name(st->service), st->flavor);
	if (acquire_initiator(st, err) != 0)
		goto out;
	/* The default Kerberos credential: from memory while the file is
	 * unchanged (ccmirror.c). */
	cred = st->cred;
	if (cred == GSS_C_NO_CREDENTIAL &&
	    mech_bit(st->req_mech) == MECH_KRB5 &&
	    (mir = ccmirror_get()) != NULL)
		cred = ccmirror_cred(mir);
	for (;;) {
		if (++rounds > MAX_ROUNDS) {
			rpcauth_err_set(err, RPCAUTH_E_PROTO,
			    "%s: not finished after %d rounds", what,
			    MAX_ROUNDS);
			goto out;
		}
		maj = gss_init_sec_context(&min, cred, &out->gctx,
		    st->target, st->req_mech, INIT_FLAGS, 0,
		    GSS_C_NO_CHANNEL_BINDINGS, &in, &actual, &tok, &flags,
		    &out->lifetime);
		TRACE("client: handshake round %d: init_sec_context major "
		    "0x%x, %zu bytes in, %zu bytes out", rounds, (unsigned)maj,
		    (size_t)in.length, (size_t)tok.length);
		xdr_free((xdrproc_t)xdr_init_res, (char *)&res);
		in.value = NULL;
		in.length = 0;
		if (GSS_ERROR(maj)) {
			gsserr_set(err, RPCAUTH_E_GSS, what, maj, min,
			    actual != GSS_C_NO_OID ? actual : st->req_mech);
			spnego_hint(st, rounds, err);
			goto out;
		}
		if ((r = token_to_send(maj, tok.length, server_done, what,
		    err)) < 0)
			goto out;
		if (r == 0)
			break;
		hs.verf_len = 0;
		hs.verf_flavor = 0;
		if (hs_round(st, via, &tok, deadline, &res, what, err) != 0)
			goto out;
		(void)gss_release_buffer(&min, &tok);
		if (take_reply(st, cred, actual, &res, rounds, &hs,
		    &server_done, what, err) != 0)
			goto out;
		in.value = res.token;
		in.length = res.token_len;
		if (maj == GSS_S_COMPLETE) {
			if (!server_done || in.length != 0) {
				rpcauth_err_set(err, RPCAUTH_E_PROTO, "%s: the "
				    "mechanism finished but the server wants "
				    "another round", what);
				goto out;
			}
			break;
		}
	}
	if (hs_finish(st, &hs, actual, flags, what, err) != 0)
		goto out;
	TRACE("client: handshake with %s complete: mech %s, %d rounds, "
	    "mutual %s, window %u, lifetime %u s", st->target_str,
	    mech_name(out->mech), rounds, out->mutual ? "yes" : "no",
	    (unsigned)out->window, (unsigned)out->lifetime);
	ret = 0;
out:
	ccmirror_put(mir);
	via->cl_auth = saved;
	xdr_free((xdrproc_t)xdr_init_res, (char *)&res);
	(void)gss_release_buffer(&min, &tok);
	if (ret != 0) {
		TRACE("client: handshake with %s failed: %s", st->target_str,
		    err->msg != NULL ? err->msg : "?");
		clnt_ctx_clear(out);
	}
	OPENSSL_cleanse(&hs, sizeof(hs));
	return ret;
}
