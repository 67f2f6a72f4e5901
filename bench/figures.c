/* bench/figures.c - the figures rpcbench takes, their results, progress */
/*
 * Shared by rpcbench.c (the comparison), scale.c and table.c; it calls
 * none of them, so the files depend one way: rpcbench.c on the others,
 * scale.c and table.c on this one.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

const struct metricdef bench_metrics[M_COUNT] = {
	{ "NULL calls/s",	BOP_NULL,  0,	     0, 20, 1, 1 },
	{ "ECHO 100 B calls/s",	BOP_ECHO,  100,	     0, 20, 1, 1 },
	{ "ECHO 64 KiB MB/s",	BOP_ECHO,  65536,    1, 10, 1, 1 },
	{ "ECHO 1 MiB MB/s",	BOP_ECHO,  1048576,  1, 5,  1, 1 },
	{ "ECHO 16 MiB MB/s",	BOP_ECHO,  16777216, 1, 3,  1, 1 },
	{ "context setups/s, new connection each", BOP_SETUP, 0, 0, 10, 0, 0 },
	{ "context setups/s, same connection", BOP_SETUP_SAME, 0, 0, 10, 0, 0 },
};

struct series bench_res[M_COUNT][4][BSYS_COUNT];

static int step, nsteps;

void
bench_progress_total(int n)
{
	nsteps = n;
}

void
bench_progress(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench: [%d/%d] ", ++step, nsteps);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " ... ");
	fflush(stderr);
}

int
bench_timeout_ms(const struct bench_opts *o, int ntargets)
{
	/*
	 * Generous: a 16 MiB privacy call on MIT's own crypto is slow, and
	 * a hung libtirpc call takes its 60 s RPC timeout to fail.
	 */
	return (int)((o->seconds * 3 * ntargets + 60 * ntargets + 60) *
	    1000);
}

const char *
bench_what_name(const struct metricdef *md, char *buf, size_t len)
{
	size_t n = md->size;

	if (md->op == BOP_NULL)
		snprintf(buf, len, "NULL");
	else if (md->op == BOP_SETUP)
		snprintf(buf, len, "context setups");
	else if (md->op == BOP_SETUP_SAME)
		snprintf(buf, len, "context setups, same connection");
	else if (n >= 1048576 && n % 1048576 == 0)
		snprintf(buf, len, "ECHO %zu MiB", n / 1048576);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, len, "ECHO %zu KiB", n / 1024);
	else
		snprintf(buf, len, "ECHO %zu B", n);
	return buf;
}

/* Is figure m at this level in the run?  --only "krb5p ECHO 64" picks one. */
int
bench_selected(const struct bench_opts *o, int m, int level)
{
	char name[64], what[32];

	if (!bench_metrics[m].all_levels && level != 2)
		return 0;
	if (o->only == NULL)
		return 1;
	snprintf(name, sizeof(name), "%s %s", level_name(level),
	    bench_what_name(&bench_metrics[m], what, sizeof(what)));
	return strstr(name, o->only) != NULL;
}
