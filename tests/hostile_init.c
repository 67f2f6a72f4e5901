/* tests/hostile_init.c - check_hostile: INIT, CONTINUE_INIT and their tokens */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>

#include "cred_xdr.h"
#include "hdrmic.h"
#include "xdrbuf.h"
#include "demofs.h"
#include "e2e.h"
#include "gssname.h"
#include "hostile.h"

/*
 * `len` bytes that look like a Kerberos token from outside (RFC 2743 3.1
 * framing, the krb5 OID, the AP-REQ token id) and are garbage inside: the
 * server lets them through to gss_accept_sec_context, which must fail.
 */
static void
krb5_garbage(uint8_t *buf, size_t len, uint8_t fill)
{
	static const uint8_t oid[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
	    0xf7, 0x12, 0x01, 0x02, 0x02, 0x01, 0x00 };
	size_t hdr, body, i;

	ck_assert(len >= 5 + sizeof(oid) && len < (1u << 24));
	hdr = len - 2 < 0x80 ? 2 : len - 3 < 0x100 ? 3 : len - 4 < 0x10000 ?
	    4 : 5;
	body = len - hdr;
	buf[0] = 0x60;
	if (hdr == 2)
		buf[1] = (uint8_t)body;
	else {
		buf[1] = (uint8_t)(0x80 | (hdr - 2));
		for (i = 0; i < hdr - 2; i++)
			buf[hdr - 1 - i] = (uint8_t)(body >> (8 * i));
	}
	memcpy(buf + hdr, oid, sizeof(oid));
	for (i = hdr + sizeof(oid); i < len; i++)
		buf[i] = (uint8_t)(fill + i * 29);
}

/* A fresh Kerberos AP-REQ from alice's ccache for `target` (service@host). */
static void
ap_req(const char *target, gss_buffer_t tok)
{
	gss_name_t name;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	OM_uint32 maj, min;

	ck_assert(!GSS_ERROR(hostbased_name(target, &name)));
	maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &ctx, name,
	    (gss_OID)gss_mech_krb5, GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG |
	    GSS_C_CONF_FLAG, 0, GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER,
	    NULL, tok, NULL, NULL);
	ck_assert_msg(maj == GSS_S_CONTINUE_NEEDED && tok->length > 0,
	    "gss_init_sec_context for %s: %#x/%#x", target, (unsigned)maj,
	    (unsigned)min);
	(void)gss_delete_sec_context(&min, &ctx, GSS_C_NO_BUFFER);
	(void)gss_release_name(&min, &name);
}

/* ---- control messages ---------------------------------------------------- */

/* INIT must carry an empty handle and an AUTH_NONE verifier. */
START_TEST(init_malformed_cred_or_verf)
{
	static const uint8_t tok[8] = { 0x60, 1, 2, 3, 4, 5, 6, 7 };
	struct peer p;
	struct initres ir;

	peer_open(&p, _i, RPCAUTH_SVC_NONE);
	init_denied(&p.c, RPCAUTH_GSS_INIT, NULLPROC, p.cs->handle,
	    p.cs->handle_len, AUTH_NONE, tok, sizeof(tok), WIRE_AUTH_BADCRED,
	    "INIT with a handle");
	init_denied(&p.c, RPCAUTH_GSS_INIT, NULLPROC, NULL, 0, RPCAUTH_FLAVOR,
	    tok, sizeof(tok), WIRE_AUTH_BADVERF, "INIT, verifier ours");
	init_denied(&p.c, RPCAUTH_GSS_INIT, NULLPROC, NULL, 0, AUTH_SYS, tok,
	    sizeof(tok), WIRE_AUTH_BADVERF, "INIT, verifier AUTH_SYS");
	half_open(&p.c, &ir);
	init_denied(&p.c, RPCAUTH_GSS_CONTINUE_INIT, NULLPROC, ir.handle,
	    ir.handle_len, RPCAUTH_FLAVOR, tok, sizeof(tok), WIRE_AUTH_BADVERF,
	    "CONTINUE_INIT, verifier ours");
	ok_echo(&p, SEQ0, "the context still works");
	peer_done(&p, 1);
}
END_TEST

/* Control messages go to procedure 0 only (RFC 2203 5.2, 5.4). */
START_TEST(control_proc_not_zero)
{
	static const uint8_t tok[8] = { 0x60, 1, 2, 3, 4, 5, 6, 7 };
	struct peer p;
	struct wspec s;
	struct initres ir;

	peer_open(&p, _i, RPCAUTH_SVC_NONE);
	init_denied(&p.c, RPCAUTH_GSS_INIT, DEMOFS_ECHO, NULL, 0, AUTH_NONE,
	    tok, sizeof(tok), WIRE_AUTH_BADCRED, "INIT to ECHO");
	half_open(&p.c, &ir);
	init_denied(&p.c, RPCAUTH_GSS_CONTINUE_INIT, DEMOFS_STATS, ir.handle,
	    ir.handle_len, AUTH_NONE, tok, sizeof(tok), WIRE_AUTH_BADCRED,
	    "CONTINUE_INIT to STATS");
	s = dspec(&p, SEQ0);
	s.gss_proc = RPCAUTH_GSS_DESTROY;
	last_denied(&p, &s, WIRE_AUTH_BADCRED, "DESTROY to ECHO",
	    "not destroyed, seq not used up");
}
END_TEST

/*
 * INIT tokens that are no token: a GSS error in the result, no handle.
 * "No context kept" shows as the empty handle, and as CREDPROBLEM for a
 * CONTINUE_INIT with any handle (check_flood.c shows the memory side).
 */
START_TEST(init_bad_tokens)
{
	uint8_t rnd[200], kg[300], sg[64], one = 0x60, h[RPCAUTH_HANDLE_LEN];
	struct conn c;
	uint64_t before = calls_now();
	size_t i;

	conn_open(&c, _i);
	for (i = 0; i < sizeof(rnd); i++)
		rnd[i] = (uint8_t)(i * 131 + 7);
	krb5_garbage(kg, sizeof(kg), 0x11);
	/* SPNEGO framing, then a NegTokenInit that is garbage. */
	memcpy(sg, spnego_offer_krb5, 10);
	sg[1] = sizeof(sg) - 2;
	memset(sg + 10, 0xEE, sizeof(sg) - 10);
	init_refused(&c, NULL, 0, "empty token");
	init_refused(&c, &one, 1, "1-byte token");
	init_refused(&c, rnd, sizeof(rnd), "random token");
	init_refused(&c, kg, sizeof(kg), "Kerberos framing, garbage inside");
	init_refused(&c, sg, sizeof(sg), "SPNEGO framing, garbage inside");
	/* The demo server allows krb5 and SPNEGO only, by default. */
	init_refused(&c, ntlm_negotiate, sizeof(ntlm_negotiate),
	    "NTLM, not allowed");
	memset(h, 0, sizeof(h));
	init_denied(&c, RPCAUTH_GSS_CONTINUE_INIT, NULLPROC, h, sizeof(h),
	    AUTH_NONE, rnd, sizeof(rnd), WIRE_CREDPROBLEM,
	    "CONTINUE_INIT, any handle");
	conn_close(&c);
	assert_ran(before, 0);
}
END_TEST

/*
 * A garbage second leg ends the handshake: an error result, and the
 * half-open context is deleted (exactly once: the sanitizer build of the
 * server would abort on a double free).  The handle is dead afterwards.
 */
START_TEST(continue_garbage)
{
	uint8_t junk[64];
	struct peer p;
	struct wspec s;
	struct msg m;
	struct initres ir;

	peer_open(&p, _i, RPCAUTH_SVC_NONE);
	memset(junk, 0xC3, sizeof(junk));
	half_open(&p.c, &ir);
	mk_init(&m, RPCAUTH_GSS_CONTINUE_INIT, NULLPROC, ir.handle,
	    ir.handle_len, AUTH_NONE, junk, sizeof(junk));
	want_init_refused(&p.c, &m, "garbage second leg");
	want_denied(&p.c, &m, WIRE_CREDPROBLEM, "the same leg again");
	msg_free(&m);
	s = dspec(&p, SEQ0);
	s.handle = ir.handle;
	s.handle_len = ir.handle_len;
	s.vm = VM_JUNK;
	last_denied(&p, &s, WIRE_CREDPROBLEM, "DATA on the deleted context",
	    "the established context");
}
END_TEST

/* CONTINUE_INIT naming an established context: refused, context intact. */
START_TEST(continue_on_established)
{
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	struct peer p;
	OM_uint32 min;

	peer_open(&p, _i, RPCAUTH_SVC_INTEGRITY);
	ok_echo(&p, SEQ0, "before");
	/* Even a real Kerberos token must not reach its GSS context. */
	ap_req("demo@localhost", &tok);
	init_denied(&p.c, RPCAUTH_GSS_CONTINUE_INIT, NULLPROC, p.cs->handle,
	    p.cs->handle_len, AUTH_NONE, tok.value, tok.length,
	    WIRE_CREDPROBLEM, "CONTINUE_INIT on an established context");
	(void)gss_release_buffer(&min, &tok);
	ok_echo(&p, SEQ0 + 1, "the context still works");
	drop_echo(&p, SEQ0, "and its window is as it was");
	peer_done(&p, 2);
}
END_TEST

/*
 * An INIT of a fresh AP-REQ for `target` on its own connection, refused
 * with `label`; if first_use, the same token was accepted (COMPLETE, a
 * handle) just before.  No procedure runs.
 */
static void
ap_req_refused(int udp, const char *target, int first_use, const char *label)
{
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	struct conn c;
	struct msg m;
	struct initres ir;
	OM_uint32 min;
	uint64_t before = calls_now();

	conn_open(&c, udp);
	ap_req(target, &tok);
	if (first_use) {
		mk_init(&m, RPCAUTH_GSS_INIT, NULLPROC, NULL, 0, AUTH_NONE,
		    tok.value, tok.length);
		want_init_res(&c, &m, &ir, "first use of the AP-REQ");
		ck_assert_msg(ir.major == GSS_S_COMPLETE, "first use: %#"
		    PRIx32, ir.major);
		ck_assert_uint_eq(ir.handle_len, RPCAUTH_HANDLE_LEN);
		msg_free(&m);
	}
	init_refused(&c, tok.value, tok.length, label);
	(void)gss_release_buffer(&min, &tok);
	conn_close(&c);
	assert_ran(before, 0);
}

/*
 * A captured AP-REQ sent again: MIT's replay cache refuses it.  Same bytes,
 * new xid: the token is the replay, not the RPC.
 */
START_TEST(init_replayed_ap_req)
{
	ap_req_refused(_i, "demo@localhost", 1, "the same AP-REQ again");
}
END_TEST

/*
 * A valid ticket for another service whose key is in the server's keytab
 * too (other/localhost): the acceptor is demo@localhost only.
 */
START_TEST(init_other_service_ticket)
{
	ap_req_refused(_i, "other@localhost", 0, "ticket for other/localhost");
}
END_TEST

/* ---- INIT token sizes ------------------------------------------------- */

/*
 * TCP: a 64 KiB token (the cap) is read and judged by GSS (an error
 * result, not GARBAGE_ARGS); one byte more is GARBAGE_ARGS.  Both
 * transports: a length field of 0x7FFFFFF0 with 16 bytes behind it is
 * GARBAGE_ARGS at once, with nothing of that size allocated.
 */
START_TEST(init_token_sizes)
{
	uint8_t *big, body[24], cred[64];
	struct conn c;
	struct msg m;
	long peak = server_kb("VmPeak");
	long long t0;
	size_t clen;
	uint64_t before = calls_now();

	conn_open(&c, _i);
	ck_assert((big = malloc(MAX_TOKEN + 1)) != NULL);
	if (!_i) {
		/* Framed as Kerberos, so that GSS, not a filter, judges it. */
		krb5_garbage(big, MAX_TOKEN, 0x42);
		init_refused(&c, big, MAX_TOKEN, "64 KiB token");
		krb5_garbage(big, MAX_TOKEN + 1, 0x42);
		mk_init(&m, RPCAUTH_GSS_INIT, NULLPROC, NULL, 0, AUTH_NONE,
		    big, MAX_TOKEN + 1);
		want_accepted_status(&c, &m, WIRE_GARBAGE_ARGS,
		    "64 KiB + 1 token");
		msg_free(&m);
	} else {
		/* The largest token a 64 KiB datagram holds is judged too. */
		krb5_garbage(big, 60000, 0x42);
		init_refused(&c, big, 60000, "60000-byte token");
	}
	free(big);
	clen = cred_body(cred, sizeof(cred), 1, RPCAUTH_GSS_INIT, 0, 2, NULL,
	    0);
	memset(body, 0x42, sizeof(body));
	body[0] = 0x7F;
	body[1] = 0xFF;
	body[2] = 0xFF;
	body[3] = 0xF0;
	msg_encode(&m, gxid++, NULLPROC, cred, clen, AUTH_NONE, NULL, 0, body,
	    sizeof(body) - 4);
	t0 = srvproc_now_ms();
	want_accepted_status(&c, &m, WIRE_GARBAGE_ARGS, "0x7FFFFFF0 claimed");
	ck_assert_msg(srvproc_now_ms() - t0 < 3000, "the claim took %lld ms",
	    srvproc_now_ms() - t0);
	msg_free(&m);
	assert_no_big_alloc(peak, "0x7FFFFFF0 claimed");
	conn_close(&c);
	assert_ran(before, 0);
}
END_TEST


/* Loop tests: _i is 0 for TCP, 1 for UDP. */
void
hostile_init_tests(Suite *s)
{
	CKLIST(cklist_tcase(s, "control", 120), 2, init_malformed_cred_or_verf,
	    control_proc_not_zero, init_bad_tokens, continue_garbage,
	    continue_on_established, init_replayed_ap_req,
	    init_other_service_ticket, init_token_sizes);
}
