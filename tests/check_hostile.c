/* tests/check_hostile.c - hostile clients at the real demo server, byte by byte */
/*
 * Each case sends hand-made bytes at the real demo server (test bed KDC,
 * server on 127.0.0.1), over TCP and UDP where the case applies, and
 * asserts three things: the exact answer on the wire, that the application
 * procedure did not run (DEMOFS STATS, read through a fresh authenticated
 * client, moved by exactly the test's legitimate ECHO calls), and that a
 * legitimate client is served right after (that same STATS call).
 *
 * The calls are built on the raw-wire harness (tests/wire.h), as
 * check_conformance.c's are.  The cases are in one file per theme:
 * hostile_cred.c (credential, handle, verifier), hostile_seq.c (sequence
 * numbers, DESTROY), hostile_init.c (control messages and their tokens),
 * hostile_body.c (protected bodies and arguments).  This file holds the
 * server's memory probes, the suite and main().
 *
 * The server runs for the whole suite; at the end it must exit 0 on
 * SIGTERM, which under the sanitizer build means no use-after-free, double
 * free or overflow happened in any case.
 */
#include "config.h"

#include <sys/wait.h>

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cklist.h"
#include "e2e.h"
#include "hostile.h"

struct testbed	*bed;
struct srvproc	 server;

/* VmPeak or VmRSS of the server, in KiB. */
long
server_kb(const char *field)
{
	char path[64], line[256];
	size_t flen = strlen(field);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)server.pid);
	ck_assert((f = fopen(path, "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, flen) == 0 && line[flen] == ':')
			v = strtol(line + flen + 1, NULL, 10);
	fclose(f);
	ck_assert_msg(v >= 0, "no %s in %s", field, path);
	return v;
}

/*
 * No allocation of a claimed size: the server's peak virtual size grew by
 * less than the claim.  glibc serves such sizes with mmap, so an
 * allocation would show here even if never touched.  ASan reserves its
 * heap up front, so there the check says nothing and is skipped.
 */
void
assert_no_big_alloc(long peak_before_kb, const char *label)
{
	long grown = server_kb("VmPeak") - peak_before_kb;

	if (UNDER_ASAN)
		return;
	ck_assert_msg(grown < (long)BIG_CLAIM_MIB * 1024 / 2,
	    "%s: the server's VmPeak grew by %ld KiB", label, grown);
}

static Suite *
hostile_suite(void)
{
	Suite *s = suite_create("hostile");

	hostile_cred_tests(s);
	hostile_seq_tests(s);
	hostile_verf_tests(s);
	hostile_init_tests(s);
	hostile_body_tests(s);
	hostile_destroy_tests(s);
	return s;
}

static int
setup(void)
{
	if (e2e_server_start(&server, &wire_port, testbed_server_keytab(bed),
	    NULL) != 0)
		return -1;
	/*
	 * The server keeps its defaults (krb5 contexts on the OpenSSL fast
	 * path).  The test's own clients stay in GSS, because two cases need
	 * what only GSS makes: a wrap without confidentiality, a MIC with
	 * another QOP.  All else goes through secctx, whichever path.
	 */
	setenv("RPCAUTH_KRB5_FASTPATH", "0", 1);
	return 0;
}

/* A clean exit on SIGTERM: under ASan, no memory error in any case. */
static int
teardown(void)
{
	return raw_server_stop(&server);
}

int
main(void)
{
	static const char *const extra[] = { "other/localhost", NULL };

	/* A server that hangs up on us must fail a test, not kill it. */
	signal(SIGPIPE, SIG_IGN);
	return e2e_main(hostile_suite(), &(struct testbed_opts){
	    .extra_principals = extra,
	    .ntlm_user_file = true,	/* for the NTLM server's acceptor */
	}, &bed, setup, teardown);
}
