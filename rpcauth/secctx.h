/* rpcauth/secctx.h - one established security context and its per-message calls */
#ifndef RPCAUTH_SECCTX_H
#define RPCAUTH_SECCTX_H

#include "rename.h"

#include <pthread.h>
#include <stdint.h>
#include <gssapi/gssapi.h>

struct k5ctx;

/*
 * The lock serializes every per-message call on the context: GSS
 * contexts are not safe for concurrent use, and gss-ntlmssp needs its
 * MICs made and checked strictly in order (docs/PROTOCOL.md section 10).
 *
 * A krb5 context with an AES token key may leave the GSS library once
 * established (secctx_accel): then `fast` makes and checks the RFC 4121
 * tokens with OpenSSL, byte-compatible with MIT's, and gctx is
 * GSS_C_NO_CONTEXT.  Callers see no difference but speed.  Whoever
 * installs a new GSS context in gctx (re-establishment) thereby retires
 * the fast state of the old one: it is freed at the next call.
 */
struct secctx {
	gss_ctx_id_t	 gctx;
	gss_OID		 mech;		/* static, from mech.c */
	struct k5ctx	*fast;		/* in use if gctx is NONE */
	int		 accel_pending;	/* secctx_accel_later() was called */
	/* Called under the lock just before the export consumes gctx, for
	 * what only the GSS context can still tell (the client's names). */
	void		(*pre_export)(void *arg, gss_ctx_id_t gctx);
	void		*pre_export_arg;
	pthread_mutex_t	 lock;
};

struct secctx_status {
	OM_uint32	 major;
	OM_uint32	 minor;
};

void	secctx_init(struct secctx *sc);
/* Deletes the GSS context, frees (and wipes) the fast state. */
void	secctx_clear(struct secctx *sc);

/*
 * Call once the context is fully established (after the last
 * gss_init_sec_context / gss_accept_sec_context and after any
 * gss_inquire_context on gctx: gctx is gone afterwards when this returns
 * 1).  Switches an established krb5 context to the OpenSSL fast path.
 * Returns 1 (fast), 0 (stays on the GSS path: other mechanism or enctype,
 * export refused, or RPCAUTH_KRB5_FASTPATH=0 in the environment), or -1
 * (the export consumed the context but the fast path could not be set up,
 * out of memory: every later call fails with GSS_S_NO_CONTEXT).
 */
int	secctx_accel(struct secctx *sc);
/*
 * The same, done by the first per-message call instead of now: a context
 * that is set up and torn down without a call (or never used again) does
 * not pay for the export and the key schedules.  The rules for gctx hold
 * from this call on.  If that export fails after consuming the context,
 * that call and every later one fail with GSS_S_NO_CONTEXT.
 */
void	secctx_accel_later(struct secctx *sc);

/* Each returns 0, or -1 with *st holding the GSS status.  Buffers that
 * come back are released with gss_release_buffer(), whichever path. */
int	secctx_get_mic(struct secctx *sc, const void *msg, size_t len,
	    gss_buffer_t mic_out, struct secctx_status *st);
int	secctx_verify_mic(struct secctx *sc, const void *msg, size_t len,
	    const void *mic, size_t miclen, struct secctx_status *st);
/* The same, for a caller that holds sc->lock already. */
int	secctx_verify_mic_locked(struct secctx *sc, const void *msg,
	    size_t len, const void *mic, size_t miclen,
	    struct secctx_status *st);
/* Confidentiality is required both ways: a wrap without it is an error. */
int	secctx_wrap(struct secctx *sc, const void *msg, size_t len,
	    gss_buffer_t out, struct secctx_status *st);
int	secctx_unwrap(struct secctx *sc, const void *tok, size_t len,
	    gss_buffer_t out, struct secctx_status *st);

/*
 * The same without a buffer per call: the MIC goes to buf (cap bytes),
 * Wrap and Unwrap output to the scratch buffer s (s->p, *outlen bytes;
 * s->used covers it for scratch_release).  On the GSS-API path the
 * library's output is copied there and released.
 */
struct scratch;
int	secctx_get_mic_into(struct secctx *sc, const void *msg, size_t len,
	    uint8_t *buf, size_t cap, size_t *outlen,
	    struct secctx_status *st);
int	secctx_wrap_into(struct secctx *sc, const void *msg, size_t len,
	    struct scratch *s, size_t *outlen, struct secctx_status *st);
int	secctx_unwrap_into(struct secctx *sc, const void *tok, size_t len,
	    struct scratch *s, size_t *outlen, struct secctx_status *st);

#endif
