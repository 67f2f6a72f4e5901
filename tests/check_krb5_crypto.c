/* tests/check_krb5_crypto.c - RFC 3961/3962/8009 primitives against published vectors */
/*
 * Sources of the vectors:
 *  - n-fold: RFC 3961 appendix A.1;
 *  - CBC-CTS: RFC 3962 appendix B (key "chicken teriyaki", zero IV);
 *  - aes-sha2 key derivation, sample encryptions with their confounders
 *    and checksums: RFC 8009 appendix A (usage 2);
 *  - aes-sha1 derivation, checksums and encryptions (RFC 3962 publishes
 *    none): MIT krb5 src/lib/crypto/crypto_tests t_derive.c, t_cksums.c,
 *    t_decrypt.c, data only.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/rand.h>

#include "cklist.h"
#include "e2e.h"
#include "handxdr.h"
#include "krb5_crypto.h"

static const struct {
	const char	*in;
	size_t		 bits;
	const char	*want;
} nfold_vec[] = {
	{ "012345", 64, "be072631276b1955" },
	{ "password", 56, "78a07b6caf85fa" },
	{ "Rough Consensus, and Running Code", 64, "bb6ed30870b7f0e0" },
	{ "password", 168, "59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e" },
	{ "MASSACHVSETTS INSTITVTE OF TECHNOLOGY", 192,
	    "db3b0d8f0b061e603282b308a50841229ad798fab9540c1b" },
	{ "Q", 168, "518a54a215a8452a518a54a215a8452a518a54a215" },
	{ "ba", 168, "fb25d531ae8974499f52fd92ea9857c4ba24cf297e" },
	{ "kerberos", 64, "6b65726265726f73" },
	{ "kerberos", 128, "6b65726265726f737b9b5b2b93132b93" },
	{ "kerberos", 168, "8372c236344e5f1550cd0747e15d62ca7a5a3bcea4" },
	{ "kerberos", 256, "6b65726265726f737b9b5b2b93132b93"
	    "5c9bdcdad95c9899c4cae4dee6d6cae4" },
};

START_TEST(nfold_rfc3961)
{
	uint8_t want[64], got[64];
	size_t n = unhex(nfold_vec[_i].want, want, sizeof(want));

	ck_assert_uint_eq(n, nfold_vec[_i].bits / 8);
	memset(got, 0xa5, sizeof(got));
	k5_nfold((const uint8_t *)nfold_vec[_i].in, strlen(nfold_vec[_i].in),
	    got, n);
	ck_assert_msg(memcmp(got, want, n) == 0, "%zu-fold(\"%s\") differs",
	    nfold_vec[_i].bits, nfold_vec[_i].in);
	ck_assert_uint_eq(got[n], 0xa5);	/* nothing past outlen */
}
END_TEST

/* RFC 3962 appendix B: the input's first len bytes, CS3 output. */
static const char cts_input[] =
    "I would like the General Gau's Chicken, please, and wonton soup.";
static const struct {
	size_t		 len;
	const char	*out;
} cts_vec[] = {
	{ 17, "c6353568f2bf8cb4d8a580362da7ff7f97" },
	{ 31, "fc00783e0efdb2c1d445d4c8eff7ed22"
	    "97687268d6ecccc0c07b25e25ecfe5" },
	{ 32, "39312523a78662d5be7fcbcc98ebf5a8"
	    "97687268d6ecccc0c07b25e25ecfe584" },
	{ 47, "97687268d6ecccc0c07b25e25ecfe584"
	    "b3fffd940c16a18c1b5549d2f838029e"
	    "39312523a78662d5be7fcbcc98ebf5" },
	{ 48, "97687268d6ecccc0c07b25e25ecfe584"
	    "9dad8bbb96c4cdc03bc103e1a194bbd8"
	    "39312523a78662d5be7fcbcc98ebf5a8" },
	{ 64, "97687268d6ecccc0c07b25e25ecfe584"
	    "39312523a78662d5be7fcbcc98ebf5a8"
	    "4807efe836ee89a526730dbc2f7bc840"
	    "9dad8bbb96c4cdc03bc103e1a194bbd8" },
};

START_TEST(cts_rfc3962)
{
	const uint8_t *key = (const uint8_t *)"chicken teriyaki";
	uint8_t want[64], got[64], back[64];
	size_t len = cts_vec[_i].len;

	ck_assert_uint_eq(unhex(cts_vec[_i].out, want, sizeof(want)), len);
	ck_assert_int_eq(k5_cts_raw(key, 16, 1, (const uint8_t *)cts_input, len,
	    got), 0);
	ck_assert_msg(memcmp(got, want, len) == 0, "CTS of %zu bytes differs",
	    len);
	ck_assert_int_eq(k5_cts_raw(key, 16, 0, want, len, back), 0);
	ck_assert_msg(memcmp(back, cts_input, len) == 0,
	    "CTS decryption of %zu bytes differs", len);
}
END_TEST

START_TEST(cts_too_short)
{
	uint8_t key[16] = { 0 }, buf[16] = { 0 }, out[16];

	ck_assert_int_eq(k5_cts_raw(key, 16, 1, buf, 15, out), -1);
	ck_assert_int_eq(k5_cts_raw(key, 16, 0, buf, 0, out), -1);
	ck_assert_int_eq(k5_cts_raw(key, 24, 1, buf, 16, out), -1);
}
END_TEST

#define AES128_SHA2_BASE	"3705d96080c17728a0e800eab6e0d23c"
#define AES256_SHA2_BASE	"6d404d37faf79f9df0d33568d3206698" \
				"00eb4836472ea8a026d16b7182460c52"
#define AES256_SHA1_BASE	"fe697b52bc0d3ce14432ba036a92e65b" \
				"bb52280990a2fa27883998d72af30161"

static const struct {
	int32_t		 enctype;
	const char	*base;
	uint32_t	 usage;
	uint8_t		 which;
	const char	*want;
} derive_vec[] = {
	/* RFC 8009 appendix A, usage 2. */
	{ 19, AES128_SHA2_BASE, 2, K5_KC, "b31a018a48f54776f403e9a396325dc3" },
	{ 19, AES128_SHA2_BASE, 2, K5_KE, "9b197dd1e8c5609d6e67c3e37c62c72e" },
	{ 19, AES128_SHA2_BASE, 2, K5_KI, "9fda0e56ab2d85e1569a688696c26a6c" },
	{ 20, AES256_SHA2_BASE, 2, K5_KC,
	    "ef5718be86cc84963d8bbb5031e9f5c4ba41f28faf69e73d" },
	{ 20, AES256_SHA2_BASE, 2, K5_KE,
	    "56ab22bee63d82d7bc5227f6773f8ea7"
	    "a5eb1c825160c38312980c442e5c7e49" },
	{ 20, AES256_SHA2_BASE, 2, K5_KI,
	    "69b16514e3cd8e56b82010d5c73012b622c4d00ffc23ed1f" },
	/* RFC 3961 DK with AES (MIT t_derive.c), usage 2. */
	{ 17, "42263c6e89f4fc28b8df68ee09799f15", 2, K5_KC,
	    "34280a382bc92769b2da2f9ef066854b" },
	{ 17, "42263c6e89f4fc28b8df68ee09799f15", 2, K5_KE,
	    "5b14fc4e250e14ddf9dccf1af6674f53" },
	{ 17, "42263c6e89f4fc28b8df68ee09799f15", 2, K5_KI,
	    "4ed31063621684f09ae8d89991af3e8f" },
	{ 18, AES256_SHA1_BASE, 2, K5_KC,
	    "bfab388bdcb238e9f9c98d6a878304f0"
	    "4d30c82556375ac507a7a852790f4674" },
	{ 18, AES256_SHA1_BASE, 2, K5_KE,
	    "c7cfd9cd75fe793a586a542d87e0d139"
	    "6f1134a104bb1a9190b8c90ada3ddf37" },
	{ 18, AES256_SHA1_BASE, 2, K5_KI,
	    "97151b4c76945063e2eb0529dc067d97"
	    "d7bba90776d8126d91f34f3101aea8ba" },
};

START_TEST(derive_known)
{
	uint8_t base[32], want[32], got[K5_MAX_KEY];
	size_t blen = unhex(derive_vec[_i].base, base, sizeof(base));
	size_t wlen = unhex(derive_vec[_i].want, want, sizeof(want)), glen;

	ck_assert_int_eq(k5_derive(derive_vec[_i].enctype, base, blen,
	    derive_vec[_i].usage, derive_vec[_i].which, got, &glen), 0);
	ck_assert_uint_eq(glen, wlen);
	ck_assert_msg(memcmp(got, want, wlen) == 0,
	    "enctype %d key 0x%02x differs", (int)derive_vec[_i].enctype,
	    derive_vec[_i].which);
}
END_TEST

START_TEST(derive_rejects)
{
	uint8_t base[32] = { 0 }, out[K5_MAX_KEY];
	size_t len = 99;

	/* DES3, RC4, Camellia are not ours; wrong key length; bad kind. */
	ck_assert_int_eq(k5_derive(16, base, 24, 2, K5_KC, out, &len), -1);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(k5_derive(23, base, 16, 2, K5_KC, out, &len), -1);
	ck_assert_int_eq(k5_derive(25, base, 16, 2, K5_KC, out, &len), -1);
	ck_assert_int_eq(k5_derive(18, base, 16, 2, K5_KC, out, &len), -1);
	ck_assert_int_eq(k5_derive(17, base, 16, 2, 0x42, out, &len), -1);
	ck_assert_ptr_null(k5_key_new(23, base, 16, 2, K5_KEY_CRYPT));
	ck_assert_uint_eq(k5_enctype_keylen(17), 16);
	ck_assert_uint_eq(k5_enctype_keylen(20), 32);
	ck_assert_uint_eq(k5_enctype_keylen(26), 0);
}
END_TEST

/* Encryptions: known confounder where published, ciphertext | tag. */
static const struct {
	int32_t		 enctype;
	const char	*base;
	uint32_t	 usage;
	const char	*plain;		/* hex */
	const char	*conf;		/* NULL: learn it, decrypting */
	const char	*ct;
} enc_vec[] = {
	/* RFC 8009 appendix A. */
	{ 19, AES128_SHA2_BASE, 2, "", "7e5895eaf2672435bad817f545a37148",
	    "ef85fb890bb8472f4dab20394dca781d"
	    "ad877eda39d50c870c0d5a0a8e48c718" },
	{ 19, AES128_SHA2_BASE, 2, "000102030405",
	    "7bca285e2fd4130fb55b1a5c83bc5b24",
	    "84d7f30754ed987bab0bf3506beb09cfb55402cef7e6"
	    " 877ce99e247e52d16ed4421dfdf8976c" },
	{ 19, AES128_SHA2_BASE, 2, "000102030405060708090a0b0c0d0e0f",
	    "56ab21713ff62c0a1457200f6fa9948f",
	    "3517d640f50ddc8ad3628722b3569d2ae07493fa8263254080ea65c1008e8fc2"
	    " 95fb4852e7d83e1e7c48c37eebe6b0d3" },
	{ 19, AES128_SHA2_BASE, 2, "000102030405060708090a0b0c0d0e0f1011121314",
	    "a7a4e29a4728ce10664fb64e49ad3fac",
	    "720f73b18d9859cd6ccb4346115cd336c70f58edc0c4437c5573544c31c813bc"
	    "e1e6d072c1 86b39a413c2f92ca9b8334a287ffcbfc" },
	{ 20, AES256_SHA2_BASE, 2, "", "f764e9fa15c276478b2c7d0c4e5f58e4",
	    "41f53fa5bfe7026d91faf9be959195a0"
	    " 58707273a96a40f0a01960621ac612748b9bbfbe7eb4ce3c" },
	{ 20, AES256_SHA2_BASE, 2, "000102030405",
	    "b80d3251c1f6471494256ffe712d0b9a",
	    "4ed7b37c2bcac8f74f23c1cf07e62bc7b75fb3f637b9"
	    " f559c7f664f69eab7b6092237526ea0d1f61cb20d69d10f2" },
	{ 20, AES256_SHA2_BASE, 2, "000102030405060708090a0b0c0d0e0f",
	    "53bf8a0d105265d4e276428624ce5e63",
	    "bc47ffec7998eb91e8115cf8d19dac4bbbe2e163e87dd37f49beca92027764f6"
	    " 8cf51f14d798c2273f35df574d1f932e40c4ff255b36a266" },
	{ 20, AES256_SHA2_BASE, 2, "000102030405060708090a0b0c0d0e0f1011121314",
	    "763e65367e864f02f55153c7e3b58af1",
	    "40013e2df58e8751957d2878bcd2d6fe101ccfd556cb1eae79db3c3ee86429f2"
	    "b2a602ac86 fef6ecb647d6295fae077a1feb517508d2c16b4192e01f62" },
	/* aes-sha1, MIT t_decrypt.c: "", "1", "9 bytesss", "13 bytes byte". */
	{ 17, "5a5c0f0ba54f3828b2195e66ca24a289", 0, "", NULL,
	    "49ff8e11c173d9583a3254fbe7b1f1df36c538e8416784a1672e6676" },
	{ 17, "98450e3f3baa13f5c99beb936981b06f", 1, "31", NULL,
	    "f86742f537b35dc2174a4dbaa920faf9042090b065e1ebb1cad9a65394" },
	{ 17, "9062430c8cda3388922e6d6a509f5b7a", 2, "392062797465737373", NULL,
	    "68fb9679601f45c78857b2bf820fd6e53eca8d42fd4b1d7024a09205abb7cd2e"
	    "c26c355d2f" },
	{ 18, "17f275f2954f2ed1f90c377ba7f4d6a3"
	    "69aa0136e0bf0c927ad6133c693759a9", 0, "", NULL,
	    "e5094c55ee7b38262e2b044280b069379a95bf95bd8376fb3281b435" },
	{ 18, "b9477e1ff0329c0050e20ce6c72d2dff"
	    "27e8fe541ab0954429a9cb5b4f7b1e2a", 1, "31", NULL,
	    "406150b97aeb76d43b36b62cc1ecdfbe6f40e95755e0beb5c27825f3a4" },
	{ 18, "e5a72be9b7926c1225bafef9c1872e7b"
	    "a4cdb2b17893d84abd90acdd8764d966", 3,
	    "31332062797465732062797465", NULL,
	    "d8f1aafeec84587cc3e700a774e56651a6d693e174ec4473b5e6d96f80297a65"
	    "3fb818ad893e719f96" },
};

START_TEST(encrypt_known)
{
	uint8_t base[32], plain[64], conf[K5_BLOCK], ct[128], got[128];
	uint8_t back[128], ke[K5_MAX_KEY], raw[64];
	size_t blen = unhex(enc_vec[_i].base, base, sizeof(base));
	size_t plen = unhex(enc_vec[_i].plain, plain, sizeof(plain));
	size_t clen = unhex(enc_vec[_i].ct, ct, sizeof(ct)), kelen;
	struct k5_key *k;
	struct k5_iov iov = { plain, plen };

	k = k5_key_new(enc_vec[_i].enctype, base, blen, enc_vec[_i].usage,
	    K5_KEY_CRYPT);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(clen, K5_BLOCK + plen + k5_key_cksum_len(k));
	/* Decryption checks the tag and yields the plaintext. */
	memset(back, 0xee, sizeof(back));
	ck_assert_int_eq(k5_decrypt(k, ct, clen, back), 0);
	ck_assert_msg(memcmp(back, plain, plen) == 0, "vector %d: plaintext",
	    _i);
	ck_assert_uint_eq(back[plen], 0xee);
	if (enc_vec[_i].conf != NULL)
		ck_assert_uint_eq(unhex(enc_vec[_i].conf, conf, sizeof(conf)),
		    K5_BLOCK);
	else {
		/* Unpublished confounder: decrypt with Ke alone to learn it. */
		ck_assert_int_eq(k5_derive(enc_vec[_i].enctype, base, blen,
		    enc_vec[_i].usage, K5_KE, ke, &kelen), 0);
		ck_assert_int_eq(k5_cts_raw(ke, kelen, 0, ct, K5_BLOCK + plen,
		    raw), 0);
		memcpy(conf, raw, K5_BLOCK);
		ck_assert(memcmp(raw + K5_BLOCK, plain, plen) == 0);
	}
	/* Encrypting with that confounder gives the vector back exactly. */
	ck_assert_int_eq(k5_encrypt(k, conf, &iov, 1, got), 0);
	ck_assert_msg(memcmp(got, ct, clen) == 0, "vector %d: ciphertext", _i);
	/* Any flipped bit, in the ciphertext or the tag, is refused. */
	ct[_i % clen] ^= 0x01;
	ck_assert_int_eq(k5_decrypt(k, ct, clen, back), -1);
	ct[_i % clen] ^= 0x01;
	ct[clen - 1] ^= 0x80;
	ck_assert_int_eq(k5_decrypt(k, ct, clen, back), -1);
	ck_assert_int_eq(k5_decrypt(k, ct, K5_BLOCK + k5_key_cksum_len(k) - 1,
	    back), -1);
	k5_key_free(k);
}
END_TEST

static const struct {
	int32_t		 enctype;
	const char	*base;
	uint32_t	 usage;
	const char	*msg;		/* hex */
	const char	*want;
} cksum_vec[] = {
	/* RFC 8009 appendix A. */
	{ 19, AES128_SHA2_BASE, 2, "000102030405060708090a0b0c0d0e0f1011121314",
	    "d78367186643d67b411cba9139fc1dee" },
	{ 20, AES256_SHA2_BASE, 2, "000102030405060708090a0b0c0d0e0f1011121314",
	    "45ee791567eefca37f4ac1e0222de80d43c3bfa06699672a" },
	/* MIT t_cksums.c: "eight nine ten eleven twelve thirteen",
	 * "fourteen". */
	{ 17, "9062430c8cda3388922e6d6a509f5b7a", 3,
	    "6569676874206e696e652074656e20656c6576656e207477656c766520746869"
	    "727465656e",
	    "01a4b088d45628f6946614e3" },
	{ 18, "b1ae4cd8462aff1677053cc9279aac30"
	    "b796fb81ce21474dd3ddbcfea4ec76d7", 4, "666f75727465656e",
	    "e08739e3279e2903ec8e3836" },
};

START_TEST(checksum_known)
{
	uint8_t base[32], msg[64], want[32], got[32];
	size_t blen = unhex(cksum_vec[_i].base, base, sizeof(base));
	size_t mlen = unhex(cksum_vec[_i].msg, msg, sizeof(msg));
	size_t wlen = unhex(cksum_vec[_i].want, want, sizeof(want));
	struct k5_iov iov[2];
	struct k5_key *k;

	k = k5_key_new(cksum_vec[_i].enctype, base, blen, cksum_vec[_i].usage,
	    K5_KEY_CKSUM);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k5_key_cksum_len(k), wlen);
	iov[0].p = msg;
	iov[0].len = mlen;
	ck_assert_int_eq(k5_checksum(k, iov, 1, got), 0);
	ck_assert_msg(memcmp(got, want, wlen) == 0, "checksum %d differs", _i);
	/* The same bytes in two pieces give the same checksum. */
	iov[0].len = mlen / 3;
	iov[1].p = msg + mlen / 3;
	iov[1].len = mlen - mlen / 3;
	ck_assert_int_eq(k5_verify_checksum(k, iov, 2, want, wlen), 0);
	want[wlen / 2] ^= 0x04;
	ck_assert_int_eq(k5_verify_checksum(k, iov, 2, want, wlen), -1);
	want[wlen / 2] ^= 0x04;
	ck_assert_int_eq(k5_verify_checksum(k, iov, 2, want, wlen - 1), -1);
	/* A key for checksums cannot encrypt, and the other way round. */
	ck_assert_int_eq(k5_decrypt(k, msg, mlen, got), -1);
	k5_key_free(k);
}
END_TEST

static const int32_t all_enctypes[] = { 17, 18, 19, 20 };

/* k5_seal_*: conf | msg in pieces of `step` bytes; the output's length. */
static size_t
seal_pieces(struct k5_key *k, const uint8_t conf[K5_BLOCK],
    const uint8_t *msg, size_t len, size_t step, uint8_t *out)
{
	struct k5_seal s;
	size_t off = 0, n, got = 0;

	ck_assert_int_eq(k5_seal_start(k, &s, K5_BLOCK + len, conf, out, &n),
	    0);
	got += n;
	for (off = 0; off < len; off += n) {
		size_t piece = len - off < step ? len - off : step, w;

		ck_assert_int_eq(k5_seal_update(&s, msg + off, piece,
		    out + got, &w), 0);
		ck_assert_uint_le(w, piece + K5_BLOCK - 1);
		got += w;
		n = piece;
	}
	/* One byte more than announced is refused. */
	if (len > 0) {
		size_t w;
		struct k5_seal t;

		memcpy(&t, &s, sizeof(t));
		t.c.fed = t.total;
		ck_assert_int_eq(k5_seal_update(&t, msg, 1, out + got, &w), -1);
	}
	ck_assert_int_eq(k5_seal_finish(&s, out + got, &n), 0);
	ck_assert_ptr_null(s.c.ctx);		/* wiped and freed */
	return got + n;
}

/* k5_open_*: ciphertext | tag (len bytes) in pieces; 0 or -1 as finish. */
static int
open_pieces(struct k5_key *k, const uint8_t *in, size_t len, size_t step,
    uint8_t *out, size_t *outlen)
{
	struct k5_open o;
	size_t off, got = 0, w;
	int r;

	ck_assert_int_eq(k5_open_start(k, &o, len), 0);
	for (off = 0; off < len; off += step) {
		size_t piece = len - off < step ? len - off : step;

		ck_assert_int_eq(k5_open_update(&o, in + off, piece, out + got,
		    &w), 0);
		ck_assert_uint_le(w, piece + K5_BLOCK - 1);
		got += w;
	}
	r = k5_open_finish(&o, out + got, &w);
	ck_assert_ptr_null(o.c.ctx);
	*outlen = got + (r == 0 ? w : 0);
	return r;
}

/* Every length from 0 to 80 and some large ones, in one piece and in three. */
START_TEST(roundtrip_lengths)
{
	static const size_t big[] = { 4096, 4111, 65536, 65537 };
	static const size_t steps[] = { 1, 5, 16, 17, 4093, 65536 };
	int32_t et = all_enctypes[_i];
	uint8_t base[32], conf[K5_BLOCK];
	uint8_t *msg = malloc(70000), *ct = malloc(70100);
	uint8_t *back = malloc(70100);
	struct k5_key *k;
	struct k5_iov iov[3];
	size_t len, i, j, h, plen;

	ck_assert(msg != NULL && ct != NULL && back != NULL);
	ck_assert_int_eq(RAND_bytes(base, sizeof(base)), 1);
	ck_assert_int_eq(RAND_bytes(msg, 70000), 1);
	k = k5_key_new(et, base, k5_enctype_keylen(et), 24,
	    K5_KEY_CRYPT | K5_KEY_CKSUM);
	ck_assert_ptr_nonnull(k);
	h = k5_key_cksum_len(k);
	for (i = 0; i < 81 + NELEM(big); i++) {
		len = i < 81 ? i : big[i - 81];
		ck_assert_int_eq(RAND_bytes(conf, sizeof(conf)), 1);
		iov[0].p = msg;
		iov[0].len = len / 2;
		iov[1].p = msg + len / 2;
		iov[1].len = len / 4;
		iov[2].p = msg + len / 2 + len / 4;
		iov[2].len = len - len / 2 - len / 4;
		ck_assert_int_eq(k5_encrypt(k, conf, iov, 3, ct), 0);
		ck_assert_int_eq(k5_decrypt(k, ct, K5_BLOCK + len + h, back),
		    0);
		ck_assert_msg(memcmp(back, msg, len) == 0,
		    "enctype %d: %zu bytes do not round-trip", (int)et, len);
		/* Pieces or not, the ciphertext is the same. */
		iov[0].len = len;
		ck_assert_int_eq(k5_encrypt(k, conf, iov, 1, back), 0);
		ck_assert(memcmp(back, ct, K5_BLOCK + len + h) == 0);
		/* Sealed in steps, pieces of any size: the same again. */
		for (j = 0; j < NELEM(steps); j++) {
			memset(back, 0, K5_BLOCK + len + h);
			ck_assert_uint_eq(seal_pieces(k, conf, msg, len,
			    steps[j], back), K5_BLOCK + len + h);
			ck_assert_msg(memcmp(back, ct, K5_BLOCK + len + h) == 0,
			    "enctype %d: %zu bytes sealed %zu at a time differ",
			    (int)et, len, steps[j]);
			/* And opened in steps. */
			memset(back, 0, len + 1);
			ck_assert_int_eq(open_pieces(k, ct, K5_BLOCK + len + h,
			    steps[j], back, &plen), 0);
			ck_assert_uint_eq(plen, len);
			ck_assert_msg(memcmp(back, msg, len) == 0,
			    "enctype %d: %zu bytes opened %zu at a time differ",
			    (int)et, len, steps[j]);
			/* A flipped bit anywhere, the tag included: refused. */
			ct[(len * 5 + j * 13) % (K5_BLOCK + len + h)] ^= 0x02;
			ck_assert_int_eq(open_pieces(k, ct, K5_BLOCK + len + h,
			    steps[j], back, &plen), -1);
			ct[(len * 5 + j * 13) % (K5_BLOCK + len + h)] ^= 0x02;
		}
		/* Flip one bit of the ciphertext: refused, output wiped. */
		ct[(len * 7) % (K5_BLOCK + len)] ^= 0x10;
		memset(back, 0x55, len + 1);
		ck_assert_int_eq(k5_decrypt(k, ct, K5_BLOCK + len + h, back),
		    -1);
		for (j = 0; j < len; j++)
			ck_assert_msg(back[j] == 0, "enctype %d: byte %zu of a "
			    "refused decryption was left", (int)et, j);
		ck_assert_uint_eq(back[len], 0x55);
	}
	k5_key_free(k);
	free(msg);
	free(ct);
	free(back);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("krb5_crypto");

	CKLOOPS(cklist_tcase(s, "vectors", 0),
	    { nfold_rfc3961, NELEM(nfold_vec) }, { cts_rfc3962, NELEM(cts_vec) },
	    { cts_too_short, 1 }, { derive_known, NELEM(derive_vec) },
	    { derive_rejects, 1 }, { encrypt_known, NELEM(enc_vec) },
	    { checksum_known, NELEM(cksum_vec) },
	    { roundtrip_lengths, NELEM(all_enctypes) });
	return e2e_suite_run(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
