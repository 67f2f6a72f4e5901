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

struct hdrmic_call {
	uint32_t	 xid;
	uint32_t	 prog;
	uint32_t	 vers;
	uint32_t	 proc;
	uint32_t	 cred_flavor;
	const uint8_t	*cred;		/* the credential body, unpadded */
	size_t		 cred_len;
};

/* Eight 32-bit units, then the padded body of a credential of <= 400 bytes. */
#define HDRMIC_MAX_LEN	(8 * 4 + 400)

/*
 * Write the covered bytes into buf; cap >= HDRMIC_MAX_LEN always suffices.
 * The padding is written as zeros (RFC 4506 4.10): libtirpc hands the server
 * the credential body without the padding it carried on the wire, so a
 * client that padded with anything else fails the MIC.  Returns the length,
 * or -1 if cred_len is over 400, cred is NULL with a non-zero length, or cap
 * is too small.
 */
int	hdrmic_build(const struct hdrmic_call *c, uint8_t *buf, size_t cap);
/*
 * Parse such bytes back (tests, fuzz target).  out->cred is borrowed from
 * buf (NULL when cred_len is 0).  Returns 0, or -1 when msg_type is not 0,
 * rpcvers is not 2, cred_len is over 400, padding is not zero, or the bytes
 * are truncated or followed by more.  out is cleared on entry.
 */
int	hdrmic_parse(const uint8_t *buf, size_t len, struct hdrmic_call *out);

#endif /* RPCAUTH_HDRMIC_H */
