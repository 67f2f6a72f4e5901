/* rpcauth/seqwin.c - replay window for RPCSEC_GSS data calls */
/*
 * Invariant (see seqwin.h): bit i of seen, i < size, is set iff top - i was
 * recorded; bits at size and above are clear.  Bit i lives in seen[i / 64]
 * at position i % 64, so sliding the window up by d moves every bit to a
 * higher index: a left shift across words.
 */
#include "config.h"

#include <string.h>

#include "internal.h"
#include "seqwin.h"

_Static_assert(SEQWIN_MAX % 64 == 0, "seen[] holds whole words");

/* Words of seen[] in use for a window of w->size. */
static uint32_t
nwords(const struct seqwin *w)
{
	return (w->size + 63) / 64;
}

static int
bit_isset(const struct seqwin *w, uint32_t i)
{
	return (w->seen[i / 64] >> (i % 64)) & 1;
}

/* Clear the bits at size and above in the last word in use. */
static void
trim(struct seqwin *w)
{
	uint32_t last = nwords(w) - 1, keep = w->size - last * 64;

	/* keep is 1..64; a shift by 64 would be undefined. */
	if (keep < 64)
		w->seen[last] &= ((uint64_t)1 << keep) - 1;
}

/* Move every bit up by d, 0 < d < size, dropping what leaves the window. */
static void
slide(struct seqwin *w, uint32_t d)
{
	uint32_t ws = d / 64, bs = d % 64, j, n = nwords(w);
	uint64_t v;

	for (j = n; j-- > 0;) {
		v = 0;
		if (j >= ws) {
			v = w->seen[j - ws] << bs;
			/* bs == 0 would shift by 64: those bits stay put. */
			if (bs != 0 && j > ws)
				v |= w->seen[j - ws - 1] >> (64 - bs);
		}
		w->seen[j] = v;
	}
	trim(w);
}

int
seqwin_init(struct seqwin *w, uint32_t size)
{
	memset(w, 0, sizeof(*w));
	if (size == 0 || size > SEQWIN_MAX)
		return -1;
	w->size = size;
	return 0;
}

enum seqwin_verdict
seqwin_check(const struct seqwin *w, uint32_t seq)
{
	uint32_t d;

	/* RFC 2203 5.3.3.1: MAXSEQ itself is legal, anything above is not. */
	if (seq > RPCAUTH_MAXSEQ)
		return SEQWIN_BEYOND_MAXSEQ;
	if (!w->any || seq > w->top)
		return SEQWIN_FRESH;
	/* seq <= top here, so d does not wrap; when top < size every d
	 * is below size and nothing counts as too old. */
	d = w->top - seq;
	if (d >= w->size)
		return SEQWIN_TOO_OLD;
	return bit_isset(w, d) ? SEQWIN_REPLAY : SEQWIN_LATE_OK;
}

void
seqwin_record(struct seqwin *w, uint32_t seq)
{
	uint32_t d;

	if (seq > RPCAUTH_MAXSEQ || w->size == 0)
		return;
	if (!w->any || seq > w->top) {
		d = w->any ? seq - w->top : w->size;
		/* A jump of a whole window or more forgets everything. */
		if (d >= w->size)
			memset(w->seen, 0, sizeof(w->seen));
		else
			slide(w, d);
		w->top = seq;
		w->any = 1;
		w->seen[0] |= 1;
		return;
	}
	d = w->top - seq;
	if (d < w->size)
		w->seen[d / 64] |= (uint64_t)1 << (d % 64);
}
