/* tests/check_scratch.c - the per-thread body buffers: growth, reuse, release */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "cklist.h"
#include "e2e.h"
#include "scratch.h"

#define BIG	(SCRATCH_KEEP + 4096)

/* A run of large bodies keeps one large buffer: no allocation per call. */
START_TEST(large_run_reuses_buffer)
{
	struct scratch *s = &scratch_thread()[SCRATCH_OPEN];
	uint8_t *first;
	int i;

	ck_assert_ptr_nonnull(first = scratch_reserve(s, BIG));
	s->used = BIG;
	scratch_release(s, 1);
	ck_assert_ptr_eq(s->big, first);
	ck_assert_uint_ge(s->big_cap, BIG);
	for (i = 0; i < 4; i++) {
		ck_assert_ptr_eq(scratch_reserve(s, BIG - (size_t)i), first);
		scratch_release(s, 0);
	}
	/* The first call that needs no large buffer gives it back. */
	ck_assert_ptr_nonnull(scratch_reserve(s, 100));
	scratch_release(s, 0);
	ck_assert_ptr_null(s->big);
	ck_assert_uint_eq(s->big_cap, 0);
	ck_assert_ptr_eq(s->p, s->keep);
}
END_TEST

/* Growing past SCRATCH_KEEP keeps what was received so far. */
START_TEST(growth_keeps_bytes)
{
	struct scratch *s = &scratch_thread()[SCRATCH_BODY];
	uint8_t *p;
	size_t i;

	ck_assert_ptr_nonnull(p = scratch_reserve(s, 1000));
	for (i = 0; i < 1000; i++)
		p[i] = (uint8_t)i;
	s->used = 1000;
	ck_assert_ptr_nonnull(p = scratch_reserve(s, BIG));
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(p[i], (uint8_t)i);
	s->used = BIG;
	ck_assert_ptr_nonnull(p = scratch_reserve(s, 2 * (size_t)BIG));
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(p[i], (uint8_t)i);
	scratch_release(s, 1);
	/* Kept buffer, wiped bytes. */
	ck_assert_ptr_nonnull(s->big);
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(s->big[i], 0);
	scratch_release(s, 0);
	ck_assert_ptr_null(s->big);
}
END_TEST

/* A scratch of the caller's own hands over whichever buffer holds the data. */
START_TEST(take_and_discard)
{
	struct scratch s;
	uint8_t *p;

	memset(&s, 0, sizeof(s));
	ck_assert_ptr_nonnull(scratch_reserve(&s, 10));
	s.used = 10;
	ck_assert_ptr_nonnull(scratch_reserve(&s, BIG));
	p = scratch_take(&s);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(s.big);
	ck_assert_ptr_null(s.keep);
	free(p);
	ck_assert_ptr_nonnull(scratch_reserve(&s, BIG));
	s.used = BIG;
	scratch_discard(&s, 1);
	ck_assert_ptr_null(s.p);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("scratch");

	CKLIST(cklist_tcase(s, "core", 0), 1, large_run_reuses_buffer,
	    growth_keeps_bytes, take_and_discard);
	return e2e_suite_run(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
