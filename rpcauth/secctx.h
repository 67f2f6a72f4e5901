/* rpcauth/secctx.h - one established security context and its per-message calls */
#ifndef RPCAUTH_SECCTX_H
#define RPCAUTH_SECCTX_H

#include <pthread.h>
#include <gssapi/gssapi.h>

/*
 * The lock serializes every per-message GSS call on the context: GSS
 * contexts are not safe for concurrent use, and gss-ntlmssp needs its
 * MICs made and checked strictly in order (RFC-DIGEST.md section 10).
 */
struct secctx {
	gss_ctx_id_t	 gctx;
	gss_OID		 mech;		/* static, from mech.c */
	pthread_mutex_t	 lock;
};

struct secctx_status {
	OM_uint32	 major;
	OM_uint32	 minor;
};

void	secctx_init(struct secctx *sc);
void	secctx_clear(struct secctx *sc);	/* deletes the GSS context */

/* Each returns 0, or -1 with *st holding the GSS status. */
int	secctx_get_mic(struct secctx *sc, const void *msg, size_t len,
	    gss_buffer_t mic_out, struct secctx_status *st);
int	secctx_verify_mic(struct secctx *sc, const void *msg, size_t len,
	    const void *mic, size_t miclen, struct secctx_status *st);
/* Confidentiality is required both ways: a wrap without it is an error. */
int	secctx_wrap(struct secctx *sc, const void *msg, size_t len,
	    gss_buffer_t out, struct secctx_status *st);
int	secctx_unwrap(struct secctx *sc, const void *tok, size_t len,
	    gss_buffer_t out, struct secctx_status *st);

#endif
