/* tests/check_cred_xdr.c - credential and init arg/res codecs vs hostile input */
/*
 * Hostile inputs are built by hand (struct hb, handxdr.h), not with the
 * encoders under test, and every decode reads from a heap copy of exactly
 * the input's length (exact()), so that ASan catches a read one byte past
 * the end.
 */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "internal.h"
#include "cred_xdr.h"
#include "xdrbuf.h"

#include "cklist.h"
#include "e2e.h"
#include "handxdr.h"

static int
cred_decode_exact(const void *buf, size_t len, struct rpcauth_cred *out)
{
	uint8_t *p = exact(buf, len);
	int rc;

	memset(out, 0xA5, sizeof(*out));
	rc = cred_decode(p, len, out);
	/* Failure leaves *out cleared; success points into p (gone now). */
	if (rc != 0) {
		ck_assert_uint_eq(out->version, 0);
		ck_assert_ptr_null(out->handle);
		ck_assert_uint_eq(out->handle_len, 0);
	}
	free(p);
	return rc;
}

/* --- credential round trips ------------------------------------------- */

static const size_t hlens[] = { 0, 1, 2, 3, 4, 16, 377, 378, 379, 380 };

START_TEST(cred_round_trip)
{
	size_t hl = hlens[_i], n;
	struct rpcauth_cred c, d;
	struct hb want = { .n = 0 };
	uint8_t handle[400], buf[512];
	uint32_t proc, svc;
	int len;

	for (n = 0; n < hl; n++)
		handle[n] = hb_letter(n);
	for (proc = 0; proc <= 3; proc++) {
		for (svc = 1; svc <= 3; svc++) {
			c = (struct rpcauth_cred){ RPCAUTH_GSS_VERS_1, proc,
			    0x01020304u + proc, svc, hl > 0 ? handle : NULL, hl };
			len = cred_encode(&c, buf, sizeof(buf));
			want.n = 0;
			hb_u32(&want, 1);
			hb_u32(&want, proc);
			hb_u32(&want, 0x01020304u + proc);
			hb_u32(&want, svc);
			hb_u32(&want, (uint32_t)hl);
			hb_letters(&want, hl, 0);
			ck_assert_int_eq(len, (int)want.n);
			ck_assert_mem_eq(buf, want.b, want.n);
			ck_assert_int_eq(cred_decode(buf, (size_t)len, &d), 0);
			ck_assert_uint_eq(d.version, 1);
			ck_assert_uint_eq(d.gss_proc, proc);
			ck_assert_uint_eq(d.seq, 0x01020304u + proc);
			ck_assert_uint_eq(d.service, svc);
			/* Borrowed: in buf, right after the length. */
			ck_borrowed(d.handle, d.handle_len, buf + 20, handle,
			    hl);
			ck_assert_int_eq(cred_decode_exact(buf, (size_t)len,
			    &d), 0);
		}
	}
}
END_TEST

START_TEST(cred_encode_refuses)
{
	uint8_t handle[400] = { 0 }, buf[512];
	struct rpcauth_cred c = { 1, 0, 7, 1, handle, 381 };
	size_t cap;

	/* 20 + 384 > 400, whatever the room. */
	ck_assert_int_eq(cred_encode(&c, buf, sizeof(buf)), -1);
	c.handle_len = 380;
	ck_assert_int_eq(cred_encode(&c, buf, sizeof(buf)), 400);
	c.handle_len = 16;
	for (cap = 0; cap < 36; cap++)
		ck_assert_msg(cred_encode(&c, buf, cap) == -1, "cap %zu", cap);
	ck_assert_int_eq(cred_encode(&c, buf, 36), 36);
	c.handle = NULL;
	ck_assert_int_eq(cred_encode(&c, buf, sizeof(buf)), -1);
}
END_TEST

/* --- hostile credentials ---------------------------------------------- */

static const struct bad_cred {
	const char	*name;
	uint32_t	 version, proc, service;
	struct hb_opq	 handle;
	int		 extra;		/* zero bytes appended (< 0: cut) */
} bad_creds[] = {
	{ "version 0", 0, 0, 1, { 16, 16, 0 }, 0 },
	{ "version 2", 2, 0, 1, { 16, 16, 0 }, 0 },
	{ "version 3", 3, 0, 1, { 16, 16, 0 }, 0 },
	{ "version 1024", 1024, 0, 1, { 16, 16, 0 }, 0 },
	{ "proc 4", 1, 4, 1, { 16, 16, 0 }, 0 },
	{ "proc 5", 1, 5, 1, { 16, 16, 0 }, 0 },
	{ "proc 7", 1, 7, 1, { 16, 16, 0 }, 0 },
	{ "proc 1024", 1, 1024, 1, { 16, 16, 0 }, 0 },
	{ "service 0", 1, 0, 0, { 16, 16, 0 }, 0 },
	{ "service 4", 1, 0, 4, { 16, 16, 0 }, 0 },
	{ "service 5", 1, 0, 5, { 16, 16, 0 }, 0 },
	{ "service 1024", 1, 0, 1024, { 16, 16, 0 }, 0 },
	{ "hlen 0xFFFFFFF0", 1, 0, 1, { 0xFFFFFFF0u, 16, 0 }, 0 },
	{ "hlen 0xFFFFFFFF", 1, 0, 1, { 0xFFFFFFFFu, 16, 0 }, 0 },
	{ "hlen 0xFFFFFFFC", 1, 0, 1, { 0xFFFFFFFCu, 0, 0 }, 0 },
	{ "hlen just past end", 1, 0, 1, { 17, 16, 0 }, 0 },
	{ "hlen past end by 4", 1, 0, 1, { 20, 16, 0 }, 0 },
	{ "handle padding cut", 1, 0, 1, { 13, 13, 0 }, -3 },
	{ "handle padding cut by 1", 1, 0, 1, { 15, 15, 0 }, -1 },
	{ "truncated handle", 1, 0, 1, { 16, 8, 0 }, 0 },
	{ "handle 381", 1, 0, 1, { 381, 381, 0 }, 0 },
	{ "trailing 4 bytes", 1, 0, 1, { 16, 16, 0 }, 4 },
	{ "trailing 4, empty handle", 1, 1, 1, { 0, 0, 0 }, 4 },
	{ "trailing 1 byte", 1, 0, 1, { 16, 16, 0 }, 1 },
	{ "pad byte 0x01", 1, 0, 1, { 1, 1, 0x01 }, 0 },
	{ "pad byte 0x80", 1, 0, 1, { 2, 2, 0x80 }, 0 },
	{ "pad byte 0xFF", 1, 0, 1, { 3, 3, 0xFF }, 0 },
	{ "over 400 bytes", 1, 0, 1, { 380, 380, 0 }, 4 },
};

START_TEST(cred_rejects)
{
	const struct bad_cred *b = &bad_creds[_i];
	struct rpcauth_cred d;
	struct hb h = { .n = 0 };

	hb_u32(&h, b->version);
	hb_u32(&h, b->proc);
	hb_u32(&h, 42);
	hb_u32(&h, b->service);
	hb_opaque_letters(&h, &b->handle);
	hb_extra(&h, b->extra);
	ck_assert_msg(cred_decode_exact(h.b, h.n, &d) == -1, "%s accepted",
	    b->name);
}
END_TEST

/* Any single padding byte set is refused; with it clear, accepted. */
START_TEST(cred_pad_positions)
{
	struct rpcauth_cred d;
	struct hb h = { .n = 0 };
	size_t i;

	hb_u32(&h, 1);
	hb_u32(&h, 0);
	hb_u32(&h, 1);
	hb_u32(&h, 2);
	hb_u32(&h, 1);
	hb_letters(&h, 1, 0);
	ck_assert_int_eq(cred_decode_exact(h.b, h.n, &d), 0);
	for (i = 21; i < 24; i++) {
		h.b[i] = 1;
		ck_assert_msg(cred_decode_exact(h.b, h.n, &d) == -1,
		    "pad byte %zu", i);
		h.b[i] = 0;
	}
}
END_TEST

START_TEST(cred_truncations)
{
	uint8_t buf[512], big[404];
	struct rpcauth_cred c = { 1, 0, 99, 3, NULL, 16 }, d;
	uint8_t handle[16];
	size_t n;
	int len;

	memset(handle, 0x5A, sizeof(handle));
	c.handle = handle;
	len = cred_encode(&c, buf, sizeof(buf));
	ck_assert_int_eq(len, 36);
	for (n = 0; n < (size_t)len; n++)
		ck_assert_msg(cred_decode_exact(buf, n, &d) == -1,
		    "truncated to %zu accepted", n);
	ck_assert_int_eq(cred_decode_exact(buf, (size_t)len, &d), 0);
	/* A valid 400-byte body followed by anything is over 400. */
	c.handle_len = 380;
	c.handle = big;
	memset(big, 0, sizeof(big));
	ck_assert_int_eq(cred_encode(&c, buf, sizeof(buf)), 400);
	ck_assert_int_eq(cred_decode_exact(buf, 400, &d), 0);
	ck_assert_int_eq(cred_decode_exact(buf, 401, &d), -1);
	ck_assert_int_eq(cred_decode_exact(buf, 404, &d), -1);
	ck_assert_int_eq(cred_decode(NULL, 0, &d), -1);
}
END_TEST

/* --- init arg ----------------------------------------------------------- */

static const size_t toklens[] = { 0, 1, 2, 3, 4, 5, 100, 1000, 1501 };

START_TEST(init_arg_round_trip)
{
	size_t tl = toklens[_i], got, i;
	uint8_t tok[1600], buf[1700];
	const uint8_t *t;
	struct hb want = { .n = 0 };
	int len;

	for (i = 0; i < tl; i++)
		tok[i] = hb_letter(i);
	ck_assert_uint_eq(init_arg_size(tl), 4 + XDR_RNDUP(tl));
	len = init_arg_encode(tl > 0 ? tok : NULL, tl, buf, init_arg_size(tl));
	hb_u32(&want, (uint32_t)tl);
	hb_letters(&want, tl, 0);
	ck_assert_int_eq(len, (int)want.n);
	ck_assert_mem_eq(buf, want.b, want.n);
	ck_assert_int_eq(init_arg_decode(buf, (size_t)len, tl, &t, &got), 0);
	ck_assert_uint_eq(got, tl);
	if (tl == 0)
		ck_assert_ptr_null(t);
	else {
		ck_assert_ptr_eq(t, buf + 4);
		/* One byte over the cap is refused. */
		ck_assert_int_eq(init_arg_decode(buf, (size_t)len, tl - 1,
		    &t, &got), -1);
		ck_assert_ptr_null(t);
		ck_assert_uint_eq(got, 0);
	}
	/* Every shorter length is refused, and so is one too little room. */
	for (i = 0; i < (size_t)len; i++) {
		uint8_t *p = exact(buf, i);

		ck_assert_msg(init_arg_decode(p, i, 4096, &t, &got) == -1,
		    "truncated to %zu accepted", i);
		free(p);
	}
	ck_assert_int_eq(init_arg_encode(tok, tl, buf, (size_t)len - 1), -1);
}
END_TEST

static const struct bad_tok {
	const char	*name;
	struct hb_opq	 token;
	int		 extra;		/* zero bytes appended (< 0: cut) */
} bad_args[] = {
	{ "len 0xFFFFFFF0", { 0xFFFFFFF0u, 8, 0 }, 0 },
	{ "len 0xFFFFFFFF", { 0xFFFFFFFFu, 8, 0 }, 0 },
	{ "len 0xFFFFFFFD", { 0xFFFFFFFDu, 0, 0 }, 0 },
	{ "len just past end", { 9, 8, 0 }, 0 },
	{ "padding cut", { 5, 5, 0 }, -1 },
	{ "padding cut to none", { 5, 5, 0 }, -3 },
	{ "over cap", { 600, 600, 0 }, 0 },
	{ "trailing 4", { 8, 8, 0 }, 4 },
	{ "trailing 4 after empty", { 0, 0, 0 }, 4 },
	{ "pad not zero", { 5, 5, 0x01 }, 0 },
};

START_TEST(init_arg_rejects)
{
	const struct bad_tok *b = &bad_args[_i];
	struct hb h = { .n = 0 };
	const uint8_t *t;
	uint8_t *p;
	size_t tl;

	hb_opaque_letters(&h, &b->token);
	hb_extra(&h, b->extra);
	p = exact(h.b, h.n);
	ck_assert_msg(init_arg_decode(p, h.n, 512, &t, &tl) == -1,
	    "%s accepted", b->name);
	free(p);
}
END_TEST

/* --- init res ----------------------------------------------------------- */

START_TEST(init_res_round_trip)
{
	static const size_t hl[] = { 0, 1, 16, 379, 380 };
	static const size_t tl[] = { 0, 3, 7, 200 };
	size_t h = hl[_i / NELEM(tl)], t = tl[_i % NELEM(tl)], i, sz;
	struct rpcauth_init_res r, d;
	uint8_t handle[400], tok[256], buf[1024];
	struct hb want = { .n = 0 };
	int len;

	for (i = 0; i < sizeof(handle); i++)
		handle[i] = hb_letter(i);
	memcpy(tok, handle, sizeof(tok));
	r = (struct rpcauth_init_res){ h > 0 ? handle : NULL, h, 0x00000001u,
	    0xDEADBEEFu, 128, t > 0 ? tok : NULL, t };
	sz = init_res_size(&r);
	hb_u32(&want, (uint32_t)h);
	hb_letters(&want, h, 0);
	hb_u32(&want, 1);
	hb_u32(&want, 0xDEADBEEFu);
	hb_u32(&want, 128);
	hb_u32(&want, (uint32_t)t);
	hb_letters(&want, t, 0);
	ck_assert_uint_eq(sz, want.n);
	len = init_res_encode(&r, buf, sz);
	ck_assert_int_eq(len, (int)sz);
	ck_assert_mem_eq(buf, want.b, want.n);
	ck_assert_int_eq(init_res_encode(&r, buf, sz - 1), -1);

	ck_assert_int_eq(init_res_decode(buf, sz, RPCAUTH_CRED_MAX_HANDLE, 256,
	    &d), 0);
	ck_assert_uint_eq(d.handle_len, h);
	ck_assert_uint_eq(d.major, 1);
	ck_assert_uint_eq(d.minor, 0xDEADBEEFu);
	ck_assert_uint_eq(d.window, 128);
	ck_assert_uint_eq(d.token_len, t);
	if (h > 0)
		ck_assert_mem_eq(d.handle, handle, h);
	else
		ck_assert_ptr_null(d.handle);
	if (t > 0)
		ck_assert_mem_eq(d.token, tok, t);
	else
		ck_assert_ptr_null(d.token);
	/* Caps are inclusive: one less refuses. */
	if (h > 0)
		ck_assert_int_eq(init_res_decode(buf, sz, h - 1, 256, &d), -1);
	if (t > 0)
		ck_assert_int_eq(init_res_decode(buf, sz, 400, t - 1, &d), -1);
	/* Truncated at every offset. */
	for (i = 0; i < sz; i++) {
		uint8_t *p = exact(buf, i);

		ck_assert_msg(init_res_decode(p, i, 400, 256, &d) == -1,
		    "truncated to %zu accepted", i);
		ck_assert_ptr_null(d.handle);
		ck_assert_ptr_null(d.token);
		free(p);
	}
}
END_TEST

static const struct bad_res {
	const char	*name;
	struct hb_opq	 handle, token;
	int		 extra;		/* zero bytes appended (< 0: cut) */
} bad_res[] = {
	{ "handle 381", { 381, 381, 0 }, { 4, 4, 0 }, 0 },
	{ "handle 0xFFFFFFF0", { 0xFFFFFFF0u, 16, 0 }, { 4, 4, 0 }, 0 },
	{ "handle 0xFFFFFFFF", { 0xFFFFFFFFu, 16, 0 }, { 4, 4, 0 }, 0 },
	{ "token 0xFFFFFFF0", { 16, 16, 0 }, { 0xFFFFFFF0u, 8, 0 }, 0 },
	{ "token 0xFFFFFFFF", { 16, 16, 0 }, { 0xFFFFFFFFu, 8, 0 }, 0 },
	{ "token just past end", { 16, 16, 0 }, { 9, 8, 0 }, 0 },
	{ "token over cap", { 16, 16, 0 }, { 257, 257, 0 }, 0 },
	{ "handle pad not zero", { 15, 15, 0x01 }, { 4, 4, 0 }, 0 },
	{ "token pad not zero", { 16, 16, 0 }, { 6, 6, 0xFF }, 0 },
	{ "token padding cut", { 16, 16, 0 }, { 5, 5, 0 }, -2 },
	{ "trailing 4", { 16, 16, 0 }, { 4, 4, 0 }, 4 },
	{ "trailing 4, empty", { 0, 0, 0 }, { 0, 0, 0 }, 4 },
};

START_TEST(init_res_rejects)
{
	const struct bad_res *b = &bad_res[_i];
	struct rpcauth_init_res d;
	struct hb h = { .n = 0 };
	uint8_t *p;

	hb_opaque_letters(&h, &b->handle);
	hb_u32(&h, 0);
	hb_u32(&h, 0);
	hb_u32(&h, 128);
	hb_opaque_letters(&h, &b->token);
	hb_extra(&h, b->extra);
	p = exact(h.b, h.n);
	ck_assert_msg(init_res_decode(p, h.n, RPCAUTH_CRED_MAX_HANDLE, 256,
	    &d) == -1, "%s accepted", b->name);
	ck_assert_ptr_null(d.handle);
	ck_assert_uint_eq(d.token_len, 0);
	free(p);
}
END_TEST

START_TEST(sizes_refuse_huge)
{
	struct rpcauth_init_res r = { NULL, (size_t)INT_MAX, 0, 0, 0, NULL, 0 };

	ck_assert_uint_eq(init_arg_size((size_t)INT_MAX), 0);
	ck_assert_uint_eq(init_arg_size(SIZE_MAX), 0);
	ck_assert_uint_eq(init_res_size(&r), 0);
	r.handle_len = 0;
	r.token_len = SIZE_MAX;
	ck_assert_uint_eq(init_res_size(&r), 0);
	r.token_len = 0;
	ck_assert_uint_eq(init_res_size(&r), 20);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cred_xdr");

	CKLOOPS(cklist_tcase(s, "cred", 0), { cred_round_trip, NELEM(hlens) },
	    { cred_encode_refuses, 1 }, { cred_rejects, NELEM(bad_creds) },
	    { cred_pad_positions, 1 }, { cred_truncations, 1 });
	CKLOOPS(cklist_tcase(s, "init", 0),
	    { init_arg_round_trip, NELEM(toklens) },
	    { init_arg_rejects, NELEM(bad_args) },
	    { init_res_round_trip, 5 * 4 }, { init_res_rejects, NELEM(bad_res) },
	    { sizes_refuse_huge, 1 });
	return e2e_suite_run(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
