/* tests/check_seqwin.c - replay window verdicts at the edges and at MAXSEQ */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "cklist.h"
#include "e2e.h"
#include "internal.h"
#include "seqwin.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct step {
	uint32_t		seq;
	enum seqwin_verdict	want;
};

/* Check each step; record it when the window accepted it, as the server would. */
static void
run_steps(struct seqwin *w, const char *name, const struct step *s, size_t n)
{
	enum seqwin_verdict got;
	size_t i;

	for (i = 0; i < n; i++) {
		got = seqwin_check(w, s[i].seq);
		ck_assert_msg(got == s[i].want, "%s step %zu (seq %" PRIu32
		    "): got %d, want %d", name, i, s[i].seq, (int)got,
		    (int)s[i].want);
		if (got == SEQWIN_FRESH || got == SEQWIN_LATE_OK)
			seqwin_record(w, s[i].seq);
	}
}

static const struct step first_zero[] = {
	{ 0, SEQWIN_FRESH }, { 0, SEQWIN_REPLAY }, { 1, SEQWIN_FRESH },
	{ 0, SEQWIN_REPLAY }, { 1, SEQWIN_REPLAY }, { 2, SEQWIN_FRESH },
};
/* Out of order inside the window: each accepted once. */
static const struct step out_of_order[] = {
	{ 100, SEQWIN_FRESH },   { 100, SEQWIN_REPLAY }, { 103, SEQWIN_FRESH },
	{ 101, SEQWIN_LATE_OK }, { 101, SEQWIN_REPLAY }, { 102, SEQWIN_LATE_OK },
	{ 102, SEQWIN_REPLAY },  { 96, SEQWIN_LATE_OK }, { 95, SEQWIN_TOO_OLD },
	{ 96, SEQWIN_REPLAY },   { 104, SEQWIN_FRESH },  { 96, SEQWIN_TOO_OLD },
	{ 97, SEQWIN_LATE_OK },
};
/* First seq is high; numbers below it but inside the window are late, not old. */
static const struct step first_high[] = {
	{ 500, SEQWIN_FRESH }, { 493, SEQWIN_LATE_OK }, { 492, SEQWIN_TOO_OLD },
	{ 0, SEQWIN_TOO_OLD }, { 493, SEQWIN_REPLAY },
};
/* top below size: nothing is too old, 0 is late once. */
static const struct step near_zero[] = {
	{ 3, SEQWIN_FRESH }, { 0, SEQWIN_LATE_OK }, { 0, SEQWIN_REPLAY },
	{ 2, SEQWIN_LATE_OK }, { 7, SEQWIN_FRESH }, { 0, SEQWIN_TOO_OLD },
	{ 1, SEQWIN_TOO_OLD }, { 6, SEQWIN_LATE_OK }, { 3, SEQWIN_REPLAY },
};
static const struct step maxseq[] = {
	{ RPCAUTH_MAXSEQ + 1, SEQWIN_BEYOND_MAXSEQ },
	{ 0xFFFFFFFFu, SEQWIN_BEYOND_MAXSEQ },
	{ RPCAUTH_MAXSEQ - 1, SEQWIN_FRESH }, { RPCAUTH_MAXSEQ, SEQWIN_FRESH },
	{ RPCAUTH_MAXSEQ, SEQWIN_REPLAY }, { RPCAUTH_MAXSEQ - 1, SEQWIN_REPLAY },
	{ RPCAUTH_MAXSEQ - 2, SEQWIN_LATE_OK },
	{ RPCAUTH_MAXSEQ - 8, SEQWIN_TOO_OLD },
	{ RPCAUTH_MAXSEQ + 1, SEQWIN_BEYOND_MAXSEQ },
	{ 0xFFFFFFFFu, SEQWIN_BEYOND_MAXSEQ },
};
/* Window of one: only the top itself, and only once. */
static const struct step size_one[] = {
	{ 10, SEQWIN_FRESH }, { 10, SEQWIN_REPLAY }, { 9, SEQWIN_TOO_OLD },
	{ 12, SEQWIN_FRESH }, { 11, SEQWIN_TOO_OLD }, { 13, SEQWIN_FRESH },
};

static const struct {
	const char		*name;
	uint32_t		 size;
	const struct step	*steps;
	size_t			 n;
} tables[] = {
	{ "first_zero", 128, first_zero, NELEM(first_zero) },
	{ "out_of_order", 8, out_of_order, NELEM(out_of_order) },
	{ "first_high", 8, first_high, NELEM(first_high) },
	{ "near_zero", 5, near_zero, NELEM(near_zero) },
	{ "maxseq", 8, maxseq, NELEM(maxseq) },
	{ "size_one", 1, size_one, NELEM(size_one) },
};

START_TEST(seqwin_tables)
{
	struct seqwin w;

	ck_assert_int_eq(seqwin_init(&w, tables[_i].size), 0);
	run_steps(&w, tables[_i].name, tables[_i].steps, tables[_i].n);
}
END_TEST

START_TEST(seqwin_init_bounds)
{
	struct seqwin w;

	ck_assert_int_eq(seqwin_init(&w, 0), -1);
	ck_assert_int_eq(seqwin_init(&w, SEQWIN_MAX + 1), -1);
	ck_assert_int_eq(seqwin_init(&w, 0xFFFFFFFFu), -1);
	ck_assert_int_eq(seqwin_init(&w, 1), 0);
	ck_assert_int_eq(seqwin_init(&w, SEQWIN_DEFAULT), 0);
	ck_assert_int_eq(seqwin_init(&w, SEQWIN_MAX), 0);
	ck_assert_uint_eq(w.size, SEQWIN_MAX);
	ck_assert_int_eq(w.any, 0);
}
END_TEST

/*
 * Jumps: record a scattered pattern below `base`, jump by j, then compare
 * every number around the new top with a model that is a plain list of what
 * was recorded.  This exercises the bitmap shift across word boundaries.
 */
static const uint32_t sizes[] = { 1, 5, 32, 63, 64, 65, 128, 1024 };
static const uint32_t jumps[] = {
	1, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025,
	0x7FFFFFFFu,
};
static const uint32_t pattern[] = { 0, 1, 3, 31, 32, 40, 63, 64, 100, 127, 500 };

struct model {
	uint32_t	size;
	uint32_t	top;
	int		any;
	uint32_t	rec[2 * SEQWIN_MAX + 64];
	size_t		n;
};

static enum seqwin_verdict
model_verdict(const struct model *m, uint32_t seq)
{
	size_t i;

	if (seq > RPCAUTH_MAXSEQ)
		return SEQWIN_BEYOND_MAXSEQ;
	if (!m->any || seq > m->top)
		return SEQWIN_FRESH;
	if ((uint64_t)seq + m->size <= m->top)
		return SEQWIN_TOO_OLD;
	for (i = 0; i < m->n; i++)
		if (m->rec[i] == seq)
			return SEQWIN_REPLAY;
	return SEQWIN_LATE_OK;
}

/* Check seq against both, and record it in both when accepted. */
static void
offer(struct seqwin *w, struct model *m, uint32_t seq, const char *ctx)
{
	enum seqwin_verdict got = seqwin_check(w, seq), want;

	want = model_verdict(m, seq);
	ck_assert_msg(got == want, "%s: size %" PRIu32 " seq %" PRIu32
	    ": got %d, want %d", ctx, m->size, seq, (int)got, (int)want);
	if (got == SEQWIN_FRESH || got == SEQWIN_LATE_OK) {
		seqwin_record(w, seq);
		ck_assert_uint_lt(m->n, NELEM(m->rec));
		m->rec[m->n++] = seq;
		if (!m->any || seq > m->top)
			m->top = seq;
		m->any = 1;
	}
}

START_TEST(seqwin_jumps)
{
	uint32_t size = sizes[_i / NELEM(jumps)], j = jumps[_i % NELEM(jumps)];
	/* Room below base for the pattern, and above it for j: the largest
	 * jump goes from 1 to MAXSEQ itself. */
	uint32_t base = j > 0x10000u ? RPCAUTH_MAXSEQ - j : 2000, top, k;
	static struct model m;
	struct seqwin w;
	size_t i;

	memset(&m, 0, sizeof(m));
	m.size = size;
	ck_assert_int_eq(seqwin_init(&w, size), 0);
	offer(&w, &m, base, "base");
	for (i = 0; i < NELEM(pattern); i++)
		if (pattern[i] <= base)
			offer(&w, &m, base - pattern[i], "pattern");
	top = base + j;
	offer(&w, &m, top, "jump");
	ck_assert_int_eq(seqwin_check(&w, top), SEQWIN_REPLAY);
	/* Sweep the new window and a little beyond, twice: the second pass
	 * sees everything the first one accepted as a replay. */
	for (k = 0; k <= size + 2 && k <= top; k++)
		offer(&w, &m, top - k, "sweep");
	for (k = 0; k <= size + 2 && k <= top; k++)
		ck_assert_int_eq(seqwin_check(&w, top - k), k < size ?
		    SEQWIN_REPLAY : SEQWIN_TOO_OLD);
	/* The old base is too old exactly when the jump covers the window. */
	ck_assert_int_eq(seqwin_check(&w, base), j >= size ?
	    SEQWIN_TOO_OLD : SEQWIN_REPLAY);
}
END_TEST

/* A pseudo-random walk near the top, checked against the model. */
START_TEST(seqwin_walk)
{
	uint32_t size = sizes[_i], x = 12345, cur = 100000, seq;
	static struct model m;
	struct seqwin w;
	size_t i, o;
	int round;

	memset(&m, 0, sizeof(m));
	m.size = size;
	ck_assert_int_eq(seqwin_init(&w, size), 0);
	for (round = 0; round < 20000; round++) {
		x = x * 1103515245u + 12345u;
		/* Mostly inside or just below the window, sometimes ahead. */
		seq = cur - (x >> 8) % (2 * size + 4) + (x >> 28);
		offer(&w, &m, seq, "walk");
		if (seq > cur)
			cur = seq;
		/* Keep the model short: forget what fell below the window. */
		if (m.n >= NELEM(m.rec) - 1) {
			for (i = o = 0; i < m.n; i++)
				if ((uint64_t)m.rec[i] + size > m.top)
					m.rec[o++] = m.rec[i];
			m.n = o;
		}
		ck_assert_uint_lt(m.n, NELEM(m.rec) - 1);
	}
}
END_TEST

/* check() changes nothing: same verdict twice, same bytes, for each probe. */
static void
probes_are_pure(struct seqwin *w)
{
	static const uint32_t probes[] = {
		0, 1, 7, 8, 9, 95, 96, 97, 100, 101, 102, 103, 104, 1000,
		RPCAUTH_MAXSEQ, RPCAUTH_MAXSEQ + 1, 0xFFFFFFFFu,
	};
	struct seqwin before;
	enum seqwin_verdict v1, v2;
	size_t i;

	for (i = 0; i < NELEM(probes); i++) {
		memcpy(&before, w, sizeof(*w));
		v1 = seqwin_check(w, probes[i]);
		v2 = seqwin_check(w, probes[i]);
		ck_assert_int_eq(v1, v2);
		ck_assert_mem_eq(&before, w, sizeof(*w));
	}
}

/* Empty window first, then after a few records. */
START_TEST(seqwin_check_is_pure)
{
	struct seqwin w;

	ck_assert_int_eq(seqwin_init(&w, 8), 0);
	probes_are_pure(&w);
	seqwin_record(&w, 100);
	seqwin_record(&w, 103);
	seqwin_record(&w, 97);
	probes_are_pure(&w);
}
END_TEST

/* record() of what check() refuses leaves the window alone. */
START_TEST(seqwin_record_refused_is_noop)
{
	static const uint32_t refused[] = {
		RPCAUTH_MAXSEQ + 1, 0xFFFFFFFFu, 0, 91, 92,
	};
	struct seqwin w, before;
	size_t i;

	ck_assert_int_eq(seqwin_init(&w, 8), 0);
	seqwin_record(&w, 100);
	for (i = 0; i < NELEM(refused); i++) {
		ck_assert_int_eq(seqwin_check(&w, refused[i]),
		    refused[i] > RPCAUTH_MAXSEQ ? SEQWIN_BEYOND_MAXSEQ :
		    SEQWIN_TOO_OLD);
		memcpy(&before, &w, sizeof(w));
		seqwin_record(&w, refused[i]);
		ck_assert_mem_eq(&before, &w, sizeof(w));
	}
	/* On an empty window, a number above MAXSEQ must not become top. */
	ck_assert_int_eq(seqwin_init(&w, 8), 0);
	memcpy(&before, &w, sizeof(w));
	seqwin_record(&w, 0xFFFFFFFFu);
	ck_assert_mem_eq(&before, &w, sizeof(w));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("seqwin");

	CKLOOPS(cklist_tcase(s, "core", 0), { seqwin_tables, NELEM(tables) },
	    { seqwin_init_bounds, 1 },
	    { seqwin_jumps, NELEM(sizes) * NELEM(jumps) },
	    { seqwin_walk, NELEM(sizes) }, { seqwin_check_is_pure, 1 },
	    { seqwin_record_refused_is_noop, 1 });
	return e2e_suite_run(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
