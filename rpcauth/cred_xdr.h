/* rpcauth/cred_xdr.h - RFC 2203 credential, init arg and init result codecs */
/*
 * Pure codecs over byte buffers: no GSS, no I/O, no allocation.  Decoders
 * borrow: the pointers they return point into the buffer they were given
 * and live as long as it does.  Decoders clear *out on entry and fill it
 * only on success.  Opaque padding must be zero (see xdrbuf.h).
 */
#ifndef RPCAUTH_CRED_XDR_H
#define RPCAUTH_CRED_XDR_H

#include "rename.h"

#include <stddef.h>
#include <stdint.h>

/* Limits (bounds.h); the service values are rpcauth.h's enum
 * rpcauth_service, which are rpc_gss_service_t's wire values. */
#include "internal.h"
#include "xdrbuf.h"

enum rpcauth_gss_proc {
	RPCAUTH_GSS_DATA = 0,
	RPCAUTH_GSS_INIT = 1,
	RPCAUTH_GSS_CONTINUE_INIT = 2,
	RPCAUTH_GSS_DESTROY = 3
};

struct rpcauth_cred {
	uint32_t	 version;
	uint32_t	 gss_proc;
	uint32_t	 seq;
	uint32_t	 service;
	const uint8_t	*handle;	/* borrowed; NULL when handle_len is 0 */
	size_t		 handle_len;
};

#define RPCAUTH_GSS_VERS_1	1

/*
 * Decode a credential body (cb_cred's bytes, without flavor or length).
 * Returns 0, or -1 for anything that must be answered AUTH_BADCRED: len over
 * 400 or under 20, truncated, trailing bytes, non-zero padding, version not
 * 1, gss_proc over 3, service not an enum rpcauth_service value.  seq is not checked against MAXSEQ
 * here: that answer is CTXPROBLEM, and it is the caller's.  Never reads past
 * body + len.
 */
int	cred_decode(const void *body, size_t len, struct rpcauth_cred *out);
/*
 * Encode the fields as given, without judging them (tests use this to build
 * bad credentials).  Returns the length written, or -1 if it would exceed
 * cap or 400 bytes, or c->handle is NULL with a non-zero length.
 */
int	cred_encode(const struct rpcauth_cred *c, uint8_t *buf, size_t cap);

/*
 * rpc_gss_init_arg { opaque gss_token<>; }: the whole body, no trailing
 * bytes, token at most max_token bytes.  *tok is borrowed (NULL when the
 * token is empty; judging an empty token is the GSS layer's job).  0 or -1.
 */
#define init_arg_decode(buf, len, max_token, tok, toklen) \
	xdr_opaque_msg_decode((buf), (len), (max_token), (tok), (toklen))
/* Bytes init_arg_encode() needs (0 if that would exceed INT_MAX), and the
 * encoder (the length written, or -1). */
#define init_arg_size(toklen)	xdr_opaque_msg_size(toklen)
#define init_arg_encode(tok, toklen, buf, cap) \
	xdr_opaque_msg_encode((tok), (toklen), (buf), (cap))

/*
 * rpc_gss_init_res { opaque handle<>; unsigned int gss_major, gss_minor,
 * seq_window; opaque gss_token<>; }
 */
struct rpcauth_init_res {
	const uint8_t	*handle;	/* borrowed; NULL when empty */
	size_t		 handle_len;
	uint32_t	 major;
	uint32_t	 minor;
	uint32_t	 window;
	const uint8_t	*token;		/* borrowed; NULL when empty */
	size_t		 token_len;
};

/*
 * Decode what a possibly hostile server sent.  handle at most max_handle
 * bytes (pass RPCAUTH_CRED_MAX_HANDLE: the handle must fit in our later
 * credentials), token at most max_token, no trailing bytes.  The values of
 * major, minor and window are not judged.  0 or -1.
 */
int	init_res_decode(const void *buf, size_t len, size_t max_handle,
	    size_t max_token, struct rpcauth_init_res *out);
/* Bytes init_res_encode() needs; 0 if that would exceed INT_MAX. */
size_t	init_res_size(const struct rpcauth_init_res *r);
/* Returns the length written or -1 (does not fit cap or INT_MAX). */
int	init_res_encode(const struct rpcauth_init_res *r, uint8_t *buf,
	    size_t cap);

#endif /* RPCAUTH_CRED_XDR_H */
