/* tests/fuzz/svcpipe.c - the server's request path in-process, without a socket */
/*
 * One request at a time: `cur`, `args_xdr` and `cur_xid` describe the
 * request in flight and are cleared when svcpipe_run() returns.  The
 * reply buffer keeps the last reply until the next run.
 */
#include "config.h"

#include <string.h>

#include <rpc/rpc.h>
#include <rpc/svc_auth.h>
#include <rpc/svc_mt.h>
#include <gssapi/gssapi_krb5.h>

#include "cred_xdr.h"
#include "fuzz.h"
#include "hdrmic.h"
#include "rawrpc.h"
#include "svc_internal.h"
#include "svcpipe.h"
#include "xdrbuf.h"

struct args {
	char	*val;
	u_int	 len;
};

static SVCXPRT xprt;
static SVCXPRT_EXT xprt_ext;
static char xprt_verf[MAX_AUTH_BYTES];

static struct svcpipe_result *cur;
static XDR *args_xdr;
static uint32_t cur_xid;
static uint8_t reply_buf[SVCPIPE_MSG_MAX + 4096];
static size_t reply_len;

static struct svcpipe_live live;
static int live_ok;

static bool_t
xdr_args(XDR *xdrs, struct args *a)
{
	return xdr_bytes(xdrs, &a->val, &a->len, SVCPIPE_ARGS_MAX);
}

static bool_t
px_recv(SVCXPRT *x, struct rpc_msg *m)
{
	(void)x;
	(void)m;
	return FALSE;
}

static enum xprt_stat
px_stat(SVCXPRT *x)
{
	(void)x;
	return XPRT_IDLE;
}

/* svc_vc_getargs: the arguments come through the per-request auth slot. */
static bool_t
px_getargs(SVCXPRT *x, xdrproc_t proc, void *where)
{
	if (args_xdr == NULL)
		return FALSE;
	return SVCAUTH_UNWRAP(&SVC_XP_AUTH(x), args_xdr, proc, where);
}

/* svc_vc_reply: results of an accepted, successful call are wrapped. */
static bool_t
px_reply(SVCXPRT *x, struct rpc_msg *m)
{
	xdrproc_t proc = NULL;
	void *where = NULL;
	bool_t has_args = FALSE, ok;
	XDR out;

	if (m->rm_reply.rp_stat == MSG_ACCEPTED &&
	    m->rm_reply.rp_acpt.ar_stat == SUCCESS) {
		has_args = TRUE;
		proc = m->acpted_rply.ar_results.proc;
		where = m->acpted_rply.ar_results.where;
		m->acpted_rply.ar_results.proc = (xdrproc_t)xdr_void;
		m->acpted_rply.ar_results.where = NULL;
	}
	m->rm_xid = cur_xid;
	xdrmem_create(&out, (caddr_t)reply_buf, sizeof(reply_buf), XDR_ENCODE);
	ok = xdr_replymsg(&out, m);
	if (ok && has_args)
		ok = SVCAUTH_WRAP(&SVC_XP_AUTH(x), &out, proc, where);
	reply_len = ok ? XDR_GETPOS(&out) : 0;
	XDR_DESTROY(&out);
	if (cur != NULL) {
		cur->replies++;
		cur->wrap_ok = ok;
		cur->reply_stat = m->rm_reply.rp_stat;
		cur->reply_why = m->rm_reply.rp_stat == MSG_ACCEPTED ?
		    (uint32_t)m->acpted_rply.ar_stat :
		    (uint32_t)m->rjcted_rply.rj_why;
		cur->reply_verf_flavor = m->rm_reply.rp_stat == MSG_ACCEPTED ?
		    (uint32_t)m->acpted_rply.ar_verf.oa_flavor : 0;
	}
	return ok;
}

static bool_t
px_freeargs(SVCXPRT *x, xdrproc_t proc, void *where)
{
	XDR fx;

	(void)x;
	memset(&fx, 0, sizeof(fx));
	fx.x_op = XDR_FREE;
	return (*proc)(&fx, where);
}

static void
px_destroy(SVCXPRT *x)
{
	(void)x;
}

static bool_t
px_control(SVCXPRT *x, const u_int rq, void *in)
{
	(void)x;
	(void)rq;
	(void)in;
	return FALSE;
}

static const struct xp_ops px_ops = {
	px_recv, px_stat, px_getargs, px_reply, px_freeargs, px_destroy
};
static const struct xp_ops2 px_ops2 = { px_control };

/* The test application: NULLPROC answers; others echo an opaque<>. */
static void
app_dispatch(struct svc_req *rq, SVCXPRT *x)
{
	struct rpcauth_caller who;
	struct args a;
	int known;

	cur->app_ran = 1;
	known = rpcauth_svc_caller(rq, &who) == 0;
	/* rpcauth knows every caller of its flavor that got this far. */
	FUZZ_CHECK(known == (rq->rq_cred.oa_flavor == RPCAUTH_FLAVOR));
	if (known)
		FUZZ_CHECK(who.service >= RPCAUTH_SVC_NONE &&
		    who.service <= RPCAUTH_SVC_PRIVACY &&
		    memchr(who.principal, '\0', sizeof(who.principal)) != NULL);
	if (rq->rq_proc == NULLPROC) {
		(void)svc_sendreply(x, (xdrproc_t)xdr_void, NULL);
		return;
	}
	memset(&a, 0, sizeof(a));
	if (!svc_getargs(x, (xdrproc_t)xdr_args, (caddr_t)&a)) {
		svcerr_decode(x);
	} else {
		cur->args_ok = 1;
		(void)svc_sendreply(x, (xdrproc_t)xdr_args, (caddr_t)&a);
	}
	FUZZ_CHECK(svc_freeargs(x, (xdrproc_t)xdr_args, (caddr_t)&a));
}

void
svcpipe_init(void)
{
	static const struct rpcauth_svc_policy pol[] = {
		{ .prog = SVCPIPE_PROG, .vers = SVCPIPE_VERS,
		    .min_service = RPCAUTH_SVC_INTEGRITY },
	};
	struct rpcauth_svc_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	fuzz_bed();
	rpcauth_svc_opts_init(&o);
	o.principal = "demo@localhost";	/* keytab: the bed's KRB5_KTNAME */
	o.policies = pol;
	o.npolicies = sizeof(pol) / sizeof(pol[0]);
	o.window = SVCPIPE_WINDOW;
	/* Small, so that fuzzed INITs make the cache evict. */
	o.max_contexts = 64;
	if (rpcauth_svc_register(&o, &err) != 0) {
		fprintf(stderr, "svcpipe: rpcauth_svc_register: %s\n", err.msg);
		exit(2);
	}
	xprt.xp_fd = -1;
	xprt.xp_ops = &px_ops;
	xprt.xp_ops2 = &px_ops2;
	xprt.xp_p3 = &xprt_ext;
	xprt.xp_verf.oa_base = xprt_verf;
}

void
svcpipe_run(const uint8_t *msg, size_t len, struct svcpipe_result *out)
{
	/* svc_getreq_common's layout: cred, verf, then rq_clntcred. */
	char cred_area[2 * MAX_AUTH_BYTES + SVC_RQCRED_SIZE];
	struct rpc_msg m;
	struct svc_req r;
	bool_t no_dispatch = FALSE;
	XDR x;

	memset(out, 0, sizeof(*out));
	reply_len = 0;
	if (len > SVCPIPE_MSG_MAX)
		return;
	memset(cred_area, 0, sizeof(cred_area));
	memset(&m, 0, sizeof(m));
	memset(&r, 0, sizeof(r));
	m.rm_call.cb_cred.oa_base = cred_area;
	m.rm_call.cb_verf.oa_base = cred_area + MAX_AUTH_BYTES;
	r.rq_clntcred = cred_area + 2 * MAX_AUTH_BYTES;
	xdrmem_create(&x, (caddr_t)(uintptr_t)msg, (u_int)len, XDR_DECODE);
	if (!xdr_callmsg(&x, &m))
		goto out;
	out->decoded = 1;
	out->flavor = m.rm_call.cb_cred.oa_flavor;
	out->prog = m.rm_call.cb_prog;
	/*
	 * Only rpcauth's flavor and AUTH_NONE: AUTH_SYS and flavor 6 run
	 * libtirpc's own code, which is not what this harness is about.
	 */
	if (m.rm_call.cb_cred.oa_flavor != RPCAUTH_FLAVOR &&
	    m.rm_call.cb_cred.oa_flavor != AUTH_NONE) {
		out->skipped = 1;
		goto out;
	}
	cur = out;
	cur_xid = m.rm_xid;
	args_xdr = &x;
	r.rq_xprt = &xprt;
	r.rq_prog = m.rm_call.cb_prog;
	r.rq_vers = m.rm_call.cb_vers;
	r.rq_proc = m.rm_call.cb_proc;
	r.rq_cred = m.rm_call.cb_cred;
	out->why = _gss_authenticate(&r, &m, &no_dispatch);
	if (out->why != AUTH_OK) {
		svcerr_auth(&xprt, out->why);
	} else if (!no_dispatch) {
		if (r.rq_prog == SVC_PRIV_PROG && r.rq_vers == SVC_PRIV_VERS) {
			out->redirected = m.rm_call.cb_prog != SVC_PRIV_PROG;
			svc_priv_dispatch(&r, &xprt);
		} else if (r.rq_prog == SVC_PRIV_PROG) {
			svcerr_progvers(&xprt, SVC_PRIV_VERS, SVC_PRIV_VERS);
		} else {
			app_dispatch(&r, &xprt);
		}
	}
out:
	cur = NULL;
	args_xdr = NULL;
	XDR_DESTROY(&x);
}

const uint8_t *
svcpipe_reply(size_t *len_out)
{
	*len_out = reply_len;
	return reply_len > 0 ? reply_buf : NULL;
}

size_t
svcpipe_init_call(uint32_t xid, uint32_t prog, const void *token,
    size_t toklen, uint32_t service, uint8_t *buf, size_t cap)
{
	struct rpcauth_cred c = { RPCAUTH_GSS_VERS_1, RPCAUTH_GSS_INIT, 0,
	    service, NULL, 0 };
	struct raw_call rc;
	uint8_t cred[RPCAUTH_MAX_AUTH_BYTES], *body;
	size_t blen, n;
	int clen, alen;

	if ((clen = cred_encode(&c, cred, sizeof(cred))) < 0 ||
	    (blen = init_arg_size(toklen)) == 0 ||
	    (body = malloc(blen)) == NULL)
		return 0;
	if ((alen = init_arg_encode(token, toklen, body, blen)) < 0) {
		free(body);
		return 0;
	}
	memset(&rc, 0, sizeof(rc));
	rc.xid = xid;
	rc.prog = prog;
	rc.vers = SVCPIPE_VERS;
	rc.proc = NULLPROC;
	rc.cred_flavor = RPCAUTH_FLAVOR;
	rc.cred = cred;
	rc.cred_len = (size_t)clen;
	rc.verf_flavor = AUTH_NONE;
	rc.body = body;
	rc.body_len = (size_t)alen;
	n = raw_encode_call(&rc, buf, cap);
	free(body);
	return n;
}

int
svcpipe_sign(uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc,
    uint32_t cred_flavor, const uint8_t *cred, size_t cred_len,
    uint8_t *verf, size_t *verf_len)
{
	struct hdrmic_call hc = { xid, prog, vers, proc, cred_flavor, cred,
	    cred_len };
	gss_buffer_desc mic = GSS_C_EMPTY_BUFFER;
	struct secctx_status st;
	uint8_t hdr[HDRMIC_MAX_LEN];
	OM_uint32 min;
	int hlen, ret = -1;

	*verf_len = 0;
	if (!live_ok ||
	    (hlen = hdrmic_build(&hc, hdr, sizeof(hdr))) < 0 ||
	    secctx_get_mic(&live.sc, hdr, (size_t)hlen, &mic, &st) != 0)
		goto out;
	if (mic.length <= RPCAUTH_MAX_AUTH_BYTES) {
		memcpy(verf, mic.value, mic.length);
		*verf_len = mic.length;
		ret = 0;
	}
out:
	(void)gss_release_buffer(&min, &mic);
	return ret;
}

/* An accepted SUCCESS reply: its verifier, and where the results start. */
static int
parse_reply(const uint8_t *p, size_t len, uint32_t *verf_flavor,
    const uint8_t **verf, size_t *verf_len, size_t *results_off)
{
	struct xdr_rd rd;

	xdr_rd_init(&rd, p, len);
	(void)xdr_rd_u32(&rd);				/* xid */
	if (xdr_rd_u32(&rd) != REPLY || xdr_rd_u32(&rd) != MSG_ACCEPTED)
		return -1;
	*verf_flavor = xdr_rd_u32(&rd);
	*verf = xdr_rd_opaque(&rd, RPCAUTH_MAX_AUTH_BYTES, verf_len);
	if (xdr_rd_u32(&rd) != SUCCESS || !xdr_rd_ok(&rd))
		return -1;
	*results_off = rd.off;
	return 0;
}

int
svcpipe_reply_results(const uint8_t **res_out, size_t *len_out)
{
	const uint8_t *verf;
	size_t vlen, off;
	uint32_t vflavor;

	*res_out = NULL;
	*len_out = 0;
	if (reply_len == 0 || parse_reply(reply_buf, reply_len, &vflavor,
	    &verf, &vlen, &off) != 0)
		return -1;
	*res_out = reply_buf + off;
	*len_out = reply_len - off;
	return 0;
}

/* Reply to an INIT: accepted, SUCCESS, our verifier, then the init_res. */
static int
parse_init_reply(const uint8_t *p, size_t len, struct rpcauth_init_res *res,
    const uint8_t **verf, size_t *verf_len)
{
	size_t off;
	uint32_t vflavor;

	if (parse_reply(p, len, &vflavor, verf, verf_len, &off) != 0 ||
	    vflavor != RPCAUTH_FLAVOR)
		return -1;
	return init_res_decode(p + off, len - off, RPCAUTH_CRED_MAX_HANDLE,
	    RPCAUTH_CLNT_MAX_TOKEN, res);
}

/* A handshake through the server path; the client half becomes `live`. */
static void
establish(void)
{
	static uint32_t xid = 0x51000000u;
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER, in, out = GSS_C_EMPTY_BUFFER;
	struct rpcauth_init_res res;
	struct svcpipe_result pr;
	struct secctx_status st;
	const uint8_t *reply, *verf = NULL;
	uint8_t *call, be[4];
	size_t clen, rlen, vlen = 0;
	OM_uint32 min;

	secctx_init(&live.sc);
	live.sc.mech = (gss_OID)gss_mech_krb5;
	FUZZ_SETUP(fuzz_init_step(&live.sc.gctx, NULL, &tok) ==
	    GSS_S_CONTINUE_NEEDED);
	FUZZ_SETUP((call = malloc(SVCPIPE_MSG_MAX)) != NULL);
	clen = svcpipe_init_call(++xid, SVCPIPE_PROG, tok.value, tok.length,
	    RPCAUTH_SVC_INTEGRITY, call, SVCPIPE_MSG_MAX);
	(void)gss_release_buffer(&min, &tok);
	FUZZ_SETUP(clen > 0);
	svcpipe_run(call, clen, &pr);
	free(call);
	FUZZ_SETUP(pr.why == AUTH_OK && pr.redirected && pr.replies == 1);
	reply = svcpipe_reply(&rlen);
	FUZZ_SETUP(reply != NULL && parse_init_reply(reply, rlen, &res, &verf,
	    &vlen) == 0);
	FUZZ_SETUP(res.major == GSS_S_COMPLETE &&
	    res.handle_len == RPCAUTH_HANDLE_LEN);
	in.length = res.token_len;
	in.value = (void *)(uintptr_t)res.token;
	FUZZ_SETUP(fuzz_init_step(&live.sc.gctx, &in, &out) ==
	    GSS_S_COMPLETE);
	(void)gss_release_buffer(&min, &out);
	/* The server's proof: its verifier is MIC(seq_window). */
	be[0] = res.window >> 24;
	be[1] = res.window >> 16;
	be[2] = res.window >> 8;
	be[3] = res.window;
	FUZZ_SETUP(secctx_verify_mic(&live.sc, be, sizeof(be), verf, vlen,
	    &st) == 0);
	memcpy(live.handle, res.handle, RPCAUTH_HANDLE_LEN);
	live.window = res.window;
	live_ok = 1;
}

struct svcpipe_live *
svcpipe_live(void)
{
	struct svcctx *c = NULL;

	if (live_ok)
		c = ctxcache_find(svc_g.cc, live.handle, sizeof(live.handle));
	if (c == NULL) {
		/* First call, or a fuzzed DESTROY or eviction took it. */
		if (live_ok) {
			secctx_clear(&live.sc);
			live_ok = 0;
		}
		establish();
		c = ctxcache_find(svc_g.cc, live.handle, sizeof(live.handle));
		FUZZ_SETUP(c != NULL && c->established);
	}
	pthread_mutex_lock(&c->sc.lock);
	FUZZ_SETUP(seqwin_init(&c->win, svc_g.window) == 0);
	seqwin_record(&c->win, SVCPIPE_LIVE_TOP);
	pthread_mutex_unlock(&c->sc.lock);
	ctxcache_put(svc_g.cc, c);
	return &live;
}
