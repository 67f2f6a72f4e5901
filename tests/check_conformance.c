/* tests/check_conformance.c - docs/PROTOCOL.md section 8, byte by byte */
/*
 * The conformance cases an independent RPCSEC_GSS suite checks, each sent
 * as raw bytes at the real demo server (test bed KDC, server on 127.0.0.1).
 * A test makes a fresh context with the library client, then builds its own
 * calls from that context: credential fields as the case needs them, the
 * header MIC made with the client's GSS context (and possibly spoiled), the
 * body protected by hand (and possibly spoiled).  It asserts the exact
 * answer on the wire, and that the application procedure ran exactly as
 * often as the test's legitimate calls say: DEMOFS STATS counts every
 * procedure run but STATS itself, and is read through a fresh authenticated
 * client, which is also "the next legitimate call succeeds".
 *
 * The calls under test are DEMOFS ECHO, a procedure that counts: a refused
 * ECHO that ran anyway would show in STATS.  Each legitimate ECHO checks the
 * reply verifier (MIC of its seq) and the echoed bytes.
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clnt_internal.h"
#include "cred_xdr.h"
#include "hdrmic.h"
#include "xdrbuf.h"
#include "demofs.h"
#include "e2e.h"
#include "rawrpc.h"

#define SEQ0		100u	/* first seq of each test's raw calls */
#define MAXSEQ		0x80000000u
#define WAIT_REPLY_MS	5000	/* for an answer that must come */
#define WAIT_DROP_MS	1000	/* silence this long counts as a drop */
#define MSG_MAX		4096
#define ECHO_TEXT	"conformance"
/* flip_verf_bit value: leave the header MIC as GSS made it. */
#define VERF_INTACT	(-1)
/*
 * Bits of an RFC 4121 MIC token (16-byte header, then the checksum): the
 * low bit of the last SND_SEQ byte, and a bit of the first checksum byte.
 */
#define VERF_BIT_SNDSEQ	(15 * 8)
#define VERF_BIT_CKSUM	(16 * 8 + 3)

/* auth_stat values of RFC 5531 and RFC 2203, as numbers on the wire. */
#define WIRE_AUTH_BADCRED	1u
#define WIRE_CREDPROBLEM	13u
#define WIRE_CTXPROBLEM		14u
#define WIRE_GARBAGE_ARGS	4u

static struct testbed *bed;
static struct srvproc server;
static int port;

/* What to spoil in a protected body, after it was protected correctly. */
enum tamper {
	TAMPER_NONE,
	TAMPER_CHECKSUM,	/* integrity: a bit of checksum<> */
	TAMPER_DATABODY,	/* integrity: a bit of the arguments */
	TAMPER_TOKEN		/* privacy: a bit of the wrap token */
};

/*
 * One client context seen from the wire: the library client that made it,
 * its state, and the raw socket the test speaks on.
 */
struct peer {
	CLIENT			*cl;
	struct clnt_state	*cs;
	uint32_t		 service;	/* the INIT's service */
	int			 fd;
	int			 udp;
	uint32_t		 xid;
	uint32_t		 hi;	/* highest legal seq sent */
	uint64_t		 ran;	/* procedure runs the server owes */
};

/* The fields of one raw call; spec() gives a legitimate ECHO. */
struct callspec {
	uint32_t	 proc;
	uint32_t	 version;	/* credential version */
	uint32_t	 gss_proc;
	uint32_t	 seq;		/* credential seq_num */
	uint32_t	 service;	/* credential service */
	uint32_t	 body_service;	/* how the body is actually protected */
	uint32_t	 body_seq;	/* seq_num inside a protected body */
	int		 flip_verf_bit;
	enum tamper	 tamper;
};

/* A built call, kept so that a test can send the same bytes again. */
struct sent {
	struct callspec	 s;
	uint32_t	 xid;
	size_t		 len;
	uint8_t		 msg[MSG_MAX];
};

static uint64_t
calls_now(void)
{
	uint64_t v = e2e_stats(port);

	ck_assert_msg(v != UINT64_MAX,
	    "a legitimate STATS call through a fresh client failed");
	return v;
}

/* The procedure ran exactly `ran` times since `before`, and no more. */
static void
assert_ran(uint64_t before, uint64_t ran)
{
	uint64_t now = calls_now();

	ck_assert_msg(now == before + ran, "procedure runs: %" PRIu64
	    " before, %" PRIu64 " now, expected %" PRIu64 " more", before, now,
	    ran);
}

static void
peer_open(struct peer *p, int udp, enum rpcauth_service svc)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	memset(p, 0, sizeof(*p));
	p->cl = e2e_secure_clnt(port, 0, svc, 0, &err);
	ck_assert_msg(p->cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	p->cs = p->cl->cl_auth->ah_private;
	ck_assert_uint_eq(p->cs->mode, CLNT_MODE_DATA);
	p->service = (uint32_t)svc;
	p->udp = udp;
	p->fd = udp ? raw_udp_socket() : raw_tcp_connect(port);
	ck_assert_int_ge(p->fd, 0);
	p->xid = 0x7000;
}

/*
 * DESTROY with a seq above every one used, so that it is answered at once
 * (an old seq would be dropped and cost the client its timeout).  Past
 * MAXSEQ the client refuses to send it at all.
 */
static void
peer_close(struct peer *p)
{
	p->cs->seq_next = p->hi + 1;
	e2e_secure_destroy(p->cl);
	close(p->fd);
}

static struct callspec
spec(const struct peer *p, uint32_t seq)
{
	struct callspec s = { DEMOFS_ECHO, RPCAUTH_GSS_VERS_1,
	    RPCAUTH_GSS_DATA, seq, p->service, p->service, seq, VERF_INTACT,
	    TAMPER_NONE };

	return s;
}

/*
 * The whole call message for these credential fields: the credential is
 * encoded without judging the values, the verifier is GetMIC over the
 * header as the server rebuilds it, with bit flip_verf_bit of the MIC
 * inverted afterwards unless it is VERF_INTACT.  Returns the length.
 */
static size_t
build_call(struct clnt_state *cs, uint32_t xid, uint32_t proc,
    uint32_t version, uint32_t gss_proc, uint32_t seq, uint32_t service,
    int flip_verf_bit, const uint8_t *body, size_t blen, uint8_t *out,
    size_t cap)
{
	struct rpcauth_cred cred = { version, gss_proc, seq, service,
	    cs->handle, cs->handle_len };
	uint8_t cbuf[400], hdr[HDRMIC_MAX_LEN], *mic;
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	struct secctx_status sst;
	struct hdrmic_call hc;
	struct raw_call rc;
	OM_uint32 min;
	int clen, hlen;
	size_t len;

	clen = cred_encode(&cred, cbuf, sizeof(cbuf));
	ck_assert_int_gt(clen, 0);
	hc = (struct hdrmic_call){ xid, DEMOFS_PROG, DEMOFS_V1, proc,
	    RPCAUTH_FLAVOR, cbuf, (size_t)clen };
	hlen = hdrmic_build(&hc, hdr, sizeof(hdr));
	ck_assert_int_gt(hlen, 0);
	ck_assert_int_eq(secctx_get_mic(&cs->sc, hdr, (size_t)hlen, &tok,
	    &sst), 0);
	mic = tok.value;
	if (flip_verf_bit != VERF_INTACT) {
		ck_assert_msg((size_t)flip_verf_bit / 8 < tok.length,
		    "MIC of %zu bytes has no bit %d", tok.length,
		    flip_verf_bit);
		mic[flip_verf_bit / 8] ^= (uint8_t)(1u << (flip_verf_bit % 8));
	}
	rc = (struct raw_call){ xid, DEMOFS_PROG, DEMOFS_V1, proc,
	    RPCAUTH_FLAVOR, cbuf, (size_t)clen, RPCAUTH_FLAVOR, mic,
	    tok.length, body, blen };
	len = raw_encode_call(&rc, out, cap);
	(void)gss_release_buffer(&min, &tok);
	ck_assert_uint_gt(len, 0);
	return len;
}

/*
 * The body for `service`: the arguments as they are (none), opaque
 * databody_integ<> + opaque checksum<> (integrity), or opaque Wrap<>
 * (privacy), with body_seq inside; then spoiled as `t` says.
 */
static size_t
build_body(struct secctx *sc, uint32_t service, uint32_t body_seq,
    const uint8_t *args, size_t alen, enum tamper t, uint8_t *out,
    size_t cap)
{
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	struct secctx_status sst;
	uint8_t plain[MSG_MAX];
	struct xdr_wr w, pw;
	OM_uint32 min;

	xdr_wr_init(&w, out, cap);
	if (service != RPCAUTH_GSS_SVC_INTEGRITY &&
	    service != RPCAUTH_GSS_SVC_PRIVACY) {
		ck_assert(t == TAMPER_NONE);
		xdr_wr_fixed(&w, args, alen);
		ck_assert(xdr_wr_ok(&w));
		return w.off;
	}
	xdr_wr_init(&pw, plain, sizeof(plain));
	xdr_wr_u32(&pw, body_seq);
	xdr_wr_fixed(&pw, args, alen);
	ck_assert(xdr_wr_ok(&pw));
	if (service == RPCAUTH_GSS_SVC_INTEGRITY) {
		ck_assert_int_eq(secctx_get_mic(sc, plain, pw.off, &tok, &sst),
		    0);
		ck_assert(tok.length > 0);
		/* Spoil after signing: the checksum no longer matches. */
		if (t == TAMPER_CHECKSUM)
			((uint8_t *)tok.value)[tok.length - 1] ^= 0x01;
		else if (t == TAMPER_DATABODY)
			plain[pw.off - 1] ^= 0x40;
		else
			ck_assert(t == TAMPER_NONE);
		xdr_wr_opaque(&w, plain, pw.off);
		xdr_wr_opaque(&w, tok.value, tok.length);
	} else {
		ck_assert_int_eq(secctx_wrap(sc, plain, pw.off, &tok, &sst), 0);
		ck_assert(tok.length > 0);
		if (t == TAMPER_TOKEN)
			((uint8_t *)tok.value)[tok.length / 2] ^= 0x10;
		else
			ck_assert(t == TAMPER_NONE);
		xdr_wr_opaque(&w, tok.value, tok.length);
	}
	(void)gss_release_buffer(&min, &tok);
	ck_assert(xdr_wr_ok(&w));
	return w.off;
}

/* Build the call `s` on p's context, with a new xid. */
static void
make(struct peer *p, const struct callspec *s, struct sent *m)
{
	uint8_t args[64], body[MSG_MAX];
	size_t alen = 0, blen;
	struct xdr_wr w;

	/* ECHO takes opaque<>; STATS takes void. */
	if (s->proc == DEMOFS_ECHO) {
		xdr_wr_init(&w, args, sizeof(args));
		xdr_wr_opaque(&w, ECHO_TEXT, strlen(ECHO_TEXT));
		ck_assert(xdr_wr_ok(&w));
		alen = w.off;
	}
	blen = build_body(&p->cs->sc, s->body_service, s->body_seq, args, alen,
	    s->tamper, body, sizeof(body));
	m->s = *s;
	m->xid = ++p->xid;
	m->len = build_call(p->cs, m->xid, s->proc, s->version, s->gss_proc,
	    s->seq, s->service, s->flip_verf_bit, body, blen, m->msg,
	    sizeof(m->msg));
	if (s->seq <= MAXSEQ && s->seq > p->hi)
		p->hi = s->seq;
}

static enum raw_kind
send_sent(struct peer *p, const struct sent *m, int timeout_ms,
    struct raw_reply *rep)
{
	raw_exchange(p->fd, p->udp, port, m->msg, m->len, m->xid, timeout_ms,
	    rep);
	ck_assert_msg(rep->kind != RAW_IOERROR, "xid %#" PRIx32 ": I/O error",
	    m->xid);
	return rep->kind;
}

/* An accepted reply's verifier must be MIC(seq) under the context. */
static void
check_reply_verf(struct peer *p, const struct raw_reply *rep, uint32_t seq,
    const char *label)
{
	struct secctx_status sst;
	uint8_t be[4] = { seq >> 24, seq >> 16, seq >> 8, seq };

	ck_assert_msg(rep->verf_flavor == RPCAUTH_FLAVOR,
	    "%s: reply verifier flavor %" PRIu32, label, rep->verf_flavor);
	ck_assert_msg(secctx_verify_mic(&p->cs->sc, be, sizeof(be), rep->verf,
	    rep->verf_len, &sst) == 0,
	    "%s: reply verifier is not MIC(%" PRIu32 ")", label, seq);
}

/*
 * The results of a SUCCESS reply, unprotected: the service's envelope is
 * checked (checksum, unwrap, seq inside), the results are copied to res.
 */
static size_t
open_results(struct peer *p, const struct raw_reply *rep, uint32_t seq,
    uint8_t *res, size_t cap, const char *label)
{
	gss_buffer_desc plain = GSS_C_EMPTY_BUFFER;
	struct secctx_status sst;
	const uint8_t *db = NULL, *ck;
	size_t dlen = 0, cklen, n;
	struct xdr_rd r;
	OM_uint32 min;

	xdr_rd_init(&r, rep->body, rep->body_len);
	if (p->service == RPCAUTH_GSS_SVC_NONE) {
		n = rep->body_len;
		ck_assert_uint_le(n, cap);
		if (n > 0)
			memcpy(res, rep->body, n);
		return n;
	}
	if (p->service == RPCAUTH_GSS_SVC_INTEGRITY) {
		db = xdr_rd_opaque(&r, MSG_MAX, &dlen);
		ck = xdr_rd_opaque(&r, MSG_MAX, &cklen);
		ck_assert_msg(xdr_rd_done(&r) && db != NULL && ck != NULL,
		    "%s: malformed integrity reply", label);
		ck_assert_msg(secctx_verify_mic(&p->cs->sc, db, dlen, ck, cklen,
		    &sst) == 0, "%s: reply checksum does not verify", label);
	} else {
		db = xdr_rd_opaque(&r, MSG_MAX, &dlen);
		ck_assert_msg(xdr_rd_done(&r) && db != NULL,
		    "%s: malformed privacy reply", label);
		ck_assert_msg(secctx_unwrap(&p->cs->sc, db, dlen, &plain,
		    &sst) == 0, "%s: reply does not unwrap", label);
		db = plain.value;
		dlen = plain.length;
	}
	xdr_rd_init(&r, db, dlen);
	ck_assert_msg(xdr_rd_u32(&r) == seq && xdr_rd_ok(&r),
	    "%s: seq inside the reply body is not %" PRIu32, label, seq);
	n = xdr_rd_remaining(&r);
	ck_assert_uint_le(n, cap);
	if (n > 0)
		memcpy(res, xdr_rd_fixed(&r, n), n);
	(void)gss_release_buffer(&min, &plain);
	return n;
}

/* A SUCCESS reply to `m` (ECHO: the text came back; STATS: *stats set). */
static void
want_success(struct peer *p, const struct sent *m, uint64_t *stats,
    const char *label)
{
	struct raw_reply rep;
	uint8_t res[MSG_MAX];
	const uint8_t *v;
	struct xdr_rd r;
	size_t n, vlen;

	send_sent(p, m, WAIT_REPLY_MS, &rep);
	ck_assert_msg(rep.kind == RAW_ACCEPTED && rep.accept_stat == SUCCESS,
	    "%s: seq %#" PRIx32 " wanted SUCCESS, got kind %d accept %" PRIu32
	    " auth %" PRIu32, label, m->s.seq, rep.kind, rep.accept_stat,
	    rep.auth_stat);
	check_reply_verf(p, &rep, m->s.seq, label);
	n = open_results(p, &rep, m->s.seq, res, sizeof(res), label);
	xdr_rd_init(&r, res, n);
	if (m->s.proc == DEMOFS_ECHO) {
		v = xdr_rd_opaque(&r, MSG_MAX, &vlen);
		ck_assert_msg(xdr_rd_done(&r) && vlen == strlen(ECHO_TEXT) &&
		    memcmp(v, ECHO_TEXT, vlen) == 0,
		    "%s: ECHO returned something else", label);
		p->ran++;
	} else {
		/* unsigned hyper: two units, high first. */
		ck_assert_msg(n == 8, "%s: STATS result of %zu bytes", label,
		    n);
		*stats = (uint64_t)xdr_rd_u32(&r) << 32;
		*stats |= xdr_rd_u32(&r);
	}
	raw_reply_free(&rep);
}

/* MSG_ACCEPTED with GARBAGE_ARGS, verifier MIC(seq): args refused. */
static void
want_garbage(struct peer *p, const struct sent *m, const char *label)
{
	struct raw_reply rep;

	send_sent(p, m, WAIT_REPLY_MS, &rep);
	ck_assert_msg(rep.kind == RAW_ACCEPTED &&
	    rep.accept_stat == WIRE_GARBAGE_ARGS,
	    "%s: wanted GARBAGE_ARGS, got kind %d accept %" PRIu32 " auth %"
	    PRIu32, label, rep.kind, rep.accept_stat, rep.auth_stat);
	check_reply_verf(p, &rep, m->s.seq, label);
	raw_reply_free(&rep);
}

/* MSG_DENIED / AUTH_ERROR with exactly this auth_stat. */
static void
want_denied(struct peer *p, const struct sent *m, uint32_t auth_stat,
    const char *label)
{
	struct raw_reply rep;

	send_sent(p, m, WAIT_REPLY_MS, &rep);
	ck_assert_msg(rep.kind == RAW_AUTH_ERROR && rep.auth_stat == auth_stat,
	    "%s: wanted AUTH_ERROR %" PRIu32 ", got kind %d accept %" PRIu32
	    " auth %" PRIu32, label, auth_stat, rep.kind, rep.accept_stat,
	    rep.auth_stat);
	raw_reply_free(&rep);
}

/* No reply at all within WAIT_DROP_MS: silently discarded. */
static void
want_drop(struct peer *p, const struct sent *m, const char *label)
{
	struct raw_reply rep;

	send_sent(p, m, WAIT_DROP_MS, &rep);
	ck_assert_msg(rep.kind == RAW_NOREPLY,
	    "%s: seq %#" PRIx32 " wanted no reply, got kind %d accept %" PRIu32
	    " auth %" PRIu32, label, m->s.seq, rep.kind, rep.accept_stat,
	    rep.auth_stat);
	raw_reply_free(&rep);
}

/* Shorthands: a legitimate ECHO at seq, and one call of a given spec. */
static void
ok_echo(struct peer *p, uint32_t seq, const char *label)
{
	struct callspec s = spec(p, seq);
	struct sent m;

	make(p, &s, &m);
	want_success(p, &m, NULL, label);
}

static void
drop_echo(struct peer *p, uint32_t seq, const char *label)
{
	struct callspec s = spec(p, seq);
	struct sent m;

	make(p, &s, &m);
	want_drop(p, &m, label);
}

/*
 * Case 1: old seq_num.  Resending the very bytes of an answered call, a
 * new call with an answered seq, a seq below the window and a seen seq
 * inside it: no reply.  The window's oldest slot still takes an unseen
 * seq once.  After each drop the same connection or socket keeps being
 * served, so the silence was a drop, not a dead server.
 */
static void
old_seq(int udp)
{
	struct peer p;
	struct sent first;
	struct callspec s;
	uint64_t before = calls_now();
	uint32_t top = SEQ0 + 300, w;

	peer_open(&p, udp, RPCAUTH_SVC_NONE);
	w = p.cs->window;
	ck_assert_msg(w >= 2 && w < 300, "window %" PRIu32, w);
	s = spec(&p, SEQ0);
	make(&p, &s, &first);
	want_success(&p, &first, NULL, "first call");
	want_drop(&p, &first, "same bytes again");
	drop_echo(&p, SEQ0, "answered seq, new xid");
	ok_echo(&p, SEQ0 + 1, "next seq after the drops");
	ok_echo(&p, top, "jump forward by 300");
	drop_echo(&p, SEQ0 + 2, "unseen seq below the window");
	drop_echo(&p, top - w, "one below the window");
	ok_echo(&p, top - w + 1, "oldest slot of the window, unseen");
	drop_echo(&p, top - w + 1, "oldest slot of the window, seen");
	drop_echo(&p, top, "top of the window, seen");
	ok_echo(&p, top + 1, "the context still works");
	peer_close(&p);
	assert_ran(before, p.ran);
	ck_assert_uint_eq(p.ran, 5);
}

START_TEST(c1_old_seq_tcp) { old_seq(0); } END_TEST
START_TEST(c1_old_seq_udp) { old_seq(1); } END_TEST

/*
 * Case 2: the seq inside a protected body differs from the credential's,
 * checksum or wrap otherwise correct: GARBAGE_ARGS.  A correct body first
 * shows the hand-made protection is right.
 */
static void
body_seq(enum rpcauth_service svc)
{
	struct peer p;
	struct callspec s;
	struct sent m;
	uint64_t before = calls_now();

	peer_open(&p, 0, svc);
	ok_echo(&p, SEQ0, "correct body");
	s = spec(&p, SEQ0 + 1);
	s.body_seq = SEQ0 + 2;
	make(&p, &s, &m);
	want_garbage(&p, &m, "body seq = credential seq + 1");
	s = spec(&p, SEQ0 + 3);
	s.body_seq = SEQ0 + 2;
	make(&p, &s, &m);
	want_garbage(&p, &m, "body seq = credential seq - 1");
	ok_echo(&p, SEQ0 + 4, "the context still works");
	peer_close(&p);
	assert_ran(before, p.ran);
	ck_assert_uint_eq(p.ran, 2);
}

START_TEST(c2_body_seq_integrity) { body_seq(RPCAUTH_SVC_INTEGRITY); } END_TEST
START_TEST(c2_body_seq_privacy)   { body_seq(RPCAUTH_SVC_PRIVACY); } END_TEST

/*
 * Case 3: one bit of the header MIC flipped (in the checksum, in SND_SEQ):
 * RPCSEC_GSS_CREDPROBLEM.  The seq of a refused call was not recorded, so
 * the same seq with a correct MIC is then served.
 */
START_TEST(c3_header_mic_altered)
{
	struct peer p;
	struct callspec s;
	struct sent m;
	uint64_t before = calls_now();

	peer_open(&p, 0, RPCAUTH_SVC_NONE);
	ok_echo(&p, SEQ0, "before");
	s = spec(&p, SEQ0 + 1);
	s.flip_verf_bit = VERF_BIT_CKSUM;
	make(&p, &s, &m);
	want_denied(&p, &m, WIRE_CREDPROBLEM, "checksum bit flipped");
	s.flip_verf_bit = VERF_BIT_SNDSEQ;
	make(&p, &s, &m);
	want_denied(&p, &m, WIRE_CREDPROBLEM, "SND_SEQ bit flipped");
	ok_echo(&p, SEQ0 + 1, "same seq, correct MIC");
	ok_echo(&p, SEQ0 + 2, "new seq");
	peer_close(&p);
	assert_ran(before, p.ran);
	ck_assert_uint_eq(p.ran, 3);
}
END_TEST

/*
 * Case 3, window side: a call with a forged MIC and a seq far ahead must
 * not slide the window (digest section 5: record only after the MIC
 * verified), or the real client's next seq would be dropped as too old.
 */
START_TEST(c3_forged_mic_keeps_window)
{
	struct peer p;
	struct callspec s;
	struct sent m;
	uint64_t before = calls_now();

	peer_open(&p, 0, RPCAUTH_SVC_NONE);
	ok_echo(&p, SEQ0, "before");
	s = spec(&p, SEQ0 + 100000);
	s.flip_verf_bit = VERF_BIT_CKSUM;
	make(&p, &s, &m);
	want_denied(&p, &m, WIRE_CREDPROBLEM, "forged MIC, seq far ahead");
	ok_echo(&p, SEQ0 + 1, "next seq is not too old");
	ok_echo(&p, SEQ0 + 100000, "the forged seq was not recorded");
	peer_close(&p);
	assert_ran(before, p.ran);
	ck_assert_uint_eq(p.ran, 3);
}
END_TEST

/* Case 4 (and the privacy twin): spoiled protection, GARBAGE_ARGS. */
static void
body_altered(enum rpcauth_service svc, enum tamper t, const char *label)
{
	struct peer p;
	struct callspec s;
	struct sent m;
	uint64_t before = calls_now();

	peer_open(&p, 0, svc);
	ok_echo(&p, SEQ0, "correct body");
	s = spec(&p, SEQ0 + 1);
	s.tamper = t;
	make(&p, &s, &m);
	want_garbage(&p, &m, label);
	ok_echo(&p, SEQ0 + 2, "the context still works");
	peer_close(&p);
	assert_ran(before, p.ran);
	ck_assert_uint_eq(p.ran, 2);
}

START_TEST(c4_integ_checksum_altered)
{
	body_altered(RPCAUTH_SVC_INTEGRITY, TAMPER_CHECKSUM,
	    "checksum bit flipped");
}
END_TEST

START_TEST(c4_integ_databody_altered)
{
	body_altered(RPCAUTH_SVC_INTEGRITY, TAMPER_DATABODY,
	    "databody bit flipped");
}
END_TEST

START_TEST(c4_priv_token_altered)
{
	body_altered(RPCAUTH_SVC_PRIVACY, TAMPER_TOKEN,
	    "wrap token bit flipped");
}
END_TEST

/*
 * Cases 5, 7, 8: one credential field out of range, header MIC valid over
 * it: AUTH_BADCRED.  None of them uses up the seq: the same seq with a
 * correct credential is served afterwards.
 */
enum cred_field { FIELD_VERSION, FIELD_GSS_PROC, FIELD_SERVICE };

static void
bad_field(enum cred_field f, const uint32_t *vals, size_t n)
{
	static const char *const names[] = { "version", "gss_proc", "service" };
	struct peer p;
	struct callspec s;
	struct sent m;
	char label[64];
	uint64_t before = calls_now();
	size_t i;

	peer_open(&p, 0, RPCAUTH_SVC_INTEGRITY);
	for (i = 0; i < n; i++) {
		s = spec(&p, SEQ0);
		if (f == FIELD_VERSION)
			s.version = vals[i];
		else if (f == FIELD_GSS_PROC)
			s.gss_proc = vals[i];
		else
			s.service = vals[i];
		snprintf(label, sizeof(label), "%s %" PRIu32, names[f],
		    vals[i]);
		make(&p, &s, &m);
		want_denied(&p, &m, WIRE_AUTH_BADCRED, label);
	}
	ok_echo(&p, SEQ0, "same seq, correct credential");
	peer_close(&p);
	assert_ran(before, p.ran);
	ck_assert_uint_eq(p.ran, 1);
}

START_TEST(c5_cred_version)
{
	static const uint32_t v[] = { 0, 2, 3, 1024 };

	bad_field(FIELD_VERSION, v, sizeof(v) / sizeof(v[0]));
}
END_TEST

/* Case 6: above MAXSEQ is RPCSEC_GSS_CTXPROBLEM, whatever the window. */
START_TEST(c6_seq_above_maxseq)
{
	static const uint32_t bad[] = { MAXSEQ + 1, 0xFFFFFFFFu };
	struct peer p;
	struct callspec s;
	struct sent m;
	char label[64];
	uint64_t before = calls_now();
	size_t i;

	peer_open(&p, 0, RPCAUTH_SVC_NONE);
	ok_echo(&p, SEQ0, "before");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = spec(&p, bad[i]);
		snprintf(label, sizeof(label), "seq %#" PRIx32, bad[i]);
		make(&p, &s, &m);
		want_denied(&p, &m, WIRE_CTXPROBLEM, label);
	}
	ok_echo(&p, SEQ0 + 1, "the context still works");
	peer_close(&p);
	assert_ran(before, p.ran);
	ck_assert_uint_eq(p.ran, 2);
}
END_TEST

/*
 * Case 6: MAXSEQ itself is legal and the procedure runs once.  A raw STATS
 * at MAXSEQ - 1 (inside the window, unseen) reads the counter on the same
 * context: it moved by exactly one (STATS does not count itself).  One past
 * MAXSEQ is still CTXPROBLEM after MAXSEQ was seen.
 */
START_TEST(c6_maxseq_legal)
{
	struct peer p;
	struct callspec s;
	struct sent m;
	uint64_t before = calls_now(), seen = UINT64_MAX;

	peer_open(&p, 0, RPCAUTH_SVC_NONE);
	ok_echo(&p, MAXSEQ, "seq MAXSEQ");
	s = spec(&p, MAXSEQ - 1);
	s.proc = DEMOFS_STATS;
	make(&p, &s, &m);
	want_success(&p, &m, &seen, "STATS at MAXSEQ - 1");
	ck_assert_uint_eq(seen, before + 1);
	s = spec(&p, MAXSEQ + 1);
	make(&p, &s, &m);
	want_denied(&p, &m, WIRE_CTXPROBLEM, "MAXSEQ + 1 after MAXSEQ");
	peer_close(&p);
	assert_ran(before, 1);
	ck_assert_uint_eq(p.ran, 1);
}
END_TEST

START_TEST(c7_gss_proc_unknown)
{
	static const uint32_t v[] = { 4, 5, 1024 };

	bad_field(FIELD_GSS_PROC, v, sizeof(v) / sizeof(v[0]));
}
END_TEST

START_TEST(c8_service_unknown)
{
	static const uint32_t v[] = { 0, 4, 5, 1024 };

	bad_field(FIELD_SERVICE, v, sizeof(v) / sizeof(v[0]));
}
END_TEST

/*
 * Every refusal above, from one context, interleaved with a second client
 * that goes through the library (privacy) and a third context driven raw
 * with the same seq numbers as the first: windows are per context, and
 * nobody else is disturbed.
 */
static void
lib_echo(CLIENT *cl, const char *label)
{
	demo_data in, *out;

	in.demo_data_len = (u_int)strlen(ECHO_TEXT);
	in.demo_data_val = ECHO_TEXT;
	out = demofs_echo_1(&in, cl);
	ck_assert_msg(out != NULL, "%s: %s", label, clnt_sperror(cl, "echo"));
	ck_assert_uint_eq(out->demo_data_len, strlen(ECHO_TEXT));
	ck_assert(memcmp(out->demo_data_val, ECHO_TEXT,
	    strlen(ECHO_TEXT)) == 0);
	xdr_free((xdrproc_t)xdr_demo_data, (char *)out);
}

START_TEST(other_clients_unaffected)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct peer a, c;
	struct callspec s;
	struct sent m;
	uint64_t before = calls_now(), lib = 0;
	CLIENT *b;

	peer_open(&a, 0, RPCAUTH_SVC_INTEGRITY);
	peer_open(&c, 1, RPCAUTH_SVC_INTEGRITY);
	b = e2e_secure_clnt(port, 0, RPCAUTH_SVC_PRIVACY, 0, &err);
	ck_assert_msg(b != NULL, "handshake: %s", err.msg ? err.msg : "?");

	ok_echo(&a, SEQ0, "A");
	ok_echo(&c, SEQ0, "C, same seq as A");
	drop_echo(&a, SEQ0, "A replays");
	lib_echo(b, "B after A's replay");
	lib++;
	s = spec(&a, SEQ0 + 1);
	s.version = 2;
	make(&a, &s, &m);
	want_denied(&a, &m, WIRE_AUTH_BADCRED, "A version 2");
	lib_echo(b, "B after A's bad version");
	lib++;
	s = spec(&a, SEQ0 + 1);
	s.flip_verf_bit = VERF_BIT_CKSUM;
	make(&a, &s, &m);
	want_denied(&a, &m, WIRE_CREDPROBLEM, "A bad header MIC");
	ok_echo(&c, SEQ0 + 1, "C, same seq as A's forged one");
	s = spec(&a, 0xFFFFFFFFu);
	make(&a, &s, &m);
	want_denied(&a, &m, WIRE_CTXPROBLEM, "A above MAXSEQ");
	s = spec(&a, SEQ0 + 2);
	s.body_seq = SEQ0 + 3;
	make(&a, &s, &m);
	want_garbage(&a, &m, "A body seq differs");
	lib_echo(b, "B after A's bad body");
	lib++;
	s = spec(&a, SEQ0 + 3);
	s.tamper = TAMPER_CHECKSUM;
	make(&a, &s, &m);
	want_garbage(&a, &m, "A bad checksum");
	ok_echo(&c, SEQ0 + 2, "C at the end");
	lib_echo(b, "B at the end");
	lib++;
	ok_echo(&a, SEQ0 + 4, "A itself at the end");

	e2e_secure_destroy(b);
	peer_close(&a);
	peer_close(&c);
	assert_ran(before, a.ran + c.ran + lib);
	ck_assert_uint_eq(a.ran + c.ran + lib, 2 + 3 + 4);
}
END_TEST

static Suite *
conformance_suite(void)
{
	Suite *s = suite_create("conformance");
	TCase *tc = tcase_create("rfc2203");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, c1_old_seq_tcp);
	tcase_add_test(tc, c1_old_seq_udp);
	tcase_add_test(tc, c2_body_seq_integrity);
	tcase_add_test(tc, c2_body_seq_privacy);
	tcase_add_test(tc, c3_header_mic_altered);
	tcase_add_test(tc, c3_forged_mic_keeps_window);
	tcase_add_test(tc, c4_integ_checksum_altered);
	tcase_add_test(tc, c4_integ_databody_altered);
	tcase_add_test(tc, c4_priv_token_altered);
	tcase_add_test(tc, c5_cred_version);
	tcase_add_test(tc, c6_seq_above_maxseq);
	tcase_add_test(tc, c6_maxseq_legal);
	tcase_add_test(tc, c7_gss_proc_unknown);
	tcase_add_test(tc, c8_service_unknown);
	tcase_add_test(tc, other_clients_unaffected);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return e2e_run(conformance_suite(), NULL, NULL, &bed, &server, &port);
}
