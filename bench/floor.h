/* bench/floor.h - the cryptographic cost of one call, measured in-process */
/*
 * The floor of a figure is what a call could cost at best on this machine:
 * the per-message cryptography RFC 2203 and RFC 4121 demand of a call and
 * its reply, done once with OpenSSL (AES-CBC-CTS and HMAC of the context's
 * enctype, keys set up beforehand), plus what the same call costs under
 * AUTH_SYS (the transport, XDR and dispatch every system pays).  One core
 * does both halves in turn, so the floor rate is
 *
 *	1 / (crypto seconds per call + 1 / AUTH_SYS calls per second).
 *
 * This file measures the first half; AUTH_SYS's rate comes from the same
 * job as the figure (rpcbench.c).  It depends on nothing else in bench/.
 */
#ifndef RPCAUTH_BENCH_FLOOR_H
#define RPCAUTH_BENCH_FLOOR_H

#include <stddef.h>
#include <stdint.h>

/*
 * CPU seconds (this thread's, getrusage(RUSAGE_THREAD): a neighbour's load
 * does not inflate it) that the tokens of one call and its reply take at
 * RFC 2203 service `level` (1 none, 2 integrity, 3 privacy) with an ECHO
 * argument of `size` bytes (0: NULL, no body):
 *	every level	header MIC made and verified, reply verifier MIC made
 *			and verified;
 *	integrity	+ the body's MIC made and verified, both directions;
 *	privacy		+ the body wrapped and unwrapped, both directions.
 * Repeats the call's operations for at least `min_secs` of CPU time and 3
 * times.  Returns 0 with *secs_out, or -1 (unknown enctype, OpenSSL
 * failure, out of memory) with the reason in why.
 */
int	 floor_call_secs(int32_t enctype, int level, size_t size,
	    double min_secs, double *secs_out, char *why, size_t len);

/* "aes256-cts-hmac-sha1-96" for enctype 18, ...; "?" when unknown. */
const char *floor_enctype_name(int32_t enctype);

#endif
