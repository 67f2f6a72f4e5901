/* tests/check_evilclient.c - rpcauth's client against a lying server */
/*
 * Each test starts tests/evil_server in one mode and points the library
 * client at it, over TCP and UDP.  A server that breaks the handshake rules
 * must make rpcauth_client_create() fail with a message that names the
 * fault, leaving the CLIENT's AUTH as it was.  A server that breaks a data
 * reply must make the call fail (the rpcgen stub returns NULL: the
 * results never reach the application) with rpcauth_auth_error() naming
 * the fault, although the server did answer (it prints "served ECHO" for
 * every ECHO it answered, which the test reads).  The "good" mode is the
 * control: the same server, not misbehaving, is accepted.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demofs.h"
#include "e2e.h"
#include "cklist.h"

#define EVIL_SERVER	TOP_BUILDDIR "/tests/evil_server"
#define ECHO_TEXT	"evilclient"

static struct testbed *bed;

struct evil {
	struct srvproc	 p;
	int		 port;
	char		 out[8192];	/* what it printed after "ready" */
	size_t		 outlen;
};

static void
evil_start(struct evil *e, const char *mode)
{
	char portbuf[16], errbuf[512];
	const char *argv[] = { EVIL_SERVER, "--port", portbuf, "--mode", mode,
	    NULL };
	int tries;

	memset(e, 0, sizeof(*e));
	for (tries = 0; tries < 3; tries++) {
		ck_assert((e->port = srvproc_free_port()) > 0);
		snprintf(portbuf, sizeof(portbuf), "%d", e->port);
		if (srvproc_start(&e->p, (char *const *)argv, "ready", 20000,
		    errbuf, sizeof(errbuf)) == 0)
			return;
	}
	ck_abort_msg("evil_server %s: %s", mode, errbuf);
}

/* The server exits only when killed; it must still be alive then. */
static void
evil_stop(struct evil *e)
{
	int st = 0;

	ck_assert_msg(kill(e->p.pid, 0) == 0, "evil_server died");
	(void)srvproc_stop(&e->p, 5000, &st);
	close(e->p.out_fd);
}

/* ECHOs the server says it answered so far. */
static int
evil_served(struct evil *e)
{
	struct pollfd pf = { e->p.out_fd, POLLIN, 0 };
	const char *s;
	ssize_t n;
	int count = 0;

	/* It prints before it replies: what it printed is in the pipe. */
	while (poll(&pf, 1, 200) > 0 && e->outlen < sizeof(e->out) - 1) {
		n = read(e->p.out_fd, e->out + e->outlen,
		    sizeof(e->out) - 1 - e->outlen);
		if (n <= 0)
			break;
		e->outlen += (size_t)n;
	}
	e->out[e->outlen] = '\0';
	for (s = e->out; (s = strstr(s, "served ECHO")) != NULL; s++)
		count++;
	return count;
}

static CLIENT *
evil_clnt(struct evil *e, int udp)
{
	CLIENT *cl = e2e_clnt(e->port, udp);

	ck_assert_msg(cl != NULL, "no CLIENT for the evil server");
	return cl;
}

static AUTH *
secure(CLIENT *cl, enum rpcauth_service svc, struct rpcauth_err *err)
{
	struct rpcauth_client_opts o;

	rpcauth_client_opts_init(&o);
	o.service = svc;
	o.handshake_timeout_ms = 10000;
	return rpcauth_client_create(cl, "demo@localhost", &o, err);
}

static void
destroy(CLIENT *cl)
{
	if (cl->cl_auth != NULL)
		auth_destroy(cl->cl_auth);
	cl->cl_auth = NULL;
	clnt_destroy(cl);
}

static int
contains(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

/* ---- the control ------------------------------------------------------- */

/* The evil server, not misbehaving: every service works. */
START_TEST(good_server_accepted)
{
	static const enum rpcauth_service svcs[] = { RPCAUTH_SVC_NONE,
	    RPCAUTH_SVC_INTEGRITY, RPCAUTH_SVC_PRIVACY };
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct evil e;
	demo_data in, *out;
	CLIENT *cl;
	size_t i;

	evil_start(&e, "good");
	in.demo_data_len = (u_int)strlen(ECHO_TEXT);
	in.demo_data_val = ECHO_TEXT;
	for (i = 0; i < 3; i++) {
		cl = evil_clnt(&e, _i);
		ck_assert_msg(secure(cl, svcs[i], &err) != NULL,
		    "service %d: %s", (int)svcs[i], err.msg);
		out = demofs_echo_1(&in, cl);
		ck_assert_msg(out != NULL, "service %d: %s (%s)", (int)svcs[i],
		    clnt_sperror(cl, "echo"), rpcauth_auth_error(cl->cl_auth));
		ck_assert(out->demo_data_len == 4 &&
		    memcmp(out->demo_data_val, "evil", 4) == 0);
		xdr_free((xdrproc_t)xdr_demo_data, (char *)out);
		destroy(cl);
	}
	ck_assert_int_eq(evil_served(&e), 3);
	evil_stop(&e);
}
END_TEST

/* ---- handshake lies ------------------------------------------------------ */

/* rpcauth_client_create fails naming `want`; the CLIENT's AUTH unchanged. */
static void
handshake_refused(int udp, const char *mode, const char *want1,
    const char *want2)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct evil e;
	AUTH *before;
	CLIENT *cl;

	evil_start(&e, mode);
	cl = evil_clnt(&e, udp);
	before = cl->cl_auth;
	ck_assert_msg(secure(cl, RPCAUTH_SVC_INTEGRITY, &err) == NULL,
	    "%s: the client accepted the context", mode);
	ck_assert_msg(err.msg != NULL && contains(err.msg, want1) &&
	    contains(err.msg, want2), "%s: unclear error: %s", mode,
	    err.msg != NULL ? err.msg : "(none)");
	ck_assert_int_ne(err.code, RPCAUTH_OK);
	ck_assert_ptr_eq(cl->cl_auth, before);
	fprintf(stderr, "evilclient %s (%s): %s\n", mode, udp ? "udp" : "tcp",
	    err.msg);
	rpcauth_err_clear(&err);
	destroy(cl);
	evil_stop(&e);
}

/* INIT COMPLETE whose verifier is not MIC(seq_window): no mutual auth. */
START_TEST(init_bad_window_mic)
{
	handshake_refused(_i, "badmic-window", "mutual authentication",
	    "sequence window");
}
END_TEST

/* A window of 0 would make every call a replay. */
START_TEST(init_window_zero)
{
	handshake_refused(_i, "window0", "window", "0");
}
END_TEST

/* A handle over 380 bytes cannot ride in a 400-byte credential. */
START_TEST(init_handle_too_long)
{
	handshake_refused(_i, "bighandle", "security handshake", "handle");
}
END_TEST

/* ---- reply lies ------------------------------------------------------- */

/*
 * The context is made (the handshake is honest), the ECHO is answered by
 * the server, and the client refuses the answer: the stub returns NULL and
 * rpcauth_auth_error() names `want`.
 */
static void
reply_refused(int udp, const char *mode, enum rpcauth_service svc,
    const char *want)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct evil e;
	demo_data in, *out;
	const char *msg;
	CLIENT *cl;

	evil_start(&e, mode);
	cl = evil_clnt(&e, udp);
	ck_assert_msg(secure(cl, svc, &err) != NULL, "%s: handshake: %s",
	    mode, err.msg);
	in.demo_data_len = (u_int)strlen(ECHO_TEXT);
	in.demo_data_val = ECHO_TEXT;
	out = demofs_echo_1(&in, cl);
	msg = rpcauth_auth_error(cl->cl_auth);
	fprintf(stderr, "evilclient %s (%s, service %d): %s / %s\n", mode,
	    udp ? "udp" : "tcp", (int)svc, clnt_sperror(cl, "echo"),
	    msg != NULL ? msg : "(none)");
	ck_assert_msg(out == NULL, "%s: the results reached the application",
	    mode);
	ck_assert_msg(evil_served(&e) >= 1, "%s: the server did not answer: "
	    "the refusal proves nothing", mode);
	ck_assert_msg(contains(msg, want), "%s: rpcauth_auth_error says "
	    "\"%s\", wanted something about \"%s\"", mode,
	    msg != NULL ? msg : "(none)", want);
	destroy(cl);
	evil_stop(&e);
}

/* The forged replies: evil_server mode, service, what the error names. */
static const struct {
	const char		*mode;
	enum rpcauth_service	 svc;
	const char		*want;
} forged[] = {
	{ "badverf", RPCAUTH_SVC_NONE, "verifier" },
	{ "badverf", RPCAUTH_SVC_INTEGRITY, "verifier" },
	{ "badverf", RPCAUTH_SVC_PRIVACY, "verifier" },
	{ "bodyseq", RPCAUTH_SVC_INTEGRITY, "sequence number" },
	{ "bodyseq", RPCAUTH_SVC_PRIVACY, "sequence number" },
	{ "noconf", RPCAUTH_SVC_PRIVACY, "confidentiality" },
};

/* _i: the case is forged[_i / 2], over TCP (even _i) and UDP (odd). */
START_TEST(reply_forged)
{
	reply_refused(_i % 2, forged[_i / 2].mode, forged[_i / 2].svc,
	    forged[_i / 2].want);
}
END_TEST

static Suite *
evilclient_suite(void)
{
	Suite *s = suite_create("evilclient");
	TCase *tc;

	/* Loop tests: _i is 0 for TCP, 1 for UDP. */
	tc = cklist_tcase(s, "evil_server", 120);
	CKLIST(tc, 2, good_server_accepted, init_bad_window_mic,
	    init_window_zero, init_handle_too_long);
	tcase_add_loop_test(tc, reply_forged, 0,
	    (int)(2 * sizeof(forged) / sizeof(forged[0])));
	return s;
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return e2e_main(evilclient_suite(), &(struct testbed_opts){ 0 }, &bed,
	    NULL, NULL);
}
