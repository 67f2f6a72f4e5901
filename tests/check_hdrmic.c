/* tests/check_hdrmic.c - the call-header bytes under the verifier MIC */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "cklist.h"
#include "e2e.h"
#include "handxdr.h"
#include "hdrmic.h"
#include "fuzz/hdrparse.h"

/*
 * Known calls and the bytes RFC 2203 5.3.1 says they cover, written out by
 * hand: xid, CALL (0), rpcvers 2, prog, vers, proc, flavor, cred length,
 * cred body, zero padding.
 */
static const struct known {
	uint32_t	 xid, prog, vers, proc, flavor;
	const char	*cred;
	const char	*want;
} known[] = {
	/* NFSv3 GETATTR, flavor 6, an INIT credential (empty handle). */
	{ 0x12345678u, 100003, 3, 1, 6,
	  "00000001 00000001 00000000 00000001 00000000",
	  "12345678 00000000 00000002 000186a3 00000003 00000001 00000006"
	  " 00000014"
	  " 00000001 00000001 00000000 00000001 00000000" },
	/* A DATA credential with a 16-byte handle, flavor 400000. */
	{ 0xFFFFFFFFu, 0x20000001u, 1, 7, 400000,
	  "00000001 00000000 80000000 00000002 00000010"
	  " 00112233 44556677 8899aabb ccddeeff",
	  "ffffffff 00000000 00000002 20000001 00000001 00000007 00061a80"
	  " 00000024"
	  " 00000001 00000000 80000000 00000002 00000010"
	  " 00112233 44556677 8899aabb ccddeeff" },
	/*
	 * Cred lengths 1..4: the padding is zeros, and only what 4 needs.
	 * The call is xid 1, prog 2, vers 3, proc 4, flavor 5.
	 */
#define SMALL_CRED(cred, len, padded)					\
	{ 1, 2, 3, 4, 5, cred,						\
	  "00000001 00000000 00000002 00000002 00000003 00000004 00000005" \
	  " " len " " padded }
	SMALL_CRED("aa", "00000001", "aa000000"),
	SMALL_CRED("aabb", "00000002", "aabb0000"),
	SMALL_CRED("aabbcc", "00000003", "aabbcc00"),
	SMALL_CRED("aabbccdd", "00000004", "aabbccdd"),
#undef SMALL_CRED
	/* An empty credential body: no bytes, no padding. */
	{ 0, 0, 0, 0, 0, "",
	  "00000000 00000000 00000002 00000000 00000000 00000000 00000000"
	  " 00000000" },
};

START_TEST(hdrmic_build_known)
{
	const struct known *k = &known[_i];
	uint8_t cred[64], want[HDRMIC_MAX_LEN], buf[HDRMIC_MAX_LEN];
	struct hdrmic_call c;
	size_t clen, wlen, cap;

	clen = unhex(k->cred, cred, sizeof(cred));
	wlen = unhex(k->want, want, sizeof(want));
	c = (struct hdrmic_call){ k->xid, k->prog, k->vers, k->proc,
	    k->flavor, clen > 0 ? cred : NULL, clen };
	memset(buf, 0xEE, sizeof(buf));
	ck_assert_int_eq(hdrmic_build(&c, buf, sizeof(buf)), (int)wlen);
	ck_assert_mem_eq(buf, want, wlen);
	/* Exactly enough room works; any less is refused. */
	ck_assert_int_eq(hdrmic_build(&c, buf, wlen), (int)wlen);
	for (cap = 0; cap < wlen; cap++)
		ck_assert_msg(hdrmic_build(&c, buf, cap) == -1, "cap %zu", cap);
}
END_TEST

START_TEST(hdrmic_parse_known)
{
	const struct known *k = &known[_i];
	uint8_t cred[64], want[HDRMIC_MAX_LEN], *p;
	struct hdrmic_call c;
	size_t clen, wlen, n;

	clen = unhex(k->cred, cred, sizeof(cred));
	wlen = unhex(k->want, want, sizeof(want));
	p = exact(want, wlen);
	ck_assert_int_eq(hdrmic_parse(p, wlen, &c), 0);
	ck_assert_uint_eq(c.xid, k->xid);
	ck_assert_uint_eq(c.prog, k->prog);
	ck_assert_uint_eq(c.vers, k->vers);
	ck_assert_uint_eq(c.proc, k->proc);
	ck_assert_uint_eq(c.cred_flavor, k->flavor);
	ck_borrowed(c.cred, c.cred_len, p + 32, cred, clen);
	free(p);
	/* Every truncation is refused. */
	for (n = 0; n < wlen; n++) {
		p = exact(want, n);
		ck_assert_msg(hdrmic_parse(p, n, &c) == -1, "cut to %zu", n);
		ck_assert_ptr_null(c.cred);
		free(p);
	}
	/* So are trailing bytes, 1 to 4 of them. */
	memset(want + wlen, 0, 4);
	for (n = 1; n <= 4; n++) {
		p = exact(want, wlen + n);
		ck_assert_msg(hdrmic_parse(p, wlen + n, &c) == -1,
		    "%zu trailing", n);
		free(p);
	}
}
END_TEST

START_TEST(hdrmic_build_bounds)
{
	static uint8_t cred[1024];
	uint8_t buf[HDRMIC_MAX_LEN + 64];
	struct hdrmic_call c = { 1, 2, 3, 4, 6, cred, 400 };
	struct hdrmic_call d;

	ck_assert_int_eq(hdrmic_build(&c, buf, sizeof(buf)), HDRMIC_MAX_LEN);
	ck_assert_int_eq(hdrmic_build(&c, buf, HDRMIC_MAX_LEN), HDRMIC_MAX_LEN);
	ck_assert_int_eq(hdrmic_parse(buf, HDRMIC_MAX_LEN, &d), 0);
	ck_assert_uint_eq(d.cred_len, 400);
	c.cred_len = 399;
	ck_assert_int_eq(hdrmic_build(&c, buf, HDRMIC_MAX_LEN), HDRMIC_MAX_LEN);
	/* Over 400 is refused even with room to spare. */
	c.cred_len = 401;
	ck_assert_int_eq(hdrmic_build(&c, buf, sizeof(buf)), -1);
	c.cred_len = 1024;
	ck_assert_int_eq(hdrmic_build(&c, buf, sizeof(buf)), -1);
	c.cred_len = (size_t)0xFFFFFFF0u;
	ck_assert_int_eq(hdrmic_build(&c, buf, sizeof(buf)), -1);
	c.cred = NULL;
	c.cred_len = 4;
	ck_assert_int_eq(hdrmic_build(&c, buf, sizeof(buf)), -1);
}
END_TEST

/* Hostile header bytes: the base is known[1], one field changed. */
static const struct bad_hdr {
	const char	*name;
	size_t		 off;		/* which byte to change */
	uint8_t		 val;
} bad_hdrs[] = {
	{ "msg_type 1 (REPLY)", 7, 0x01 },
	{ "msg_type 2", 7, 0x02 },
	{ "msg_type 0x01000000", 4, 0x01 },
	{ "rpcvers 3", 11, 0x03 },
	{ "rpcvers 0", 11, 0x00 },
	{ "rpcvers 0x01000002", 8, 0x01 },
	{ "cred_len 0x24 -> 0x28", 31, 0x28 },
	{ "cred_len 0x24 -> 0x25", 31, 0x25 },
	{ "cred_len 0x24 -> 0x20", 31, 0x20 },
	{ "cred_len 0x24 -> 0x124", 30, 0x01 },
	{ "cred_len 0xFF000024", 28, 0xFF },
};

START_TEST(hdrmic_parse_rejects)
{
	const struct bad_hdr *b = &bad_hdrs[_i];
	uint8_t want[HDRMIC_MAX_LEN], *p;
	struct hdrmic_call c;
	size_t wlen;

	wlen = unhex(known[1].want, want, sizeof(want));
	ck_assert_uint_gt(wlen, b->off);
	ck_assert_int_eq(hdrmic_parse(want, wlen, &c), 0);
	want[b->off] = b->val;
	p = exact(want, wlen);
	ck_assert_msg(hdrmic_parse(p, wlen, &c) == -1, "%s accepted", b->name);
	ck_assert_uint_eq(c.xid, 0);
	free(p);
}
END_TEST

START_TEST(hdrmic_parse_hostile_lengths)
{
	static const uint32_t lens[] = {
		401, 404, 0xFFFFFFF0u, 0xFFFFFFFCu, 0xFFFFFFFFu,
	};
	uint8_t buf[HDRMIC_MAX_LEN + 8] = { 0 }, *p;
	struct hdrmic_call c;
	size_t i;

	/* A valid prefix, then a length claiming more than is there. */
	buf[11] = 2;
	for (i = 0; i < NELEM(lens); i++) {
		buf[28] = (uint8_t)(lens[i] >> 24);
		buf[29] = (uint8_t)(lens[i] >> 16);
		buf[30] = (uint8_t)(lens[i] >> 8);
		buf[31] = (uint8_t)lens[i];
		p = exact(buf, sizeof(buf));
		ck_assert_msg(hdrmic_parse(p, sizeof(buf), &c) == -1,
		    "cred_len %#x accepted", (unsigned int)lens[i]);
		free(p);
	}
	/* Padding after a 1-byte cred must be zero, each byte of it. */
	buf[28] = buf[29] = buf[30] = 0;
	buf[31] = 1;
	buf[32] = 0xAA;
	ck_assert_int_eq(hdrmic_parse(buf, 36, &c), 0);
	for (i = 33; i < 36; i++) {
		buf[i] = 0x01;
		ck_assert_msg(hdrmic_parse(buf, 36, &c) == -1, "pad %zu", i);
		buf[i] = 0;
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hdrmic");

	CKLOOPS(cklist_tcase(s, "core", 0),
	    { hdrmic_build_known, NELEM(known) },
	    { hdrmic_parse_known, NELEM(known) }, { hdrmic_build_bounds, 1 },
	    { hdrmic_parse_rejects, NELEM(bad_hdrs) },
	    { hdrmic_parse_hostile_lengths, 1 });
	return e2e_suite_run(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
