/* server/workers.c - a supervisor for N worker processes on one port */
/*
 * Invariant: the supervisor holds no socket of the service and no GSS-API
 * or krb5 state.  Every worker makes its sockets (SO_REUSEPORT, so the
 * kernel spreads connections and UDP 4-tuples over the workers), its
 * rpcauth registration and thus its context table after the fork; a
 * socket the supervisor kept would be hashed traffic nobody reads, and a
 * krb5 context shared across fork would share its caches.  Each slot
 * has at most one live worker; slot.pid is -1 between a death and the
 * restart.  Signals only write to a self-pipe: all the work happens in
 * the poll loop.  docs/DEPLOYMENT.md, "Several cores", says why this is
 * the program's business and not the library's.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "workers.h"

/* A worker that lived this long is restarted at once. */
#define LIVED_LONG_MS	10000
/* Restart delays for workers that die young: first, then doubled up to. */
#define BACKOFF_MIN_MS	1000
#define BACKOFF_MAX_MS	30000
/* After SIGTERM, workers still running this much later are killed. */
#define STOP_GRACE_MS	10000
/* Most workers; more would not find more cores to run on. */
#define WORKERS_MAX	256

struct slot {
	pid_t		pid;		/* -1: not running */
	int		ready_fd;	/* read end; -1 once read or closed */
	int		ready;		/* wrote its byte since its start */
	long long	started_ms;
	long long	restart_at_ms;	/* when pid is -1 */
	long long	backoff_ms;	/* next delay for a young death */
};

struct sup {
	struct slot	*slots;
	unsigned int	 n;
	workers_fn	 fn;
	void		*arg;
	const char	*prog;
	int		 announced;	/* on_ready called */
	int		 stopping;
	long long	 kill_at_ms;	/* when stopping */
	int		 status;	/* what workers_run returns */
};

static int sig_fd[2] = { -1, -1 };
/* What the supervisor handles; workers get the defaults back. */
static const int handled[] = { SIGTERM, SIGINT, SIGCHLD };
#define NHANDLED	(sizeof(handled) / sizeof(handled[0]))

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
on_signal(int sig)
{
	int saved = errno;
	char c = sig == SIGCHLD ? 'C' : 'T';
	ssize_t n;

	n = write(sig_fd[1], &c, 1);	/* a full pipe has told us already */
	(void)n;
	errno = saved;
}

/* Every signal in handled[] to handler (SIG_DFL: as before us). */
static int
handle_signals(void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler,
	    .sa_flags = SA_RESTART | SA_NOCLDSTOP };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NHANDLED; i++)
		if (sigaction(handled[i], &sa, NULL) == -1)
			return -1;
	return 0;
}

/*
 * In the child: drop everything of the supervisor's (its handlers, its
 * pipes, the other workers' pipes), die with the supervisor, run fn.
 */
static void
worker_main(struct sup *s, unsigned int self, int ready_wr, pid_t parent,
    const sigset_t *mask)
{
	unsigned int i;

	/* Blocked across fork(): none may run the supervisor's handler here. */
	(void)handle_signals(SIG_DFL);
	(void)sigprocmask(SIG_SETMASK, mask, NULL);
	close(sig_fd[0]);
	close(sig_fd[1]);
	for (i = 0; i < s->n; i++)
		if (i != self && s->slots[i].ready_fd != -1)
			close(s->slots[i].ready_fd);
	/* A supervisor killed outright must not leave workers serving. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
		_exit(1);
	fflush(NULL);
	exit(s->fn(s->arg, ready_wr));
}

static int
spawn(struct sup *s, unsigned int i)
{
	struct slot *sl = &s->slots[i];
	pid_t parent = getpid(), pid;
	sigset_t block, old;
	size_t k;
	int p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	fflush(NULL);			/* no stdio buffer written twice */
	sigemptyset(&block);
	for (k = 0; k < NHANDLED; k++)
		sigaddset(&block, handled[k]);
	(void)sigprocmask(SIG_BLOCK, &block, &old);
	if ((pid = fork()) == -1) {
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		worker_main(s, i, p[1], parent, &old);
	}
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	sl->pid = pid;
	sl->ready_fd = p[0];
	sl->ready = 0;
	sl->started_ms = now_ms();
	return 0;
}

static void
signal_all(struct sup *s, int sig)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->slots[i].pid > 0)
			kill(s->slots[i].pid, sig);
}

static void
stop_all(struct sup *s, int status)
{
	if (!s->stopping) {
		s->stopping = 1;
		s->kill_at_ms = now_ms() + STOP_GRACE_MS;
		signal_all(s, SIGTERM);
	}
	if (status != 0)
		s->status = status;
}

static void
describe(int wst, char *buf, size_t len)
{
	if (WIFEXITED(wst))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(wst));
	else if (WIFSIGNALED(wst))
		snprintf(buf, len, "was killed by signal %d", WTERMSIG(wst));
	else
		snprintf(buf, len, "ended");
}

/* One worker ended: note it, and plan its restart unless we stop. */
static void
reaped(struct sup *s, struct slot *sl, unsigned int i, int wst)
{
	long long now = now_ms(), lived = now - sl->started_ms;
	char how[64];

	describe(wst, how, sizeof(how));
	sl->pid = -1;
	if (sl->ready_fd != -1) {
		close(sl->ready_fd);
		sl->ready_fd = -1;
	}
	if (s->stopping) {
		if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
			fprintf(stderr, "%s: worker %u %s while stopping\n",
			    s->prog, i + 1, how);
			s->status = 1;
		}
		return;
	}
	if (!s->announced) {
		/* A worker that exits by itself has said why in one line. */
		if (!WIFEXITED(wst) || WEXITSTATUS(wst) == 0)
			fprintf(stderr, "%s: worker %u %s before it listened: "
			    "stopping\n", s->prog, i + 1, how);
		stop_all(s, 1);
		return;
	}
	if (lived >= LIVED_LONG_MS)
		sl->backoff_ms = 0;
	else if (sl->backoff_ms == 0)
		sl->backoff_ms = BACKOFF_MIN_MS;
	else if ((sl->backoff_ms *= 2) > BACKOFF_MAX_MS)
		sl->backoff_ms = BACKOFF_MAX_MS;
	sl->restart_at_ms = now + sl->backoff_ms;
	fprintf(stderr, "%s: worker %u %s; starting it again in %lld ms\n",
	    s->prog, i + 1, how, sl->backoff_ms);
}

static void
reap(struct sup *s)
{
	unsigned int i;
	pid_t pid;
	int wst;

	while ((pid = waitpid(-1, &wst, WNOHANG)) > 0)
		for (i = 0; i < s->n; i++)
			if (s->slots[i].pid == pid)
				reaped(s, &s->slots[i], i, wst);
}

/*
 * Slot i has no worker and may get one now or later.  At start, the
 * others wait for the first to listen: a bad keytab or port then fails
 * once, in one line, not once per worker.
 */
static int
startable(const struct sup *s, unsigned int i)
{
	return !s->stopping && s->slots[i].pid == -1 &&
	    (i == 0 || s->announced || s->slots[0].ready);
}

/* The poll timeout: the next restart or the kill deadline; -1: none. */
static int
next_timeout(const struct sup *s)
{
	long long at = -1, now = now_ms();
	unsigned int i;

	if (s->stopping)
		at = s->kill_at_ms;
	else
		for (i = 0; i < s->n; i++)
			if (startable(s, i) &&
			    (at == -1 || s->slots[i].restart_at_ms < at))
				at = s->slots[i].restart_at_ms;
	if (at == -1)
		return -1;
	return at <= now ? 0 : (int)(at - now);
}

static int
live_workers(const struct sup *s)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < s->n; i++)
		n += s->slots[i].pid > 0;
	return n;
}

/* Read what became readable: signals, and workers' ready bytes or EOFs. */
static void
handle_events(struct sup *s, struct pollfd *pfd, nfds_t npfd,
    void (*on_ready)(void *))
{
	unsigned int i, nready = 0;
	nfds_t k;
	char c;

	/* Drained whatever poll said: a signal may land after it returned. */
	while (read(sig_fd[0], &c, 1) == 1)
		if (c == 'T')
			stop_all(s, 0);
	for (k = 1; k < npfd; k++) {
		if (pfd[k].revents == 0)
			continue;
		for (i = 0; i < s->n && s->slots[i].ready_fd != pfd[k].fd; i++)
			;
		if (i == s->n)
			continue;
		/* EOF without the byte: its death arrives as SIGCHLD. */
		s->slots[i].ready = read(pfd[k].fd, &c, 1) == 1;
		close(pfd[k].fd);
		s->slots[i].ready_fd = -1;
	}
	reap(s);
	for (i = 0; i < s->n; i++)
		nready += s->slots[i].ready;
	if (!s->announced && !s->stopping && nready == s->n) {
		s->announced = 1;
		on_ready(s->arg);
	}
}

static void
restart_due(struct sup *s)
{
	long long now = now_ms();
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		struct slot *sl = &s->slots[i];

		if (!startable(s, i) || sl->restart_at_ms > now)
			continue;
		if (spawn(s, i) == -1) {
			fprintf(stderr, "%s: cannot start worker %u: %s\n",
			    s->prog, i + 1, strerror(errno));
			sl->restart_at_ms = now + BACKOFF_MAX_MS;
			if (!s->announced)
				stop_all(s, 1);
		}
	}
}

int
workers_run(unsigned int n, workers_fn fn, void (*on_ready)(void *),
    void *arg, const char *prog)
{
	struct sup s;
	struct pollfd *pfd = NULL;
	unsigned int i;
	nfds_t npfd;

	memset(&s, 0, sizeof(s));
	s.n = n;
	s.fn = fn;
	s.arg = arg;
	s.prog = prog;
	if (n == 0 || n > WORKERS_MAX ||
	    (s.slots = calloc(n, sizeof(*s.slots))) == NULL ||
	    (pfd = calloc(n + 1, sizeof(*pfd))) == NULL ||
	    pipe2(sig_fd, O_NONBLOCK | O_CLOEXEC) == -1 ||
	    handle_signals(on_signal) == -1) {
		fprintf(stderr, "%s: cannot set up %u workers: %s\n", prog, n,
		    n == 0 || n > WORKERS_MAX ? "too many" : strerror(errno));
		s.status = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		s.slots[i].pid = -1;
		s.slots[i].ready_fd = -1;
	}
	if (spawn(&s, 0) == -1) {
		fprintf(stderr, "%s: cannot start worker 1: %s\n", prog,
		    strerror(errno));
		stop_all(&s, 1);
	}
	while (!s.stopping || live_workers(&s) > 0) {
		pfd[0].fd = sig_fd[0];
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		for (npfd = 1, i = 0; i < n; i++)
			if (s.slots[i].ready_fd != -1) {
				pfd[npfd].fd = s.slots[i].ready_fd;
				pfd[npfd].events = POLLIN;
				pfd[npfd++].revents = 0;
			}
		if (poll(pfd, npfd, next_timeout(&s)) == -1 && errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", prog,
			    strerror(errno));
			stop_all(&s, 1);
		}
		handle_events(&s, pfd, npfd, on_ready);
		if (s.stopping && live_workers(&s) > 0 &&
		    now_ms() >= s.kill_at_ms) {
			fprintf(stderr, "%s: workers still running %d ms after "
			    "SIGTERM: killing them\n", prog, STOP_GRACE_MS);
			signal_all(&s, SIGKILL);
			s.status = 1;
			s.kill_at_ms = now_ms() + STOP_GRACE_MS;
		}
		restart_due(&s);
	}
out:
	if (s.slots != NULL)
		for (i = 0; i < n; i++)
			if (s.slots[i].ready_fd != -1)
				close(s.slots[i].ready_fd);
	free(s.slots);
	free(pfd);
	return s.status;
}
