/* rpcauth/xdrstream.h - the one bounded step between a libtirpc stream and a buffer */
/*
 * Every message rpcauth reads off a libtirpc XDR stream (integrity and
 * privacy bodies, rpc_gss_init_arg, rpc_gss_init_res) is first moved,
 * field by field, into a buffer in its XDR encoding, and then decoded by
 * the buffer codec that the table tests and the fuzzers exercise
 * (body_xdr.c, cred_xdr.c).  This step only moves bytes; it judges
 * nothing but the bound it is given, and it checks that bound before it
 * reserves anything, so a forged length costs nothing.
 *
 * Padding: libtirpc's own decoders skip an opaque's padding without
 * looking at it, and so does this step, so that the wire answers what it
 * always answered; what lands in the buffer is zero padding.
 */
#ifndef RPCAUTH_XDRSTREAM_H
#define RPCAUTH_XDRSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include <rpc/rpc.h>

#include "scratch.h"

/* Append n bytes (zeros when p is NULL) to s.  0, or -1 out of memory. */
int	xdrstream_append(struct scratch *s, const void *p, size_t n);
/* Append one unsigned int read off xdrs to s (4 bytes, big-endian).  0 or -1. */
int	xdrstream_read_u32(XDR *xdrs, struct scratch *s);
/*
 * Append opaque<max> read off xdrs to s: its length, its bytes, zero
 * padding.  The length is compared with max first; the bytes are reserved
 * RPCAUTH_READ_STEP at a time as they arrive.  0, or -1 when the length is
 * over max, the stream ends early or memory runs out (s->used may then
 * have grown: the caller discards the message).
 */
int	xdrstream_read_opaque(XDR *xdrs, size_t max, struct scratch *s);
/*
 * The same, showing tap(arg, p, n) each step of the opaque's bytes (not
 * its length or padding) just after it arrived, in order: an integrity
 * body's MIC is hashed there while the step is in cache (protect.c).
 */
typedef void	xdrstream_tap_fn(void *arg, const void *p, size_t n);
int	xdrstream_read_opaque_tap(XDR *xdrs, size_t max, struct scratch *s,
	    xdrstream_tap_fn *tap, void *arg);
/* The same once the caller read the length off xdrs and judged it. */
int	xdrstream_read_opaque_len(XDR *xdrs, size_t len, struct scratch *s,
	    xdrstream_tap_fn *tap, void *arg);
/*
 * The len bytes of an opaque whose length the caller read and judged,
 * moved through buf (cap bytes, a multiple of 4) a step at a time and
 * handed to pass(arg, buf, n) in order, nothing kept; the padding is
 * skipped.  For a token opened as it arrives (protect.c).  0, or -1 when
 * the stream ends early or pass refuses (the rest stays unread).
 */
typedef int	xdrstream_pass_fn(void *arg, const void *p, size_t n);
int	xdrstream_pass_bytes(XDR *xdrs, size_t len, uint8_t *buf, size_t cap,
	    xdrstream_pass_fn *pass, void *arg);
/* Put len bytes of an encoded message (len a multiple of 4).  0 or -1. */
int	xdrstream_put(XDR *xdrs, const uint8_t *p, size_t len);
/*
 * Put opaque<> (length, bytes, zero padding) for bytes that were made
 * where no room was left for the length (a Wrap token), without copying
 * them first; the same bytes priv_body_encode() writes.  0 or -1.
 */
int	xdrstream_put_opaque(XDR *xdrs, const void *p, size_t len);

#endif /* RPCAUTH_XDRSTREAM_H */
