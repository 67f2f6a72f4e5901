/* tests/hostile_seq.c - check_hostile: sequence numbers and DESTROY */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>

#include "cred_xdr.h"
#include "hdrmic.h"
#include "xdrbuf.h"
#include "demofs.h"
#include "e2e.h"
#include "hostile.h"

/* ---- sequence numbers ---------------------------------------------------- */

/* Below the window, or seen inside it: dropped, context unharmed. */
START_TEST(seq_old_dropped)
{
	struct peer p;
	uint32_t top = SEQ0 + 500, w;

	peer_open(&p, _i, RPCAUTH_SVC_NONE);
	w = p.cs->window;
	ck_assert_msg(w >= 2 && w < 400, "window %" PRIu32, w);
	ok_echo(&p, SEQ0, "first");
	ok_echo(&p, top, "jump");
	drop_echo(&p, top, "seen, top of the window");
	drop_echo(&p, top - w, "one below the window, never seen");
	drop_echo(&p, SEQ0, "seen long ago, far below");
	ok_echo(&p, top - w + 1, "oldest slot, unseen");
	drop_echo(&p, top - w + 1, "oldest slot, seen");
	ok_echo(&p, top + 1, "the context still works");
	peer_done(&p, 4);
}
END_TEST

/*
 * The cases that are one context and a list of calls (tests/wire.h,
 * struct scenario), each over TCP and UDP.
 *
 * MAXSEQ is legal on a fresh context; anything above is CTXPROBLEM.
 *
 * A call the window will drop is dropped before its MIC is looked at: junk
 * in the verifier of a seen or too old seq gets no reply, not CREDPROBLEM.
 * The same junk on a fresh seq, and on an unseen seq inside the window,
 * is CREDPROBLEM: the MIC would have been refused had it been checked.
 *
 * Seq 0 is a legal first number; order inside the window is free.
 */
#define TOP	(SEQ0 + 300)

static const struct scenario seq_cases[] = {
	{ "seq_maxseq", RPCAUTH_SVC_INTEGRITY, SCENARIO_STEPS(
	{ WANT_SUCCESS, MAXSEQ, .label = "MAXSEQ first" },
	{ WANT_DENIED, MAXSEQ + 1, WIRE_CTXPROBLEM, .label = "0x80000001" },
	{ WANT_DENIED, 0xFFFFFFFFu, WIRE_CTXPROBLEM, .label = "0xFFFFFFFF" },
	{ WANT_SUCCESS, MAXSEQ - 1, .label = "inside the window below MAXSEQ" },
	{ WANT_DROP, MAXSEQ, .label = "MAXSEQ again" }), 2 },
	{ "seq_drop_before_mic", RPCAUTH_SVC_INTEGRITY, SCENARIO_STEPS(
	{ WANT_SUCCESS, SEQ0, .label = "first" },
	{ WANT_SUCCESS, TOP, .label = "jump" },
	{ WANT_DROP, TOP, .vm = VM_JUNK, .label = "junk MIC, seen seq" },
	{ WANT_DROP, SEQ0, .vm = VM_JUNK, .label = "junk MIC, below the window" },
	{ WANT_DROP, TOP, .vm = VM_MIC_FLIP, .label = "altered MIC, seen seq" },
	{ WANT_DENIED, TOP + 1, WIRE_CREDPROBLEM, VM_JUNK,
	    .label = "junk MIC, fresh seq" },
	{ WANT_DENIED, TOP - 1, WIRE_CREDPROBLEM, VM_JUNK,
	    .label = "junk MIC, unseen in window" },
	{ WANT_SUCCESS, TOP + 1, .label = "fresh seq, good MIC" },
	{ WANT_SUCCESS, TOP - 1, .label = "unseen in window, good MIC" }), 4 },
	{ "seq_zero_and_out_of_order", RPCAUTH_SVC_PRIVACY, SCENARIO_STEPS(
	{ WANT_SUCCESS, 0, .label = "seq 0" },
	{ WANT_SUCCESS, 10, .label = "seq 10" },
	{ WANT_SUCCESS, 5, .label = "seq 5" },
	{ WANT_SUCCESS, 3, .label = "seq 3" },
	{ WANT_SUCCESS, 9, .label = "seq 9" },
	{ WANT_SUCCESS, 1, .label = "seq 1" },
	{ WANT_SUCCESS, 2, .label = "seq 2" },
	{ WANT_DROP, 5, .label = "5 again" },
	{ WANT_DROP, 0, .label = "0 again" },
	{ WANT_SUCCESS, 11, .label = "next" }), 8 },
};

/* _i / 2 is the case, _i % 2 the transport (0 TCP, 1 UDP). */
START_TEST(seq_scenario) { scenario_run(_i % 2, &seq_cases[_i / 2]); } END_TEST

/*
 * A forged call far ahead (last + 1,000,000, bad MIC) is CREDPROBLEM and
 * leaves the window where it was.  If it had moved the window to
 * last + 1,000,000: last + 1 would be dropped as too old, and so would
 * last + 1,000,000 - 200 (the window is 128); and last + 1,000,000 itself
 * would be dropped as seen.  All three are served.  Then good MICs do move
 * the window: last + 2 is now too old.  last is SEQ0.
 */
#define FAR	(SEQ0 + 1000000)

START_TEST(seq_forged_far_ahead)
{
	static const struct step steps[] = {
		{ WANT_SUCCESS, SEQ0, .label = "last" },
		{ WANT_DENIED, FAR, WIRE_CREDPROBLEM, VM_MIC_FLIP,
		    .label = "forged, last + 1000000" },
		{ WANT_DENIED, FAR, WIRE_CREDPROBLEM, VM_JUNK,
		    .label = "junk, last + 1000000" },
		{ WANT_SUCCESS, SEQ0 + 1, .label = "last + 1" },
		{ WANT_SUCCESS, FAR - 200, .label = "last + 1000000 - 200" },
		{ WANT_SUCCESS, FAR, .label = "last + 1000000, good MIC" },
		{ WANT_DROP, FAR - 200, .label = "last + 1000000 - 200 again" },
		{ WANT_DROP, SEQ0 + 2, .label = "last + 2, now below the window" },
	};
	struct peer p;

	peer_open(&p, _i, RPCAUTH_SVC_INTEGRITY);
	ck_assert_uint_lt(p.cs->window, 200);
	steps_run(&p, steps, sizeof(steps) / sizeof(steps[0]));
	peer_done(&p, 4);
}
END_TEST

/* ---- DESTROY ------------------------------------------------------------- */

/* DESTROY answered, verifier MIC(seq). */
static void
destroy_ok(struct peer *p, uint32_t seq, const char *label)
{
	struct wspec s = dspec_destroy(p, seq);
	struct raw_reply rep;
	struct msg m;

	mk(p, &s, &m);
	get_reply(&p->c, &m, &rep, label);
	ck_assert_msg(rep.kind == RAW_ACCEPTED &&
	    rep.accept_stat == WIRE_SUCCESS,
	    "%s: got kind %d accept %" PRIu32 " auth %" PRIu32, label, rep.kind,
	    rep.accept_stat, rep.auth_stat);
	check_reply_verf(p, &rep, seq, label);
	raw_reply_free(&rep);
	msg_free(&m);
	p->gone = 1;
}

/* DESTROY with a bad MIC: CREDPROBLEM, and the context survives. */
static const struct scenario destroy_cases[] = {
	{ "destroy_bad_mic", RPCAUTH_SVC_INTEGRITY, SCENARIO_STEPS(
	{ WANT_SUCCESS, SEQ0, .label = "before" },
	{ WANT_DENIED, SEQ0 + 1, WIRE_CREDPROBLEM, VM_MIC_FLIP, .destroy = 1,
	    .label = "DESTROY, altered MIC" },
	{ WANT_DENIED, SEQ0 + 1, WIRE_CREDPROBLEM, VM_JUNK, .destroy = 1,
	    .label = "DESTROY, junk MIC" },
	{ WANT_SUCCESS, SEQ0 + 1, .label = "the context survived" }), 2 },
};

START_TEST(destroy_scenario)
{
	scenario_run(_i % 2, &destroy_cases[_i / 2]);
}
END_TEST

/* DESTROY twice: the second one, and any DATA after, CREDPROBLEM. */
START_TEST(destroy_twice)
{
	struct peer p;
	struct wspec s;

	peer_open(&p, _i, RPCAUTH_SVC_INTEGRITY);
	ok_echo(&p, SEQ0, "before");
	destroy_ok(&p, SEQ0 + 1, "first DESTROY");
	s = dspec_destroy(&p, SEQ0 + 2);
	spec_denied(&p, &s, WIRE_CREDPROBLEM, "second DESTROY");
	s = dspec(&p, SEQ0 + 3);
	spec_denied(&p, &s, WIRE_CREDPROBLEM, "DATA after DESTROY");
	peer_done(&p, 1);
}
END_TEST

/*
 * DESTROY while another thread keeps sending DATA on the same context over
 * UDP: every DATA call is answered SUCCESS until the DESTROY took effect,
 * CREDPROBLEM from then on, never anything else; the procedure ran once
 * per SUCCESS; and the server (sanitizer build: no use-after-free) lives.
 */
struct race {
	struct peer	*p;
	pthread_mutex_t	 lock;
	uint32_t	 xid;
	int		 ok, refused, other, after_refused_ok;
	int		 stop;
	char		 why[160];
};

static void *
race_data(void *arg)
{
	struct race *r = arg;
	uint8_t args[64], body[4096], cred[128], hdr[HDRMIC_MAX_LEN];
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	struct secctx_status sst;
	struct hdrmic_call hc;
	struct raw_reply rep;
	struct conn c;
	struct msg m;
	OM_uint32 min;
	size_t alen, blen, clen;
	uint32_t seq;
	int hlen, n, done = 0;

	/* Check's assertions belong to the main thread: count instead. */
	c.udp = 1;
	c.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	{
		struct sockaddr_in sin;

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)wire_port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (c.fd < 0 || connect(c.fd, (struct sockaddr *)&sin,
		    sizeof(sin)) != 0)
			return NULL;
	}
	alen = echo_args(args, sizeof(args));
	for (n = 0; n < 2000 && !done; n++) {
		seq = SEQ0 + 1 + (uint32_t)n;
		clen = cred_body(cred, sizeof(cred), 1, RPCAUTH_GSS_DATA, seq,
		    r->p->service, r->p->cs->handle, r->p->cs->handle_len);
		hc = (struct hdrmic_call){ r->xid + (uint32_t)n, DEMOFS_PROG,
		    DEMOFS_V1, DEMOFS_ECHO, RPCAUTH_FLAVOR, cred, clen };
		hlen = hdrmic_build(&hc, hdr, sizeof(hdr));
		if (hlen < 0 || secctx_get_mic(&r->p->cs->sc, hdr,
		    (size_t)hlen, &tok, &sst) != 0)
			break;
		blen = protect_args(r->p, r->p->service, seq, args, alen, 1,
		    0, 0, body, sizeof(body));
		msg_encode(&m, hc.xid, DEMOFS_ECHO, cred, clen, RPCAUTH_FLAVOR,
		    tok.value, tok.length, body, blen);
		(void)gss_release_buffer(&min, &tok);
		if (send(c.fd, m.buf, m.len, 0) != (ssize_t)m.len ||
		    wire_recv(&c, WAIT_MS, &rep) != WIRE_GOT) {
			msg_free(&m);
			pthread_mutex_lock(&r->lock);
			snprintf(r->why, sizeof(r->why), "call %d: no reply",
			    n);
			r->other++;
			pthread_mutex_unlock(&r->lock);
			break;
		}
		msg_free(&m);
		pthread_mutex_lock(&r->lock);
		if (rep.xid != hc.xid)
			r->other++;
		else if (rep.kind == RAW_ACCEPTED &&
		    rep.accept_stat == WIRE_SUCCESS) {
			r->ok++;
			if (r->refused > 0)
				r->after_refused_ok++;
		} else if (rep.kind == RAW_AUTH_ERROR &&
		    rep.auth_stat == WIRE_CREDPROBLEM)
			r->refused++;
		else {
			r->other++;
			snprintf(r->why, sizeof(r->why), "call %d: kind %d "
			    "accept %u auth %u", n, rep.kind,
			    rep.accept_stat, rep.auth_stat);
		}
		/* A few calls after the DESTROY show it took, then stop. */
		done = r->refused >= 5 || r->other > 0;
		pthread_mutex_unlock(&r->lock);
		raw_reply_free(&rep);
	}
	close(c.fd);
	return NULL;
}

START_TEST(destroy_races_data)
{
	struct race r;
	struct peer p;
	pthread_t t;
	uint64_t before = calls_now();
	int started = 0, i;

	peer_open(&p, 0, RPCAUTH_SVC_INTEGRITY);
	memset(&r, 0, sizeof(r));
	r.p = &p;
	r.xid = 0x300000;
	pthread_mutex_init(&r.lock, NULL);
	ck_assert_int_eq(pthread_create(&t, NULL, race_data, &r), 0);
	/* DESTROY once the data thread is well under way. */
	for (i = 0; i < 20000 && !started; i++) {
		pthread_mutex_lock(&r.lock);
		started = r.ok >= 30 || r.other > 0;
		pthread_mutex_unlock(&r.lock);
		if (!started)
			usleep(1000);
	}
	ck_assert_msg(started, "the data thread did not get going");
	destroy_ok(&p, SEQ0 + 100000, "DESTROY during DATA");
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_msg(r.other == 0, "unexpected answer: %s", r.why);
	ck_assert_msg(r.refused >= 5, "DATA after DESTROY: %d refused",
	    r.refused);
	ck_assert_msg(r.after_refused_ok == 0, "%d calls served after a "
	    "refusal: the context came back", r.after_refused_ok);
	pthread_mutex_destroy(&r.lock);
	lib_echo("a library client afterwards");
	p.ran = (uint64_t)r.ok + 1;
	peer_close(&p);
	assert_ran(before, p.ran);
}
END_TEST


/* Loop tests: _i is 0 for TCP, 1 for UDP. */
void
hostile_seq_tests(Suite *s)
{
	TCase *seq = cklist_tcase(s, "sequence", 120);

	tcase_add_loop_test(seq, seq_scenario, 0,
	    (int)(2 * sizeof(seq_cases) / sizeof(seq_cases[0])));
	CKLIST(seq, 2, seq_old_dropped, seq_forged_far_ahead);
}

/* Loop tests: _i is 0 for TCP, 1 for UDP. */
void
hostile_destroy_tests(Suite *s)
{
	TCase *des = cklist_tcase(s, "destroy", 120);

	tcase_add_loop_test(des, destroy_scenario, 0,
	    (int)(2 * sizeof(destroy_cases) / sizeof(destroy_cases[0])));
	CKLIST(des, 2, destroy_twice);
	tcase_add_test(des, destroy_races_data);
}
