/* rpcauth/xdrbuf.c - bounded XDR cursors over plain byte buffers */
/*
 * Invariant: off <= len (cap) always holds, so len - off never wraps; every
 * length that came off the wire is compared with what remains before it is
 * added to anything.  See xdrbuf.h for the latching rules.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "xdrbuf.h"

/* Padding that follows n bytes of opaque data: 0..3. */
static size_t
padlen(size_t n)
{
	return (4 - (n & 3)) & 3;
}

void
xdr_rd_init(struct xdr_rd *r, const void *buf, size_t len)
{
	r->p = buf;
	r->len = buf == NULL ? 0 : len;
	r->off = 0;
	/* A NULL buffer that claims bytes is a caller bug: fail, don't read. */
	r->bad = buf == NULL && len != 0;
}

/*
 * Both cursors claim room the same way: advance *off by n when n bytes remain
 * below len, else latch *bad.  Returns the offset claimed, or -1.
 */
static ptrdiff_t
claim(size_t *off, size_t len, int *bad, size_t n)
{
	size_t at = *off;

	if (*bad || n > len - at || n > PTRDIFF_MAX) {
		*bad = 1;
		return -1;
	}
	*off = at + n;
	return (ptrdiff_t)at;
}

/* Claim n > 0 bytes; NULL (and bad) if fewer remain. */
static const uint8_t *
rd_take(struct xdr_rd *r, size_t n)
{
	ptrdiff_t at = claim(&r->off, r->len, &r->bad, n);

	return at < 0 ? NULL : r->p + at;
}

uint32_t
xdr_rd_u32(struct xdr_rd *r)
{
	const uint8_t *q;

	if ((q = rd_take(r, 4)) == NULL)
		return 0;
	return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
	    (uint32_t)q[2] << 8 | (uint32_t)q[3];
}

const uint8_t *
xdr_rd_opaque(struct xdr_rd *r, size_t max, size_t *len_out)
{
	const uint8_t *data = NULL, *pad;
	size_t n, npad, i;

	*len_out = 0;
	n = xdr_rd_u32(r);
	if (r->bad)
		return NULL;
	/*
	 * n is the peer's claim.  Bound it by max and by what remains before
	 * adding the padding, so a length like 0xFFFFFFF0 cannot wrap.
	 */
	if (n > max || n > r->len - r->off) {
		r->bad = 1;
		return NULL;
	}
	npad = padlen(n);
	if (npad > r->len - r->off - n) {
		r->bad = 1;
		return NULL;
	}
	if (n > 0)
		data = rd_take(r, n);
	if (npad > 0) {
		pad = rd_take(r, npad);
		for (i = 0; i < npad; i++) {
			if (pad[i] != 0) {
				r->bad = 1;
				return NULL;
			}
		}
	}
	*len_out = n;
	return data;
}

const uint8_t *
xdr_rd_fixed(struct xdr_rd *r, size_t n)
{
	if (n == 0)
		return NULL;
	return rd_take(r, n);
}

int
xdr_rd_ok(const struct xdr_rd *r)
{
	return !r->bad;
}

int
xdr_rd_done(const struct xdr_rd *r)
{
	return !r->bad && r->off == r->len;
}

size_t
xdr_rd_remaining(const struct xdr_rd *r)
{
	return r->bad ? 0 : r->len - r->off;
}

void
xdr_wr_init(struct xdr_wr *w, void *buf, size_t cap)
{
	w->p = buf;
	w->cap = buf == NULL ? 0 : cap;
	w->off = 0;
	w->bad = 0;
}

/* Claim n > 0 bytes of room; NULL (and bad) if they do not fit. */
static uint8_t *
wr_take(struct xdr_wr *w, size_t n)
{
	ptrdiff_t at = claim(&w->off, w->cap, &w->bad, n);

	return at < 0 ? NULL : w->p + at;
}

void
xdr_wr_u32(struct xdr_wr *w, uint32_t v)
{
	uint8_t *q;

	if ((q = wr_take(w, 4)) != NULL)
		xdr_be32(q, v);
}

void
xdr_wr_opaque(struct xdr_wr *w, const void *data, size_t len)
{
	size_t npad;
	uint8_t *q;

	/* The length field is 32 bits; a longer opaque has no encoding. */
	if (len > UINT32_MAX || (len > 0 && data == NULL)) {
		w->bad = 1;
		return;
	}
	npad = padlen(len);
	/* Check the whole size first so a failed write leaves no length. */
	if (w->bad || len > w->cap - w->off || 4 + npad > w->cap - w->off - len) {
		w->bad = 1;
		return;
	}
	xdr_wr_u32(w, (uint32_t)len);
	xdr_wr_fixed(w, data, len);
	if (npad > 0 && (q = wr_take(w, npad)) != NULL)
		memset(q, 0, npad);
}

void
xdr_wr_fixed(struct xdr_wr *w, const void *data, size_t len)
{
	uint8_t *q;

	/* memcpy's arguments must not be NULL, even for 0 bytes. */
	if (len == 0)
		return;
	if (data == NULL) {
		w->bad = 1;
		return;
	}
	/* Data already in place (framing a body where it was built) needs
	 * no copy, and memcpy must not be given overlapping regions. */
	if ((q = wr_take(w, len)) != NULL && q != data)
		memcpy(q, data, len);
}

int
xdr_wr_ok(const struct xdr_wr *w)
{
	return !w->bad;
}

int
xdr_wr_result(const struct xdr_wr *w)
{
	if (w->bad || w->off > INT_MAX)
		return -1;
	return (int)w->off;
}

/*
 * Messages that are one opaque and nothing else (rpc_gss_init_arg,
 * rpc_gss_priv_data) share these three steps; their named codecs in
 * cred_xdr.h and body_xdr.h add only their own rules.
 */
int
xdr_opaque_msg_decode(const void *buf, size_t len, size_t max,
    const uint8_t **data, size_t *data_len)
{
	struct xdr_rd r;
	const uint8_t *d;
	size_t dl;

	*data = NULL;
	*data_len = 0;
	xdr_rd_init(&r, buf, len);
	d = xdr_rd_opaque(&r, max, &dl);
	if (!xdr_rd_done(&r))
		return -1;
	*data = d;
	*data_len = dl;
	return 0;
}

size_t
xdr_opaque_msg_size(size_t data_len)
{
	/* Encoders return an int; bounding first also keeps the rounding
	 * from wrapping where size_t has 32 bits. */
	if (data_len > INT_MAX - 8)
		return 0;
	return 4 + XDR_RNDUP(data_len);
}

int
xdr_opaque_msg_encode(const void *data, size_t data_len, uint8_t *buf,
    size_t cap)
{
	struct xdr_wr w;

	xdr_wr_init(&w, buf, cap);
	xdr_wr_opaque(&w, data, data_len);
	return xdr_wr_result(&w);
}
