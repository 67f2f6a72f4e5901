/* rpcauth/xdrbuf.h - bounded XDR cursors over plain byte buffers */
/*
 * RFC 4506 encoding: big-endian 32-bit units, opaques padded with zero bytes
 * to a multiple of 4.  No allocation, no I/O.
 *
 * Invariant of both cursors: off <= len (cap), and once `bad` is set it stays
 * set.  A reader that went bad returns 0 and NULL from then on and never
 * moves; a writer that went bad writes nothing more.  Callers therefore read
 * or write a whole message and test xdr_rd_done() / xdr_wr_ok() once.
 */
#ifndef RPCAUTH_XDRBUF_H
#define RPCAUTH_XDRBUF_H

#include "rename.h"

#include <stddef.h>
#include <stdint.h>

/*
 * Round a length up to the next multiple of 4.  Only for lengths already
 * bounded (say by RPCAUTH_MAX_AUTH_BYTES or a buffer size): it wraps near
 * SIZE_MAX.
 */
#define XDR_RNDUP(n)	(((size_t)(n) + 3) & ~(size_t)3)

/* One unsigned int, big-endian, at q (RFC 4506 4.2). */
static inline void
xdr_be32(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
}

struct xdr_rd {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	int		 bad;	/* latches on the first overrun or bad field */
};

/* buf may be NULL when len is 0.  The reader borrows buf. */
void		 xdr_rd_init(struct xdr_rd *r, const void *buf, size_t len);
/* The next unsigned int; 0 once bad. */
uint32_t	 xdr_rd_u32(struct xdr_rd *r);
/*
 * opaque<max>: a length, that many bytes, then zero padding to 4.  Returns a
 * pointer into the buffer and the length in *len_out; NULL and 0 when the
 * length is 0 or the cursor is (or goes) bad.  Goes bad when the length
 * exceeds max, when the bytes or their padding run past the buffer, and when
 * a padding byte is not zero (RFC 4506 4.10 says padding is zero; we reject
 * rather than accept, so that one message has exactly one encoding).
 */
const uint8_t	*xdr_rd_opaque(struct xdr_rd *r, size_t max, size_t *len_out);
/* n raw bytes, no length and no padding; NULL when n is 0 or on error. */
const uint8_t	*xdr_rd_fixed(struct xdr_rd *r, size_t n);
int		 xdr_rd_ok(const struct xdr_rd *r);
/* Not bad, and every byte consumed (trailing bytes are an error). */
int		 xdr_rd_done(const struct xdr_rd *r);
/* Bytes left; 0 once bad. */
size_t		 xdr_rd_remaining(const struct xdr_rd *r);

struct xdr_wr {
	uint8_t		*p;
	size_t		 cap;
	size_t		 off;	/* bytes written so far: the encoded length */
	int		 bad;	/* latches when something did not fit */
};

/* buf may be NULL when cap is 0.  The writer borrows buf. */
void	xdr_wr_init(struct xdr_wr *w, void *buf, size_t cap);
void	xdr_wr_u32(struct xdr_wr *w, uint32_t v);
/* Length, data, zero padding.  Goes bad if len does not fit in 32 bits. */
void	xdr_wr_opaque(struct xdr_wr *w, const void *data, size_t len);
/*
 * Raw bytes; the caller keeps 4-byte alignment.  data may be NULL if len 0.
 * data may already be where the bytes go (then nothing is copied), never
 * elsewhere inside the buffer.
 */
void	xdr_wr_fixed(struct xdr_wr *w, const void *data, size_t len);
int	xdr_wr_ok(const struct xdr_wr *w);
/* Bytes written, as the int that encoders return; -1 if bad or > INT_MAX. */
int	xdr_wr_result(const struct xdr_wr *w);

/*
 * A message that is one opaque<max> and nothing else, as the whole of buf
 * (no trailing bytes).  decode: *data borrowed, NULL when empty; 0 or -1.
 * size: bytes encode needs, 0 if that would exceed INT_MAX.  encode: the
 * length written, or -1 (does not fit cap or INT_MAX).
 */
int	xdr_opaque_msg_decode(const void *buf, size_t len, size_t max,
	    const uint8_t **data, size_t *data_len);
size_t	xdr_opaque_msg_size(size_t data_len);
int	xdr_opaque_msg_encode(const void *data, size_t data_len, uint8_t *buf,
	    size_t cap);

#endif /* RPCAUTH_XDRBUF_H */
