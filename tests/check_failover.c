/* tests/check_failover.c - a CLIENT that survives its server: restarts, replicas, all down */
/*
 * rpcauth_clnt_create() against real demo servers (started and stopped
 * by PID) and the test bed's KDC: a TCP server restarted between calls
 * (SIGTERM and SIGKILL), a connection closed under the CLIENT, two
 * replicas with the first killed (TCP and UDP), every replica down (one
 * error naming each address, within the bound), a replica that refuses
 * (not failed over), and the demo client's --repeat across a restart.
 * The demo server's STATS counts the procedures its process ran, so it
 * tells which process served the calls.
 */
#include "config.h"

#include <sys/socket.h>
#include <sched.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demofs.h"
#include "e2e.h"
#include "cklist.h"

static struct testbed *bed;

/* The demo server on a given port (a restart); keytab NULL: the bed's. */
static void
server_at(struct srvproc *p, int port, const char *keytab)
{
	char portbuf[16], errbuf[512];
	const char *argv[] = { DEMO_SERVER, "--listen", "127.0.0.1", "--port",
	    portbuf, "--principal", "demo@localhost", "--keytab",
	    keytab != NULL ? keytab : testbed_server_keytab(bed), NULL };

	snprintf(portbuf, sizeof(portbuf), "%d", port);
	ck_assert_msg(srvproc_start(p, (char *const *)argv, "ready", 20000,
	    errbuf, sizeof(errbuf)) == 0, "server on %d: %s", port, errbuf);
}

static void
server_kill(struct srvproc *p)
{
	int st;

	ck_assert_int_eq(kill(p->pid, SIGKILL), 0);
	srvproc_stop(p, 5000, &st);
}

/* Two demo servers on free ports; the first with `keytab` (NULL: the
 * bed's).  Writes to connections the servers reset must fail calls, not
 * end the test. */
static void
replicas(struct srvproc *a, struct srvproc *b, int ports[2],
    const char *keytab)
{
	(void)signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(e2e_server_start(a, &ports[0], keytab != NULL ?
	    keytab : testbed_server_keytab(bed), NULL), 0);
	ck_assert_int_eq(e2e_server_start(b, &ports[1],
	    testbed_server_keytab(bed), NULL), 0);
}

/* A reconnecting CLIENT for DEMOFS on the given ports of 127.0.0.1. */
static CLIENT *
fo_clnt(const int *ports, size_t n, int udp, int budget_ms,
    struct rpcauth_err *err)
{
	char bufs[4][32];
	const char *hosts[5];
	struct rpcauth_client_opts o;
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "127.0.0.1:%d", ports[i]);
		hosts[i] = bufs[i];
	}
	hosts[n] = NULL;
	rpcauth_client_opts_init(&o);
	o.failover_timeout_ms = budget_ms;
	return rpcauth_clnt_create(hosts, DEMOFS_PROG, DEMOFS_V1,
	    udp ? "udp" : "tcp", "demo@localhost", &o, err);
}

/* Two replicas and a reconnecting CLIENT of both, connected to the first. */
static CLIENT *
replicas_clnt(struct srvproc *a, struct srvproc *b, int ports[2], int udp,
    int budget_ms)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl;

	replicas(a, b, ports, NULL);
	cl = fo_clnt(ports, 2, udp, budget_ms, &err);
	ck_assert_msg(cl != NULL, "create: %s", err.msg ? err.msg : "?");
	return cl;
}

/* One server and a reconnecting TCP CLIENT of it. */
static CLIENT *
server_clnt(struct srvproc *srv, int *port)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl;

	(void)signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(e2e_server_start(srv, port,
	    testbed_server_keytab(bed), NULL), 0);
	cl = fo_clnt(port, 1, 0, 20000, &err);
	ck_assert_msg(cl != NULL, "create: %s", err.msg ? err.msg : "?");
	return cl;
}

/* STATS through cl: the count of the process that answered. */
static uint64_t
stats(CLIENT *cl)
{
	u_quad_t *r = demofs_stats_1(NULL, cl);
	const char *e;

	e = rpcauth_auth_error(cl->cl_auth);
	ck_assert_msg(r != NULL, "stats: %s | %s", clnt_sperror(cl, "stats"),
	    e != NULL ? e : "(no rpcauth error)");
	return *r;
}

static void
null_ok(CLIENT *cl)
{
	const char *e;

	if (demofs_null_1(NULL, cl) != NULL)
		return;
	e = rpcauth_auth_error(cl->cl_auth);
	ck_abort_msg("null: %s | %s", clnt_sperror(cl, "null"),
	    e != NULL ? e : "(no rpcauth error)");
}

static void
fo_destroy(CLIENT *cl)
{
	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
}

/*
 * TCP, server restarted between calls (_i 0: SIGTERM, 1: SIGKILL): the
 * next call runs on the new process, under a new context.
 */
START_TEST(tcp_restart_between_calls)
{
	struct rpcauth_auth_info info;
	struct srvproc srv;
	CLIENT *cl;
	int port, st;

	cl = server_clnt(&srv, &port);
	null_ok(cl);
	null_ok(cl);
	ck_assert_uint_eq(stats(cl), 2);
	if (_i == 0)
		ck_assert_int_eq(srvproc_stop(&srv, 5000, &st), 0);
	else
		server_kill(&srv);
	server_at(&srv, port, NULL);
	null_ok(cl);
	/* The new process ran the resent call, and nothing else. */
	ck_assert_uint_eq(stats(cl), 1);
	ck_assert_int_eq(rpcauth_auth_info(cl->cl_auth, &info), 0);
	ck_assert_str_eq(info.server_principal, "demo/localhost@RPCAUTH.TEST");
	ck_assert_ptr_null(rpcauth_auth_error(cl->cl_auth));
	fo_destroy(cl);
	srvproc_stop(&srv, 5000, &st);
}
END_TEST

/* The connection closed under the CLIENT (an idle close): reopened to
 * the same server, the call goes through. */
START_TEST(tcp_connection_closed)
{
	struct srvproc srv;
	CLIENT *cl;
	int port, fd = -1, st;

	cl = server_clnt(&srv, &port);
	null_ok(cl);
	ck_assert(clnt_control(cl, CLGET_FD, (char *)&fd));
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(shutdown(fd, SHUT_RDWR), 0);
	null_ok(cl);
	ck_assert_uint_eq(stats(cl), 2);	/* the same process */
	fo_destroy(cl);
	srvproc_stop(&srv, 5000, &st);
}
END_TEST

/* Two replicas, the first killed: calls go on at the second (_i 0 TCP,
 * 1 UDP). */
START_TEST(replica_killed)
{
	struct srvproc a, b;
	CLIENT *cl;
	int ports[2], st, i;

	cl = replicas_clnt(&a, &b, ports, _i, 20000);
	if (_i == 1) {
		struct timeval tv = { 1, 0 };

		ck_assert(clnt_control(cl, CLSET_RETRY_TIMEOUT, (char *)&tv));
		tv.tv_sec = 5;
		ck_assert(clnt_control(cl, CLSET_TIMEOUT, (char *)&tv));
	}
	null_ok(cl);
	ck_assert_uint_eq(stats(cl), 1);	/* on the first */
	server_kill(&a);
	for (i = 0; i < 3; i++)
		null_ok(cl);
	ck_assert_uint_eq(stats(cl), 3);	/* the second ran them */
	fo_destroy(cl);
	srvproc_stop(&b, 5000, &st);
}
END_TEST

/* Every replica down: one error, within the bound, naming each address
 * and its cause. */
START_TEST(all_down)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct srvproc a, b;
	struct rpc_err re;
	char want[64];
	const char *e;
	long long t0, spent;
	CLIENT *cl;
	int ports[2], st;

	cl = replicas_clnt(&a, &b, ports, _i, 2000);
	null_ok(cl);
	server_kill(&a);
	server_kill(&b);
	t0 = srvproc_now_ms();
	ck_assert_ptr_null(demofs_null_1(NULL, cl));
	spent = srvproc_now_ms() - t0;
	/* The bound plus one back-off step and one refused connection. */
	ck_assert_msg(spent < 2000 + 1500, "took %lld ms", spent);
	clnt_geterr(cl, &re);
	ck_assert_int_eq(re.re_status, RPC_CANTSEND);
	/* libtirpc's text names the transport cause too. */
	ck_assert_msg(strstr(clnt_sperror(cl, "null"), "Connection refused") !=
	    NULL, "%s", clnt_sperror(cl, "null"));
	e = rpcauth_auth_error(cl->cl_auth);
	ck_assert_ptr_nonnull(e);
	ck_assert_msg(strstr(e, "could be reached") != NULL, "%s", e);
	snprintf(want, sizeof(want), "127.0.0.1:%d: ", ports[0]);
	ck_assert_msg(strstr(e, want) != NULL, "%s", e);
	snprintf(want, sizeof(want), "127.0.0.1:%d: ", ports[1]);
	ck_assert_msg(strstr(e, want) != NULL, "%s", e);
	ck_assert_msg(strstr(e, "Connection refused") != NULL, "%s", e);
	fo_destroy(cl);
	/* The same at creation, through rpcauth_clnt_create's err. */
	ck_assert_ptr_null(fo_clnt(ports, 2, _i, 1000, &err));
	ck_assert_int_eq(err.code, RPCAUTH_E_RPC);
	ck_assert_msg(strstr(err.msg, want) != NULL, "%s", err.msg);
	rpcauth_err_clear(&err);
	(void)st;
}
END_TEST

/*
 * A replica that answers and refuses (it holds the wrong key) is not
 * failed over: the error is the handshake's, naming that address, and
 * the good replica behind it is never tried.
 */
START_TEST(refusal_is_not_failed_over)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct srvproc bad, good;
	CLIENT *cl;
	char want[64];
	int ports[2], st;

	replicas(&bad, &good, ports, testbed_wrong_keytab(bed));
	cl = fo_clnt(ports, 2, 0, 20000, &err);
	ck_assert_ptr_null(cl);
	ck_assert_int_ne(err.code, RPCAUTH_E_RPC);
	snprintf(want, sizeof(want), "127.0.0.1:%d: ", ports[0]);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s",
	    err.msg);
	rpcauth_err_clear(&err);
	/* Nobody reached the good one: a fresh client's STATS is its own. */
	cl = fo_clnt(&ports[1], 1, 0, 20000, &err);
	ck_assert_msg(cl != NULL, "create: %s", err.msg ? err.msg : "?");
	ck_assert_uint_eq(stats(cl), 0);
	fo_destroy(cl);
	srvproc_stop(&bad, 5000, &st);
	srvproc_stop(&good, 5000, &st);
}
END_TEST

/* Threads sharing one CLIENT: each makes its calls and counts failures. */
#define THREADS		4
#define THREAD_CALLS	100
struct sharer {
	CLIENT		*cl;
	int		 failed;
};

static void *
sharer_run(void *arg)
{
	struct sharer *sh = arg;
	int i;

	for (i = 0; i < THREAD_CALLS; i++)
		if (demofs_null_1(NULL, sh->cl) == NULL)
			sh->failed++;
	return NULL;
}

/*
 * Several threads call through one CLIENT while the replica it uses is
 * killed: the calls are serialized, the reconnection happens once, and
 * none fails.
 */
START_TEST(threads_share_one_client)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct sharer sh[THREADS];
	pthread_t tid[THREADS];
	struct srvproc a, b;
	CLIENT *cl, *watch;
	uint64_t on_a = 0;
	long long end;
	int ports[2], st, i;

	cl = replicas_clnt(&a, &b, ports, 0, 20000);
	watch = e2e_secure_clnt(ports[0], 0, RPCAUTH_SVC_INTEGRITY, 0, &err);
	ck_assert_ptr_nonnull(watch);
	for (i = 0; i < THREADS; i++) {
		sh[i].cl = cl;
		sh[i].failed = 0;
		ck_assert_int_eq(pthread_create(&tid[i], NULL, sharer_run,
		    &sh[i]), 0);
	}
	end = srvproc_now_ms() + 30000;
	while (on_a < THREADS * THREAD_CALLS / 4 && srvproc_now_ms() < end)
		on_a = *demofs_stats_1(NULL, watch);
	e2e_secure_destroy(watch);
	server_kill(&a);
	for (i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(tid[i], NULL), 0);
		ck_assert_int_eq(sh[i].failed, 0);
	}
	/* Some calls ran on the second replica: the kill came mid-run. */
	ck_assert_uint_gt(stats(cl), 0);
	ck_assert_uint_lt(on_a, THREADS * THREAD_CALLS);
	fo_destroy(cl);
	srvproc_stop(&b, 5000, &st);
}
END_TEST

/*
 * No port and no rpcbind: the message says so and how to give the port.
 * In a network namespace of its own (a child process) where nothing
 * answers, whatever the host runs.
 */
START_TEST(no_rpcbind_is_named)
{
	static const char *const hosts[] = { "127.0.0.1", NULL };
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	char msg[1024];
	ssize_t n;
	pid_t pid;
	int pfd[2], status;

	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(pfd[0]);
		rpcauth_client_opts_init(&o);
		o.failover_attempts = 1;
		o.failover_timeout_ms = 5000;
		if (unshare(CLONE_NEWNET) != 0)
			snprintf(msg, sizeof(msg), "unshare: %s",
			    strerror(errno));
		else if (rpcauth_clnt_create(hosts, DEMOFS_PROG, DEMOFS_V1,
		    "tcp", "demo@localhost", &o, &err) != NULL)
			snprintf(msg, sizeof(msg), "connected");
		else
			snprintf(msg, sizeof(msg), "%s", err.msg);
		(void)!write(pfd[1], msg, strlen(msg));
		_exit(0);
	}
	close(pfd[1]);
	n = read(pfd[0], msg, sizeof(msg) - 1);
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_gt(n, 0);
	msg[n] = '\0';
	ck_assert_msg(strstr(msg, "127.0.0.1: no port given and rpcbind on "
	    "127.0.0.1 does not answer") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "give the port as 127.0.0.1:PORT") != NULL,
	    "%s", msg);
}
END_TEST

/*
 * The demo client with two --host and --repeat: first a plain run, then
 * a run during which the replica it uses is killed and restarted.  The
 * test watches that replica's STATS until the client has made some
 * calls, stops the client (SIGSTOP) so that calls are left, kills and
 * restarts the replica, and lets the client go on: every call succeeds.
 */
#define RUN_CALLS	2000
START_TEST(demo_client_repeat_across_restart)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct srvproc a, b, cli;
	char pa[32], pb[32], errbuf[512], out[256];
	const char *argv[] = { DEMO_CLIENT, "--host", pa, "--host", pb,
	    "--principal", "demo@localhost", "--repeat", "2000", "null",
	    NULL };
	CLIENT *watch;
	uint64_t seen = 0, after;
	long long end;
	ssize_t n;
	size_t used = 0;
	int ports[2], st, r, status;

	replicas(&a, &b, ports, NULL);
	snprintf(pa, sizeof(pa), "127.0.0.1:%d", ports[0]);
	snprintf(pb, sizeof(pb), "127.0.0.1:%d", ports[1]);

	ck_assert_int_eq(srvproc_run((char *const *)argv, out, sizeof(out),
	    errbuf, sizeof(errbuf), 60000, &status), 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s",
	    errbuf);
	ck_assert_str_eq(out, "2000 ok, 0 failed\n");

	watch = e2e_secure_clnt(ports[0], 0, RPCAUTH_SVC_INTEGRITY, 0, &err);
	ck_assert_ptr_nonnull(watch);
	ck_assert_uint_eq(*demofs_stats_1(NULL, watch), RUN_CALLS);

	/* The second run, with a restart in it. */
	{
		int pfd[2];

		ck_assert_int_eq(pipe(pfd), 0);
		cli.pid = fork();
		ck_assert_int_ge(cli.pid, 0);
		if (cli.pid == 0) {
			dup2(pfd[1], STDOUT_FILENO);
			close(pfd[0]);
			close(pfd[1]);
			execv(DEMO_CLIENT, (char *const *)argv);
			_exit(127);
		}
		close(pfd[1]);
		cli.out_fd = pfd[0];
	}
	end = srvproc_now_ms() + 30000;
	while (seen < RUN_CALLS + 20 && srvproc_now_ms() < end)
		seen = *demofs_stats_1(NULL, watch);
	ck_assert_int_eq(kill(cli.pid, SIGSTOP), 0);
	/* Still running when stopped: calls are left for after the restart. */
	ck_assert_int_eq(waitpid(cli.pid, &status, WUNTRACED),
	    cli.pid);
	ck_assert(WIFSTOPPED(status));
	seen = *demofs_stats_1(NULL, watch);
	ck_assert_msg(seen >= RUN_CALLS + 20 && seen < 2 * RUN_CALLS - 1,
	    "client made %llu calls", (unsigned long long)(seen - RUN_CALLS));
	e2e_secure_destroy(watch);
	server_kill(&a);
	server_at(&a, ports[0], NULL);
	ck_assert_int_eq(kill(cli.pid, SIGCONT), 0);
	end = srvproc_now_ms() + 60000;
	while (srvproc_now_ms() < end && used < sizeof(out) - 1) {
		struct pollfd pf = { cli.out_fd, POLLIN, 0 };

		if ((r = poll(&pf, 1, 1000)) <= 0)
			continue;
		if ((n = read(cli.out_fd, out + used, sizeof(out) - 1 -
		    used)) <= 0)
			break;
		used += (size_t)n;
	}
	out[used] = '\0';
	ck_assert_int_eq(waitpid(cli.pid, &status, 0), cli.pid);
	close(cli.out_fd);
	ck_assert_str_eq(out, "2000 ok, 0 failed\n");
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The calls left ran after the restart, on one replica or both. */
	watch = e2e_secure_clnt(ports[0], 0, RPCAUTH_SVC_INTEGRITY, 0, &err);
	ck_assert_ptr_nonnull(watch);
	after = *demofs_stats_1(NULL, watch);
	e2e_secure_destroy(watch);
	watch = e2e_secure_clnt(ports[1], 0, RPCAUTH_SVC_INTEGRITY, 0, &err);
	ck_assert_ptr_nonnull(watch);
	after += *demofs_stats_1(NULL, watch);
	e2e_secure_destroy(watch);
	/*
	 * The call in flight at SIGSTOP may have run before the count was
	 * read (one more: it is sent again, at least once), or after it,
	 * with its reply read before the kill (one less).
	 */
	ck_assert_msg(after + 1 >= 2 * RUN_CALLS - seen &&
	    after <= 2 * RUN_CALLS - seen + 1, "%llu calls after the restart, "
	    "%llu left", (unsigned long long)after,
	    (unsigned long long)(2 * RUN_CALLS - seen));
	srvproc_stop(&a, 5000, &st);
	srvproc_stop(&b, 5000, &st);
}
END_TEST

/* The new options' usage errors: exit 2, one line naming the option. */
START_TEST(demo_client_usage)
{
	static const char *const bad[][2] = {
		{ "--repeat", "0" }, { "--repeat", "x" },
		{ "--host", "127.0.0.1:0" }, { "--host", "127.0.0.1:99999" },
	};
	char out[512], errbuf[512];
	size_t i;
	int status;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = { DEMO_CLIENT, "--host", "127.0.0.1",
		    "--port", "1", "--principal", "demo@localhost", bad[i][0],
		    bad[i][1], "null", NULL };

		ck_assert_int_eq(srvproc_run((char *const *)argv, out,
		    sizeof(out), errbuf, sizeof(errbuf), 10000, &status), 0);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2,
		    "%s %s: %s", bad[i][0], bad[i][1], errbuf);
		ck_assert_msg(strstr(errbuf, bad[i][0]) != NULL, "%s",
		    errbuf);
	}
	/* A host without a port and no --port: still a usage error. */
	{
		const char *argv[] = { DEMO_CLIENT, "--host", "127.0.0.1",
		    "--principal", "demo@localhost", "null", NULL };

		ck_assert_int_eq(srvproc_run((char *const *)argv, out,
		    sizeof(out), errbuf, sizeof(errbuf), 10000, &status), 0);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
		ck_assert_msg(strstr(errbuf, "--port is required") != NULL,
		    "%s", errbuf);
	}
}
END_TEST

/*
 * A call whose connection fails after the request went out is sent again
 * once, not once per connection attempt: an 8 MiB ECHO given 1 ms times out
 * each time it is sent, and the server must have run it exactly twice.
 */
START_TEST(resend_at_most_once)
{
	struct srvproc srv;
	struct timeval quick = { 0, 1000 }, back = { 25, 0 };
	demo_data arg, *res;
	uint64_t before, last, now = 0;
	CLIENT *cl;
	int port, i;

	cl = server_clnt(&srv, &port);
	before = stats(cl);
	arg.demo_data_len = 8u << 20;
	ck_assert_ptr_nonnull(arg.demo_data_val = calloc(1, arg.demo_data_len));
	ck_assert(clnt_control(cl, CLSET_TIMEOUT, (char *)&quick));
	res = demofs_echo_1(&arg, cl);
	ck_assert_msg(res == NULL, "an 8 MiB ECHO was answered within 1 ms");
	ck_assert(clnt_control(cl, CLSET_TIMEOUT, (char *)&back));
	/* The server runs what it received one request after another: wait
	 * until its count stops moving (STATS itself is not counted). */
	last = stats(cl);
	for (i = 0; i < 50; i++) {
		usleep(200000);
		if ((now = stats(cl)) == last)
			break;
		last = now;
	}
	ck_assert_msg(now - before == 2, "the ECHO ran %llu times on the "
	    "server (want 2: sent, then sent again once)",
	    (unsigned long long)(now - before));
	free(arg.demo_data_val);
	fo_destroy(cl);
	srvproc_stop(&srv, 5000, &i);
}
END_TEST

static Suite *
failover_suite(void)
{
	Suite *s = suite_create("failover");

	CKLIST(cklist_tcase(s, "restart", 120), 2, tcp_restart_between_calls,
	    replica_killed, all_down);
	CKLIST(cklist_tcase(s, "core", 180), 1, tcp_connection_closed,
	    refusal_is_not_failed_over, no_rpcbind_is_named,
	    threads_share_one_client, demo_client_usage,
	    demo_client_repeat_across_restart, resend_at_most_once);
	return s;
}

int
main(void)
{
	struct testbed_opts o = { .wrong_key_keytab = true };

	return e2e_main(failover_suite(), &o, &bed, NULL, NULL);
}
