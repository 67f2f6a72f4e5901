/* rpcauth/body_xdr.c - framing of RPCSEC_GSS integrity and privacy bodies */
#include "config.h"

#include <limits.h>

#include "body_xdr.h"
#include "xdrbuf.h"

int
integ_body_parse(const void *buf, size_t len, size_t max_body,
    const uint8_t **databody, size_t *dblen,
    const uint8_t **checksum, size_t *cklen)
{
	const uint8_t *db, *ck;
	size_t dl, cl;
	struct xdr_rd r;

	*databody = *checksum = NULL;
	*dblen = *cklen = 0;
	xdr_rd_init(&r, buf, len);
	db = xdr_rd_opaque(&r, max_body, &dl);
	ck = xdr_rd_opaque(&r, RPCAUTH_MAX_CHECKSUM, &cl);
	/* RFC 2203 5.3.2.2: the body is exactly these two opaques. */
	if (!xdr_rd_done(&r) || cl == 0)
		return -1;
	*databody = db;
	*dblen = dl;
	*checksum = ck;
	*cklen = cl;
	return 0;
}

int
databody_split(const uint8_t *db, size_t dblen, uint32_t *seq,
    const uint8_t **args, size_t *argslen)
{
	struct xdr_rd r;

	*seq = 0;
	*args = NULL;
	*argslen = 0;
	xdr_rd_init(&r, db, dblen);
	*seq = xdr_rd_u32(&r);
	if (!xdr_rd_ok(&r)) {
		*seq = 0;
		return -1;
	}
	/* The arguments are the application's XDR: no framing of ours. */
	*args = db + 4;
	*argslen = dblen - 4;
	return 0;
}

size_t
integ_body_size(size_t dblen, size_t cklen)
{
	size_t n;

	/* Bound each term first so the sum cannot wrap on 32-bit size_t. */
	if (dblen > INT_MAX / 2 || cklen > INT_MAX / 2)
		return 0;
	n = 4 + XDR_RNDUP(dblen) + 4 + XDR_RNDUP(cklen);
	return n > INT_MAX ? 0 : n;
}

int
integ_body_encode(const void *db, size_t dblen, const void *ck, size_t cklen,
    uint8_t *buf, size_t cap)
{
	struct xdr_wr w;

	xdr_wr_init(&w, buf, cap);
	xdr_wr_opaque(&w, db, dblen);
	xdr_wr_opaque(&w, ck, cklen);
	return xdr_wr_result(&w);
}

int
priv_body_parse(const void *buf, size_t len, size_t max_body,
    const uint8_t **tok, size_t *toklen)
{
	/* No mechanism wraps into nothing: an empty token is malformed. */
	if (xdr_opaque_msg_decode(buf, len, max_body, tok, toklen) != 0 ||
	    *toklen == 0) {
		*tok = NULL;
		*toklen = 0;
		return -1;
	}
	return 0;
}
