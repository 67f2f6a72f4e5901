/* tools/srvproc.h - start, watch and stop helper processes for the tests */
#ifndef RPCAUTH_TESTS_SRVPROC_H
#define RPCAUTH_TESTS_SRVPROC_H

#include <stddef.h>
#include <sys/types.h>

/* The monotonic clock in milliseconds: deadlines that a clock change
 * cannot move.  Shared by the bed, the tests and the benchmarks. */
long long srvproc_now_ms(void);

/* A port on 127.0.0.1 that was free for both TCP and UDP a moment ago, or -1. */
int	srvproc_free_port(void);

struct srvproc {
	pid_t	pid;
	int	out_fd;		/* read end of the child's stdout */
};

/*
 * Start argv (argv[0] a path) with stdout on a pipe and wait up to
 * timeout_ms for a stdout line containing `ready`.  The child gets
 * PR_SET_PDEATHSIG(SIGKILL) so that a killed test leaves no server behind.
 * Returns 0, or -1 with errbuf filled (the child is stopped then).
 */
int	srvproc_start(struct srvproc *p, char *const argv[], const char *ready,
	    int timeout_ms, char *errbuf, size_t errlen);

/*
 * SIGTERM, wait up to timeout_ms, then SIGKILL.  *status_out (may be NULL)
 * gets the waitpid status.  Returns 0 if the child exited by itself in time,
 * -1 otherwise.  Safe to call twice.
 */
int	srvproc_stop(struct srvproc *p, int timeout_ms, int *status_out);

/*
 * srvproc_stop(), and 0 only if the child exited by itself, in time, with
 * status 0: a server that must shut down cleanly on SIGTERM (under ASan:
 * with no memory error found).  *status_out (may be NULL) as above.
 */
int	srvproc_stop_clean(struct srvproc *p, int timeout_ms, int *status_out);

/* VmRSS of process pid in KiB (/proc/PID/status), or -1: what the tests
 * and the benchmark weigh servers by. */
long	srvproc_rss_kib(pid_t pid);

/* All of buf to fd, through EINTR and short writes: 0, or -1 (errno set). */
int	srvproc_write_all(int fd, const void *buf, size_t len);
/*
 * Exactly len bytes from fd, through EINTR, by `deadline` (srvproc_now_ms()
 * time; negative: none): 1, 0 when the deadline passed, -1 at EOF or on
 * an error.
 */
int	srvproc_read_by(int fd, void *buf, size_t len, long long deadline);
/* The same without a deadline: 0, or -1 at EOF or on an error. */
int	srvproc_read_all(int fd, void *buf, size_t len);

/*
 * Run argv to completion, capturing stdout and stderr (NUL-terminated,
 * truncated to the caps).  Returns 0, or -1 on spawn failure or timeout
 * (the child is killed then).
 */
int	srvproc_run(char *const argv[], char *out, size_t outcap, char *err,
	    size_t errcap, int timeout_ms, int *status_out);

#endif
