/* rpcauth/cred_xdr.c - RFC 2203 credential, init arg and init result codecs */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "internal.h"
#include "cred_xdr.h"
#include "xdrbuf.h"

int
cred_decode(const void *body, size_t len, struct rpcauth_cred *out)
{
	struct rpcauth_cred c;
	struct xdr_rd r;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	/* RFC 5531: an auth body is at most 400 bytes; bound before reading. */
	if (len > RPCAUTH_MAX_AUTH_BYTES || len < RPCAUTH_CRED_MIN_LEN)
		goto out;
	xdr_rd_init(&r, body, len);
	c.version = xdr_rd_u32(&r);
	c.gss_proc = xdr_rd_u32(&r);
	c.seq = xdr_rd_u32(&r);
	c.service = xdr_rd_u32(&r);
	c.handle = xdr_rd_opaque(&r, RPCAUTH_CRED_MAX_HANDLE, &c.handle_len);
	if (!xdr_rd_done(&r))
		goto out;
	/* RFC 2203 5.3.3.3: anything we cannot read is AUTH_BADCRED. */
	if (c.version != RPCAUTH_GSS_VERS_1)
		goto out;
	if (c.gss_proc > RPCAUTH_GSS_DESTROY)
		goto out;
	if (c.service < RPCAUTH_SVC_NONE || c.service > RPCAUTH_SVC_PRIVACY)
		goto out;
	*out = c;
	ret = 0;
out:
	return ret;
}

int
cred_encode(const struct rpcauth_cred *c, uint8_t *buf, size_t cap)
{
	struct xdr_wr w;

	/* Never build what a server must refuse as too long. */
	if (cap > RPCAUTH_MAX_AUTH_BYTES)
		cap = RPCAUTH_MAX_AUTH_BYTES;
	xdr_wr_init(&w, buf, cap);
	xdr_wr_u32(&w, c->version);
	xdr_wr_u32(&w, c->gss_proc);
	xdr_wr_u32(&w, c->seq);
	xdr_wr_u32(&w, c->service);
	xdr_wr_opaque(&w, c->handle, c->handle_len);
	return xdr_wr_result(&w);
}

int
init_res_decode(const void *buf, size_t len, size_t max_handle,
    size_t max_token, struct rpcauth_init_res *out)
{
	struct rpcauth_init_res res;
	struct xdr_rd r;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	memset(&res, 0, sizeof(res));
	xdr_rd_init(&r, buf, len);
	res.handle = xdr_rd_opaque(&r, max_handle, &res.handle_len);
	res.major = xdr_rd_u32(&r);
	res.minor = xdr_rd_u32(&r);
	res.window = xdr_rd_u32(&r);
	res.token = xdr_rd_opaque(&r, max_token, &res.token_len);
	/* The server chose these bytes; trailing ones mean we misread it. */
	if (!xdr_rd_done(&r))
		goto out;
	*out = res;
	ret = 0;
out:
	return ret;
}

size_t
init_res_size(const struct rpcauth_init_res *r)
{
	size_t n;

	/* Bound each term first: then the sum cannot wrap even where
	 * size_t has 32 bits.  The encoder returns an int anyway. */
	if (r->handle_len > INT_MAX / 2 || r->token_len > INT_MAX / 2)
		return 0;
	n = 4 + XDR_RNDUP(r->handle_len) + 3 * 4 + 4 + XDR_RNDUP(r->token_len);
	return n > INT_MAX ? 0 : n;
}

int
init_res_encode(const struct rpcauth_init_res *r, uint8_t *buf, size_t cap)
{
	struct xdr_wr w;

	xdr_wr_init(&w, buf, cap);
	xdr_wr_opaque(&w, r->handle, r->handle_len);
	xdr_wr_u32(&w, r->major);
	xdr_wr_u32(&w, r->minor);
	xdr_wr_u32(&w, r->window);
	xdr_wr_opaque(&w, r->token, r->token_len);
	return xdr_wr_result(&w);
}
