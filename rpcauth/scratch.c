/* rpcauth/scratch.c - per-thread buffers reused by every call's body */
/*
 * Each call encodes, signs or seals, and decodes a body: without reuse
 * that is several heap allocations and frees of the body's size per call.
 * The buffers belong to the thread (a call runs in one thread from start
 * to end), grow to SCRATCH_KEEP at most and stay.  A larger body gets a
 * second buffer, kept as long as consecutive calls need one: freeing and
 * allocating megabytes per call costs a page fault per 4 KiB, about as
 * much as the cipher (docs/PERFORMANCE.md).  The first call that does not
 * need it frees it (a call at service none too: scratch_trim), so a thread
 * keeps SCRATCH_COUNT * SCRATCH_KEEP bytes once large bodies stop, and one
 * large buffer per use while they flow, or while the thread makes no call
 * after them (at most SCRATCH_COUNT times the largest body the caller
 * allows: max_body).  Freed when the thread exits.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "scratch.h"

/*
 * Plaintext of up to max_body bytes is wiped at the end of every call:
 * glibc's explicit_bzero is memset (vector stores) that the compiler may
 * not drop, several times faster over megabytes than OPENSSL_cleanse's
 * word loop (3% of a 1 MiB privacy call's CPU, docs/PERFORMANCE.md).
 */
static void
wipe_bytes(void *p, size_t n)
{
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, n);
#else
	OPENSSL_cleanse(p, n);
#endif
}

static __thread struct scratch *mine;	/* SCRATCH_COUNT of them */
static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int key_ok;

static void
thread_gone(void *v)
{
	struct scratch *s = v;
	int i;

	for (i = 0; i < SCRATCH_COUNT; i++)
		scratch_discard(&s[i], 0);
	free(s);
}

static void
make_key(void)
{
	key_ok = pthread_key_create(&key, thread_gone) == 0;
}

struct scratch *
scratch_thread(void)
{
	if (mine == NULL) {
		(void)pthread_once(&once, make_key);
		if (!key_ok || (mine = calloc(SCRATCH_COUNT,
		    sizeof(*mine))) == NULL)
			return NULL;
		/* The key only frees them at thread exit. */
		(void)pthread_setspecific(key, mine);
	}
	return mine;
}

void
scratch_trim(void)
{
	int i;

	if (mine == NULL)
		return;
	for (i = 0; i < SCRATCH_COUNT; i++)
		if (mine[i].big != NULL && mine[i].p != mine[i].big) {
			free(mine[i].big);
			mine[i].big = NULL;
			mine[i].big_cap = 0;
		}
}

uint8_t *
scratch_reserve(struct scratch *s, size_t n)
{
	uint8_t *np;
	size_t ncap;
	int in_big;

	if (n <= s->cap)
		return s->p;
	if (n <= SCRATCH_KEEP && s->p == s->keep) {
		/* Grow the thread's own buffer, geometrically. */
		ncap = s->keep_cap == 0 ? 4096 : s->keep_cap;
		while (ncap < n)
			ncap *= 2;
		if (ncap > SCRATCH_KEEP)
			ncap = SCRATCH_KEEP;
		if ((np = realloc(s->keep, ncap)) == NULL)
			return NULL;
		s->keep = s->p = np;
		s->keep_cap = s->cap = ncap;
		return np;
	}
	/* The large buffer: exactly as large as asked, reused when it fits. */
	in_big = s->big != NULL && s->p == s->big;
	if (n > s->big_cap) {
		if (in_big) {
			if ((np = realloc(s->big, n)) == NULL)
				return NULL;
		} else {
			if ((np = malloc(n)) == NULL)
				return NULL;
			free(s->big);
		}
		s->big = np;
		s->big_cap = n;
	}
	if (!in_big && s->used > 0)
		memcpy(s->big, s->p, s->used);
	s->p = s->big;
	s->cap = s->big_cap;
	return s->p;
}

void
scratch_release(struct scratch *s, int wipe)
{
	if (s == NULL)
		return;
	if (wipe && s->used > 0)
		wipe_bytes(s->p, s->used);
	if (s->big != NULL && s->p != s->big) {
		free(s->big);
		s->big = NULL;
		s->big_cap = 0;
	}
	s->p = s->keep;
	s->cap = s->keep_cap;
	s->used = 0;
}

uint8_t *
scratch_take(struct scratch *s)
{
	uint8_t *p = s->p;

	if (s->keep != p)
		free(s->keep);
	if (s->big != p)
		free(s->big);
	memset(s, 0, sizeof(*s));
	return p;
}

void
scratch_discard(struct scratch *s, int wipe)
{
	if (wipe && s->used > 0)
		wipe_bytes(s->p, s->used);
	free(s->big);
	free(s->keep);
	memset(s, 0, sizeof(*s));
}
