/* tests/fuzz/fuzz_cred.c - libFuzzer target: credential and call-header codecs */
/*
 * The whole input is a credential body (what the server finds in cb_cred)
 * and, separately, the call-header bytes the verifier MIC covers.
 *
 * Invariants: cred_decode() accepts only what RFC 2203 allows (version 1,
 * gss_proc 0..3, service 1..3, 20..400 bytes, handle inside the input),
 * and what it accepts re-encodes to the same bytes: one message, one
 * encoding.  hdrmic_parse() and hdrmic_build() are inverses in the same
 * way.  ASan catches any read past the input.
 */
#include "config.h"

#include <string.h>

#include "cred_xdr.h"
#include "fuzz.h"
#include "hdrmic.h"
#include "hdrparse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_cred(const uint8_t *data, size_t size)
{
	struct rpcauth_cred c;
	uint8_t buf[400];
	int n;

	if (cred_decode(data, size, &c) != 0)
		return;
	FUZZ_CHECK(size >= RPCAUTH_CRED_MIN_LEN && size <= 400);
	FUZZ_CHECK(c.version == RPCAUTH_GSS_VERS_1);
	FUZZ_CHECK(c.gss_proc <= RPCAUTH_GSS_DESTROY);
	FUZZ_CHECK(c.service >= RPCAUTH_SVC_NONE &&
	    c.service <= RPCAUTH_SVC_PRIVACY);
	FUZZ_CHECK(c.handle_len <= RPCAUTH_CRED_MAX_HANDLE);
	FUZZ_CHECK((c.handle == NULL) == (c.handle_len == 0));
	if (c.handle != NULL)
		FUZZ_CHECK(c.handle >= data &&
		    c.handle + c.handle_len <= data + size);
	n = cred_encode(&c, buf, sizeof(buf));
	FUZZ_CHECK(n >= 0 && (size_t)n == size);
	FUZZ_CHECK(memcmp(buf, data, size) == 0);
}

static void
check_header(const uint8_t *data, size_t size)
{
	struct hdrmic_call hc;
	uint8_t buf[HDRMIC_MAX_LEN];
	int n;

	if (hdrmic_parse(data, size, &hc) != 0)
		return;
	FUZZ_CHECK(hc.cred_len <= 400);
	n = hdrmic_build(&hc, buf, sizeof(buf));
	FUZZ_CHECK(n >= 0 && (size_t)n == size);
	FUZZ_CHECK(memcmp(buf, data, size) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_cred(data, size);
	check_header(data, size);
	return 0;
}
