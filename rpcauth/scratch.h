/* rpcauth/scratch.h - per-thread buffers reused by every call's body */
#ifndef RPCAUTH_SCRATCH_H
#define RPCAUTH_SCRATCH_H

#include "rename.h"

#include <stddef.h>
#include <stdint.h>

/* One buffer per use, so that they can be in use at once. */
enum scratch_id {
	SCRATCH_PLAIN,		/* {seq, body} being sent */
	SCRATCH_TOKEN,		/* its Wrap token */
	SCRATCH_BODY,		/* a received body or token */
	SCRATCH_OPEN,		/* what that token unwrapped to */
	SCRATCH_COUNT
};

struct scratch {
	uint8_t		*p;
	size_t		 cap;
	size_t		 used;		/* what release wipes */
	uint8_t		*keep;		/* the thread's own buffer */
	size_t		 keep_cap;
	uint8_t		*big;		/* kept for a run of large bodies */
	size_t		 big_cap;
};

/* The calling thread's SCRATCH_COUNT buffers, indexed by enum scratch_id;
 * NULL when out of memory. */
struct scratch	*scratch_thread(void);
/*
 * At least n bytes at s->p, keeping the first s->used bytes (so a body
 * may grow as it arrives).  Up to SCRATCH_KEEP bytes live on between
 * calls; a larger request gets a second buffer, kept while the calls that
 * follow need it too, freed by the first release of a call that did not.
 * NULL when out of memory (s is then as before).
 */
#define SCRATCH_KEEP	(256 * 1024)
uint8_t		*scratch_reserve(struct scratch *s, size_t n);
/* Done: wipe the bytes used if `wipe`; free the large buffer if this call
 * did not use it. */
void		 scratch_release(struct scratch *s, int wipe);

/*
 * For a scratch of the caller's own (zeroed struct, not scratch_thread()):
 * take hands over the current buffer (free() it) and frees the other;
 * discard wipes the bytes used if `wipe` and frees both.
 */
uint8_t		*scratch_take(struct scratch *s);
void		 scratch_discard(struct scratch *s, int wipe);

#endif
