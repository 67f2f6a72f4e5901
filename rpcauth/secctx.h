/* rpcauth/secctx.h - one established security context and its per-message calls */
#ifndef RPCAUTH_SECCTX_H
#define RPCAUTH_SECCTX_H

#include "rename.h"

#include <pthread.h>
#include <stdint.h>
#include <gssapi/gssapi.h>

#include "hmacpad.h"
#include "krb5_token.h"

struct k5ctx;
struct seqwin;

/*
 * The lock serializes every per-message call on the context: GSS
 * contexts are not safe for concurrent use, and gss-ntlmssp needs its
 * MICs made and checked strictly in order (docs/PROTOCOL.md section 10).
 * It is this file's: callers never take it.  They reach what it guards
 * through the calls below, each one lock round trip, and run their own
 * critical sections on state they keep in step with the context through
 * secctx_with_lock() (struct svcctx and struct clnt_state name theirs).
 *
 * A krb5 context with an AES token key may leave the GSS library once
 * established (secctx_accel): then `fast` makes and checks the RFC 4121
 * tokens with OpenSSL, byte-compatible with MIT's, and gctx is
 * GSS_C_NO_CONTEXT.  Callers see no difference but speed.  Installing a
 * new GSS context (secctx_replace) retires the fast state of the old one.
 *
 * Fields, who writes them, and what holds between calls:
 */
struct secctx {
	/* Under lock.  Written by secctx_accept (the server's handshake),
	 * secctx_replace (the client's install) and the export, which sets
	 * it to GSS_C_NO_CONTEXT.  Before the context is shared (the client's
	 * handshake, tests) its owner may set it directly. */
	gss_ctx_id_t	 gctx;
	/* The negotiated mechanism, static (mech.c).  Set by the owner before
	 * the context is established or by secctx_replace; read by the
	 * export. */
	gss_OID		 mech;
	/* Under lock.  In use exactly when gctx is GSS_C_NO_CONTEXT; a fast
	 * state beside a GSS context is stale (a context replaced it) and is
	 * freed by the next call. */
	struct k5ctx	*fast;
	/* Under lock.  Set by secctx_accel_later, cleared by the export that
	 * the next per-message call runs, or by secctx_accel_cancel for a
	 * context whose next token is its last.  A header that does not
	 * verify leaves it as it was (secctx_check_call). */
	int		 accel_pending;
	/* Under lock.  Counts the fast states installed, so that a MIC made
	 * in steps (secctx_mic_*) ends on the state it began on. */
	unsigned long	 fast_gen;
	/* Set once by the owner before the context is shared; called under
	 * the lock just before the export consumes gctx, for what only the
	 * GSS context can still tell (the client's names). */
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
/* The next token is the context's last (DESTROY): not worth the export. */
void	secctx_accel_cancel(struct secctx *sc);

/*
 * Run fn(arg, gctx) under the context's lock, in one critical section with
 * nothing else on the context: for state that its owner keeps in step
 * with the context (the fields notes of struct svcctx and struct
 * clnt_state say which).  gctx is the current GSS context, or
 * GSS_C_NO_CONTEXT once the fast path took it; fn may inquire it but not
 * replace it, and must not call secctx_* on sc (the lock is not
 * recursive).
 */
typedef void	secctx_locked_fn(void *arg, gss_ctx_id_t gctx);
void	secctx_with_lock(struct secctx *sc, secctx_locked_fn *fn, void *arg);

/*
 * The server's gss_accept_sec_context on sc->gctx, under the lock.  The
 * arguments after `in` are gss_accept_sec_context's outputs (any may be
 * NULL but minor); the return value is its major status.
 */
OM_uint32 secctx_accept(struct secctx *sc, gss_cred_id_t acceptor,
	    gss_buffer_t in, gss_name_t *src, gss_OID *mech, gss_buffer_t out,
	    OM_uint32 *flags, OM_uint32 *lifetime, OM_uint32 *minor);

/*
 * Make gctx (established, of `mech`) the context, and in the same
 * critical section run fn(arg, gctx) (may be NULL) for the owner's state
 * that describes it.  The old fast state is wiped; the old GSS context is
 * returned for the caller to delete outside the lock.
 */
gss_ctx_id_t secctx_replace(struct secctx *sc, gss_ctx_id_t gctx,
	    gss_OID mech, secctx_locked_fn *fn, void *arg);

/*
 * The server's check of a DATA or DESTROY call header against the
 * context's replay window `win` (guarded by the same lock), as one
 * critical section in the order of docs/PROTOCOL.md section 5: the window
 * check, which changes nothing; a seq that is too old or seen is dropped
 * with nothing verified; then the caller's own refusal (`admit` 0: the
 * service policy), before any GSS call; then the header MIC; only when it
 * verified is the seq recorded.  A header that does not verify changes
 * nothing, the pending export included (a forged DESTROY must not keep
 * the context off the fast path).  One lock round trip, no allocation.
 */
struct secctx_call {
	uint32_t	 seq;
	const void	*hdr;		/* the bytes the MIC covers (hdrmic.c) */
	size_t		 hdrlen;
	const void	*mic;		/* the call's verifier */
	size_t		 miclen;
	int		 admit;		/* 0: refuse a fresh seq unverified */
	int		 last;		/* DESTROY: no export for this token */
};

enum secctx_verdict {
	SECCTX_CALL_OK,			/* MIC verified, seq recorded */
	SECCTX_CALL_TOO_OLD,		/* below the window: drop */
	SECCTX_CALL_REPLAY,		/* seen inside the window: drop */
	SECCTX_CALL_BEYOND_MAXSEQ,	/* RPCSEC_GSS_CTXPROBLEM */
	SECCTX_CALL_REFUSED,		/* admit was 0: nothing verified */
	SECCTX_CALL_BAD_MIC		/* *st says why; nothing recorded */
};

enum secctx_verdict secctx_check_call(struct secctx *sc, struct seqwin *win,
	    const struct secctx_call *call, struct secctx_status *st);

/* Each returns 0, or -1 with *st holding the GSS status.  Buffers that
 * come back are released with gss_release_buffer(), whichever path. */
int	secctx_get_mic(struct secctx *sc, const void *msg, size_t len,
	    gss_buffer_t mic_out, struct secctx_status *st);
int	secctx_verify_mic(struct secctx *sc, const void *msg, size_t len,
	    const void *mic, size_t miclen, struct secctx_status *st);
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

/*
 * A MIC made or checked in steps, over a message that passes through in
 * pieces (protect.c hashes each piece while it is in cache): begin returns
 * 1 and starts m when the context's tokens are made with OpenSSL (the
 * fast path), else 0 (then the whole message goes to secctx_get_mic_into
 * or secctx_verify_mic).  Feed takes no lock: m holds its own hash state
 * (the key's padded state, wiped by make, check and abandon).  Make and
 * check fail with GSS_S_NO_CONTEXT when the context's fast state changed
 * since begin (secctx_replace).  Every begun m ends in make, check or
 * abandon.
 */
/* The fast state a message in steps began on (secctx.c checks it). */
struct secctx_pin {
	const struct k5ctx	*f;
	unsigned long		 gen;
};
struct secctx_mic {
	struct hmacpad_ctx	 hc;
	struct secctx_pin	 pin;
	size_t			 fed;	/* bytes fed so far */
};
int	secctx_mic_begin(struct secctx *sc, int sending, struct secctx_mic *m);
void	secctx_mic_feed(struct secctx_mic *m, const void *p, size_t n);
int	secctx_mic_make(struct secctx *sc, struct secctx_mic *m, uint8_t *buf,
	    size_t cap, size_t *outlen, struct secctx_status *st);
int	secctx_mic_check(struct secctx *sc, struct secctx_mic *m,
	    const void *mic, size_t miclen, struct secctx_status *st);
void	secctx_mic_abandon(struct secctx_mic *m);

/*
 * A Wrap (confidential) made in steps, for a long message sealed as it
 * streams out: begin returns 1 with the header and first ciphertext in
 * out (*outlen bytes, at most 32) and the whole token's length in
 * *toklen, 0 when the context is not on the fast path (use
 * secctx_wrap_into), -1 on failure (*st).  Feed encrypts a piece to out
 * (up to n + 15 bytes) without the lock (w holds a copy of the cipher
 * state); end writes the rest (at most 72 bytes), and fails with
 * GSS_S_NO_CONTEXT when the context's fast state changed since begin.
 * A begun w ends in end or abandon; both wipe it.
 */
struct secctx_seal {
	struct k5tok_seal	 w;
	struct secctx_pin	 pin;
};
int	secctx_seal_begin(struct secctx *sc, size_t msglen,
	    struct secctx_seal *w, uint8_t *out, size_t *outlen,
	    size_t *toklen, struct secctx_status *st);
int	secctx_seal_feed(struct secctx_seal *w, const void *p, size_t n,
	    uint8_t *out, size_t *outlen);
int	secctx_seal_end(struct secctx *sc, struct secctx_seal *w,
	    uint8_t *out, size_t *outlen, struct secctx_status *st);
void	secctx_seal_abandon(struct secctx_seal *w);

/*
 * An Unwrap in steps, for a long token opened as it streams in: begin
 * takes the token's clear header and length and returns 1 (begun), 0
 * (not on the fast path, or a rotated body: take the whole token to
 * secctx_unwrap_into) or -1 (the header is refused: *st).  Feed takes the
 * rest of the token in order without the lock and writes plaintext to
 * out (at most n + 15 bytes); end gets the buffer the feeds wrote to and
 * how much, writes the last bytes (up to 32) after them, checks the tag
 * and the header copy, and gives the message's length.  Whatever happens
 * the caller wipes the whole buffer (the token's length is enough);
 * nothing written may be used before end returned 0.  End and abandon
 * wipe u.
 */
struct secctx_open {
	struct k5tok_open	 u;
	struct secctx_pin	 pin;
};
int	secctx_open_begin(struct secctx *sc, const uint8_t hdr[16],
	    size_t toklen, struct secctx_open *u, struct secctx_status *st);
int	secctx_open_feed(struct secctx_open *u, const void *p, size_t n,
	    uint8_t *out, size_t *outlen);
int	secctx_open_end(struct secctx *sc, struct secctx_open *u, uint8_t *out,
	    size_t written, size_t *outlen, struct secctx_status *st);
void	secctx_open_abandon(struct secctx_open *u);

#endif
