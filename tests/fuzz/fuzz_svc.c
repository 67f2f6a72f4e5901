/* tests/fuzz/fuzz_svc.c - libFuzzer target: the whole server path on raw calls */
/*
 * LLVMFuzzerInitialize starts the test bed, registers the flavor and
 * makes one "live" context through the server path itself (svcpipe.c).
 * Each input is a raw RPC call message run through xdr_callmsg,
 * _gss_authenticate (rpcauth's handler), the private program or a test
 * application that unwraps an opaque<> argument and wraps its echo.
 * Before each input the live context's window is reset to hold only
 * SVCPIPE_LIVE_TOP, so every input sees the same server state.
 *
 * Input: byte 0 is a set of fix-ups, the rest is the call (no record
 * mark).  The fix-ups apply only to calls of rpcauth's flavor whose
 * credential decodes; they let the fuzzer past checks it cannot pass
 * by itself:
 *	FIX_AUTH (1)	DATA and DESTROY: the credential's handle becomes the
 *			live one and the verifier a real header MIC.
 *	FIX_BODY (2)	DATA at integrity or privacy: the bytes after the
 *			header are the plaintext arguments; the harness
 *			protects {seq_num, those bytes} with the live
 *			context.  INIT: the token becomes a fresh AP-REQ.
 *	FIX_SEQ (4)	with FIX_BODY: seq_num in the body is the
 *			credential's plus one.
 *
 * Invariants (abort on violation):
 *	- the application never runs for a call of rpcauth's flavor whose
 *	  header MIC the harness did not make (nobody else can);
 *	- the private program is reachable only by redirection: called
 *	  directly it answers AUTH_BADCRED (our flavor) or PROG_UNAVAIL;
 *	- a signed DATA call with a replayed seq (SVCPIPE_LIVE_TOP) or one
 *	  below the window gets no reply and runs nothing; one over MAXSEQ
 *	  gets CTXPROBLEM; a fresh one is accepted (or AUTH_TOOWEAK under
 *	  the integrity policy of SVCPIPE_PROG) and the application runs;
 *	- an accepted call of our flavor carries our verifier flavor;
 *	  (a NULLPROC whose body does not verify gets GARBAGE_ARGS);
 *	- arguments sealed with the wrong seq_num never decode;
 *	- rpcauth_svc_caller() knows the caller exactly for our flavor.
 */
#include "config.h"

#include <string.h>

#include <rpc/rpc.h>

#include "cred_xdr.h"
#include "fuzz.h"
#include "init_xdr.h"
#include "protect.h"
#include "rawrpc.h"
#include "svc_internal.h"
#include "svcpipe.h"

#define FIX_AUTH	1
#define FIX_BODY	2
#define FIX_SEQ		4

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the harness did to the call, for the invariants. */
struct fixed {
	int			 ours;		/* our flavor, credential decodes */
	struct rpcauth_cred	 cred;		/* valid when ours */
	uint32_t		 prog, proc;
	int			 signed_;	/* FIX_AUTH applied */
	int			 sealed;	/* FIX_BODY applied to DATA */
	int			 seq_off;	/* ... with FIX_SEQ */
};

struct rawbytes {
	const uint8_t	*p;
	size_t		 n;
};

static uint8_t msgbuf[SVCPIPE_MSG_MAX];
/* FUZZ_SVC_TRACE=1: one line per input (to see what seeds reach). */
static int trace;

static bool_t
xdr_rawbytes(XDR *xdrs, struct rawbytes *b)
{
	if (xdrs->x_op != XDR_ENCODE)
		return FALSE;
	return b->n == 0 || xdr_opaque(xdrs, (caddr_t)(uintptr_t)b->p,
	    (u_int)b->n);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	svcpipe_init();
	(void)svcpipe_live();
	trace = getenv("FUZZ_SVC_TRACE") != NULL;
	return 0;
}

/* {seq, plain} protected with the live context; malloc'd, or NULL. */
static uint8_t *
seal_args(struct svcpipe_live *lv, uint32_t service, uint32_t seq,
    const uint8_t *plain, size_t plen, size_t *len_out)
{
	struct rawbytes rb = { plain, plen };
	struct secctx_status st;
	size_t cap = plen + 1024;
	uint8_t *buf;
	XDR x;
	enum protect_result r;

	if ((buf = malloc(cap)) == NULL)
		return NULL;
	xdrmem_create(&x, (caddr_t)buf, (u_int)cap, XDR_ENCODE);
	r = protect_encode(&lv->sc, service, seq, &x, (xdrproc_t)xdr_rawbytes,
	    &rb, &st);
	*len_out = XDR_GETPOS(&x);
	XDR_DESTROY(&x);
	FUZZ_SETUP(r == PROTECT_OK);
	return buf;
}

/*
 * Rebuild the call with the fix-ups asked for; returns its length in
 * msgbuf, or 0 to run the input as it is.
 */
static size_t
fixup(uint8_t flags, const uint8_t *in, size_t inlen, struct fixed *fx)
{
	char cred_body[MAX_AUTH_BYTES], verf_body[MAX_AUTH_BYTES];
	uint8_t credbuf[MAX_AUTH_BYTES], verfbuf[MAX_AUTH_BYTES];
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	gss_ctx_id_t ictx = GSS_C_NO_CONTEXT;
	struct svcpipe_live *lv;
	struct rpc_msg m;
	struct raw_call rc;
	uint8_t *body = NULL;
	size_t blen = 0, vlen, n = 0;
	OM_uint32 min;
	u_int pos;
	int clen;
	XDR x;

	memset(&m, 0, sizeof(m));
	m.rm_call.cb_cred.oa_base = cred_body;
	m.rm_call.cb_verf.oa_base = verf_body;
	xdrmem_create(&x, (caddr_t)(uintptr_t)in, (u_int)inlen, XDR_DECODE);
	if (!xdr_callmsg(&x, &m)) {
		XDR_DESTROY(&x);
		return 0;
	}
	pos = XDR_GETPOS(&x);
	XDR_DESTROY(&x);
	if (m.rm_call.cb_cred.oa_flavor != RPCAUTH_FLAVOR ||
	    cred_decode(cred_body, m.rm_call.cb_cred.oa_length,
	    &fx->cred) != 0)
		return 0;
	fx->ours = 1;
	fx->prog = m.rm_call.cb_prog;
	fx->proc = m.rm_call.cb_proc;
	if (flags == 0)
		return 0;
	lv = svcpipe_live();
	memset(&rc, 0, sizeof(rc));
	rc.xid = m.rm_xid;
	rc.prog = m.rm_call.cb_prog;
	rc.vers = m.rm_call.cb_vers;
	rc.proc = m.rm_call.cb_proc;
	rc.cred_flavor = RPCAUTH_FLAVOR;
	rc.cred = (const uint8_t *)cred_body;
	rc.cred_len = m.rm_call.cb_cred.oa_length;
	rc.verf_flavor = m.rm_call.cb_verf.oa_flavor;
	rc.verf = (const uint8_t *)verf_body;
	rc.verf_len = m.rm_call.cb_verf.oa_length;
	rc.body = in + pos;
	rc.body_len = inlen - pos;

	if ((flags & FIX_AUTH) && (fx->cred.gss_proc == RPCAUTH_GSS_DATA ||
	    fx->cred.gss_proc == RPCAUTH_GSS_DESTROY)) {
		fx->cred.handle = lv->handle;
		fx->cred.handle_len = sizeof(lv->handle);
		clen = cred_encode(&fx->cred, credbuf, sizeof(credbuf));
		FUZZ_SETUP(clen > 0);
		FUZZ_SETUP(svcpipe_sign(rc.xid, rc.prog, rc.vers, rc.proc,
		    RPCAUTH_FLAVOR, credbuf, (size_t)clen, verfbuf,
		    &vlen) == 0);
		rc.cred = credbuf;
		rc.cred_len = (size_t)clen;
		rc.verf_flavor = RPCAUTH_FLAVOR;
		rc.verf = verfbuf;
		rc.verf_len = vlen;
		fx->signed_ = 1;
	}
	if ((flags & FIX_BODY) && fx->cred.gss_proc == RPCAUTH_GSS_DATA &&
	    fx->cred.service != RPCAUTH_SVC_NONE) {
		fx->seq_off = (flags & FIX_SEQ) != 0;
		body = seal_args(lv, fx->cred.service,
		    fx->cred.seq + (uint32_t)fx->seq_off, in + pos, inlen - pos,
		    &blen);
		FUZZ_SETUP(body != NULL);
		rc.body = body;
		rc.body_len = blen;
		fx->sealed = 1;
	} else if ((flags & FIX_BODY) &&
	    fx->cred.gss_proc == RPCAUTH_GSS_INIT) {
		FUZZ_SETUP(fuzz_init_step(&ictx, NULL, &tok) ==
		    GSS_S_CONTINUE_NEEDED);
		blen = init_arg_size(tok.length);
		FUZZ_SETUP(blen != 0 && (body = malloc(blen)) != NULL);
		FUZZ_SETUP(init_arg_encode(tok.value, tok.length, body,
		    blen) == (int)blen);
		rc.body = body;
		rc.body_len = blen;
		(void)gss_release_buffer(&min, &tok);
		(void)gss_delete_sec_context(&min, &ictx, GSS_C_NO_BUFFER);
	}
	n = raw_encode_call(&rc, msgbuf, sizeof(msgbuf));
	free(body);
	return n;
}

static void
check(const struct fixed *fx, const struct svcpipe_result *r)
{
	uint32_t seq = fx->cred.seq;

	if (!r->decoded || r->skipped)
		return;
	if (r->flavor == RPCAUTH_FLAVOR && !fx->signed_)
		FUZZ_CHECK(!r->app_ran);
	if (r->flavor == RPCAUTH_FLAVOR && fx->ours &&
	    fx->prog == SVC_PRIV_PROG)
		FUZZ_CHECK(r->why == AUTH_BADCRED && !r->redirected);
	if (r->flavor == AUTH_NONE && r->prog == SVC_PRIV_PROG)
		FUZZ_CHECK(r->why == AUTH_OK && r->replies == 1 &&
		    r->reply_stat == MSG_ACCEPTED &&
		    (r->reply_why == PROG_UNAVAIL ||
		    r->reply_why == PROG_MISMATCH));
	if (r->app_ran && r->flavor == RPCAUTH_FLAVOR && r->replies > 0 &&
	    r->reply_stat == MSG_ACCEPTED)
		FUZZ_CHECK(r->reply_verf_flavor == RPCAUTH_FLAVOR);
	if (fx->signed_ && fx->cred.gss_proc == RPCAUTH_GSS_DATA &&
	    fx->prog != SVC_PRIV_PROG) {
		if (seq > RPCAUTH_MAXSEQ) {
			FUZZ_CHECK(r->why == RPCSEC_GSS_CTXPROBLEM);
		} else if (seq == SVCPIPE_LIVE_TOP ||
		    seq <= SVCPIPE_LIVE_TOP - SVCPIPE_WINDOW) {
			FUZZ_CHECK(r->why == AUTH_OK && r->redirected);
			FUZZ_CHECK(r->replies == 0 && !r->app_ran);
		} else {
			FUZZ_CHECK(r->why == AUTH_OK ||
			    (r->why == AUTH_TOOWEAK &&
			    fx->prog == SVCPIPE_PROG &&
			    fx->cred.service == RPCAUTH_SVC_NONE));
			/*
			 * The handler itself reads a NULLPROC body under
			 * integrity or privacy; a bad one is GARBAGE_ARGS
			 * from the private program.
			 */
			if (r->why == AUTH_OK && r->redirected)
				FUZZ_CHECK(fx->proc == NULLPROC &&
				    fx->cred.service != RPCAUTH_SVC_NONE &&
				    !r->app_ran && r->replies == 1 &&
				    r->reply_why == GARBAGE_ARGS);
			else if (r->why == AUTH_OK)
				FUZZ_CHECK(r->app_ran);
			if (r->why == AUTH_OK && fx->sealed && fx->seq_off)
				FUZZ_CHECK(!r->args_ok);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svcpipe_result r;
	struct fixed fx;
	const uint8_t *msg;
	size_t len, n;

	if (size < 1 || size - 1 > SVCPIPE_MSG_MAX - 2048)
		return 0;
	(void)svcpipe_live();
	memset(&fx, 0, sizeof(fx));
	msg = data + 1;
	len = size - 1;
	if ((n = fixup(data[0] & (FIX_AUTH | FIX_BODY | FIX_SEQ), msg, len,
	    &fx)) > 0) {
		msg = msgbuf;
		len = n;
	}
	svcpipe_run(msg, len, &r);
	if (trace)
		fprintf(stderr, "fuzz_svc: flags %d gss_proc %u seq %u: "
		    "decoded %d why %d redirected %d app %d args %d "
		    "replies %d\n", data[0] & 7, fx.cred.gss_proc,
		    fx.cred.seq, r.decoded, (int)r.why, r.redirected,
		    r.app_ran, r.args_ok, r.replies);
	check(&fx, &r);
	return 0;
}
