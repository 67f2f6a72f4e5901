/* bench/measure.h - timed client jobs, each run in a child process */
/*
 * A job measures one operation against up to BENCH_MAXT targets (a
 * security and the port of its server) at once: the child takes turns
 * between them in slices of about SLICE_MS, each slice timed on its own,
 * until every target has had `seconds` and `min_ops`.  Machine drift
 * (another process, a frequency change) then falls on all targets alike,
 * and their ratio holds even when the absolute figures move.
 *
 * Each job runs in a fork(2)ed child: libtirpc's own RPCSEC_GSS client can
 * crash or hang on bodies its buffers cannot hold (docs/LIBTIRPC.md section 5), and
 * a failed call leaves a CLIENT in no state to reuse.  A target whose call
 * fails drops out of the job; the others go on.  Every target gets its own
 * connection and context, made outside the timed part and torn down
 * afterwards (DESTROY included), so that libtirpc's server never sees a
 * transport abandoned in mid-context.
 */
#ifndef RPCAUTH_BENCH_MEASURE_H
#define RPCAUTH_BENCH_MEASURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BENCH_MAXT	3
/* Length of one turn of one target. */
#define SLICE_MS	10
/* Contexts made over one connection by POPULATE before it moves on. */
#define POP_BATCH	1000

/* The securities compared; also the column order of the table. */
enum bsys { BSYS_AUTHSYS, BSYS_TIRPC, BSYS_RPCAUTH, BSYS_COUNT };

enum bop {
	BOP_NULL,	/* DEMOFS NULL calls, one connection per target */
	BOP_ECHO,	/* DEMOFS ECHO of `size` bytes */
	BOP_SETUP,	/* connect + context + DESTROY + close, repeated */
	BOP_SETUP_SAME,	/* context + DESTROY on one connection, repeated */
	BOP_POPULATE,	/* `count` contexts left on the server; 1 target */
	BOP_HOLD	/* `count` connections with a context each; 1 target */
};

struct btarget {
	enum bsys	 sys;
	int		 port;
	pid_t		 server_pid;	/* for its CPU time; <= 0: not read */
};

struct bjob {
	enum bop	 op;
	int		 level;		/* RFC 2203 service: 1, 2, 3 */
	size_t		 size;		/* ECHO argument bytes */
	size_t		 count;		/* POPULATE, HOLD */
	double		 seconds;	/* least timed part of each target */
	unsigned	 min_ops;	/* and at least this many operations */
	int		 ntargets;
	struct btarget	 t[BENCH_MAXT];
	const char	*service;	/* GSS host-based name; NULL: demo */
	const char	*krb5_config;	/* child's KRB5_CONFIG; NULL: ours */
	int		 preset_reply;	/* ECHO results into a preset buffer */
};

struct bresult {
	int		 ok;
	uint64_t	 ops;		/* calls or contexts timed */
	double		 secs;
	/* CPU seconds in this target's slices: the client process and its
	 * server (0 when the server's could not be read). */
	double		 cpu_client, cpu_server;
	/* rpcauth: the enctype its OpenSSL fast path took on, 0: none (the
	 * calls went through GSS). */
	int		 fast_enctype;
	char		 err[240];	/* why, when !ok */
};

/* A job running in a child. */
struct bchild {
	pid_t		 pid;
	int		 res_fd;	/* the child's results arrive here */
	int		 hold;		/* a HOLD child: waits to be killed */
	int		 ntargets;
};

/* Fork a child for *job.  0, or -1 with errno. */
int	 job_start(const struct bjob *job, struct bchild *ch);

/*
 * Wait up to timeout_ms for the child's results, one per target.  Every
 * job but HOLD is reaped too; a HOLD child keeps its connections open
 * until job_release().  A child that crashed or hung fails every target,
 * with the reason.  Returns the number of targets that succeeded.
 */
int	 job_wait(struct bchild *ch, struct bresult res[BENCH_MAXT],
	    int timeout_ms);

/*
 * End a HOLD child (SIGKILL: its server is thrown away, so nothing needs
 * DESTROY) or reap any other.  Safe on any bchild, and twice.
 */
void	 job_release(struct bchild *ch);

/* job_start + job_wait + job_release. */
int	 job_run(const struct bjob *job, struct bresult res[BENCH_MAXT],
	    int timeout_ms);

/* "AUTH_SYS", "libtirpc", "rpcauth" */
const char *bsys_name(enum bsys s);
/* "krb5", "krb5i", "krb5p" for levels 1, 2, 3 */
const char *level_name(int level);

#endif
