/* tests/check_gssflags.c - per-message tokens of a peer that asked for GSS sequencing */
/*
 * Finding 14: a client that asks for GSS_C_SEQUENCE_FLAG and
 * GSS_C_REPLAY_FLAG (JDK JGSS does by default) makes MIT's GSS-API report
 * a lost, reordered or duplicated token with a supplementary status bit
 * (GAP_TOKEN, UNSEQ_TOKEN, OLD_TOKEN) on a MIC that verifies.  RPC has its
 * own window: only GSS_ERROR() may fail a message, on both sides, on the
 * GSS path and the fast path alike, while a tampered token still fails.
 *
 *  - in-process: an initiator/acceptor pair with those flags, both
 *    directions, GetMIC/VerifyMIC and Wrap/Unwrap through secctx;
 *  - end to end: a raw RFC 2203 client (library codecs, GSS-API directly,
 *    as check_conformance does) with those flags against the real demo
 *    server, once on the server's GSS path (RPCAUTH_KRB5_FASTPATH=0) and
 *    once on its fast path: a lost call, a reordered pair, a tampered call.
 *
 * Finding 7: an empty privacy body (an empty opaque leaves the scratch
 * buffer NULL) and empty or NULL tokens are refused cleanly; under the
 * sanitizer build the old code computed NULL + 16 in k5tok_unwrap.
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>

#include "cred_xdr.h"
#include "demofs.h"
#include "e2e.h"
#include "gssname.h"
#include "init_xdr.h"
#include "hdrmic.h"
#include "krb5_crypto.h"
#include "krb5_token.h"
#include "protect.h"
#include "rawrpc.h"
#include "secctx.h"
#include "xdrbuf.h"
#include "cklist.h"
#include "handxdr.h"

#define SEQ_FLAGS	(GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG | \
	GSS_C_INTEG_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_REPLAY_FLAG)
#define MSG_MAX		4096
#define WIRE_CREDPROBLEM	13u

static struct testbed *bed;
static struct srvproc srv_fast, srv_gss;
static int port_fast, port_gss;

static gss_name_t
target(void)
{
	gss_name_t n;

	ck_assert(!GSS_ERROR(hostbased_name("demo@localhost", &n)));
	return n;
}

/* ---- in-process pair ------------------------------------------------------ */

static void
pair_make(struct secctx *ini, struct secctx *acc)
{
	gss_buffer_desc itok = GSS_C_EMPTY_BUFFER, atok = GSS_C_EMPTY_BUFFER;
	gss_name_t t = target();
	OM_uint32 maj, amaj, min, flags = 0;

	secctx_init(ini);
	secctx_init(acc);
	ini->mech = acc->mech = (gss_OID)gss_mech_krb5;
	maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &ini->gctx, t,
	    (gss_OID)gss_mech_krb5, SEQ_FLAGS, 0, GSS_C_NO_CHANNEL_BINDINGS,
	    GSS_C_NO_BUFFER, NULL, &itok, NULL, NULL);
	ck_assert_uint_eq(maj, GSS_S_CONTINUE_NEEDED);
	amaj = gss_accept_sec_context(&min, &acc->gctx, GSS_C_NO_CREDENTIAL,
	    &itok, GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &atok, &flags, NULL,
	    NULL);
	ck_assert_uint_eq(amaj, GSS_S_COMPLETE);
	ck_assert_msg((flags & GSS_C_SEQUENCE_FLAG) &&
	    (flags & GSS_C_REPLAY_FLAG), "acceptor flags %#x", flags);
	(void)gss_release_buffer(&min, &itok);
	maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &ini->gctx, t,
	    (gss_OID)gss_mech_krb5, SEQ_FLAGS, 0, GSS_C_NO_CHANNEL_BINDINGS,
	    &atok, NULL, &itok, NULL, NULL);
	ck_assert_uint_eq(maj, GSS_S_COMPLETE);
	(void)gss_release_buffer(&min, &atok);
	(void)gss_release_buffer(&min, &itok);
	(void)gss_release_name(&min, &t);
}

static int
verify(struct secctx *sc, const char *m, gss_buffer_desc *t,
    struct secctx_status *st)
{
	return secctx_verify_mic(sc, m, strlen(m), t->value, t->length, st);
}

/* Unwrap t; when that succeeds, what came out must be m. */
static int
unwrap(struct secctx *sc, const char *m, gss_buffer_desc *t,
    struct secctx_status *st)
{
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	OM_uint32 min;
	int r;

	r = secctx_unwrap(sc, t->value, t->length, &out, st);
	if (r == 0)
		ck_assert_msg(out.length == strlen(m) &&
		    memcmp(out.value, m, out.length) == 0,
		    "Unwrap of \"%s\" gave something else", m);
	(void)gss_release_buffer(&min, &out);
	return r;
}

/* A kind of per-message token: made of m by `make`, checked by `check`. */
static const struct tokkind {
	const char	*name;
	int		(*make)(struct secctx *sc, const void *msg, size_t len,
			    gss_buffer_t out, struct secctx_status *st);
	int		(*check)(struct secctx *sc, const char *m,
			    gss_buffer_desc *t, struct secctx_status *st);
} tokkinds[] = {
	{ "MIC", secctx_get_mic, verify },
	{ "Wrap", secctx_wrap, unwrap },
};

/*
 * Six tokens made in order; the receiver never sees the first (lost), sees
 * the fourth before the third (reordered) and the fifth with its last bit
 * flipped.  Only the tampered one may fail.
 */
static const char *const seqmsgs[] = { "one", "two", "three", "four",
    "five", "six" };
static const struct seqcheck {
	size_t		 i;		/* into seqmsgs[] */
	const char	*what;
} seqchecks[] = {
	{ 1, "after a lost one" },
	{ 3, "ahead" },
	{ 2, "late" },
	{ 4, NULL },			/* tampered: must be refused */
	{ 5, "after a tampered one" },
};

/* Lost, reordered, tampered, then a good one: from `s` to `r`. */
static void
sequence_run(struct secctx *s, struct secctx *r, const char *label)
{
	gss_buffer_desc t[NELEM(seqmsgs)];
	const struct tokkind *k;
	const struct seqcheck *c;
	struct secctx_status st;
	OM_uint32 min;
	size_t i;

	for (k = tokkinds; k < tokkinds + NELEM(tokkinds); k++) {
		for (i = 0; i < NELEM(seqmsgs); i++) {
			t[i] = (gss_buffer_desc)GSS_C_EMPTY_BUFFER;
			ck_assert_int_eq(k->make(s, seqmsgs[i],
			    strlen(seqmsgs[i]), &t[i], &st), 0);
		}
		((uint8_t *)t[4].value)[t[4].length - 1] ^= 1;
		for (c = seqchecks; c < seqchecks + NELEM(seqchecks); c++) {
			if (c->what == NULL)
				ck_assert_msg(k->check(r, seqmsgs[c->i],
				    &t[c->i], &st) != 0, "%s: tampered %s "
				    "accepted", label, k->name);
			else
				ck_assert_msg(k->check(r, seqmsgs[c->i],
				    &t[c->i], &st) == 0, "%s: %s %s refused "
				    "(major %#x)", label, k->name, c->what,
				    st.major);
		}
		for (i = 0; i < NELEM(seqmsgs); i++)
			(void)gss_release_buffer(&min, &t[i]);
	}
}

/* _i: 0 GSS path, 1 fast path (both sides exported). */
START_TEST(pair_sequencing)
{
	struct secctx ini, acc;
	const char *path = _i ? "fast" : "GSS";
	char label[64];

	pair_make(&ini, &acc);
	if (_i) {
		ck_assert_int_eq(secctx_accel(&ini), 1);
		ck_assert_int_eq(secctx_accel(&acc), 1);
	}
	snprintf(label, sizeof(label), "%s path, client to server", path);
	sequence_run(&ini, &acc, label);
	snprintf(label, sizeof(label), "%s path, server to client", path);
	sequence_run(&acc, &ini, label);
	secctx_clear(&ini);
	secctx_clear(&acc);
}
END_TEST

/* ---- finding 7: empty tokens and bodies ------------------------------------ */

START_TEST(k5tok_empty_token)
{
	uint8_t key[32], out[64];
	struct k5ctx *c;
	size_t n = 99;

	memset(key, 0x5a, sizeof(key));
	c = k5ctx_new(1, 0, K5_AES256_CTS_HMAC_SHA1_96, key, sizeof(key), 0);
	ck_assert_ptr_nonnull(c);
	/* An empty opaque arrives as (NULL, 0). */
	ck_assert_uint_eq(k5tok_unwrap(c, NULL, 0, out, &n),
	    GSS_S_DEFECTIVE_TOKEN);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(k5tok_verify_mic(c, "x", 1, NULL, 0),
	    GSS_S_DEFECTIVE_TOKEN);
	k5ctx_free(c);
}
END_TEST

struct empty_arg {
	struct secctx		*sc;
	uint32_t		 service;
	enum protect_result	 r;
};

/* In a thread of its own: its scratch buffers were never used (NULL). */
static void *
empty_body_thread(void *v)
{
	struct empty_arg *a = v;
	static uint8_t wire[4];		/* opaque<> of length 0 */
	struct secctx_status st;
	XDR x;

	xdrmem_create(&x, (caddr_t)wire, sizeof(wire), XDR_DECODE);
	a->r = protect_decode(a->sc, a->service, 1, &x, (xdrproc_t)xdr_nothing,
	    NULL, 1 << 20, &st);
	XDR_DESTROY(&x);
	return NULL;
}

/* _i: bit 0 fast path, bit 1 privacy (else integrity). */
START_TEST(protect_empty_body)
{
	struct secctx ini, acc;
	struct empty_arg a;
	struct secctx_status st;
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	pthread_t t;

	pair_make(&ini, &acc);
	if (_i & 1) {
		ck_assert_int_eq(secctx_accel(&ini), 1);
		ck_assert_int_eq(secctx_accel(&acc), 1);
	}
	a.sc = &acc;
	a.service = (_i & 2) ? RPCAUTH_SVC_PRIVACY : RPCAUTH_SVC_INTEGRITY;
	a.r = PROTECT_OK;
	ck_assert_int_eq(pthread_create(&t, NULL, empty_body_thread, &a), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_msg(a.r == PROTECT_E_DECODE, "empty body: %s",
	    protect_strerror(a.r));
	ck_assert_int_ne(secctx_unwrap(&acc, NULL, 0, &out, &st), 0);
	secctx_clear(&ini);
	secctx_clear(&acc);
}
END_TEST

/* ---- end to end: a raw client with sequencing against the demo server ----- */

struct rawclnt {
	struct secctx	 sc;
	uint8_t		 handle[400];
	size_t		 handle_len;
	uint32_t	 window;
	uint32_t	 service;
	int		 fd;
	int		 port;
	uint32_t	 xid;
};

struct built {
	uint32_t	 xid, seq;
	size_t		 len;
	uint8_t		 msg[MSG_MAX];
};

static void
raw_handshake(struct rawclnt *rc, int port, uint32_t service)
{
	gss_buffer_desc itok = GSS_C_EMPTY_BUFFER, in, msg, tok;
	struct rpcauth_cred cred = { RPCAUTH_GSS_VERS_1, RPCAUTH_GSS_INIT, 0,
	    service, NULL, 0 };
	struct rpcauth_init_res res;
	struct raw_reply rep;
	struct raw_call call;
	uint8_t cbuf[400], body[MSG_MAX], m[MSG_MAX], be[4];
	gss_name_t t = target();
	OM_uint32 maj, min, flags = 0;
	int clen, blen;
	size_t len;

	memset(rc, 0, sizeof(*rc));
	secctx_init(&rc->sc);
	rc->sc.mech = (gss_OID)gss_mech_krb5;
	rc->service = service;
	rc->port = port;
	rc->xid = 0x5e000000u;
	rc->fd = raw_tcp_connect(port);
	ck_assert_int_ge(rc->fd, 0);
	maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &rc->sc.gctx, t,
	    (gss_OID)gss_mech_krb5, SEQ_FLAGS, 0, GSS_C_NO_CHANNEL_BINDINGS,
	    GSS_C_NO_BUFFER, NULL, &itok, NULL, NULL);
	ck_assert_uint_eq(maj, GSS_S_CONTINUE_NEEDED);
	clen = cred_encode(&cred, cbuf, sizeof(cbuf));
	blen = init_arg_encode(itok.value, itok.length, body, sizeof(body));
	ck_assert(clen > 0 && blen > 0);
	call = (struct raw_call){ ++rc->xid, DEMOFS_PROG, DEMOFS_V1, 0,
	    RPCAUTH_FLAVOR, cbuf, (size_t)clen, 0, NULL, 0, body,
	    (size_t)blen };
	len = raw_encode_call(&call, m, sizeof(m));
	ck_assert_uint_gt(len, 0);
	raw_exchange(rc->fd, 0, port, m, len, call.xid, 10000, &rep);
	ck_assert_int_eq(rep.kind, RAW_ACCEPTED);
	ck_assert_uint_eq(rep.accept_stat, 0);
	ck_assert_int_eq(init_res_decode(rep.body, rep.body_len,
	    RPCAUTH_CRED_MAX_HANDLE, MSG_MAX, &res), 0);
	ck_assert_uint_eq(res.major, GSS_S_COMPLETE);
	memcpy(rc->handle, res.handle, res.handle_len);
	rc->handle_len = res.handle_len;
	rc->window = res.window;
	in.value = (void *)(uintptr_t)res.token;
	in.length = res.token_len;
	(void)gss_release_buffer(&min, &itok);
	maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &rc->sc.gctx, t,
	    (gss_OID)gss_mech_krb5, SEQ_FLAGS, 0, GSS_C_NO_CHANNEL_BINDINGS,
	    &in, NULL, &itok, &flags, NULL);
	ck_assert_uint_eq(maj, GSS_S_COMPLETE);
	ck_assert(flags & GSS_C_SEQUENCE_FLAG);
	be[0] = rc->window >> 24;
	be[1] = rc->window >> 16;
	be[2] = rc->window >> 8;
	be[3] = rc->window;
	msg.value = be;
	msg.length = 4;
	tok.value = rep.verf;
	tok.length = rep.verf_len;
	ck_assert(!GSS_ERROR(gss_verify_mic(&min, rc->sc.gctx, &msg, &tok,
	    NULL)));
	(void)gss_release_buffer(&min, &itok);
	(void)gss_release_name(&min, &t);
	raw_reply_free(&rep);
}

/* An ECHO at seq: header MIC and body made now (the GSS sequence moves). */
static void
build(struct rawclnt *rc, uint32_t seq, int tamper, struct built *b)
{
	struct rpcauth_cred cred = { RPCAUTH_GSS_VERS_1, RPCAUTH_GSS_DATA, seq,
	    rc->service, rc->handle, rc->handle_len };
	uint8_t cbuf[400], hdr[HDRMIC_MAX_LEN], plain[256], body[MSG_MAX];
	gss_buffer_desc htok = GSS_C_EMPTY_BUFFER, btok = GSS_C_EMPTY_BUFFER;
	struct secctx_status st;
	struct hdrmic_call hc;
	struct raw_call call;
	struct xdr_wr w, pw;
	OM_uint32 min;
	int clen, hlen;

	b->xid = ++rc->xid;
	b->seq = seq;
	clen = cred_encode(&cred, cbuf, sizeof(cbuf));
	ck_assert_int_gt(clen, 0);
	hc = (struct hdrmic_call){ b->xid, DEMOFS_PROG, DEMOFS_V1, DEMOFS_ECHO,
	    RPCAUTH_FLAVOR, cbuf, (size_t)clen };
	hlen = hdrmic_build(&hc, hdr, sizeof(hdr));
	ck_assert_int_gt(hlen, 0);
	ck_assert_int_eq(secctx_get_mic(&rc->sc, hdr, (size_t)hlen, &htok,
	    &st), 0);
	if (tamper)
		((uint8_t *)htok.value)[htok.length - 1] ^= 1;
	xdr_wr_init(&pw, plain, sizeof(plain));
	if (rc->service != RPCAUTH_SVC_NONE)
		xdr_wr_u32(&pw, seq);
	xdr_wr_opaque(&pw, "gssflags", 8);
	ck_assert(xdr_wr_ok(&pw));
	xdr_wr_init(&w, body, sizeof(body));
	if (rc->service == RPCAUTH_SVC_NONE)
		xdr_wr_fixed(&w, plain, pw.off);
	else if (rc->service == RPCAUTH_SVC_INTEGRITY) {
		ck_assert_int_eq(secctx_get_mic(&rc->sc, plain, pw.off, &btok,
		    &st), 0);
		xdr_wr_opaque(&w, plain, pw.off);
		xdr_wr_opaque(&w, btok.value, btok.length);
	} else {
		ck_assert_int_eq(secctx_wrap(&rc->sc, plain, pw.off, &btok,
		    &st), 0);
		xdr_wr_opaque(&w, btok.value, btok.length);
	}
	ck_assert(xdr_wr_ok(&w));
	call = (struct raw_call){ b->xid, DEMOFS_PROG, DEMOFS_V1, DEMOFS_ECHO,
	    RPCAUTH_FLAVOR, cbuf, (size_t)clen, RPCAUTH_FLAVOR, htok.value,
	    htok.length, body, w.off };
	b->len = raw_encode_call(&call, b->msg, sizeof(b->msg));
	ck_assert_uint_gt(b->len, 0);
	(void)gss_release_buffer(&min, &htok);
	(void)gss_release_buffer(&min, &btok);
}

/* Send b: SUCCESS with a verifier that is MIC(seq), or the auth_stat. */
static void
expect(struct rawclnt *rc, const struct built *b, int want_auth_stat,
    const char *label)
{
	gss_buffer_desc msg, tok;
	struct raw_reply rep;
	uint8_t be[4] = { b->seq >> 24, b->seq >> 16, b->seq >> 8, b->seq };
	OM_uint32 maj, min;

	raw_exchange(rc->fd, 0, rc->port, b->msg, b->len, b->xid, 10000, &rep);
	if (want_auth_stat != 0) {
		ck_assert_msg(rep.kind == RAW_AUTH_ERROR &&
		    rep.auth_stat == (uint32_t)want_auth_stat, "%s: seq %u: "
		    "reply kind %d auth_stat %u, wanted auth_stat %d", label,
		    b->seq, (int)rep.kind, rep.auth_stat, want_auth_stat);
	} else {
		ck_assert_msg(rep.kind == RAW_ACCEPTED && rep.accept_stat == 0,
		    "%s: seq %u refused: reply kind %d, auth_stat %u, "
		    "accept_stat %u", label, b->seq, (int)rep.kind,
		    rep.auth_stat, rep.accept_stat);
		msg.value = be;
		msg.length = 4;
		tok.value = rep.verf;
		tok.length = rep.verf_len;
		maj = gss_verify_mic(&min, rc->sc.gctx, &msg, &tok, NULL);
		ck_assert_msg(!GSS_ERROR(maj), "%s: seq %u: reply verifier "
		    "(major %#x)", label, b->seq, maj);
	}
	raw_reply_free(&rep);
}

/* _i: service 1..3 on the server's GSS path (+0) or fast path (+3). */
START_TEST(server_tolerates_sequencing)
{
	uint32_t svc = (uint32_t)(_i % 3) + 1;
	int fast = _i >= 3;
	struct rawclnt rc;
	struct built b1, b2, b3, b4;
	char label[64];

	snprintf(label, sizeof(label), "server %s path, service %u",
	    fast ? "fast" : "GSS", svc);
	raw_handshake(&rc, fast ? port_fast : port_gss, svc);
	build(&rc, 1, 0, &b1);
	expect(&rc, &b1, 0, label);
	build(&rc, 2, 0, &b2);		/* lost: never sent */
	build(&rc, 3, 0, &b3);
	expect(&rc, &b3, 0, label);
	build(&rc, 4, 0, &b2);		/* a reordered pair */
	build(&rc, 5, 0, &b4);
	expect(&rc, &b4, 0, label);
	expect(&rc, &b2, 0, label);
	build(&rc, 6, 1, &b1);		/* tampered header MIC */
	expect(&rc, &b1, WIRE_CREDPROBLEM, label);
	build(&rc, 7, 0, &b1);
	expect(&rc, &b1, 0, label);
	close(rc.fd);
	secctx_clear(&rc.sc);
}
END_TEST

static Suite *
gssflags_suite(void)
{
	Suite *s = suite_create("gssflags");

	CKLOOPS(cklist_tcase(s, "sequencing", 120), { pair_sequencing, 2 },
	    { k5tok_empty_token, 1 }, { protect_empty_body, 4 },
	    { server_tolerates_sequencing, 6 });
	return s;
}

static int
setup(void)
{
	int r;

	r = e2e_server_start(&srv_fast, &port_fast,
	    testbed_server_keytab(bed), NULL);
	/* The server's per-message calls on GSS-API, as for any context the
	 * fast path does not take. */
	setenv("RPCAUTH_KRB5_FASTPATH", "0", 1);
	if (r == 0)
		r = e2e_server_start(&srv_gss, &port_gss,
		    testbed_server_keytab(bed), NULL);
	unsetenv("RPCAUTH_KRB5_FASTPATH");
	return r;
}

static int
teardown(void)
{
	e2e_server_stop(&srv_gss);
	e2e_server_stop(&srv_fast);
	return 0;
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return e2e_main(gssflags_suite(), NULL, &bed, setup, teardown);
}
