/* tests/handxdr.h - hand-built inputs for the codec unit tests */
/*
 * Hostile inputs are written by hand, never with the encoders under test,
 * and every parse reads from a heap copy of exactly the input's length so
 * that ASan sees a read one byte past the end.  Header-only: each codec
 * test is one file with no library of its own.
 */
#ifndef RPCAUTH_TESTS_HANDXDR_H
#define RPCAUTH_TESTS_HANDXDR_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A hand encoder: XDR words and opaques appended to b[0..n). */
struct hb {
	uint8_t	b[8192];
	size_t	n;
};

static inline void
hb_u32(struct hb *h, uint32_t v)
{
	ck_assert_uint_le(h->n + 4, sizeof(h->b));
	h->b[h->n++] = (uint8_t)(v >> 24);
	h->b[h->n++] = (uint8_t)(v >> 16);
	h->b[h->n++] = (uint8_t)(v >> 8);
	h->b[h->n++] = (uint8_t)v;
}

/* XDR padding: `padbyte` (zero when well-formed) up to a multiple of 4. */
static inline void
hb_pad(struct hb *h, uint8_t padbyte)
{
	while (h->n % 4 != 0)
		h->b[h->n++] = padbyte;
}

/* n bytes seed, seed+1, ... (mod 256), then pad to 4 with `padbyte`. */
static inline void
hb_bytes(struct hb *h, size_t n, uint8_t seed, uint8_t padbyte)
{
	size_t i;

	ck_assert_uint_le(h->n + n + 3, sizeof(h->b));
	for (i = 0; i < n; i++)
		h->b[h->n++] = (uint8_t)(seed + i);
	hb_pad(h, padbyte);
}

/* Byte i of a recognisable text pattern: 'A'..'Z' over and over. */
static inline uint8_t
hb_letter(size_t i)
{
	return (uint8_t)(0x41 + i % 26);
}

/* n bytes of the hb_letter() pattern, then pad to 4 with `padbyte`. */
static inline void
hb_letters(struct hb *h, size_t n, uint8_t padbyte)
{
	size_t i;

	ck_assert_uint_le(h->n + n + 3, sizeof(h->b));
	for (i = 0; i < n; i++)
		h->b[h->n++] = hb_letter(i);
	hb_pad(h, padbyte);
}

/*
 * An XDR opaque as a hostile peer writes it: the length its field claims,
 * the bytes that actually follow, and the byte they are padded with.
 */
struct hb_opq {
	uint32_t	len_field;
	size_t		bytes;
	uint8_t		padbyte;
};

/* The opaque o, its bytes seed, seed+1, ... (hb_bytes). */
static inline void
hb_opaque(struct hb *h, const struct hb_opq *o, uint8_t seed)
{
	hb_u32(h, o->len_field);
	hb_bytes(h, o->bytes, seed, o->padbyte);
}

/* The opaque o, its bytes the hb_letter() pattern. */
static inline void
hb_opaque_letters(struct hb *h, const struct hb_opq *o)
{
	hb_u32(h, o->len_field);
	hb_letters(h, o->bytes, o->padbyte);
}

/* The end of a hostile record: `extra` zero bytes appended (< 0: cut). */
static inline void
hb_extra(struct hb *h, int extra)
{
	ck_assert_int_ge((long)h->n + extra, 0);
	ck_assert_uint_le(h->n + (size_t)(extra > 0 ? extra : 0),
	    sizeof(h->b));
	h->n = (size_t)((long)h->n + extra);
}

/* Heap copy of exactly len bytes; malloc(0) may be NULL, so keep one. */
static inline uint8_t *
exact(const void *src, size_t len)
{
	uint8_t *p = malloc(len > 0 ? len : 1);

	ck_assert_ptr_nonnull(p);
	if (len > 0)
		memcpy(p, src, len);
	return p;
}

/*
 * An opaque a decoder handed out: got_len is len, and got is NULL when it
 * is empty, else borrowed (points at `at`, inside the input) and holds want.
 */
static inline void
ck_borrowed(const void *got, size_t got_len, const void *at,
    const void *want, size_t len)
{
	ck_assert_uint_eq(got_len, len);
	if (len == 0)
		ck_assert_ptr_null(got);
	else {
		ck_assert_ptr_eq(got, at);
		ck_assert_mem_eq(got, want, len);
	}
}

/* Hex to bytes; blanks are ignored.  Returns the length. */
static inline size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n')
			continue;
		v = *s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10;
		ck_assert_msg(v >= 0 && v < 16, "bad hex digit '%c'", *s);
		if (hi < 0) {
			hi = v;
			continue;
		}
		ck_assert_uint_lt(n, cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	ck_assert_int_lt(hi, 0);
	return n;
}

#endif
