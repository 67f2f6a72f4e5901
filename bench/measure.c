/* bench/measure.c - timed client jobs, each run in a child process */
/*
 * The child makes one connection and context per target (not timed) and
 * one checked warm-up call on each, then takes turns: each target in turn
 * repeats the operation for a slice of SLICE_MS, and only its own slices
 * count towards its time.  The first target of a round rotates, so none
 * always follows the same one.  The three securities go through the same
 * code: only secure() differs.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpc/rpcsec_gss.h>

#include "rpcauth/rpcauth.h"
#include "demofs.h"
#include "measure.h"

#define SERVICE		"demo@localhost"	/* when the job names none */
/*
 * Client record buffers: 256 KiB, the most libtirpc grants, for every
 * security alike (libtirpc's GSS needs it for 64 KiB bodies under krb5i
 * and krb5p; the others would do with less).
 */
#define CLNT_BUFSZ	(256 * 1024)

/* Seconds on `id`: CLOCK_MONOTONIC for the slices, CLOCK_PROCESS_CPUTIME_ID
 * for this process's CPU time (the job's child is single-threaded). */
static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A server's CPU time in seconds, from the scheduler's nanosecond count
 * (/proc/PID/schedstat; its stat file counts 10 ms ticks, too coarse for
 * a slice).  rpcbench-server runs svc_run() in one thread.  -1: unknown.
 */
static double
server_cpu_s(pid_t pid)
{
	char path[64];
	unsigned long long ns;
	FILE *f;
	int n;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/schedstat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fscanf(f, "%llu", &ns);
	fclose(f);
	return n == 1 ? (double)ns / 1e9 : -1;
}

const char *
bsys_name(enum bsys s)
{
	switch (s) {
	case BSYS_AUTHSYS:
		return "AUTH_SYS";
	case BSYS_TIRPC:
		return "libtirpc";
	case BSYS_RPCAUTH:
		return "rpcauth";
	default:
		return "?";
	}
}

const char *
level_name(int level)
{
	return level == 1 ? "krb5" : level == 2 ? "krb5i" :
	    level == 3 ? "krb5p" : "?";
}

/* See bench_server.c: an empty body, without casting xdr_void. */
static bool_t
xdr_nothing(XDR *xdrs, void *p)
{
	(void)xdrs;
	(void)p;
	return TRUE;
}

static CLIENT *
connect_clnt(int port, char *why, size_t len)
{
	struct sockaddr_in sin;
	struct netbuf nb;
	CLIENT *cl;
	int fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(why, len, "socket: %s", strerror(errno));
		return NULL;
	}
	/* What clnt_create(3) does for TCP; libtirpc's server does it too. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		snprintf(why, len, "connect 127.0.0.1:%d: %s", port,
		    strerror(errno));
		close(fd);
		return NULL;
	}
	nb.buf = &sin;
	nb.len = nb.maxlen = sizeof(sin);
	cl = clnt_vc_create(fd, &nb, DEMOFS_PROG, DEMOFS_V1, CLNT_BUFSZ,
	    CLNT_BUFSZ);
	if (cl == NULL) {
		snprintf(why, len, "clnt_vc_create failed");
		close(fd);
		return NULL;
	}
	(void)clnt_control(cl, CLSET_FD_CLOSE, NULL);
	return cl;
}

/* Install the job's security on cl: the one place the systems differ. */
static int
secure(CLIENT *cl, enum bsys sys, int level, const char *service,
    char *why, size_t len)
{
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	rpc_gss_options_ret_t ret;
	AUTH *a;

	switch (sys) {
	case BSYS_AUTHSYS:
		if ((a = authsys_create_default()) == NULL) {
			snprintf(why, len, "authsys_create_default failed");
			return -1;
		}
		cl->cl_auth = a;	/* AUTH_NONE needs no destroy */
		return 0;
	case BSYS_TIRPC:
		memset(&ret, 0, sizeof(ret));
		a = rpc_gss_seccreate(cl, (char *)(uintptr_t)service,
		    "kerberos_v5",
		    (rpc_gss_service_t)level, NULL, NULL, &ret);
		if (a == NULL) {
			snprintf(why, len, "rpc_gss_seccreate: major %d minor "
			    "%d", ret.major_status, ret.minor_status);
			return -1;
		}
		cl->cl_auth = a;
		return 0;
	case BSYS_RPCAUTH:
		rpcauth_client_opts_init(&o);
		o.service = (enum rpcauth_service)level;
		if (rpcauth_client_create(cl, service, &o, &err) == NULL) {
			snprintf(why, len, "rpcauth_client_create: %s",
			    err.msg != NULL ? err.msg : "?");
			rpcauth_err_clear(&err);
			return -1;
		}
		return 0;
	default:
		snprintf(why, len, "no such system");
		return -1;
	}
}

/* auth_destroy first: it sends DESTROY over the still open CLIENT. */
static void
teardown(CLIENT *cl)
{
	if (cl == NULL)
		return;
	if (cl->cl_auth != NULL)
		auth_destroy(cl->cl_auth);
	cl->cl_auth = NULL;
	clnt_destroy(cl);
}

static const char *
job_service(const struct bjob *job)
{
	return job->service != NULL ? job->service : SERVICE;
}

static CLIENT *
secure_clnt(const struct bjob *job, const struct btarget *t, char *why,
    size_t len)
{
	CLIENT *cl;

	if ((cl = connect_clnt(t->port, why, len)) == NULL)
		return NULL;
	if (secure(cl, t->sys, job->level, job_service(job), why, len) != 0) {
		clnt_destroy(cl);
		return NULL;
	}
	return cl;
}

/* Echo buffers, shared by the targets: a pattern out, the reply back. */
struct echobuf {
	demo_data	 in, out;
	char		*outbuf;
	size_t		 size;
	int		 preset;	/* decode into outbuf, no allocation */
};

static int
echobuf_init(struct echobuf *eb, size_t size, int preset)
{
	size_t i;

	memset(eb, 0, sizeof(*eb));
	eb->size = size;
	eb->preset = preset;
	/* +1: malloc(0) may return NULL. */
	if ((eb->in.demo_data_val = malloc(size + 1)) == NULL ||
	    (eb->outbuf = malloc(size + 1)) == NULL)
		return -1;
	for (i = 0; i < size; i++)
		eb->in.demo_data_val[i] = (char)(i * 131 + 7);
	eb->in.demo_data_len = (u_int)size;
	return 0;
}

static int
one_call(CLIENT *cl, enum bop op, struct echobuf *eb, char *why, size_t len)
{
	struct timeval tmo = { 60, 0 };
	enum clnt_stat st;
	const char *ae;

	if (op == BOP_NULL) {
		st = clnt_call(cl, DEMOFS_NULL, (xdrproc_t)xdr_nothing, NULL,
		    (xdrproc_t)xdr_nothing, NULL, tmo);
	} else {
		/*
		 * By default as an rpcgen client does: XDR allocates the
		 * result and the previous one is freed first (clnt_freeres).
		 * Preset (--reply preset): xdr_bytes decodes into outbuf,
		 * which takes a cost off every system alike and so raises
		 * their ratios (our server echoes exactly size bytes; the
		 * warm-up call checks that).
		 */
		if (!eb->preset)
			xdr_free((xdrproc_t)xdr_demo_data, (char *)&eb->out);
		eb->out.demo_data_val = eb->preset ? eb->outbuf : NULL;
		eb->out.demo_data_len = 0;
		st = clnt_call(cl, DEMOFS_ECHO, (xdrproc_t)xdr_demo_data,
		    (char *)&eb->in, (xdrproc_t)xdr_demo_data,
		    (char *)&eb->out, tmo);
	}
	if (st == RPC_SUCCESS)
		return 0;
	ae = rpcauth_auth_error(cl->cl_auth);
	snprintf(why, len, "%s%s%s", clnt_sperrno(st),
	    ae != NULL ? ": " : "", ae != NULL ? ae : "");
	return -1;
}

/*
 * One operation of the job on one target: a call, or a whole setup.  On
 * one connection (the way NFS keeps its connection and makes a context
 * per user): handshake and DESTROY, then the CLIENT is AUTH_NONE again
 * (libtirpc's authnone_create is one static AUTH, nothing to free).
 */
static int
one_op(const struct bjob *job, const struct btarget *t, CLIENT *cl,
    struct echobuf *eb, char *why, size_t len)
{
	if (job->op == BOP_SETUP_SAME) {
		if (secure(cl, t->sys, job->level, job_service(job), why,
		    len) != 0)
			return -1;
		auth_destroy(cl->cl_auth);
		cl->cl_auth = authnone_create();
		return 0;
	}
	if (job->op != BOP_SETUP)
		return one_call(cl, job->op, eb, why, len);
	if ((cl = secure_clnt(job, t, why, len)) == NULL)
		return -1;
	teardown(cl);
	return 0;
}

/*
 * rpcauth says in its trace which enctype its OpenSSL fast path took on
 * (rpcauth/secctx.c); the trace is on only around the warm-up, so that
 * the timed part formats no lines.
 */
static void
fast_trace(const char *line, void *arg)
{
	const char *p = strstr(line, "made with OpenSSL (enctype ");
	int *enctype = arg;

	if (p != NULL)
		*enctype = atoi(p + strlen("made with OpenSSL (enctype "));
}

/*
 * Connection, context and a checked warm-up operation; for SETUP the
 * warm-up is a setup (the service ticket goes into the ccache then).
 */
static CLIENT *
prepare(const struct bjob *job, const struct btarget *t,
    struct echobuf *eb, struct bresult *res)
{
	CLIENT *cl = NULL;
	int r;

	if (job->op == BOP_SETUP) {
		(void)one_op(job, t, NULL, eb, res->err, sizeof(res->err));
		return NULL;
	}
	if (job->op == BOP_SETUP_SAME) {
		if ((cl = connect_clnt(t->port, res->err,
		    sizeof(res->err))) == NULL ||
		    one_op(job, t, cl, eb, res->err, sizeof(res->err)) == 0)
			return cl;
		goto fail;
	}
	if ((cl = secure_clnt(job, t, res->err, sizeof(res->err))) == NULL)
		return NULL;
	res->fast_enctype = 0;
	if (t->sys == BSYS_RPCAUTH)
		rpcauth_set_trace(fast_trace, &res->fast_enctype);
	r = one_call(cl, job->op, eb, res->err, sizeof(res->err));
	rpcauth_set_trace(NULL, NULL);
	if (r != 0)
		goto fail;
	if (job->op == BOP_ECHO && (eb->out.demo_data_len != job->size ||
	    memcmp(eb->in.demo_data_val, eb->out.demo_data_val,
	    job->size) != 0)) {
		snprintf(res->err, sizeof(res->err), "ECHO of %zu bytes came "
		    "back different (%u bytes)", job->size,
		    eb->out.demo_data_len);
		goto fail;
	}
	return cl;
fail:
	teardown(cl);
	return NULL;
}

static void
run_turns(const struct bjob *job, struct bresult res[BENCH_MAXT])
{
	CLIENT *cl[BENCH_MAXT];
	int active[BENCH_MAXT];
	struct echobuf eb;
	double t0, t, c0, s0, s1, slice = SLICE_MS / 1000.0;
	int no_server_cpu[BENCH_MAXT];
	uint64_t n;
	int i, k, round, left;

	memset(cl, 0, sizeof(cl));
	memset(no_server_cpu, 0, sizeof(no_server_cpu));
	if (echobuf_init(&eb, job->op == BOP_ECHO ? job->size : 0,
	    job->preset_reply) != 0) {
		for (i = 0; i < job->ntargets; i++)
			snprintf(res[i].err, sizeof(res[i].err),
			    "out of memory");
		goto out;
	}
	for (i = 0; i < job->ntargets; i++) {
		res[i].err[0] = '\0';
		cl[i] = prepare(job, &job->t[i], &eb, &res[i]);
		active[i] = res[i].err[0] == '\0';
	}
	for (round = 0;; round++) {
		left = 0;
		for (k = 0; k < job->ntargets; k++) {
			i = (k + round) % job->ntargets;
			if (!active[i])
				continue;
			n = 0;
			s0 = server_cpu_s(job->t[i].server_pid);
			c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
			t = t0 = clock_s(CLOCK_MONOTONIC);
			do {
				if (one_op(job, &job->t[i], cl[i], &eb,
				    res[i].err, sizeof(res[i].err)) != 0)
					break;
				n++;
				t = clock_s(CLOCK_MONOTONIC);
			} while (t - t0 < slice);
			if (res[i].err[0] != '\0') {
				active[i] = 0;	/* out of the job */
				continue;
			}
			res[i].ops += n;
			res[i].secs += t - t0;
			res[i].cpu_client +=
			    clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
			s1 = server_cpu_s(job->t[i].server_pid);
			if (s0 >= 0 && s1 >= s0 && !no_server_cpu[i])
				res[i].cpu_server += s1 - s0;
			else
				no_server_cpu[i] = 1;
			if (res[i].secs < job->seconds ||
			    res[i].ops < job->min_ops)
				left++;
		}
		if (left == 0)
			break;
	}
	for (i = 0; i < job->ntargets; i++) {
		res[i].ok = active[i];
		if (no_server_cpu[i])
			res[i].cpu_server = 0;
	}
out:
	for (i = 0; i < job->ntargets; i++)
		teardown(cl[i]);
	if (!eb.preset)
		xdr_free((xdrproc_t)xdr_demo_data, (char *)&eb.out);
	free(eb.in.demo_data_val);
	free(eb.outbuf);
}

/*
 * Free a batch of AUTHs without DESTROY, so that their contexts stay on
 * the server: once the socket is shut down, the DESTROY each auth_destroy
 * attempts fails at once (EPIPE; SIGPIPE is ignored in the child).
 */
static void
abandon(CLIENT *cl, AUTH **auths, size_t n)
{
	size_t i;
	int fd;

	if (clnt_control(cl, CLGET_FD, (char *)&fd))
		(void)shutdown(fd, SHUT_RDWR);
	for (i = 0; i < n; i++)
		auth_destroy(auths[i]);
	cl->cl_auth = NULL;
	clnt_destroy(cl);
}

/*
 * `count` contexts left on the server, POP_BATCH per connection, each a
 * full handshake with nothing torn down: the server's table only grows.
 * The client keeps no more than one batch in memory.
 */
static void
run_populate(const struct bjob *job, struct bresult *res)
{
	AUTH *auths[POP_BATCH];
	CLIENT *cl;
	double t0;
	size_t done = 0, nb;

	t0 = clock_s(CLOCK_MONOTONIC);
	while (done < job->count) {
		if ((cl = connect_clnt(job->t[0].port, res->err,
		    sizeof(res->err))) == NULL)
			return;
		for (nb = 0; nb < POP_BATCH && done < job->count; nb++) {
			if (secure(cl, job->t[0].sys, job->level,
			    job_service(job), res->err,
			    sizeof(res->err)) != 0) {
				abandon(cl, auths, nb);
				return;
			}
			auths[nb] = cl->cl_auth;
			done++;
		}
		abandon(cl, auths, nb);
	}
	res->ops = done;
	res->secs = clock_s(CLOCK_MONOTONIC) - t0;
	res->ok = 1;
}

/*
 * `count` connections, each with its own context (libtirpc's server keeps
 * one context per connection), held open until the parent kills us.  The
 * server of a HOLD job is thrown away after it: no DESTROY.
 */
static void
run_hold(const struct bjob *job, struct bresult *res, int res_fd)
{
	double t0 = clock_s(CLOCK_MONOTONIC);
	size_t i;

	for (i = 0; i < job->count; i++)
		if (secure_clnt(job, &job->t[0], res->err,
		    sizeof(res->err)) == NULL)
			return;
	res->ops = i;
	res->secs = clock_s(CLOCK_MONOTONIC) - t0;
	res->ok = 1;
	if (write(res_fd, res, sizeof(*res)) != (ssize_t)sizeof(*res))
		_exit(1);
	for (;;)
		pause();
}

static void
child(const struct bjob *job, int res_fd)
{
	struct bresult res[BENCH_MAXT];
	size_t len = sizeof(res[0]) * (size_t)job->ntargets;

	/* If rpcbench is killed, its jobs go too (the servers already do). */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)signal(SIGPIPE, SIG_IGN);
	memset(res, 0, sizeof(res));
	/* Before any krb5 call of this process reads the profile. */
	if (job->krb5_config != NULL &&
	    setenv("KRB5_CONFIG", job->krb5_config, 1) != 0)
		_exit(1);
	switch (job->op) {
	case BOP_NULL:
	case BOP_ECHO:
	case BOP_SETUP:
	case BOP_SETUP_SAME:
		run_turns(job, res);
		break;
	case BOP_POPULATE:
		run_populate(job, &res[0]);
		break;
	case BOP_HOLD:
		run_hold(job, &res[0], res_fd);
		break;
	}
	/* One write below PIPE_BUF arrives whole.  _exit: the parent's
	 * atexit work (the KDC bed) is not ours. */
	_exit(write(res_fd, res, len) == (ssize_t)len ? 0 : 1);
}

int
job_start(const struct bjob *job, struct bchild *ch)
{
	int rp[2];

	ch->pid = -1;
	ch->res_fd = -1;
	ch->hold = job->op == BOP_HOLD;
	ch->ntargets = job->ntargets;
	if (job->ntargets < 1 || job->ntargets > BENCH_MAXT) {
		errno = EINVAL;
		return -1;
	}
	if (pipe2(rp, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	if ((ch->pid = fork()) < 0) {
		close(rp[0]);
		close(rp[1]);
		return -1;
	}
	if (ch->pid == 0) {
		close(rp[0]);
		child(job, rp[1]);
	}
	/* Only the child holds the write end: EOF means it is gone. */
	close(rp[1]);
	ch->res_fd = rp[0];
	return 0;
}

static void
describe_status(int status, char *why, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(why, len, "the client crashed (signal %d, %s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status))
		snprintf(why, len, "the client exited with status %d and no "
		    "result", WEXITSTATUS(status));
	else
		snprintf(why, len, "the client ended without a result");
}

void
job_release(struct bchild *ch)
{
	int status;

	/* A HOLD child waits for this; any other has exited or must stop. */
	if (ch->pid > 0 && ch->hold)
		(void)kill(ch->pid, SIGKILL);
	if (ch->res_fd >= 0)
		close(ch->res_fd);
	ch->res_fd = -1;
	if (ch->pid > 0)
		while (waitpid(ch->pid, &status, 0) < 0 && errno == EINTR)
			;
	ch->pid = -1;
}

int
job_wait(struct bchild *ch, struct bresult res[BENCH_MAXT], int timeout_ms)
{
	struct pollfd pf = { ch->res_fd, POLLIN, 0 };
	size_t want = sizeof(res[0]) * (size_t)ch->ntargets;
	char why[sizeof(res[0].err)];
	ssize_t n = -1;
	int i, r, status = 0, nok = 0;

	memset(res, 0, sizeof(res[0]) * BENCH_MAXT);
	do
		r = poll(&pf, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		n = read(ch->res_fd, res, want);
	if (n != (ssize_t)want) {
		if (r == 0) {
			(void)kill(ch->pid, SIGKILL);
			snprintf(why, sizeof(why), "no result within %d s "
			    "(the client was stopped)", timeout_ms / 1000);
		} else {
			/* Reap now to say how the child ended. */
			(void)waitpid(ch->pid, &status, 0);
			ch->pid = -1;
			describe_status(status, why, sizeof(why));
		}
		memset(res, 0, sizeof(res[0]) * BENCH_MAXT);
		for (i = 0; i < ch->ntargets; i++)
			snprintf(res[i].err, sizeof(res[i].err), "%s", why);
	}
	for (i = 0; i < ch->ntargets; i++) {
		res[i].err[sizeof(res[i].err) - 1] = '\0';
		if (res[i].ok && res[i].secs > 0)
			nok++;
		else
			res[i].ok = 0;
	}
	if (nok < ch->ntargets || !ch->hold)
		job_release(ch);
	return nok;
}

int
job_run(const struct bjob *job, struct bresult res[BENCH_MAXT],
    int timeout_ms)
{
	struct bchild ch;
	int i, n;

	if (job_start(job, &ch) != 0) {
		memset(res, 0, sizeof(res[0]) * BENCH_MAXT);
		for (i = 0; i < BENCH_MAXT; i++)
			snprintf(res[i].err, sizeof(res[i].err), "fork: %s",
			    strerror(errno));
		return 0;
	}
	n = job_wait(&ch, res, timeout_ms);
	job_release(&ch);
	return n;
}
