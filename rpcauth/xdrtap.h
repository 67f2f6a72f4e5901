/* rpcauth/xdrtap.h - an encoder's bytes handed on in cache-sized pieces */
/*
 * protect.c encodes a large body {seq_num, args} through this XDR stream
 * instead of into a buffer the size of the body: the bytes are staged in a
 * small buffer (a long run of bytes is taken where the encoder has it) and
 * each piece is handed, in order and while in cache, to a pass function
 * that does the body's work on it and puts the result on the stream
 * underneath (libtirpc's record stream, or the UDP buffer): for integrity
 * it hashes the piece into the MIC and puts it; for privacy it encrypts
 * it and puts the ciphertext.  The MIC and the token's tag follow the data
 * on the wire (RFC 2203 5.3.2.2, RFC 4121 4.2.4), so nothing waits for
 * them.  docs/PERFORMANCE.md says what it saves.
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
	xdrstream_pass_fn		*pass;
	void			*arg;
	uint8_t			*buf;
	size_t			 cap;
	size_t			 fill;	/* staged, not yet shown or put */
	size_t			 total;	/* bytes taken from the encoder */
	size_t			 limit;
	int			 bad;	/* latches: too many bytes, a pass failed */
};

/* buf: cap bytes of staging, 4-byte aligned.  Encode into &t->x. */
void	xdrtap_create(struct xdrtap *t, uint8_t *buf, size_t cap,
	    size_t limit, xdrstream_pass_fn *pass, void *arg);
/* Pass what is staged: 0 when exactly limit bytes were passed. */
int	xdrtap_finish(struct xdrtap *t);

/*
 * The length proc encodes *where to, as libtirpc's xdr_sizeof gives it,
 * but that one lends XDR_INLINE users (rpcgen's structs) a heap buffer it
 * frees without wiping: a privacy body's arguments would stay in freed
 * memory.  Here XDR_INLINE returns NULL and the encoder writes nothing
 * anywhere.  0 with *len set, or -1 when proc fails or the length passes
 * UINT32_MAX.
 */
int	xdrtap_sizeof(xdrproc_t proc, void *where, size_t *len);

#endif /* RPCAUTH_XDRTAP_H */
