/* rpcauth/init_xdr.c - rpc_gss_init_arg and rpc_gss_init_res on libtirpc streams */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cred_xdr.h"
#include "init_xdr.h"
#include "scratch.h"
#include "xdrstream.h"

/* Put a message built by one of cred_xdr.c's encoders (n from its _size). */
static bool_t
put_encoded(XDR *xdrs, size_t n, const struct init_arg *a,
    const struct rpcauth_init_res *r)
{
	uint8_t *buf;
	int len;

	if (n == 0 || (buf = malloc(n)) == NULL)
		return FALSE;
	len = a != NULL ? init_arg_encode(a->token, a->token_len, buf, n) :
	    init_res_encode(r, buf, n);
	len = len < 0 ? -1 : xdrstream_put(xdrs, buf, (size_t)len);
	free(buf);
	return len == 0;
}

bool_t
xdr_init_arg(XDR *xdrs, struct init_arg *a)
{
	struct scratch s;	/* of its own: its buffer becomes a->buf */
	const uint8_t *tok;
	size_t toklen;

	switch (xdrs->x_op) {
	case XDR_ENCODE:
		return put_encoded(xdrs, init_arg_size(a->token_len), a, NULL);
	case XDR_DECODE:
		break;
	case XDR_FREE:
		free(a->buf);
		a->buf = a->token = NULL;
		a->token_len = 0;
		return TRUE;
	default:
		return FALSE;
	}
	free(a->buf);
	a->buf = a->token = NULL;
	a->token_len = 0;
	memset(&s, 0, sizeof(s));
	if (xdrstream_read_opaque(xdrs, a->max_token, &s) != 0 ||
	    init_arg_decode(s.p, s.used, a->max_token, &tok, &toklen) != 0) {
		scratch_discard(&s, 0);
		return FALSE;
	}
	a->buf = scratch_take(&s);
	/* GSS callers get a pointer even for an empty token. */
	a->token = tok != NULL ? (uint8_t *)(uintptr_t)tok : a->buf;
	a->token_len = toklen;
	return TRUE;
}

bool_t
xdr_init_res(XDR *xdrs, struct init_res *r)
{
	struct rpcauth_init_res v;
	struct scratch s;	/* of its own: its buffer becomes r->buf */

	switch (xdrs->x_op) {
	case XDR_ENCODE:
		memset(&v, 0, sizeof(v));
		v.handle = r->handle;
		v.handle_len = r->handle_len;
		v.major = r->major;
		v.minor = r->minor;
		v.window = r->window;
		v.token = r->token;
		v.token_len = r->token_len;
		return put_encoded(xdrs, init_res_size(&v), NULL, &v);
	case XDR_DECODE:
		break;
	case XDR_FREE:
		free(r->buf);
		r->buf = r->handle = r->token = NULL;
		r->handle_len = r->token_len = 0;
		return TRUE;
	default:
		return FALSE;
	}
	free(r->buf);
	r->buf = r->handle = r->token = NULL;
	r->handle_len = r->token_len = 0;
	memset(&s, 0, sizeof(s));
	/* The handle must fit in every later credential of ours. */
	if (xdrstream_read_opaque(xdrs, RPCAUTH_CRED_MAX_HANDLE, &s) != 0 ||
	    xdrstream_read_u32(xdrs, &s) != 0 ||
	    xdrstream_read_u32(xdrs, &s) != 0 ||
	    xdrstream_read_u32(xdrs, &s) != 0 ||
	    xdrstream_read_opaque(xdrs, r->max_token, &s) != 0 ||
	    init_res_decode(s.p, s.used, RPCAUTH_CRED_MAX_HANDLE,
	    r->max_token, &v) != 0) {
		scratch_discard(&s, 0);
		return FALSE;
	}
	r->buf = scratch_take(&s);
	r->handle = (uint8_t *)(uintptr_t)v.handle;
	r->handle_len = v.handle_len;
	r->major = v.major;
	r->minor = v.minor;
	r->window = v.window;
	r->token = v.token != NULL ? (uint8_t *)(uintptr_t)v.token : r->buf;
	r->token_len = v.token_len;
	return TRUE;
}

bool_t
xdr_nothing(XDR *xdrs, void *where)
{
	(void)xdrs;
	(void)where;
	return TRUE;
}
