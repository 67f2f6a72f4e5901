/* rpcauth/svc_auth.c - the server's svc_auth_reg handler and its wrap/unwrap */
/*
 * Every check of docs/PROTOCOL.md section 5 runs here, before libtirpc hands
 * the request to any dispatch routine: credential bounds, context lookup,
 * MAXSEQ, the replay window (checked, not moved), the service policy, the
 * header MIC, only then the window record and the reply verifier.
 * Control messages and drops are redirected to a private program.
 *
 * Checks that need no GSS call come first, and the window check, the
 * service policy, the header MIC and the window record form one critical
 * section of the context (secctx_check_call): a request that is dropped
 * or refused never reaches the mechanism, and the per-message calls of a
 * context run one at a time, in the order the requests passed the window.
 * NTLM needs both: it verifies strictly in sequence and a failed check
 * consumes a number (docs/PROTOCOL.md section 10).
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cred_xdr.h"
#include "hdrmic.h"
#include "init_xdr.h"
#include "mech.h"
#include "protect.h"
#include "svc_internal.h"
#include "trace.h"

#include <rpc/svc_auth.h>

/* The event of a call the handler rejects with `why` (svc_log.c). */
#define CALL_EVENT(rq, msg, why, princ, ...)				\
	SVC_EVENT((rq)->rq_xprt, (uint32_t)(msg)->rm_call.cb_prog,	\
	    (uint32_t)(msg)->rm_call.cb_vers,				\
	    RPCAUTH_SVC_EV_CALL_REJECTED, (int)(why), 0, 0, (princ),	\
	    __VA_ARGS__)
#define HANDSHAKE_EVENT(rq, msg, why, ...)				\
	SVC_EVENT((rq)->rq_xprt, (uint32_t)(msg)->rm_call.cb_prog,	\
	    (uint32_t)(msg)->rm_call.cb_vers,				\
	    RPCAUTH_SVC_EV_HANDSHAKE_REFUSED, (int)(why), 0, 0, NULL,	\
	    __VA_ARGS__)

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

static void
svc_reqstate_put(struct svc_req *rq, const struct svc_reqstate *rs)
{
	memcpy(rq->rq_clntcred, rs, sizeof(*rs));
}

int
svc_set_verf_mic(struct svc_req *rq, struct svc_reqstate *rs,
    struct svcctx *c, uint32_t value)
{
	struct secctx_status st;
	uint8_t be[4];
	size_t len;
	int ret = -1;

	be[0] = value >> 24;
	be[1] = value >> 16;
	be[2] = value >> 8;
	be[3] = value;
	/* Straight into the request state: no buffer per reply. */
	if (secctx_get_mic_into(&c->sc, be, sizeof(be), rs->verf,
	    SVC_VERF_MAX, &len, &st) != 0)
		goto out;
	rs->verf_len = (uint32_t)len;
	svc_reqstate_put(rq, rs);
	rq->rq_xprt->xp_verf.oa_flavor = (enum_t)svc_g.flavor;
	rq->rq_xprt->xp_verf.oa_base = (caddr_t)rq->rq_clntcred +
	    offsetof(struct svc_reqstate, verf);
	rq->rq_xprt->xp_verf.oa_length = rs->verf_len;
	ret = 0;
out:
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
	if (r != PROTECT_OK)
		TRACE("svc: reply seq %u not protected: %s", rs.seq,
		    protect_strerror(r));
	return r == PROTECT_OK;
}

static int
svc_unwrap(SVCAUTH *auth, XDR *xdrs, xdrproc_t proc, caddr_t where)
{
	struct svc_reqstate rs;
	struct secctx_status st;
	struct svcctx *c;
	enum protect_result r;
	XDR empty;

	memcpy(&rs, auth->svc_ah_private, sizeof(rs));
	if (rs.args_read) {
		/* NULLPROC's body was read and checked by the handler: what
		 * is left to decode is nothing. */
		xdrmem_create(&empty, NULL, 0, XDR_DECODE);
		return (*proc)(&empty, where);
	}
	if (rs.service == RPCAUTH_SVC_NONE) {
		if ((*proc)(xdrs, where))
			return TRUE;
		/* Half-decoded arguments: freed here, once (see protect.c). */
		xdr_free(proc, where);
		return FALSE;
	}
	if ((c = ctxcache_find(svc_g.cc, rs.handle, sizeof(rs.handle))) == NULL)
		return FALSE;
	r = protect_decode(&c->sc, rs.service, rs.seq, xdrs, proc, where,
	    svc_g.max_body, &st);
	if (r != PROTECT_OK) {
		TRACE("svc: arguments of seq %u refused (GARBAGE_ARGS): %s",
		    rs.seq, protect_strerror(r));
		SVC_EVENT(rs.xprt, rs.prog, rs.vers,
		    RPCAUTH_SVC_EV_CALL_REJECTED, 0, 1, 0, c->principal,
		    "arguments of seq %u refused (GARBAGE_ARGS): %s", rs.seq,
		    protect_strerror(r));
	}
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

static const struct svc_policy *
policy_for(uint32_t prog, uint32_t vers)
{
	size_t i;

	for (i = 0; i < svc_g.npolicies; i++)
		if (svc_g.policies[i].prog == prog &&
		    svc_g.policies[i].vers == vers)
			return &svc_g.policies[i];
	return NULL;
}

size_t
svc_acceptor_for(uint32_t prog, uint32_t vers)
{
	const struct svc_policy *p = policy_for(prog, vers);

	return p != NULL ? p->acceptor : 0;
}

enum rpcauth_unauth
svc_unauth_for(uint32_t prog, uint32_t vers)
{
	const struct svc_policy *p = policy_for(prog, vers);

	/* No policy: the safe default, closed. */
	return p != NULL ? p->unauth : RPCAUTH_UNAUTH_REFUSE;
}

static enum rpcauth_service
min_service_for(uint32_t prog, uint32_t vers)
{
	const struct svc_policy *p = policy_for(prog, vers);

	return p != NULL ? p->min_service : svc_g.min_service;
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

/*
 * NULLPROC takes no arguments and rpcgen's dispatch never reads them, but
 * under integrity or privacy the client made a MIC or a wrap token over
 * {seq}.  Read and check it now, so that a mechanism that counts messages
 * (NTLM) sees every one.  0, or -1 when the body is bad (GARBAGE_ARGS).
 */
static int
read_nullproc_body(struct svc_req *rq, struct svc_reqstate *rs)
{
	if (!svc_getargs(rq->rq_xprt, (xdrproc_t)xdr_nothing, NULL))
		return -1;
	rs->args_read = 1;
	svc_reqstate_put(rq, rs);
	return 0;
}

static void
hdr_of(const struct rpc_msg *msg, struct hdrmic_call *hc)
{
	memset(hc, 0, sizeof(*hc));
	hc->xid = msg->rm_xid;
	hc->prog = msg->rm_call.cb_prog;
	hc->vers = msg->rm_call.cb_vers;
	hc->proc = msg->rm_call.cb_proc;
	hc->cred_flavor = msg->rm_call.cb_cred.oa_flavor;
	hc->cred = (const uint8_t *)msg->rm_call.cb_cred.oa_base;
	hc->cred_len = msg->rm_call.cb_cred.oa_length;
}

/* The verifier: our flavor, and a size a MIC can have. */
static enum auth_stat
check_verf(struct svc_req *rq, struct rpc_msg *msg)
{
	const struct opaque_auth *verf = &msg->rm_call.cb_verf;

	if (verf->oa_flavor != (enum_t)svc_g.flavor || verf->oa_length < 4 ||
	    verf->oa_length > RPCAUTH_MAX_AUTH_BYTES) {
		TRACE("svc: call refused (AUTH_BADVERF): verifier flavor %d, "
		    "%u bytes", (int)verf->oa_flavor, verf->oa_length);
		CALL_EVENT(rq, msg, AUTH_BADVERF, NULL, "call refused "
		    "(AUTH_BADVERF): verifier flavor %d, %u bytes",
		    (int)verf->oa_flavor, verf->oa_length);
		return AUTH_BADVERF;
	}
	return AUTH_OK;
}

/*
 * The context the call names, if it may carry the call: established, made
 * for a program of the same principal, seq not above MAXSEQ, not expired.
 * Checks that need no lock and no GSS call.  *c_out gets the reference
 * (NULL if there is none) even when the answer is a refusal.
 */
static enum auth_stat
find_context(struct svc_req *rq, struct rpc_msg *msg,
    const struct rpcauth_cred *cred, const struct hdrmic_call *hc,
    struct svcctx **c_out)
{
	uint8_t src[CTXCACHE_SRC_LEN];
	struct svcctx *c;
	int est;

	c = *c_out = ctxcache_find_est(svc_g.cc, cred->handle,
	    cred->handle_len, &est);
	if (c == NULL || !est) {
		TRACE("svc: call refused (CREDPROBLEM): %s", c == NULL ?
		    "no context with that handle" :
		    "the context's handshake is not finished");
		CALL_EVENT(rq, msg, RPCSEC_GSS_CREDPROBLEM, NULL, "call "
		    "refused (CREDPROBLEM): %s", c == NULL ?
		    "no context with that handle" :
		    "the context's handshake is not finished");
		return RPCSEC_GSS_CREDPROBLEM;
	}
	/* The client authenticated to the INIT program's principal only. */
	if (svc_acceptor_for(hc->prog, hc->vers) !=
	    svc_acceptor_for(c->prog, c->vers)) {
		TRACE("svc: call refused (CREDPROBLEM): context made for "
		    "program %u version %u, which has another principal",
		    c->prog, c->vers);
		CALL_EVENT(rq, msg, RPCSEC_GSS_CREDPROBLEM, c->principal,
		    "call refused (CREDPROBLEM): context made for program %u "
		    "version %u, which has another principal", c->prog,
		    c->vers);
		return RPCSEC_GSS_CREDPROBLEM;
	}
	/*
	 * gss-ntlmssp counts a MIC that fails to verify, so one forged call
	 * naming an NTLM context (its handle travels in clear) would put the
	 * real client's next MIC out of step: such a context answers only
	 * the address its handshake came from, refused here before any GSS
	 * call (docs/SECURITY.md, "Known limit").
	 */
	if (mech_bit(c->mech) == MECH_NTLM && c->peer_known &&
	    (svc_peer_key(rq->rq_xprt, src) != 0 ||
	    CRYPTO_memcmp(src, c->peer, sizeof(src)) != 0)) {
		TRACE("svc: call refused (CREDPROBLEM): an NTLM context used "
		    "from another address than its handshake's");
		CALL_EVENT(rq, msg, RPCSEC_GSS_CREDPROBLEM, c->principal,
		    "call refused (CREDPROBLEM): an NTLM context used from "
		    "another address than its handshake's");
		return RPCSEC_GSS_CREDPROBLEM;
	}
	if (cred->seq > RPCAUTH_MAXSEQ) {
		TRACE("svc: call refused (CTXPROBLEM): seq %u above MAXSEQ",
		    cred->seq);
		CALL_EVENT(rq, msg, RPCSEC_GSS_CTXPROBLEM, c->principal,
		    "call refused (CTXPROBLEM): seq %u above MAXSEQ",
		    cred->seq);
		return RPCSEC_GSS_CTXPROBLEM;
	}
	if (c->expiry != 0 && time(NULL) >= c->expiry) {
		TRACE("svc: call refused (CTXPROBLEM): context expired");
		CALL_EVENT(rq, msg, RPCSEC_GSS_CTXPROBLEM, c->principal,
		    "call refused (CTXPROBLEM): context expired");
		ctxcache_remove(svc_g.cc, c);
		return RPCSEC_GSS_CTXPROBLEM;
	}
	return AUTH_OK;
}

/* What check_header decided. */
enum hdr_outcome { HDR_VERIFIED, HDR_DROP, HDR_REFUSED };

/*
 * Window, service policy, header MIC and window record, in that order and
 * as one step of the context (secctx_check_call, see the top).  On
 * HDR_REFUSED *why is the answer; HDR_DROP means no answer at all.
 */
static enum hdr_outcome
check_header(struct svc_req *rq, struct rpc_msg *msg,
    const struct rpcauth_cred *cred, const struct hdrmic_call *hc,
    struct svcctx *c, enum auth_stat *why)
{
	const struct opaque_auth *verf = &msg->rm_call.cb_verf;
	uint8_t hdr[HDRMIC_MAX_LEN];
	struct secctx_call call;
	struct secctx_status st;
	enum secctx_verdict v;
	enum rpcauth_service need;
	int hlen;

	if ((hlen = hdrmic_build(hc, hdr, sizeof(hdr))) < 0) {
		TRACE("svc: call refused (AUTH_BADCRED): header too long");
		CALL_EVENT(rq, msg, AUTH_BADCRED, c->principal,
		    "call refused (AUTH_BADCRED): header too long");
		*why = AUTH_BADCRED;
		return HDR_REFUSED;
	}
	need = cred->gss_proc == RPCAUTH_GSS_DATA ?
	    min_service_for(hc->prog, hc->vers) : RPCAUTH_SVC_NONE;
	memset(&call, 0, sizeof(call));
	call.seq = cred->seq;
	call.hdr = hdr;
	call.hdrlen = (size_t)hlen;
	call.mic = verf->oa_base;
	call.miclen = verf->oa_length;
	call.admit = cred->service >= (uint32_t)need;
	call.last = cred->gss_proc == RPCAUTH_GSS_DESTROY;
	v = secctx_check_call(&c->sc, &c->win, &call, &st);
	switch (v) {
	case SECCTX_CALL_OK:
		return HDR_VERIFIED;
	case SECCTX_CALL_TOO_OLD:
	case SECCTX_CALL_REPLAY:
		/* RFC 2203 5.3.3.1: silently discard, and verify nothing. */
		TRACE("svc: seq %u dropped without reply: %s", cred->seq,
		    v == SECCTX_CALL_REPLAY ? "already seen" :
		    "below the window");
		SVC_EVENT(rq->rq_xprt, hc->prog, hc->vers,
		    RPCAUTH_SVC_EV_CALL_DROPPED, 0, 0, 0, c->principal,
		    "seq %u dropped without reply: %s", cred->seq,
		    v == SECCTX_CALL_REPLAY ? "already seen" :
		    "below the window");
		return HDR_DROP;
	case SECCTX_CALL_BEYOND_MAXSEQ:
	case SECCTX_CALL_REFUSED:
		TRACE("svc: call refused (%s): seq %u, service %u, minimum %u",
		    v == SECCTX_CALL_BEYOND_MAXSEQ ? "CTXPROBLEM" :
		    "AUTH_TOOWEAK", cred->seq, cred->service, (unsigned)need);
		*why = v == SECCTX_CALL_BEYOND_MAXSEQ ? RPCSEC_GSS_CTXPROBLEM :
		    AUTH_TOOWEAK;
		CALL_EVENT(rq, msg, *why, c->principal, "call refused (%s): "
		    "seq %u, service %u, minimum %u",
		    v == SECCTX_CALL_BEYOND_MAXSEQ ? "CTXPROBLEM" :
		    "AUTH_TOOWEAK", cred->seq, cred->service, (unsigned)need);
		return HDR_REFUSED;
	case SECCTX_CALL_BAD_MIC:
		break;
	}
	*why = st.major == GSS_S_CONTEXT_EXPIRED ?
	    RPCSEC_GSS_CTXPROBLEM : RPCSEC_GSS_CREDPROBLEM;
	TRACE("svc: call refused (%s): header checksum of seq %u "
	    "does not verify (major 0x%x)",
	    *why == RPCSEC_GSS_CTXPROBLEM ? "CTXPROBLEM" : "CREDPROBLEM",
	    cred->seq, st.major);
	CALL_EVENT(rq, msg, *why, c->principal, "call refused (%s): "
	    "header checksum of seq %u does not verify (major 0x%x)",
	    *why == RPCSEC_GSS_CTXPROBLEM ? "CTXPROBLEM" : "CREDPROBLEM",
	    cred->seq, st.major);
	return HDR_REFUSED;
}

/*
 * The authorize callback judged the INIT's program, version and service,
 * which nothing authenticates; this call's are under the header MIC just
 * verified.  Values it has not approved are shown to it now
 * (docs/SECURITY.md 10).  The number stays used: the call was authentic.
 */
static enum auth_stat
authorize(struct svc_req *rq, struct rpc_msg *msg,
    const struct rpcauth_cred *cred, const struct hdrmic_call *hc,
    struct svcctx *c)
{
	if (cred->gss_proc != RPCAUTH_GSS_DATA ||
	    svc_caller_authorize_call(c, hc->prog, hc->vers, cred->service) ==
	    0)
		return AUTH_OK;
	TRACE("svc: call refused (AUTH_TOOWEAK): the authorize "
	    "callback refused %s for program %u version %u service %u",
	    c->principal, hc->prog, hc->vers, cred->service);
	CALL_EVENT(rq, msg, AUTH_TOOWEAK, c->principal, "call refused "
	    "(AUTH_TOOWEAK): the authorize callback refused program "
	    "%u version %u service %u", hc->prog, hc->vers,
	    cred->service);
	return AUTH_TOOWEAK;
}

/* The reply verifier MIC(seq) and the per-request SVCAUTH ops. */
static enum auth_stat
set_reply_auth(struct svc_req *rq, struct rpc_msg *msg,
    const struct rpcauth_cred *cred, struct svcctx *c,
    struct svc_reqstate *rs)
{
	rs->seq = cred->seq;
	rs->service = cred->service;
	memcpy(rs->handle, c->handle, sizeof(rs->handle));
	if (svc_set_verf_mic(rq, rs, c, cred->seq) != 0) {
		TRACE("svc: call refused (CTXPROBLEM): cannot make the reply "
		    "verifier for seq %u", cred->seq);
		CALL_EVENT(rq, msg, RPCSEC_GSS_CTXPROBLEM, c->principal,
		    "call refused (CTXPROBLEM): cannot make the reply "
		    "verifier for seq %u", cred->seq);
		return RPCSEC_GSS_CTXPROBLEM;
	}
	SVC_XP_AUTH(rq->rq_xprt).svc_ah_ops = &svc_ops;
	SVC_XP_AUTH(rq->rq_xprt).svc_ah_private = rq->rq_clntcred;
	return AUTH_OK;
}

/* A call that passed: DESTROY to the private program, DATA on its way. */
static enum auth_stat
pass_call(struct svc_req *rq, const struct rpcauth_cred *cred,
    const struct hdrmic_call *hc, struct svc_reqstate *rs)
{
	if (cred->gss_proc == RPCAUTH_GSS_DESTROY) {
		rs->action = SVC_ACT_DESTROY;
		return redirect(rq, rs);
	}
	svc_reqstate_put(rq, rs);
	if (hc->proc == NULLPROC && cred->service != RPCAUTH_SVC_NONE &&
	    read_nullproc_body(rq, rs) != 0) {
		SVC_EVENT(rq->rq_xprt, hc->prog, hc->vers,
		    RPCAUTH_SVC_EV_CALL_REJECTED, 0, 1, 0, NULL, "NULLPROC "
		    "body of seq %u refused (GARBAGE_ARGS)", cred->seq);
		rs->action = SVC_ACT_GARBAGE;
		return redirect(rq, rs);
	}
	return AUTH_OK;
}

/* DATA and DESTROY: every check of docs/PROTOCOL.md section 5, in order. */
static enum auth_stat
check_data(struct svc_req *rq, struct rpc_msg *msg,
    const struct rpcauth_cred *cred, struct svc_reqstate *rs)
{
	struct hdrmic_call hc;
	struct svcctx *c = NULL;
	enum auth_stat why;

	if ((why = check_verf(rq, msg)) != AUTH_OK)
		return why;
	hdr_of(msg, &hc);
	if ((why = find_context(rq, msg, cred, &hc, &c)) != AUTH_OK)
		goto out;
	switch (check_header(rq, msg, cred, &hc, c, &why)) {
	case HDR_VERIFIED:
		break;
	case HDR_DROP:
		rs->action = SVC_ACT_DROP;
		ctxcache_put(svc_g.cc, c);
		return redirect(rq, rs);
	case HDR_REFUSED:
		goto out;
	}
	if ((why = authorize(rq, msg, cred, &hc, c)) != AUTH_OK ||
	    (why = set_reply_auth(rq, msg, cred, c, rs)) != AUTH_OK)
		goto out;
	ctxcache_put(svc_g.cc, c);
	return pass_call(rq, cred, &hc, rs);
out:
	ctxcache_put(svc_g.cc, c);
	return why;
}

static enum auth_stat
control(struct svc_req *rq, struct rpc_msg *msg,
    const struct rpcauth_cred *cred, struct svc_reqstate *rs)
{
	struct svcctx *c;
	int est;

	if (msg->rm_call.cb_proc != NULLPROC) {
		TRACE("svc: handshake refused (AUTH_BADCRED): procedure %u, "
		    "not 0", (unsigned)msg->rm_call.cb_proc);
		HANDSHAKE_EVENT(rq, msg, AUTH_BADCRED, "handshake refused "
		    "(AUTH_BADCRED): procedure %u, not 0",
		    (unsigned)msg->rm_call.cb_proc);
		return AUTH_BADCRED;
	}
	if (msg->rm_call.cb_verf.oa_flavor != AUTH_NONE) {
		TRACE("svc: handshake refused (AUTH_BADVERF): verifier "
		    "flavor %d", (int)msg->rm_call.cb_verf.oa_flavor);
		HANDSHAKE_EVENT(rq, msg, AUTH_BADVERF, "handshake refused "
		    "(AUTH_BADVERF): verifier flavor %d",
		    (int)msg->rm_call.cb_verf.oa_flavor);
		return AUTH_BADVERF;
	}
	if (cred->gss_proc == RPCAUTH_GSS_INIT) {
		if (cred->handle_len != 0) {
			TRACE("svc: INIT refused (AUTH_BADCRED): it carries "
			    "a handle");
			HANDSHAKE_EVENT(rq, msg, AUTH_BADCRED, "INIT refused "
			    "(AUTH_BADCRED): it carries a handle");
			return AUTH_BADCRED;
		}
		rs->action = SVC_ACT_INIT;
		return redirect(rq, rs);
	}
	/* Only a half-open context may continue. */
	c = ctxcache_find_est(svc_g.cc, cred->handle, cred->handle_len, &est);
	if (c == NULL || est) {
		TRACE("svc: CONTINUE_INIT refused (CREDPROBLEM): %s",
		    c == NULL ? "no context with that handle" :
		    "the context is established already");
		HANDSHAKE_EVENT(rq, msg, RPCSEC_GSS_CREDPROBLEM,
		    "CONTINUE_INIT refused (CREDPROBLEM): %s",
		    c == NULL ? "no context with that handle" :
		    "the context is established already");
		ctxcache_put(svc_g.cc, c);
		return RPCSEC_GSS_CREDPROBLEM;
	}
	memcpy(rs->handle, c->handle, sizeof(rs->handle));
	ctxcache_put(svc_g.cc, c);
	rs->action = SVC_ACT_CONTINUE;
	return redirect(rq, rs);
}

enum auth_stat
svc_handler(struct svc_req *rq, struct rpc_msg *msg)
{
	struct rpcauth_cred cred;
	struct svc_reqstate rs;

	/* The private program is reachable only through a redirect. */
	if (msg->rm_call.cb_prog == SVC_PRIV_PROG) {
		TRACE("svc: call to the private program refused");
		CALL_EVENT(rq, msg, AUTH_BADCRED, NULL, "call to the "
		    "private program refused (AUTH_BADCRED)");
		return AUTH_BADCRED;
	}
	if (msg->rm_call.cb_cred.oa_length > RPCAUTH_MAX_AUTH_BYTES ||
	    cred_decode(msg->rm_call.cb_cred.oa_base,
	    msg->rm_call.cb_cred.oa_length, &cred) != 0) {
		TRACE("svc: call refused (AUTH_BADCRED): credential of %u "
		    "bytes does not decode", msg->rm_call.cb_cred.oa_length);
		CALL_EVENT(rq, msg, AUTH_BADCRED, NULL, "call refused "
		    "(AUTH_BADCRED): credential of %u bytes does not decode",
		    msg->rm_call.cb_cred.oa_length);
		return AUTH_BADCRED;
	}
	memset(&rs, 0, sizeof(rs));
	rs.magic = SVC_REQ_MAGIC;
	rs.flavor = svc_g.flavor;
	rs.prog = msg->rm_call.cb_prog;
	rs.vers = msg->rm_call.cb_vers;
	rs.xprt = rq->rq_xprt;
	rs.seq = cred.seq;
	rs.service = cred.service;
	switch (cred.gss_proc) {
	case RPCAUTH_GSS_INIT:
	case RPCAUTH_GSS_CONTINUE_INIT:
		return control(rq, msg, &cred, &rs);
	case RPCAUTH_GSS_DESTROY:
		if (msg->rm_call.cb_proc != NULLPROC) {
			TRACE("svc: DESTROY refused (AUTH_BADCRED): "
			    "procedure %u, not 0",
			    (unsigned)msg->rm_call.cb_proc);
			CALL_EVENT(rq, msg, AUTH_BADCRED, NULL, "DESTROY "
			    "refused (AUTH_BADCRED): procedure %u, not 0",
			    (unsigned)msg->rm_call.cb_proc);
			return AUTH_BADCRED;
		}
		/* FALLTHROUGH */
	case RPCAUTH_GSS_DATA:
		rs.action = SVC_ACT_DATA;
		return check_data(rq, msg, &cred, &rs);
	}
	CALL_EVENT(rq, msg, AUTH_BADCRED, NULL, "call refused "
	    "(AUTH_BADCRED): unknown gss_proc %u", (unsigned)cred.gss_proc);
	return AUTH_BADCRED;
}
