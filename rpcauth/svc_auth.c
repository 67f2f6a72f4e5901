/* rpcauth/svc_auth.c - the server's svc_auth_reg handler and its wrap/unwrap */
/*
 * Every check of RFC-DIGEST.md section 5 runs here, before libtirpc hands
 * the request to any dispatch routine: credential bounds, context lookup,
 * MAXSEQ, the replay window (checked, not moved), the header MIC, only then
 * the window record, the service policy and the reply verifier.  Control
 * messages and drops are redirected to a private program.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi_ext.h>

#include "cred_xdr.h"
#include "gsserr.h"
#include "hdrmic.h"
#include "protect.h"
#include "svc_internal.h"

#include <rpc/svc_auth.h>
#include <rpc/svc_mt.h>

struct svc_global svc_g = { .lock = PTHREAD_MUTEX_INITIALIZER };

_Static_assert(sizeof(struct svc_reqstate) <= SVC_RQCRED_SIZE,
    "request state must fit in rq_clntcred");

int
svc_reqstate_get(const struct svc_req *rq, struct svc_reqstate *rs)
{
	if (rq->rq_clntcred == NULL)
		return -1;
	memcpy(rs, rq->rq_clntcred, sizeof(*rs));
	if (rs->magic != SVC_REQ_MAGIC ||
	    rq->rq_cred.oa_flavor != (enum_t)svc_g.flavor)
		return -1;
	return 0;
}

void
svc_reqstate_put(struct svc_req *rq, const struct svc_reqstate *rs)
{
	memcpy(rq->rq_clntcred, rs, sizeof(*rs));
}

int
svc_set_verf_mic(struct svc_req *rq, struct svc_reqstate *rs,
    struct svcctx *c, uint32_t value)
{
	gss_buffer_desc mic = GSS_C_EMPTY_BUFFER;
	struct secctx_status st;
	uint8_t be[4];
	OM_uint32 min;
	int ret = -1;

	be[0] = value >> 24;
	be[1] = value >> 16;
	be[2] = value >> 8;
	be[3] = value;
	if (secctx_get_mic(&c->sc, be, sizeof(be), &mic, &st) != 0)
		goto out;
	if (mic.length > SVC_VERF_MAX)
		goto out;
	memcpy(rs->verf, mic.value, mic.length);
	rs->verf_len = (uint32_t)mic.length;
	svc_reqstate_put(rq, rs);
	rq->rq_xprt->xp_verf.oa_flavor = (enum_t)svc_g.flavor;
	rq->rq_xprt->xp_verf.oa_base = (caddr_t)rq->rq_clntcred +
	    offsetof(struct svc_reqstate, verf);
	rq->rq_xprt->xp_verf.oa_length = rs->verf_len;
	ret = 0;
out:
	(void)gss_release_buffer(&min, &mic);
	return ret;
}

/* SVCAUTH ops: protect results, unprotect arguments, per request. */
static int
svc_wrap(SVCAUTH *auth, XDR *xdrs, xdrproc_t proc, caddr_t where)
{
	struct svc_reqstate rs;
	struct secctx_status st;
	struct svcctx *c;
	enum protect_result r;

	memcpy(&rs, auth->svc_ah_private, sizeof(rs));
	if (rs.service == RPCAUTH_SVC_NONE)
		return (*proc)(xdrs, where);
	if ((c = ctxcache_find(svc_g.cc, rs.handle, sizeof(rs.handle))) == NULL)
		return FALSE;
	r = protect_encode(&c->sc, rs.service, rs.seq, xdrs, proc, where, &st);
	ctxcache_put(svc_g.cc, c);
	return r == PROTECT_OK;
}

static int
svc_unwrap(SVCAUTH *auth, XDR *xdrs, xdrproc_t proc, caddr_t where)
{
	struct svc_reqstate rs;
	struct secctx_status st;
	struct svcctx *c;
	enum protect_result r;

	memcpy(&rs, auth->svc_ah_private, sizeof(rs));
	if (rs.service == RPCAUTH_SVC_NONE)
		return (*proc)(xdrs, where);
	if ((c = ctxcache_find(svc_g.cc, rs.handle, sizeof(rs.handle))) == NULL)
		return FALSE;
	r = protect_decode(&c->sc, rs.service, rs.seq, xdrs, proc, where,
	    svc_g.max_body, &st);
	ctxcache_put(svc_g.cc, c);
	return r == PROTECT_OK;
}

static int
svc_ah_destroy_noop(SVCAUTH *auth)
{
	(void)auth;
	return TRUE;
}

static struct svc_auth_ops svc_ops = {
	svc_wrap, svc_unwrap, svc_ah_destroy_noop
};

static enum rpcauth_service
min_service_for(uint32_t prog, uint32_t vers)
{
	size_t i;

	for (i = 0; i < svc_g.npolicies; i++)
		if (svc_g.policies[i].prog == prog &&
		    svc_g.policies[i].vers == vers)
			return svc_g.policies[i].min_service;
	return svc_g.min_service;
}

/* Register the private program on this transport's list once. */
static int
ensure_priv(SVCXPRT *xprt)
{
	int ok = 1;

	pthread_mutex_lock(&svc_g.lock);
	if (!svc_g.priv_registered) {
		if (svc_reg(xprt, SVC_PRIV_PROG, SVC_PRIV_VERS,
		    svc_priv_dispatch, NULL))
			svc_g.priv_registered = 1;
		else
			ok = 0;
	}
	pthread_mutex_unlock(&svc_g.lock);
	return ok;
}

static enum auth_stat
redirect(struct svc_req *rq, struct svc_reqstate *rs)
{
	if (!ensure_priv(rq->rq_xprt))
		return AUTH_FAILED;
	svc_reqstate_put(rq, rs);
	rq->rq_prog = SVC_PRIV_PROG;
	rq->rq_vers = SVC_PRIV_VERS;
	return AUTH_OK;
}

/* DATA and DESTROY: everything up to and including the reply verifier. */
static enum auth_stat
check_data(struct svc_req *rq, struct rpc_msg *msg,
    const struct rpcauth_cred *cred, struct svc_reqstate *rs)
{
	const struct opaque_auth *verf = &msg->rm_call.cb_verf;
	uint8_t hdr[HDRMIC_MAX_LEN];
	struct hdrmic_call hc;
	struct secctx_status st;
	struct svcctx *c = NULL;
	enum seqwin_verdict v;
	enum auth_stat why;
	int hlen;

	if (verf->oa_flavor != (enum_t)svc_g.flavor || verf->oa_length < 4 ||
	    verf->oa_length > RPCAUTH_MAX_AUTH_BYTES)
		return AUTH_BADVERF;
	c = ctxcache_find(svc_g.cc, cred->handle, cred->handle_len);
	if (c == NULL || !c->established) {
		why = RPCSEC_GSS_CREDPROBLEM;
		goto out;
	}
	if (cred->seq > RPCAUTH_MAXSEQ) {
		why = RPCSEC_GSS_CTXPROBLEM;
		goto out;
	}
	if (c->expiry != 0 && time(NULL) >= c->expiry) {
		ctxcache_remove(svc_g.cc, c);
		why = RPCSEC_GSS_CTXPROBLEM;
		goto out;
	}
	memset(&hc, 0, sizeof(hc));
	hc.xid = msg->rm_xid;
	hc.prog = msg->rm_call.cb_prog;
	hc.vers = msg->rm_call.cb_vers;
	hc.proc = msg->rm_call.cb_proc;
	hc.cred_flavor = msg->rm_call.cb_cred.oa_flavor;
	hc.cred = (const uint8_t *)msg->rm_call.cb_cred.oa_base;
	hc.cred_len = msg->rm_call.cb_cred.oa_length;
	if ((hlen = hdrmic_build(&hc, hdr, sizeof(hdr))) < 0) {
		why = AUTH_BADCRED;
		goto out;
	}
	/* Window and MIC under the context lock: check, verify, then record. */
	pthread_mutex_lock(&c->sc.lock);
	v = seqwin_check(&c->win, cred->seq);
	pthread_mutex_unlock(&c->sc.lock);
	if (v == SEQWIN_TOO_OLD || v == SEQWIN_REPLAY) {
		/* RFC 2203 5.3.3.1: silently discard, and verify nothing. */
		rs->action = SVC_ACT_DROP;
		ctxcache_put(svc_g.cc, c);
		return redirect(rq, rs);
	}
	if (v == SEQWIN_BEYOND_MAXSEQ) {
		why = RPCSEC_GSS_CTXPROBLEM;
		goto out;
	}
	if (secctx_verify_mic(&c->sc, hdr, (size_t)hlen, verf->oa_base,
	    verf->oa_length, &st) != 0) {
		why = st.major == GSS_S_CONTEXT_EXPIRED ?
		    RPCSEC_GSS_CTXPROBLEM : RPCSEC_GSS_CREDPROBLEM;
		goto out;
	}
	pthread_mutex_lock(&c->sc.lock);
	/* Another thread may have taken this seq since the check. */
	v = seqwin_check(&c->win, cred->seq);
	if (v == SEQWIN_FRESH || v == SEQWIN_LATE_OK)
		seqwin_record(&c->win, cred->seq);
	pthread_mutex_unlock(&c->sc.lock);
	if (v != SEQWIN_FRESH && v != SEQWIN_LATE_OK) {
		rs->action = SVC_ACT_DROP;
		ctxcache_put(svc_g.cc, c);
		return redirect(rq, rs);
	}
	if (cred->gss_proc == RPCAUTH_GSS_DATA &&
	    cred->service < (uint32_t)min_service_for(hc.prog, hc.vers)) {
		why = AUTH_TOOWEAK;
		goto out;
	}
	rs->seq = cred->seq;
	rs->service = cred->service;
	memcpy(rs->handle, c->handle, sizeof(rs->handle));
	if (svc_set_verf_mic(rq, rs, c, cred->seq) != 0) {
		why = RPCSEC_GSS_CTXPROBLEM;
		goto out;
	}
	SVC_XP_AUTH(rq->rq_xprt).svc_ah_ops = &svc_ops;
	SVC_XP_AUTH(rq->rq_xprt).svc_ah_private = rq->rq_clntcred;
	ctxcache_put(svc_g.cc, c);
	c = NULL;
	if (cred->gss_proc == RPCAUTH_GSS_DESTROY) {
		rs->action = SVC_ACT_DESTROY;
		return redirect(rq, rs);
	}
	svc_reqstate_put(rq, rs);
	return AUTH_OK;
out:
	ctxcache_put(svc_g.cc, c);
	return why;
}

static enum auth_stat
svc_handler(struct svc_req *rq, struct rpc_msg *msg)
{
	struct rpcauth_cred cred;
	struct svc_reqstate rs;
	struct svcctx *c;

	/* The private program is reachable only through a redirect. */
	if (msg->rm_call.cb_prog == SVC_PRIV_PROG)
		return AUTH_BADCRED;
	if (msg->rm_call.cb_cred.oa_length > RPCAUTH_MAX_AUTH_BYTES ||
	    cred_decode(msg->rm_call.cb_cred.oa_base,
	    msg->rm_call.cb_cred.oa_length, &cred) != 0)
		return AUTH_BADCRED;
	memset(&rs, 0, sizeof(rs));
	rs.magic = SVC_REQ_MAGIC;
	rs.flavor = svc_g.flavor;
	rs.prog = msg->rm_call.cb_prog;
	rs.vers = msg->rm_call.cb_vers;
	rs.seq = cred.seq;
	rs.service = cred.service;
	switch (cred.gss_proc) {
	case RPCAUTH_GSS_INIT:
	case RPCAUTH_GSS_CONTINUE_INIT:
		if (msg->rm_call.cb_proc != NULLPROC)
			return AUTH_BADCRED;
		if (msg->rm_call.cb_verf.oa_flavor != AUTH_NONE)
			return AUTH_BADVERF;
		if (cred.gss_proc == RPCAUTH_GSS_INIT) {
			if (cred.handle_len != 0)
				return AUTH_BADCRED;
			rs.action = SVC_ACT_INIT;
		} else {
			/* Only a half-open context may continue. */
			c = ctxcache_find(svc_g.cc, cred.handle,
			    cred.handle_len);
			if (c == NULL || c->established) {
				ctxcache_put(svc_g.cc, c);
				return RPCSEC_GSS_CREDPROBLEM;
			}
			memcpy(rs.handle, c->handle, sizeof(rs.handle));
			ctxcache_put(svc_g.cc, c);
			rs.action = SVC_ACT_CONTINUE;
		}
		return redirect(rq, &rs);
	case RPCAUTH_GSS_DESTROY:
		if (msg->rm_call.cb_proc != NULLPROC)
			return AUTH_BADCRED;
		/* FALLTHROUGH */
	case RPCAUTH_GSS_DATA:
		rs.action = SVC_ACT_DATA;
		return check_data(rq, msg, &cred, &rs);
	}
	return AUTH_BADCRED;
}

void
rpcauth_svc_opts_init(struct rpcauth_svc_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

/* Acquire the acceptor credential once: keytab read and checked here. */
static int
acquire_acceptor(const struct rpcauth_svc_opts *o, gss_cred_id_t *out,
    struct rpcauth_err *err)
{
	gss_key_value_element_desc el = { "keytab", o->keytab };
	gss_key_value_set_desc store = { 1, &el };
	gss_buffer_desc nbuf;
	gss_name_t name = GSS_C_NO_NAME;
	OM_uint32 maj, min;
	char what[1400];
	const char *kt = o->keytab != NULL ? o->keytab :
	    (getenv("KRB5_KTNAME") != NULL ? getenv("KRB5_KTNAME") :
	    "the default keytab");
	int ret = -1;

	if (o->principal != NULL) {
		nbuf.value = (void *)(uintptr_t)o->principal;
		nbuf.length = strlen(o->principal);
		maj = gss_import_name(&min, &nbuf, GSS_C_NT_HOSTBASED_SERVICE,
		    &name);
		if (GSS_ERROR(maj)) {
			gsserr_set(err, "bad service principal name", maj, min,
			    GSS_C_NO_OID);
			goto out;
		}
	}
	maj = gss_acquire_cred_from(&min, name, GSS_C_INDEFINITE,
	    GSS_C_NO_OID_SET, GSS_C_ACCEPT, o->keytab != NULL ? &store : NULL,
	    out, NULL, NULL);
	if (GSS_ERROR(maj)) {
		snprintf(what, sizeof(what), "no usable key for %s in keytab %s",
		    o->principal != NULL ? o->principal : "any service", kt);
		gsserr_set(err, what, maj, min, GSS_C_NO_OID);
		err->code = RPCAUTH_E_CONFIG;
		goto out;
	}
	ret = 0;
out:
	if (name != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &name);
	return ret;
}

int
rpcauth_svc_register(const struct rpcauth_svc_opts *opts,
    struct rpcauth_err *err)
{
	struct rpcauth_svc_opts defaults;
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	uint32_t flavor;
	OM_uint32 min;
	int ret = -1, r;

	if (opts == NULL) {
		rpcauth_svc_opts_init(&defaults);
		opts = &defaults;
	}
	flavor = opts->flavor != 0 ? opts->flavor : RPCAUTH_FLAVOR;
	if (opts->window > SEQWIN_MAX)
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "window %u is larger than %u", opts->window, SEQWIN_MAX);
	if (opts->min_service > RPCAUTH_SVC_PRIVACY)
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "unknown minimum service %d", (int)opts->min_service);
	pthread_mutex_lock(&svc_g.lock);
	if (svc_g.registered) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "rpcauth_svc_register was already called in this process");
		goto out;
	}
	if (acquire_acceptor(opts, &cred, err) != 0)
		goto out;
	svc_g.cc = ctxcache_new(opts->max_contexts != 0 ? opts->max_contexts :
	    16384, 30);
	if (svc_g.cc == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_NOMEM, "no memory for the context table");
		goto out;
	}
	if (opts->npolicies > 0) {
		svc_g.policies = calloc(opts->npolicies, sizeof(*svc_g.policies));
		if (svc_g.policies == NULL) {
			rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
			goto out;
		}
		memcpy(svc_g.policies, opts->policies,
		    opts->npolicies * sizeof(*svc_g.policies));
		svc_g.npolicies = opts->npolicies;
	}
	svc_g.flavor = flavor;
	svc_g.window = opts->window != 0 ? opts->window : SEQWIN_DEFAULT;
	svc_g.min_service = opts->min_service;
	svc_g.max_token = opts->max_token != 0 ? opts->max_token : 65536;
	svc_g.max_body = opts->max_body != 0 ? opts->max_body :
	    64u * 1024 * 1024;
	if (opts->principal != NULL &&
	    (svc_g.principal = strdup(opts->principal)) == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
		goto out;
	}
	r = svc_auth_reg((int)flavor, svc_handler);
	if (r != 0) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, r == 1 ?
		    "flavor %u is already taken in libtirpc (6 belongs to its own RPCSEC_GSS)" :
		    "svc_auth_reg(%u) failed", flavor);
		goto out;
	}
	svc_g.acceptor = cred;
	cred = GSS_C_NO_CREDENTIAL;
	svc_g.registered = 1;
	ret = 0;
out:
	if (ret != 0) {
		ctxcache_free(svc_g.cc);
		svc_g.cc = NULL;
		free(svc_g.policies);
		svc_g.policies = NULL;
		svc_g.npolicies = 0;
		free(svc_g.principal);
		svc_g.principal = NULL;
	}
	if (cred != GSS_C_NO_CREDENTIAL)
		(void)gss_release_cred(&min, &cred);
	pthread_mutex_unlock(&svc_g.lock);
	return ret;
}
