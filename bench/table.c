/* bench/table.c - the Markdown tables rpcbench prints on stdout */
/*
 * Every cell comes from report.c: "median [min-max]" over the
 * repetitions, "fails" when any repetition failed, ratios pairwise.
 * Targets are judged on medians.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bench.h"

/* The series of one figure (AUTH_SYS: as measured in that level's job). */
static const struct series *
fig(enum metric m, int level, enum bsys sys)
{
	return &bench_res[m][level][sys];
}

static void
row(const char *const c[10])
{
	printf("| %-18s | %-5s | %-20s | %-20s | %-20s | %-20s | %-16s | "
	    "%-16s | %-17s | %-17s |\n", c[0], c[1], c[2], c[3], c[4], c[5],
	    c[6], c[7], c[8], c[9]);
}

/* A ratio cell; "n/a" when either side failed or is absent. */
static void
ratio_cell(char *buf, size_t len, const struct series *a,
    const struct series *b, int nreps)
{
	struct series ratio;

	series_ratio(&ratio, a, b, nreps);
	if (ratio.failed)
		snprintf(buf, len, "n/a");
	else
		series_cell(buf, len, &ratio, nreps, 2, "x", "n/a");
}

/* a as a percentage of b, pairwise per repetition. */
static void
pct_cell(char *buf, size_t len, const struct series *a,
    const struct series *b, int nreps)
{
	struct series ratio;
	int r;

	series_ratio(&ratio, a, b, nreps);
	for (r = 0; r < nreps; r++)
		ratio.v[r] *= 100;
	if (ratio.failed)
		snprintf(buf, len, "n/a");
	else
		series_cell(buf, len, &ratio, nreps, 0, "%", "n/a");
}

/* "ECHO 1 MiB MB/s", with ", aes256-sha384" for a SHA-2 session. */
static const char *
row_name(const struct metricdef *md, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", md->name, md->session != S_AES256_SHA1 ?
	    ", " : "", md->session != S_AES256_SHA1 ?
	    bench_sessions[md->session].name : "");
	return buf;
}

void
table_caption(const struct bench_opts *o, const char *load0,
    const char *load1)
{
	char clients[160];
	int s;

	if (o->one_client)
		snprintf(clients, sizeof(clients), "In each figure's job the "
		    "systems share one client process and take turns in %d ms "
		    "slices", SLICE_MS);
	else
		snprintf(clients, sizeof(clients), "Each system runs in a "
		    "client process of its own, one after another (--clients "
		    "each)");
	printf("%d repetitions.  %s  %s, each system timed >= %.1f s, with "
	    "its own connection and context, 256 KiB record buffers on "
	    "both sides for every system, one client thread, TCP to "
	    "127.0.0.1.  %s  Cells: median [min-max]; ratios and percentages "
	    "are "
	    "taken within each repetition.  MB = 10^6 bytes of ECHO "
	    "argument, one way.  Floor: 1 / (crypto + 1 / AUTH_SYS), where "
	    "crypto is the CPU time OpenSSL takes in this process for "
	    "exactly the tokens of one call and its reply (header and "
	    "verifier MICs; body MICs at krb5i, AES-CTS + HMAC seal and open "
	    "at krb5p, both directions; the session's enctype), measured "
	    "after each job, and AUTH_SYS is that job's rate: one core doing "
	    "both in turn.  rpcauth seals and hashes large bodies as they "
	    "stream, so its client and server work at once on two cores and "
	    "its wall-clock rate can pass that one-core floor; the CPU-time "
	    "table below compares the work.  Context setups: a new TCP connection each "
	    "(connect, handshake, DESTROY, close), or all on one connection "
	    "(handshake, DESTROY), ticket in the ccache, the servers' "
	    "default replay cache.  Load average: %s at start, %s "
	    "at end.\n\n", o->reps,
	    o->one_server ? "One server process serves AUTH_SYS, libtirpc's "
	    "RPCSEC_GSS and rpcauth alike (one per session key), as an "
	    "independent harness would." : "One server process per system "
	    "(--servers each), not how an independent harness serves them.",
	    clients, o->seconds, o->preset_reply ? "ECHO results decoded "
	    "into a preset buffer (--reply preset)." : "ECHO results "
	    "allocated by XDR and freed before the next call, as an rpcgen "
	    "client does.", load0, load1);
	if (o->pin_cpu >= 0)
		printf("Every process of this run (clients, servers, KDC) was "
		    "bound to CPU %d (--pin-cpu): hand-overs are local "
		    "wake-ups, nothing runs in parallel, and large bodies "
		    "are not helped by a second core.\n\n", o->pin_cpu);
	printf("Session keys (the ticket's session key enctype; rpcauth's "
	    "per-message path as its client reported it):");
	for (s = 0; s < S_COUNT; s++) {
		const struct sessiondef *sd = &bench_sessions[s];
		int fe = bench_fast_enctype[s];

		if (fe < 0)
			continue;
		printf(" %s (%s, enctype %d): ", sd->name, sd->service,
		    (int)sd->enctype);
		if (fe == 0)
			printf("GSS (no fast path);");
		else if (fe == sd->enctype)
			printf("OpenSSL fast path;");
		else
			printf("OpenSSL fast path WITH ANOTHER ENCTYPE (%d);",
			    fe);
	}
	printf("\n\n");
}

void
table_comparison(const struct bench_opts *o)
{
	static const char *const head[10] = { "figure", "level", "AUTH_SYS",
	    "libtirpc RPCSEC_GSS", "rpcauth", "floor", "libtirpc % floor",
	    "rpcauth % floor", "rpcauth/libtirpc", "rpcauth/AUTH_SYS" };
	static const char *const rule[10] = { "---", "---", "---", "---",
	    "---", "---", "---", "---", "---", "---" };
	char c[8][64], name[96];
	const char *cells[10];
	const struct metricdef *md;
	int m, level, dec, i;

	row(head);
	row(rule);
	for (m = 0; m < M_COUNT; m++)
		for (level = 1; level <= 3; level++) {
			md = &bench_metrics[m];
			if (!bench_selected(o, m, level))
				continue;
			dec = md->mbps ? 1 : 0;
			series_cell(c[0], 64, fig(m, level, BSYS_AUTHSYS),
			    o->reps, dec, "", "n/a");
			series_cell(c[1], 64, fig(m, level, BSYS_TIRPC),
			    o->reps, dec, "", "n/a");
			series_cell(c[2], 64, fig(m, level, BSYS_RPCAUTH),
			    o->reps, dec, "", "n/a");
			series_cell(c[3], 64, &bench_floor[m][level],
			    o->reps, dec, "", "n/a");
			pct_cell(c[4], 64, fig(m, level, BSYS_TIRPC),
			    &bench_floor[m][level], o->reps);
			pct_cell(c[5], 64, fig(m, level, BSYS_RPCAUTH),
			    &bench_floor[m][level], o->reps);
			ratio_cell(c[6], 64, fig(m, level, BSYS_RPCAUTH),
			    fig(m, level, BSYS_TIRPC), o->reps);
			ratio_cell(c[7], 64, fig(m, level, BSYS_RPCAUTH),
			    fig(m, level, BSYS_AUTHSYS), o->reps);
			cells[0] = row_name(md, name, sizeof(name));
			cells[1] = level_name(level);
			for (i = 0; i < 8; i++)
				cells[i + 2] = c[i];
			row(cells);
		}
}

/*
 * CPU time per operation: on a shared machine the wall-clock figures move
 * with the neighbours' load, these hardly do.  "% floor" here is floor /
 * rpcauth, "libtirpc/rpcauth" how many times rpcauth's CPU time libtirpc
 * takes: both read like the wall-clock columns.
 */
void
table_cpu(const struct bench_opts *o)
{
	char c[6][64], name[96];
	const struct metricdef *md;
	int m, level, i;

	printf("\nCPU time per operation, client process and server together, "
	    "in each system's own slices (us; the server's from "
	    "/proc/PID/schedstat).  Floor: crypto (as above) + AUTH_SYS's "
	    "CPU time per call.\n\n");
	/* The rows keep the first table's names; the cells are us per op. */
	printf("| %-18s | %-5s | %-20s | %-20s | %-20s | %-20s | %-16s | "
	    "%-17s |\n", "figure (cells: us per op)", "level",
	    "AUTH_SYS", "libtirpc RPCSEC_GSS", "rpcauth", "floor",
	    "rpcauth % floor", "libtirpc/rpcauth");
	printf("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
	for (m = 0; m < M_COUNT; m++)
		for (level = 1; level <= 3; level++) {
			md = &bench_metrics[m];
			if (!bench_selected(o, m, level))
				continue;
			for (i = 0; i < 3; i++)
				series_cell(c[i], 64, &bench_cpu[m][level][i],
				    o->reps, 1, "", "n/a");
			series_cell(c[3], 64, &bench_cpu_floor[m][level],
			    o->reps, 1, "", "n/a");
			pct_cell(c[4], 64, &bench_cpu_floor[m][level],
			    &bench_cpu[m][level][BSYS_RPCAUTH], o->reps);
			ratio_cell(c[5], 64, &bench_cpu[m][level][BSYS_TIRPC],
			    &bench_cpu[m][level][BSYS_RPCAUTH], o->reps);
			printf("| %-18s | %-5s | %-20s | %-20s | %-20s | "
			    "%-20s | %-16s | %-17s |\n", row_name(md, name,
			    sizeof(name)), level_name(level), c[0], c[1], c[2],
			    c[3], c[4], c[5]);
		}
}

static void
kib_cell(char *buf, size_t len, const struct conn_out *co)
{
	if (co->done)
		snprintf(buf, len, "%.1f KiB", co->kib);
	else
		snprintf(buf, len, "fails");
}

void
table_scale(const struct bench_opts *o, const struct scale_out *so,
    const struct conn_out co[2])
{
	char c10[64], cmany[64], q[64];
	int m;

	if (o->contexts > 0) {
		printf("\nrpcauth with many live contexts (krb5i, 1 client "
		    "thread; the calling context is the newest):\n\n");
		if (!so->done)
			printf("not measured: %s\n", so->err);
		else {
			printf("| figure | 10 contexts | %zu contexts | "
			    "ratio |\n| --- | --- | --- | --- |\n",
			    o->contexts);
			for (m = 0; m < 2; m++) {
				series_cell(c10, sizeof(c10),
				    &so->calls[m][0], o->reps, 0, "", "n/a");
				series_cell(cmany, sizeof(cmany),
				    &so->calls[m][1], o->reps, 0, "", "n/a");
				ratio_cell(q, sizeof(q), &so->calls[m][1],
				    &so->calls[m][0], o->reps);
				printf("| %s | %s | %s | %s |\n", m == 0 ?
				    "NULL calls/s" : "ECHO 100 B calls/s",
				    c10, cmany, q);
			}
		}
	}
	printf("\nServer memory per idle context (VmRSS of the server "
	    "process before and after, divided; one reading):\n\n");
	printf("| how the contexts were made | libtirpc RPCSEC_GSS | "
	    "rpcauth |\n| --- | --- | --- |\n");
	if (o->conn_contexts > 0) {
		char t[64], r[64];

		kib_cell(t, sizeof(t), &co[0]);
		kib_cell(r, sizeof(r), &co[1]);
		printf("| %zu connections, one context each (includes the "
		    "connection, 64 KiB buffers) | %s | %s |\n",
		    o->conn_contexts, t, r);
	}
	if (so->done) {
		printf("| %zu contexts, %d per connection | n/a (one context "
		    "per connection) | %.2f KiB |\n", so->n_small, POP_BATCH,
		    so->kib_small);
		printf("| %zu contexts, %d per connection | n/a | %.2f KiB "
		    "|\n", so->n_large, POP_BATCH, so->kib_large);
		printf("\nrpcauth context setups over persistent connections "
		    "(%d per connection, no DESTROY, server with "
		    "KRB5RCACHETYPE=none): %.0f/s while filling the table "
		    "(%zu in %.1f s).  libtirpc cannot make a second context "
		    "on a connection.\n", POP_BATCH, so->pop_rate,
		    so->n_large, so->pop_secs);
	}
}

/* Median of a pairwise ratio and its cell; 0 when there is none. */
static double
ratio_median(const struct series *a, const struct series *b, int nreps,
    char *cell, size_t len)
{
	struct series ratio;
	double med, min, max;

	ratio_cell(cell, len, a, b, nreps);
	series_ratio(&ratio, a, b, nreps);
	if (ratio.failed || series_stats(&ratio, nreps, &med, &min,
	    &max) == 0)
		return 0;
	return med;
}

static void
target(const char *what, const char *measured, int met)
{
	printf("| %-64s | %-52s | %-4s |\n", what, measured,
	    met ? "yes" : "NO");
}

/* rpcauth/libtirpc at `level` for metric m. */
static double
vs_tirpc(const struct bench_opts *o, enum metric m, int level, char *cell,
    size_t len)
{
	return ratio_median(fig(m, level, BSYS_RPCAUTH),
	    fig(m, level, BSYS_TIRPC), o->reps, cell, len);
}

/*
 * ECHO of 64 KiB and more, krb5i and krb5p, every session: >= 90% of the
 * floor; the lowest median decides.  `cpu`: judged on CPU time per call
 * (floor / rpcauth), which a loaded machine hardly moves.
 */
static void
targets_floor(const struct bench_opts *o, int cpu)
{
	char cell[96], lowest[160] = "n/a", what[48];
	const struct metricdef *md;
	double v, low = 1e300;
	int m, level;

	for (m = 0; m < M_COUNT; m++) {
		md = &bench_metrics[m];
		if (md->op != BOP_ECHO || md->size < 65536)
			continue;
		for (level = 2; level <= 3; level++) {
			if ((md->levels & LV(level)) == 0)
				continue;
			v = cpu ? ratio_median(&bench_cpu_floor[m][level],
			    &bench_cpu[m][level][BSYS_RPCAUTH], o->reps, cell,
			    sizeof(cell)) : ratio_median(fig((enum metric)m,
			    level, BSYS_RPCAUTH), &bench_floor[m][level],
			    o->reps, cell, sizeof(cell));
			if (v < low) {
				low = v;
				snprintf(lowest, sizeof(lowest), "lowest: "
				    "%.0f%% (%s %s)", v * 100,
				    level_name(level),
				    bench_what_name(md, what, sizeof(what)));
			}
		}
	}
	target(cpu ? "the same, on CPU time per call" : "ECHO >= 64 KiB, "
	    "krb5i and krb5p, all sessions: rpcauth >= 90% of the floor",
	    lowest, low >= 0.9 && low < 1e300);
}

/* The targets for the three-way comparison. */
static void
targets_compare(const struct bench_opts *o)
{
	static const enum metric big[] = { M_ECHO_1M, M_ECHO_16M };
	char cell[96], lowest[128] = "n/a";
	double v, low = 1e300;
	int i, m, level, works = 1, tirpc_fails = 0;

	v = vs_tirpc(o, M_ECHO_64K, 2, cell, sizeof(cell));
	target("krb5i ECHO 64 KiB: rpcauth >= 2x libtirpc", cell, v >= 2.0);
	v = vs_tirpc(o, M_ECHO_64K, 3, cell, sizeof(cell));
	target("krb5p ECHO 64 KiB: rpcauth >= 4x libtirpc", cell, v >= 4.0);

	for (i = 0; i < 2; i++)
		for (level = 2; level <= 3; level++) {
			const struct series *s = fig(big[i], level,
			    BSYS_RPCAUTH);

			if (s->failed || !s->tried)
				works = 0;
			if (fig(big[i], level, BSYS_TIRPC)->failed)
				tirpc_fails = 1;
		}
	snprintf(cell, sizeof(cell), "rpcauth: %s; libtirpc: %s",
	    works ? "all work" : "some fail",
	    tirpc_fails ? "fails" : "works");
	target("ECHO 1 MiB and 16 MiB work at krb5i and krb5p", cell, works);

	for (m = M_NULL; m <= M_ECHO_SMALL; m++)
		for (level = 1; level <= 3; level++) {
			v = vs_tirpc(o, m, level, cell, sizeof(cell));
			if (v < low) {
				low = v;
				snprintf(lowest, sizeof(lowest), "lowest: %s "
				    "(%s %s)", cell, m == M_NULL ? "NULL" :
				    "ECHO 100 B", level_name(level));
			}
		}
	target("small calls (NULL, ECHO 100 B; 3 levels) >= 1.0x libtirpc",
	    lowest, low >= 1.0);

	low = 1e300;
	snprintf(lowest, sizeof(lowest), "n/a");
	for (m = M_NULL; m <= M_ECHO_SMALL; m++) {
		v = ratio_median(fig(m, 2, BSYS_RPCAUTH), fig(m, 2,
		    BSYS_AUTHSYS), o->reps, cell, sizeof(cell));
		if (v < low) {
			low = v;
			snprintf(lowest, sizeof(lowest), "lowest: %s (%s)",
			    cell, m == M_NULL ? "NULL" : "ECHO 100 B");
		}
	}
	target("small calls at krb5i >= 0.9x AUTH_SYS", lowest, low >= 0.9);

	targets_floor(o, 0);
	targets_floor(o, 1);

	v = vs_tirpc(o, M_SETUP, 2, cell, sizeof(cell));
	target("context setups, new connection each >= 2x libtirpc", cell,
	    v >= 2.0);
	v = vs_tirpc(o, M_SETUP_SAME, 2, cell, sizeof(cell));
	target("context setups, same connection >= 2x libtirpc", cell,
	    v >= 2.0);
}

/* Many live contexts against 10: the figure furthest from 1.0x decides. */
static void
targets_contexts(const struct bench_opts *o, const struct scale_out *so)
{
	char cell[96], worst_cell[128] = "n/a", what[96];
	double v, dev, worst = -1;
	int m;

	snprintf(what, sizeof(what), "%zu vs 10 contexts: per-call cost "
	    "within 10%%", o->contexts);
	if (!so->done) {
		target(what, "not measured (see above)", 0);
		return;
	}
	for (m = 0; m < 2; m++) {
		v = ratio_median(&so->calls[m][1], &so->calls[m][0], o->reps,
		    cell, sizeof(cell));
		dev = v > 1.0 ? v - 1.0 : 1.0 - v;
		if (v > 0 && dev > worst) {
			worst = dev;
			snprintf(worst_cell, sizeof(worst_cell), "%s (%s)",
			    cell, m == 0 ? "NULL" : "ECHO 100 B");
		}
	}
	target(what, worst_cell, worst >= 0 && worst <= 0.10);
}

void
table_targets(const struct bench_opts *o, const struct scale_out *so)
{
	if (o->only != NULL) {
		printf("\nTargets not judged: --only \"%s\" ran part of the "
		    "figures.\n", o->only);
		return;
	}
	printf("\n| target (medians, same run) | measured | met |\n");
	printf("| --- | --- | --- |\n");
	if (o->compare)
		targets_compare(o);
	if (o->contexts > 0)
		targets_contexts(o, so);
}

void
table_failures(void)
{
	const struct series *s;
	char name[96];
	int m, level, sys, first = 1;

	for (m = 0; m < M_COUNT; m++)
		for (level = 1; level <= 3; level++)
			for (sys = 0; sys < BSYS_COUNT; sys++) {
				s = &bench_res[m][level][sys];
				if (!s->failed)
					continue;
				if (first)
					printf("\nWhy cells say \"fails\":"
					    "\n\n");
				first = 0;
				printf("- %s %s %s: %s\n", bsys_name(sys),
				    level_name(level), row_name(
				    &bench_metrics[m], name, sizeof(name)),
				    s->err);
			}
}
