/* tests/check_e2e.c - mutual authentication and protected DEMOFS calls, end to end */
/*
 * A real KDC (test bed), the real demo server over TCP and UDP on
 * 127.0.0.1, and in-process clients made with rpcauth_client_create.
 */
#include "config.h"

#include <sys/wait.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clnt_internal.h"
#include "cred_xdr.h"
#include "hdrmic.h"
#include "demofs.h"
#include "e2e.h"
#include "rawrpc.h"
#include "cklist.h"

static struct testbed *bed;
static struct srvproc server;
static int port;

static void
matrix(int udp, enum rpcauth_service svc)
{
	static const size_t tcp_sizes[] = { 0, 1, 4096, 65536 };
	/* 64 KiB plus headers does not fit an IPv4 UDP datagram (65507). */
	static const size_t udp_sizes[] = { 0, 1, 4096, 60000 };
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	demo_whoami *w;
	char label[64];
	CLIENT *cl;
	size_t i;

	snprintf(label, sizeof(label), "%s/%s", udp ? "udp" : "tcp",
	    e2e_svcname(svc));
	cl = e2e_secure_clnt(port, udp, svc, 0, &err);
	ck_assert_msg(cl != NULL, "%s: handshake: %s", label,
	    err.msg ? err.msg : "?");
	for (i = 0; i < 4; i++)
		e2e_echo_check(cl, udp ? udp_sizes[i] : tcp_sizes[i], label);
	w = demofs_whoami_1(NULL, cl);
	ck_assert_ptr_nonnull(w);
	ck_assert_str_eq(w->principal, "alice@" TESTBED_REALM);
	ck_assert_str_eq(w->mech, "krb5");
	ck_assert_uint_eq(w->service, (unsigned)svc);
	e2e_secure_destroy(cl);
}

START_TEST(tcp_none)      { matrix(0, RPCAUTH_SVC_NONE); } END_TEST
START_TEST(tcp_integrity) { matrix(0, RPCAUTH_SVC_INTEGRITY); } END_TEST
START_TEST(tcp_privacy)   { matrix(0, RPCAUTH_SVC_PRIVACY); } END_TEST
START_TEST(udp_none)      { matrix(1, RPCAUTH_SVC_NONE); } END_TEST
START_TEST(udp_integrity) { matrix(1, RPCAUTH_SVC_INTEGRITY); } END_TEST
START_TEST(udp_privacy)   { matrix(1, RPCAUTH_SVC_PRIVACY); } END_TEST

static void
big(enum rpcauth_service svc)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl = e2e_secure_clnt(port, 0, svc, 0, &err);
	struct timeval tv = { 120, 0 };

	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	(void)clnt_control(cl, CLSET_TIMEOUT, (char *)&tv);
	e2e_echo_check(cl, 1024 * 1024, e2e_svcname(svc));
	e2e_echo_check(cl, 16 * 1024 * 1024, e2e_svcname(svc));
	e2e_secure_destroy(cl);
}

START_TEST(big_integrity) { big(RPCAUTH_SVC_INTEGRITY); } END_TEST
START_TEST(big_privacy)   { big(RPCAUTH_SVC_PRIVACY); } END_TEST

/* The client learns who the server is, and that it proved it. */
START_TEST(auth_info)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_auth_info info;
	CLIENT *cl = e2e_secure_clnt(port, 0, RPCAUTH_SVC_PRIVACY, 0, &err);

	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	ck_assert_int_eq(rpcauth_auth_info(cl->cl_auth, &info), 0);
	ck_assert_int_eq(info.mutual, 1);
	ck_assert_str_eq(info.client_principal, "alice@" TESTBED_REALM);
	ck_assert_str_eq(info.server_principal, "demo/localhost@" TESTBED_REALM);
	ck_assert_str_eq(info.mech, "krb5");
	ck_assert_uint_eq(info.window, 128);
	ck_assert_uint_eq(info.flavor, RPCAUTH_FLAVOR);
	ck_assert(info.expiry > time(NULL));
	e2e_secure_destroy(cl);

	/* Names taken only after the first call moved the context to the
	 * fast path (the export consumes the GSS context): still known. */
	cl = e2e_secure_clnt(port, 0, RPCAUTH_SVC_PRIVACY, 0, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	ck_assert_ptr_nonnull(demofs_stats_1(NULL, cl));
	ck_assert_int_eq(rpcauth_auth_info(cl->cl_auth, &info), 0);
	ck_assert_str_eq(info.client_principal, "alice@" TESTBED_REALM);
	ck_assert_str_eq(info.server_principal, "demo/localhost@" TESTBED_REALM);
	e2e_secure_destroy(cl);
}
END_TEST

/* A server holding another key for demo/localhost cannot pass itself off. */
START_TEST(wrong_server_key)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct srvproc bad;
	int bport, st;
	CLIENT *cl;

	ck_assert_int_eq(e2e_server_start(&bad, &bport,
	    testbed_wrong_keytab(bed), NULL), 0);
	cl = e2e_secure_clnt(bport, 0, RPCAUTH_SVC_INTEGRITY, 0, &err);
	srvproc_stop(&bad, 5000, &st);
	e2e_refused_check(cl, &err, "demo@localhost");
}
END_TEST

/* A server that requires privacy answers AUTH_TOOWEAK to integrity. */
START_TEST(too_weak)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct srvproc strict;
	int sport, st;
	CLIENT *cl;

	e2e_secure_destroy(e2e_too_weak(bed, &strict, &sport));
	cl = e2e_secure_clnt(sport, 0, RPCAUTH_SVC_PRIVACY, 0, &err);
	ck_assert_ptr_nonnull(cl);
	ck_assert_ptr_nonnull(demofs_stats_1(NULL, cl));
	e2e_secure_destroy(cl);
	srvproc_stop(&strict, 5000, &st);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

/*
 * Send a DATA STATS call with `seq` and `handle`; the verifier is a MIC made
 * with sc, or 16 bytes of junk when sc is NULL.  Returns the reply kind.
 */
static enum raw_kind
raw_stats(struct secctx *sc, const uint8_t *handle, size_t hlen_in,
    uint32_t seq, struct raw_reply *rep)
{
	struct rpcauth_cred cred = { 1, 0, seq, RPCAUTH_SVC_NONE, handle,
	    hlen_in };
	uint8_t cbuf[400], hdr[HDRMIC_MAX_LEN], msg[2048], junk[16];
	struct hdrmic_call hc;
	struct secctx_status sst;
	gss_buffer_desc mic = GSS_C_EMPTY_BUFFER;
	struct raw_call rc;
	OM_uint32 min;
	int clen, hlen, fd;
	size_t mlen;
	uint32_t xid = 0x5000 + seq;

	clen = cred_encode(&cred, cbuf, sizeof(cbuf));
	ck_assert_int_gt(clen, 0);
	hc = (struct hdrmic_call){ xid, DEMOFS_PROG, DEMOFS_V1, DEMOFS_STATS,
	    RPCAUTH_FLAVOR, cbuf, (size_t)clen };
	hlen = hdrmic_build(&hc, hdr, sizeof(hdr));
	ck_assert_int_gt(hlen, 0);
	if (sc != NULL)
		ck_assert_int_eq(secctx_get_mic(sc, hdr, (size_t)hlen, &mic,
		    &sst), 0);
	else {
		memset(junk, 0xA5, sizeof(junk));
		mic.value = junk;
		mic.length = sizeof(junk);
	}
	rc = (struct raw_call){ xid, DEMOFS_PROG, DEMOFS_V1, DEMOFS_STATS,
	    RPCAUTH_FLAVOR, cbuf, (size_t)clen, RPCAUTH_FLAVOR, mic.value,
	    mic.length, NULL, 0 };
	mlen = raw_encode_call(&rc, msg, sizeof(msg));
	if (sc != NULL)
		(void)gss_release_buffer(&min, &mic);
	fd = raw_tcp_connect(port);
	ck_assert_int_ge(fd, 0);
	raw_exchange(fd, 0, port, msg, mlen, xid, 1500, rep);
	close(fd);
	return rep->kind;
}

/*
 * auth_destroy sends DESTROY.  The server looks a context up before it
 * checks the window, and drops a seen seq without verifying anything: so a
 * replayed seq with a junk verifier is dropped while the context lives, and
 * answered RPCSEC_GSS_CREDPROBLEM once it is gone.
 */
START_TEST(destroy_then_reuse)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl = e2e_secure_clnt(port, 0, RPCAUTH_SVC_NONE, 0, &err);
	struct clnt_state *cs;
	struct raw_reply rep;
	uint8_t handle[RPCAUTH_CRED_MAX_HANDLE];
	size_t hlen;

	ck_assert_ptr_nonnull(cl);
	ck_assert_ptr_nonnull(demofs_stats_1(NULL, cl));	/* uses seq 0 */
	cs = cl->cl_auth->ah_private;
	memcpy(handle, cs->handle, cs->handle_len);
	hlen = cs->handle_len;
	raw_stats(NULL, handle, hlen, 0, &rep);
	ck_assert_msg(rep.kind == RAW_NOREPLY, "kind %d accept %u auth %u",
	    rep.kind, rep.accept_stat, rep.auth_stat);
	raw_reply_free(&rep);
	/* A valid MIC on a fresh seq is served: the raw path itself works. */
	ck_assert_int_eq(raw_stats(&cs->sc, handle, hlen, 7, &rep), RAW_ACCEPTED);
	ck_assert_uint_eq(rep.accept_stat, SUCCESS);
	raw_reply_free(&rep);
	auth_destroy(cl->cl_auth);
	ck_assert_ptr_nonnull(cl->cl_auth);	/* replaced by AUTH_NONE */
	ck_assert_int_eq(raw_stats(NULL, handle, hlen, 0, &rep), RAW_AUTH_ERROR);
	ck_assert_uint_eq(rep.auth_stat, RPCSEC_GSS_CREDPROBLEM);
	raw_reply_free(&rep);
	clnt_destroy(cl);
}
END_TEST

/* No ticket in the ccache: MIT gets one from KRB5_CLIENT_KTNAME (set by the bed). */
START_TEST(client_keytab)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	char cc[256];
	CLIENT *cl;

	snprintf(cc, sizeof(cc), "FILE:%s/empty-ccache-%d", testbed_dir(bed),
	    (int)getpid());
	ck_assert_int_eq(setenv("KRB5CCNAME", cc, 1), 0);
	ck_assert_ptr_nonnull(getenv("KRB5_CLIENT_KTNAME"));
	cl = e2e_secure_clnt(port, 0, RPCAUTH_SVC_INTEGRITY, 0, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	ck_assert_ptr_nonnull(demofs_stats_1(NULL, cl));
	e2e_secure_destroy(cl);
}
END_TEST

/* An explicit ccache option is honoured: a missing one fails, the bed's works. */
START_TEST(explicit_ccache)
{
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl = e2e_clnt(port, 0);

	ck_assert_ptr_nonnull(cl);
	rpcauth_client_opts_init(&o);
	o.ccache = "FILE:/nonexistent/rpcauth-ccache";
	ck_assert_ptr_null(rpcauth_client_create(cl, "demo@localhost", &o, &err));
	ck_assert_int_eq(err.code, RPCAUTH_E_GSS);
	rpcauth_err_clear(&err);
	o.ccache = testbed_ccache_name(bed);
	ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", &o, &err) !=
	    NULL, "%s", err.msg ? err.msg : "?");
	ck_assert_ptr_nonnull(demofs_stats_1(NULL, cl));
	e2e_secure_destroy(cl);
}
END_TEST

/* rpcauth-ping: what was established on success, one clear line on failure. */
START_TEST(ping_tool)
{
	static const char *const ok[] = { "--service", "privacy", NULL };
	static const char *const bad[] = { "--flavor", "400462", NULL };
	char out[4096], errtext[4096];

	ck_assert_msg(e2e_ping(port, ok, out, sizeof(out), errtext,
	    sizeof(errtext)) == 0, "stderr: %s", errtext);
	ck_assert_ptr_nonnull(strstr(out, "server:     demo/localhost@RPCAUTH.TEST"));
	ck_assert_ptr_nonnull(strstr(out, "client:     alice@RPCAUTH.TEST"));
	ck_assert_ptr_nonnull(strstr(out, "mechanism:  krb5 (mutual authentication)"));
	ck_assert_ptr_nonnull(strstr(out, "service:    privacy"));
	ck_assert_ptr_nonnull(strstr(out, "null rtt:"));
	ck_assert(e2e_ping(port, bad, out, sizeof(out), errtext,
	    sizeof(errtext)) == 1);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strstr(errtext, "does not speak flavor 400462") != NULL &&
	    strchr(errtext, '\n') == errtext + strlen(errtext) - 1,
	    "stderr: %s", errtext);
}
END_TEST

/* 20 clients over TCP and 5 over UDP at once, each with its own context. */
START_TEST(many_clients)
{
	pid_t pids[25];
	int i, st, ok = 0;

	for (i = 0; i < 25; i++) {
		if ((pids[i] = fork()) == 0) {
			struct rpcauth_err err = RPCAUTH_ERR_INIT;
			int udp = i >= 20, j;
			CLIENT *cl = e2e_secure_clnt(port, udp,
			    RPCAUTH_SVC_PRIVACY, 0, &err);
			demo_data in, *out;
			char text[32];

			if (cl == NULL)
				_exit(2);
			for (j = 0; j < 20; j++) {
				snprintf(text, sizeof(text), "client %d call %d", i, j);
				in.demo_data_len = (u_int)strlen(text);
				in.demo_data_val = text;
				out = demofs_echo_1(&in, cl);
				if (out == NULL || out->demo_data_len != in.demo_data_len ||
				    memcmp(out->demo_data_val, text, strlen(text)) != 0)
					_exit(3);
				xdr_free((xdrproc_t)xdr_demo_data, (char *)out);
			}
			e2e_secure_destroy(cl);
			_exit(0);
		}
		ck_assert_int_gt(pids[i], 0);
	}
	for (i = 0; i < 25; i++) {
		ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	}
	ck_assert_int_eq(ok, 25);
}
END_TEST

int
main(void)
{
	struct testbed_opts o = { .wrong_key_keytab = true };
	Suite *s = CKSUITE1("e2e", "core", 240, tcp_none, tcp_integrity,
	    tcp_privacy, udp_none, udp_integrity, udp_privacy, big_integrity,
	    big_privacy, auth_info, wrong_server_key, too_weak,
	    destroy_then_reuse, many_clients, client_keytab, ping_tool,
	    explicit_ccache);

	return e2e_run(s, &o, NULL, &bed, &server, &port);
}
