/* rpcauth/xdrstream.c - the one bounded step between a libtirpc stream and a buffer */
/*
 * Invariant: s->used only grows by what was read, and every length that
 * came off the stream is compared with its bound before it is added to
 * anything or reserved.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "internal.h"
#include "xdrbuf.h"
#include "xdrstream.h"

/* Room for n more bytes after s->used; NULL when it does not fit. */
static uint8_t *
grow(struct scratch *s, size_t n)
{
	if (n > SIZE_MAX - s->used || scratch_reserve(s, s->used + n) == NULL)
		return NULL;
	return s->p + s->used;
}

int
xdrstream_append(struct scratch *s, const void *p, size_t n)
{
	uint8_t *q;

	if ((q = grow(s, n)) == NULL)
		return -1;
	if (p != NULL)
		memcpy(q, p, n);
	else
		memset(q, 0, n);
	s->used += n;
	return 0;
}

int
xdrstream_read_u32(XDR *xdrs, struct scratch *s)
{
	u_int v;
	uint8_t *q;

	if (!xdr_u_int(xdrs, &v) || (q = grow(s, 4)) == NULL)
		return -1;
	xdr_be32(q, v);
	s->used += 4;
	return 0;
}

int
xdrstream_read_opaque(XDR *xdrs, size_t max, struct scratch *s)
{
	return xdrstream_read_opaque_tap(xdrs, max, s, NULL, NULL);
}

int
xdrstream_read_opaque_tap(XDR *xdrs, size_t max, struct scratch *s,
    xdrstream_tap_fn *tap, void *arg)
{
	u_int len;

	if (!xdr_u_int(xdrs, &len) || len > max)
		return -1;
	return xdrstream_read_opaque_len(xdrs, len, s, tap, arg);
}

int
xdrstream_read_opaque_len(XDR *xdrs, size_t len, struct scratch *s,
    xdrstream_tap_fn *tap, void *arg)
{
	size_t off = 0, step, npad;
	uint8_t *q;

	if (len > UINT32_MAX || (q = grow(s, 4)) == NULL)
		return -1;
	xdr_be32(q, (uint32_t)len);
	s->used += 4;
	while (off < len) {
		step = len - off;
		if (step > RPCAUTH_READ_STEP)
			step = RPCAUTH_READ_STEP;
		if ((q = grow(s, step)) == NULL)
			return -1;
		/* Steps are multiples of 4 but the last: xdr_opaque reads (and
		 * skips) the padding once, after the last step. */
		if (!xdr_opaque(xdrs, (caddr_t)q, (u_int)step))
			return -1;
		/* Still in cache: the one cheap moment to hash it. */
		if (tap != NULL)
			tap(arg, q, step);
		s->used += step;
		off += step;
	}
	npad = XDR_RNDUP(len) - len;
	if (npad > 0) {
		if ((q = grow(s, npad)) == NULL)
			return -1;
		memset(q, 0, npad);
		s->used += npad;
	}
	return 0;
}

int
xdrstream_pass_bytes(XDR *xdrs, size_t len, uint8_t *buf, size_t cap,
    xdrstream_pass_fn *pass, void *arg)
{
	size_t off, step;

	if (cap == 0 || cap % 4 != 0 || cap > UINT_MAX)
		return -1;
	for (off = 0; off < len; off += step) {
		step = len - off < cap ? len - off : cap;
		/* As above: the last step reads (and skips) the padding. */
		if (!xdr_opaque(xdrs, (caddr_t)buf, (u_int)step) ||
		    pass(arg, buf, step) != 0)
			return -1;
	}
	return 0;
}

int
xdrstream_put(XDR *xdrs, const uint8_t *p, size_t len)
{
	/* A whole encoding: xdr_opaque adds no padding to it. */
	if (len % 4 != 0 || len > UINT_MAX)
		return -1;
	return xdr_opaque(xdrs, (caddr_t)(uintptr_t)p, (u_int)len) ? 0 : -1;
}

int
xdrstream_put_opaque(XDR *xdrs, const void *p, size_t len)
{
	u_int n = (u_int)len;

	if (len > UINT_MAX || (len > 0 && p == NULL))
		return -1;
	/* xdr_opaque pads with zeros, as xdr_wr_opaque does. */
	return xdr_u_int(xdrs, &n) &&
	    xdr_opaque(xdrs, (caddr_t)(uintptr_t)p, n) ? 0 : -1;
}
