/* tests/cklist.h - register a list of Check tests in one statement */
#ifndef RPCAUTH_TESTS_CKLIST_H
#define RPCAUTH_TESTS_CKLIST_H

#include <stddef.h>
#include <stdlib.h>

#include <check.h>

/*
 * Add each test to tc, in order, run for _i in [0, loops): loops 1 is
 * tcase_add_test, 2 a loop test over TCP (_i 0) and UDP (_i 1).
 */
static inline void
cklist_add(TCase *tc, int loops, const TTest *const *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		tcase_add_loop_test(tc, t[i], 0, loops);
}

#define CKLIST(tc, loops, ...)						\
	cklist_add((tc), (loops), (const TTest *const[]){ __VA_ARGS__ },	\
	    sizeof((const TTest *const[]){ __VA_ARGS__ }) /			\
	    sizeof(const TTest *))

/* Run suite s (CK_NORMAL) and free it: the number of failed tests. */
static inline int
cklist_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed;
}

/* The main() of a test program with nothing to set up: the exit status. */
static inline int
cklist_main(Suite *s)
{
	return cklist_run(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
