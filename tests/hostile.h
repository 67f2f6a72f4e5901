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

/* One test case per theme, in the order the suite runs them. */
TCase	*hostile_cred_tcase(void);	/* hostile_cred.c */
TCase	*hostile_seq_tcase(void);	/* hostile_seq.c */
TCase	*hostile_verf_tcase(void);	/* hostile_cred.c */
TCase	*hostile_init_tcase(void);	/* hostile_init.c */
TCase	*hostile_body_tcase(void);	/* hostile_body.c */
TCase	*hostile_destroy_tcase(void);	/* hostile_seq.c */

#endif
