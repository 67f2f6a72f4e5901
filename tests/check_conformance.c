/* tests/check_conformance.c - docs/PROTOCOL.md section 8, byte by byte */
/*
 * The conformance cases an independent RPCSEC_GSS suite checks, each sent
 * as raw bytes at the real demo server (test bed KDC, server on 127.0.0.1)
 * through the raw-wire harness (tests/wire.h).  A test makes a fresh
 * context with the library client, then builds its own calls from that
 * context: credential fields as the case needs them, the header MIC made
 * with the client's GSS context (and possibly spoiled), the body protected
 * by hand (and possibly spoiled).  It asserts the exact answer on the wire
 * (a drop: no answer before the fence call behind it), and that the
 * application procedure ran exactly as often as the test's legitimate calls
 * say: DEMOFS STATS counts every procedure run but STATS itself, and is
 * read through a fresh authenticated client, which is also "the next
 * legitimate call succeeds".
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

#include "cklist.h"
#include "demofs.h"
#include "e2e.h"
#include "wire.h"

static struct testbed *bed;
static struct srvproc server;

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
	struct msg first;
	struct wspec s;
	uint32_t top = SEQ0 + 300, w;

	peer_open(&p, udp, RPCAUTH_SVC_NONE);
	w = p.cs->window;
	ck_assert_msg(w >= 2 && w < 300, "window %" PRIu32, w);
	s = dspec(&p, SEQ0);
	mk(&p, &s, &first);
	want_success(&p, &first, NULL, "first call");
	want_drop(&p.c, &first, "same bytes again");
	msg_free(&first);
	drop_echo(&p, SEQ0, "answered seq, new xid");
	ok_echo(&p, SEQ0 + 1, "next seq after the drops");
	ok_echo(&p, top, "jump forward by 300");
	drop_echo(&p, SEQ0 + 2, "unseen seq below the window");
	drop_echo(&p, top - w, "one below the window");
	ok_echo(&p, top - w + 1, "oldest slot of the window, unseen");
	drop_echo(&p, top - w + 1, "oldest slot of the window, seen");
	drop_echo(&p, top, "top of the window, seen");
	ok_echo(&p, top + 1, "the context still works");
	peer_done(&p, 5);
}

START_TEST(c1_old_seq_tcp) { old_seq(0); } END_TEST
START_TEST(c1_old_seq_udp) { old_seq(1); } END_TEST

/*
 * The cases that are one context and a list of calls (tests/wire.h,
 * struct scenario), over TCP.
 *
 * Case 2: the seq inside a protected body differs from the credential's,
 * checksum or wrap otherwise correct: GARBAGE_ARGS.  A correct body first
 * shows the hand-made protection is right.
 *
 * Case 3: one bit of the header MIC flipped (in the checksum, in SND_SEQ):
 * RPCSEC_GSS_CREDPROBLEM.  The seq of a refused call was not recorded, so
 * the same seq with a correct MIC is then served.  Window side: a call with
 * a forged MIC and a seq far ahead must not slide the window (digest
 * section 5: record only after the MIC verified), or the real client's
 * next seq would be dropped as too old.
 *
 * Case 4 (and the privacy twin): spoiled protection, GARBAGE_ARGS.
 *
 * Case 6: above MAXSEQ is RPCSEC_GSS_CTXPROBLEM, whatever the window.
 */
#define BODY_SEQ(svc_)							\
	{ "c2_body_seq_" #svc_, RPCAUTH_SVC_##svc_, SCENARIO_STEPS(	\
	{ WANT_SUCCESS, SEQ0, .label = "correct body" },		\
	{ WANT_GARBAGE, SEQ0 + 1, .body_seq = SEQ0 + 2,			\
	    .label = "body seq = credential seq + 1" },			\
	{ WANT_GARBAGE, SEQ0 + 3, .body_seq = SEQ0 + 2,			\
	    .label = "body seq = credential seq - 1" },			\
	{ WANT_SUCCESS, SEQ0 + 4, .label = "the context still works" }), 2 }
#define BODY_ALTERED(name_, svc_, tamper_, what_)			\
	{ name_, svc_, SCENARIO_STEPS(					\
	{ WANT_SUCCESS, SEQ0, .label = "correct body" },		\
	{ WANT_GARBAGE, SEQ0 + 1, .tamper = tamper_, .label = what_ },	\
	{ WANT_SUCCESS, SEQ0 + 2, .label = "the context still works" }), 2 }

static const struct scenario scenarios[] = {
	BODY_SEQ(INTEGRITY),
	BODY_SEQ(PRIVACY),
	{ "c3_header_mic_altered", RPCAUTH_SVC_NONE, SCENARIO_STEPS(
	{ WANT_SUCCESS, SEQ0, .label = "before" },
	{ WANT_DENIED, SEQ0 + 1, WIRE_CREDPROBLEM, VM_MIC_FLIP, VERF_BIT_CKSUM,
	    .label = "checksum bit flipped" },
	{ WANT_DENIED, SEQ0 + 1, WIRE_CREDPROBLEM, VM_MIC_FLIP, VERF_BIT_SNDSEQ,
	    .label = "SND_SEQ bit flipped" },
	{ WANT_SUCCESS, SEQ0 + 1, .label = "same seq, correct MIC" },
	{ WANT_SUCCESS, SEQ0 + 2, .label = "new seq" }), 3 },
	{ "c3_forged_mic_keeps_window", RPCAUTH_SVC_NONE, SCENARIO_STEPS(
	{ WANT_SUCCESS, SEQ0, .label = "before" },
	{ WANT_DENIED, SEQ0 + 100000, WIRE_CREDPROBLEM, VM_MIC_FLIP,
	    VERF_BIT_CKSUM, .label = "forged MIC, seq far ahead" },
	{ WANT_SUCCESS, SEQ0 + 1, .label = "next seq is not too old" },
	{ WANT_SUCCESS, SEQ0 + 100000,
	    .label = "the forged seq was not recorded" }), 3 },
	BODY_ALTERED("c4_integ_checksum_altered", RPCAUTH_SVC_INTEGRITY,
	    TAMPER_CHECKSUM, "checksum bit flipped"),
	BODY_ALTERED("c4_integ_databody_altered", RPCAUTH_SVC_INTEGRITY,
	    TAMPER_DATABODY, "databody bit flipped"),
	BODY_ALTERED("c4_priv_token_altered", RPCAUTH_SVC_PRIVACY,
	    TAMPER_TOKEN, "wrap token bit flipped"),
	{ "c6_seq_above_maxseq", RPCAUTH_SVC_NONE, SCENARIO_STEPS(
	{ WANT_SUCCESS, SEQ0, .label = "before" },
	{ WANT_DENIED, MAXSEQ + 1, WIRE_CTXPROBLEM, .label = "seq 0x80000001" },
	{ WANT_DENIED, 0xFFFFFFFFu, WIRE_CTXPROBLEM, .label = "seq 0xffffffff" },
	{ WANT_SUCCESS, SEQ0 + 1, .label = "the context still works" }), 2 },
};

START_TEST(scenario) { scenario_run(0, &scenarios[_i]); } END_TEST

/*
 * Cases 5, 7, 8: one credential field out of range, header MIC valid over
 * it: AUTH_BADCRED.  None of them uses up the seq: the same seq with a
 * correct credential is served afterwards.
 */
static const struct field_case bad_fields[] = {
	{ FIELD_VERSION, { 0, 2, 3, 1024 }, 4 },	/* c5_cred_version */
	{ FIELD_GSS_PROC, { 4, 5, 1024 }, 3 },		/* c7_gss_proc_unknown */
	{ FIELD_SERVICE, { 0, 4, 5, 1024 }, 4 },	/* c8_service_unknown */
};

START_TEST(cred_field) { bad_field(0, &bad_fields[_i]); } END_TEST

/*
 * Case 6: MAXSEQ itself is legal and the procedure runs once.  A raw STATS
 * at MAXSEQ - 1 (inside the window, unseen) reads the counter on the same
 * context: it moved by exactly one (STATS does not count itself).  One past
 * MAXSEQ is still CTXPROBLEM after MAXSEQ was seen.
 */
START_TEST(c6_maxseq_legal)
{
	struct peer p;
	struct wspec s;
	struct msg m;
	uint64_t before = calls_now(), seen = UINT64_MAX;

	peer_open(&p, 0, RPCAUTH_SVC_NONE);
	ok_echo(&p, MAXSEQ, "seq MAXSEQ");
	s = dspec(&p, MAXSEQ - 1);
	s.proc = DEMOFS_STATS;
	mk(&p, &s, &m);
	want_success(&p, &m, &seen, "STATS at MAXSEQ - 1");
	msg_free(&m);
	ck_assert_uint_eq(seen, before + 1);
	s = dspec(&p, MAXSEQ + 1);
	spec_denied(&p, &s, WIRE_CTXPROBLEM, "MAXSEQ + 1 after MAXSEQ");
	peer_close(&p);
	assert_ran(before, 1);
	ck_assert_uint_eq(p.ran, 1);
}
END_TEST

/*
 * Every refusal above, from one context, interleaved with a second client
 * that goes through the library (privacy) and a third context driven raw
 * with the same seq numbers as the first: windows are per context, and
 * nobody else is disturbed.
 */
START_TEST(other_clients_unaffected)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct peer a, c;
	struct wspec s;
	uint64_t before = calls_now(), lib = 0;
	CLIENT *b;

	peer_open(&a, 0, RPCAUTH_SVC_INTEGRITY);
	peer_open(&c, 1, RPCAUTH_SVC_INTEGRITY);
	b = e2e_secure_clnt(wire_port, 0, RPCAUTH_SVC_PRIVACY, 0, &err);
	ck_assert_msg(b != NULL, "handshake: %s", err.msg ? err.msg : "?");

	ok_echo(&a, SEQ0, "A");
	ok_echo(&c, SEQ0, "C, same seq as A");
	drop_echo(&a, SEQ0, "A replays");
	lib_echo_on(b, "B after A's replay");
	lib++;
	s = dspec(&a, SEQ0 + 1);
	s.version = 2;
	spec_denied(&a, &s, WIRE_AUTH_BADCRED, "A version 2");
	lib_echo_on(b, "B after A's bad version");
	lib++;
	s = dspec(&a, SEQ0 + 1);
	s.vm = VM_MIC_FLIP;
	s.flip_bit = VERF_BIT_CKSUM;
	spec_denied(&a, &s, WIRE_CREDPROBLEM, "A bad header MIC");
	ok_echo(&c, SEQ0 + 1, "C, same seq as A's forged one");
	s = dspec(&a, 0xFFFFFFFFu);
	spec_denied(&a, &s, WIRE_CTXPROBLEM, "A above MAXSEQ");
	s = dspec(&a, SEQ0 + 2);
	s.body_seq = SEQ0 + 3;
	spec_garbage(&a, &s, "A body seq differs");
	lib_echo_on(b, "B after A's bad body");
	lib++;
	s = dspec(&a, SEQ0 + 3);
	s.tamper = TAMPER_CHECKSUM;
	spec_garbage(&a, &s, "A bad checksum");
	ok_echo(&c, SEQ0 + 2, "C at the end");
	lib_echo_on(b, "B at the end");
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

	TCase *tc = cklist_tcase(s, "rfc2203", 60);

	CKLIST(tc, 1, c1_old_seq_tcp, c1_old_seq_udp);
	tcase_add_loop_test(tc, scenario, 0,
	    (int)(sizeof(scenarios) / sizeof(scenarios[0])));
	tcase_add_loop_test(tc, cred_field, 0,
	    (int)(sizeof(bad_fields) / sizeof(bad_fields[0])));
	CKLIST(tc, 1, c6_maxseq_legal, other_clients_unaffected);
	return s;
}

int
main(void)
{
	return e2e_run(conformance_suite(), NULL, NULL, &bed, &server,
	    &wire_port);
}
