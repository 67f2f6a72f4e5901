/* rpcauth/init_xdr.h - rpc_gss_init_arg and rpc_gss_init_res on libtirpc streams */
#ifndef RPCAUTH_INIT_XDR_H
#define RPCAUTH_INIT_XDR_H

#include <rpc/rpc.h>
#include "internal.h"

/* RFC 2203: the handle sits in a 400-byte credential beside 20 fixed bytes. */
#define INIT_MAX_HANDLE	(RPCAUTH_MAX_AUTH_BYTES - 20)

/* struct rpc_gss_init_arg { opaque gss_token<>; } */
struct init_arg {
	uint8_t		*token;		/* decode: allocated; encode: borrowed */
	size_t		 token_len;
	size_t		 max_token;	/* decode bound, set by the caller */
};

struct init_res {
	uint8_t		 handle[INIT_MAX_HANDLE];
	size_t		 handle_len;
	uint32_t	 major, minor, window;
	uint8_t		*token;		/* decode: allocated; encode: borrowed */
	size_t		 token_len;
	size_t		 max_token;	/* decode bound */
};

/* Decoding never trusts a length: tokens over max_token fail before allocation. */
bool_t	xdr_init_arg(XDR *xdrs, struct init_arg *a);
bool_t	xdr_init_res(XDR *xdrs, struct init_res *r);

/* xdr_void with the xdrproc_t shape (libtirpc declares xdr_void(void)). */
bool_t	xdr_nothing(XDR *xdrs, void *where);

#endif
