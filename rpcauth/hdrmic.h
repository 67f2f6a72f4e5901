/* rpcauth/hdrmic.h - the call-header bytes that the RPCSEC_GSS verifier MICs */
/*
 * RFC 2203 5.3.1: the call verifier is GetMIC over the RPC header from the
 * xid up to and including the credential: xid, msg_type (CALL = 0), rpcvers
 * (2), prog, vers, proc, cred flavor, cred length, cred body with its XDR
 * padding.  The client builds these bytes to sign; the server rebuilds them
 * from what it received to verify.  Pure codec: no GSS, no I/O.
 */
#ifndef RPCAUTH_HDRMIC_H
#define RPCAUTH_HDRMIC_H

#include "rename.h"

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"

struct hdrmic_call {
	uint32_t	 xid;
	uint32_t	 prog;
	uint32_t	 vers;
	uint32_t	 proc;
	uint32_t	 cred_flavor;
	const uint8_t	*cred;		/* the credential body, unpadded */
	size_t		 cred_len;
};

/* RFC 5531: msg_type CALL and the only RPC version there is. */
#define HDRMIC_CALL	0
#define HDRMIC_RPCVERS	2

/* Eight 32-bit units, then the padded body of a credential of <= 400 bytes. */
#define HDRMIC_MAX_LEN	(8 * 4 + RPCAUTH_MAX_AUTH_BYTES)

/*
 * Write the covered bytes into buf; cap >= HDRMIC_MAX_LEN always suffices.
 * The padding is written as zeros (RFC 4506 4.10): libtirpc hands the server
 * the credential body without the padding it carried on the wire, so a
 * client that padded with anything else fails the MIC.  Returns the length,
 * or -1 if cred_len is over 400, cred is NULL with a non-zero length, or cap
 * is too small.
 */
int	hdrmic_build(const struct hdrmic_call *c, uint8_t *buf, size_t cap);
/* Its inverse is the tests' (tests/fuzz/hdrparse.h): libtirpc parses headers. */

#endif /* RPCAUTH_HDRMIC_H */
