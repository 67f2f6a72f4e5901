/* rpcauth/init_xdr.h - rpc_gss_init_arg and rpc_gss_init_res on libtirpc streams */
/*
 * xdrproc_t adapters for clnt_call / svc_getargs / svc_sendreply around the
 * buffer codecs of cred_xdr.c: a decode moves the message off the stream
 * (xdrstream.c, bounded before anything is reserved) and decodes it with
 * init_arg_decode() / init_res_decode(); an encode builds it with
 * init_arg_encode() / init_res_encode() and puts the bytes.  So the wire
 * and the tests and fuzzers run the same codec.
 */
#ifndef RPCAUTH_INIT_XDR_H
#define RPCAUTH_INIT_XDR_H

#include <rpc/rpc.h>
#include "internal.h"

/*
 * struct rpc_gss_init_arg { opaque gss_token<>; }.  Decoding: token points
 * into buf (never NULL once decoded, even for an empty token) and lives
 * until xdr_free(xdr_init_arg) frees buf.  Encoding: token is borrowed.
 */
struct init_arg {
	uint8_t		*token;
	size_t		 token_len;
	size_t		 max_token;	/* decode bound, set by the caller */
	uint8_t		*buf;		/* decode: the message as read; owned */
};

/*
 * rpc_gss_init_res.  Decoding: handle (at most RPCAUTH_CRED_MAX_HANDLE
 * bytes, NULL when empty) and token (never NULL once decoded) point into
 * buf, freed by xdr_free(xdr_init_res).  Encoding: both are borrowed.
 */
struct init_res {
	uint8_t		*handle;
	size_t		 handle_len;
	uint32_t	 major, minor, window;
	uint8_t		*token;
	size_t		 token_len;
	size_t		 max_token;	/* decode bound */
	uint8_t		*buf;		/* decode: the message as read; owned */
};

bool_t	xdr_init_arg(XDR *xdrs, struct init_arg *a);
bool_t	xdr_init_res(XDR *xdrs, struct init_res *r);

/* xdr_void with the xdrproc_t shape (libtirpc declares xdr_void(void)). */
bool_t	xdr_nothing(XDR *xdrs, void *where);

#endif
