/* bench/workers.c - aggregate throughput of 8 clients against 1 and 2 server workers */
/*
 * rpcbench-server --workers W (SO_REUSEPORT processes, each with its own
 * registration and context table, as rpcauth-demo-server --workers) for
 * libtirpc's RPCSEC_GSS and rpcauth alike, so that the two securities run
 * on the same server the same way.  WORKERS_CLIENTS client processes at
 * once, each its own connection, CLIENT and context (a job of measure.c
 * with one target), each timed over its own calls; the aggregate is the
 * sum of their rates.  The clients run on the same cores as the server:
 * bench/README.md ("Several workers") says what that means for the ratio.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bench.h"

#define WORKERS_CLIENTS	8

struct wfig {
	const char	*name;		/* in the table and for --only */
	enum bop	 op;
	int		 level;
	size_t		 size;
	int		 mbps;
};

static const struct wfig wfigs[] = {
	{ "krb5i NULL calls/s",	   BOP_NULL, 2, 0,     0 },
	{ "krb5i ECHO 64 KiB MB/s", BOP_ECHO, 2, 65536, 1 },
	{ "krb5p ECHO 64 KiB MB/s", BOP_ECHO, 3, 65536, 1 },
};
#define NWFIGS	(sizeof(wfigs) / sizeof(wfigs[0]))

static const enum bsys wsys[] = { BSYS_TIRPC, BSYS_RPCAUTH };
static const char *const wmode[] = { "tirpc-gss", "rpcauth" };
#define NWSYS	2

/* [figure][system][workers - 1]: the rate, and how busy the machine's
 * cores were meanwhile (0-1: the ceiling a second worker can lift). */
static struct series wres[NWFIGS][NWSYS][2];
static struct series wbusy[NWFIGS][NWSYS][2];

/* Busy and total jiffies of all cores so far (/proc/stat "cpu"). */
static void
cpu_jiffies(double *busy, double *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int i;

	*busy = *total = 0;
	if (f == NULL)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
	    &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8)
		for (i = 0; i < 8; i++) {
			*total += (double)v[i];
			if (i != 3 && i != 4)	/* idle, iowait */
				*busy += (double)v[i];
		}
	fclose(f);
}

int
workers_selected(struct bench_opts *o)
{
	if (o->only == NULL)
		return 1;
	if (strstr("workers", o->only) == NULL)
		return 0;
	/* BENCH_ONLY=workers: this section alone. */
	o->compare = 0;
	o->contexts = 0;
	o->conn_contexts = 0;
	return 1;
}

int
workers_steps(const struct bench_opts *o)
{
	return o->reps * (int)NWFIGS * NWSYS * 2;
}

/* One measurement: WORKERS_CLIENTS jobs at once; the summed rate. */
static int
measure(const struct bench_opts *o, const struct wfig *f, enum bsys sys,
    int port, double *rate, double *busy, char *why, size_t len)
{
	double b0, t0, b1, t1;
	struct bchild ch[WORKERS_CLIENTS];
	struct bresult res[BENCH_MAXT];
	struct bjob job;
	int i, started = 0, ok = 1;

	memset(&job, 0, sizeof(job));
	job.op = f->op;
	job.level = f->level;
	job.size = f->size;
	job.seconds = o->seconds;
	job.min_ops = 10;
	job.ntargets = 1;
	job.t[0].sys = sys;
	job.t[0].port = port;
	*rate = 0;
	cpu_jiffies(&b0, &t0);
	for (i = 0; i < WORKERS_CLIENTS; i++) {
		if (job_start(&job, &ch[i]) != 0) {
			snprintf(why, len, "cannot fork client %d", i);
			ok = 0;
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++) {
		if (job_wait(&ch[i], res, bench_timeout_ms(o, 1)) == 1 &&
		    res[0].secs > 0)
			*rate += (double)res[0].ops / res[0].secs;
		else if (ok) {
			snprintf(why, len, "client %d: %s", i, res[0].err);
			ok = 0;
		}
		job_release(&ch[i]);
	}
	/* Set-up and teardown included: a little below the timed part's. */
	cpu_jiffies(&b1, &t1);
	*busy = t1 > t0 ? (b1 - b0) / (t1 - t0) : 0;
	if (f->mbps)
		*rate *= (double)f->size / 1e6;
	return ok ? 0 : -1;
}

void
workers_bench(const struct bench_opts *o)
{
	struct server sv;
	char why[240];
	double rate, busy;
	size_t f;
	int r, s, w;

	for (r = 0; r < o->reps; r++)
		for (s = 0; s < NWSYS; s++)
			for (w = 1; w <= 2; w++) {
				struct server init = SERVER_INIT(wmode[s]);

				sv = init;
				sv.workers = (unsigned)w;
				if (server_start(&sv) != 0) {
					for (f = 0; f < NWFIGS; f++)
						series_fail(&wres[f][s][w - 1],
						    r, "server did not start");
					continue;
				}
				for (f = 0; f < NWFIGS; f++) {
					bench_progress("rep %d/%d: %s, %s, %d "
					    "worker%s", r + 1, o->reps,
					    wfigs[f].name, bsys_name(wsys[s]),
					    w, w > 1 ? "s" : "");
					if (measure(o, &wfigs[f], wsys[s],
					    sv.port, &rate, &busy, why,
					    sizeof(why)) == 0) {
						series_set(&wres[f][s][w - 1],
						    r, rate);
						series_set(&wbusy[f][s][w - 1],
						    r, 100 * busy);
						fprintf(stderr, "%.1f (cores %.0f%% "
						    "busy)\n", rate, 100 * busy);
					} else {
						series_fail(&wres[f][s][w - 1],
						    r, why);
						fprintf(stderr, "fails: %s\n",
						    why);
					}
				}
				server_stop(&sv);
			}
}

void
table_workers(const struct bench_opts *o)
{
	struct series ratio;
	char c[4][64];
	double med, lo, hi;
	size_t f;
	int s, w;

	printf("\n## Several workers: %d clients at once\n\n", WORKERS_CLIENTS);
	printf("rpcbench-server --workers 1 and 2 (SO_REUSEPORT), %d client "
	    "processes, each its own TCP connection and context, summed.  "
	    "Clients and server share the machine's %s.\n\n", WORKERS_CLIENTS,
	    "cores");
	printf("| figure | system | 1 worker | 2 workers | 2 / 1 | cores busy, "
	    "1 / 2 workers |\n");
	printf("|---|---|---|---|---|---|\n");
	for (f = 0; f < NWFIGS; f++) {
		for (s = 0; s < NWSYS; s++) {
			series_cell(c[0], sizeof(c[0]), &wres[f][s][0],
			    o->reps, 1, "", "-");
			series_cell(c[1], sizeof(c[1]), &wres[f][s][1],
			    o->reps, 1, "", "-");
			series_ratio(&ratio, &wres[f][s][1], &wres[f][s][0],
			    o->reps);
			series_cell(c[2], sizeof(c[2]), &ratio, o->reps, 2,
			    "x", "-");
			series_cell(c[3], sizeof(c[3]), &wbusy[f][s][0],
			    o->reps, 0, "%", "-");
			printf("| %s | %s | %s | %s | %s | %s", wfigs[f].name,
			    bsys_name(wsys[s]), c[0], c[1], c[2], c[3]);
			series_cell(c[3], sizeof(c[3]), &wbusy[f][s][1],
			    o->reps, 0, "%", "-");
			printf(" / %s |\n", c[3]);
		}
		/* rpcauth / libtirpc at each worker count. */
		series_ratio(&ratio, &wres[f][1][0], &wres[f][0][0], o->reps);
		series_cell(c[0], sizeof(c[0]), &ratio, o->reps, 2, "x", "-");
		series_ratio(&ratio, &wres[f][1][1], &wres[f][0][1], o->reps);
		series_cell(c[1], sizeof(c[1]), &ratio, o->reps, 2, "x", "-");
		printf("| %s | rpcauth / libtirpc | %s | %s | | |\n",
		    wfigs[f].name, c[0], c[1]);
	}
	/* The target: rpcauth, krb5p ECHO 64 KiB, 2 workers. */
	series_ratio(&ratio, &wres[2][1][1], &wres[2][1][0], o->reps);
	if (series_stats(&ratio, o->reps, &med, &lo, &hi) > 0)
		printf("\nTarget: rpcauth krb5p ECHO 64 KiB with 2 workers >= "
		    "1.7x 1 worker: %.2fx (median), %s.\n", med,
		    med >= 1.7 ? "met" : "not met");
	for (f = 0; f < NWFIGS; f++)
		for (s = 0; s < NWSYS; s++)
			for (w = 0; w < 2; w++)
				if (wres[f][s][w].failed)
					printf("\n%s, %s, %d worker(s): %s\n",
					    wfigs[f].name, bsys_name(wsys[s]),
					    w + 1, wres[f][s][w].err);
}
