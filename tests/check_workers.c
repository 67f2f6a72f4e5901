/* tests/check_workers.c - rpcauth-demo-server --workers: N processes on one port */
/*
 * The demo server with --workers 2 (server/workers.c): one "ready" line once
 * both workers listen, TCP connections from different client addresses
 * (127.0.0.N) spread over both worker processes (seen in /proc: which
 * worker holds the accepted socket), calls at integrity and privacy over
 * TCP and UDP; the worker that serves 127.0.0.1, killed with SIGKILL, is
 * started again and clients carry on: UDP ones that reach another worker
 * now through a new context, made over the AUTH's own socket (the same
 * 4-tuple, so the same worker as their calls: rpcauth/clnt_renew.c);
 * SIGTERM stops every process and the supervisor exits 0.  Waits are
 * bounded; nothing asserts on time.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clnt_internal.h"
#include "demofs.h"
#include "e2e.h"
#include "cklist.h"

#define NWORKERS	2
/* Client addresses 127.0.0.N tried before both workers must have had
 * one: the server hashes addresses, 2 to 64 cannot all land on one. */
#define TCP_TRIES	64
/* UDP clients made before a worker is killed: some land on it. */
#define UDP_CLIENTS	24
#define WAIT_MS		20000

static struct testbed *bed;

/* ---- the processes: workers are the supervisor's live children ---- */

/* Up to max live (not zombie) children of ppid into pids; how many. */
static int
children(pid_t ppid, pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[64], buf[512], *rp, state;
	int n = 0, pp;
	FILE *f;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;	/* gone meanwhile */
		rp = fgets(buf, sizeof(buf), f);
		fclose(f);
		/* "pid (comm) state ppid ...": comm may hold anything. */
		if (rp == NULL || (rp = strrchr(buf, ')')) == NULL ||
		    sscanf(rp + 1, " %c %d", &state, &pp) != 2)
			continue;
		if (pp == ppid && state != 'Z' && n < max)
			pids[n++] = (pid_t)atoi(e->d_name);
	}
	closedir(d);
	return n;
}

/*
 * Sockets on 127.0.0.1:port in /proc/net/tcp or udp: with state `st`
 * (0x0A LISTEN, 0x07 UDP's unconnected) and any peer, or -- when rport is
 * not 0 -- the one whose peer port is rport.  Returns how many; *inode_out
 * (may be NULL) gets the last one's inode.
 */
static int
sockets(const char *table, int port, int st, int rport,
    unsigned long *inode_out)
{
	FILE *f = fopen(table, "r");
	char line[512];
	unsigned int la, lp, ra, rp, s;
	unsigned long ino;
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, " %*d: %8X:%4X %8X:%4X %2X %*X:%*X %*X:%*X "
		    "%*X %*u %*u %lu", &la, &lp, &ra, &rp, &s, &ino) != 6 ||
		    (int)lp != port)
			continue;
		if (rport != 0 ? (int)rp != rport : (int)s != st)
			continue;
		n++;
		if (inode_out != NULL)
			*inode_out = ino;
	}
	fclose(f);
	return n;
}

/* Wait until ppid has NWORKERS children, none of them `gone` (0: any),
 * and NWORKERS TCP listeners and UDP sockets are on the port. */
static void
wait_workers(pid_t ppid, int port, pid_t gone, pid_t *pids)
{
	long long deadline = srvproc_now_ms() + WAIT_MS;
	int n, i, ok;

	for (;;) {
		n = children(ppid, pids, NWORKERS + 1);
		ok = n == NWORKERS &&
		    sockets("/proc/net/tcp", port, 0x0A, 0, NULL) == NWORKERS &&
		    sockets("/proc/net/udp", port, 0x07, 0, NULL) == NWORKERS;
		for (i = 0; i < n; i++)
			ok = ok && pids[i] != gone;
		if (ok)
			return;
		ck_assert_msg(srvproc_now_ms() < deadline, "%d workers of "
		    "%d found listening on port %d (want %d, not pid %d)",
		    n, (int)ppid, port, NWORKERS, (int)gone);
		usleep(20000);
	}
}

/* Which of pids holds the server end of cl's TCP connection; -1: none. */
static int
worker_of(CLIENT *cl, int port, const pid_t *pids, int n)
{
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	unsigned long ino = 0;
	char path[64], want[64], got[64];
	struct dirent *e;
	ssize_t k;
	DIR *d;
	int fd, i, found = -1;

	ck_assert(clnt_control(cl, CLGET_FD, (char *)&fd));
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&me, &len), 0);
	ck_assert_int_eq(sockets("/proc/net/tcp", port, 0, ntohs(me.sin_port),
	    &ino), 1);
	snprintf(want, sizeof(want), "socket:[%lu]", ino);
	for (i = 0; i < n && found == -1; i++) {
		snprintf(path, sizeof(path), "/proc/%d/fd", (int)pids[i]);
		if ((d = opendir(path)) == NULL)
			continue;
		while (found == -1 && (e = readdir(d)) != NULL) {
			snprintf(path, sizeof(path), "/proc/%d/fd/%s",
			    (int)pids[i], e->d_name);
			k = readlink(path, got, sizeof(got) - 1);
			if (k > 0 && (got[k] = '\0', strcmp(got, want) == 0))
				found = i;
		}
		closedir(d);
	}
	return found;
}

/* ---- the server ---- */

static void
start_workers(struct srvproc *srv, int *port, pid_t *pids)
{
	static const char *const extra[] = { "--workers", "2", NULL };

	ck_assert_int_eq(e2e_server_start(srv, port,
	    testbed_server_keytab(bed), extra), 0);
	wait_workers(srv->pid, *port, 0, pids);
}

/* SIGTERM: exit 0, no second "ready" line, no worker left. */
static void
stop_workers(struct srvproc *srv, const pid_t *pids)
{
	char rest[4096];
	size_t len = 0;
	ssize_t k;
	int st, i;

	ck_assert_msg(srvproc_stop_clean(srv, WAIT_MS, &st) == 0,
	    "supervisor: status 0x%x after SIGTERM", st);
	/* Workers shared its stdout: EOF once all of them are gone. */
	while (len < sizeof(rest) - 1 &&
	    (k = read(srv->out_fd, rest + len, sizeof(rest) - 1 - len)) > 0)
		len += (size_t)k;
	rest[len] = '\0';
	ck_assert_msg(strstr(rest, "ready") == NULL, "a second ready line: "
	    "%s", rest);
	for (i = 0; i < NWORKERS; i++)
		ck_assert_msg(kill(pids[i], 0) == -1 && errno == ESRCH,
		    "worker %d still there after the supervisor exited",
		    (int)pids[i]);
}

static CLIENT *
client(int port, int udp, enum rpcauth_service svc)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl = e2e_secure_clnt(port, udp, svc, 0, &err);

	ck_assert_msg(cl != NULL, "%s %s client: %s", udp ? "UDP" : "TCP",
	    e2e_svcname(svc), err.msg ? err.msg : "?");
	return cl;
}

/* An rpcauth CLIENT over TCP from 127.0.0.`host`. */
static CLIENT *
client_from(int port, int host, enum rpcauth_service svc)
{
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct sockaddr_in sin;
	CLIENT *cl;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)host);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_ptr_nonnull(cl = e2e_clnt_fd(fd, port, 0, DEMOFS_PROG,
	    DEMOFS_V1));
	rpcauth_client_opts_init(&o);
	o.service = svc;
	cl = e2e_auth(cl, "demo@localhost", &o, &err);
	ck_assert_msg(cl != NULL, "client from 127.0.0.%d: %s", host,
	    err.msg ? err.msg : "?");
	return cl;
}

static enum rpcauth_service
svc_of(int i)
{
	return i % 2 == 0 ? RPCAUTH_SVC_INTEGRITY : RPCAUTH_SVC_PRIVACY;
}

/* ---- tests ---- */

START_TEST(two_workers_share_the_port)
{
	struct srvproc srv;
	pid_t pids[NWORKERS + 1];
	CLIENT *cl[TCP_TRIES];
	int port, i, n, w, seen[NWORKERS] = { 0 };

	start_workers(&srv, &port, pids);
	for (n = 0; n < TCP_TRIES && (seen[0] == 0 || seen[1] == 0); n++) {
		cl[n] = client_from(port, 2 + n, svc_of(n));
		e2e_echo_check(cl[n], 1000, "tcp");
		w = worker_of(cl[n], port, pids, NWORKERS);
		ck_assert_msg(w >= 0, "connection %d held by no worker", n);
		seen[w]++;
	}
	ck_assert_msg(seen[0] > 0 && seen[1] > 0, "%d client addresses, all "
	    "on one worker", n);
	for (i = 0; i < 4; i++) {
		CLIENT *u = client(port, 1, svc_of(i));

		e2e_echo_check(u, 1000, "udp");
		e2e_secure_destroy(u);
	}
	for (i = 0; i < n; i++)
		e2e_secure_destroy(cl[i]);
	stop_workers(&srv, pids);
}
END_TEST

START_TEST(killed_worker_is_restarted)
{
	struct srvproc srv;
	pid_t pids[NWORKERS + 1], killed;
	CLIENT *udp[UDP_CLIENTS], *cl;
	unsigned int renewed = 0;
	int port, i;

	start_workers(&srv, &port, pids);
	for (i = 0; i < UDP_CLIENTS; i++) {
		udp[i] = client(port, 1, svc_of(i));
		e2e_echo_check(udp[i], 100, "udp before");
	}
	/* The worker of a TCP connection: about half of the UDP 4-tuples
	 * hash to it as well (all of them missing it: 2^-24). */
	cl = client(port, 0, RPCAUTH_SVC_INTEGRITY);
	ck_assert_int_ge(i = worker_of(cl, port, pids, NWORKERS), 0);
	killed = pids[i];
	e2e_secure_destroy(cl);
	ck_assert_int_eq(kill(killed, SIGKILL), 0);
	wait_workers(srv.pid, port, killed, pids);

	for (i = 0; i < 2; i++) {
		cl = client(port, 0, svc_of(i));
		e2e_echo_check(cl, 1000, "tcp after");
		e2e_secure_destroy(cl);
	}
	/* Their datagrams now reach a worker without their context: its
	 * CREDPROBLEM makes the AUTH set up a new one, unseen by the caller,
	 * over a socket of its own that must reach that same worker. */
	for (i = 0; i < UDP_CLIENTS; i++) {
		e2e_echo_check(udp[i], 100, "udp after");
		renewed += ((struct clnt_state *)udp[i]->cl_auth->ah_private)->
		    contexts - 1;
		e2e_secure_destroy(udp[i]);
	}
	/* At most two each: the kill, and the kernel's re-hashing when the
	 * new worker joins the port. */
	ck_assert_msg(renewed >= 1 && renewed <= 2 * UDP_CLIENTS, "%u new "
	    "contexts for %d UDP clients", renewed, UDP_CLIENTS);
	stop_workers(&srv, pids);
}
END_TEST

/* A worker that cannot start stops everything: one line, exit 1. */
START_TEST(failed_start_is_one_line)
{
	char portbuf[16], out[1024], err[1024], *nl;
	const char *argv[] = { DEMO_SERVER, "--listen", "127.0.0.1", "--port",
	    portbuf, "--principal", "demo@localhost", "--keytab",
	    "/nonexistent/keytab", "--workers", "2", NULL };
	int st;

	snprintf(portbuf, sizeof(portbuf), "%d", srvproc_free_port());
	ck_assert_int_eq(srvproc_run((char *const *)argv, out, sizeof(out),
	    err, sizeof(err), WAIT_MS, &st), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status 0x%x",
	    st);
	ck_assert_msg(strstr(out, "ready") == NULL, "ready: %s", out);
	nl = strchr(err, '\n');
	ck_assert_msg(nl != NULL && nl[1] == '\0' &&
	    strstr(err, "/nonexistent/keytab") != NULL, "stderr: %s", err);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("workers");
	/* Each test starts a server of its own: no shared set-up. */
	TCase *tc = cklist_tcase(s, "core", 120);

	CKLIST(tc, 1, two_workers_share_the_port, killed_worker_is_restarted,
	    failed_start_is_one_line);
	return e2e_main(s, NULL, &bed, NULL, NULL);
}
