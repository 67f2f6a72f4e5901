/* rpcauth/protect.h - call and reply bodies under none, integrity or privacy */
#ifndef RPCAUTH_PROTECT_H
#define RPCAUTH_PROTECT_H

#include "rename.h"

#include <rpc/rpc.h>
#include "secctx.h"

enum protect_result {
	PROTECT_OK = 0,
	PROTECT_E_ENCODE,	/* the application's XDR routine failed */
	PROTECT_E_DECODE,	/* malformed body, or the XDR routine failed */
	PROTECT_E_TOOBIG,	/* a length beyond the configured bound */
	PROTECT_E_CHECKSUM,	/* integrity checksum did not verify */
	PROTECT_E_UNWRAP,	/* privacy token did not unwrap with confidentiality */
	PROTECT_E_SEQ,		/* body seq_num differs from the credential's */
	PROTECT_E_GSS,		/* GetMIC or Wrap failed */
	PROTECT_E_NOMEM
};

/*
 * Write {seq, *where} to xdrs protected per `service` (RFC 2203 5.3.2.2,
 * 5.3.2.3); for RPCAUTH_SVC_NONE just the XDR of *where.
 */
enum protect_result protect_encode(struct secctx *sc, uint32_t service,
	    uint32_t seq, XDR *xdrs, xdrproc_t proc, void *where,
	    struct secctx_status *st);

/*
 * Read a protected body from xdrs, check it and its seq_num, and decode
 * the inner XDR into *where with `proc` (ordinary allocating XDR, so that
 * xdr_free / svc_freeargs release it).  Lengths above max_body are refused
 * before anything of that size is allocated: buffers grow only as bytes
 * actually arrive.
 */
enum protect_result protect_decode(struct secctx *sc, uint32_t service,
	    uint32_t seq, XDR *xdrs, xdrproc_t proc, void *where,
	    size_t max_body, struct secctx_status *st);

/* The result as a phrase, for the trace and the server's events. */
const char	*protect_strerror(enum protect_result r);

/*
 * The one place a result becomes an rpcauth_err: "<what>: <phrase>" as
 * RPCAUTH_E_PROTO, RPCAUTH_E_NOMEM when memory ran out, and for
 * PROTECT_E_GSS the GSS text of *st through gsserr_set (RPCAUTH_E_GSS).
 * Returns -1.
 */
struct rpcauth_err;
int		 protect_err_set(struct rpcauth_err *err, enum protect_result r,
		    const struct secctx_status *st, gss_OID mech,
		    const char *what);

#endif
