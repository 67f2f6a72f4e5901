/* bench/bench.h - what rpcbench's files share: options, servers, figures */
#ifndef RPCAUTH_BENCH_BENCH_H
#define RPCAUTH_BENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "measure.h"
#include "report.h"
#include "srvproc.h"

#define PROG		"rpcbench"

struct bench_opts {
	int		 reps;
	int		 compare;	/* 0: only the context figures */
	double		 seconds;	/* least length of a timed part */
	size_t		 contexts;	/* the scale test; 0: skip it */
	size_t		 mem_contexts;	/* first memory reading */
	size_t		 conn_contexts;	/* one connection each; 0: skip */
	const char	*only;		/* figures whose name has this */
	int		 one_server;	/* 1: one process serves every system */
	int		 one_client;	/* 1: a job's systems share its child,
					 * taking turns; 0: one child each, in
					 * turn (an A/B for bench/README.md) */
	int		 preset_reply;	/* ECHO results decoded into a preset
					 * buffer, not allocated by XDR */
	int		 pin_cpu;	/* -1, or the one CPU every process
					 * of the run (clients, servers, KDC)
					 * is bound to */
};

/* ---- servers.c: rpcbench-server processes -------------------------------- */

struct server {
	const char	*mode;		/* rpcbench-server --mode */
	unsigned long	 maxctx;	/* 0: the library's default */
	int		 norcache;	/* run with KRB5RCACHETYPE=none */
	int		 smallbuf;	/* libtirpc's default record buffers */
	struct srvproc	 proc;
	int		 port;
	const char	*principal;	/* --principal; NULL: its default */
	unsigned	 workers;	/* rpcbench-server --workers; 0, 1: one */
};
#define SERVER_INIT(mode)	{ (mode), 0, 0, 0, { -1, -1 }, 0, NULL, 0 }

/* Start on a free port, wait for "ready".  0, or -1 (told on stderr). */
int	 server_start(struct server *sv);
void	 server_stop(struct server *sv);
/* Stop and start again; exits the program if it cannot. */
void	 server_restart(struct server *sv);
/* VmRSS of a process in KiB, or -1. */
long	 server_rss_kib(const struct server *sv);

/* ---- figures.c: the figures, their results, progress ---------------------- */
/*
 * rpcbench.c, scale.c and table.c use these; figures.c uses none of theirs,
 * so the dependency runs one way (rpcbench.c -> scale.c, table.c ->
 * figures.c).
 */

/*
 * The session keys compared.  Two things decide a context's token key:
 * the ticket's session key, which the KDC chooses from the client's TGS
 * enctype list and the service's session_enctypes (each SHA-2 session has
 * a principal of its own with just that enctype,
 * testbed_set_session_enctypes), and the acceptor subkey, which MIT's
 * acceptor takes from the client's list in the authenticator (RFC 4537).
 * So the clients of a SHA-2 session run with a krb5.conf that names that
 * enctype first (bench_session_krb5_config); libtirpc's and rpcauth's
 * alike, since both live in the same job process.
 */
enum session { S_AES256_SHA1, S_AES256_SHA384, S_AES128_SHA256, S_COUNT };

struct sessiondef {
	const char	*name;		/* in figure names and --only */
	const char	*service;	/* host-based name the client asks */
	const char	*principal;	/* added to the bed; NULL: demo */
	int32_t		 enctype;	/* RFC 3961 number of the session key */
};
extern const struct sessiondef bench_sessions[S_COUNT];
/* KRB5_CONFIG for the clients of each session; NULL: the bed's. */
extern const char *bench_session_krb5_config[S_COUNT];

enum metric { M_NULL, M_ECHO_SMALL, M_ECHO_64K, M_ECHO_1M, M_ECHO_16M,
	M_ECHO_64K_SHA384, M_ECHO_1M_SHA384, M_ECHO_16M_SHA384,
	M_ECHO_64K_SHA256, M_ECHO_1M_SHA256, M_ECHO_16M_SHA256,
	M_SETUP, M_SETUP_SAME, M_COUNT };

#define LV(l)		(1u << (l))
#define LV_ALL		(LV(1) | LV(2) | LV(3))

struct metricdef {
	const char	*name;
	enum bop	 op;
	size_t		 size;
	int		 mbps;		/* MB/s of `size` bytes one way */
	unsigned	 min_ops;
	unsigned	 levels;	/* LV() of the levels measured */
	int		 authsys;	/* AUTH_SYS takes part */
	enum session	 session;
};
extern const struct metricdef bench_metrics[M_COUNT];

/*
 * [metric][level 1-3][system].  AUTH_SYS has no levels: it is measured in
 * each level's job, as that job's baseline.
 */
extern struct series bench_res[M_COUNT][4][BSYS_COUNT];
/*
 * [metric][level]: the floor (floor.h) in the figure's unit, one per
 * repetition, from that repetition's AUTH_SYS figure; absent where AUTH_SYS
 * does not take part.
 */
extern struct series bench_floor[M_COUNT][4];
/*
 * [metric][level][system]: CPU microseconds per operation, client process
 * and server together, in that system's slices only: what a neighbour's
 * load on the machine hardly moves.  bench_cpu_floor: the floor in the
 * same terms (crypto + AUTH_SYS's CPU per call).
 */
extern struct series bench_cpu[M_COUNT][4][BSYS_COUNT];
extern struct series bench_cpu_floor[M_COUNT][4];
/*
 * Per session: the enctype rpcauth's OpenSSL fast path reported on the
 * client (0: the calls went through GSS; -1: not seen yet).
 */
extern int bench_fast_enctype[S_COUNT];

/* How many progress steps the whole run has (set once, before any). */
void	 bench_progress_total(int n);
/* "bench: [3/120] ..." on stderr, no newline: the outcome follows. */
void	 bench_progress(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* How long to wait for the result of a job with ntargets targets. */
int	 bench_timeout_ms(const struct bench_opts *o, int ntargets);
/* Figure m at this level is in the run (all levels it has, or --only). */
int	 bench_selected(const struct bench_opts *o, int m, int level);
/* "NULL", "ECHO 64 KiB", "ECHO 1 MiB aes256-sha384", "context setups":
 * the figure's name in --only. */
const char *bench_what_name(const struct metricdef *md, char *buf,
	    size_t len);

/* ---- scale.c: rpcauth with many contexts; memory ------------------------- */

struct scale_out {
	int		 done;
	size_t		 n_small, n_large;	/* counts at the RSS reads */
	double		 kib_small, kib_large;	/* per context */
	double		 pop_rate;		/* contexts/s while filling */
	double		 pop_secs;
	/* [NULL, ECHO 100 B][10 contexts, o->contexts] */
	struct series	 calls[2][2];
	char		 err[240];
};

struct conn_out {
	int		 done;
	double		 kib;		/* per context and its connection */
	char		 err[240];
};

/* Progress steps the two take, for the [k/N] count. */
int	 scale_steps(const struct bench_opts *o);
void	 scale_test(const struct bench_opts *o, struct scale_out *out);
void	 scale_conn_test(const struct bench_opts *o, enum bsys sys,
	    struct conn_out *out);

/* ---- table.c: stdout ----------------------------------------------------- */

/* What was measured and how, above the tables. */
void	 table_caption(const struct bench_opts *o, const char *load0,
	    const char *load1);
void	 table_comparison(const struct bench_opts *o);
/* The same figures as CPU time per operation. */
void	 table_cpu(const struct bench_opts *o);
void	 table_scale(const struct bench_opts *o, const struct scale_out *so,
	    const struct conn_out co[2]);
void	 table_targets(const struct bench_opts *o,
	    const struct scale_out *so);
void	 table_failures(void);

/* ---- workers.c: 8 clients against 1 and 2 server workers --------------- */

/* The section is in the run (all, or --only workers: then it alone). */
int	 workers_selected(struct bench_opts *o);
int	 workers_steps(const struct bench_opts *o);
void	 workers_bench(const struct bench_opts *o);
void	 table_workers(const struct bench_opts *o);

#endif
