/* rpcauth/init_xdr.c - rpc_gss_init_arg and rpc_gss_init_res on libtirpc streams */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "init_xdr.h"
#include "protect.h"

static bool_t
xdr_token(XDR *xdrs, uint8_t **tok, size_t *len, size_t max)
{
	u_int n;

	switch (xdrs->x_op) {
	case XDR_ENCODE:
		n = (u_int)*len;
		return xdr_u_int(xdrs, &n) &&
		    (n == 0 || xdr_opaque(xdrs, (caddr_t)*tok, n));
	case XDR_DECODE:
		free(*tok);
		*tok = NULL;
		return protect_read_opaque(xdrs, max, tok, len) == 0;
	case XDR_FREE:
		free(*tok);
		*tok = NULL;
		*len = 0;
		return TRUE;
	}
	return FALSE;
}

bool_t
xdr_init_arg(XDR *xdrs, struct init_arg *a)
{
	return xdr_token(xdrs, &a->token, &a->token_len, a->max_token);
}

bool_t
xdr_init_res(XDR *xdrs, struct init_res *r)
{
	u_int hlen = (u_int)r->handle_len;
	u_int major = r->major, minor = r->minor, window = r->window;

	if (xdrs->x_op == XDR_FREE)
		return xdr_token(xdrs, &r->token, &r->token_len, 0);
	if (!xdr_u_int(xdrs, &hlen) || hlen > INIT_MAX_HANDLE ||
	    (hlen > 0 && !xdr_opaque(xdrs, (caddr_t)r->handle, hlen)))
		return FALSE;
	if (!xdr_u_int(xdrs, &major) || !xdr_u_int(xdrs, &minor) ||
	    !xdr_u_int(xdrs, &window))
		return FALSE;
	if (xdrs->x_op == XDR_DECODE) {
		r->handle_len = hlen;
		r->major = major;
		r->minor = minor;
		r->window = window;
	}
	return xdr_token(xdrs, &r->token, &r->token_len, r->max_token);
}

bool_t
xdr_nothing(XDR *xdrs, void *where)
{
	(void)xdrs;
	(void)where;
	return TRUE;
}
