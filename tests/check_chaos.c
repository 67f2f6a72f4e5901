/* tests/check_chaos.c - replicas killed, stopped and restarted under load: no call fails */
/*
 * Three replicas of the demo server on 127.0.0.1 sharing one --root (A and
 * B single processes, C with --workers 2) and, at once, six driver
 * processes (one rpcauth_clnt_create CLIENT each: TCP and UDP, integrity
 * and privacy, each starting on another replica) making ECHO and WRITE
 * calls, next to two demo clients (--repeat, three --host).  While they
 * run: A is killed (SIGKILL) and started again on its port, B is stopped
 * (SIGTERM) and started again later, and the worker of C that holds a
 * client's connection is killed (SIGKILL) and started again by C's
 * supervisor.  Each fault waits for a number of calls made since the last
 * one by the drivers and by each demo client (not for time; a demo client
 * far ahead is held with SIGSTOP until the fault, so both are calling
 * when it comes), and is checked to have happened: the replica had served
 * calls, its process is gone and a new one serves the port, and calls go
 * on after it.  C's worker is killed once it has run long enough to be
 * started again at once (README.md "Several cores" says what a young
 * death does to UDP clients).  Then:
 * every call succeeded, every file written reads back with its content
 * (through the replicas and on disk), and no server process grew its
 * resident memory by more than RSS_MARGIN_KIB past its first reading
 * after warm-up.  Bounded in calls and in time (every wait has a deadline).
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demofs.h"
#include "e2e.h"
#include "cklist.h"

#define NREPL		3
#define NDRIVERS	6
#define NDEMO		2
/* Calls (of all drivers together) between two faults, and before the
 * first: every fault lands in the middle of the run. */
#define STEP_CALLS	2000
/* Calls each driver makes after the last fault before it stops. */
#define AFTER_CALLS	200
/* Each demo client's --repeat: enough to outlast the faults (asserted:
 * both are still running after the last one). */
#define DEMO_REPEAT	"40000"
/* Lines (calls) each demo client must have printed before each fault:
 * the faults come while both run (checked), whatever their speed. */
#define DEMO_STEP	1500
#define WAIT_MS		60000
/* The demo clients' commands and what each of their calls prints. */
#define DEMO_TCP_TEXT	"written by the demo client over TCP"
#define DEMO_TCP_EACH	"35\n"		/* bytes written */
#define DEMO_UDP_EACH	"over UDP\n"
/*
 * Resident memory a server process may gain after its first reading
 * (taken once STEP_CALLS calls have run since it started).  What it holds
 * for the run is bounded by the clients: at most NDRIVERS + NDEMO + 2
 * connections (a record buffer pair of 256 KiB at most each: about 4 MiB
 * if every client sat on one process) and a context of a few KiB per
 * handshake; malloc keeps freed ECHO and WRITE buffers of up to 16 KiB
 * for reuse.  A leak of even 1 KiB per call passes it within the run's
 * STEP_CALLS * 4 calls spread over three replicas only if it is smaller
 * than this margin; the per-call leak checks are check_flood's.
 */
#if defined(__SANITIZE_ADDRESS__)
/* ASan keeps freed blocks in its quarantine (capped below) and shadow. */
#define RSS_MARGIN_KIB	(8192 + 2 * QUARANTINE_MB * 1024)
#else
#define RSS_MARGIN_KIB	8192
#endif
#define QUARANTINE_MB	16
#define MAXPROCS	32
#define DRIVER_PAUSE_US	1000	/* between two calls of a driver */
/*
 * C's workers are killed once they are older than this: the supervisor
 * starts a worker that had run 10 s (server/workers.c LIVED_LONG_MS) again
 * at once, and a younger one only after a back-off.
 */
#define WORKER_OLD_MS	10500
#define FILES		64	/* per driver */

static struct testbed *bed;

/* ---- what the drivers and the test share (mmap'd before the fork) ---- */

struct board {
	uint64_t	calls[NDRIVERS];	/* succeeded so far */
	uint64_t	failed[NDRIVERS];
	uint64_t	writes[NDRIVERS];	/* WRITE calls made */
	uint64_t	unread[NDRIVERS];	/* read back wrong or not at all */
	int		stop;			/* 1: finish, read back, exit */
	int		done[NDRIVERS];
	char		why[NDRIVERS][256];	/* the first failure */
};

static uint64_t
get64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void
put64(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* ---- a driver: one process, one failover CLIENT, no Check calls ---- */

/*
 * The bytes of call k of driver i: ECHO's argument or a file's content.
 * The length goes with the file's name (WRITE does not truncate), the
 * bytes with the call.
 */
static size_t
payload(int i, uint64_t k, char *buf, size_t cap)
{
	size_t n = 100 + (size_t)(k / 2 % FILES * 7919 % 16000), j;
	int h = snprintf(buf, cap, "driver %d call %llu\n", i,
	    (unsigned long long)k);

	if (n > cap)
		n = cap;
	for (j = (size_t)h; j < n; j++)
		buf[j] = (char)('a' + (j * 31 + k + (size_t)i) % 26);
	return n;
}

/* Call k's file: each driver rewrites FILES names round and round (the
 * run makes tens of thousands of calls). */
static void
file_name(int i, uint64_t k, char *buf, size_t cap)
{
	snprintf(buf, cap, "c%d-%llu", i, (unsigned long long)(k / 2 % FILES));
}

static void
note(struct board *b, int i, CLIENT *cl, const char *what)
{
	const char *e = rpcauth_auth_error(cl->cl_auth);

	b->failed[i]++;
	if (b->why[i][0] == '\0')
		snprintf(b->why[i], sizeof(b->why[i]), "%s: %s | %s", what,
		    clnt_sperror(cl, what), e != NULL ? e : "-");
}

/* Call k: even ECHO (the reply compared), odd WRITE of a new file. */
static int
one_call(CLIENT *cl, int i, uint64_t k, struct board *b)
{
	static char buf[16384];
	demo_data arg, *res;
	demo_write_args wa;
	demo_write_res *wr;
	char name[64];
	size_t n = payload(i, k, buf, sizeof(buf));

	if (k % 2 == 0) {
		arg.demo_data_len = (u_int)n;
		arg.demo_data_val = buf;
		res = demofs_echo_1(&arg, cl);
		if (res == NULL)
			return -1;
		if (res->demo_data_len != n ||
		    memcmp(res->demo_data_val, buf, n) != 0) {
			snprintf(b->why[i], sizeof(b->why[i]), "ECHO %llu "
			    "came back changed", (unsigned long long)k);
			return -2;
		}
		return 0;
	}
	file_name(i, k, name, sizeof(name));
	wa.path = name;
	wa.offset = 0;
	wa.create = TRUE;
	wa.data.demo_data_len = (u_int)n;
	wa.data.demo_data_val = buf;
	if ((wr = demofs_write_1(&wa, cl)) == NULL)
		return -1;
	if (wr->status != DEMO_OK || wr->demo_write_res_u.count != n) {
		snprintf(b->why[i], sizeof(b->why[i]), "WRITE %s: status %d",
		    name, (int)wr->status);
		return -2;
	}
	put64(&b->writes[i], k / 2 + 1);
	return 0;
}

/* Every file this driver wrote, read back through its CLIENT. */
static void
read_back(CLIENT *cl, int i, struct board *b)
{
	static char want[16384];
	demo_read_args ra;
	demo_read_res *rr;
	char name[64];
	uint64_t w, k;
	size_t n;

	for (w = b->writes[i] > FILES ? b->writes[i] - FILES : 0;
	    w < b->writes[i]; w++) {
		k = 2 * w + 1;
		n = payload(i, k, want, sizeof(want));
		file_name(i, k, name, sizeof(name));
		ra.path = name;
		ra.offset = 0;
		ra.count = sizeof(want) + 1;
		rr = demofs_read_1(&ra, cl);
		if (rr == NULL || rr->status != DEMO_OK ||
		    rr->demo_read_res_u.ok.data.demo_data_len != n ||
		    memcmp(rr->demo_read_res_u.ok.data.demo_data_val, want,
		    n) != 0) {
			if (b->unread[i]++ == 0 && rr == NULL)
				note(b, i, cl, "read back");
		}
		if (rr != NULL)
			xdr_free((xdrproc_t)xdr_demo_read_res, (char *)rr);
	}
}

static void
driver(int i, const int *ports, struct board *b)
{
	/* A datagram lost with a killed worker is sent again after 1 s,
	 * as the demo client does, not after libtirpc's 15. */
	struct timeval retry = { 1, 0 };
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_client_opts o;
	const char *hosts[NREPL + 1];
	char bufs[NREPL][32];
	int r, j, udp = i >= NREPL;
	uint64_t k;
	CLIENT *cl;

	/* Each driver starts on replica i % 3, then the others in order. */
	for (j = 0; j < NREPL; j++) {
		snprintf(bufs[j], sizeof(bufs[j]), "127.0.0.1:%d",
		    ports[(i + j) % NREPL]);
		hosts[j] = bufs[j];
	}
	hosts[NREPL] = NULL;
	rpcauth_client_opts_init(&o);
	o.service = i % 2 == 0 ? RPCAUTH_SVC_INTEGRITY : RPCAUTH_SVC_PRIVACY;
	cl = rpcauth_clnt_create(hosts, DEMOFS_PROG, DEMOFS_V1,
	    udp ? "udp" : "tcp", "demo@localhost", &o, &err);
	if (cl == NULL) {
		snprintf(b->why[i], sizeof(b->why[i]), "create: %s", err.msg);
		b->failed[i]++;
		__atomic_store_n(&b->done[i], 1, __ATOMIC_RELEASE);
		_exit(1);
	}
	if (udp)
		(void)clnt_control(cl, CLSET_RETRY_TIMEOUT, (char *)&retry);
	for (k = 0; !__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE); k++) {
		/* Concurrent, not flat out: the machine is shared. */
		usleep(DRIVER_PAUSE_US);
		if ((r = one_call(cl, i, k, b)) == 0)
			put64(&b->calls[i], get64(&b->calls[i]) + 1);
		else if (r == -1)
			note(b, i, cl, k % 2 == 0 ? "echo" : "write");
		else
			b->failed[i]++;
	}
	read_back(cl, i, b);
	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
	__atomic_store_n(&b->done[i], 1, __ATOMIC_RELEASE);
	_exit(0);
}

/* ---- the servers ---- */

struct replica {
	struct srvproc	 p;
	int		 port;
	const char	*workers;	/* "2", or NULL */
};

static char root[512];

/* Start r on r->port (0: a free one). */
static void
replica_start(struct replica *r)
{
	char portbuf[16], errbuf[512];
	const char *extra[] = { "--root", root, "--workers", r->workers,
	    NULL };
	const char *argv[] = { DEMO_SERVER, "--listen", "127.0.0.1", "--port",
	    portbuf, "--principal", "demo@localhost", "--keytab",
	    testbed_server_keytab(bed), "--root", root, "--workers",
	    r->workers, NULL };

	if (r->workers == NULL)
		extra[2] = argv[11] = NULL;
	if (r->port == 0) {
		ck_assert_int_eq(e2e_server_start(&r->p, &r->port,
		    testbed_server_keytab(bed), extra), 0);
		return;
	}
	snprintf(portbuf, sizeof(portbuf), "%d", r->port);
	ck_assert_msg(srvproc_start(&r->p, (char *const *)argv, "ready",
	    WAIT_MS, errbuf, sizeof(errbuf)) == 0, "restart on %d: %s",
	    r->port, errbuf);
}

/* The live children of ppid (from /proc/PPID/task/PPID/children), not
 * `gone`; how many. */
static int
workers_of(pid_t ppid, pid_t gone, pid_t *out, int max)
{
	char path[64], state;
	FILE *f;
	int n = 0, pid;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)ppid,
	    (int)ppid);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	while (n < max && fscanf(f, "%d", &pid) == 1) {
		FILE *s;

		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if ((s = fopen(path, "r")) == NULL)
			continue;
		/* "pid (demo-server) S ...": the comm has no ')'. */
		if (fscanf(s, "%*d %*s %c", &state) == 1 && state != 'Z' &&
		    pid != gone)
			out[n++] = pid;
		fclose(s);
	}
	fclose(f);
	return n;
}

/* Established TCP connections to 127.0.0.1:port whose socket pid holds. */
static int
conns_held(pid_t pid, int port)
{
	unsigned long inodes[256], ino;
	unsigned int lp, st;
	char line[512], path[300], link[64], want[64];
	struct dirent *e;
	int n = 0, held = 0, i;
	FILE *f = fopen("/proc/net/tcp", "r");
	DIR *d;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL && n < 256)
		if (sscanf(line, " %*d: %*8X:%4X %*8X:%*4X %2X %*X:%*X %*X:%*X "
		    "%*X %*u %*u %lu", &lp, &st, &ino) == 3 &&
		    (int)lp == port && st == 0x01)
			inodes[n++] = ino;
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		ssize_t k;

		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid,
		    e->d_name);
		if ((k = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[k] = '\0';
		for (i = 0; i < n; i++) {
			snprintf(want, sizeof(want), "socket:[%lu]",
			    inodes[i]);
			held += strcmp(link, want) == 0;
		}
	}
	closedir(d);
	return held;
}

/* ---- memory: each server process's VmRSS, first and highest ---- */

struct rss {
	pid_t		 pid;
	uint64_t	 born;		/* total calls when first seen */
	long		 first, max;	/* KiB; first: after warm-up */
};
static struct rss rss[MAXPROCS];
static int nrss;

static void
rss_sample(pid_t pid, uint64_t total)
{
	struct rss *r = NULL;
	long kib;
	int i;

	for (i = 0; i < nrss && r == NULL; i++)
		if (rss[i].pid == pid)
			r = &rss[i];
	if (r == NULL) {
		ck_assert_int_lt(nrss, MAXPROCS);
		r = &rss[nrss++];
		r->pid = pid;
		r->born = total;
		r->first = r->max = -1;
	}
	if ((kib = srvproc_rss_kib(pid)) < 0 || total < r->born + STEP_CALLS)
		return;
	if (r->first < 0)
		r->first = kib;
	if (kib > r->max)
		r->max = kib;
}

/* ---- the run ---- */

static struct replica rep[NREPL];
static struct board *board;
static pid_t drivers[NDRIVERS];

static uint64_t
total_calls(void)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < NDRIVERS; i++) {
		t += get64(&board->calls[i]);
		ck_assert_msg(board->failed[i] == 0, "driver %d: %s", i,
		    board->why[i]);
	}
	return t;
}

/* Every process of the replicas that is up, weighed. */
static void
sample_all(uint64_t total)
{
	pid_t w[4];
	int i, n;

	for (i = 0; i < NREPL; i++) {
		if (rep[i].p.pid <= 0)
			continue;
		rss_sample(rep[i].p.pid, total);
		if (rep[i].workers != NULL) {
			n = workers_of(rep[i].p.pid, 0, w, 4);
			while (n-- > 0)
				rss_sample(w[n], total);
		}
	}
}

/* A demo client with --repeat: its stdout is read as it runs. */
struct democli {
	struct srvproc	 p;
	const char	*each;		/* what every call prints */
	uint64_t	 lines, odd;	/* lines seen; lines not `each` */
	char		 part[256], last[256];
	size_t		 plen;
	int		 eof;
	int		 held;		/* SIGSTOPped by run_calls */
};
static struct democli demo[NDEMO];

/* Start d: three --host starting on replica `first`. */
static void
demo_start(struct democli *d, int first, int udp, const char *svc,
    const char *const *cmd, const char *each)
{
	char hosts[NREPL][32];
	const char *argv[24] = { DEMO_CLIENT, "--principal", "demo@localhost",
	    "--service", svc, "--repeat", DEMO_REPEAT };
	int pfd[2], n = 7, j;

	for (j = 0; j < NREPL; j++) {
		snprintf(hosts[j], sizeof(hosts[j]), "127.0.0.1:%d",
		    rep[(first + j) % NREPL].port);
		argv[n++] = "--host";
		argv[n++] = hosts[j];
	}
	if (udp)
		argv[n++] = "--udp";
	for (j = 0; cmd[j] != NULL; j++)
		argv[n++] = cmd[j];
	argv[n] = NULL;
	memset(d, 0, sizeof(*d));
	d->each = each;
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	ck_assert_int_ge(d->p.pid = fork(), 0);
	if (d->p.pid == 0) {
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(pfd[1], STDOUT_FILENO);
		execv(DEMO_CLIENT, (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	d->p.out_fd = pfd[0];
	ck_assert_int_eq(fcntl(d->p.out_fd, F_SETFL, O_NONBLOCK), 0);
}

/* What d has printed so far, counted (its stdout is a pipe: it comes in
 * 4 KiB blocks).  Every line but the last must be d->each. */
static void
demo_pump(struct democli *d)
{
	char buf[4096];
	ssize_t n;
	ssize_t i;

	while (!d->eof && (n = read(d->p.out_fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			ck_assert_int_eq(errno, EAGAIN);
			return;
		}
		for (i = 0; i < n; i++) {
			if (d->plen < sizeof(d->part) - 1)
				d->part[d->plen++] = buf[i];
			if (buf[i] != '\n')
				continue;
			d->part[d->plen] = '\0';
			if (d->lines++ > 0 && strcmp(d->last, d->each) != 0)
				d->odd++;
			memcpy(d->last, d->part, d->plen + 1);
			d->plen = 0;
		}
	}
	d->eof = 1;
}

/* d's stdout to EOF and its exit status 0: DEMO_REPEAT lines of d->each,
 * then the count line.  Bounded by the test's timeout (a hung client
 * dies with this process: PR_SET_PDEATHSIG). */
static void
demo_finish(struct democli *d, const char *label)
{
	struct pollfd pf = { d->p.out_fd, POLLIN, 0 };
	int st;

	while (!d->eof) {
		(void)poll(&pf, 1, 1000);
		demo_pump(d);
	}
	close(d->p.out_fd);
	ck_assert_int_eq(waitpid(d->p.pid, &st, 0), d->p.pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    strcmp(d->last, DEMO_REPEAT " ok, 0 failed\n") == 0 &&
	    d->odd == 0 && d->lines == strtoull(DEMO_REPEAT, NULL, 10) + 1,
	    "demo client %s: status 0x%x, %llu lines (%llu unexpected), last "
	    "\"%s\"", label, st, (unsigned long long)d->lines,
	    (unsigned long long)d->odd, d->last);
}

/*
 * Let the drivers make `more` calls, and each demo client print at least
 * `demo_lines` lines, weighing the servers meanwhile; the total then.  A
 * demo client far ahead is stopped (SIGSTOP) and continued on return: it
 * runs when the fault comes, whatever the relative speeds.
 */
static uint64_t
run_calls(uint64_t more, uint64_t demo_lines, long long not_before,
    const char *before)
{
	uint64_t start = total_calls(), t;
	long long end = srvproc_now_ms() + WAIT_MS;
	int i, behind;

	for (;;) {
		sample_all(t = total_calls());
		for (i = behind = 0; i < NDEMO; i++) {
			demo_pump(&demo[i]);
			behind += demo[i].lines < demo_lines;
			/* Far ahead of the drivers: held until the fault, so
			 * that it is still making calls then. */
			if (!demo[i].held && demo[i].lines >= demo_lines +
			    DEMO_STEP) {
				ck_assert_int_eq(kill(demo[i].p.pid, SIGSTOP),
				    0);
				demo[i].held = 1;
			}
		}
		if (t >= start + more && !behind &&
		    srvproc_now_ms() >= not_before)
			break;
		ck_assert_msg(srvproc_now_ms() < end + (not_before > 0 ?
		    WORKER_OLD_MS : 0), "%llu calls of %llu, "
		    "demo clients at %llu and %llu lines of %llu, before %s",
		    (unsigned long long)(t - start), (unsigned long long)more,
		    (unsigned long long)demo[0].lines,
		    (unsigned long long)demo[1].lines,
		    (unsigned long long)demo_lines, before);
		usleep(20000);
	}
	for (i = 0; i < NDEMO; i++)
		if (demo[i].held) {
			ck_assert_int_eq(kill(demo[i].p.pid, SIGCONT), 0);
			demo[i].held = 0;
		}
	fprintf(stderr, "chaos: %s: %llu driver calls, demo clients at %llu "
	    "and %llu\n", before, (unsigned long long)t,
	    (unsigned long long)demo[0].lines,
	    (unsigned long long)demo[1].lines);
	return t;
}

/* Replica i's process has run calls (DEMOFS STATS counts them). */
static void
served(int i, const char *name)
{
	uint64_t n = e2e_stats(rep[i].port);

	ck_assert_msg(n != UINT64_MAX && n > 0, "replica %s served no call "
	    "before its fault (STATS %llu)", name, (unsigned long long)n);
}

static void
still_running(pid_t pid, const char *what)
{
	int st;

	ck_assert_msg(waitpid(pid, &st, WNOHANG) == 0, "%s had finished "
	    "before the last fault (status 0x%x): the faults missed it", what,
	    st);
}

/* A file the drivers wrote, read on disk: what the replicas served. */
static void
check_disk(void)
{
	static char want[16384], got[16384 + 1];
	char path[700], name[64];
	uint64_t w, k, files = 0;
	size_t n;
	ssize_t r;
	int i, fd;

	for (i = 0; i < NDRIVERS; i++)
		for (w = board->writes[i] > FILES ? board->writes[i] - FILES :
		    0; w < board->writes[i]; w++, files++) {
			k = 2 * w + 1;
			n = payload(i, k, want, sizeof(want));
			file_name(i, k, name, sizeof(name));
			snprintf(path, sizeof(path), "%s/%s", root, name);
			ck_assert_msg((fd = open(path, O_RDONLY)) >= 0,
			    "%s: %s", path, strerror(errno));
			r = read(fd, got, sizeof(got));
			close(fd);
			ck_assert_msg(r == (ssize_t)n && memcmp(got, want, n)
			    == 0, "%s: %zd bytes, not the %zu written", path,
			    r, n);
		}
	ck_assert_uint_eq(files, NDRIVERS * FILES);
	snprintf(path, sizeof(path), "%s/demo-tcp.txt", root);
	ck_assert_int_ge(fd = open(path, O_RDONLY), 0);
	r = read(fd, got, sizeof(got));
	close(fd);
	ck_assert_msg(r == (ssize_t)strlen(DEMO_TCP_TEXT) &&
	    memcmp(got, DEMO_TCP_TEXT, (size_t)r) == 0, "%s: %zd bytes", path,
	    r);
}

START_TEST(replicas_fail_under_load)
{
	static const char *const tcp_cmd[] = { "write", "demo-tcp.txt",
	    DEMO_TCP_TEXT, NULL };
	static const char *const udp_cmd[] = { "echo", "over UDP", NULL };
	pid_t w[4], old, victim = -1;
	uint64_t t, mark[NDRIVERS];
	long long end;
	long long c_started;
	char asan[512];
	int ports[NREPL], i, n, st, best = -1;

	(void)signal(SIGPIPE, SIG_IGN);
	/* Every process started from here: servers, drivers, demo clients
	 * (ignored without ASan). */
	snprintf(asan, sizeof(asan), "%s:quarantine_size_mb=%d",
	    getenv("ASAN_OPTIONS") != NULL ? getenv("ASAN_OPTIONS") : "",
	    QUARANTINE_MB);
	ck_assert_int_eq(setenv("ASAN_OPTIONS", asan, 1), 0);
	snprintf(root, sizeof(root), "%s/chaos-root", testbed_dir(bed));
	ck_assert_int_eq(mkdir(root, 0700), 0);
	rep[2].workers = "2";
	for (i = 0; i < NREPL; i++) {
		replica_start(&rep[i]);
		ports[i] = rep[i].port;
	}
	c_started = srvproc_now_ms();
	board = mmap(NULL, sizeof(*board), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(board, MAP_FAILED);
	memset(board, 0, sizeof(*board));
	for (i = 0; i < NDRIVERS; i++) {
		ck_assert_int_ge(drivers[i] = fork(), 0);
		if (drivers[i] == 0) {
			/* A failed assertion ends this process: they go too. */
			(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
			driver(i, ports, board);
		}
	}
	demo_start(&demo[0], 1, 0, "privacy", tcp_cmd, DEMO_TCP_EACH);
	demo_start(&demo[1], 2, 1, "integrity", udp_cmd, DEMO_UDP_EACH);
	run_calls(STEP_CALLS, DEMO_STEP, 0, "the first fault");

	/* 1. A, serving calls, killed and started again on its port. */
	served(0, "A");
	old = rep[0].p.pid;
	ck_assert_int_eq(kill(old, SIGKILL), 0);
	srvproc_stop(&rep[0].p, 5000, &st);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	replica_start(&rep[0]);
	ck_assert_int_ne(rep[0].p.pid, old);
	run_calls(STEP_CALLS, 2 * DEMO_STEP, 0, "B's stop");

	/* 2. B, serving calls, stopped (SIGTERM: it exits 0), left down for
	 * a while. */
	served(1, "B");
	ck_assert_msg(srvproc_stop_clean(&rep[1].p, 5000, &st) == 0,
	    "replica B: status 0x%x after SIGTERM", st);
	rep[1].p.pid = -1;
	run_calls(STEP_CALLS, 3 * DEMO_STEP, c_started + WORKER_OLD_MS,
	    "the worker's kill");

	/* 3. The worker of C holding the most client connections, killed;
	 * its supervisor starts another. */
	n = workers_of(rep[2].p.pid, 0, w, 4);
	ck_assert_int_eq(n, 2);
	for (i = 0; i < n; i++) {
		int held = conns_held(w[i], rep[2].port);

		if (held > best) {
			best = held;
			victim = w[i];
		}
	}
	ck_assert_msg(best > 0, "no client connection on C's workers");
	ck_assert_int_eq(kill(victim, SIGKILL), 0);
	end = srvproc_now_ms() + WAIT_MS;
	while (workers_of(rep[2].p.pid, victim, w, 4) < 2) {
		ck_assert_msg(srvproc_now_ms() < end, "C's supervisor did "
		    "not replace worker %d", (int)victim);
		usleep(20000);
	}
	ck_assert_int_eq(kill(rep[2].p.pid, 0), 0);
	run_calls(STEP_CALLS, 4 * DEMO_STEP, 0, "B's restart");

	/* 4. B back on its port. */
	replica_start(&rep[1]);
	for (i = 0; i < NDEMO; i++)
		still_running(demo[i].p.pid, i == 0 ? "the TCP demo client" :
		    "the UDP demo client");
	for (i = 0; i < NDRIVERS; i++)
		mark[i] = get64(&board->calls[i]);
	end = srvproc_now_ms() + WAIT_MS;
	for (i = 0; i < NDRIVERS; i++)
		while (get64(&board->calls[i]) < mark[i] + AFTER_CALLS) {
			ck_assert_msg(srvproc_now_ms() < end, "driver %d: "
			    "%llu calls after the last fault", i,
			    (unsigned long long)(get64(&board->calls[i]) -
			    mark[i]));
			usleep(20000);
			sample_all(t = total_calls());
			demo_pump(&demo[0]);
			demo_pump(&demo[1]);
		}

	/* Stop, read back, count. */
	__atomic_store_n(&board->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < NDRIVERS; i++) {
		ck_assert_int_eq(waitpid(drivers[i], &st, 0), drivers[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
		    board->done[i], "driver %d: status 0x%x: %s", i, st,
		    board->why[i]);
		ck_assert_msg(board->failed[i] == 0 && board->unread[i] == 0,
		    "driver %d: %llu failed, %llu files not read back: %s", i,
		    (unsigned long long)board->failed[i],
		    (unsigned long long)board->unread[i], board->why[i]);
	}
	demo_finish(&demo[0], "TCP write");
	demo_finish(&demo[1], "UDP echo");
	t = total_calls();
	ck_assert_uint_ge(t, 4 * STEP_CALLS + NDRIVERS * AFTER_CALLS);
	check_disk();
	for (i = 0; i < nrss; i++)
		ck_assert_msg(rss[i].first < 0 ||
		    rss[i].max <= rss[i].first + RSS_MARGIN_KIB, "server "
		    "process %d: VmRSS %ld KiB after warm-up, then %ld KiB",
		    (int)rss[i].pid, rss[i].first, rss[i].max);
	/* Weighed: the first A, both first workers of C, at least. */
	for (i = n = 0; i < nrss; i++)
		n += rss[i].first >= 0;
	ck_assert_int_ge(n, 4);
	fprintf(stderr, "chaos: %llu driver calls + 2 x %s demo calls, 0 "
	    "failed; %d server processes weighed\n", (unsigned long long)t,
	    DEMO_REPEAT, n);
	for (i = 0; i < nrss; i++)
		fprintf(stderr, "chaos: pid %d VmRSS %ld -> %ld KiB\n",
		    (int)rss[i].pid, rss[i].first, rss[i].max);
	for (i = 0; i < NREPL; i++)
		srvproc_stop(&rep[i].p, 5000, &st);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("chaos");
	TCase *tc = cklist_tcase(s, "core", 300);

	CKLIST(tc, 1, replicas_fail_under_load);
	return e2e_main(s, NULL, &bed, NULL, NULL);
}
