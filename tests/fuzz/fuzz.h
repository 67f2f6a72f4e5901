/* tests/fuzz/fuzz.h - pieces shared by the libFuzzer targets and the seed generator */
/*
 * The targets that need Kerberos start one test bed per process (the KDC
 * runs for the whole fuzzing session; tools/testbed.c removes it when the
 * process ends, even on a crash) and make their contexts in-process.
 * Contexts made here have fresh random keys: a MIC or wrap token saved in
 * a seed file never verifies in a later process.  That is why the targets
 * that check MICs have "seal" modes in which the harness protects fuzzed
 * plaintext with the live context (see each target's header comment).
 */
#ifndef RPCAUTH_TESTS_FUZZ_FUZZ_H
#define RPCAUTH_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <gssapi/gssapi.h>

#include "secctx.h"

/* An invariant of the code under test: abort so that libFuzzer saves the input. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant violated: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* The harness itself could not set up (no KDC, ...): not a finding. */
#define FUZZ_SETUP(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: fuzz set-up failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		exit(2);						\
	}								\
} while (0)

/*
 * Start the test bed (alice's ticket in its ccache, server.keytab as the
 * default keytab) unless this process already has one; it is stopped at
 * exit.  Exits the process if the bed cannot start.
 */
void	fuzz_bed(void);

/*
 * One gss_init_sec_context step for demo@localhost (krb5, mutual, conf,
 * integ; no replay or sequence flags, as the library asks).  With in NULL
 * (and *ictx GSS_C_NO_CONTEXT) this makes the AP-REQ; with the acceptor's
 * token it completes the context.  The caller releases *ictx and *out.
 * Returns the GSS major status.
 */
OM_uint32 fuzz_init_step(gss_ctx_id_t *ictx, gss_buffer_t in, gss_buffer_t out);

/*
 * An established initiator/acceptor pair, made in-process against the
 * bed's KDC.  Both secctx are initialised here; secctx_clear() releases
 * them.  0 or -1.
 */
int	fuzz_gss_pair(struct secctx *ini, struct secctx *acc);

/* Write one seed file dir/name.  0 or -1 (with a message on stderr). */
int	fuzz_write_seed(const char *dir, const char *name, const void *p,
	    size_t n);

#endif
