/* rpcauth/hdrmic.c - the call-header bytes that the RPCSEC_GSS verifier MICs */
#include "config.h"

#include "internal.h"
#include "hdrmic.h"
#include "xdrbuf.h"

int
hdrmic_build(const struct hdrmic_call *c, uint8_t *buf, size_t cap)
{
	struct xdr_wr w;

	/*
	 * Bound the body before it is copied: a server rebuilding the header
	 * from a peer's credential must never write past HDRMIC_MAX_LEN.
	 */
	if (c->cred_len > RPCAUTH_MAX_AUTH_BYTES)
		return -1;
	xdr_wr_init(&w, buf, cap);
	xdr_wr_u32(&w, c->xid);
	xdr_wr_u32(&w, HDRMIC_CALL);
	xdr_wr_u32(&w, HDRMIC_RPCVERS);
	xdr_wr_u32(&w, c->prog);
	xdr_wr_u32(&w, c->vers);
	xdr_wr_u32(&w, c->proc);
	xdr_wr_u32(&w, c->cred_flavor);
	xdr_wr_opaque(&w, c->cred, c->cred_len);
	return xdr_wr_result(&w);	/* at most HDRMIC_MAX_LEN */
}
