/* bench/rpcbench.c - AUTH_SYS, libtirpc RPCSEC_GSS and rpcauth, side by side */
/*
 * rpcbench [--reps N] [--seconds S] [--compare 0|1] [--contexts N]
 *     [--mem-contexts N] [--conn-contexts N] [--only TEXT]
 *     [--servers one|each] [--clients one|each] [--reply alloc|preset]
 *
 * Starts a private MIT KDC (the test bed, in this process) and, per
 * session key compared, one rpcbench-server serving all three securities
 * (--servers each: one per security, as before), and measures them
 * interleaved at two
 * scales: each figure is one job in which the systems take turns in
 * 10 ms slices (measure.c), and every figure is taken once per repetition
 * before the next repetition starts.  A machine that slows down during
 * the run slows all systems alike, and ratios are taken pairwise within a
 * repetition.  Then the rpcauth-only context figures (scale.c), and the
 * tables on stdout (table.c); progress goes to stderr.  bench/README.md
 * says what each figure means.  This file is the top: it calls scale.c,
 * table.c, servers.c, figures.c and floor.c, and none of them calls back
 * into it.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "floor.h"
#include "testbed.h"

/*
 * Run the job and, if its child died and took every target with it (a
 * crash in one system's client), run each target alone: one system's
 * crash must not cost the others their figure.
 */
static void
run_job(const struct bench_opts *o, const struct bjob *job,
    struct bresult res[BENCH_MAXT])
{
	struct bjob one;
	struct bresult r1[BENCH_MAXT];
	int i;

	/* --clients each: every system in a process of its own, in turn. */
	if (o->one_client && (job_run(job, res, bench_timeout_ms(o,
	    job->ntargets)) > 0 || job->ntargets == 1))
		return;
	if (o->one_client)
		fprintf(stderr, "(%s; again one system at a time) ",
		    res[0].err);
	for (i = 0; i < job->ntargets; i++) {
		one = *job;
		one.ntargets = 1;
		one.t[0] = job->t[i];
		(void)job_run(&one, r1, bench_timeout_ms(o, 1));
		res[i] = r1[0];
	}
}

/*
 * The server that serves `sys` with session s's principal: by default one
 * process for all three systems (bench/README.md, "Honest ratios").
 */
static struct server *
server_of(const struct bench_opts *o,
    struct server sv[S_COUNT][BSYS_COUNT], enum session s, enum bsys sys)
{
	return &sv[s][o->one_server ? 0 : sys];
}

/*
 * The floor of this figure in this repetition (floor.h), from the AUTH_SYS
 * rate its job just measured; told on stderr.
 */
static void
floor_one(const struct bench_opts *o, enum metric m, int level, int rep,
    double authsys_per_s, double authsys_cpu_us)
{
	const struct metricdef *md = &bench_metrics[m];
	struct series *s = &bench_floor[m][level];
	char why[200];
	double c, f;

	if (floor_call_secs(bench_sessions[md->session].enctype, level,
	    md->size, o->seconds / 8, &c, why, sizeof(why)) != 0) {
		series_fail(s, rep, why);
		fprintf(stderr, "; floor fails: %s", why);
		return;
	}
	if (authsys_cpu_us > 0)
		series_set(&bench_cpu_floor[m][level], rep,
		    c * 1e6 + authsys_cpu_us);
	/* One core does the crypto and AUTH_SYS's work in turn. */
	f = 1.0 / (c + 1.0 / authsys_per_s);
	if (md->mbps)
		f = f * (double)md->size / 1e6;
	series_set(s, rep, f);
	fprintf(stderr, "; floor %.1f (crypto %.1f us/call)", f, c * 1e6);
}

/* One figure of the comparison: every system on one job, taking turns. */
static void
compare_one(const struct bench_opts *o,
    struct server sv[S_COUNT][BSYS_COUNT], enum metric m, int level,
    int rep)
{
	const struct metricdef *md = &bench_metrics[m];
	static const enum bsys all[] = { BSYS_AUTHSYS, BSYS_TIRPC,
	    BSYS_RPCAUTH };
	struct bresult res[BENCH_MAXT];
	struct series *s;
	struct bjob job;
	char what[48];
	enum bsys sys;
	size_t i;
	int k;
	double v, cpu, authsys_per_s = 0, authsys_cpu = 0;

	memset(&job, 0, sizeof(job));
	job.op = md->op;
	job.level = level;
	job.size = md->size;
	job.seconds = o->seconds;
	job.min_ops = md->min_ops;
	job.service = bench_sessions[md->session].service;
	job.krb5_config = bench_session_krb5_config[md->session];
	job.preset_reply = o->preset_reply;
	bench_progress("rep %d/%d: %s %s", rep + 1, o->reps,
	    level_name(level), bench_what_name(md, what, sizeof(what)));
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		sys = all[i];
		if (sys == BSYS_AUTHSYS && !md->authsys)
			continue;
		/* Not a sample: it would fail the same way every time. */
		if (bench_res[m][level][sys].failed) {
			fprintf(stderr, "%s skipped (failed before); ",
			    bsys_name(sys));
			continue;
		}
		job.t[job.ntargets].sys = sys;
		job.t[job.ntargets].server_pid = server_of(o, sv, md->session,
		    sys)->proc.pid;
		job.t[job.ntargets++].port = server_of(o, sv, md->session,
		    sys)->port;
	}
	if (job.ntargets == 0) {
		fprintf(stderr, "\n");
		return;
	}
	run_job(o, &job, res);
	for (k = 0; k < job.ntargets; k++) {
		sys = job.t[k].sys;
		s = &bench_res[m][level][sys];
		if (!res[k].ok) {
			fprintf(stderr, "%s fails: %s; ", bsys_name(sys),
			    res[k].err);
			series_fail(s, rep, res[k].err);
			server_restart(server_of(o, sv, md->session, sys));
			continue;
		}
		if (sys == BSYS_RPCAUTH && (md->op == BOP_NULL ||
		    md->op == BOP_ECHO))
			bench_fast_enctype[md->session] = res[k].fast_enctype;
		v = (double)res[k].ops / res[k].secs;
		/* Without the server's CPU time the cell would flatter. */
		cpu = res[k].cpu_server > 0 ? (res[k].cpu_client +
		    res[k].cpu_server) * 1e6 / (double)res[k].ops : 0;
		if (cpu > 0)
			series_set(&bench_cpu[m][level][sys], rep, cpu);
		if (sys == BSYS_AUTHSYS) {
			authsys_per_s = v;
			authsys_cpu = cpu;
		}
		if (md->mbps)
			v = v * (double)md->size / 1e6;
		series_set(s, rep, v);
		fprintf(stderr, "%s %.1f%s", bsys_name(sys), v,
		    k + 1 < job.ntargets ? ", " : "");
	}
	fprintf(stderr, " %s", md->mbps ? "MB/s" : "/s");
	if (authsys_per_s > 0)
		floor_one(o, m, level, rep, authsys_per_s, authsys_cpu);
	fprintf(stderr, "\n");
}

static void
compare(const struct bench_opts *o, struct server sv[S_COUNT][BSYS_COUNT])
{
	int rep, m, level;

	for (rep = 0; rep < o->reps; rep++)
		for (m = 0; m < M_COUNT; m++)
			for (level = 1; level <= 3; level++)
				if (bench_selected(o, m, level))
					compare_one(o, sv, m, level, rep);
}

static int
compare_steps(const struct bench_opts *o)
{
	int m, level, n = 0;

	for (m = 0; m < M_COUNT; m++)
		for (level = 1; level <= 3; level++)
			n += o->reps * bench_selected(o, m, level);
	return n;
}

/* The 1-minute load average, to judge how quiet the machine was. */
static void
loadavg(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "r");

	snprintf(buf, len, "?");
	if (f != NULL) {
		if (fgets(buf, (int)len, f) != NULL)
			buf[strcspn(buf, " \n")] = '\0';
		fclose(f);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: " PROG " [--reps N] [--seconds S] "
	    "[--compare 0|1] [--contexts N] [--mem-contexts N] "
	    "[--conn-contexts N] [--only TEXT] [--servers one|each] "
	    "[--clients one|each] [--reply alloc|preset] [--pin-cpu N]\n");
	exit(2);
}

static double
number(const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

/* 0 for `no`, 1 for `yes`; anything else is a usage error. */
static int
either(const char *s, const char *no, const char *yes)
{
	if (strcmp(s, no) != 0 && strcmp(s, yes) != 0)
		usage();
	return strcmp(s, yes) == 0;
}

static void
parse(int argc, char **argv, struct bench_opts *o)
{
	int i;

	o->reps = 3;
	o->compare = 1;
	o->seconds = 2;
	o->contexts = 100000;
	o->mem_contexts = 10000;
	o->conn_contexts = 1000;
	o->only = NULL;
	o->one_server = 1;
	o->one_client = 1;
	o->preset_reply = 0;
	o->pin_cpu = -1;
	for (i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--reps") == 0)
			o->reps = (int)number(argv[++i], 1, MAX_REPS);
		else if (strcmp(argv[i], "--compare") == 0)
			o->compare = (int)number(argv[++i], 0, 1);
		else if (strcmp(argv[i], "--seconds") == 0)
			o->seconds = number(argv[++i], 0.01, 600);
		else if (strcmp(argv[i], "--contexts") == 0)
			o->contexts = (size_t)number(argv[++i], 0, 10000000);
		else if (strcmp(argv[i], "--mem-contexts") == 0)
			o->mem_contexts = (size_t)number(argv[++i], 1,
			    10000000);
		else if (strcmp(argv[i], "--only") == 0)
			o->only = argv[++i];
		else if (strcmp(argv[i], "--clients") == 0)
			o->one_client = either(argv[++i], "each", "one");
		else if (strcmp(argv[i], "--reply") == 0)
			o->preset_reply = either(argv[++i], "alloc", "preset");
		else if (strcmp(argv[i], "--servers") == 0)
			o->one_server = either(argv[++i], "each", "one");
		else if (strcmp(argv[i], "--pin-cpu") == 0)
			o->pin_cpu = (int)number(argv[++i], 0, CPU_SETSIZE - 1);
		else if (strcmp(argv[i], "--conn-contexts") == 0)
			o->conn_contexts = (size_t)number(argv[++i], 0,
			    100000);
		else
			usage();
	}
	/* The scale test needs its warm contexts and some to measure. */
	if (o->contexts > 0 && o->contexts < 20)
		o->contexts = 20;
}

/* Is any selected figure of the comparison measured with session s? */
static int
session_used(const struct bench_opts *o, enum session s)
{
	int m, level;

	for (m = 0; m < M_COUNT; m++)
		for (level = 1; level <= 3; level++)
			if (bench_metrics[m].session == s &&
			    bench_selected(o, m, level))
				return 1;
	return 0;
}

/* The comparison's servers: one per session used, or one per system too. */
static int
servers_start(const struct bench_opts *o,
    struct server sv[S_COUNT][BSYS_COUNT])
{
	static const char *const modes[BSYS_COUNT] = {
		"sys", "tirpc-gss", "rpcauth"
	};
	int s, i;

	for (s = 0; s < S_COUNT; s++) {
		if (!session_used(o, (enum session)s))
			continue;
		for (i = 0; i < (o->one_server ? 1 : BSYS_COUNT); i++) {
			struct server init = SERVER_INIT(o->one_server ?
			    "all" : modes[i]);

			sv[s][i] = init;
			sv[s][i].principal = bench_sessions[s].service;
			if (server_start(&sv[s][i]) != 0)
				return -1;
		}
	}
	return 0;
}

static void
servers_stop(struct server sv[S_COUNT][BSYS_COUNT])
{
	int s, i;

	for (s = 0; s < S_COUNT; s++)
		for (i = 0; i < BSYS_COUNT; i++)
			server_stop(&sv[s][i]);
}

/*
 * The client krb5.conf of a SHA-2 session (see bench.h): a file naming its
 * enctype first, read before the bed's (MIT takes the first file's value).
 */
static int
session_config(struct testbed *tb, enum session s)
{
	static char paths[S_COUNT][2048];
	char file[1024];
	FILE *f;

	snprintf(file, sizeof(file), "%s/krb5-%s.conf", testbed_dir(tb),
	    bench_sessions[s].name);
	if ((f = fopen(file, "w")) == NULL)
		return -1;
	fprintf(f, "[libdefaults]\n\tdefault_tgs_enctypes = %s "
	    "aes256-cts-hmac-sha1-96\n", floor_enctype_name(
	    bench_sessions[s].enctype));
	if (fclose(f) != 0)
		return -1;
	snprintf(paths[s], sizeof(paths[s]), "%s:%s", file,
	    testbed_krb5_conf(tb));
	bench_session_krb5_config[s] = paths[s];
	return 0;
}

/*
 * The KDC, with a principal per SHA-2 session whose tickets carry that
 * session key (figures.c, bench_sessions).
 */
static int
bed_start(struct testbed **tb)
{
	const char *extra[S_COUNT + 1];
	struct testbed_opts to;
	char errbuf[1024];
	int s, n = 0;

	memset(&to, 0, sizeof(to));
	for (s = 0; s < S_COUNT; s++)
		if (bench_sessions[s].principal != NULL)
			extra[n++] = bench_sessions[s].principal;
	extra[n] = NULL;
	to.extra_principals = extra;
	if (testbed_start(&to, tb, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, PROG ": KDC: %s\n", errbuf);
		return -1;
	}
	for (s = 0; s < S_COUNT; s++)
		if (bench_sessions[s].principal != NULL && (
		    testbed_set_session_enctypes(*tb,
		    bench_sessions[s].principal,
		    floor_enctype_name(bench_sessions[s].enctype)) != 0 ||
		    session_config(*tb, (enum session)s) != 0)) {
			fprintf(stderr, PROG ": KDC: %s\n",
			    testbed_errmsg(*tb));
			return -1;
		}
	return 0;
}

int
main(int argc, char **argv)
{
	struct server sv[S_COUNT][BSYS_COUNT];
	struct scale_out so;
	struct conn_out co[2];
	struct testbed *tb = NULL;
	struct bench_opts o;
	char load0[32], load1[32];
	int s, i, wsel, ret = 1;

	parse(argc, argv, &o);
	/*
	 * One core for everything (inherited by every child and server):
	 * client and server then hand over by a local wake-up instead of one
	 * across cores, which on a virtual machine costs tens of
	 * microseconds a call and hides what the software itself costs in
	 * small calls (bench/README.md "One core").
	 */
	if (o.pin_cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o.pin_cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0) {
			fprintf(stderr, PROG ": cannot bind to CPU %d: %s\n",
			    o.pin_cpu, strerror(errno));
			return 1;
		}
	}
	wsel = workers_selected(&o);
	memset(&so, 0, sizeof(so));
	memset(co, 0, sizeof(co));
	for (s = 0; s < S_COUNT; s++)
		for (i = 0; i < BSYS_COUNT; i++) {
			struct server init = SERVER_INIT(NULL);

			sv[s][i] = init;
		}
	bench_progress_total((o.compare ? compare_steps(&o) : 0) +
	    scale_steps(&o) + (wsel ? workers_steps(&o) : 0));
	loadavg(load0, sizeof(load0));

	fprintf(stderr, "bench: starting a KDC\n");
	if (bed_start(&tb) != 0)
		goto out;
	/*
	 * The sections, in turn; each has the machine to itself.  Another
	 * (say, aggregate rates with several workers and clients) is a file
	 * of its own like scale.c, called here, with its table in table.c.
	 */
	if (o.compare) {
		if (servers_start(&o, sv) != 0)
			goto out;
		compare(&o, sv);
		servers_stop(sv);
	}
	if (o.contexts > 0)
		scale_test(&o, &so);
	if (o.conn_contexts > 0) {
		scale_conn_test(&o, BSYS_TIRPC, &co[0]);
		scale_conn_test(&o, BSYS_RPCAUTH, &co[1]);
	}
	if (wsel)
		workers_bench(&o);
	loadavg(load1, sizeof(load1));

	printf("# rpcbench: AUTH_SYS, libtirpc RPCSEC_GSS, rpcauth\n\n");
	table_caption(&o, load0, load1);
	if (o.compare) {
		table_comparison(&o);
		table_cpu(&o);
	}
	table_scale(&o, &so, co);
	if (wsel)
		table_workers(&o);
	table_targets(&o, &so);
	table_failures();
	ret = 0;
out:
	servers_stop(sv);
	testbed_stop(tb);
	return ret;
}
