/* rpcauth/body_xdr.h - framing of RPCSEC_GSS integrity and privacy bodies */
/*
 * RFC 2203 5.3.2.2 and 5.3.2.3, over plain byte buffers: the one codec
 * for these bodies, on the wire (protect.c, after xdrstream.c moved the
 * bytes off the stream) and in the tests and fuzzers.  An integrity body
 * sent on the krb5 fast path is streamed instead (xdrtap.c); the tests
 * parse what it sends with this codec.  The GSS MIC and
 * wrap are the caller's; this file only frames and unframes.  Parsers borrow:
 * returned pointers point into the buffer given and live as long as it does.
 * Outputs are cleared on entry and set only on success.  Opaque padding must
 * be zero (see xdrbuf.h).
 */
#ifndef RPCAUTH_BODY_XDR_H
#define RPCAUTH_BODY_XDR_H

#include "rename.h"

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "xdrbuf.h"

/*
 * rpc_gss_integ_data { opaque databody_integ<>; opaque checksum<>; } as the
 * whole of buf: databody at most max_body bytes, checksum 1 to
 * RPCAUTH_MAX_CHECKSUM bytes (an empty MIC can only be forged), no trailing
 * bytes.  0 or -1.  A databody shorter than 4 bytes is databody_split()'s
 * to refuse.
 */
int	integ_body_parse(const void *buf, size_t len, size_t max_body,
	    const uint8_t **databody, size_t *dblen,
	    const uint8_t **checksum, size_t *cklen);
/*
 * databody_integ (or an unwrapped databody_priv) is { unsigned int seq_num;
 * args }: split it.  *args points just past seq_num (never NULL on success,
 * even when *argslen is 0).  -1 if dblen < 4.
 */
int	databody_split(const uint8_t *db, size_t dblen, uint32_t *seq,
	    const uint8_t **args, size_t *argslen);
/* Bytes integ_body_encode() needs; 0 if that would exceed INT_MAX. */
size_t	integ_body_size(size_t dblen, size_t cklen);
/* Returns the length written, or -1 (does not fit cap or INT_MAX). */
int	integ_body_encode(const void *db, size_t dblen, const void *ck,
	    size_t cklen, uint8_t *buf, size_t cap);

/*
 * rpc_gss_priv_data { opaque databody_priv<>; } as the whole of buf: the
 * wrap token, 1 to max_body bytes (no mechanism wraps into nothing), no
 * trailing bytes.  0 or -1.
 */
int	priv_body_parse(const void *buf, size_t len, size_t max_body,
	    const uint8_t **tok, size_t *toklen);
/* Bytes priv_body_encode() needs (0 if that would exceed INT_MAX), and
 * the encoder (the length written, or -1): one opaque, xdrbuf.h. */
#define priv_body_size(toklen)	xdr_opaque_msg_size(toklen)
#define priv_body_encode(tok, toklen, buf, cap) \
	xdr_opaque_msg_encode((tok), (toklen), (buf), (cap))

#endif /* RPCAUTH_BODY_XDR_H */
