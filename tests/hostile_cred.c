/* tests/hostile_cred.c - check_hostile: the credential, the handle and the call verifier */
#include "config.h"

#include <check.h>
#include <inttypes.h>
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

/* ---- credential ------------------------------------------------------- */

/*
 * A credential body over 400 bytes (RFC 5531 MAX_AUTH_BYTES).  AUTH_BADCRED
 * is NOT achievable: libtirpc's xdr_callmsg refuses an opaque_auth longer
 * than 400 bytes while decoding the call header, before any auth handler
 * runs, and svc_vc then marks the connection dead (TCP: closed) while
 * svc_dg drops the datagram (UDP: no reply).  What rpcauth can see, a
 * credential of exactly 400 bytes, is read and judged (its 380-byte handle
 * is unknown: CREDPROBLEM).
 */
START_TEST(cred_over_400)
{
	uint8_t cred[512], h[400];
	struct peer p;
	struct wspec s;
	struct msg m;

	peer_open(&p, _i, RPCAUTH_SVC_NONE);
	ok_echo(&p, SEQ0, "before");
	memset(h, 0x5A, sizeof(h));
	s = dspec(&p, SEQ0 + 1);
	s.cred = cred;
	s.vm = VM_JUNK;
	s.cred_len = cred_body(cred, sizeof(cred), 1, RPCAUTH_GSS_DATA,
	    SEQ0 + 1, p.service, h, 380);
	ck_assert_uint_eq(s.cred_len, 400);
	spec_denied(&p, &s, WIRE_CREDPROBLEM, "400-byte credential");
	s.cred_len = cred_body(cred, sizeof(cred), 1, RPCAUTH_GSS_DATA,
	    SEQ0 + 1, p.service, h, 384);
	ck_assert_uint_eq(s.cred_len, 404);
	mk(&p, &s, &m);
	want_refused_by_libtirpc(&p.c, &m, "404-byte credential");
	msg_free(&m);
	/* Larger still: the same refusal, whatever the size. */
	s.cred_len = cred_body(cred, sizeof(cred), 1, RPCAUTH_GSS_DATA,
	    SEQ0 + 1, p.service, h, 396);
	mk(&p, &s, &m);
	if (!_i)
		peer_reconnect(&p);
	want_refused_by_libtirpc(&p.c, &m, "416-byte credential");
	msg_free(&m);
	if (!_i)
		peer_reconnect(&p);
	ok_echo(&p, SEQ0 + 1, "same context afterwards");
	peer_done(&p, 2);
}
END_TEST

/* Under 20 bytes: no room for the five fixed units. */
START_TEST(cred_under_20)
{
	static const uint8_t c16[16] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 100,
	    0, 0, 0, 2 };
	static const uint8_t c4[4] = { 0, 0, 0, 1 };
	const uint8_t *creds[] = { c16, c4, c16 };
	size_t lens[] = { sizeof(c16), sizeof(c4), 0 };

	bad_cred_bodies(_i, creds, lens, 3, "short credential");
}
END_TEST

/*
 * Credential bodies that frame their handle wrongly, two a case: make()
 * writes them into c[0] and c[1] and their lengths into len[].
 */
struct cred_framing {
	const char	*what;
	void		(*make)(uint8_t c[2][64], size_t len[2]);
};

/* A handle length that runs past the credential's end. */
static void
truncated_handle(uint8_t c[2][64], size_t len[2])
{
	uint8_t h[16];

	/* A handle whose length field says 16, only 8 bytes sent. */
	memset(h, 0x11, sizeof(h));
	len[0] = cred_body(c[0], 64, 1, 0, SEQ0, 2, h, 16) - 8;
	/* A length of 0xFFFFFFFF. */
	len[1] = cred_body(c[1], 64, 1, 0, SEQ0, 2, NULL, 0);
	memset(c[1] + 16, 0xFF, 4);
	memset(c[1] + len[1], 0, 8);
	len[1] += 8;
}

/* Bytes after the handle: the credential must be consumed exactly. */
static void
trailing_bytes(uint8_t c[2][64], size_t len[2])
{
	uint8_t h[16];

	memset(h, 0x22, sizeof(h));
	len[0] = cred_body(c[0], 64, 1, 0, SEQ0, 2, h, 16);
	memset(c[0] + len[0], 0, 4);
	len[0] += 4;
	/* A 15-byte handle whose padding byte is not zero. */
	len[1] = cred_body(c[1], 64, 1, 0, SEQ0, 2, h, 15);
	c[1][len[1] - 1] = 0x01;
}

static const struct cred_framing cred_framings[] = {
	{ "truncated handle", truncated_handle },
	{ "trailing bytes", trailing_bytes },
};

/* _i / 2 is the case, _i % 2 the transport (0 TCP, 1 UDP). */
START_TEST(cred_framing)
{
	const struct cred_framing *cf = &cred_framings[_i / 2];
	uint8_t c[2][64];
	const uint8_t *creds[2] = { c[0], c[1] };
	size_t lens[2];

	cf->make(c, lens);
	bad_cred_bodies(_i % 2, creds, lens, 2, cf->what);
}
END_TEST

/* One credential field out of range (tests/wire.h, bad_field). */
static const struct field_case bad_fields[] = {
	{ FIELD_VERSION, { 0, 2, 3, 1024 }, 4 },
	{ FIELD_GSS_PROC, { 4, 5, 7, 1024 }, 4 },
	{ FIELD_SERVICE, { 0, 4, 5, 1024 }, 4 },
};

/* _i / 2 is the case, _i % 2 the transport (0 TCP, 1 UDP). */
START_TEST(cred_field) { bad_field(_i % 2, &bad_fields[_i / 2]); } END_TEST

/* ---- handle and verifier ---------------------------------------------- */

START_TEST(handle_unknown)
{
	struct peer p;
	struct wspec s;
	uint8_t h[RPCAUTH_HANDLE_LEN + 1], rnd[RPCAUTH_HANDLE_LEN];
	size_t i;

	peer_open(&p, _i, RPCAUTH_SVC_NONE);
	for (i = 0; i < sizeof(rnd); i++)
		rnd[i] = (uint8_t)(i * 37 + 11);
	s = dspec(&p, SEQ0);
	s.handle = NULL;
	s.handle_len = 0;
	spec_denied(&p, &s, WIRE_CREDPROBLEM, "empty handle");
	s.handle = rnd;
	s.handle_len = sizeof(rnd);
	spec_denied(&p, &s, WIRE_CREDPROBLEM, "made-up handle");
	s.handle = p.cs->handle;
	s.handle_len = 8;
	spec_denied(&p, &s, WIRE_CREDPROBLEM, "first half of the handle");
	memcpy(h, p.cs->handle, RPCAUTH_HANDLE_LEN);
	h[RPCAUTH_HANDLE_LEN] = 0;
	s.handle = h;
	s.handle_len = sizeof(h);
	spec_denied(&p, &s, WIRE_CREDPROBLEM, "handle plus one byte");
	h[RPCAUTH_HANDLE_LEN - 1] ^= 0x01;
	s.handle_len = RPCAUTH_HANDLE_LEN;
	last_denied(&p, &s, WIRE_CREDPROBLEM, "handle, last bit flipped",
	    "the real handle");
}
END_TEST

/* DATA and DESTROY on a context whose handshake is not finished. */
START_TEST(handle_half_open)
{
	struct peer p;
	struct wspec s;
	struct initres ir;

	peer_open(&p, _i, RPCAUTH_SVC_NONE);
	half_open(&p.c, &ir);
	s = dspec(&p, SEQ0);
	s.handle = ir.handle;
	s.handle_len = ir.handle_len;
	s.vm = VM_JUNK;
	spec_denied(&p, &s, WIRE_CREDPROBLEM, "DATA on a half-open context");
	s.vm = VM_MIC;
	spec_denied(&p, &s, WIRE_CREDPROBLEM,
	    "DATA, MIC of another context");
	s.gss_proc = RPCAUTH_GSS_DESTROY;
	s.proc = NULLPROC;
	last_denied(&p, &s, WIRE_CREDPROBLEM,
	    "DESTROY on a half-open context", "an established context");
}
END_TEST

/*
 * NTLM needs three messages, so a NEGOTIATE leaves a half-open context on
 * a server that allows NTLM (a second demo server, --mechs with ntlm): the
 * answer is CHALLENGE and CONTINUE_NEEDED.  DATA on that handle is
 * CREDPROBLEM; a garbage AUTHENTICATE ends the handshake with an error and
 * deletes the context once; the handle is dead afterwards.  The second
 * server must then exit cleanly (sanitizer build: no memory error).
 */
START_TEST(handle_half_open_ntlm)
{
	static const char *const extra[] = { "--mechs", "krb5,spnego,ntlm",
	    NULL };
	uint8_t cred[64], junk[32], args[64], auth[96];
	struct srvproc s2;
	struct initres ir;
	struct conn c;
	struct msg m;
	size_t clen, alen;
	int saved = wire_port, st = 0;

	ck_assert_int_eq(e2e_server_start(&s2, &wire_port,
	    testbed_server_keytab(bed), extra), 0);
	conn_open(&c, _i);
	mk_init(&m, RPCAUTH_GSS_INIT, NULLPROC, NULL, 0, AUTH_NONE,
	    ntlm_negotiate, sizeof(ntlm_negotiate));
	want_init_res(&c, &m, &ir, "NTLM NEGOTIATE");
	msg_free(&m);
	ck_assert_msg(ir.major == GSS_S_CONTINUE_NEEDED, "NEGOTIATE: gss_major "
	    "%#" PRIx32 " minor %#" PRIx32, ir.major, ir.minor);
	ck_assert_uint_eq(ir.handle_len, RPCAUTH_HANDLE_LEN);
	ck_assert_uint_gt(ir.token_len, 0);
	clen = cred_body(cred, sizeof(cred), 1, RPCAUTH_GSS_DATA, SEQ0,
	    RPCAUTH_SVC_NONE, ir.handle, ir.handle_len);
	memset(junk, 0xA5, sizeof(junk));
	alen = echo_args(args, sizeof(args));
	msg_encode(&m, gxid++, DEMOFS_ECHO, cred, clen, RPCAUTH_FLAVOR, junk,
	    sizeof(junk), args, alen);
	want_denied(&c, &m, WIRE_CREDPROBLEM,
	    "DATA on a half-open NTLM context");
	msg_free(&m);
	/* An AUTHENTICATE that is nothing of the kind. */
	memcpy(auth, ntlm_negotiate, 8);
	memset(auth + 8, 0, sizeof(auth) - 8);
	auth[8] = 3;
	mk_init(&m, RPCAUTH_GSS_CONTINUE_INIT, NULLPROC, ir.handle,
	    ir.handle_len, AUTH_NONE, auth, sizeof(auth));
	want_init_refused(&c, &m, "garbage AUTHENTICATE");
	want_denied(&c, &m, WIRE_CREDPROBLEM, "the same leg again");
	msg_free(&m);
	conn_close(&c);
	ck_assert_msg(srvproc_stop_clean(&s2, 10000, &st) == 0,
	    "the NTLM server did not exit cleanly (%#x)", st);
	wire_port = saved;
	assert_ran(calls_now(), 0);
}
END_TEST

/* One bit of the header MIC: CREDPROBLEM, seq not used up, context fine. */
static const struct scenario verf_cases[] = {
	{ "verf_bit_flipped", RPCAUTH_SVC_INTEGRITY, SCENARIO_STEPS(
	{ WANT_SUCCESS, SEQ0, .label = "before" },
	{ WANT_DENIED, SEQ0 + 1, WIRE_CREDPROBLEM, VM_MIC_FLIP,
	    .label = "one bit flipped" },
	{ WANT_SUCCESS, SEQ0 + 1, .label = "same seq, correct MIC" },
	{ WANT_SUCCESS, SEQ0 + 2, .label = "next" }), 3 },
};

/* _i / 2 is the case, _i % 2 the transport (0 TCP, 1 UDP). */
START_TEST(verf_scenario) { scenario_run(_i % 2, &verf_cases[_i / 2]); } END_TEST

/*
 * Verifier of another flavor, or shorter than 4 bytes: AUTH_BADVERF.
 * Exactly 400 bytes is read (and is no MIC: CREDPROBLEM).  Over 400,
 * libtirpc refuses the header as for the credential: AUTH_BADVERF is not
 * achievable there.
 */
START_TEST(verf_bad_flavor_or_length)
{
	static const uint32_t flavors[] = { AUTH_NONE, AUTH_SYS, 6, 400460 };
	uint8_t v[404];
	struct peer p;
	struct wspec s;
	struct msg m;
	char label[64];
	size_t i;

	peer_open(&p, _i, RPCAUTH_SVC_NONE);
	memset(v, 0x77, sizeof(v));
	for (i = 0; i < sizeof(flavors) / sizeof(flavors[0]); i++) {
		s = dspec(&p, SEQ0);
		s.vm = VM_GIVEN;
		s.verf_flavor = flavors[i];
		s.verf = v;
		s.verf_len = flavors[i] == AUTH_NONE ? 0 : 32;
		snprintf(label, sizeof(label), "verifier flavor %" PRIu32,
		    flavors[i]);
		spec_denied(&p, &s, WIRE_AUTH_BADVERF, label);
	}
	s = dspec(&p, SEQ0);
	s.vm = VM_GIVEN;
	s.verf_flavor = RPCAUTH_FLAVOR;
	s.verf = v;
	s.verf_len = 0;
	spec_denied(&p, &s, WIRE_AUTH_BADVERF, "empty verifier");
	s.verf_len = 3;
	spec_denied(&p, &s, WIRE_AUTH_BADVERF, "3-byte verifier");
	s.verf_len = 400;
	spec_denied(&p, &s, WIRE_CREDPROBLEM, "400-byte verifier");
	s.verf_len = 404;
	mk(&p, &s, &m);
	want_refused_by_libtirpc(&p.c, &m, "404-byte verifier");
	msg_free(&m);
	if (!_i)
		peer_reconnect(&p);
	ok_echo(&p, SEQ0, "same seq, correct verifier");
	peer_done(&p, 1);
}
END_TEST


/* Loop tests: _i is 0 for TCP, 1 for UDP. */
void
hostile_cred_tests(Suite *s)
{
	TCase *cred = cklist_tcase(s, "credential", 120);

	CKLIST(cred, 2, cred_over_400, cred_under_20);
	tcase_add_loop_test(cred, cred_framing, 0,
	    (int)(2 * sizeof(cred_framings) / sizeof(cred_framings[0])));
	tcase_add_loop_test(cred, cred_field, 0,
	    (int)(2 * sizeof(bad_fields) / sizeof(bad_fields[0])));
}

/* Loop tests: _i is 0 for TCP, 1 for UDP. */
void
hostile_verf_tests(Suite *s)
{
	TCase *hv = cklist_tcase(s, "handle_verifier", 120);

	CKLIST(hv, 2, handle_unknown, handle_half_open, handle_half_open_ntlm);
	tcase_add_loop_test(hv, verf_scenario, 0,
	    (int)(2 * sizeof(verf_cases) / sizeof(verf_cases[0])));
	CKLIST(hv, 2, verf_bad_flavor_or_length);
}
