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
#include <rpc/rpc.h>

#include "body_xdr.h"
#include "cklist.h"
#include "e2e.h"
#include "handxdr.h"
#include "xdrbuf.h"
#include "xdrtap.h"

#define MAX_BODY	4096

extern u_long xdr_sizeof(xdrproc_t, void *);

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

/*
 * Hostile bodies, integrity then privacy: one or two opaques as a hostile
 * peer writes them, then zero bytes appended or cut; `parse` must refuse
 * the body.  The integrity databody's bytes count from 0x00, the checksum's
 * from 0x80, the privacy token's from 0x30.  The integrity rows come
 * first: main() runs them in the "integ" case, the rest in "priv".
 */
static const struct bad_body {
	const char	*name;
	int		(*parse)(const void *buf, size_t len, size_t max_body);
	uint8_t		 seed;
	struct hb_opq	 first;
	int		 has_second;	/* 0: the body ends after the first */
	struct hb_opq	 second;
	int		 extra;		/* zero bytes appended (< 0: cut) */
} bad_bodies[] = {
#define INTEG(name, dl, db, dp, has_ck, cl, cb, cp, extra)		\
	{ name, integ_parse_exact, 0x00, { dl, db, dp }, has_ck,	\
	  { cl, cb, cp }, extra }
	INTEG("databody 0xFFFFFFF0", 0xFFFFFFF0u, 16, 0, 1, 16, 16, 0, 0),
	INTEG("databody 0xFFFFFFFF", 0xFFFFFFFFu, 16, 0, 1, 16, 16, 0, 0),
	INTEG("databody 0xFFFFFFFC", 0xFFFFFFFCu, 0, 0, 0, 0, 0, 0, 0),
	INTEG("databody beyond the record", 48, 16, 0, 1, 16, 16, 0, 0),
	INTEG("databody eats the checksum", 36, 16, 0, 1, 16, 16, 0, 0),
	INTEG("databody over max_body", MAX_BODY + 4, MAX_BODY + 4, 0, 1, 16,
	    16, 0, 0),
	INTEG("databody 5, pad 0x01", 5, 5, 0x01, 1, 16, 16, 0, 0),
	INTEG("databody 6, pad 0xFF", 6, 6, 0xFF, 1, 16, 16, 0, 0),
	INTEG("databody 7, pad 0x80", 7, 7, 0x80, 1, 16, 16, 0, 0),
	INTEG("checksum 0xFFFFFFF0", 8, 8, 0, 1, 0xFFFFFFF0u, 16, 0, 0),
	INTEG("checksum 0xFFFFFFFF", 8, 8, 0, 1, 0xFFFFFFFFu, 16, 0, 0),
	INTEG("checksum beyond the record", 8, 8, 0, 1, 17, 16, 0, 0),
	INTEG("checksum over the cap", 8, 8, 0, 1, RPCAUTH_MAX_CHECKSUM + 1,
	    RPCAUTH_MAX_CHECKSUM + 1, 0, 0),
	INTEG("checksum 3, pad 0x01", 8, 8, 0, 1, 3, 3, 0x01, 0),
	INTEG("checksum padding cut", 8, 8, 0, 1, 14, 14, 0, -2),
	INTEG("missing checksum", 8, 8, 0, 0, 0, 0, 0, 0),
	INTEG("checksum length cut", 8, 8, 0, 0, 0, 0, 0, 2),
	INTEG("empty checksum", 8, 8, 0, 1, 0, 0, 0, 0),
	INTEG("trailing 4", 8, 8, 0, 1, 16, 16, 0, 4),
	INTEG("trailing 1", 8, 8, 0, 1, 16, 16, 0, 1),
	INTEG("empty body", 0, 0, 0, 0, 0, 0, 0, -4),
#undef INTEG
#define PRIV(name, len, bytes, pad, extra)				\
	{ name, priv_parse_exact, 0x30, { len, bytes, pad }, 0,		\
	  { 0, 0, 0 }, extra }
	PRIV("token 0xFFFFFFF0", 0xFFFFFFF0u, 32, 0, 0),
	PRIV("token 0xFFFFFFFF", 0xFFFFFFFFu, 32, 0, 0),
	PRIV("token beyond the record", 33, 32, 0, 0),
	PRIV("token over max_body", MAX_BODY + 1, MAX_BODY + 1, 0, 0),
	PRIV("token 9, pad 0x01", 9, 9, 0x01, 0),
	PRIV("token padding cut", 9, 9, 0, -3),
	PRIV("empty token", 0, 0, 0, 0),
	PRIV("trailing 4", 32, 32, 0, 4),
	PRIV("trailing 4 after empty", 0, 0, 0, 4),
#undef PRIV
};

START_TEST(body_rejects)
{
	const struct bad_body *b = &bad_bodies[_i];
	struct hb h = { .n = 0 };

	hb_opaque(&h, &b->first, b->seed);
	if (b->has_second)
		hb_opaque(&h, &b->second, 0x80);
	hb_extra(&h, b->extra);
	ck_assert_msg(b->parse(h.b, h.n, MAX_BODY) == -1, "%s accepted",
	    b->name);
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


/*
 * xdrtap.c: the pass function gets exactly the bytes the encoder gave, in
 * order and once each; here it records them and puts them on a stream.
 */
struct seen {
	uint8_t		*buf;
	size_t		 len, cap;
	XDR		*out;		/* where the pieces go */
	int		 ahead;		/* the stream held a byte not yet seen */
};

static int
see(void *arg, const void *p, size_t n)
{
	struct seen *w = arg;

	ck_assert_uint_le(w->len + n, w->cap);
	if (XDR_GETPOS(w->out) != 4 + w->len)
		w->ahead = 1;
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	return XDR_PUTBYTES(w->out, (const char *)p, (u_int)n) ? 0 : -1;
}

/* An opaque<> of n pattern bytes, ints around it, rpcgen's inline path. */
struct tapmsg {
	u_int		 a, b;
	char		*data;
	u_int		 n;
};

static int inline_lent;	/* XDR_INLINE gave xdr_tapmsg a buffer */

static bool_t
xdr_tapmsg(XDR *x, void *v)
{
	struct tapmsg *m = v;
	int32_t *q = XDR_INLINE(x, 2 * BYTES_PER_XDR_UNIT);

	if (q != NULL) {
		inline_lent = 1;
		IXDR_PUT_U_INT32(q, m->a);
		IXDR_PUT_U_INT32(q, m->b);
	} else if (!xdr_u_int(x, &m->a) || !xdr_u_int(x, &m->b))
		return FALSE;
	return xdr_bytes(x, &m->data, &m->n, ~0U) && xdr_u_int(x, &m->a);
}

static const u_int taplens[] = { 0, 1, 3, 65535, 65536, 65537, 200001 };

START_TEST(tap_passes_and_shows)
{
	struct tapmsg m = { 0x01020304, 0xa0b0c0d0, NULL, taplens[_i] };
	size_t want = xdr_sizeof((xdrproc_t)xdr_tapmsg, &m), i;
	uint8_t *ref, *got, *stage = malloc(4096 + 4);
	struct seen w = { NULL, 0, 0, NULL, 0 };
	struct xdrtap t;
	XDR rx, ox;
	u_int lim;

	m.data = malloc(m.n + 1);
	for (i = 0; i < m.n; i++)
		m.data[i] = (char)(i * 7 + 1);
	ref = calloc(1, want);
	got = calloc(1, want + 4);
	w.buf = calloc(1, want);
	w.cap = want;
	xdrmem_create(&rx, (caddr_t)ref, (u_int)want, XDR_ENCODE);
	ck_assert(xdr_tapmsg(&rx, &m));
	ck_assert_uint_eq(XDR_GETPOS(&rx), want);
	/* A 4 KiB stage: runs from 4 KiB up pass where the encoder has them. */
	xdrmem_create(&ox, (caddr_t)got, (u_int)want + 4, XDR_ENCODE);
	w.out = &ox;
	lim = (u_int)want;
	ck_assert(xdr_u_int(&ox, &lim));
	xdrtap_create(&t, stage, 4096, want, see, &w);
	ck_assert(xdr_tapmsg(&t.x, &m));
	ck_assert_uint_eq(XDR_GETPOS(&t.x), want);
	ck_assert_int_eq(xdrtap_finish(&t), 0);
	ck_assert_uint_eq(XDR_GETPOS(&ox), 4 + want);
	ck_assert(memcmp(got + 4, ref, want) == 0);
	ck_assert_uint_eq(w.len, want);
	ck_assert(memcmp(w.buf, ref, want) == 0);
	ck_assert_int_eq(w.ahead, 0);
	XDR_DESTROY(&rx);
	XDR_DESTROY(&ox);
	free(ref);
	free(got);
	free(w.buf);
	free(stage);
	free(m.data);
}
END_TEST

/* The length went out first: one byte more is refused, fewer reported. */
START_TEST(tap_holds_to_limit)
{
	struct tapmsg m = { 1, 2, NULL, 70000 };
	size_t want = xdr_sizeof((xdrproc_t)xdr_tapmsg, &m);
	uint8_t *out = calloc(1, want + 64), stage[1024];
	struct seen w = { NULL, 0, 0, NULL, 0 };
	struct xdrtap t;
	XDR ox;
	int lim;

	m.data = calloc(1, m.n);
	w.buf = calloc(1, want + 64);
	w.cap = want + 64;
	for (lim = -4; lim <= 4; lim += 4) {
		w.len = 0;
		xdrmem_create(&ox, (caddr_t)out, (u_int)want + 64,
		    XDR_ENCODE);
		w.out = &ox;
		ck_assert(xdr_u_int(&ox, &(u_int){ 0 }));
		xdrtap_create(&t, stage, sizeof(stage),
		    (size_t)((int)want + lim), see, &w);
		ck_assert_int_eq(xdr_tapmsg(&t.x, &m), lim >= 0);
		ck_assert_int_eq(xdrtap_finish(&t), lim == 0 ? 0 : -1);
		ck_assert_uint_le(w.len, want + (lim > 0 ? 0 : lim));
		XDR_DESTROY(&ox);
	}
	/* The pass fails (a UDP buffer too small): the encoding stops. */
	w.len = 0;
	xdrmem_create(&ox, (caddr_t)out, (u_int)want / 2, XDR_ENCODE);
	w.out = &ox;
	ck_assert(xdr_u_int(&ox, &(u_int){ 0 }));
	xdrtap_create(&t, stage, sizeof(stage), want, see, &w);
	ck_assert(!xdr_tapmsg(&t.x, &m));
	ck_assert_int_eq(xdrtap_finish(&t), -1);
	/* At most the piece whose put failed was shown beyond it. */
	ck_assert_uint_le(w.len, want / 2 + sizeof(stage));
	XDR_DESTROY(&ox);
	free(out);
	free(w.buf);
	free(m.data);
}
END_TEST

/*
 * xdrtap_sizeof counts what xdr_sizeof counts, but lends an XDR_INLINE
 * user no buffer: libtirpc's lends one from the heap and frees it
 * unwiped, leaving a privacy body's arguments there (docs/SECURITY.md 18).
 */
START_TEST(sizeof_lends_nothing)
{
	struct tapmsg m = { 7, 8, NULL, taplens[_i] };
	size_t got = 0;

	m.data = calloc(1, m.n + 1);
	inline_lent = 0;
	ck_assert_uint_gt(xdr_sizeof((xdrproc_t)xdr_tapmsg, &m), 0);
	ck_assert_int_eq(inline_lent, 1);	/* libtirpc's lends */
	inline_lent = 0;
	ck_assert_int_eq(xdrtap_sizeof((xdrproc_t)xdr_tapmsg, &m, &got), 0);
	ck_assert_int_eq(inline_lent, 0);
	ck_assert_uint_eq(got, xdr_sizeof((xdrproc_t)xdr_tapmsg, &m));
	free(m.data);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("body_xdr");
	TCase *tc;
	size_t n_integ = 0;

	while (n_integ < NELEM(bad_bodies) &&
	    bad_bodies[n_integ].parse == integ_parse_exact)
		n_integ++;
	tc = cklist_tcase(s, "integ", 0);
	CKLOOPS(tc, { integ_round_trip, NELEM(dbls) * NELEM(ckls) },
	    { integ_truncations, 1 });
	tcase_add_loop_test(tc, body_rejects, 0, (int)n_integ);
	tcase_add_test(tc, databody_short);
	tc = cklist_tcase(s, "priv", 0);
	tcase_add_loop_test(tc, priv_round_trip, 0, NELEM(tokls));
	tcase_add_loop_test(tc, body_rejects, (int)n_integ,
	    NELEM(bad_bodies));
	tcase_add_test(tc, sizes_refuse_huge);
	tc = cklist_tcase(s, "xdrtap", 0);
	tcase_add_loop_test(tc, tap_passes_and_shows, 0, NELEM(taplens));
	tcase_add_test(tc, tap_holds_to_limit);
	tcase_add_loop_test(tc, sizeof_lends_nothing, 0, NELEM(taplens));
	return e2e_suite_run(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
