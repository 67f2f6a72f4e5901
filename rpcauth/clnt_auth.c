/* rpcauth/clnt_auth.c - the client AUTH: credential, header MIC, protected bodies */
/*
 * libtirpc calls these ops under the CLIENT's per-fd lock, one call at a
 * time (LIBTIRPC-NOTES.md), so seq_cur is the sequence number of the only
 * call in flight; a UDP retransmission resends the same bytes and seq.
 */
#include "config.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <gssapi/gssapi_ext.h>

#include "clnt_internal.h"
#include "cred_xdr.h"
#include "gsserr.h"
#include "mech.h"
#include "protect.h"

static struct clnt_state *
state_of(AUTH *a)
{
	return (struct clnt_state *)a->ah_private;
}

static void
cl_nextverf(AUTH *a)
{
	(void)a;
}

/* Write the credential; then AUTH_NONE (handshake) or the header MIC. */
static int
cl_marshal(AUTH *a, XDR *xdrs)
{
	struct clnt_state *st = state_of(a);
	struct rpcauth_cred cred;
	struct secctx_status sst;
	gss_buffer_desc mic = GSS_C_EMPTY_BUFFER;
	struct opaque_auth oa;
	OM_uint32 min;
	u_int pos;
	caddr_t hdr;
	int len, ok = FALSE;

	memset(&cred, 0, sizeof(cred));
	cred.version = RPCAUTH_GSS_VERS_1;
	cred.service = st->service;
	cred.handle = st->handle;
	cred.handle_len = st->handle_len;
	if (st->mode == CLNT_MODE_HANDSHAKE) {
		cred.gss_proc = st->hs_proc;
	} else {
		if (st->seq_next > RPCAUTH_MAXSEQ) {
			rpcauth_err_set(&st->lasterr, RPCAUTH_E_PROTO,
			    "sequence numbers exhausted (MAXSEQ reached)");
			return FALSE;
		}
		cred.gss_proc = st->mode == CLNT_MODE_DESTROY ?
		    RPCAUTH_GSS_DESTROY : RPCAUTH_GSS_DATA;
		cred.seq = st->seq_cur = st->seq_next++;
	}
	if ((len = cred_encode(&cred, st->credbuf, sizeof(st->credbuf))) < 0) {
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_PROTO,
		    "credential does not fit in 400 bytes");
		return FALSE;
	}
	oa.oa_flavor = (enum_t)st->flavor;
	oa.oa_base = (caddr_t)st->credbuf;
	oa.oa_length = (u_int)len;
	if (!xdr_opaque_auth(xdrs, &oa))
		return FALSE;
	if (st->mode == CLNT_MODE_HANDSHAKE)
		return xdr_opaque_auth(xdrs, &_null_auth);
	/* RFC 2203 5.3.1: MIC over xid .. credential, as already encoded. */
	pos = XDR_GETPOS(xdrs);
	if (!XDR_SETPOS(xdrs, 0) || (hdr = (caddr_t)XDR_INLINE(xdrs,
	    (int)pos)) == NULL) {
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_SYSTEM,
		    "cannot reach the encoded call header");
		return FALSE;
	}
	if (secctx_get_mic(&st->sc, hdr, pos, &mic, &sst) != 0) {
		gsserr_set(&st->lasterr, "cannot make the header checksum",
		    sst.major, sst.minor, st->mech);
		goto out;
	}
	oa.oa_flavor = (enum_t)st->flavor;
	oa.oa_base = mic.value;
	oa.oa_length = (u_int)mic.length;
	ok = xdr_opaque_auth(xdrs, &oa);
out:
	(void)gss_release_buffer(&min, &mic);
	return ok;
}

static int
cl_validate(AUTH *a, struct opaque_auth *v)
{
	struct clnt_state *st = state_of(a);
	struct secctx_status sst;
	uint8_t be[4];

	if (st->mode == CLNT_MODE_HANDSHAKE) {
		/* Kept for the MIC(seq_window) check once the context exists. */
		st->hs_verf_flavor = (uint32_t)v->oa_flavor;
		st->hs_verf_len = 0;
		if (v->oa_length <= sizeof(st->hs_verf) && v->oa_length > 0) {
			memcpy(st->hs_verf, v->oa_base, v->oa_length);
			st->hs_verf_len = v->oa_length;
		}
		return TRUE;
	}
	if ((uint32_t)v->oa_flavor != st->flavor) {
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH,
		    "the reply verifier has flavor %d, not %u",
		    (int)v->oa_flavor, st->flavor);
		return FALSE;
	}
	be[0] = st->seq_cur >> 24;
	be[1] = st->seq_cur >> 16;
	be[2] = st->seq_cur >> 8;
	be[3] = st->seq_cur;
	if (secctx_verify_mic(&st->sc, be, sizeof(be), v->oa_base,
	    v->oa_length, &sst) != 0) {
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH,
		    "the reply verifier does not verify: the reply is not "
		    "from the authenticated server, or was altered");
		return FALSE;
	}
	return TRUE;
}

static int
cl_refresh(AUTH *a, void *arg)
{
	struct clnt_state *st = state_of(a);
	struct rpc_msg *msg = arg;

	/* Re-establishment comes with the lifecycle work; until then, fail. */
	if (msg != NULL && msg->rm_reply.rp_stat == MSG_DENIED &&
	    msg->rjcted_rply.rj_stat == AUTH_ERROR)
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH,
		    "the server rejected the call (auth_stat %d)",
		    (int)msg->rjcted_rply.rj_why);
	return FALSE;
}

static int
cl_wrap(AUTH *a, XDR *xdrs, xdrproc_t proc, caddr_t where)
{
	struct clnt_state *st = state_of(a);
	struct secctx_status sst;
	enum protect_result r;

	if (st->mode == CLNT_MODE_HANDSHAKE)
		return (*proc)(xdrs, where);
	r = protect_encode(&st->sc, st->service, st->seq_cur, xdrs, proc,
	    where, &sst);
	if (r != PROTECT_OK) {
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_PROTO,
		    "cannot protect the arguments: %s", protect_strerror(r));
		return FALSE;
	}
	return TRUE;
}

static int
cl_unwrap(AUTH *a, XDR *xdrs, xdrproc_t proc, caddr_t where)
{
	struct clnt_state *st = state_of(a);
	struct secctx_status sst;
	enum protect_result r;

	if (st->mode == CLNT_MODE_HANDSHAKE)
		return (*proc)(xdrs, where);
	r = protect_decode(&st->sc, st->service, st->seq_cur, xdrs, proc,
	    where, st->max_body, &sst);
	if (r != PROTECT_OK) {
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_PROTO,
		    "reply refused: %s", protect_strerror(r));
		return FALSE;
	}
	return TRUE;
}

static void
state_free(struct clnt_state *st)
{
	OM_uint32 min;

	if (st == NULL)
		return;
	secctx_clear(&st->sc);
	if (st->target != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &st->target);
	if (st->cred != GSS_C_NO_CREDENTIAL)
		(void)gss_release_cred(&min, &st->cred);
	free(st->target_str);
	free(st->client_principal);
	free(st->server_principal);
	rpcauth_err_clear(&st->lasterr);
	OPENSSL_cleanse(st, sizeof(*st));
	free(st);
}

static void
cl_destroy(AUTH *a)
{
	struct clnt_state *st = state_of(a);
	struct timeval tv = { 2, 0 };
	AUTH *saved;

	/* RFC 2203 5.4: best effort, short timeout. */
	if (st->mode == CLNT_MODE_DATA && st->clnt != NULL) {
		saved = st->clnt->cl_auth;
		st->clnt->cl_auth = a;
		st->mode = CLNT_MODE_DESTROY;
		(void)clnt_call(st->clnt, NULLPROC, (xdrproc_t)xdr_nothing, NULL,
		    (xdrproc_t)xdr_nothing, NULL, tv);
		st->clnt->cl_auth = saved == a ? authnone_create() : saved;
	}
	state_free(st);
}

static struct auth_ops cl_ops = {
	cl_nextverf, cl_marshal, cl_validate, cl_refresh, cl_destroy,
	cl_wrap, cl_unwrap
};

void
rpcauth_client_opts_init(struct rpcauth_client_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

static int
acquire_initiator(struct clnt_state *st, const struct rpcauth_client_opts *o,
    struct rpcauth_err *err)
{
	gss_key_value_element_desc el[2];
	gss_key_value_set_desc store = { 0, el };
	gss_OID_set_desc mechs = { 1, st->req_mech };
	OM_uint32 maj, min;

	if (o->ccache == NULL && o->client_keytab == NULL)
		return 0;	/* the default ccache, or KRB5_CLIENT_KTNAME */
	if (o->ccache != NULL) {
		el[store.count].key = "ccache";
		el[store.count++].value = o->ccache;
	}
	if (o->client_keytab != NULL) {
		el[store.count].key = "client_keytab";
		el[store.count++].value = o->client_keytab;
	}
	maj = gss_acquire_cred_from(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE,
	    &mechs, GSS_C_INITIATE, &store, &st->cred, NULL, NULL);
	if (GSS_ERROR(maj))
		return gsserr_set(err, "cannot get client credentials", maj,
		    min, st->req_mech);
	return 0;
}

AUTH *
rpcauth_client_create(CLIENT *clnt, const char *service,
    const struct rpcauth_client_opts *opts, struct rpcauth_err *err)
{
	struct rpcauth_client_opts defaults;
	struct clnt_state *st = NULL;
	gss_buffer_desc nbuf;
	OM_uint32 maj, min;
	AUTH *saved = NULL, *ret = NULL;

	if (opts == NULL) {
		rpcauth_client_opts_init(&defaults);
		opts = &defaults;
	}
	if (clnt == NULL || service == NULL || strchr(service, '@') == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "a CLIENT and a service name like \"nfs@host\" are required");
		return NULL;
	}
	if (opts->service > RPCAUTH_SVC_PRIVACY) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "unknown service %d",
		    (int)opts->service);
		return NULL;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
		return NULL;
	}
	secctx_init(&st->sc);
	st->auth.ah_ops = &cl_ops;
	st->auth.ah_private = st;
	st->auth.ah_cred = _null_auth;
	st->auth.ah_verf = _null_auth;
	st->clnt = clnt;
	st->flavor = opts->flavor != 0 ? opts->flavor : RPCAUTH_FLAVOR;
	st->service = opts->service != 0 ? opts->service :
	    RPCAUTH_SVC_INTEGRITY;
	st->timeout_ms = opts->handshake_timeout_ms > 0 ?
	    opts->handshake_timeout_ms : 25000;
	st->max_body = opts->max_body != 0 ? opts->max_body :
	    64u * 1024 * 1024;
	st->req_mech = mech_by_name(opts->mech != NULL ? opts->mech : "krb5");
	if (st->req_mech == GSS_C_NO_OID) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "unknown mechanism \"%s\" (use krb5, spnego or ntlm)",
		    opts->mech);
		goto out;
	}
	if ((st->target_str = strdup(service)) == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
		goto out;
	}
	nbuf.value = st->target_str;
	nbuf.length = strlen(st->target_str);
	maj = gss_import_name(&min, &nbuf, GSS_C_NT_HOSTBASED_SERVICE,
	    &st->target);
	if (GSS_ERROR(maj)) {
		gsserr_set(err, "bad service name", maj, min, GSS_C_NO_OID);
		goto out;
	}
	if (acquire_initiator(st, opts, err) != 0)
		goto out;
	saved = clnt->cl_auth;
	clnt->cl_auth = &st->auth;
	if (clnt_handshake(st, err) != 0) {
		clnt->cl_auth = saved;
		goto out;
	}
	ret = &st->auth;
	st = NULL;
out:
	state_free(st);
	return ret;
}

const char *
rpcauth_auth_error(AUTH *auth)
{
	if (auth == NULL || auth->ah_ops != &cl_ops)
		return NULL;
	return state_of(auth)->lasterr.msg;
}

int
rpcauth_auth_info(AUTH *auth, struct rpcauth_auth_info *out)
{
	struct clnt_state *st;

	memset(out, 0, sizeof(*out));
	if (auth == NULL || auth->ah_ops != &cl_ops)
		return -1;
	st = state_of(auth);
	snprintf(out->client_principal, sizeof(out->client_principal), "%s",
	    st->client_principal != NULL ? st->client_principal : "");
	snprintf(out->server_principal, sizeof(out->server_principal), "%s",
	    st->server_principal != NULL ? st->server_principal : "");
	snprintf(out->mech, sizeof(out->mech), "%s", mech_name(st->mech));
	out->service = st->service;
	out->flavor = st->flavor;
	out->window = st->window;
	out->expiry = st->expiry;
	out->mutual = st->mutual;
	return 0;
}
