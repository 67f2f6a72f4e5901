/* bench/report.c - repeated measurements, their medians and the table cells */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void
series_set(struct series *s, int rep, double v)
{
	if (rep < 0 || rep >= MAX_REPS)
		return;
	s->v[rep] = v;
	s->ok[rep] = 1;
	s->tried = 1;
}

void
series_fail(struct series *s, int rep, const char *why)
{
	(void)rep;
	s->tried = 1;
	if (!s->failed)
		snprintf(s->err, sizeof(s->err), "%s", why);
	s->failed = 1;
}

void
series_ratio(struct series *out, const struct series *a,
    const struct series *b, int nreps)
{
	int r;

	memset(out, 0, sizeof(*out));
	for (r = 0; r < nreps && r < MAX_REPS; r++)
		if (a->ok[r] && b->ok[r] && b->v[r] > 0)
			series_set(out, r, a->v[r] / b->v[r]);
	/* A ratio with a failed side means nothing: show it as such. */
	if (a->failed || b->failed) {
		out->tried = 1;
		out->failed = 1;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
series_stats(const struct series *s, int nreps, double *med, double *min,
    double *max)
{
	double v[MAX_REPS];
	int r, n = 0;

	for (r = 0; r < nreps && r < MAX_REPS; r++)
		if (s->ok[r])
			v[n++] = s->v[r];
	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	*min = v[0];
	*max = v[n - 1];
	/* Even counts: the mean of the middle two. */
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return n;
}

void
series_cell(char *buf, size_t len, const struct series *s, int nreps,
    int decimals, const char *suffix, const char *none_text)
{
	double med, min, max;

	if (s->failed) {
		snprintf(buf, len, "fails");
		return;
	}
	if (!s->tried || series_stats(s, nreps, &med, &min, &max) == 0) {
		snprintf(buf, len, "%s", none_text);
		return;
	}
	snprintf(buf, len, "%.*f%s [%.*f-%.*f]", decimals, med, suffix,
	    decimals, min, decimals, max);
}
