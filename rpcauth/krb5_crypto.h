/* rpcauth/krb5_crypto.h - RFC 3961/3962/8009 AES enctypes over OpenSSL */
#ifndef RPCAUTH_KRB5_CRYPTO_H
#define RPCAUTH_KRB5_CRYPTO_H

#include "rename.h"

#include <stddef.h>
#include <stdint.h>

#include "hmacpad.h"

/* Enctype numbers (RFC 3962 7, RFC 8009 8); the only ones handled here. */
#define K5_AES128_CTS_HMAC_SHA1_96	17
#define K5_AES256_CTS_HMAC_SHA1_96	18
#define K5_AES128_CTS_HMAC_SHA256_128	19
#define K5_AES256_CTS_HMAC_SHA384_192	20

#define K5_BLOCK	16	/* AES block; also the confounder length */
#define K5_MAX_KEY	32	/* longest base or derived key, in bytes */
#define K5_MAX_CKSUM	24	/* longest truncated HMAC (RFC 8009) */

/* RFC 3961 5.3: the octet after the usage number names the derived key. */
#define K5_KC		0x99	/* checksum key */
#define K5_KE		0xAA	/* encryption key */
#define K5_KI		0x55	/* integrity key of the encryption */

/* What k5_key_new() derives. */
#define K5_KEY_CKSUM	0x1	/* Kc: k5_checksum() */
#define K5_KEY_CRYPT	0x2	/* Ke, Ki: k5_encrypt(), k5_decrypt() */

/* Length of a base key of `enctype`, or 0 when the enctype is not ours. */
size_t	k5_enctype_keylen(int32_t enctype);

/* RFC 3961 5.1 n-fold: fold or stretch `in` into exactly outlen bytes. */
void	k5_nfold(const uint8_t *in, size_t inlen, uint8_t *out,
	    size_t outlen);

/*
 * Derive the `which` key (K5_KC, K5_KE, K5_KI) for `usage` from `base`:
 * RFC 3961 5.1 DK for the SHA-1 enctypes, RFC 8009 5 KDF-HMAC-SHA2 for the
 * SHA-2 ones.  Writes *outlen bytes (at most K5_MAX_KEY) to out.  Returns
 * 0, or -1 (unknown enctype, wrong base length, OpenSSL failure).
 */
int	k5_derive(int32_t enctype, const uint8_t *base, size_t baselen,
	    uint32_t usage, uint8_t which, uint8_t out[K5_MAX_KEY],
	    size_t *outlen);

/* A message in pieces, hashed or encrypted as if concatenated. */
struct k5_iov {
	const void	*p;
	size_t		 len;
};

/*
 * The keys of one usage number, derived and held in OpenSSL contexts
 * (which wipe them when freed); the derived bytes are never kept.  Not
 * safe for concurrent use: the caller serializes.
 */
struct k5_key;

/* `what`: K5_KEY_CKSUM and/or K5_KEY_CRYPT.  NULL on failure. */
struct k5_key	*k5_key_new(int32_t enctype, const uint8_t *base,
		    size_t baselen, uint32_t usage, unsigned what);
void		 k5_key_free(struct k5_key *k);	/* NULL is fine */

/* Truncated HMAC length h: 12 (SHA-1 types), 16 or 24 (RFC 8009). */
size_t	k5_key_cksum_len(const struct k5_key *k);

/* Checksum of the pieces with Kc (RFC 3961 5.4 / RFC 8009 5); h bytes. */
int	k5_checksum(struct k5_key *k, const struct k5_iov *iov, size_t n,
	    uint8_t *out);
/* 0 if `cksum` (cklen bytes) is the checksum of the pieces, else -1. */
int	k5_verify_checksum(struct k5_key *k, const struct k5_iov *iov,
	    size_t n, const uint8_t *cksum, size_t cklen);
/*
 * The same in steps, for a message hashed while it passes through the
 * cache on its way to or from the wire (protect.c): start (-1: the key
 * has no Kc), hmacpad_update() with each piece in order, then finish (h
 * bytes to out) or check (0 if cksum is the checksum, else -1).  Both
 * wipe c.
 */
int	k5_checksum_start(const struct k5_key *k, struct hmacpad_ctx *c);
void	k5_checksum_finish(const struct k5_key *k, struct hmacpad_ctx *c,
	    uint8_t *out);
int	k5_checksum_check(const struct k5_key *k, struct hmacpad_ctx *c,
	    const uint8_t *cksum, size_t cklen);

/*
 * Encrypt conf | pieces (RFC 3961 5.3 with RFC 3962 CBC-CTS, or RFC 8009
 * 5): out receives K5_BLOCK + the pieces' total + h bytes, the ciphertext
 * then the tag.  out must not overlap the pieces.  `conf` is the random
 * confounder (fixed only by tests).
 */
int	k5_encrypt(struct k5_key *k, const uint8_t conf[K5_BLOCK],
	    const struct k5_iov *iov, size_t n, uint8_t *out);
/*
 * The same in steps, for a message sealed while it streams to the wire
 * (protect.c): the same bytes as k5_encrypt over conf | the pieces fed.
 * `total` is K5_BLOCK + the pieces' length, fixed at the start.  Each call
 * writes the ciphertext it could make to out (start: up to K5_BLOCK
 * bytes, update: up to n + K5_BLOCK - 1, finish: up to 2 * K5_BLOCK + h)
 * and its length to *outlen.  After start the state needs neither the key
 * nor a lock but for the HMAC's finish (its outer pad is read from the
 * key): finish only while the key lives.  Finish and abandon wipe s; a
 * started s ends in one of them.  0 or -1.
 */
struct k5_steps {			/* what both directions keep */
	struct evp_cipher_ctx_st *ctx;	/* the key's EVP context, copied */
	struct hmacpad_ctx	 mac;
	int			 etm;	/* RFC 8009: MAC over the ciphertext */
	size_t			 h;
	size_t			 bulk;	/* plain CBC; the rest is the CTS tail */
	size_t			 fed;
	uint8_t			 tail[2 * K5_BLOCK];
};
struct k5_seal {
	struct k5_steps		 c;
	size_t			 total;
};
int	k5_seal_start(const struct k5_key *k, struct k5_seal *s, size_t total,
	    const uint8_t conf[K5_BLOCK], uint8_t *out, size_t *outlen);
int	k5_seal_update(struct k5_seal *s, const uint8_t *p, size_t n,
	    uint8_t *out, size_t *outlen);
int	k5_seal_finish(struct k5_seal *s, uint8_t *out, size_t *outlen);
void	k5_seal_abandon(struct k5_seal *s);

/*
 * k5_decrypt in steps, for a message opened while it streams in
 * (protect.c): `len` (ciphertext | tag) is fixed at the start; each update
 * takes the next bytes in order and writes the plaintext it could make to
 * out (at most n + K5_BLOCK - 1 bytes; the confounder never), finish the
 * rest (at most 2 * K5_BLOCK) and checks the tag: -1 when it does not
 * verify, and then the caller must wipe every byte the updates wrote.
 * After start the state needs neither the key nor a lock but for the
 * HMAC's finish: finish only while the key lives.  Finish and abandon
 * wipe o; a started o ends in one of them.
 */
struct k5_open {
	struct k5_steps		 c;
	size_t			 n;	/* ciphertext bytes, the tag not counted */
	uint8_t			 prev[K5_BLOCK];  /* the CBC part's last block */
	uint8_t			 tag[HMACPAD_MAX_MD];
};
int	k5_open_start(const struct k5_key *k, struct k5_open *o, size_t len);
int	k5_open_update(struct k5_open *o, const uint8_t *p, size_t n,
	    uint8_t *out, size_t *outlen);
int	k5_open_finish(struct k5_open *o, uint8_t *out, size_t *outlen);
void	k5_open_abandon(struct k5_open *o);

/*
 * Check and decrypt `in` (ciphertext | tag, len bytes).  On success writes
 * the plaintext without its confounder, len - K5_BLOCK - h bytes, to out
 * (which must not overlap in) and returns 0.  Returns -1 when the input is
 * too short or the tag does not verify; out is wiped then.
 */
int	k5_decrypt(struct k5_key *k, const uint8_t *in, size_t len,
	    uint8_t *out);

/*
 * RFC 3962 5 CBC-CTS alone, with a raw AES key (16 or 32 bytes) and the
 * zero IV: enc 1 encrypts, 0 decrypts len >= K5_BLOCK bytes from in to out
 * (no overlap).  For the RFC 3962 appendix B vectors; 0 or -1.
 */
int	k5_cts_raw(const uint8_t *key, size_t keylen, int enc,
	    const uint8_t *in, size_t len, uint8_t *out);

#endif
