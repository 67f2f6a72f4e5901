/* rpcauth/krb5_token.h - RFC 4121 MIC and Wrap tokens made and checked with OpenSSL */
#ifndef RPCAUTH_KRB5_TOKEN_H
#define RPCAUTH_KRB5_TOKEN_H

#include "rename.h"

#include <stddef.h>
#include <stdint.h>
#include <gssapi/gssapi.h>

#include "hmacpad.h"
#include "krb5_crypto.h"

/*
 * The per-message state of one established krb5 context after it left
 * the GSS library: our role, the token key's derived usage keys and the
 * next send sequence number.  Not safe for concurrent use (secctx's lock
 * serializes).  The sequence numbers of received tokens are not checked:
 * RPCSEC_GSS has its own window (RFC 2203 5.3.3.1), and MIT does not
 * check them either unless replay or sequence detection was asked for.
 */
struct k5ctx;

/*
 * `key` is the token key of RFC 4121 2: the acceptor subkey when the
 * acceptor asserted one (then acceptor_subkey is 1 and every token carries
 * the AcceptorSubkey flag), otherwise the initiator's subkey.  The key
 * bytes are not kept.  NULL when the enctype is not one of the AES four or
 * on failure.
 */
struct k5ctx	*k5ctx_new(int initiator, int acceptor_subkey,
		    int32_t enctype, const uint8_t *key, size_t keylen,
		    uint64_t send_seq);
void		 k5ctx_free(struct k5ctx *c);	/* NULL is fine */
int32_t		 k5ctx_enctype(const struct k5ctx *c);

/* Exact token sizes, for the caller's output buffer. */
size_t	k5tok_mic_len(const struct k5ctx *c);
/* 0: too big */
size_t	k5tok_wrap_len(const struct k5ctx *c, size_t msglen);

/*
 * Each returns a GSS major status: GSS_S_COMPLETE, GSS_S_DEFECTIVE_TOKEN
 * (malformed), GSS_S_BAD_SIG (checksum, wrong direction or key flag),
 * GSS_S_FAILURE (confidentiality absent, internal error).
 */
OM_uint32	k5tok_get_mic(struct k5ctx *c, const void *msg, size_t len,
		    uint8_t *tok_out);
OM_uint32	k5tok_verify_mic(struct k5ctx *c, const void *msg, size_t len,
		    const uint8_t *tok, size_t toklen);
/*
 * The same two in steps, for a message hashed as it passes (protect.c):
 * begin (0, or -1), hmacpad_update() with the message's pieces in order,
 * then make (the token to tok_out, k5tok_mic_len bytes; the send sequence
 * number is taken here) or check.  Both wipe m.
 */
int		k5tok_mic_begin(const struct k5ctx *c, int sending,
		    struct hmacpad_ctx *m);
OM_uint32	k5tok_mic_make(struct k5ctx *c, struct hmacpad_ctx *m,
		    uint8_t *tok_out);
OM_uint32	k5tok_mic_check(const struct k5ctx *c, struct hmacpad_ctx *m,
		    const uint8_t *tok, size_t toklen);
/* Always sealed (confidentiality), EC = RRC = 0 as MIT's gss_wrap. */
OM_uint32	k5tok_wrap(struct k5ctx *c, const void *msg, size_t len,
		    uint8_t *tok_out);
/*
 * k5tok_wrap in steps, for a message sealed as it streams out (protect.c):
 * begin writes the header and the first ciphertext to out (at most
 * 2 * 16 bytes) and takes the send sequence number; k5_seal_update(&w->s)
 * takes the message's pieces in order; end writes the rest (at most
 * 16 + 2 * 16 + 24 bytes) while the context's keys live.  The token is
 * byte for byte k5tok_wrap's, k5tok_wrap_len long.  End and abandon wipe
 * w.
 */
struct k5tok_seal {
	struct k5_seal	 s;
	uint8_t		 hdr[16];
};
OM_uint32	k5tok_wrap_begin(struct k5ctx *c, size_t msglen,
		    struct k5tok_seal *w, uint8_t *out, size_t *outlen);
OM_uint32	k5tok_wrap_end(struct k5tok_seal *w, uint8_t *out,
		    size_t *outlen);
void		k5tok_wrap_abandon(struct k5tok_seal *w);
/*
 * k5tok_unwrap in steps, for a token opened as it streams in (protect.c):
 * begin takes the clear header (16 bytes) and the whole token's length
 * and returns GSS_S_UNAVAILABLE when the body is rotated (RRC not 0: use
 * k5tok_unwrap on the whole token), or an error as k5tok_unwrap would;
 * k5_open_update(&u->o) takes the rest of the token in order, writing
 * plaintext; end gets the buffer those writes went to (written bytes so
 * far) and finishes, writing the last bytes (up to 32) after those: *outlen is
 * the message's length.  Whatever happens, the caller wipes the whole
 * buffer it gave.  End and abandon wipe u.
 */
struct k5tok_open {
	struct k5_open	 o;
	uint8_t		 hdr[16];
	size_t		 plen;	/* plaintext after the confounder */
};
OM_uint32	k5tok_unwrap_begin(const struct k5ctx *c, const uint8_t hdr[16],
		    size_t toklen, struct k5tok_open *u);
OM_uint32	k5tok_unwrap_end(struct k5tok_open *u, uint8_t *out,
		    size_t written, size_t *outlen);
void		k5tok_unwrap_abandon(struct k5tok_open *u);
/*
 * Any EC and RRC are accepted.  out must hold toklen bytes; *outlen gets
 * the message length.  Tokens without confidentiality are refused.
 */
OM_uint32	k5tok_unwrap(struct k5ctx *c, const uint8_t *tok,
		    size_t toklen, uint8_t *out, size_t *outlen);

#endif
