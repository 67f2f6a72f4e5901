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

const struct sessiondef bench_sessions[S_COUNT] = {
	/* The KDC's first choice for demo/localhost (MIT's default list). */
	{ "aes256-sha1",   "demo@localhost",   NULL,		18 },
	{ "aes256-sha384", "sha384@localhost", "sha384/localhost", 20 },
	{ "aes128-sha256", "sha256@localhost", "sha256/localhost", 19 },
};

const char *bench_session_krb5_config[S_COUNT];

#define SHA2_LEVELS	(LV(2) | LV(3))
/* The large ECHOs again with a SHA-2 session key, krb5i and krb5p. */
#define SHA2_ECHO(s) \
	{ "ECHO 64 KiB MB/s", BOP_ECHO, 65536, 1, 10, SHA2_LEVELS, 1, s }, \
	{ "ECHO 1 MiB MB/s", BOP_ECHO, 1048576, 1, 5, SHA2_LEVELS, 1, s }, \
	{ "ECHO 16 MiB MB/s", BOP_ECHO, 16777216, 1, 3, SHA2_LEVELS, 1, s }

const struct metricdef bench_metrics[M_COUNT] = {
	{ "NULL calls/s",	BOP_NULL,  0,	     0, 20, LV_ALL, 1, 0 },
	{ "ECHO 100 B calls/s",	BOP_ECHO,  100,	     0, 20, LV_ALL, 1, 0 },
	{ "ECHO 64 KiB MB/s",	BOP_ECHO,  65536,    1, 10, LV_ALL, 1, 0 },
	{ "ECHO 1 MiB MB/s",	BOP_ECHO,  1048576,  1, 5,  LV_ALL, 1, 0 },
	{ "ECHO 16 MiB MB/s",	BOP_ECHO,  16777216, 1, 3,  LV_ALL, 1, 0 },
	SHA2_ECHO(S_AES256_SHA384),
	SHA2_ECHO(S_AES128_SHA256),
	{ "context setups/s, new connection each", BOP_SETUP, 0, 0, 10, LV(2),
	    0, 0 },
	{ "context setups/s, same connection", BOP_SETUP_SAME, 0, 0, 10, LV(2),
	    0, 0 },
};

struct series bench_res[M_COUNT][4][BSYS_COUNT];
struct series bench_floor[M_COUNT][4];
struct series bench_cpu[M_COUNT][4][BSYS_COUNT];
struct series bench_cpu_floor[M_COUNT][4];
int bench_fast_enctype[S_COUNT] = { -1, -1, -1 };

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
	if (md->session != S_AES256_SHA1) {
		size_t k = strlen(buf);

		snprintf(buf + k, len - k, " %s",
		    bench_sessions[md->session].name);
	}
	return buf;
}

/* Is figure m at this level in the run?  --only "krb5p ECHO 64" picks one. */
int
bench_selected(const struct bench_opts *o, int m, int level)
{
	char name[80], what[48];

	if ((bench_metrics[m].levels & LV(level)) == 0)
		return 0;
	if (o->only == NULL)
		return 1;
	snprintf(name, sizeof(name), "%s %s", level_name(level),
	    bench_what_name(&bench_metrics[m], what, sizeof(what)));
	return strstr(name, o->only) != NULL;
}
