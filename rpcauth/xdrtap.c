/* rpcauth/xdrtap.c - an encoder's bytes handed on in cache-sized pieces */
/*
 * Invariant: every byte the encoder gave is passed exactly once and in
 * order; total never passes limit.  Once bad, nothing more is passed.
 */
#include "config.h"

#include <string.h>

#include "xdrbuf.h"
#include "xdrtap.h"

static struct xdrtap *
tap_of(XDR *xdrs)
{
	return (struct xdrtap *)(void *)xdrs;
}

/* Bytes to be passed in order: p is in cache now. */
static void
hand_on(struct xdrtap *t, const uint8_t *p, size_t n)
{
	if (t->bad || n == 0)
		return;
	if (t->pass(t->arg, p, n) != 0)
		t->bad = 1;
}

static void
flush(struct xdrtap *t)
{
	hand_on(t, t->buf, t->fill);
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
	if (t->buf == NULL)
		return TRUE;		/* xdrtap_sizeof: counting only */
	if (t->cap - t->fill < 4)
		flush(t);
	q = t->buf + t->fill;
	xdr_be32(q, v);
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
	if (t->buf == NULL)
		return TRUE;
	/* A long run is passed from where the encoder has it, a staging
	 * buffer at a time: no copy of our own. */
	if (n >= t->cap) {
		flush(t);
		for (; n > 0; src += k, n -= k) {
			k = n < t->cap ? n : t->cap;
			hand_on(t, src, k);
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
 * bytes are passed at the next flush, after the encoder wrote them. */
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

/* Encode only: nothing to read, no position to set, nothing to free or
 * control. */
static bool_t
tap_no_get(XDR *xdrs, long *lp)
{
	return (void)xdrs, (void)lp, FALSE;
}

static bool_t
tap_no_getbytes(XDR *xdrs, char *p, u_int len)
{
	return (void)xdrs, (void)p, (void)len, FALSE;
}

static bool_t
tap_no_setpostn(XDR *xdrs, u_int pos)
{
	return (void)xdrs, (void)pos, FALSE;
}

static void
tap_destroy(XDR *xdrs)
{
	(void)xdrs;
}

static bool_t
tap_no_control(XDR *xdrs, int req, void *info)
{
	return (void)xdrs, (void)req, (void)info, FALSE;
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
xdrtap_create(struct xdrtap *t, uint8_t *buf, size_t cap, size_t limit,
    xdrstream_pass_fn *pass, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->x.x_op = XDR_ENCODE;
	t->x.x_ops = &tap_ops;
	t->pass = pass;
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

int
xdrtap_sizeof(xdrproc_t proc, void *where, size_t *len)
{
	struct xdrtap t;

	/* No buffer: bytes are counted, looked at by nobody, and
	 * XDR_INLINE has nothing to lend (tap_inline). */
	xdrtap_create(&t, NULL, 0, UINT32_MAX, NULL, NULL);
	*len = 0;
	if (!(*proc)(&t.x, where) || t.bad)
		return -1;
	*len = t.total;
	return 0;
}
