/* tests/check_body_xdr.c - integrity and privacy body framing vs hostile input */
/*
 * Hostile bodies are built by hand (struct hb, handxdr.h), and every parse
 * reads from a heap copy of exactly the input's length (exact()).
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "body_xdr.h"
#include "cklist.h"
#include "e2e.h"
#include "handxdr.h"
#include "xdrbuf.h"

#define MAX_BODY	4096

static int
integ_parse_exact(const void *buf, size_t len, size_t max_body)
{
	const uint8_t *db, *ck;
	size_t dl, cl;
	uint8_t *p = exact(buf, len);
	int rc;

	rc = integ_body_parse(p, len, max_body, &db, &dl, &ck, &cl);
	if (rc != 0) {
		/* Nothing is handed out on failure. */
		ck_assert_ptr_null(db);
		ck_assert_ptr_null(ck);
		ck_assert_uint_eq(dl + cl, 0);
	}
	free(p);
	return rc;
}

static int
priv_parse_exact(const void *buf, size_t len, size_t max_body)
{
	const uint8_t *t;
	size_t tl;
	uint8_t *p = exact(buf, len);
	int rc;

	rc = priv_body_parse(p, len, max_body, &t, &tl);
	if (rc != 0) {
		ck_assert_ptr_null(t);
		ck_assert_uint_eq(tl, 0);
	}
	free(p);
	return rc;
}

/* --- integrity ---------------------------------------------------------- */

static const size_t dbls[] = { 4, 5, 6, 7, 8, 100, 1001 };
static const size_t ckls[] = { 1, 16, 28, RPCAUTH_MAX_CHECKSUM };

START_TEST(integ_round_trip)
{
	size_t dl = dbls[_i / NELEM(ckls)], cl = ckls[_i % NELEM(ckls)];
	size_t sz, gdl, gcl, alen, cap;
	uint8_t buf[4096];
	struct hb db = { .n = 0 }, ck = { .n = 0 }, want = { .n = 0 };
	const uint8_t *gdb, *gck, *args;
	uint32_t seq;

	/* databody_integ = seq_num 0x80000000, then dl - 4 argument bytes. */
	hb_u32(&db, 0x80000000u);
	hb_bytes(&db, dl - 4, 0x10, 0);
	db.n = dl;
	hb_bytes(&ck, cl, 0x80, 0);
	ck.n = cl;
	hb_u32(&want, (uint32_t)dl);
	memcpy(want.b + want.n, db.b, dl);
	want.n += dl;
	hb_bytes(&want, 0, 0, 0);
	hb_u32(&want, (uint32_t)cl);
	hb_bytes(&want, cl, 0x80, 0);

	sz = integ_body_size(dl, cl);
	ck_assert_uint_eq(sz, want.n);
	ck_assert_int_eq(integ_body_encode(db.b, dl, ck.b, cl, buf, sz),
	    (int)sz);
	ck_assert_mem_eq(buf, want.b, sz);
	for (cap = 0; cap < sz; cap += 3)
		ck_assert_int_eq(integ_body_encode(db.b, dl, ck.b, cl, buf,
		    cap), -1);

	ck_assert_int_eq(integ_body_parse(buf, sz, MAX_BODY, &gdb, &gdl, &gck,
	    &gcl), 0);
	ck_assert_uint_eq(gdl, dl);
	ck_assert_uint_eq(gcl, cl);
	ck_assert_ptr_eq(gdb, buf + 4);
	ck_assert_mem_eq(gdb, db.b, dl);
	ck_assert_ptr_eq(gck, buf + 8 + XDR_RNDUP(dl));
	ck_assert_mem_eq(gck, ck.b, cl);
	ck_assert_int_eq(databody_split(gdb, gdl, &seq, &args, &alen), 0);
	ck_assert_uint_eq(seq, 0x80000000u);
	ck_assert_ptr_eq(args, gdb + 4);
	ck_assert_uint_eq(alen, dl - 4);
	/* max_body is inclusive. */
	ck_assert_int_eq(integ_parse_exact(buf, sz, dl), 0);
	ck_assert_int_eq(integ_parse_exact(buf, sz, dl - 1), -1);
}
END_TEST

START_TEST(integ_truncations)
{
	uint8_t db[13] = { 0, 0, 0, 9 }, ck[28] = { 1 }, buf[128];
	int len;
	size_t n;

	len = integ_body_encode(db, sizeof(db), ck, sizeof(ck), buf,
	    sizeof(buf));
	ck_assert_int_eq(len, 4 + 16 + 4 + 28);
	ck_assert_int_eq(integ_parse_exact(buf, (size_t)len, MAX_BODY), 0);
	for (n = 0; n < (size_t)len; n++)
		ck_assert_msg(integ_parse_exact(buf, n, MAX_BODY) == -1,
		    "cut to %zu accepted", n);
}
END_TEST

static const struct bad_integ {
	const char	*name;
	uint32_t	 dlen_field;
	size_t		 dbytes;
	uint8_t		 dpad;
	int		 has_ck;	/* 0: the body ends after the databody */
	uint32_t	 clen_field;
	size_t		 cbytes;
	uint8_t		 cpad;
	int		 extra;		/* zero bytes appended (< 0: cut) */
} bad_integ[] = {
	{ "databody 0xFFFFFFF0", 0xFFFFFFF0u, 16, 0, 1, 16, 16, 0, 0 },
	{ "databody 0xFFFFFFFF", 0xFFFFFFFFu, 16, 0, 1, 16, 16, 0, 0 },
	{ "databody 0xFFFFFFFC", 0xFFFFFFFCu, 0, 0, 0, 0, 0, 0, 0 },
	{ "databody beyond the record", 48, 16, 0, 1, 16, 16, 0, 0 },
	{ "databody eats the checksum", 36, 16, 0, 1, 16, 16, 0, 0 },
	{ "databody over max_body", MAX_BODY + 4, MAX_BODY + 4, 0, 1, 16, 16,
	  0, 0 },
	{ "databody 5, pad 0x01", 5, 5, 0x01, 1, 16, 16, 0, 0 },
	{ "databody 6, pad 0xFF", 6, 6, 0xFF, 1, 16, 16, 0, 0 },
	{ "databody 7, pad 0x80", 7, 7, 0x80, 1, 16, 16, 0, 0 },
	{ "checksum 0xFFFFFFF0", 8, 8, 0, 1, 0xFFFFFFF0u, 16, 0, 0 },
	{ "checksum 0xFFFFFFFF", 8, 8, 0, 1, 0xFFFFFFFFu, 16, 0, 0 },
	{ "checksum beyond the record", 8, 8, 0, 1, 17, 16, 0, 0 },
	{ "checksum over the cap", 8, 8, 0, 1, RPCAUTH_MAX_CHECKSUM + 1,
	  RPCAUTH_MAX_CHECKSUM + 1, 0, 0 },
	{ "checksum 3, pad 0x01", 8, 8, 0, 1, 3, 3, 0x01, 0 },
	{ "checksum padding cut", 8, 8, 0, 1, 14, 14, 0, -2 },
	{ "missing checksum", 8, 8, 0, 0, 0, 0, 0, 0 },
	{ "checksum length cut", 8, 8, 0, 0, 0, 0, 0, 2 },
	{ "empty checksum", 8, 8, 0, 1, 0, 0, 0, 0 },
	{ "trailing 4", 8, 8, 0, 1, 16, 16, 0, 4 },
	{ "trailing 1", 8, 8, 0, 1, 16, 16, 0, 1 },
	{ "empty body", 0, 0, 0, 0, 0, 0, 0, -4 },
};

START_TEST(integ_rejects)
{
	const struct bad_integ *b = &bad_integ[_i];
	struct hb h = { .n = 0 };

	hb_u32(&h, b->dlen_field);
	hb_bytes(&h, b->dbytes, 0, b->dpad);
	if (b->has_ck) {
		hb_u32(&h, b->clen_field);
		hb_bytes(&h, b->cbytes, 0x80, b->cpad);
	}
	h.n = (size_t)((long)h.n + b->extra);
	ck_assert_msg(integ_parse_exact(h.b, h.n, MAX_BODY) == -1,
	    "%s accepted", b->name);
}
END_TEST

START_TEST(databody_short)
{
	static const uint8_t db[8] = { 0x12, 0x34, 0x56, 0x78, 1, 2, 3, 4 };
	const uint8_t *args;
	size_t alen, n;
	uint32_t seq;
	uint8_t *p;

	/* Under 4 bytes there is no seq_num: refuse, hand nothing out. */
	for (n = 0; n < 4; n++) {
		p = exact(db, n);
		ck_assert_msg(databody_split(p, n, &seq, &args, &alen) == -1,
		    "%zu bytes accepted", n);
		ck_assert_uint_eq(seq, 0);
		ck_assert_ptr_null(args);
		ck_assert_uint_eq(alen, 0);
		free(p);
	}
	ck_assert_int_eq(databody_split(NULL, 0, &seq, &args, &alen), -1);
	/* Exactly a seq_num: empty args, but a usable pointer. */
	p = exact(db, 4);
	ck_assert_int_eq(databody_split(p, 4, &seq, &args, &alen), 0);
	ck_assert_uint_eq(seq, 0x12345678u);
	ck_assert_ptr_eq(args, p + 4);
	ck_assert_uint_eq(alen, 0);
	free(p);
	ck_assert_int_eq(databody_split(db, 8, &seq, &args, &alen), 0);
	ck_assert_uint_eq(alen, 4);
	ck_assert_mem_eq(args, db + 4, 4);
}
END_TEST

/* --- privacy ------------------------------------------------------------ */

static const size_t tokls[] = { 1, 2, 3, 4, 5, 60, 1000 };

START_TEST(priv_round_trip)
{
	size_t tl = tokls[_i], sz, gtl, n;
	struct hb tok = { .n = 0 }, want = { .n = 0 };
	uint8_t buf[2048];
	const uint8_t *gt;

	hb_bytes(&tok, tl, 0x30, 0);
	hb_u32(&want, (uint32_t)tl);
	hb_bytes(&want, tl, 0x30, 0);
	sz = priv_body_size(tl);
	ck_assert_uint_eq(sz, want.n);
	ck_assert_int_eq(priv_body_encode(tok.b, tl, buf, sz), (int)sz);
	ck_assert_mem_eq(buf, want.b, sz);
	ck_assert_int_eq(priv_body_encode(tok.b, tl, buf, sz - 1), -1);
	ck_assert_int_eq(priv_body_parse(buf, sz, MAX_BODY, &gt, &gtl), 0);
	ck_assert_ptr_eq(gt, buf + 4);
	ck_assert_uint_eq(gtl, tl);
	ck_assert_int_eq(priv_parse_exact(buf, sz, tl), 0);
	ck_assert_int_eq(priv_parse_exact(buf, sz, tl - 1), -1);
	for (n = 0; n < sz; n++)
		ck_assert_msg(priv_parse_exact(buf, n, MAX_BODY) == -1,
		    "cut to %zu accepted", n);
}
END_TEST

static const struct bad_priv {
	const char	*name;
	uint32_t	 len_field;
	size_t		 bytes;
	uint8_t		 pad;
	int		 extra;
} bad_priv[] = {
	{ "token 0xFFFFFFF0", 0xFFFFFFF0u, 32, 0, 0 },
	{ "token 0xFFFFFFFF", 0xFFFFFFFFu, 32, 0, 0 },
	{ "token beyond the record", 33, 32, 0, 0 },
	{ "token over max_body", MAX_BODY + 1, MAX_BODY + 1, 0, 0 },
	{ "token 9, pad 0x01", 9, 9, 0x01, 0 },
	{ "token padding cut", 9, 9, 0, -3 },
	{ "empty token", 0, 0, 0, 0 },
	{ "trailing 4", 32, 32, 0, 4 },
	{ "trailing 4 after empty", 0, 0, 0, 4 },
};

START_TEST(priv_rejects)
{
	const struct bad_priv *b = &bad_priv[_i];
	struct hb h = { .n = 0 };

	hb_u32(&h, b->len_field);
	hb_bytes(&h, b->bytes, 0x30, b->pad);
	h.n = (size_t)((long)h.n + b->extra);
	ck_assert_msg(priv_parse_exact(h.b, h.n, MAX_BODY) == -1,
	    "%s accepted", b->name);
}
END_TEST

START_TEST(sizes_refuse_huge)
{
	ck_assert_uint_eq(integ_body_size((size_t)INT_MAX, 16), 0);
	ck_assert_uint_eq(integ_body_size(16, SIZE_MAX), 0);
	ck_assert_uint_eq(integ_body_size((size_t)INT_MAX / 2,
	    (size_t)INT_MAX / 2), 0);
	ck_assert_uint_eq(integ_body_size(4, 1), 16);
	ck_assert_uint_eq(priv_body_size((size_t)INT_MAX), 0);
	ck_assert_uint_eq(priv_body_size(SIZE_MAX), 0);
	ck_assert_uint_eq(priv_body_size(0), 4);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("body_xdr");

	CKLOOPS(cklist_tcase(s, "integ", 0),
	    { integ_round_trip, NELEM(dbls) * NELEM(ckls) },
	    { integ_truncations, 1 }, { integ_rejects, NELEM(bad_integ) },
	    { databody_short, 1 });
	CKLOOPS(cklist_tcase(s, "priv", 0), { priv_round_trip, NELEM(tokls) },
	    { priv_rejects, NELEM(bad_priv) }, { sizes_refuse_huge, 1 });
	return e2e_suite_run(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
