/* tests/fuzz/fuzz_seeds.c - write the seed corpora of the fuzz targets */
/*
 * fuzz_seeds DIR writes DIR/fuzz_cred, DIR/fuzz_init, DIR/fuzz_protect and
 * DIR/fuzz_svc: real credentials and call headers, an init argument with
 * a real AP-REQ and init results from a real INIT reply, real integrity
 * and privacy bodies, and real raw calls made against the same in-process
 * server path the svc target uses.  Every call seed is run through that
 * path here, and the outcome printed and checked, so a seed that does not
 * reach what its name says fails the generation.
 *
 * Keys come from a fresh test bed: MICs and wrap tokens in these files do
 * not verify in any later process.  Seeds meant for the deep paths carry
 * the targets' fix-up or seal flags, so the harness re-signs them.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <rpc/rpc.h>

#include "cred_xdr.h"
#include "fuzz.h"
#include "hdrmic.h"
#include "protect.h"
#include "rawrpc.h"
#include "svc_internal.h"
#include "svcpipe.h"
#include "xdrbuf.h"

/* fuzz_svc.c's fix-up flags. */
#define FIX_AUTH	1
#define FIX_BODY	2
#define FIX_SEQ		4
/* fuzz_protect.c's op byte. */
#define OP_PRIV		1
#define OP_REPLY	2
#define OP_SEAL		(1 << 2)
#define OP_TAMPER	(2 << 2)

#define ARG_TEXT	"hello, rpcauth"
#define SEQ_FRESH	(SVCPIPE_LIVE_TOP + 1)

struct args {
	char	*val;
	u_int	 len;
};

static const char *outdir;
static int failures;

static bool_t
xdr_args(XDR *xdrs, struct args *a)
{
	return xdr_bytes(xdrs, &a->val, &a->len, SVCPIPE_ARGS_MAX);
}

static void
seed(const char *target, const char *name, const void *p, size_t n)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/%s", outdir, target);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "fuzz_seeds: mkdir %s: %s\n", dir,
		    strerror(errno));
		exit(1);
	}
	if (fuzz_write_seed(dir, name, p, n) != 0)
		exit(1);
}

/* {seq, opaque ARG_TEXT} protected at service with sc, into buf. */
static size_t
protected_args(struct secctx *sc, uint32_t service, uint32_t seq,
    uint8_t *buf, size_t cap)
{
	struct args a = { (char *)(uintptr_t)ARG_TEXT, sizeof(ARG_TEXT) - 1 };
	struct secctx_status st;
	enum protect_result r;
	size_t n;
	XDR x;

	xdrmem_create(&x, (caddr_t)buf, (u_int)cap, XDR_ENCODE);
	r = protect_encode(sc, service, seq, &x, (xdrproc_t)xdr_args, &a, &st);
	n = XDR_GETPOS(&x);
	XDR_DESTROY(&x);
	FUZZ_SETUP(r == PROTECT_OK);
	return n;
}

/* opaque ARG_TEXT, plain: the application's argument. */
static size_t
plain_args(uint8_t *buf, size_t cap)
{
	struct xdr_wr w;

	xdr_wr_init(&w, buf, cap);
	xdr_wr_opaque(&w, ARG_TEXT, sizeof(ARG_TEXT) - 1);
	FUZZ_SETUP(xdr_wr_ok(&w));
	return w.off;
}

static void
cred_seeds(const uint8_t *handle)
{
	static const struct {
		const char	*name;
		uint32_t	 proc, seq, service;
		int		 with_handle;
	} c[] = {
		{ "init", RPCAUTH_GSS_INIT, 0, RPCAUTH_SVC_INTEGRITY, 0 },
		{ "continue", RPCAUTH_GSS_CONTINUE_INIT, 0,
		    RPCAUTH_SVC_PRIVACY, 1 },
		{ "data_none", RPCAUTH_GSS_DATA, 1, RPCAUTH_SVC_NONE, 1 },
		{ "data_integ", RPCAUTH_GSS_DATA, 77, RPCAUTH_SVC_INTEGRITY,
		    1 },
		{ "data_priv", RPCAUTH_GSS_DATA, 0x7fffffff,
		    RPCAUTH_SVC_PRIVACY, 1 },
		{ "destroy", RPCAUTH_GSS_DESTROY, 78,
		    RPCAUTH_SVC_INTEGRITY, 1 },
	};
	struct rpcauth_cred rc;
	struct hdrmic_call hc;
	uint8_t buf[400], hdr[HDRMIC_MAX_LEN];
	char name[64];
	size_t i;
	int n, h;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rc = (struct rpcauth_cred){ RPCAUTH_GSS_VERS_1, c[i].proc,
		    c[i].seq, c[i].service, c[i].with_handle ? handle : NULL,
		    c[i].with_handle ? RPCAUTH_HANDLE_LEN : 0 };
		FUZZ_SETUP((n = cred_encode(&rc, buf, sizeof(buf))) > 0);
		snprintf(name, sizeof(name), "cred_%s", c[i].name);
		seed("fuzz_cred", name, buf, (size_t)n);
		hc = (struct hdrmic_call){ 0x1000 + (uint32_t)i, SVCPIPE_PROG,
		    SVCPIPE_VERS, 1, RPCAUTH_FLAVOR, buf, (size_t)n };
		FUZZ_SETUP((h = hdrmic_build(&hc, hdr, sizeof(hdr))) > 0);
		snprintf(name, sizeof(name), "header_%s", c[i].name);
		seed("fuzz_cred", name, hdr, (size_t)h);
	}
}

static void
init_seeds(void)
{
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	gss_ctx_id_t ictx = GSS_C_NO_CONTEXT;
	struct rpcauth_init_res res;
	struct svcpipe_result r;
	const uint8_t *results;
	uint8_t *buf;
	size_t n, rlen;
	OM_uint32 min;
	int len;

	FUZZ_SETUP((buf = malloc(SVCPIPE_MSG_MAX)) != NULL);
	FUZZ_SETUP(fuzz_init_step(&ictx, NULL, &tok) == GSS_S_CONTINUE_NEEDED);
	FUZZ_SETUP((len = init_arg_encode(tok.value, tok.length, buf,
	    SVCPIPE_MSG_MAX)) > 0);
	seed("fuzz_init", "arg_apreq", buf, (size_t)len);
	FUZZ_SETUP((len = init_arg_encode(NULL, 0, buf, SVCPIPE_MSG_MAX)) > 0);
	seed("fuzz_init", "arg_empty", buf, (size_t)len);

	/* A real INIT reply: handle, status, window, AP-REP. */
	n = svcpipe_init_call(0x2000, SVCPIPE_PROG, tok.value, tok.length,
	    RPCAUTH_SVC_PRIVACY, buf, SVCPIPE_MSG_MAX);
	FUZZ_SETUP(n > 0);
	svcpipe_run(buf, n, &r);
	printf("  INIT with a real AP-REQ: why %d, redirected %d, replies %d\n",
	    (int)r.why, r.redirected, r.replies);
	FUZZ_SETUP(r.why == AUTH_OK && r.redirected && r.replies == 1);
	FUZZ_SETUP(svcpipe_reply_results(&results, &rlen) == 0);
	FUZZ_SETUP(init_res_decode(results, rlen, RPCAUTH_CRED_MAX_HANDLE,
	    RPCAUTH_CLNT_MAX_TOKEN, &res) == 0 && res.major == GSS_S_COMPLETE &&
	    res.token_len > 0);
	seed("fuzz_init", "res_complete", results, rlen);

	memset(&res, 0, sizeof(res));
	res.major = GSS_S_FAILURE;
	res.minor = 2529638919u;	/* KRB5KRB_AP_ERR_MODIFIED-like */
	FUZZ_SETUP((len = init_res_encode(&res, buf, SVCPIPE_MSG_MAX)) > 0);
	seed("fuzz_init", "res_failure", buf, (size_t)len);

	(void)gss_release_buffer(&min, &tok);
	(void)gss_delete_sec_context(&min, &ictx, GSS_C_NO_BUFFER);
	free(buf);
}

static void
protect_seed(const char *name, uint8_t op, uint32_t seq, const uint8_t *p,
    size_t n)
{
	uint8_t buf[8192];

	FUZZ_SETUP(n + 5 <= sizeof(buf));
	buf[0] = op;
	buf[1] = seq >> 24;
	buf[2] = seq >> 16;
	buf[3] = seq >> 8;
	buf[4] = seq;
	memcpy(buf + 5, p, n);
	seed("fuzz_protect", name, buf, n + 5);
}

static void
protect_seeds(void)
{
	struct secctx ini, acc;
	uint8_t body[4096], plain[512], t[512];
	size_t n, pn;

	FUZZ_SETUP(fuzz_gss_pair(&ini, &acc) == 0);
	n = protected_args(&ini, RPCAUTH_SVC_INTEGRITY, 7, body, sizeof(body));
	protect_seed("raw_integ_call", 0, 7, body, n);
	n = protected_args(&ini, RPCAUTH_SVC_PRIVACY, 7, body, sizeof(body));
	protect_seed("raw_priv_call", OP_PRIV, 7, body, n);
	n = protected_args(&acc, RPCAUTH_SVC_INTEGRITY, 9, body, sizeof(body));
	protect_seed("raw_integ_reply", OP_REPLY, 9, body, n);
	n = protected_args(&acc, RPCAUTH_SVC_PRIVACY, 9, body, sizeof(body));
	protect_seed("raw_priv_reply", OP_REPLY | OP_PRIV, 9, body, n);

	/* Plaintext databody {seq_num = 7, opaque ARG_TEXT}. */
	plain[0] = plain[1] = plain[2] = 0;
	plain[3] = 7;
	pn = 4 + plain_args(plain + 4, sizeof(plain) - 4);
	protect_seed("seal_integ", OP_SEAL, 7, plain, pn);
	protect_seed("seal_priv", OP_SEAL | OP_PRIV, 7, plain, pn);
	protect_seed("seal_priv_reply", OP_SEAL | OP_PRIV | OP_REPLY, 7, plain,
	    pn);
	protect_seed("seal_wrong_seq", OP_SEAL, 8, plain, pn);
	memcpy(t, plain, pn);
	t[4] = t[5] = t[6] = t[7] = 0xff;	/* argument length 4 GiB - 1 */
	protect_seed("seal_huge_arg", OP_SEAL | OP_PRIV, 7, t, pn);
	/* TAMPER: position (2 bytes) and mask, then the plaintext. */
	t[0] = 0;
	t[1] = 30;
	t[2] = 0x01;
	memcpy(t + 3, plain, pn);
	protect_seed("tamper_integ", OP_TAMPER, 7, t, pn + 3);
	t[1] = 10;
	protect_seed("tamper_priv", OP_TAMPER | OP_PRIV, 7, t, pn + 3);
	secctx_clear(&ini);
	secctx_clear(&acc);
}

/* A call of our flavor; the verifier is the live header MIC when sign. */
static size_t
call(uint32_t xid, uint32_t prog, uint32_t proc, uint32_t gss_proc,
    uint32_t seq, uint32_t service, int sign, const uint8_t *body,
    size_t blen, uint8_t *out, size_t cap)
{
	struct svcpipe_live *lv = svcpipe_live();
	struct rpcauth_cred c = { RPCAUTH_GSS_VERS_1, gss_proc, seq, service,
	    lv->handle, RPCAUTH_HANDLE_LEN };
	uint8_t cred[400], verf[400];
	struct raw_call rc;
	size_t vlen = 0;
	int clen;

	FUZZ_SETUP((clen = cred_encode(&c, cred, sizeof(cred))) > 0);
	if (sign)
		FUZZ_SETUP(svcpipe_sign(xid, prog, SVCPIPE_VERS, proc,
		    RPCAUTH_FLAVOR, cred, (size_t)clen, verf, &vlen) == 0);
	rc = (struct raw_call){ xid, prog, SVCPIPE_VERS, proc, RPCAUTH_FLAVOR,
	    cred, (size_t)clen, sign ? RPCAUTH_FLAVOR : AUTH_NONE, verf, vlen,
	    body, blen };
	return raw_encode_call(&rc, out, cap);
}

/* Write [flags][msg] and run msg here; returns the outcome. */
static struct svcpipe_result
svc_seed(const char *name, uint8_t flags, const uint8_t *msg, size_t n)
{
	struct svcpipe_result r;
	uint8_t *buf;

	FUZZ_SETUP(n > 0 && (buf = malloc(n + 1)) != NULL);
	buf[0] = flags;
	memcpy(buf + 1, msg, n);
	seed("fuzz_svc", name, buf, n + 1);
	free(buf);
	(void)svcpipe_live();		/* the window the target starts from */
	svcpipe_run(msg, n, &r);
	printf("  %-22s flags %d: why %2d redirected %d app %d args %d "
	    "replies %d\n", name, flags, (int)r.why, r.redirected, r.app_ran,
	    r.args_ok, r.replies);
	return r;
}

static void
expect(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_seeds: seed does not do what it should: "
		    "%s\n", what);
		failures++;
	}
}

static void
svc_seeds(void)
{
	static const uint32_t svcs[] = { RPCAUTH_SVC_NONE,
	    RPCAUTH_SVC_INTEGRITY, RPCAUTH_SVC_PRIVACY };
	static const char *const svcname[] = { "none", "integ", "priv" };
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	gss_ctx_id_t ictx = GSS_C_NO_CONTEXT;
	struct svcpipe_result r;
	struct raw_call rc;
	uint8_t msg[8192], body[4096], args[512], cred[400];
	size_t n, bn, an;
	char name[64];
	OM_uint32 min;
	int clen, i;
	struct rpcauth_cred c;

	an = plain_args(args, sizeof(args));

	/* INIT with a real AP-REQ, and one whose token the harness renews. */
	FUZZ_SETUP(fuzz_init_step(&ictx, NULL, &tok) == GSS_S_CONTINUE_NEEDED);
	n = svcpipe_init_call(0x3000, SVCPIPE_PROG, tok.value, tok.length,
	    RPCAUTH_SVC_INTEGRITY, msg, sizeof(msg));
	r = svc_seed("init_apreq", 0, msg, n);
	expect(r.why == AUTH_OK && r.redirected && r.replies == 1,
	    "INIT answered");
	(void)gss_release_buffer(&min, &tok);
	(void)gss_delete_sec_context(&min, &ictx, GSS_C_NO_BUFFER);
	n = svcpipe_init_call(0x3001, SVCPIPE_PROG, "", 0,
	    RPCAUTH_SVC_PRIVACY, msg, sizeof(msg));
	(void)svc_seed("init_fresh_token", FIX_BODY, msg, n);

	/* CONTINUE_INIT on an established handle: CREDPROBLEM. */
	n = call(0x3002, SVCPIPE_PROG, 0, RPCAUTH_GSS_CONTINUE_INIT, 0,
	    RPCAUTH_SVC_INTEGRITY, 0, NULL, 0, msg, sizeof(msg));
	r = svc_seed("continue_established", 0, msg, n);
	expect(r.why == RPCSEC_GSS_CREDPROBLEM, "CONTINUE_INIT refused");

	/* DATA at each service with a real MIC and a real body. */
	for (i = 0; i < 3; i++) {
		bn = svcs[i] == RPCAUTH_SVC_NONE ? plain_args(body,
		    sizeof(body)) : protected_args(&svcpipe_live()->sc,
		    svcs[i], SEQ_FRESH, body, sizeof(body));
		n = call(0x3010 + (uint32_t)i, SVCPIPE_OPEN_PROG, 1,
		    RPCAUTH_GSS_DATA, SEQ_FRESH, svcs[i], 1, body, bn, msg,
		    sizeof(msg));
		snprintf(name, sizeof(name), "data_%s_real", svcname[i]);
		r = svc_seed(name, 0, msg, n);
		expect(r.why == AUTH_OK && r.app_ran && r.args_ok &&
		    r.replies == 1 && r.wrap_ok, "DATA accepted");
		/* The same, re-signed and re-sealed by the harness. */
		n = call(0x3020 + (uint32_t)i, SVCPIPE_OPEN_PROG, 1,
		    RPCAUTH_GSS_DATA, SEQ_FRESH + 1, svcs[i], 1, args, an, msg,
		    sizeof(msg));
		snprintf(name, sizeof(name), "data_%s_fix", svcname[i]);
		(void)svc_seed(name, FIX_AUTH | FIX_BODY, msg, n);
	}

	/* Window edges and MAXSEQ, for the harness to sign. */
	{
		static const struct { const char *name; uint32_t seq; } w[] = {
			{ "data_replay_fix", SVCPIPE_LIVE_TOP },
			{ "data_too_old_fix", SVCPIPE_LIVE_TOP - SVCPIPE_WINDOW },
			{ "data_late_fix", SVCPIPE_LIVE_TOP - SVCPIPE_WINDOW + 1 },
			{ "data_maxseq_fix", RPCAUTH_MAXSEQ },
			{ "data_over_maxseq_fix", RPCAUTH_MAXSEQ + 1 },
		};

		for (i = 0; i < (int)(sizeof(w) / sizeof(w[0])); i++) {
			n = call(0x3030 + (uint32_t)i, SVCPIPE_OPEN_PROG, 1,
			    RPCAUTH_GSS_DATA, w[i].seq,
			    RPCAUTH_SVC_INTEGRITY, 1, args, an, msg,
			    sizeof(msg));
			(void)svc_seed(w[i].name, FIX_AUTH | FIX_BODY, msg, n);
		}
	}
	n = call(0x3040, SVCPIPE_OPEN_PROG, 1, RPCAUTH_GSS_DATA, SEQ_FRESH,
	    RPCAUTH_SVC_PRIVACY, 1, args, an, msg, sizeof(msg));
	(void)svc_seed("data_body_seq_fix", FIX_AUTH | FIX_BODY | FIX_SEQ, msg,
	    n);
	n = call(0x3041, SVCPIPE_PROG, 1, RPCAUTH_GSS_DATA, SEQ_FRESH,
	    RPCAUTH_SVC_NONE, 1, args, an, msg, sizeof(msg));
	r = svc_seed("data_tooweak_real", 0, msg, n);
	expect(r.why == AUTH_TOOWEAK, "service none refused for SVCPIPE_PROG");
	(void)svc_seed("data_tooweak_fix", FIX_AUTH, msg, n);
	n = call(0x3042, SVCPIPE_PROG, NULLPROC, RPCAUTH_GSS_DATA, SEQ_FRESH,
	    RPCAUTH_SVC_INTEGRITY, 1, NULL, 0, msg, sizeof(msg));
	(void)svc_seed("data_nullproc_fix", FIX_AUTH | FIX_BODY, msg, n);
	(void)svc_seed("data_nullproc_nobody_fix", FIX_AUTH, msg, n);
	n = call(0x3043, SVCPIPE_OPEN_PROG, 1, RPCAUTH_GSS_DATA, SEQ_FRESH,
	    RPCAUTH_SVC_INTEGRITY, 0, args, an, msg, sizeof(msg));
	r = svc_seed("data_none_verf", 0, msg, n);
	expect(r.why == AUTH_BADVERF, "AUTH_NONE verifier refused");

	/* DESTROY last: it takes the live context (the target makes another). */
	n = call(0x3050, SVCPIPE_PROG, NULLPROC, RPCAUTH_GSS_DESTROY,
	    SEQ_FRESH, RPCAUTH_SVC_INTEGRITY, 1, NULL, 0, msg,
	    sizeof(msg));
	(void)svc_seed("destroy_fix", FIX_AUTH, msg, n);

	/* The private program called directly, with our flavor and none. */
	c = (struct rpcauth_cred){ RPCAUTH_GSS_VERS_1, RPCAUTH_GSS_INIT, 0,
	    RPCAUTH_SVC_INTEGRITY, NULL, 0 };
	FUZZ_SETUP((clen = cred_encode(&c, cred, sizeof(cred))) > 0);
	rc = (struct raw_call){ 0x3060, SVC_PRIV_PROG, SVC_PRIV_VERS, 0,
	    RPCAUTH_FLAVOR, cred, (size_t)clen, AUTH_NONE, NULL, 0, NULL, 0 };
	n = raw_encode_call(&rc, msg, sizeof(msg));
	r = svc_seed("priv_direct_ours", 0, msg, n);
	expect(r.why == AUTH_BADCRED, "private program refused (ours)");
	rc = (struct raw_call){ 0x3061, SVC_PRIV_PROG, SVC_PRIV_VERS, 0,
	    AUTH_NONE, NULL, 0, AUTH_NONE, NULL, 0, NULL, 0 };
	n = raw_encode_call(&rc, msg, sizeof(msg));
	r = svc_seed("priv_direct_none", 0, msg, n);
	expect(r.why == AUTH_OK && r.replies == 1 &&
	    r.reply_why == PROG_UNAVAIL, "private program refused (none)");
	/* AUTH_NONE to the application. */
	rc = (struct raw_call){ 0x3062, SVCPIPE_OPEN_PROG, SVCPIPE_VERS, 1,
	    AUTH_NONE, NULL, 0, AUTH_NONE, NULL, 0, args, an };
	n = raw_encode_call(&rc, msg, sizeof(msg));
	r = svc_seed("none_app", 0, msg, n);
	expect(r.app_ran && r.args_ok, "AUTH_NONE reaches the application");
}

int
main(int argc, char **argv)
{
	uint8_t handle[RPCAUTH_HANDLE_LEN];

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "fuzz_seeds: mkdir %s: %s\n", outdir,
		    strerror(errno));
		return 1;
	}
	svcpipe_init();
	memcpy(handle, svcpipe_live()->handle, sizeof(handle));
	printf("fuzz_cred\n");
	cred_seeds(handle);
	printf("fuzz_init\n");
	init_seeds();
	printf("fuzz_protect\n");
	protect_seeds();
	printf("fuzz_svc\n");
	svc_seeds();
	if (failures > 0) {
		fprintf(stderr, "fuzz_seeds: %d seeds failed\n", failures);
		return 1;
	}
	printf("seeds written to %s\n", outdir);
	return 0;
}
