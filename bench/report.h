/* bench/report.h - repeated measurements, their medians and the table cells */
#ifndef RPCAUTH_BENCH_REPORT_H
#define RPCAUTH_BENCH_REPORT_H

#include <stddef.h>

#define MAX_REPS	64

/*
 * One figure measured once per repetition.  Repetition r is kept at index
 * r so that two series measured side by side can be divided pairwise: in
 * a run where the machine slowed down, both sides slowed down together.
 */
struct series {
	double		 v[MAX_REPS];
	unsigned char	 ok[MAX_REPS];	/* v[r] is a measurement */
	int		 tried;		/* some repetition ran */
	int		 failed;	/* some repetition failed */
	char		 err[240];	/* the first failure */
};

void	 series_set(struct series *s, int rep, double v);
void	 series_fail(struct series *s, int rep, const char *why);

/* Pairwise a[r] / b[r] for every r where both exist. */
void	 series_ratio(struct series *out, const struct series *a,
	    const struct series *b, int nreps);

/*
 * Median, min and max over the measured repetitions.  Returns how many
 * there were (0: nothing to show).
 */
int	 series_stats(const struct series *s, int nreps, double *med,
	    double *min, double *max);

/*
 * The cell text: "median [min-max]" with `decimals` places and `suffix`
 * ("x" for ratios); "fails" when any repetition failed (libtirpc's own
 * GSS on large bodies: the table records those so); `none_text`
 * when nothing ran.
 */
void	 series_cell(char *buf, size_t len, const struct series *s,
	    int nreps, int decimals, const char *suffix,
	    const char *none_text);

#endif
