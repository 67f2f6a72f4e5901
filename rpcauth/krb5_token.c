/* rpcauth/krb5_token.c - RFC 4121 MIC and Wrap tokens made and checked with OpenSSL */
/*
 * Byte for byte what MIT's gss_get_mic and gss_wrap (confidential) emit
 * for the AES enctypes: the 16-byte header of RFC 4121 4.2.6, then the
 * checksum (MIC) or the encryption of data | header copy (Wrap, EC = 0,
 * RRC = 0).  Each side uses its own usage numbers (RFC 4121 2), so a
 * token sent back to its sender does not verify; the SentByAcceptor flag
 * says so up front.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "krb5_crypto.h"
#include "krb5_token.h"

/* RFC 4121 4.2.2 flags, 4.2.6 token IDs, 2 key usages. */
#define FLAG_SENT_BY_ACCEPTOR	0x01
#define FLAG_SEALED		0x02
#define FLAG_ACCEPTOR_SUBKEY	0x04
#define TOK_MIC			0x0404
#define TOK_WRAP		0x0504
#define USAGE_ACCEPTOR_SEAL	22
#define USAGE_ACCEPTOR_SIGN	23
#define USAGE_INITIATOR_SEAL	24
#define USAGE_INITIATOR_SIGN	25

#define HDR_LEN			16

struct k5ctx {
	int32_t		 enctype;
	uint8_t		 send_flags;	/* direction, subkey bits */
	uint8_t		 recv_flags;	/* those the peer must set */
	uint64_t	 send_seq;
	size_t		 h;		/* checksum length */
	struct k5_key	*send_sign, *send_seal;
	struct k5_key	*recv_sign, *recv_seal;
	/* Confounders drawn from OpenSSL's DRBG 16 at a time: one RAND_bytes
	 * per Wrap cost more than the rest of a small token. */
	uint8_t		 rnd[16 * K5_BLOCK];
	size_t		 rnd_off;	/* sizeof(rnd): refill first */
	unsigned long	 rnd_gen;	/* fork_gen when filled */
};

/*
 * After fork() parent and child hold the same unused confounders: the
 * same bytes would then seal two different messages under one key.  A
 * child's pool is stale once fork_gen moved; the atfork handler is all
 * it costs per Wrap (one load), unlike a getpid() per token.
 */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static volatile unsigned long fork_gen;

static void
forked_child(void)
{
	fork_gen++;	/* the child is single-threaded here */
}

static void
atfork_register(void)
{
	(void)pthread_atfork(NULL, NULL, forked_child);
}

struct k5ctx *
k5ctx_new(int initiator, int acceptor_subkey, int32_t enctype,
    const uint8_t *key, size_t keylen, uint64_t send_seq)
{
	struct k5ctx *c;
	uint32_t my_seal = initiator ? USAGE_INITIATOR_SEAL :
	    USAGE_ACCEPTOR_SEAL;
	uint32_t my_sign = initiator ? USAGE_INITIATOR_SIGN :
	    USAGE_ACCEPTOR_SIGN;
	uint32_t peer_seal = initiator ? USAGE_ACCEPTOR_SEAL :
	    USAGE_INITIATOR_SEAL;
	uint32_t peer_sign = initiator ? USAGE_ACCEPTOR_SIGN :
	    USAGE_INITIATOR_SIGN;
	uint8_t subkey = acceptor_subkey ? FLAG_ACCEPTOR_SUBKEY : 0;

	(void)pthread_once(&atfork_once, atfork_register);
	if (k5_enctype_keylen(enctype) != keylen ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->enctype = enctype;
	c->rnd_off = sizeof(c->rnd);
	c->send_flags = (initiator ? 0 : FLAG_SENT_BY_ACCEPTOR) | subkey;
	c->recv_flags = (initiator ? FLAG_SENT_BY_ACCEPTOR : 0) | subkey;
	c->send_seq = send_seq;
	if ((c->send_sign = k5_key_new(enctype, key, keylen, my_sign,
	    K5_KEY_CKSUM)) == NULL ||
	    (c->send_seal = k5_key_new(enctype, key, keylen, my_seal,
	    K5_KEY_CRYPT)) == NULL ||
	    (c->recv_sign = k5_key_new(enctype, key, keylen, peer_sign,
	    K5_KEY_CKSUM)) == NULL ||
	    (c->recv_seal = k5_key_new(enctype, key, keylen, peer_seal,
	    K5_KEY_CRYPT)) == NULL) {
		k5ctx_free(c);
		return NULL;
	}
	c->h = k5_key_cksum_len(c->send_sign);
	return c;
}

void
k5ctx_free(struct k5ctx *c)
{
	if (c == NULL)
		return;
	k5_key_free(c->send_sign);
	k5_key_free(c->send_seal);
	k5_key_free(c->recv_sign);
	k5_key_free(c->recv_seal);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

int32_t
k5ctx_enctype(const struct k5ctx *c)
{
	return c->enctype;
}

size_t
k5tok_mic_len(const struct k5ctx *c)
{
	return HDR_LEN + c->h;
}

/* Header, confounder, data, header copy, tag (RFC 4121 4.2.4, EC = 0). */
size_t
k5tok_wrap_len(const struct k5ctx *c, size_t msglen)
{
	size_t extra = HDR_LEN + K5_BLOCK + HDR_LEN + c->h;

	return msglen > SIZE_MAX - extra ? 0 : msglen + extra;
}

static void
put_header(uint8_t hdr[HDR_LEN], unsigned tokid, uint8_t flags,
    uint64_t seq)
{
	int i;

	hdr[0] = tokid >> 8;
	hdr[1] = tokid & 0xff;
	hdr[2] = flags;
	hdr[3] = 0xff;
	/* MIC: the filler goes on to octet 7; Wrap: EC and RRC, both 0. */
	memset(hdr + 4, tokid == TOK_MIC ? 0xff : 0, 4);
	for (i = 0; i < 8; i++)
		hdr[8 + i] = (uint8_t)(seq >> (56 - 8 * i));
}

/* Direction and subkey flags, common to both token kinds. */
static OM_uint32
check_flags(const struct k5ctx *c, uint8_t flags)
{
	/* A token that claims our own direction is a reflection. */
	if ((flags & FLAG_SENT_BY_ACCEPTOR) !=
	    (c->recv_flags & FLAG_SENT_BY_ACCEPTOR))
		return GSS_S_BAD_SIG;
	/* RFC 4121 4.2.2: once asserted, the acceptor subkey protects all. */
	if ((flags & FLAG_ACCEPTOR_SUBKEY) !=
	    (c->recv_flags & FLAG_ACCEPTOR_SUBKEY))
		return GSS_S_BAD_SIG;
	return GSS_S_COMPLETE;
}

/* RFC 4121 4.2.6.1: checksum over the message, then the header. */
int
k5tok_mic_begin(const struct k5ctx *c, int sending, struct hmacpad_ctx *m)
{
	return k5_checksum_start(sending ? c->send_sign : c->recv_sign, m);
}

OM_uint32
k5tok_mic_make(struct k5ctx *c, struct hmacpad_ctx *m, uint8_t *tok_out)
{
	put_header(tok_out, TOK_MIC, c->send_flags, c->send_seq);
	hmacpad_update(m, tok_out, HDR_LEN);
	k5_checksum_finish(c->send_sign, m, tok_out + HDR_LEN);
	c->send_seq++;
	return GSS_S_COMPLETE;
}

OM_uint32
k5tok_mic_check(const struct k5ctx *c, struct hmacpad_ctx *m,
    const uint8_t *tok, size_t toklen)
{
	static const uint8_t filler[5] = { 0xff, 0xff, 0xff, 0xff, 0xff };
	OM_uint32 maj = GSS_S_DEFECTIVE_TOKEN;

	if (tok == NULL || toklen < HDR_LEN || tok[0] != TOK_MIC >> 8 ||
	    tok[1] != (TOK_MIC & 0xff) || CRYPTO_memcmp(tok + 3, filler, 5) != 0 ||
	    (tok[2] & FLAG_SEALED) != 0)
		goto out;
	if ((maj = check_flags(c, tok[2])) != GSS_S_COMPLETE)
		goto out;
	maj = GSS_S_DEFECTIVE_TOKEN;
	if (toklen != HDR_LEN + c->h)
		goto out;
	hmacpad_update(m, tok, HDR_LEN);
	return k5_checksum_check(c->recv_sign, m, tok + HDR_LEN, c->h) == 0 ?
	    GSS_S_COMPLETE : GSS_S_BAD_SIG;
out:
	OPENSSL_cleanse(m, sizeof(*m));
	return maj;
}

OM_uint32
k5tok_get_mic(struct k5ctx *c, const void *msg, size_t len, uint8_t *tok_out)
{
	struct hmacpad_ctx m;

	if (k5tok_mic_begin(c, 1, &m) != 0)
		return GSS_S_FAILURE;
	hmacpad_update(&m, msg, len);
	return k5tok_mic_make(c, &m, tok_out);
}

OM_uint32
k5tok_verify_mic(struct k5ctx *c, const void *msg, size_t len,
    const uint8_t *tok, size_t toklen)
{
	struct hmacpad_ctx m;

	if (k5tok_mic_begin(c, 0, &m) != 0)
		return GSS_S_FAILURE;
	hmacpad_update(&m, msg, len);
	return k5tok_mic_check(c, &m, tok, toklen);
}

/* The next confounder, used once and wiped from the pool. */
static int
confounder(struct k5ctx *c, uint8_t conf[K5_BLOCK])
{
	if (c->rnd_off + K5_BLOCK > sizeof(c->rnd) ||
	    c->rnd_gen != fork_gen) {
		OPENSSL_cleanse(c->rnd, sizeof(c->rnd));
		c->rnd_gen = fork_gen;
		if (RAND_bytes(c->rnd, sizeof(c->rnd)) != 1) {
			c->rnd_off = sizeof(c->rnd);
			return -1;
		}
		c->rnd_off = 0;
	}
	memcpy(conf, c->rnd + c->rnd_off, K5_BLOCK);
	OPENSSL_cleanse(c->rnd + c->rnd_off, K5_BLOCK);
	c->rnd_off += K5_BLOCK;
	return 0;
}

/* A Wrap token's header (with the next sequence number) and confounder. */
static int
wrap_prologue(struct k5ctx *c, size_t len, uint8_t hdr[HDR_LEN],
    uint8_t conf[K5_BLOCK])
{
	if (k5tok_wrap_len(c, len) == 0)
		return -1;
	put_header(hdr, TOK_WRAP, c->send_flags | FLAG_SEALED, c->send_seq);
	return confounder(c, conf);
}

/* RFC 4121 4.2.4: E(data | filler(EC) | header with RRC 0), header first. */
OM_uint32
k5tok_wrap(struct k5ctx *c, const void *msg, size_t len, uint8_t *tok_out)
{
	/* The header copy is encrypted from tok_out, not moved. */
	struct k5_iov iov[2] = { { msg, len }, { tok_out, HDR_LEN } };
	uint8_t conf[K5_BLOCK];
	int ok;

	ok = wrap_prologue(c, len, tok_out, conf) == 0 &&
	    k5_encrypt(c->send_seal, conf, iov, 2, tok_out + HDR_LEN) == 0;
	OPENSSL_cleanse(conf, sizeof(conf));
	if (!ok)
		return GSS_S_FAILURE;
	c->send_seq++;
	return GSS_S_COMPLETE;
}

/* k5tok_wrap in steps: the header and the confounder go first. */
OM_uint32
k5tok_wrap_begin(struct k5ctx *c, size_t msglen, struct k5tok_seal *w,
    uint8_t *out, size_t *outlen)
{
	uint8_t conf[K5_BLOCK];
	OM_uint32 maj = GSS_S_FAILURE;
	size_t n;

	*outlen = 0;
	memset(w, 0, sizeof(*w));
	if (wrap_prologue(c, msglen, w->hdr, conf) != 0)
		goto out;
	memcpy(out, w->hdr, HDR_LEN);
	/* The header copy ends the plaintext: encrypted, not moved. */
	if (k5_seal_start(c->send_seal, &w->s, K5_BLOCK + msglen + HDR_LEN,
	    conf, out + HDR_LEN, &n) != 0)
		goto out;
	*outlen = HDR_LEN + n;
	c->send_seq++;
	maj = GSS_S_COMPLETE;
out:
	OPENSSL_cleanse(conf, sizeof(conf));
	return maj;
}

OM_uint32
k5tok_wrap_end(struct k5tok_seal *w, uint8_t *out, size_t *outlen)
{
	size_t a = 0, b = 0;
	int r;

	r = k5_seal_update(&w->s, w->hdr, HDR_LEN, out, &a) == 0 ?
	    k5_seal_finish(&w->s, out + a, &b) : -1;
	k5tok_wrap_abandon(w);
	*outlen = r == 0 ? a + b : 0;
	return r == 0 ? GSS_S_COMPLETE : GSS_S_FAILURE;
}

void
k5tok_wrap_abandon(struct k5tok_seal *w)
{
	k5_seal_abandon(&w->s);
	OPENSSL_cleanse(w, sizeof(*w));
}

/* A Wrap token's clear header, for a token of toklen bytes. */
static OM_uint32
unwrap_header(const struct k5ctx *c, const uint8_t *tok, size_t toklen)
{
	OM_uint32 maj;

	/* Lengths first: an empty token may come as a NULL pointer, and even
	 * NULL + HDR_LEN is undefined behaviour. */
	if (tok == NULL || toklen < HDR_LEN || tok[0] != TOK_WRAP >> 8 ||
	    tok[1] != (TOK_WRAP & 0xff) || tok[3] != 0xff)
		return GSS_S_DEFECTIVE_TOKEN;
	if ((maj = check_flags(c, tok[2])) != GSS_S_COMPLETE)
		return maj;
	/* Integrity-only Wrap tokens are legal GSS but never privacy here. */
	if ((tok[2] & FLAG_SEALED) == 0)
		return GSS_S_FAILURE;
	if (toklen - HDR_LEN < K5_BLOCK + HDR_LEN + c->h)
		return GSS_S_DEFECTIVE_TOKEN;
	return GSS_S_COMPLETE;
}

/*
 * The decrypted plaintext (plen bytes at out, its tag verified) against
 * the clear header: the encrypted header copy must match it but for RRC;
 * EC decides where the data ends, so it is only trusted from here.
 * Wipes out when it does not match.
 */
static OM_uint32
unwrap_trailer(const uint8_t *tok, uint8_t *out, size_t plen,
    size_t *outlen)
{
	size_t ec = (size_t)tok[4] << 8 | tok[5];
	const uint8_t *copy = out + plen - HDR_LEN;

	if (ec > plen - HDR_LEN || CRYPTO_memcmp(copy, tok, 6) != 0 ||
	    CRYPTO_memcmp(copy + 8, tok + 8, 8) != 0) {
		OPENSSL_cleanse(out, plen);
		return GSS_S_BAD_SIG;
	}
	*outlen = plen - HDR_LEN - ec;
	return GSS_S_COMPLETE;
}

OM_uint32
k5tok_unwrap(struct k5ctx *c, const uint8_t *tok, size_t toklen,
    uint8_t *out, size_t *outlen)
{
	const uint8_t *body;
	uint8_t *rotated = NULL;
	size_t blen, rrc;
	OM_uint32 maj;

	*outlen = 0;
	if ((maj = unwrap_header(c, tok, toklen)) != GSS_S_COMPLETE)
		return maj;
	blen = toklen - HDR_LEN;
	body = tok + HDR_LEN;
	rrc = ((size_t)tok[6] << 8 | tok[7]) % blen;
	/* RFC 4121 4.2.5: the sender rotated the body right by RRC octets. */
	if (rrc != 0) {
		if ((rotated = malloc(blen)) == NULL)
			return GSS_S_FAILURE;
		memcpy(rotated, body + rrc, blen - rrc);
		memcpy(rotated + blen - rrc, body, rrc);
		body = rotated;
	}
	if (k5_decrypt(c->recv_seal, body, blen, out) != 0) {
		maj = GSS_S_BAD_SIG;
		goto out;
	}
	maj = unwrap_trailer(tok, out, blen - K5_BLOCK - c->h, outlen);
out:
	free(rotated);
	return maj;
}

OM_uint32
k5tok_unwrap_begin(const struct k5ctx *c, const uint8_t hdr[HDR_LEN],
    size_t toklen, struct k5tok_open *u)
{
	OM_uint32 maj;

	memset(u, 0, sizeof(*u));
	if ((maj = unwrap_header(c, hdr, toklen)) != GSS_S_COMPLETE)
		return maj;
	/* A rotated body must be whole before it can be decrypted. */
	if (((size_t)hdr[6] << 8 | hdr[7]) % (toklen - HDR_LEN) != 0)
		return GSS_S_UNAVAILABLE;
	if (k5_open_start(c->recv_seal, &u->o, toklen - HDR_LEN) != 0)
		return GSS_S_FAILURE;
	memcpy(u->hdr, hdr, HDR_LEN);
	u->plen = toklen - HDR_LEN - K5_BLOCK - c->h;
	return GSS_S_COMPLETE;
}

OM_uint32
k5tok_unwrap_end(struct k5tok_open *u, uint8_t *out, size_t written,
    size_t *outlen)
{
	OM_uint32 maj = GSS_S_BAD_SIG;
	size_t k = 0;

	*outlen = 0;
	if (k5_open_finish(&u->o, out + written, &k) == 0 &&
	    written + k == u->plen)
		maj = unwrap_trailer(u->hdr, out, u->plen, outlen);
	k5tok_unwrap_abandon(u);
	return maj;
}

void
k5tok_unwrap_abandon(struct k5tok_open *u)
{
	k5_open_abandon(&u->o);
	OPENSSL_cleanse(u, sizeof(*u));
}
