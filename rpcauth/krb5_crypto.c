/* rpcauth/krb5_crypto.c - RFC 3961/3962/8009 AES enctypes over OpenSSL */
/*
 * The four AES enctypes and nothing else: aes128/aes256-cts-hmac-sha1-96
 * (RFC 3962 on the RFC 3961 simplified profile) and
 * aes128-cts-hmac-sha256-128 / aes256-cts-hmac-sha384-192 (RFC 8009).
 * DES, 3DES, RC4 and Camellia stay with the GSS-API path.
 *
 * Ciphertext stealing is done here on top of plain AES-CBC, so that a
 * message in pieces (data, filler, token header) is encrypted straight
 * into the token without being copied together first.  Derived keys live
 * only inside OpenSSL contexts, which wipe them when freed; every stack
 * copy is cleansed before return.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "hmacpad.h"
#include "krb5_crypto.h"

struct etype {
	int32_t		 enctype;
	size_t		 keylen;	/* base key and Ke */
	size_t		 kclen;		/* Kc and Ki */
	size_t		 h;		/* truncated HMAC */
	const char	*cbc;		/* OpenSSL cipher names */
	const char	*ecb;
	enum hmacpad_alg digest;
	int		 rfc8009;	/* KDF-HMAC-SHA2, EtM */
};

static const struct etype etypes[] = {
	/* RFC 3962 6: Kc and Ki are protocol keys, HMAC-SHA1 cut to 96 bits. */
	{ K5_AES128_CTS_HMAC_SHA1_96, 16, 16, 12, "AES-128-CBC", "AES-128-ECB",
	    HMACPAD_SHA1, 0 },
	{ K5_AES256_CTS_HMAC_SHA1_96, 32, 32, 12, "AES-256-CBC", "AES-256-ECB",
	    HMACPAD_SHA1, 0 },
	/* RFC 8009 5: Kc and Ki are as long as the truncated HMAC. */
	{ K5_AES128_CTS_HMAC_SHA256_128, 16, 16, 16, "AES-128-CBC",
	    "AES-128-ECB", HMACPAD_SHA256, 1 },
	{ K5_AES256_CTS_HMAC_SHA384_192, 32, 24, 24, "AES-256-CBC",
	    "AES-256-ECB", HMACPAD_SHA384, 1 },
};

struct k5_key {
	const struct etype	*et;
	EVP_CIPHER_CTX		*enc;	/* AES-CBC, Ke, no padding */
	EVP_CIPHER_CTX		*dec;
	struct hmacpad		*ki;	/* HMAC with Ki */
	struct hmacpad		*kc;	/* HMAC with Kc */
};

/* RFC 8009 5: the cipher state of a GSS message is the all-zero IV. */
static const uint8_t zero_iv[K5_BLOCK];

/* EVP takes int lengths: feed long pieces in slices. */
#define SLICE	(1U << 30)

static const struct etype *
etype_find(int32_t enctype)
{
	size_t i;

	for (i = 0; i < sizeof(etypes) / sizeof(etypes[0]); i++)
		if (etypes[i].enctype == enctype)
			return &etypes[i];
	return NULL;
}

size_t
k5_enctype_keylen(int32_t enctype)
{
	const struct etype *et = etype_find(enctype);

	return et != NULL ? et->keylen : 0;
}

/* Bit `i` (0 = most significant bit of in[0]) of `in`. */
static unsigned
bit_at(const uint8_t *in, size_t i)
{
	return (in[i / 8] >> (7 - i % 8)) & 1;
}

static size_t
gcd(size_t a, size_t b)
{
	while (b != 0) {
		size_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * RFC 3961 5.1: repeat the input, each copy rotated 13 bits further right,
 * to lcm(inlen, outlen) bytes, then add the outlen-byte chunks in ones'
 * complement (end-around carry).  Key setup only: clarity over speed.
 */
void
k5_nfold(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	size_t lcm = inlen / gcd(inlen, outlen) * outlen;
	size_t nbits = inlen * 8, i, j, b;
	unsigned sum, byte;

	memset(out, 0, outlen);
	for (i = 0; i < lcm; i += outlen) {
		unsigned carry = 0;

		for (j = outlen; j-- > 0;) {
			/* Byte i+j of the string: copy c is rotated 13c. */
			size_t pos = i + j, c = pos / inlen;
			size_t start = ((pos % inlen) * 8 + nbits -
			    (13 * c) % nbits) % nbits;

			byte = 0;
			for (b = 0; b < 8; b++)
				byte = byte << 1 |
				    bit_at(in, (start + b) % nbits);
			sum = out[j] + byte + carry;
			out[j] = sum & 0xff;
			carry = sum >> 8;
		}
		/* Ones' complement: the top's carry comes in at the bottom. */
		while (carry != 0)
			for (j = outlen; carry != 0 && j-- > 0;) {
				sum = out[j] + carry;
				out[j] = sum & 0xff;
				carry = sum >> 8;
			}
	}
}

/* Most pieces a message comes in (plus the prefix). */
#define MAX_PIECES	8

/* HMAC of pre | pieces with the key of h. */
static int
hmac_iov(const struct hmacpad *h, const uint8_t *pre, size_t prelen,
    const struct k5_iov *iov, size_t n, uint8_t md[EVP_MAX_MD_SIZE])
{
	struct hmacpad_piece pc[MAX_PIECES];
	size_t i, k = 0;

	if (n + 1 > MAX_PIECES)
		return -1;
	if (prelen > 0) {
		pc[k].p = pre;
		pc[k++].len = prelen;
	}
	for (i = 0; i < n; i++) {
		pc[k].p = iov[i].p;
		pc[k++].len = iov[i].len;
	}
	return hmacpad_run(h, pc, k, md);
}

static EVP_CIPHER_CTX *
cipher_new(const char *name, const uint8_t *key, int enc)
{
	EVP_CIPHER *c = NULL;
	EVP_CIPHER_CTX *ctx = NULL;

	if ((c = EVP_CIPHER_fetch(NULL, name, NULL)) == NULL ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_CipherInit_ex2(ctx, c, key, zero_iv, enc, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		ctx = NULL;
	}
	EVP_CIPHER_free(c);
	return ctx;
}

/* Restart CBC at `iv`, keeping the key schedule. */
static int
cbc_reset(EVP_CIPHER_CTX *ctx, const uint8_t *iv)
{
	return EVP_CipherInit_ex2(ctx, NULL, NULL, iv, -1, NULL) == 1 ? 0 : -1;
}

/* Whole blocks in, the same number out (padding is off). */
static int
cbc_update(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in, size_t len)
{
	int outl;

	while (len > 0) {
		size_t step = len > SLICE ? SLICE : len;

		if (EVP_CipherUpdate(ctx, out, &outl, in, (int)step) != 1)
			return -1;
		out += outl;
		in += step;
		len -= step;
	}
	return 0;
}

/* RFC 3961 5.1 DK: E(base, n-fold(constant)), chained until long enough. */
static int
derive_dk(const struct etype *et, const uint8_t *base,
    const uint8_t constant[5], uint8_t *out, size_t outlen)
{
	EVP_CIPHER_CTX *ecb = NULL;
	uint8_t block[K5_BLOCK];
	size_t off;
	int ret = -1;

	k5_nfold(constant, 5, block, sizeof(block));
	if ((ecb = cipher_new(et->ecb, base, 1)) == NULL)
		goto out;
	for (off = 0; off < outlen; off += K5_BLOCK) {
		if (cbc_update(ecb, block, block, K5_BLOCK) != 0)
			goto out;
		/* AES random-to-key is the identity (RFC 3962 6). */
		memcpy(out + off, block, outlen - off < K5_BLOCK ?
		    outlen - off : K5_BLOCK);
	}
	ret = 0;
out:
	OPENSSL_cleanse(block, sizeof(block));
	EVP_CIPHER_CTX_free(ecb);
	return ret;
}

/* RFC 8009 5: k-truncate(HMAC(base, 00000001 | label | 00 | k)), k <= hash. */
static int
derive_kdf(const struct etype *et, const uint8_t *base,
    const uint8_t label[5], uint8_t *out, size_t outlen)
{
	uint8_t msg[4 + 5 + 1 + 4], md[EVP_MAX_MD_SIZE];
	uint32_t bits = (uint32_t)outlen * 8;
	struct hmacpad *h;
	struct k5_iov m = { msg, sizeof(msg) };
	int ret = -1;

	msg[0] = 0;
	msg[1] = 0;
	msg[2] = 0;
	msg[3] = 1;
	memcpy(msg + 4, label, 5);
	msg[9] = 0;
	msg[10] = bits >> 24;
	msg[11] = bits >> 16;
	msg[12] = bits >> 8;
	msg[13] = bits;
	if ((h = hmacpad_new(et->digest, base, et->keylen)) == NULL ||
	    hmac_iov(h, NULL, 0, &m, 1, md) != 0)
		goto out;
	memcpy(out, md, outlen);
	ret = 0;
out:
	OPENSSL_cleanse(md, sizeof(md));
	hmacpad_free(h);
	return ret;
}

int
k5_derive(int32_t enctype, const uint8_t *base, size_t baselen,
    uint32_t usage, uint8_t which, uint8_t out[K5_MAX_KEY], size_t *outlen)
{
	const struct etype *et = etype_find(enctype);
	uint8_t constant[5];
	size_t len;

	*outlen = 0;
	if (et == NULL || baselen != et->keylen ||
	    (which != K5_KC && which != K5_KE && which != K5_KI))
		return -1;
	/* RFC 3961 5.3: the usage number, big-endian, then the key kind. */
	constant[0] = usage >> 24;
	constant[1] = usage >> 16;
	constant[2] = usage >> 8;
	constant[3] = usage;
	constant[4] = which;
	len = which == K5_KE ? et->keylen : et->kclen;
	if ((et->rfc8009 ? derive_kdf(et, base, constant, out, len) :
	    derive_dk(et, base, constant, out, len)) != 0)
		return -1;
	*outlen = len;
	return 0;
}

struct k5_key *
k5_key_new(int32_t enctype, const uint8_t *base, size_t baselen,
    uint32_t usage, unsigned what)
{
	const struct etype *et = etype_find(enctype);
	struct k5_key *k = NULL;
	uint8_t dk[K5_MAX_KEY];
	size_t dklen;

	if (et == NULL || (k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	k->et = et;
	if ((what & K5_KEY_CKSUM) &&
	    (k5_derive(enctype, base, baselen, usage, K5_KC, dk, &dklen) != 0 ||
	    (k->kc = hmacpad_new(et->digest, dk, dklen)) == NULL))
		goto fail;
	if ((what & K5_KEY_CRYPT) &&
	    (k5_derive(enctype, base, baselen, usage, K5_KE, dk, &dklen) != 0 ||
	    (k->enc = cipher_new(et->cbc, dk, 1)) == NULL ||
	    (k->dec = cipher_new(et->cbc, dk, 0)) == NULL ||
	    k5_derive(enctype, base, baselen, usage, K5_KI, dk, &dklen) != 0 ||
	    (k->ki = hmacpad_new(et->digest, dk, dklen)) == NULL))
		goto fail;
	OPENSSL_cleanse(dk, sizeof(dk));
	return k;
fail:
	OPENSSL_cleanse(dk, sizeof(dk));
	k5_key_free(k);
	return NULL;
}

void
k5_key_free(struct k5_key *k)
{
	if (k == NULL)
		return;
	EVP_CIPHER_CTX_free(k->enc);
	EVP_CIPHER_CTX_free(k->dec);
	hmacpad_free(k->ki);
	hmacpad_free(k->kc);
	free(k);
}

size_t
k5_key_cksum_len(const struct k5_key *k)
{
	return k->et->h;
}

int
k5_checksum_start(const struct k5_key *k, struct hmacpad_ctx *c)
{
	if (k->kc == NULL)
		return -1;
	hmacpad_start(k->kc, c);
	return 0;
}

void
k5_checksum_finish(const struct k5_key *k, struct hmacpad_ctx *c,
    uint8_t *out)
{
	uint8_t md[HMACPAD_MAX_MD];

	hmacpad_finish(c, md);
	memcpy(out, md, k->et->h);
	OPENSSL_cleanse(md, sizeof(md));
}

int
k5_checksum_check(const struct k5_key *k, struct hmacpad_ctx *c,
    const uint8_t *cksum, size_t cklen)
{
	uint8_t md[HMACPAD_MAX_MD];
	int r;

	hmacpad_finish(c, md);
	r = cklen == k->et->h && CRYPTO_memcmp(md, cksum, cklen) == 0 ? 0 : -1;
	OPENSSL_cleanse(md, sizeof(md));
	return r;
}

/* Kc's HMAC begun and fed the pieces in order: 0, or -1 (no Kc). */
static int
checksum_iov(const struct k5_key *k, const struct k5_iov *iov, size_t n,
    struct hmacpad_ctx *c)
{
	size_t i;

	if (k5_checksum_start(k, c) != 0)
		return -1;
	for (i = 0; i < n; i++)
		hmacpad_update(c, iov[i].p, iov[i].len);
	return 0;
}

int
k5_checksum(struct k5_key *k, const struct k5_iov *iov, size_t n,
    uint8_t *out)
{
	struct hmacpad_ctx c;

	if (checksum_iov(k, iov, n, &c) != 0)
		return -1;
	k5_checksum_finish(k, &c, out);
	return 0;
}

int
k5_verify_checksum(struct k5_key *k, const struct k5_iov *iov, size_t n,
    const uint8_t *cksum, size_t cklen)
{
	struct hmacpad_ctx c;

	return checksum_iov(k, iov, n, &c) == 0 ?
	    k5_checksum_check(k, &c, cksum, cklen) : -1;
}

/*
 * The plaintext stream conf | pieces, consumed front to back.  The HMACs
 * run over each chunk as it passes the cipher, while it is in cache:
 * pt_mac over the plaintext (RFC 3962), ct_mac over the ciphertext
 * written (RFC 8009); either may be NULL.
 */
struct cursor {
	const uint8_t		*conf;
	const struct k5_iov	*iov;
	size_t			 n;
	size_t			 seg;	/* 0: conf, i + 1: iov[i] */
	size_t			 off;	/* within the segment */
	struct hmacpad_ctx	*pt_mac;
	struct hmacpad_ctx	*ct_mac;
};

/* Bytes the cipher and the HMAC take in turn: well inside L1/L2. */
#define CHUNK	(16U * 1024)

static void
mac_opt(struct hmacpad_ctx *c, const void *p, size_t n)
{
	if (c != NULL)
		hmacpad_update(c, p, n);
}

static int
cur_next(struct cursor *c, const uint8_t **p, size_t *avail)
{
	for (;;) {
		size_t len = c->seg == 0 ? K5_BLOCK : c->seg <= c->n ?
		    c->iov[c->seg - 1].len : 0;

		if (c->seg > c->n)
			return -1;
		if (c->off < len) {
			*p = (c->seg == 0 ? c->conf :
			    (const uint8_t *)c->iov[c->seg - 1].p) + c->off;
			*avail = len - c->off;
			return 0;
		}
		c->seg++;
		c->off = 0;
	}
}

/*
 * The next len bytes of the stream to *outp: encrypted with ctx (len: whole
 * blocks), or copied when ctx is NULL (the tail cts_encrypt handles).
 */
static int
cur_take(struct cursor *c, EVP_CIPHER_CTX *ctx, size_t len, uint8_t **outp)
{
	const uint8_t *p;
	size_t avail;
	int outl;

	while (len > 0) {
		if (cur_next(c, &p, &avail) != 0)
			return -1;
		if (avail > len)
			avail = len;
		if (avail > CHUNK)
			avail = CHUNK;
		mac_opt(c->pt_mac, p, avail);
		if (ctx == NULL) {
			memcpy(*outp, p, avail);
			outl = (int)avail;
		} else {
			/* Unaligned pieces: EVP keeps the partial block. */
			if (EVP_CipherUpdate(ctx, *outp, &outl, p,
			    (int)avail) != 1)
				return -1;
			mac_opt(c->ct_mac, *outp, (size_t)outl);
		}
		*outp += outl;
		c->off += avail;
		len -= avail;
	}
	return 0;
}

/*
 * RFC 3962 5 ("CS3"), the stolen end, shared by the one-call and the
 * stepwise code.  Encrypting: the last K5_BLOCK + r plaintext bytes in
 * tail (zero-padded here to two blocks), chained from ctx's CBC state, go
 * out as C'n-1 = E(Pn|0 ^ En-1), then the first r bytes of En-1.
 */
static int
cts_tail_encrypt(EVP_CIPHER_CTX *ctx, uint8_t tail[2 * K5_BLOCK], size_t r,
    uint8_t *out)
{
	uint8_t e[K5_BLOCK];
	int ret = -1;

	memset(tail + K5_BLOCK + r, 0, K5_BLOCK - r);
	if (cbc_update(ctx, e, tail, K5_BLOCK) == 0 &&
	    cbc_update(ctx, out, tail + K5_BLOCK, K5_BLOCK) == 0) {
		memcpy(out + K5_BLOCK, e, r);
		ret = 0;
	}
	OPENSSL_cleanse(e, sizeof(e));
	return ret;
}

/*
 * Decrypting: the last K5_BLOCK + r ciphertext bytes c, after the
 * ciphertext block `chain` (the zero IV when there is none), to
 * K5_BLOCK + r plaintext bytes in t.  D(C'n-1) = Pn|0 ^ En-1: its tail
 * completes En-1, its head is Pn.
 */
static int
cts_tail_decrypt(EVP_CIPHER_CTX *ctx, const uint8_t *c, size_t r,
    const uint8_t chain[K5_BLOCK], uint8_t t[2 * K5_BLOCK])
{
	uint8_t d[K5_BLOCK], e[K5_BLOCK];
	size_t i;
	int ret = -1;

	if (cbc_reset(ctx, zero_iv) == 0 &&
	    cbc_update(ctx, d, c, K5_BLOCK) == 0) {
		memcpy(e, c + K5_BLOCK, r);
		memcpy(e + r, d + r, K5_BLOCK - r);
		for (i = 0; i < r; i++)
			t[K5_BLOCK + i] = d[i] ^ c[K5_BLOCK + i];
		if (cbc_reset(ctx, chain) == 0 &&
		    cbc_update(ctx, t, e, K5_BLOCK) == 0)
			ret = 0;
	}
	OPENSSL_cleanse(d, sizeof(d));
	OPENSSL_cleanse(e, sizeof(e));
	return ret;
}

/*
 * RFC 3962 5: CBC with ciphertext stealing, the last two blocks swapped
 * and the final one cut to the length of the last plaintext block
 * ("CS3").  Exactly one block is plain CBC.  `total` >= K5_BLOCK bytes of
 * the stream go to out; ctx must be an encrypting context.
 */
static int
cts_encrypt(EVP_CIPHER_CTX *ctx, struct cursor *cur, size_t total,
    uint8_t *out)
{
	uint8_t tail[2 * K5_BLOCK], *tp = tail;
	size_t r = total % K5_BLOCK != 0 ? total % K5_BLOCK : K5_BLOCK;
	size_t bulk = total == K5_BLOCK ? 0 : total - K5_BLOCK - r;
	int ret = -1;

	if (total < K5_BLOCK || cbc_reset(ctx, zero_iv) != 0 ||
	    cur_take(cur, ctx, bulk, &out) != 0)
		goto out;
	if (total == K5_BLOCK) {
		ret = cur_take(cur, ctx, K5_BLOCK, &out);
		goto out;
	}
	if (cur_take(cur, NULL, K5_BLOCK + r, &tp) != 0 ||
	    cts_tail_encrypt(ctx, tail, r, out) != 0)
		goto out;
	mac_opt(cur->ct_mac, out, K5_BLOCK + r);
	ret = 0;
out:
	OPENSSL_cleanse(tail, sizeof(tail));
	return ret;
}

/* CBC-decrypt len bytes (whole blocks) chunk by chunk, each MACed in turn. */
static int
cbc_decrypt_macs(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in,
    size_t len, struct hmacpad_ctx *pt_mac, struct hmacpad_ctx *ct_mac)
{
	while (len > 0) {
		size_t step = len > CHUNK ? CHUNK : len;

		mac_opt(ct_mac, in, step);
		if (cbc_update(ctx, out, in, step) != 0)
			return -1;
		mac_opt(pt_mac, out, step);
		out += step;
		in += step;
		len -= step;
	}
	return 0;
}

/*
 * The inverse of cts_encrypt over n >= K5_BLOCK bytes: the first block's
 * plaintext goes to first[], the rest (n - K5_BLOCK bytes) to rest; the
 * MACs (either may be NULL) see the ciphertext and the plaintext in order.
 */
static int
cts_decrypt(EVP_CIPHER_CTX *ctx, const uint8_t *in, size_t n,
    uint8_t first[K5_BLOCK], uint8_t *rest, struct hmacpad_ctx *pt_mac,
    struct hmacpad_ctx *ct_mac)
{
	uint8_t t[2 * K5_BLOCK];
	size_t r = n % K5_BLOCK != 0 ? n % K5_BLOCK : K5_BLOCK;
	size_t bulk = n == K5_BLOCK ? 0 : n - K5_BLOCK - r;
	int ret = -1;

	if (n < K5_BLOCK || cbc_reset(ctx, zero_iv) != 0)
		goto out;
	if (n == K5_BLOCK) {
		ret = cbc_decrypt_macs(ctx, first, in, K5_BLOCK, pt_mac,
		    ct_mac);
		goto out;
	}
	if (bulk > 0 && (cbc_decrypt_macs(ctx, first, in, K5_BLOCK, pt_mac,
	    ct_mac) != 0 || cbc_decrypt_macs(ctx, rest, in + K5_BLOCK,
	    bulk - K5_BLOCK, pt_mac, ct_mac) != 0))
		goto out;
	mac_opt(ct_mac, in + bulk, K5_BLOCK + r);
	if (cts_tail_decrypt(ctx, in + bulk, r,
	    bulk > 0 ? in + bulk - K5_BLOCK : zero_iv, t) != 0)
		goto out;
	if (bulk == 0) {
		memcpy(first, t, K5_BLOCK);
		memcpy(rest, t + K5_BLOCK, r);
	} else
		memcpy(rest + bulk - K5_BLOCK, t, K5_BLOCK + r);
	mac_opt(pt_mac, t, K5_BLOCK + r);
	ret = 0;
out:
	OPENSSL_cleanse(t, sizeof(t));
	return ret;
}

int
k5_cts_raw(const uint8_t *key, size_t keylen, int enc, const uint8_t *in,
    size_t len, uint8_t *out)
{
	struct k5_iov rest = { in + K5_BLOCK, len - K5_BLOCK };
	struct cursor cur = { in, &rest, 1, 0, 0, NULL, NULL };
	EVP_CIPHER_CTX *ctx = NULL;
	int ret = -1;

	if (len < K5_BLOCK || (keylen != 16 && keylen != 32) ||
	    (ctx = cipher_new(keylen == 16 ? "AES-128-CBC" : "AES-256-CBC",
	    key, enc)) == NULL)
		goto out;
	ret = enc ? cts_encrypt(ctx, &cur, len, out) :
	    cts_decrypt(ctx, in, len, out, out + K5_BLOCK, NULL, NULL);
out:
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

/*
 * One pass over the message: each chunk is MACed (RFC 3962: the plaintext,
 * confounder first; RFC 8009 5: encrypt-then-MAC over IV | C) while the
 * cipher has it in cache.
 */
int
k5_encrypt(struct k5_key *k, const uint8_t conf[K5_BLOCK],
    const struct k5_iov *iov, size_t n, uint8_t *out)
{
	struct cursor cur = { conf, iov, n, 0, 0, NULL, NULL };
	struct hmacpad_ctx mac;
	uint8_t md[HMACPAD_MAX_MD];
	size_t total = K5_BLOCK, i;
	int ret = -1;

	for (i = 0; i < n; i++) {
		if (iov[i].len > SIZE_MAX - total - 64)
			return -1;
		total += iov[i].len;
	}
	if (k->enc == NULL || k->ki == NULL)
		return -1;
	hmacpad_start(k->ki, &mac);
	if (k->et->rfc8009) {
		hmacpad_update(&mac, zero_iv, K5_BLOCK);
		cur.ct_mac = &mac;
	} else
		cur.pt_mac = &mac;
	if (cts_encrypt(k->enc, &cur, total, out) != 0)
		goto out;
	hmacpad_finish(&mac, md);
	memcpy(out + total, md, k->et->h);
	ret = 0;
out:
	OPENSSL_cleanse(&mac, sizeof(mac));
	OPENSSL_cleanse(md, sizeof(md));
	return ret;
}

/*
 * k5_encrypt in steps (krb5_crypto.h): the plaintext stream's length is
 * known first, so the bytes of its plain CBC part are encrypted as they
 * come and only the CTS tail (one block and the last, partial or whole)
 * waits for the end; the HMAC runs alongside as in cur_take.
 */
/*
 * What both directions start from: a copy of the key's cipher context
 * (the caller's lock is not held between steps, and another message may
 * use the key meanwhile), the HMAC begun, and where the CTS tail starts in
 * a stream of n bytes (one block alone is plain CBC; otherwise the last
 * two are stolen).
 */
static int
steps_begin(const struct k5_key *k, EVP_CIPHER_CTX *src, size_t n,
    struct k5_steps *c)
{
	size_t r = n % K5_BLOCK != 0 ? n % K5_BLOCK : K5_BLOCK;

	if (src == NULL || k->ki == NULL || n < K5_BLOCK ||
	    (c->ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_CIPHER_CTX_copy(c->ctx, src) != 1 ||
	    cbc_reset(c->ctx, zero_iv) != 0)
		return -1;
	c->etm = k->et->rfc8009;
	c->h = k->et->h;
	c->bulk = n == K5_BLOCK ? 0 : n - K5_BLOCK - r;
	hmacpad_start(k->ki, &c->mac);
	if (c->etm)
		hmacpad_update(&c->mac, zero_iv, K5_BLOCK);
	return 0;
}

int
k5_seal_start(const struct k5_key *k, struct k5_seal *s, size_t total,
    const uint8_t conf[K5_BLOCK], uint8_t *out, size_t *outlen)
{
	memset(s, 0, sizeof(*s));
	*outlen = 0;
	s->total = total;
	if (total > SIZE_MAX - 64 || steps_begin(k, k->enc, total, &s->c) != 0 ||
	    k5_seal_update(s, conf, K5_BLOCK, out, outlen) != 0) {
		k5_seal_abandon(s);	/* the copied key schedule with it */
		return -1;
	}
	return 0;
}

int
k5_seal_update(struct k5_seal *s, const uint8_t *p, size_t n, uint8_t *out,
    size_t *outlen)
{
	size_t b = 0, step;
	int outl;

	*outlen = 0;
	if (s->c.ctx == NULL || n > s->total - s->c.fed)
		return -1;
	if (!s->c.etm)
		hmacpad_update(&s->c.mac, p, n);
	if (s->c.fed < s->c.bulk)
		b = n < s->c.bulk - s->c.fed ? n : s->c.bulk - s->c.fed;
	for (step = 0; step < b; ) {
		size_t k = b - step > SLICE ? SLICE : b - step;

		/* Unaligned pieces: EVP keeps the partial block. */
		if (EVP_CipherUpdate(s->c.ctx, out + *outlen, &outl, p + step,
		    (int)k) != 1)
			return -1;
		*outlen += (size_t)outl;
		step += k;
	}
	if (s->c.etm)
		hmacpad_update(&s->c.mac, out, *outlen);
	memcpy(s->c.tail + (s->c.fed + b - s->c.bulk), p + b, n - b);
	s->c.fed += n;
	return 0;
}

int
k5_seal_finish(struct k5_seal *s, uint8_t *out, size_t *outlen)
{
	uint8_t md[HMACPAD_MAX_MD];
	size_t r = s->total - s->c.bulk - K5_BLOCK;
	int ret = -1;

	*outlen = 0;
	if (s->c.ctx == NULL || s->c.fed != s->total)
		goto out;
	if (s->total == K5_BLOCK) {
		r = 0;
		if (cbc_update(s->c.ctx, out, s->c.tail, K5_BLOCK) != 0)
			goto out;
	} else if (cts_tail_encrypt(s->c.ctx, s->c.tail, r, out) != 0)
		goto out;
	if (s->c.etm)
		hmacpad_update(&s->c.mac, out, K5_BLOCK + r);
	hmacpad_finish(&s->c.mac, md);
	memcpy(out + K5_BLOCK + r, md, s->c.h);
	*outlen = K5_BLOCK + r + s->c.h;
	ret = 0;
out:
	OPENSSL_cleanse(md, sizeof(md));
	k5_seal_abandon(s);
	return ret;
}

/* The copied context (freeing wipes the key schedule), then all of it. */
static void
steps_wipe(struct k5_steps *c, void *whole, size_t len)
{
	EVP_CIPHER_CTX_free(c->ctx);
	OPENSSL_cleanse(whole, len);
}

void
k5_seal_abandon(struct k5_seal *s)
{
	steps_wipe(&s->c, s, sizeof(*s));
}

/*
 * k5_decrypt in steps (krb5_crypto.h): the ciphertext's length is known
 * first, so its plain CBC part is decrypted as it comes; the CTS tail and
 * the tag wait for the end.  The confounder's block is decrypted aside,
 * as in k5_decrypt.
 */
int
k5_open_start(const struct k5_key *k, struct k5_open *o, size_t len)
{
	memset(o, 0, sizeof(*o));
	if (len < K5_BLOCK + k->et->h ||
	    steps_begin(k, k->dec, len - k->et->h, &o->c) != 0) {
		k5_open_abandon(o);
		return -1;
	}
	o->n = len - k->et->h;
	return 0;
}

/* Whole or partial blocks of the CBC part: plaintext to out. */
static int
open_bulk(struct k5_open *o, const uint8_t *p, size_t n, uint8_t *out,
    size_t *outlen)
{
	uint8_t first[2 * K5_BLOCK];
	size_t k, keep;
	int outl;

	if (o->c.etm)
		hmacpad_update(&o->c.mac, p, n);
	/* The last ciphertext block of the CBC part chains into the tail. */
	keep = n < K5_BLOCK ? n : K5_BLOCK;
	memmove(o->prev, o->prev + keep, K5_BLOCK - keep);
	memcpy(o->prev + K5_BLOCK - keep, p + n - keep, keep);
	/* The confounder's block goes aside, never to out. */
	if (o->c.fed < K5_BLOCK) {
		k = K5_BLOCK - o->c.fed < n ? K5_BLOCK - o->c.fed : n;
		if (EVP_CipherUpdate(o->c.ctx, first, &outl, p, (int)k) != 1)
			return -1;
		if (!o->c.etm)
			hmacpad_update(&o->c.mac, first, (size_t)outl);
		OPENSSL_cleanse(first, sizeof(first));
		o->c.fed += k;
		p += k;
		n -= k;
	}
	while (n > 0) {
		k = n > SLICE ? SLICE : n;
		if (EVP_CipherUpdate(o->c.ctx, out + *outlen, &outl, p,
		    (int)k) != 1)
			return -1;
		if (!o->c.etm)
			hmacpad_update(&o->c.mac, out + *outlen, (size_t)outl);
		*outlen += (size_t)outl;
		o->c.fed += k;
		p += k;
		n -= k;
	}
	return 0;
}

int
k5_open_update(struct k5_open *o, const uint8_t *p, size_t n, uint8_t *out,
    size_t *outlen)
{
	size_t k;

	*outlen = 0;
	if (o->c.ctx == NULL || n > o->n + o->c.h - o->c.fed)
		return -1;
	if (o->c.fed < o->c.bulk) {
		k = n < o->c.bulk - o->c.fed ? n : o->c.bulk - o->c.fed;
		if (open_bulk(o, p, k, out, outlen) != 0)
			return -1;
		p += k;
		n -= k;
	}
	if (n > 0 && o->c.fed < o->n) {
		k = n < o->n - o->c.fed ? n : o->n - o->c.fed;
		if (o->c.etm)
			hmacpad_update(&o->c.mac, p, k);
		memcpy(o->c.tail + (o->c.fed - o->c.bulk), p, k);
		o->c.fed += k;
		p += k;
		n -= k;
	}
	memcpy(o->tag + (o->c.fed - o->n), p, n);
	o->c.fed += n;
	return 0;
}

int
k5_open_finish(struct k5_open *o, uint8_t *out, size_t *outlen)
{
	struct { uint8_t t[2 * K5_BLOCK], md[HMACPAD_MAX_MD]; } x;
	uint8_t *t = x.t;
	size_t r = o->n - o->c.bulk - K5_BLOCK, skip;
	const uint8_t *chain = o->c.bulk > 0 ? o->prev : zero_iv;
	int ret = -1;

	*outlen = 0;
	if (o->c.ctx == NULL || o->c.fed != o->n + o->c.h)
		goto out;
	if (o->n == K5_BLOCK) {
		/* One block: the confounder alone, plain CBC. */
		r = 0;
		if (cbc_reset(o->c.ctx, zero_iv) != 0 ||
		    cbc_update(o->c.ctx, t, o->c.tail, K5_BLOCK) != 0)
			goto out;
	} else if (cts_tail_decrypt(o->c.ctx, o->c.tail, r, chain, t) != 0)
		goto out;
	if (!o->c.etm)
		hmacpad_update(&o->c.mac, t, K5_BLOCK + r);
	/* Without a CBC part the tail's first block is the confounder. */
	skip = o->c.bulk == 0 ? K5_BLOCK : 0;
	memcpy(out, t + skip, K5_BLOCK + r - skip);
	hmacpad_finish(&o->c.mac, x.md);
	if (CRYPTO_memcmp(x.md, o->tag, o->c.h) != 0) {
		OPENSSL_cleanse(out, K5_BLOCK + r - skip);
		goto out;
	}
	*outlen = K5_BLOCK + r - skip;
	ret = 0;
out:
	OPENSSL_cleanse(&x, sizeof(x));
	k5_open_abandon(o);
	return ret;
}

void
k5_open_abandon(struct k5_open *o)
{
	steps_wipe(&o->c, o, sizeof(*o));
}

/*
 * One pass too: each chunk is MACed as it is decrypted (RFC 8009: the
 * ciphertext; RFC 3962: the plaintext).  Nothing decrypted is used before
 * the tag verified: out is wiped when it does not.
 */
int
k5_decrypt(struct k5_key *k, const uint8_t *in, size_t len, uint8_t *out)
{
	struct hmacpad_ctx mac;
	uint8_t conf[K5_BLOCK], md[HMACPAD_MAX_MD];
	size_t h, n, plen = 0;
	int etm, ret = -1;

	if (k->dec == NULL || k->ki == NULL || len < K5_BLOCK + k->et->h)
		return -1;
	h = k->et->h;
	n = len - h;
	plen = n - K5_BLOCK;
	etm = k->et->rfc8009;
	hmacpad_start(k->ki, &mac);
	if (etm)
		hmacpad_update(&mac, zero_iv, K5_BLOCK);
	/* The confounder is decrypted aside, so out gets the plaintext only. */
	if (cts_decrypt(k->dec, in, n, conf, out, etm ? NULL : &mac,
	    etm ? &mac : NULL) != 0)
		goto out;
	hmacpad_finish(&mac, md);
	if (CRYPTO_memcmp(md, in + n, h) != 0)
		goto out;
	ret = 0;
out:
	if (ret != 0)
		OPENSSL_cleanse(out, plen);
	OPENSSL_cleanse(&mac, sizeof(mac));
	OPENSSL_cleanse(conf, sizeof(conf));
	OPENSSL_cleanse(md, sizeof(md));
	return ret;
}
