/* rpcauth/xdrtap.c - an encoder's bytes passed to a libtirpc stream in cache-sized pieces, each shown to a tap first */
/*
 * Invariant: every byte the encoder gave is shown to the tap exactly once
 * and in order, immediately before it is put on `out`; total never passes
 * limit.  Once bad, nothing more is shown or put.
 */
#include "config.h"

#include <string.h>

#include "xdrtap.h"

static struct xdrtap *
tap_of(XDR *xdrs)
{
	return (struct xdrtap *)(void *)xdrs;
}

/* Bytes that must be shown and put in order: p is in cache now. */
static void
pass(struct xdrtap *t, const uint8_t *p, size_t n)
{
	if (t->bad || n == 0)
		return;
	t->tap(t->arg, p, n);
	if (!XDR_PUTBYTES(t->out, (const char *)p, (u_int)n))
		t->bad = 1;
}

static void
flush(struct xdrtap *t)
{
	pass(t, t->buf, t->fill);
	t->fill = 0;
}

/* Take n more bytes from the encoder: 0, or -1 (latched) past the limit. */
static int
take(struct xdrtap *t, size_t n)
{
	if (t->bad || n > t->limit - t->total) {
		t->bad = 1;
		return -1;
	}
	t->total += n;
	return 0;
}

static bool_t
tap_putlong(XDR *xdrs, const long *lp)
{
	struct xdrtap *t = tap_of(xdrs);
	uint32_t v = (uint32_t)*lp;
	uint8_t *q;

	if (take(t, 4) != 0)
		return FALSE;
	if (t->cap - t->fill < 4)
		flush(t);
	q = t->buf + t->fill;
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
	t->fill += 4;
	return !t->bad;
}

static bool_t
tap_putbytes(XDR *xdrs, const char *p, u_int len)
{
	struct xdrtap *t = tap_of(xdrs);
	const uint8_t *src = (const uint8_t *)p;
	size_t n = len, k;

	if (take(t, n) != 0)
		return FALSE;
	/* A long run is shown and put from where the encoder has it, a
	 * staging buffer at a time: no copy of our own. */
	if (n >= t->cap) {
		flush(t);
		for (; n > 0; src += k, n -= k) {
			k = n < t->cap ? n : t->cap;
			pass(t, src, k);
		}
		return !t->bad;
	}
	while (n > 0) {
		if (t->fill == t->cap)
			flush(t);
		k = t->cap - t->fill < n ? t->cap - t->fill : n;
		memcpy(t->buf + t->fill, src, k);
		t->fill += k;
		src += k;
		n -= k;
	}
	return !t->bad;
}

/* rpcgen's inline fast path writes into the staging buffer directly; the
 * bytes are shown at the next flush, after the encoder wrote them. */
static int32_t *
tap_inline(XDR *xdrs, u_int len)
{
	struct xdrtap *t = tap_of(xdrs);
	int32_t *q;

	if (t->bad || len > t->cap || len % 4 != 0 ||
	    len > t->limit - t->total)
		return NULL;
	if (t->cap - t->fill < len)
		flush(t);
	if (t->bad || t->fill % 4 != 0)
		return NULL;
	q = (int32_t *)(void *)(t->buf + t->fill);
	t->fill += len;
	t->total += len;
	return q;
}

static u_int
tap_getpostn(XDR *xdrs)
{
	return (u_int)tap_of(xdrs)->total;
}

static bool_t
tap_no_get(XDR *xdrs, long *lp)
{
	(void)xdrs;
	(void)lp;
	return FALSE;
}

static bool_t
tap_no_getbytes(XDR *xdrs, char *p, u_int len)
{
	(void)xdrs;
	(void)p;
	(void)len;
	return FALSE;
}

static bool_t
tap_no_setpostn(XDR *xdrs, u_int pos)
{
	(void)xdrs;
	(void)pos;
	return FALSE;
}

static void
tap_destroy(XDR *xdrs)
{
	(void)xdrs;
}

static bool_t
tap_no_control(XDR *xdrs, int req, void *info)
{
	(void)xdrs;
	(void)req;
	(void)info;
	return FALSE;
}

static const struct xdr_ops tap_ops = {
	.x_getlong = tap_no_get,
	.x_putlong = tap_putlong,
	.x_getbytes = tap_no_getbytes,
	.x_putbytes = tap_putbytes,
	.x_getpostn = tap_getpostn,
	.x_setpostn = tap_no_setpostn,
	.x_inline = tap_inline,
	.x_destroy = tap_destroy,
	.x_control = tap_no_control,
};

void
xdrtap_create(struct xdrtap *t, XDR *out, uint8_t *buf, size_t cap,
    size_t limit, xdrstream_tap_fn *tap, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->x.x_op = XDR_ENCODE;
	t->x.x_ops = &tap_ops;
	t->out = out;
	t->tap = tap;
	t->arg = arg;
	t->buf = buf;
	t->cap = cap;
	t->limit = limit;
}

int
xdrtap_finish(struct xdrtap *t)
{
	flush(t);
	return !t->bad && t->total == t->limit ? 0 : -1;
}
