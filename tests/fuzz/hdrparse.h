/* tests/fuzz/hdrparse.h - parse the call-header bytes hdrmic_build() makes */
/*
 * The library never parses these bytes (libtirpc parses the call header;
 * the server rebuilds the covered bytes with hdrmic_build()), so the
 * inverse lives with the tests that hold the builder to it: check_hdrmic
 * and fuzz_cred.  Header-only, so both can include it without a library.
 */
#ifndef RPCAUTH_TESTS_HDRPARSE_H
#define RPCAUTH_TESTS_HDRPARSE_H

#include <string.h>

#include "hdrmic.h"
#include "xdrbuf.h"

/*
 * Parse bytes as hdrmic_build() writes them.  out->cred is borrowed from
 * buf (NULL when cred_len is 0).  Returns 0, or -1 when msg_type is not 0,
 * rpcvers is not 2, cred_len is over 400, padding is not zero, or the bytes
 * are truncated or followed by more.  out is cleared on entry.
 */
static int
hdrmic_parse(const uint8_t *buf, size_t len, struct hdrmic_call *out)
{
	struct hdrmic_call c;
	struct xdr_rd r;
	uint32_t mtype, rpcvers;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	xdr_rd_init(&r, buf, len);
	c.xid = xdr_rd_u32(&r);
	mtype = xdr_rd_u32(&r);
	rpcvers = xdr_rd_u32(&r);
	c.prog = xdr_rd_u32(&r);
	c.vers = xdr_rd_u32(&r);
	c.proc = xdr_rd_u32(&r);
	c.cred_flavor = xdr_rd_u32(&r);
	c.cred = xdr_rd_opaque(&r, RPCAUTH_MAX_AUTH_BYTES, &c.cred_len);
	if (!xdr_rd_done(&r) || mtype != HDRMIC_CALL ||
	    rpcvers != HDRMIC_RPCVERS)
		return -1;
	*out = c;
	return 0;
}

#endif /* RPCAUTH_TESTS_HDRPARSE_H */
