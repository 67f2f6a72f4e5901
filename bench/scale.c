/* bench/scale.c - rpcauth with many live contexts; server memory per context */
/*
 * Contexts are made with full handshakes and left on the server (see
 * BOP_POPULATE in measure.c).  Memory is VmRSS of the server process read
 * before and after, divided by the count: one reading, not repeated,
 * since it hardly moves between runs.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

/* Contexts made first on each server, before any memory reading. */
#define WARM	10

int
scale_steps(const struct bench_opts *o)
{
	int n = 0;

	if (o->contexts > 0)
		n += 3 + (o->contexts > WARM + o->mem_contexts) + o->reps * 2;
	if (o->conn_contexts > 0)
		n += 2;
	return n;
}

/* Leave n more contexts on sv; adds to *secs.  0, or -1 (why in out). */
static int
populate(const struct bench_opts *o, struct server *sv, size_t n,
    double *secs, struct scale_out *out)
{
	struct bresult r[BENCH_MAXT];
	struct bjob job;

	memset(&job, 0, sizeof(job));
	job.op = BOP_POPULATE;
	job.level = 2;
	job.count = n;
	job.ntargets = 1;
	job.t[0].sys = BSYS_RPCAUTH;
	job.t[0].port = sv->port;
	/* Filling runs at handshake speed: allow 10 ms per context. */
	if (job_run(&job, r, bench_timeout_ms(o, 1) + (int)(n * 10)) != 1) {
		snprintf(out->err, sizeof(out->err), "creating %zu contexts: "
		    "%s", n, r[0].err);
		fprintf(stderr, "fails: %s\n", r[0].err);
		return -1;
	}
	*secs += r[0].secs;
	fprintf(stderr, "%.0f contexts/s\n", (double)r[0].ops / r[0].secs);
	return 0;
}

/*
 * One krb5i job taking turns between the server with few contexts and
 * the one with many; m 0 is NULL, 1 is ECHO 100 B.
 */
static void
calls_pair(const struct bench_opts *o, struct server *few,
    struct server *many, struct scale_out *out, int m, int rep)
{
	struct bresult r[BENCH_MAXT];
	struct bjob job;
	int k;

	bench_progress("rep %d/%d: rpcauth krb5i %s, %d vs %zu live "
	    "contexts", rep + 1, o->reps, m == 0 ? "NULL" : "ECHO 100 B",
	    WARM, o->contexts);
	memset(&job, 0, sizeof(job));
	job.op = m == 0 ? BOP_NULL : BOP_ECHO;
	job.level = 2;
	job.size = m == 0 ? 0 : 100;
	job.seconds = o->seconds;
	job.min_ops = 20;
	job.ntargets = 2;
	job.t[0].sys = job.t[1].sys = BSYS_RPCAUTH;
	job.t[0].port = few->port;
	job.t[1].port = many->port;
	(void)job_run(&job, r, bench_timeout_ms(o, 2));
	for (k = 0; k < 2; k++) {
		if (!r[k].ok) {
			fprintf(stderr, "fails: %s; ", r[k].err);
			series_fail(&out->calls[m][k], rep, r[k].err);
			continue;
		}
		series_set(&out->calls[m][k], rep,
		    (double)r[k].ops / r[k].secs);
		fprintf(stderr, "%.1f%s", (double)r[k].ops / r[k].secs,
		    k == 0 ? " vs " : " /s");
	}
	fprintf(stderr, "\n");
}

/*
 * Two rpcauth servers, one with WARM contexts and one with o->contexts,
 * measured in one job that takes turns between them; the second also
 * gives memory per idle context.  Both run with KRB5RCACHETYPE=none:
 * otherwise every handshake that fills the table also goes through MIT's
 * replay cache file, and the fill measures that file.
 */
void
scale_test(const struct bench_opts *o, struct scale_out *out)
{
	struct server few = SERVER_INIT("rpcauth");
	struct server many = SERVER_INIT("rpcauth");
	size_t n1;
	long rss0, rss1, rss2;
	double secs = 0;
	int rep, m;

	memset(out, 0, sizeof(*out));
	few.norcache = many.norcache = 1;
	/* Well above the count: an eviction would go unnoticed. */
	few.maxctx = many.maxctx = o->contexts * 2 > 200000 ?
	    o->contexts * 2 : 200000;
	if (server_start(&few) != 0 || server_start(&many) != 0) {
		snprintf(out->err, sizeof(out->err), "server start failed");
		goto out;
	}
	n1 = o->mem_contexts < o->contexts - WARM ? o->mem_contexts :
	    o->contexts - WARM;
	bench_progress("rpcauth: %d contexts on the server that keeps few",
	    WARM);
	if (populate(o, &few, WARM, &secs, out) != 0)
		goto out;
	bench_progress("rpcauth: %d contexts on the server that gets many",
	    WARM);
	if (populate(o, &many, WARM, &secs, out) != 0)
		goto out;
	/* After the first handshakes: the GSS libraries have set up. */
	rss0 = server_rss_kib(&many);
	secs = 0;
	bench_progress("rpcauth: %zu more contexts (%d per connection, "
	    "no DESTROY)", n1, POP_BATCH);
	if (populate(o, &many, n1, &secs, out) != 0)
		goto out;
	rss1 = server_rss_kib(&many);
	if (o->contexts > WARM + n1) {
		bench_progress("rpcauth: %zu more contexts, to %zu",
		    o->contexts - WARM - n1, o->contexts);
		if (populate(o, &many, o->contexts - WARM - n1, &secs,
		    out) != 0)
			goto out;
	}
	rss2 = server_rss_kib(&many);
	if (rss0 < 0 || rss1 < 0 || rss2 < 0) {
		snprintf(out->err, sizeof(out->err), "cannot read VmRSS of "
		    "the server");
		goto out;
	}
	out->n_small = n1;
	out->n_large = o->contexts - WARM;
	out->kib_small = (double)(rss1 - rss0) / (double)n1;
	out->kib_large = (double)(rss2 - rss0) / (double)out->n_large;
	out->pop_secs = secs;
	out->pop_rate = (double)out->n_large / secs;
	for (rep = 0; rep < o->reps; rep++)
		for (m = 0; m < 2; m++)
			calls_pair(o, &few, &many, out, m, rep);
	out->done = 1;
out:
	server_stop(&few);
	server_stop(&many);
}

/*
 * libtirpc's server keeps one context per connection, so its memory per
 * context can only be had with a connection each; rpcauth is measured the
 * same way for a like-for-like row.  A throwaway server each time, with
 * libtirpc's default 64 KiB record buffers: an idle connection costs what
 * it costs in a typical server, not what the large bodies above needed.
 */
void
scale_conn_test(const struct bench_opts *o, enum bsys sys,
    struct conn_out *out)
{
	struct server sv = SERVER_INIT(sys == BSYS_TIRPC ? "tirpc-gss" :
	    "rpcauth");
	struct bchild ch = { -1, -1, 0, 0 };
	struct bresult r[BENCH_MAXT];
	struct bjob job;
	long rss0, rss1;

	memset(out, 0, sizeof(*out));
	sv.smallbuf = 1;
	bench_progress("%s: %zu connections with a context each",
	    bsys_name(sys), o->conn_contexts);
	if (server_start(&sv) != 0) {
		snprintf(out->err, sizeof(out->err), "server start failed");
		fprintf(stderr, "fails: %s\n", out->err);
		return;
	}
	/* One context made and destroyed first: library set-up is not it. */
	memset(&job, 0, sizeof(job));
	job.op = BOP_SETUP;
	job.level = 2;
	job.min_ops = 1;
	job.ntargets = 1;
	job.t[0].sys = sys;
	job.t[0].port = sv.port;
	if (job_run(&job, r, bench_timeout_ms(o, 1)) != 1) {
		snprintf(out->err, sizeof(out->err), "%s", r[0].err);
		fprintf(stderr, "fails: %s\n", r[0].err);
		goto out;
	}
	rss0 = server_rss_kib(&sv);
	job.op = BOP_HOLD;
	job.count = o->conn_contexts;
	if (job_start(&job, &ch) != 0) {
		snprintf(out->err, sizeof(out->err), "fork: %s",
		    strerror(errno));
		fprintf(stderr, "fails: %s\n", out->err);
		goto out;
	}
	if (job_wait(&ch, r, bench_timeout_ms(o, 1) +
	    (int)(o->conn_contexts * 10)) != 1) {
		snprintf(out->err, sizeof(out->err), "%s", r[0].err);
		fprintf(stderr, "fails: %s\n", r[0].err);
		goto out;
	}
	rss1 = server_rss_kib(&sv);
	if (rss0 < 0 || rss1 < 0) {
		snprintf(out->err, sizeof(out->err), "cannot read VmRSS");
		fprintf(stderr, "fails: %s\n", out->err);
		goto out;
	}
	out->kib = (double)(rss1 - rss0) / (double)o->conn_contexts;
	out->done = 1;
	fprintf(stderr, "%.1f KiB each\n", out->kib);
out:
	job_release(&ch);
	server_stop(&sv);
}
