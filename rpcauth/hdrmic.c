/* rpcauth/hdrmic.c - the call-header bytes that the RPCSEC_GSS verifier MICs */
#include "config.h"

#include <string.h>

#include "internal.h"
#include "hdrmic.h"
#include "xdrbuf.h"

/* RFC 5531: msg_type CALL and the only RPC version there is. */
#define HDR_CALL	0
#define HDR_RPCVERS	2

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
	xdr_wr_u32(&w, HDR_CALL);
	xdr_wr_u32(&w, HDR_RPCVERS);
	xdr_wr_u32(&w, c->prog);
	xdr_wr_u32(&w, c->vers);
	xdr_wr_u32(&w, c->proc);
	xdr_wr_u32(&w, c->cred_flavor);
	xdr_wr_opaque(&w, c->cred, c->cred_len);
	return xdr_wr_result(&w);	/* at most HDRMIC_MAX_LEN */
}

int
hdrmic_parse(const uint8_t *buf, size_t len, struct hdrmic_call *out)
{
	struct hdrmic_call c;
	struct xdr_rd r;
	uint32_t mtype, rpcvers;
	int ret = -1;

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
	if (!xdr_rd_done(&r))
		goto out;
	if (mtype != HDR_CALL || rpcvers != HDR_RPCVERS)
		goto out;
	*out = c;
	ret = 0;
out:
	return ret;
}
