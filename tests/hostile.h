/* tests/hostile.h - what the check_hostile program's theme files share */
#ifndef RPCAUTH_TESTS_HOSTILE_H
#define RPCAUTH_TESTS_HOSTILE_H

#include <check.h>

#include "cklist.h"
#include "srvproc.h"
#include "testbed.h"
#include "wire.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN	1
#else
#define UNDER_ASAN	0
#endif

/* The server's defaults (rpcauth.h): INIT token cap and protected body cap. */
#define MAX_TOKEN	65536u
#define MAX_BODY	(64u * 1024 * 1024)
/* A claimed length that, if believed, would show in the server's VmPeak. */
#define BIG_CLAIM_MIB	60u

/* The bed and the demo server every case talks to (check_hostile.c). */
extern struct testbed	*bed;
extern struct srvproc	 server;

/* VmPeak or VmRSS of the server, in KiB. */
long	server_kb(const char *field);
/* No allocation of a claimed size: VmPeak grew by less than half of it. */
void	assert_no_big_alloc(long peak_before_kb, const char *label);

/* One test case per theme added to s, in the order the suite runs them. */
void	hostile_cred_tests(Suite *s);		/* hostile_cred.c */
void	hostile_seq_tests(Suite *s);		/* hostile_seq.c */
void	hostile_verf_tests(Suite *s);		/* hostile_cred.c */
void	hostile_init_tests(Suite *s);		/* hostile_init.c */
void	hostile_body_tests(Suite *s);		/* hostile_body.c */
void	hostile_destroy_tests(Suite *s);	/* hostile_seq.c */

#endif
