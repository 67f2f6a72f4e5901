/* tests/check_leakcheck.c - the leak check can fail: it reports a deliberate leak */
/*
 * scripts/leakcheck.sh asserts "no leaks" over the whole suite; this test
 * proves that assertion can fail.  It runs itself again (/proc/self/exe)
 * with --leak, which loses one block allocated by rpcauth's own error
 * setter, or --clean, which does the same work and releases it, and reads
 * the tool's verdict:
 *
 *  - in an ASan build, LeakSanitizer with the committed suppressions
 *    (tests/lsan.supp) in force, as leakcheck.sh runs it: the leak is
 *    reported (rpcauth_err_set on the stack, one allocation) and the exit
 *    status is LeakSanitizer's, so the suppressions cannot hide a leak in
 *    rpcauth's own code; the clean run reports nothing and exits 0;
 *  - in any other build, valgrind memcheck with leakcheck.sh's options
 *    (--errors-for-leak-kinds=definite) and tests/valgrind.supp: the same
 *    two verdicts.  Without valgrind the program exits 77 (SKIP).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cklist.h"
#include "e2e.h"
#include "internal.h"
#include "srvproc.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif

#define LSAN_EXIT	23	/* exitcode, as in scripts/leakcheck.sh */
#define VG_EXIT		99	/* --error-exitcode, as in scripts/leakcheck.sh */
#define VALGRIND	"/usr/bin/valgrind"
/* The name a stack shows: rpcauth_err_set as rpcauth/rename.h links it. */
#define LINKNAME_(f)	#f
#define LINKNAME(f)	LINKNAME_(f)
#define ERR_SET		LINKNAME(rpcauth_err_set)
#define OUT_MAX		(64 * 1024)

static char self[4096];

/* Overwrite the dead stack below us, where a stale pointer could linger. */
static void __attribute__((noinline))
clobber_stack(void)
{
	volatile char junk[8192];
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = 0;
}

/*
 * The message's only pointer lives in a heap struct that is then freed:
 * freed memory is no root for LeakSanitizer or memcheck, so the block is
 * "definitely lost" however the compiler keeps its locals.
 */
static void __attribute__((noinline))
lose_one_block(int release)
{
	struct rpcauth_err *err = calloc(1, sizeof(*err));

	if (err == NULL)
		exit(3);
	(void)rpcauth_err_set(err, RPCAUTH_E_PROTO,
	    "check_leakcheck: a deliberate leak of rpcauth's own memory");
	if (release)
		rpcauth_err_clear(err);
	free(err);
}

static int
child_main(const char *mode)
{
	lose_one_block(strcmp(mode, "--clean") == 0);
	clobber_stack();
	return 0;
}

/* A file of tests/ in the source tree: the harness exports srcdir; else __FILE__. */
static void
src_path(const char *name, char *buf, size_t len)
{
	const char *sd = getenv("srcdir");
	const char *file = __FILE__, *slash = strrchr(file, '/');
	int dlen = slash != NULL ? (int)(slash - file) : 0;

	if (sd != NULL && *sd != '\0')
		snprintf(buf, len, "%s/%s", sd, name);
	else if (file[0] == '/')
		snprintf(buf, len, "%.*s/%s", dlen, file, name);
	else
		snprintf(buf, len, "%s/tests/%.*s%s%s", TOP_BUILDDIR, dlen,
		    file, dlen > 0 ? "/" : "", name);
	ck_assert_msg(access(buf, R_OK) == 0, "no suppressions file %s", buf);
}

struct run {
	int	 status;
	char	 out[OUT_MAX];
	char	 err[OUT_MAX];
};

static void
run_child(char *const argv[], struct run *r)
{
	ck_assert_msg(srvproc_run(argv, r->out, sizeof(r->out), r->err,
	    sizeof(r->err), 120000, &r->status) == 0, "cannot run %s",
	    argv[0]);
}

/* A text the child's stderr must hold, and what its absence means. */
struct says {
	const char	*text;
	const char	*missing;
};

/*
 * Run argv (`what` names the run): it must exit with `status`, with each
 * of must[0..n) in its stderr and, unless NULL, `absent` nowhere in it.
 */
static void
verdict(char *const argv[], const char *what, int status,
    const struct says *must, size_t n, const char *absent)
{
	static struct run r;
	size_t i;

	run_child(argv, &r);
	ck_assert_msg(WIFEXITED(r.status) && WEXITSTATUS(r.status) == status,
	    "%s must end with status %d, got 0x%x; stderr:\n%s", what, status,
	    r.status, r.err);
	for (i = 0; i < n; i++)
		ck_assert_msg(strstr(r.err, must[i].text) != NULL, "%s:\n%s",
		    must[i].missing, r.err);
	ck_assert_msg(absent == NULL || strstr(r.err, absent) == NULL,
	    "%s must not report \"%s\":\n%s", what, absent, r.err);
}

#ifdef HAVE_ASAN
static void
lsan_env(void)
{
	char supp[4096], opt[4200];

	src_path("lsan.supp", supp, sizeof(supp));
	/*
	 * What scripts/leakcheck.sh sets.  The slow unwinder gives the whole
	 * stack through glibc (vasprintf has no frame pointers): without it
	 * the report stops in libc, and a suppression of a libc frame would
	 * hide rpcauth's leaks.
	 */
	setenv("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:"
	    "fast_unwind_on_malloc=0", 1);
	snprintf(opt, sizeof(opt), "suppressions=%s:print_suppressions=0:"
	    "exitcode=%d", supp, LSAN_EXIT);
	setenv("LSAN_OPTIONS", opt, 1);
}

START_TEST(lsan_reports_leak)
{
	static const struct says says[] = {
		{ "ERROR: LeakSanitizer: detected memory leaks",
		  "no LeakSanitizer report" },
		{ "leaked in 1 allocation(s)",
		  "the report must count exactly the deliberate block" },
		{ ERR_SET, "the leak's stack must name " ERR_SET },
	};
	char *argv[] = { self, "--leak", NULL };

	lsan_env();
	verdict(argv, "a leak under LeakSanitizer", LSAN_EXIT, says,
	    sizeof(says) / sizeof(says[0]), NULL);
}
END_TEST

START_TEST(lsan_quiet_when_clean)
{
	char *argv[] = { self, "--clean", NULL };

	lsan_env();
	verdict(argv, "a clean run", 0, NULL, 0, "LeakSanitizer");
}
END_TEST
#else
/* leakcheck.sh's memcheck options, with tests/valgrind.supp in force. */
static void
vg_argv(char **argv, char *suppopt, size_t len, char *mode)
{
	char supp[4096];
	int i = 0;

	src_path("valgrind.supp", supp, sizeof(supp));
	snprintf(suppopt, len, "--suppressions=%s", supp);
	argv[i++] = VALGRIND;
	argv[i++] = "--quiet";
	argv[i++] = "--leak-check=full";
	argv[i++] = "--show-leak-kinds=definite";
	argv[i++] = "--errors-for-leak-kinds=definite";
	argv[i++] = "--error-exitcode=99";
	argv[i++] = suppopt;
	argv[i++] = self;
	argv[i++] = mode;
	argv[i] = NULL;
}

START_TEST(valgrind_reports_leak)
{
	static const struct says says[] = {
		{ "definitely lost in loss record", "no definite loss reported" },
		{ ERR_SET, "the loss record must name " ERR_SET },
	};
	char *argv[12], opt[4200];

	vg_argv(argv, opt, sizeof(opt), "--leak");
	verdict(argv, "a leak under memcheck", VG_EXIT, says,
	    sizeof(says) / sizeof(says[0]), NULL);
}
END_TEST

START_TEST(valgrind_quiet_when_clean)
{
	char *argv[12], opt[4200];

	vg_argv(argv, opt, sizeof(opt), "--clean");
	verdict(argv, "a clean run under memcheck", 0, NULL, 0,
	    "definitely lost");
}
END_TEST
#endif

int
main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;
	ssize_t n;

	if (argc == 2 && (strcmp(argv[1], "--leak") == 0 ||
	    strcmp(argv[1], "--clean") == 0))
		return child_main(argv[1]);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 99;
	self[n] = '\0';

#ifndef HAVE_ASAN
	if (access(VALGRIND, X_OK) != 0) {
		printf("check_leakcheck: SKIP: no %s (scripts/deps.sh installs "
		    "it)\n", VALGRIND);
		return 77;
	}
#endif
	s = suite_create("leakcheck");
	tc = tcase_create("verdicts");
	tcase_set_timeout(tc, 240);
#ifdef HAVE_ASAN
	tcase_add_test(tc, lsan_reports_leak);
	tcase_add_test(tc, lsan_quiet_when_clean);
#else
	tcase_add_test(tc, valgrind_reports_leak);
	tcase_add_test(tc, valgrind_quiet_when_clean);
#endif
	suite_add_tcase(s, tc);
	return e2e_suite_run(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
