/* rpcauth/seqwin.h - replay window for RPCSEC_GSS data calls */
/*
 * `top` is the highest sequence number recorded so far; bit i of `seen` is
 * set when top - i was recorded, for i < size (bits at size and above are
 * always clear).  Numbers above top slide the window, numbers in
 * (top - size, top] pass once, older ones are dropped without a reply
 * (RFC 2203 5.3.3.1).  Numbers above MAXSEQ are never legal.
 *
 * Check and record are separate on purpose: the caller checks, verifies the
 * header MIC, and only then records.  Recording first would let a forged
 * packet slide the window and lock the real client out.  No GSS, no I/O, no
 * locking: the caller serialises calls on one window.
 */
#ifndef RPCAUTH_SEQWIN_H
#define RPCAUTH_SEQWIN_H

#include "rename.h"

#include <stdint.h>

#define SEQWIN_MAX	1024	/* largest configurable window */
#define SEQWIN_DEFAULT	128	/* what Linux announces */

struct seqwin {
	uint32_t	size;	/* 1..SEQWIN_MAX */
	uint32_t	top;	/* meaningful once any is set */
	int		any;	/* something was recorded (0 is a valid seq) */
	uint64_t	seen[SEQWIN_MAX / 64];
};

enum seqwin_verdict {
	SEQWIN_FRESH,		/* above top, or the first ever: accept */
	SEQWIN_LATE_OK,		/* inside the window, not seen: accept */
	SEQWIN_TOO_OLD,		/* below the window: drop, no reply */
	SEQWIN_REPLAY,		/* inside the window, seen: drop, no reply */
	SEQWIN_BEYOND_MAXSEQ	/* over MAXSEQ: RPCSEC_GSS_CTXPROBLEM */
};

/* Empty window of `size`; -1 (and *w zeroed) if size is 0 or > SEQWIN_MAX. */
int			seqwin_init(struct seqwin *w, uint32_t size);
/* The verdict for seq; changes nothing. */
enum seqwin_verdict	seqwin_check(const struct seqwin *w, uint32_t seq);
/*
 * Mark seq as seen, sliding the window if seq is above top.  Call it only
 * after seqwin_check() said FRESH or LATE_OK and the header MIC verified;
 * for any other seq it does nothing.
 */
void			seqwin_record(struct seqwin *w, uint32_t seq);

#endif /* RPCAUTH_SEQWIN_H */
