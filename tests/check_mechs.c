/* tests/check_mechs.c - Kerberos, SPNEGO and NTLM end to end; mechanism policy */
/*
 * One test bed with an NTLM user file (RPCAUTH:alice) and one demo server
 * that allows krb5, spnego and ntlm.  Refusals run against servers that
 * allow less.  Handshakes that the library's client cannot be made to do
 * (half-open NTLM contexts, SPNEGO offering chosen mechanisms) are done by
 * hand: gss_init_sec_context and raw RPC messages (rawhand.h).
 *
 * SPNEGO is reported as "spnego" in WHOAMI (the mechanism the client
 * spoke); rpcauth_caller.inner_mech has what it negotiated.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include "body_xdr.h"
#include "cred_xdr.h"
#include "demofs.h"
#include "e2e.h"
#include "hdrmic.h"
#include "mech.h"
#include "rawhand.h"
#include "rawrpc.h"
#include "cklist.h"
#include "clnt_internal.h"
#include "xdrbuf.h"

static struct testbed *bed;
static struct srvproc server;		/* --mechs krb5,spnego,ntlm */
static int port;

/* ---- helpers ------------------------------------------------------------ */

static CLIENT *
mech_clnt(int p, int udp, const char *mech, enum rpcauth_service svc,
    struct rpcauth_err *err)
{
	struct rpcauth_client_opts o;
	CLIENT *cl = e2e_clnt(p, udp);

	ck_assert_ptr_nonnull(cl);
	rpcauth_client_opts_init(&o);
	o.mech = mech;
	o.service = svc;
	/* These tests are about the server's policy: the client may fall
	 * back to NTLM inside SPNEGO, so that what is refused is refused by
	 * the server.  The client's own opt-in: check_renewbound. */
	o.allow_ntlm = 1;
	return e2e_auth(cl, "demo@localhost", &o, err);
}

/* ---- every mechanism, transport and service ----------------------------- */

struct combo {
	const char	*mech;		/* client's opts.mech */
	int		 spnego_ntlm;	/* no krb5 creds: NTLM inside SPNEGO */
	const char	*principal;	/* WHOAMI must say */
};
static const struct combo combos[] = {
	{ "krb5", 0, "alice@" TESTBED_REALM },
	{ "spnego", 0, "alice@" TESTBED_REALM },
	{ "ntlm", 0, "RPCAUTH\\alice" },
	{ "spnego", 1, "RPCAUTH\\alice" },
};
#define NCOMBOS	(sizeof(combos) / sizeof(combos[0]))

/* _i = combo * 6 + udp * 3 + (service - 1) */
START_TEST(roundtrip)
{
	const struct combo *m = &combos[_i / 6];
	int udp = (_i / 3) % 2;
	enum rpcauth_service svc = (enum rpcauth_service)(_i % 3 + 1);
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_auth_info info;
	demo_whoami *w;
	char label[96];
	CLIENT *cl;
	int k;

	snprintf(label, sizeof(label), "%s%s/%s/service %d", m->mech,
	    m->spnego_ntlm ? "(ntlm)" : "", udp ? "udp" : "tcp", (int)svc);
	if (m->spnego_ntlm)
		e2e_no_krb5_creds(bed);	/* SPNEGO can offer only NTLM */
	cl = mech_clnt(port, udp, m->mech, svc, &err);
	ck_assert_msg(cl != NULL, "%s: handshake: %s", label,
	    err.msg ? err.msg : "?");
	ck_assert_int_eq(rpcauth_auth_info(cl->cl_auth, &info), 0);
	/* Kerberos proves the server; NTLM only that it holds the session
	 * key (MIC(seq_window)), which is not mutual authentication. */
	ck_assert_int_eq(info.mutual,
	    strcmp(m->principal, "RPCAUTH\\alice") != 0);
	/* Several calls: NTLM's sequence must stay in step both ways. */
	for (k = 0; k < 2; k++) {
		ck_assert_msg(demofs_null_1(NULL, cl) != NULL, "%s: null: %s",
		    label, clnt_sperror(cl, "null"));
		e2e_echo_check(cl, 0, label);
		e2e_echo_check(cl, 3000, label);
		w = demofs_whoami_1(NULL, cl);
		ck_assert_msg(w != NULL, "%s: whoami: %s", label,
		    clnt_sperror(cl, "whoami"));
		ck_assert_str_eq(w->principal, m->principal);
		ck_assert_str_eq(w->mech, m->mech);
		ck_assert_uint_eq(w->service, (unsigned)svc);
		ck_assert_uint_eq(w->uid, RPCAUTH_NOBODY);
		xdr_free((xdrproc_t)xdr_demo_whoami, (char *)w);
	}
	e2e_secure_destroy(cl);
}
END_TEST

/* ---- handshakes by hand ------------------------------------------------- */

/* A handshake by hand with the demo server on port p (TCP). */
static void
hand_open(struct rawhand *h, int p)
{
	int fd = raw_tcp_connect(p);

	ck_assert_int_ge(fd, 0);
	rawhand_open(h, fd, p, DEMOFS_PROG, DEMOFS_V1, 0x7700);
}

/* When set, hand_run() passes the client's first token through it. */
static void (*hand_tamper)(gss_buffer_t first);

/*
 * Run init_sec_context legs against the server until either side stops.
 * Returns the server's last major status; *actual the client's mechanism.
 * With stop_after > 0, returns after that many server replies.
 */
static uint32_t
hand_run(struct rawhand *h, gss_cred_id_t cred, gss_OID mech,
    int stop_after, gss_OID *actual, struct raw_reply *last)
{
	gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
	struct rpcauth_init_res res;
	OM_uint32 maj, min;
	uint32_t smaj = GSS_S_CONTINUE_NEEDED;
	int rounds;

	memset(last, 0, sizeof(*last));
	for (rounds = 0; rounds < 6; rounds++) {
		maj = gss_init_sec_context(&min, cred, &h->ctx, h->target, mech,
		    GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG, 0,
		    GSS_C_NO_CHANNEL_BINDINGS, &in, actual, &out, NULL, NULL);
		ck_assert_msg(!GSS_ERROR(maj), "init_sec_context: major 0x%x "
		    "minor %u", maj, min);
		if (out.length == 0)
			break;
		if (rounds == 0 && hand_tamper != NULL)
			hand_tamper(&out);
		raw_reply_free(last);
		rawhand_leg(h, &out, last, &res);
		(void)gss_release_buffer(&min, &out);
		smaj = res.major;
		if (res.major == GSS_S_COMPLETE) {
			h->window = res.window;
			/* The server's last token (AP-REP, mechListMIC). */
			if (maj == GSS_S_CONTINUE_NEEDED) {
				in.value = (void *)(uintptr_t)res.token;
				in.length = res.token_len;
				maj = gss_init_sec_context(&min, cred, &h->ctx,
				    h->target, mech, GSS_C_MUTUAL_FLAG |
				    GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG, 0,
				    GSS_C_NO_CHANNEL_BINDINGS, &in, actual,
				    &out, NULL, NULL);
				ck_assert_uint_eq(maj, GSS_S_COMPLETE);
				ck_assert_uint_eq(out.length, 0);
			}
			break;
		}
		if (res.major != GSS_S_CONTINUE_NEEDED ||
		    (stop_after > 0 && rounds + 1 == stop_after))
			break;
		in.value = (void *)(uintptr_t)res.token;
		in.length = res.token_len;
	}
	return smaj;
}

/* A DATA call with a header MIC from h->ctx (or 16 bytes of junk). */
static void
hand_data(struct rawhand *h, uint32_t proc, uint32_t seq, int junk,
    enum rawhand_body bk, struct raw_reply *rep, uint8_t *msg, size_t *mlen)
{
	*mlen = rawhand_data_call(h, proc, seq, junk ? 16 : 0, bk, msg, 2048);
	raw_exchange(h->fd, 0, h->port, msg, *mlen, h->xid, 1500, rep);
}

/* STATS with seq under service none succeeds, its verifier MIC(seq). */
static void
hand_stats_ok(struct rawhand *h, uint32_t seq, uint8_t *msg, size_t *mlen)
{
	struct raw_reply rep;

	hand_data(h, DEMOFS_STATS, seq, 0, RAWHAND_NONE, &rep, msg, mlen);
	ck_assert_int_eq(rep.kind, RAW_ACCEPTED);
	ck_assert_uint_eq(rep.accept_stat, SUCCESS);
	ck_assert(rawhand_verf_ok(h, &rep, seq));
	raw_reply_free(&rep);
}

static gss_OID_desc ntlm_oid_d = { 10,
    (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };

/*
 * After NTLM's NEGOTIATE leg the context is half-open: a DATA call on it
 * is refused with CREDPROBLEM and touches nothing, so AUTHENTICATE still
 * completes it and the first MICs of both sides still verify.  A replay
 * afterwards is dropped without its MIC being checked: were it checked,
 * NTLM's receive sequence would move and the next call would fail.
 */
START_TEST(ntlm_half_open)
{
	struct raw_reply rep, last;
	struct rawhand h;
	gss_OID actual = GSS_C_NO_OID;
	uint8_t msg[2048], again[2048];
	size_t mlen, alen;

	hand_open(&h, port);
	ck_assert_uint_eq(hand_run(&h, GSS_C_NO_CREDENTIAL, &ntlm_oid_d,
	    1, &actual, &last), GSS_S_CONTINUE_NEEDED);
	ck_assert_uint_eq(h.handle_len, 16);
	hand_data(&h, DEMOFS_STATS, 0, 1, RAWHAND_NONE, &rep, msg, &mlen);
	ck_assert_int_eq(rep.kind, RAW_AUTH_ERROR);
	ck_assert_uint_eq(rep.auth_stat, RPCSEC_GSS_CREDPROBLEM);
	raw_reply_free(&rep);
	/* Continue where we stopped: feed the CHALLENGE back. */
	{
		struct rpcauth_init_res res;
		gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
		OM_uint32 maj, min;

		ck_assert_int_eq(init_res_decode(last.body, last.body_len,
		    RPCAUTH_CRED_MAX_HANDLE, 65536, &res), 0);
		in.value = (void *)(uintptr_t)res.token;
		in.length = res.token_len;
		maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &h.ctx,
		    h.target, &ntlm_oid_d, GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG,
		    0, GSS_C_NO_CHANNEL_BINDINGS, &in, &actual, &out, NULL,
		    NULL);
		ck_assert_uint_eq(maj, GSS_S_COMPLETE);
		raw_reply_free(&last);
		rawhand_leg(&h, &out, &last, &res);
		(void)gss_release_buffer(&min, &out);
		ck_assert_uint_eq(res.major, GSS_S_COMPLETE);
		ck_assert_uint_eq(res.window, 128);
	}
	ck_assert_msg(rawhand_verf_ok(&h, &last, 128), "MIC(seq_window) fails");
	raw_reply_free(&last);
	hand_stats_ok(&h, 1, msg, &mlen);
	/* Replay the very same bytes: no answer, and nothing verified. */
	memcpy(again, msg, mlen);
	alen = mlen;
	raw_exchange(h.fd, 0, port, again, alen, h.xid, 1000, &rep);
	ck_assert_int_eq(rep.kind, RAW_NOREPLY);
	raw_reply_free(&rep);
	hand_stats_ok(&h, 2, msg, &mlen);
	rawhand_close(&h);
}
END_TEST

/*
 * rpcgen's NULLPROC never reads its arguments, but under integrity the
 * client made a MIC over {seq}: the server must check it anyway (and
 * answer GARBAGE_ARGS when it is bad), or NTLM's receive sequence falls
 * one behind and the next call's header checksum fails.
 */
START_TEST(ntlm_nullproc_integrity)
{
	struct raw_reply rep, last;
	struct rawhand h;
	gss_OID actual = GSS_C_NO_OID;
	const uint8_t *db, *ck;
	size_t dblen, cklen, mlen;
	uint8_t msg[2048];
	gss_buffer_desc dbb, ckb;
	OM_uint32 min;

	hand_open(&h, port);
	ck_assert_uint_eq(hand_run(&h, GSS_C_NO_CREDENTIAL, &ntlm_oid_d,
	    0, &actual, &last), GSS_S_COMPLETE);
	ck_assert(rawhand_verf_ok(&h, &last, h.window));
	raw_reply_free(&last);
	hand_data(&h, NULLPROC, 1, 0, RAWHAND_INTEG, &rep, msg, &mlen);
	ck_assert_int_eq(rep.kind, RAW_ACCEPTED);
	ck_assert_uint_eq(rep.accept_stat, SUCCESS);
	ck_assert(rawhand_verf_ok(&h, &rep, 1));
	/* The reply body is {seq} under integrity too: check it, in order. */
	ck_assert_int_eq(integ_body_parse(rep.body, rep.body_len, 1024, &db,
	    &dblen, &ck, &cklen), 0);
	ck_assert_uint_eq(dblen, 4);
	dbb.value = (void *)(uintptr_t)db;
	dbb.length = dblen;
	ckb.value = (void *)(uintptr_t)ck;
	ckb.length = cklen;
	ck_assert_uint_eq(gss_verify_mic(&min, h.ctx, &dbb, &ckb, NULL),
	    GSS_S_COMPLETE);
	raw_reply_free(&rep);
	/* The server's receive sequence is where ours is. */
	hand_stats_ok(&h, 2, msg, &mlen);
	hand_data(&h, NULLPROC, 3, 0, RAWHAND_INTEG_BAD, &rep, msg, &mlen);
	ck_assert_int_eq(rep.kind, RAW_ACCEPTED);
	ck_assert_uint_eq(rep.accept_stat, GARBAGE_ARGS);
	raw_reply_free(&rep);
	rawhand_close(&h);
}
END_TEST

/* ---- what a server does not allow --------------------------------------- */

static void
start_server(struct srvproc *p, int *pp, const char *mechs)
{
	const char *extra[] = { "--mechs", mechs, NULL };

	ck_assert_int_eq(e2e_server_start(p, pp, testbed_server_keytab(bed),
	    mechs != NULL ? extra : NULL), 0);
}

static void
stop_server(struct srvproc *p)
{
	int st;

	srvproc_stop(p, 5000, &st);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
refused(int p, const char *mech)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl = mech_clnt(p, 0, mech, RPCAUTH_SVC_INTEGRITY, &err);

	ck_assert_msg(cl == NULL, "%s was accepted", mech);
	e2e_refused_check(cl, &err, "unsupported mechanism");
}

/* The default server (krb5, spnego) refuses NTLM, raw or inside SPNEGO. */
START_TEST(ntlm_not_allowed)
{
	struct srvproc s;
	int p;

	start_server(&s, &p, NULL);
	refused(p, "ntlm");
	e2e_no_krb5_creds(bed);
	refused(p, "spnego");
	stop_server(&s);
}
END_TEST

/* A server that allows only NTLM refuses Kerberos, and SPNEGO. */
START_TEST(krb5_not_allowed)
{
	struct srvproc s;
	int p;

	start_server(&s, &p, "ntlm");
	refused(p, "krb5");
	refused(p, "spnego");
	stop_server(&s);
}
END_TEST

static gss_cred_id_t
spnego_offering(const gss_OID_desc *mechs, size_t n)
{
	gss_OID_set_desc set = { n, (gss_OID)(uintptr_t)mechs };
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	OM_uint32 min;

	ck_assert_uint_eq(gss_acquire_cred(&min, GSS_C_NO_NAME,
	    GSS_C_INDEFINITE, GSS_C_NO_OID_SET, GSS_C_INITIATE, &cred, NULL,
	    NULL), GSS_S_COMPLETE);
	ck_assert_uint_eq(gss_set_neg_mechs(&min, cred, &set), GSS_S_COMPLETE);
	return cred;
}

/* A SPNEGO handshake by hand offering `offer`: the server's last major
 * status must be `want`, and a completed one must have negotiated want_mech. */
static void
spnego_expect(int p, const gss_OID_desc *offer, size_t n, uint32_t want,
    const char *want_mech)
{
	struct raw_reply last;
	struct rawhand h;
	gss_cred_id_t cred = spnego_offering(offer, n);
	gss_OID actual = GSS_C_NO_OID;
	OM_uint32 min;

	hand_open(&h, p);
	ck_assert_uint_eq(hand_run(&h, cred, mech_by_name("spnego"), 0,
	    &actual, &last), want);
	if (want == GSS_S_COMPLETE) {
		ck_assert_str_eq(mech_name(actual), want_mech);
		ck_assert(rawhand_verf_ok(&h, &last, h.window));
	}
	raw_reply_free(&last);
	rawhand_close(&h);
	(void)gss_release_cred(&min, &cred);
}

/*
 * Downgrade attempts against a server that allows krb5 and spnego only.
 * A SPNEGO client that offers NTLM alone is refused at its first leg
 * (the acceptor's SPNEGO may negotiate only krb5).  A client that prefers
 * NTLM but also offers krb5 ends up with krb5, not NTLM.  A man in the
 * middle who rewrites the offer: spnego_mechlistmic_tampered.
 */
START_TEST(spnego_downgrade)
{
	static const gss_OID_desc only_ntlm[] = {
		{ 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" } };
	static const gss_OID_desc ntlm_first[] = {
		{ 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" },
		{ 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" } };
	struct srvproc s;
	int p;

	start_server(&s, &p, NULL);
	spnego_expect(p, only_ntlm, 1, GSS_S_BAD_MECH, NULL);
	spnego_expect(p, ntlm_first, 2, GSS_S_COMPLETE, "krb5");
	stop_server(&s);
}
END_TEST

/*
 * A man in the middle rewrites the first krb5 OID of the NegTokenInit's
 * mechTypes into one nobody supports (same length, so no DER lengths
 * change): the acceptor then sees NTLM as the client's only usable
 * mechanism and negotiates it.  The mechListMIC, made by the client over
 * the list it really sent, must expose the change: no context.
 */
static void
strip_krb5(gss_buffer_t tok)
{
	static const uint8_t krb5_der[11] = { 0x06, 0x09, 0x2a, 0x86, 0x48,
	    0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };
	uint8_t *p = tok->value;
	size_t i;

	for (i = 0; i + sizeof(krb5_der) <= tok->length; i++)
		if (memcmp(p + i, krb5_der, sizeof(krb5_der)) == 0) {
			p[i + sizeof(krb5_der) - 1] = 0x7f;
			return;
		}
	ck_abort_msg("no krb5 OID in the first SPNEGO token");
}

START_TEST(spnego_mechlistmic_tampered)
{
	static const gss_OID_desc krb5_then_ntlm[] = {
		{ 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" },
		{ 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" } };
	static const gss_OID_desc only_ntlm[] = {
		{ 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" } };
	struct raw_reply last, rep;
	struct rawhand h;
	gss_cred_id_t cred;
	gss_OID actual = GSS_C_NO_OID;
	uint8_t msg[2048];
	size_t mlen;
	uint32_t smaj;
	OM_uint32 min;

	/* Controls: this server completes NTLM inside SPNEGO when offered,
	 * and an untouched offer with krb5 first gets krb5. */
	spnego_expect(port, only_ntlm, 1, GSS_S_COMPLETE, "ntlm");
	spnego_expect(port, krb5_then_ntlm, 2, GSS_S_COMPLETE, "krb5");

	/* Tampered: the server notices at the last leg; nothing is kept. */
	cred = spnego_offering(krb5_then_ntlm, 2);
	hand_open(&h, port);
	hand_tamper = strip_krb5;
	smaj = hand_run(&h, cred, mech_by_name("spnego"), 0, &actual,
	    &last);
	hand_tamper = NULL;
	ck_assert_msg(GSS_ERROR(smaj), "tampered mechTypes: server major "
	    "0x%x", smaj);
	raw_reply_free(&last);
	if (h.handle_len > 0) {
		hand_data(&h, DEMOFS_STATS, 0, 1, RAWHAND_NONE, &rep, msg,
		    &mlen);
		ck_assert_int_eq(rep.kind, RAW_AUTH_ERROR);
		ck_assert_uint_eq(rep.auth_stat, RPCSEC_GSS_CREDPROBLEM);
		raw_reply_free(&rep);
	}
	rawhand_close(&h);
	(void)gss_release_cred(&min, &cred);
}
END_TEST

/* ---- the server's own errors -------------------------------------------- */

static void
server_fails(const char *env, const char *mechs, int want_exit,
    const char *want)
{
	char out[2048], errb[2048], portbuf[16];
	const char *argv[16] = { "/usr/bin/env", env };
	const char *opt[] = { "--mechs", mechs, NULL };
	int st;

	snprintf(portbuf, sizeof(portbuf), "%d", srvproc_free_port());
	e2e_server_argv(argv + 2, 14, portbuf, testbed_server_keytab(bed), opt);
	ck_assert_int_eq(srvproc_run((char *const *)argv, out, sizeof(out),
	    errb, sizeof(errb), 20000, &st), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == want_exit,
	    "status %d, stderr: %s", st, errb);
	ck_assert_msg(strstr(errb, want) != NULL, "stderr: %s", errb);
}

START_TEST(mechs_option_errors)
{
	server_fails("X=1", "krb5,foo", 2, "--mechs: 'krb5,foo' is not");
	server_fails("X=1", "krb5,krb5", 2, "--mechs");
	server_fails("X=1", "", 2, "--mechs");
	/* No mechanism modules but the built-in ones: NTLM is not installed. */
	server_fails("GSS_MECH_CONFIG=/dev/null", "krb5,ntlm", 1,
	    "mechanism ntlm (1.3.6.1.4.1.311.2.2.10) is not installed");
}
END_TEST

/*
 * A renewal keeps the AUTH's client (docs/SECURITY.md section 3), and
 * that check must work for names gss_compare_name cannot compare:
 * gss-ntlmssp answers GSS_S_UNAVAILABLE.  A forced renewal (the next
 * seq would pass MAXSEQ), nothing forged: the call goes through on a
 * second context.  _i: 0 krb5, 1 ntlm.
 */
START_TEST(renewal_keeps_working)
{
	const char *mech = _i ? "ntlm" : "krb5";
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_auth_info info;
	struct clnt_state *st;
	demo_data in, *out;
	char buf[8] = "renew";
	const char *why;
	CLIENT *cl;

	cl = mech_clnt(port, 0, mech, RPCAUTH_SVC_INTEGRITY, &err);
	ck_assert_msg(cl != NULL, "%s handshake: %s", mech,
	    err.msg ? err.msg : "?");
	st = (struct clnt_state *)cl->cl_auth->ah_private;
	e2e_echo_check(cl, 10, mech);
	st->seq_next = RPCAUTH_MAXSEQ;	/* the next call renews first */
	in.demo_data_len = 5;
	in.demo_data_val = buf;
	out = demofs_echo_1(&in, cl);
	why = rpcauth_auth_error(cl->cl_auth);
	ck_assert_msg(out != NULL, "%s: the call after a forced renewal "
	    "failed: %s", mech, why != NULL ? why : clnt_sperror(cl, "echo"));
	ck_assert_int_eq(out->demo_data_len, 5);
	xdr_free((xdrproc_t)xdr_demo_data, (char *)out);
	ck_assert_int_eq(rpcauth_auth_info(cl->cl_auth, &info), 0);
	ck_assert_uint_eq(info.contexts, 2);
	e2e_secure_destroy(cl);
}
END_TEST

/* A TCP connection to 127.0.0.1:p from 127.0.0.2 (another source). */
static int
connect_from_other(int p)
{
	struct sockaddr_in me, to;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	me.sin_addr.s_addr = inet_addr("127.0.0.2");
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&me, sizeof(me)), 0);
	to = me;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons((uint16_t)p);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&to, sizeof(to)), 0);
	return fd;
}

/*
 * gss-ntlmssp counts a MIC that fails to verify: one call from elsewhere
 * that names an NTLM context (its handle is in every credential, in
 * clear) with a junk header MIC must not reach GSS, or the real client's
 * next call fails.  The context answers only its handshake's address:
 * CREDPROBLEM for the forger, and the client goes on on the same
 * context.  _i: 0 krb5 (control: its MICs are not counted), 1 ntlm.
 */
START_TEST(forged_call_from_elsewhere)
{
	const char *mech = _i ? "ntlm" : "krb5";
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_auth_info info;
	struct clnt_state *st;
	uint8_t cred[400], junk[32], args[16], msg[2048];
	struct raw_call c;
	struct raw_reply rep;
	struct xdr_wr w;
	size_t len;
	CLIENT *cl;
	int fd;

	cl = mech_clnt(port, 0, mech, RPCAUTH_SVC_INTEGRITY, &err);
	ck_assert_msg(cl != NULL, "%s handshake: %s", mech,
	    err.msg ? err.msg : "?");
	st = (struct clnt_state *)cl->cl_auth->ah_private;
	e2e_echo_check(cl, 10, mech);
	xdr_wr_init(&w, cred, sizeof(cred));
	xdr_wr_u32(&w, 1);
	xdr_wr_u32(&w, RPCAUTH_GSS_DATA);
	xdr_wr_u32(&w, st->seq_next + 500);
	xdr_wr_u32(&w, RPCAUTH_SVC_INTEGRITY);
	xdr_wr_opaque(&w, st->handle, st->handle_len);
	ck_assert(xdr_wr_ok(&w));
	memset(junk, 0xA5, sizeof(junk));
	memset(args, 0, sizeof(args));
	memset(&c, 0, sizeof(c));
	c.xid = 0x52540000u;
	c.prog = DEMOFS_PROG;
	c.vers = DEMOFS_V1;
	c.proc = DEMOFS_ECHO;
	c.cred_flavor = RPCAUTH_FLAVOR;
	c.cred = cred;
	c.cred_len = w.off;
	c.verf_flavor = RPCAUTH_FLAVOR;
	c.verf = junk;
	c.verf_len = sizeof(junk);
	c.body = args;
	c.body_len = sizeof(args);
	len = raw_encode_call(&c, msg, sizeof(msg));
	ck_assert_uint_gt(len, 0);
	fd = connect_from_other(port);
	ck_assert_int_eq(raw_exchange(fd, 0, port, msg, len, c.xid, 10000,
	    &rep), 0);
	close(fd);
	ck_assert_msg(rep.kind == RAW_AUTH_ERROR &&
	    rep.auth_stat == RPCSEC_GSS_CREDPROBLEM, "%s: forged call: reply "
	    "kind %d auth_stat %u", mech, (int)rep.kind, rep.auth_stat);
	raw_reply_free(&rep);
	/* The real client's next calls, on the same context. */
	e2e_echo_check(cl, 10, mech);
	ck_assert_int_eq(rpcauth_auth_info(cl->cl_auth, &info), 0);
	ck_assert_msg(info.contexts == 1, "%s: the forged call cost the "
	    "client its context (%u contexts)", mech, info.contexts);
	e2e_secure_destroy(cl);
}
END_TEST

static Suite *
mechs_suite(void)
{
	Suite *s = suite_create("mechs");
	TCase *tc = cklist_tcase(s, "core", 240);

	tcase_add_loop_test(tc, roundtrip, 0, (int)(NCOMBOS * 6));
	CKLIST(tc, 1, ntlm_half_open, ntlm_nullproc_integrity, ntlm_not_allowed,
	    krb5_not_allowed, spnego_downgrade, spnego_mechlistmic_tampered,
	    mechs_option_errors);
	CKLIST(cklist_tcase(s, "renewal", 120), 2, renewal_keeps_working,
	    forged_call_from_elsewhere);
	return s;
}

int
main(void)
{
	struct testbed_opts o = { .ntlm_user_file = true };

	return e2e_run(mechs_suite(), &o, e2e_all_mechs, &bed, &server, &port);
}
