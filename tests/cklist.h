/* tests/cklist.h - register a list of Check tests in one statement */
#ifndef RPCAUTH_TESTS_CKLIST_H
#define RPCAUTH_TESTS_CKLIST_H

#include <stddef.h>

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

/* A test case `name` of suite s, with a timeout of `timeout` seconds (0:
 * Check's default); tests may be added to it afterwards. */
static inline TCase *
cklist_tcase(Suite *s, const char *name, double timeout)
{
	TCase *tc = tcase_create(name);

	if (timeout > 0)
		tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

/* A suite `name` of one test case `tcname` (timeout as cklist_tcase)
 * that runs each test once, in order. */
static inline Suite *
cklist_suite1(const char *name, const char *tcname, double timeout,
    const TTest *const *t, size_t n)
{
	Suite *s = suite_create(name);

	cklist_add(cklist_tcase(s, tcname, timeout), 1, t, n);
	return s;
}

#define CKSUITE1(name, tcname, timeout, ...)				\
	cklist_suite1((name), (tcname), (timeout),			\
	    (const TTest *const[]){ __VA_ARGS__ },			\
	    sizeof((const TTest *const[]){ __VA_ARGS__ }) /		\
	    sizeof(const TTest *))

/* A test and how many times it runs (_i in [0, loops)). */
struct cktest {
	const TTest	*test;
	int		 loops;
};

static inline void
cklist_loops(TCase *tc, const struct cktest *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		tcase_add_loop_test(tc, t[i].test, 0, t[i].loops);
}

/* CKLOOPS(tc, { test, loops }, ...): tests with loop counts of their own. */
#define CKLOOPS(tc, ...)						\
	cklist_loops((tc), (const struct cktest[]){ __VA_ARGS__ },	\
	    sizeof((const struct cktest[]){ __VA_ARGS__ }) /		\
	    sizeof(struct cktest))

#endif
