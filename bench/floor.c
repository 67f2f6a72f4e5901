/* bench/floor.c - the cryptographic cost of one call, measured in-process */
/*
 * The operations and their lengths follow the wire: RFC 4121 4.2.4 (a MIC
 * is an HMAC over the message and the 16-byte token header), 4.2.4 and
 * RFC 3961 5.3 / RFC 8009 5 (a sealed token encrypts confounder | message
 * | token header with AES-CBC-CTS and adds an HMAC: over the plaintext for
 * the SHA-1 enctypes, over IV | ciphertext for the SHA-2 ones), and
 * RFC 2203 5.3.3 (the integrity or privacy body is the sequence number
 * followed by the XDR arguments).  Keys are random (what the key is does
 * not change the cost) and set up once, as any implementation keeping a
 * context would; what is timed is only what every message must do again.
 *
 * Long messages go through the cipher and the HMAC 64 KiB at a time over
 * the same buffers, which stay in cache: the least any implementation can
 * spend on them (a pass over megabytes that left the caches costs more),
 * so that rpcauth's one-pass code is judged against the cheapest, not the
 * most convenient, way to do the same work.
 */
#include "config.h"

#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "floor.h"

#define TOK_HDR		16	/* RFC 4121 4.2.6 token header */
#define CONF_LEN	16	/* confounder, one AES block */
/*
 * The MIC'd call header: xid, direction, RPC version, program, version,
 * procedure (24 bytes), credential flavor and length (8), the RPCSEC_GSS
 * credential (version, procedure, sequence, service: 16; a 16-byte handle
 * with its length: 20).
 */
#define CALL_HDR	68
#define SEQ_LEN		4

struct floor_etype {
	int32_t		 enctype;
	const char	*name;
	const char	*cipher;	/* CBC, ciphertext stealing */
	const char	*cbc;		/* plain CBC, for all but the end */
	const char	*digest;
	size_t		 keylen, mackeylen, h;
	int		 etm;		/* RFC 8009: HMAC of IV | ciphertext */
};

static const struct floor_etype etypes[] = {
	{ 17, "aes128-cts-hmac-sha1-96", "AES-128-CBC-CTS", "AES-128-CBC",
	    "SHA1", 16, 16, 12, 0 },
	{ 18, "aes256-cts-hmac-sha1-96", "AES-256-CBC-CTS", "AES-256-CBC",
	    "SHA1", 32, 32, 12, 0 },
	{ 19, "aes128-cts-hmac-sha256-128", "AES-128-CBC-CTS", "AES-128-CBC",
	    "SHA256", 16, 16, 16, 1 },
	{ 20, "aes256-cts-hmac-sha384-192", "AES-256-CBC-CTS", "AES-256-CBC",
	    "SHA384", 32, 24, 24, 1 },
};

struct floor_ctx {
	const struct floor_etype *et;
	EVP_MAC_CTX	*mac;
	EVP_CIPHER_CTX	*enc, *dec;		/* CBC-CTS */
	EVP_CIPHER_CTX	*encb, *decb;		/* CBC, no padding */
	uint8_t		*in, *out;	/* plaintext / ciphertext, one chunk */
	uint8_t		 iv[16], tag[64];
};

/* The table holds enctypes 17 to 20 in order. */
static const struct floor_etype *
etype_find(int32_t enctype)
{
	size_t n = sizeof(etypes) / sizeof(etypes[0]);

	return enctype >= etypes[0].enctype &&
	    enctype < etypes[0].enctype + (int32_t)n ?
	    &etypes[enctype - etypes[0].enctype] : NULL;
}

const char *
floor_enctype_name(int32_t enctype)
{
	const struct floor_etype *et = etype_find(enctype);

	return et != NULL ? et->name : "?";
}

/* This thread's CPU time: a neighbour's load does not inflate it. */
static double
cpu_now(void)
{
	struct rusage ru;

	(void)getrusage(RUSAGE_THREAD, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Bytes a long message is worked through at a time (see the top). */
#define CHUNK		(64 * 1024)

/*
 * One HMAC over len bytes with the key set at setup (a NULL key keeps
 * it), a chunk of c->in at a time.
 */
static int
mac(struct floor_ctx *c, const uint8_t *p, size_t len)
{
	size_t outl, k;

	if (EVP_MAC_init(c->mac, NULL, 0, NULL) != 1)
		return -1;
	for (; len > 0; len -= k) {
		k = len < CHUNK ? len : CHUNK;
		if (EVP_MAC_update(c->mac, p, k) != 1)
			return -1;
	}
	return EVP_MAC_final(c->mac, c->tag, &outl, sizeof(c->tag)) == 1 ?
	    0 : -1;
}

/* AES-CBC-CTS over len bytes in one pass, zero IV (RFC 4121 / 8009). */
static int
cts(EVP_CIPHER_CTX *x, const uint8_t *in, uint8_t *out, size_t len,
    const uint8_t iv[16])
{
	int outl, finl;

	/* enc -1: the direction set at setup. */
	return EVP_CipherInit_ex2(x, NULL, NULL, iv, -1, NULL) == 1 &&
	    EVP_CipherUpdate(x, out, &outl, in, (int)len) == 1 &&
	    EVP_CipherFinal_ex(x, out + outl, &finl) == 1 ? 0 : -1;
}

/*
 * One direction of a sealed token over plen bytes: CBC over all but the
 * last chunk (x_bulk), CBC-CTS over the last (x_cts), the HMAC over the
 * plaintext or, for EtM, IV | ciphertext, chunk by chunk beside it.
 */
static int
crypt_pass(struct floor_ctx *c, EVP_CIPHER_CTX *x_bulk, EVP_CIPHER_CTX *x_cts,
    const uint8_t *src, uint8_t *dst, size_t plen, int encrypting)
{
	const uint8_t *mp;
	size_t left, k, outl;
	int n;

	if (EVP_MAC_init(c->mac, NULL, 0, NULL) != 1 ||
	    EVP_CipherInit_ex2(x_bulk, NULL, NULL, c->iv, -1, NULL) != 1 ||
	    (c->et->etm && EVP_MAC_update(c->mac, c->iv, 16) != 1))
		return -1;
	/* The last piece takes the tail along: CTS needs two blocks. */
	for (left = plen; left > 0; left -= k) {
		k = left <= CHUNK + 32 ? left : CHUNK;
		if (k == left) {
			if (cts(x_cts, src, dst, k, c->iv) != 0)
				return -1;
		} else if (EVP_CipherUpdate(x_bulk, dst, &n, src, (int)k) != 1)
			return -1;
		/* EtM MACs the ciphertext, the SHA-1 types the plaintext. */
		mp = c->et->etm == encrypting ? dst : src;
		if (EVP_MAC_update(c->mac, mp, k) != 1)
			return -1;
	}
	return EVP_MAC_final(c->mac, c->tag, &outl, sizeof(c->tag)) == 1 ?
	    0 : -1;
}

/* Seal (wrap) a token of plen plaintext bytes, then open (unwrap) it. */
static int
seal_open(struct floor_ctx *c, size_t plen)
{
	if (crypt_pass(c, c->encb, c->enc, c->in, c->out, plen, 1) != 0 ||
	    crypt_pass(c, c->decb, c->dec, c->out, c->in, plen, 0) != 0)
		return -1;
	return 0;
}

/* The tokens of one call and its reply (see floor.h). */
static int
one_call(struct floor_ctx *c, int level, size_t body)
{
	int i;

	/* Header MIC and reply verifier: each made, then verified. */
	for (i = 0; i < 2; i++)
		if (mac(c, c->in, CALL_HDR + TOK_HDR) != 0 ||
		    mac(c, c->in, SEQ_LEN + TOK_HDR) != 0)
			return -1;
	/* The arguments, then the results: the same length both ways. */
	for (i = 0; i < 2; i++) {
		if (level == 2 && (mac(c, c->in, body + TOK_HDR) != 0 ||
		    mac(c, c->in, body + TOK_HDR) != 0))
			return -1;
		if (level == 3 && seal_open(c, CONF_LEN + body + TOK_HDR) != 0)
			return -1;
	}
	return 0;
}

static void
ctx_free(struct floor_ctx *c)
{
	EVP_MAC_CTX_free(c->mac);
	EVP_CIPHER_CTX_free(c->enc);
	EVP_CIPHER_CTX_free(c->dec);
	EVP_CIPHER_CTX_free(c->encb);
	EVP_CIPHER_CTX_free(c->decb);
	free(c->in);
	free(c->out);
}

static int
ctx_init(struct floor_ctx *c, const struct floor_etype *et, size_t cap)
{
	OSSL_PARAM mp[2], cp[2];
	EVP_CIPHER *ciph = NULL, *cbc = NULL;
	EVP_MAC *m = NULL;
	uint8_t key[32], mkey[32];
	int ret = -1;

	memset(c, 0, sizeof(*c));
	c->et = et;
	mp[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)et->digest, 0);
	mp[1] = OSSL_PARAM_construct_end();
	/* RFC 3962 5 and RFC 8009 5 swap the last two blocks: CS3. */
	cp[0] = OSSL_PARAM_construct_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE,
	    (char *)(uintptr_t)"CS3", 0);
	cp[1] = OSSL_PARAM_construct_end();
	if ((c->in = calloc(1, cap)) == NULL ||
	    (c->out = calloc(1, cap + 16)) == NULL ||
	    RAND_bytes(key, sizeof(key)) != 1 ||
	    RAND_bytes(mkey, sizeof(mkey)) != 1 ||
	    (m = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (c->mac = EVP_MAC_CTX_new(m)) == NULL ||
	    EVP_MAC_init(c->mac, mkey, et->mackeylen, mp) != 1 ||
	    (ciph = EVP_CIPHER_fetch(NULL, et->cipher, NULL)) == NULL ||
	    (c->enc = EVP_CIPHER_CTX_new()) == NULL ||
	    (c->dec = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_CipherInit_ex2(c->enc, ciph, key, c->iv, 1, cp) != 1 ||
	    EVP_CipherInit_ex2(c->dec, ciph, key, c->iv, 0, cp) != 1 ||
	    (cbc = EVP_CIPHER_fetch(NULL, et->cbc, NULL)) == NULL ||
	    (c->encb = EVP_CIPHER_CTX_new()) == NULL ||
	    (c->decb = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_CipherInit_ex2(c->encb, cbc, key, c->iv, 1, NULL) != 1 ||
	    EVP_CipherInit_ex2(c->decb, cbc, key, c->iv, 0, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c->encb, 0) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c->decb, 0) != 1)
		goto out;
	ret = 0;
out:
	EVP_MAC_free(m);
	EVP_CIPHER_free(ciph);
	EVP_CIPHER_free(cbc);
	return ret;
}

/*
 * RFC 3962 appendix B, the 17-byte vector: the cipher the floor times is
 * the one Kerberos uses (CBC with the last two blocks swapped, OpenSSL's
 * CS3), not a cheaper or dearer relative.
 */
static int
cts_known_answer(void)
{
	static const uint8_t key[16] = "chicken teriyaki";
	static const uint8_t want[17] = {
		0xc6, 0x35, 0x35, 0x68, 0xf2, 0xbf, 0x8c, 0xb4, 0xd8, 0xa5,
		0x80, 0x36, 0x2d, 0xa7, 0xff, 0x7f, 0x97 };
	OSSL_PARAM cp[2];
	EVP_CIPHER *ciph = EVP_CIPHER_fetch(NULL, "AES-128-CBC-CTS", NULL);
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	uint8_t iv[16] = { 0 }, out[32];
	int ret = -1;

	cp[0] = OSSL_PARAM_construct_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE,
	    (char *)(uintptr_t)"CS3", 0);
	cp[1] = OSSL_PARAM_construct_end();
	if (ciph != NULL && x != NULL &&
	    EVP_CipherInit_ex2(x, ciph, key, iv, 1, cp) == 1 &&
	    cts(x, (const uint8_t *)"I would like the ", out, 17, iv) == 0 &&
	    memcmp(out, want, sizeof(want)) == 0)
		ret = 0;
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(ciph);
	return ret;
}

int
floor_call_secs(int32_t enctype, int level, size_t size, double min_secs,
    double *secs_out, char *why, size_t len)
{
	const struct floor_etype *et = etype_find(enctype);
	struct floor_ctx c;
	/* RFC 2203 5.3.3: seq, then the arguments (ECHO: opaque<>). */
	size_t body = SEQ_LEN + (size > 0 ? 4 + ((size + 3) & ~(size_t)3) : 0);
	size_t cap = CONF_LEN + body + TOK_HDR + CALL_HDR;

	/* Long messages reuse one chunk's buffers (see mac, crypt_pass). */
	if (cap > CHUNK + CALL_HDR)
		cap = CHUNK + CALL_HDR;
	double t0, t;
	unsigned n = 0;
	int ret = -1;

	*secs_out = 0;
	if (et == NULL) {
		snprintf(why, len, "enctype %d has no floor", (int)enctype);
		return -1;
	}
	if (cts_known_answer() != 0) {
		snprintf(why, len, "OpenSSL's AES-CBC-CTS does not give RFC "
		    "3962's test vector: no floor");
		return -1;
	}
	if (ctx_init(&c, et, cap) != 0) {
		snprintf(why, len, "OpenSSL %s / HMAC-%s: setup failed",
		    et->cipher, et->digest);
		goto out;
	}
	t0 = cpu_now();
	do {
		if (one_call(&c, level, body) != 0) {
			snprintf(why, len, "OpenSSL %s / HMAC-%s failed",
			    et->cipher, et->digest);
			goto out;
		}
		n++;
		t = cpu_now();
	} while (n < 3 || t - t0 < min_secs);
	*secs_out = (t - t0) / n;
	ret = 0;
out:
	ctx_free(&c);
	return ret;
}
