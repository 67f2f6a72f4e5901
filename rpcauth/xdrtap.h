/* rpcauth/xdrtap.h - an encoder's bytes passed to a libtirpc stream in cache-sized pieces, each shown to a tap first */
/*
 * protect.c encodes an integrity body {seq_num, args} through this XDR
 * stream instead of into a buffer the size of the body: the bytes are
 * staged in a small buffer (a long run of bytes is taken where the encoder
 * has it), shown to the tap (the MIC's hash) while they are in cache, and
 * then put on the stream underneath (libtirpc's record stream, or the UDP
 * buffer).  The MIC follows the body on the wire (RFC 2203 5.3.2.2), so
 * nothing has to wait for the hash.  docs/PERFORMANCE.md says what it
 * saves.
 *
 * Exactly `limit` bytes must come (the length already sent in front of
 * them): one byte more is refused at once, fewer is what xdrtap_finish
 * reports.  Encode only; positions cannot be set.
 */
#ifndef RPCAUTH_XDRTAP_H
#define RPCAUTH_XDRTAP_H

#include "rename.h"

#include <stddef.h>
#include <stdint.h>

#include <rpc/rpc.h>

#include "xdrstream.h"

/* Staging buffer size for xdrtap_create: well inside L1/L2. */
#define XDRTAP_STAGE	(64U * 1024)

struct xdrtap {
	XDR			 x;	/* first: the ops find the rest */
	XDR			*out;
	xdrstream_tap_fn	*tap;
	void			*arg;
	uint8_t			*buf;
	size_t			 cap;
	size_t			 fill;	/* staged, not yet shown or put */
	size_t			 total;	/* bytes taken from the encoder */
	size_t			 limit;
	int			 bad;	/* latches: too many bytes, out refused */
};

/* buf: cap bytes of staging, 4-byte aligned.  Encode into &t->x. */
void	xdrtap_create(struct xdrtap *t, XDR *out, uint8_t *buf, size_t cap,
	    size_t limit, xdrstream_tap_fn *tap, void *arg);
/* Show and put what is staged: 0 when exactly limit bytes went out. */
int	xdrtap_finish(struct xdrtap *t);

#endif /* RPCAUTH_XDRTAP_H */
