/* rpcauth/hmacpad.c - HMAC with its padded key hashed once, restarted by copy */
/*
 * Per-message tokens are mostly small, and OpenSSL 3's EVP_MAC restarts
 * HMAC by duplicating two provider digest contexts (a malloc and a free
 * each) per message.  Here the inner and outer states after the padded
 * key block (RFC 2104) are kept as plain structures and copied by value
 * per message: the same assembly compression functions, no allocation.
 * The low-level digest calls are deprecated in OpenSSL 3 but still part
 * of its ABI; this file is the only user.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "hmacpad.h"

union mdstate {
	SHA_CTX		 s1;
	SHA256_CTX	 s256;
	SHA512_CTX	 s512;	/* SHA-384 too */
};

struct hmacpad {
	enum hmacpad_alg alg;
	union mdstate	 in, out;	/* after key ^ ipad, key ^ opad */
};

static size_t
block_len(enum hmacpad_alg alg)
{
	return alg == HMACPAD_SHA384 ? SHA512_CBLOCK : SHA_CBLOCK;
}

static size_t
md_len(enum hmacpad_alg alg)
{
	return alg == HMACPAD_SHA1 ? SHA_DIGEST_LENGTH :
	    alg == HMACPAD_SHA256 ? SHA256_DIGEST_LENGTH : SHA384_DIGEST_LENGTH;
}

static void
md_init(enum hmacpad_alg alg, union mdstate *s)
{
	if (alg == HMACPAD_SHA1)
		(void)SHA1_Init(&s->s1);
	else if (alg == HMACPAD_SHA256)
		(void)SHA256_Init(&s->s256);
	else
		(void)SHA384_Init(&s->s512);
}

static void
md_update(enum hmacpad_alg alg, union mdstate *s, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (alg == HMACPAD_SHA1)
		(void)SHA1_Update(&s->s1, p, n);
	else if (alg == HMACPAD_SHA256)
		(void)SHA256_Update(&s->s256, p, n);
	else
		(void)SHA384_Update(&s->s512, p, n);
}

static void
md_final(enum hmacpad_alg alg, union mdstate *s, uint8_t *md)
{
	if (alg == HMACPAD_SHA1)
		(void)SHA1_Final(md, &s->s1);
	else if (alg == HMACPAD_SHA256)
		(void)SHA256_Final(md, &s->s256);
	else
		(void)SHA384_Final(md, &s->s512);
}

struct hmacpad *
hmacpad_new(enum hmacpad_alg alg, const uint8_t *key, size_t keylen)
{
	uint8_t k[SHA512_CBLOCK], pad[SHA512_CBLOCK];
	struct hmacpad *h = NULL;
	union mdstate tmp;
	size_t b, i;

	if (alg != HMACPAD_SHA1 && alg != HMACPAD_SHA256 &&
	    alg != HMACPAD_SHA384)
		return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->alg = alg;
	b = block_len(alg);
	memset(k, 0, sizeof(k));
	/* RFC 2104 2: a key longer than a block is hashed first. */
	if (keylen > b) {
		md_init(alg, &tmp);
		md_update(alg, &tmp, key, keylen);
		md_final(alg, &tmp, k);
	} else if (keylen > 0)
		memcpy(k, key, keylen);
	for (i = 0; i < b; i++)
		pad[i] = k[i] ^ 0x36;
	md_init(alg, &h->in);
	md_update(alg, &h->in, pad, b);
	for (i = 0; i < b; i++)
		pad[i] = k[i] ^ 0x5c;
	md_init(alg, &h->out);
	md_update(alg, &h->out, pad, b);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(&tmp, sizeof(tmp));
	return h;
}

void
hmacpad_free(struct hmacpad *h)
{
	if (h == NULL)
		return;
	OPENSSL_cleanse(h, sizeof(*h));
	free(h);
}

/* The hash state lives in the caller's hmacpad_ctx: it must fit. */
typedef char state_fits[sizeof(union mdstate) <=
    sizeof(((struct hmacpad_ctx *)0)->state) ? 1 : -1];

static union mdstate *
ctx_state(struct hmacpad_ctx *c)
{
	return (union mdstate *)(void *)c->state;
}

void
hmacpad_start(const struct hmacpad *h, struct hmacpad_ctx *c)
{
	c->h = h;
	c->alg = h->alg;
	*ctx_state(c) = h->in;
}

void
hmacpad_update(struct hmacpad_ctx *c, const void *p, size_t n)
{
	md_update(c->alg, ctx_state(c), p, n);
}

void
hmacpad_finish(struct hmacpad_ctx *c, uint8_t md[HMACPAD_MAX_MD])
{
	const struct hmacpad *h = c->h;
	uint8_t inner[HMACPAD_MAX_MD];
	union mdstate *s = ctx_state(c);

	md_final(h->alg, s, inner);
	*s = h->out;
	md_update(h->alg, s, inner, md_len(h->alg));
	md_final(h->alg, s, md);
	OPENSSL_cleanse(inner, sizeof(inner));
	OPENSSL_cleanse(c, sizeof(*c));
}

int
hmacpad_run(const struct hmacpad *h, const struct hmacpad_piece *pieces,
    size_t n, uint8_t md[HMACPAD_MAX_MD])
{
	struct hmacpad_ctx c;
	size_t i;

	if (h == NULL)
		return -1;
	hmacpad_start(h, &c);
	for (i = 0; i < n; i++)
		hmacpad_update(&c, pieces[i].p, pieces[i].len);
	hmacpad_finish(&c, md);
	return 0;
}
