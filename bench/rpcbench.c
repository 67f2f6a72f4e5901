/* bench/rpcbench.c - AUTH_SYS, libtirpc RPCSEC_GSS and rpcauth, side by side */
/*
 * rpcbench [--reps N] [--seconds S] [--compare 0|1] [--contexts N]
 *     [--mem-contexts N] [--conn-contexts N] [--only TEXT]
 *
 * Starts a private MIT KDC (the test bed, in this process) and one
 * rpcbench-server per security, and measures them interleaved at two
 * scales: each figure is one job in which the systems take turns in
 * 10 ms slices (measure.c), and every figure is taken once per repetition
 * before the next repetition starts.  A machine that slows down during
 * the run slows all systems alike, and ratios are taken pairwise within a
 * repetition.  Then the rpcauth-only context figures (scale.c), and the
 * tables on stdout (table.c); progress goes to stderr.  bench/README.md
 * says what each figure means.  This file is the top: it calls scale.c,
 * table.c, servers.c and figures.c, and none of them calls back into it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
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

	if (job_run(job, res, bench_timeout_ms(o, job->ntargets)) > 0 ||
	    job->ntargets == 1)
		return;
	fprintf(stderr, "(%s; again one system at a time) ", res[0].err);
	for (i = 0; i < job->ntargets; i++) {
		one = *job;
		one.ntargets = 1;
		one.t[0] = job->t[i];
		(void)job_run(&one, r1, bench_timeout_ms(o, 1));
		res[i] = r1[0];
	}
}

/* One figure of the comparison: every system on one job, taking turns. */
static void
compare_one(const struct bench_opts *o, struct server sv[BSYS_COUNT],
    enum metric m, int level, int rep)
{
	const struct metricdef *md = &bench_metrics[m];
	static const enum bsys all[] = { BSYS_AUTHSYS, BSYS_TIRPC,
	    BSYS_RPCAUTH };
	struct bresult res[BENCH_MAXT];
	struct series *s;
	struct bjob job;
	char what[32];
	enum bsys sys;
	size_t i;
	int k;
	double v;

	memset(&job, 0, sizeof(job));
	job.op = md->op;
	job.level = level;
	job.size = md->size;
	job.seconds = o->seconds;
	job.min_ops = md->min_ops;
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
		job.t[job.ntargets++].port = sv[sys].port;
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
			server_restart(&sv[sys]);
			continue;
		}
		v = (double)res[k].ops / res[k].secs;
		if (md->mbps)
			v = v * (double)md->size / 1e6;
		series_set(s, rep, v);
		fprintf(stderr, "%s %.1f%s", bsys_name(sys), v,
		    k + 1 < job.ntargets ? ", " : "");
	}
	fprintf(stderr, " %s\n", md->mbps ? "MB/s" : "/s");
}

static void
compare(const struct bench_opts *o, struct server sv[BSYS_COUNT])
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
	    "[--conn-contexts N] [--only TEXT]\n");
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

int
main(int argc, char **argv)
{
	static const char *const modes[BSYS_COUNT] = {
		"sys", "tirpc-gss", "rpcauth"
	};
	struct server sv[BSYS_COUNT];
	struct scale_out so;
	struct conn_out co[2];
	struct testbed *tb = NULL;
	struct bench_opts o;
	char errbuf[1024], load0[32], load1[32];
	int i, wsel, ret = 1;

	parse(argc, argv, &o);
	wsel = workers_selected(&o);
	memset(&so, 0, sizeof(so));
	memset(co, 0, sizeof(co));
	for (i = 0; i < BSYS_COUNT; i++) {
		struct server init = SERVER_INIT(modes[i]);

		sv[i] = init;
	}
	bench_progress_total((o.compare ? compare_steps(&o) : 0) +
	    scale_steps(&o) + (wsel ? workers_steps(&o) : 0));
	loadavg(load0, sizeof(load0));

	fprintf(stderr, "bench: starting a KDC\n");
	if (testbed_start(NULL, &tb, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, PROG ": KDC: %s\n", errbuf);
		goto out;
	}
	if (o.compare) {
		for (i = 0; i < BSYS_COUNT; i++)
			if (server_start(&sv[i]) != 0)
				goto out;
		compare(&o, sv);
		/* The context figures have the machine to themselves. */
		for (i = 0; i < BSYS_COUNT; i++)
			server_stop(&sv[i]);
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
	printf("%d repetitions.  In each figure's job the systems take "
	    "turns in %d ms slices, each system timed >= %.1f s.  One client "
	    "thread, one TCP connection per system to 127.0.0.1, 256 KiB "
	    "record buffers on both sides.  Cells: median [min-max]; ratios "
	    "are taken within each repetition.  MB = 10^6 bytes of ECHO "
	    "argument, one way.  Context setups: a new TCP connection each "
	    "(connect, handshake, DESTROY, close), or all on one connection "
	    "(handshake, DESTROY), ticket in the ccache.  "
	    "Load average: %s at start, %s at end.\n\n", o.reps, SLICE_MS,
	    o.seconds, load0, load1);
	if (o.compare)
		table_comparison(&o);
	table_scale(&o, &so, co);
	if (wsel)
		table_workers(&o);
	table_targets(&o, &so);
	table_failures();
	ret = 0;
out:
	for (i = 0; i < BSYS_COUNT; i++)
		server_stop(&sv[i]);
	testbed_stop(tb);
	return ret;
}
