/* rpcauth/ctxcache.c - the server's security contexts, found by random handle */
/*
 * Invariant: every context in the table is on exactly one LRU list
 * (half-open or established) and one hash chain, is counted in n_half_open
 * or n_established accordingly, sits in the expiry heap iff it is
 * established with an expiry, and holds one reference for the table.
 * n_half_open <= max_half_open and n_established <= max_established at all
 * times, so the table never holds more than max_half_open + max_established
 * = max contexts.  A context is freed only when unlinked and unreferenced,
 * so a request that found it can finish even if DESTROY or eviction races.
 * Handles are RAND_bytes output: bearer secrets, compared in constant time.
 *
 * Why two shares: an INIT costs an attacker nothing and needs no
 * credentials.  If a new half-open context could push out an established
 * one, a flood of garbage INITs would log every real client out.  So
 * half-open contexts only ever displace each other (oldest first, and those
 * past their time to live before anything else), and established ones are
 * displaced only when another context completes its handshake: expired
 * ones first (a min-heap on expiry), then the least recently used.
 *
 * Within the half-open share, sources are treated alike rather than
 * first come (docs/SECURITY.md 8): a context made for a known source
 * (ctxcache_create_from) is on its source's list, each source is on the
 * list of sources holding as many half-open contexts (by_count), and
 * max_count is the largest such number.  A source at its bound loses its
 * own oldest context; a full share loses the oldest context of a source
 * at max_count.  So a flood of INITs from a few addresses (which needs no
 * credentials) cannot push out a multi-leg handshake (NTLM) from another.
 *
 * Everything under the lock is O(1) or O(log n) (the heap); contexts are
 * freed (gss_delete_sec_context) only after the lock is released.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ctxcache.h"

/* Expired established contexts reaped per create, at most: bounded work. */
#define REAP_STEP	4
/* Victims one call may have to free after dropping the lock. */
#define VICTIMS_MAX	(REAP_STEP + 8)

/* The two lists a context is on: svcctx.on[ON_USE] and .on[ON_SOURCE]. */
#define ON_USE		0	/* its kind's LRU list: head least recently used */
#define ON_SOURCE	1	/* its source's half-open list: head oldest */

struct ctxlist {
	struct svcctx	*head, *tail;
};

/* One source's half-open contexts; exists while it holds at least one. */
struct ctxsrc {
	uint8_t		 key[CTXCACHE_SRC_LEN];
	size_t		 n;
	struct ctxlist	 ctxs;		/* creation order: head is oldest */
	struct ctxsrc	*hnext;		/* hash chain */
	struct ctxsrc	*cprev, *cnext;	/* by_count[n] list */
};

struct ctxcache {
	pthread_mutex_t	 lock;
	struct svcctx	**buckets;
	size_t		 nbuckets;	/* power of two */
	size_t		 max_half_open, max_established;
	size_t		 n_half_open, n_established;
	int		 half_open_ttl;
	struct ctxlist	 half_open, established;
	struct svcctx	**heap;		/* min-heap: established, by expiry */
	size_t		 heap_len;	/* capacity: max_established */
	/* Sources of half-open contexts (see the top). */
	struct ctxsrc	**sbuckets;
	size_t		 nsbuckets;	/* power of two */
	uint64_t	 seed[2];	/* keys the source hash */
	size_t		 max_per_source;
	struct ctxsrc	**by_count;	/* [1 .. max_per_source] */
	size_t		 max_count;
};

/* Contexts to free once the lock is dropped. */
struct victims {
	struct svcctx	*v[VICTIMS_MAX];
	size_t		 n;
};

static size_t
bucket_of(const struct ctxcache *cc, const uint8_t *h)
{
	uint64_t v;

	/* The handle is random and chosen by us: its first bytes are a fine
	 * hash, and an attacker's made-up handle only walks one short chain. */
	memcpy(&v, h, sizeof(v));
	return (size_t)(v & (cc->nbuckets - 1));
}

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Source addresses are the sender's choice: the hash is keyed. */
static size_t
sbucket_of(const struct ctxcache *cc, const uint8_t *key)
{
	uint64_t a, b;

	memcpy(&a, key, sizeof(a));
	memcpy(&b, key + 8, sizeof(b));
	return (size_t)(mix64(mix64(a ^ cc->seed[0]) ^ b ^ cc->seed[1]) &
	    (cc->nsbuckets - 1));
}

static void
count_unlink(struct ctxcache *cc, struct ctxsrc *s)
{
	if (s->cprev != NULL)
		s->cprev->cnext = s->cnext;
	else
		cc->by_count[s->n] = s->cnext;
	if (s->cnext != NULL)
		s->cnext->cprev = s->cprev;
	s->cprev = s->cnext = NULL;
}

static void
count_link(struct ctxcache *cc, struct ctxsrc *s)
{
	s->cprev = NULL;
	s->cnext = cc->by_count[s->n];
	if (s->cnext != NULL)
		s->cnext->cprev = s;
	cc->by_count[s->n] = s;
	if (s->n > cc->max_count)
		cc->max_count = s->n;
}

static struct ctxsrc *
src_find(struct ctxcache *cc, const uint8_t *key)
{
	struct ctxsrc *s;

	for (s = cc->sbuckets[sbucket_of(cc, key)]; s != NULL; s = s->hnext)
		if (CRYPTO_memcmp(s->key, key, CTXCACHE_SRC_LEN) == 0)
			return s;
	return NULL;
}

/* The entry of `key`, made when absent; NULL only when out of memory. */
static struct ctxsrc *
src_get(struct ctxcache *cc, const uint8_t *key)
{
	struct ctxsrc *s;
	size_t b = sbucket_of(cc, key);

	if ((s = src_find(cc, key)) != NULL)
		return s;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	memcpy(s->key, key, CTXCACHE_SRC_LEN);
	s->hnext = cc->sbuckets[b];
	cc->sbuckets[b] = s;
	return s;
}

static void
list_unlink(struct ctxlist *l, struct svcctx *c, int on)
{
	struct svcctx_link *me = &c->on[on];

	if (me->prev != NULL)
		me->prev->on[on].next = me->next;
	else
		l->head = me->next;
	if (me->next != NULL)
		me->next->on[on].prev = me->prev;
	else
		l->tail = me->prev;
	me->prev = me->next = NULL;
}

static void
list_append(struct ctxlist *l, struct svcctx *c, int on)
{
	c->on[on].next = NULL;
	c->on[on].prev = l->tail;
	if (l->tail != NULL)
		l->tail->on[on].next = c;
	else
		l->head = c;
	l->tail = c;
}

/* Append c to its source (which has room: n < max_per_source). */
static void
src_add(struct ctxcache *cc, struct ctxsrc *s, struct svcctx *c)
{
	if (s->n > 0)
		count_unlink(cc, s);
	c->origin = s;
	list_append(&s->ctxs, c, ON_SOURCE);
	s->n++;
	count_link(cc, s);
}

/* Take c off its source; the entry goes with its last context. */
static void
src_remove(struct ctxcache *cc, struct svcctx *c)
{
	struct ctxsrc *s = c->origin, **pp;

	if (s == NULL)
		return;
	list_unlink(&s->ctxs, c, ON_SOURCE);
	c->origin = NULL;
	count_unlink(cc, s);
	s->n--;
	if (s->n > 0)
		count_link(cc, s);
	/* The source moved down one list: max_count goes down one at most. */
	while (cc->max_count > 0 && cc->by_count[cc->max_count] == NULL)
		cc->max_count--;
	if (s->n > 0)
		return;
	for (pp = &cc->sbuckets[sbucket_of(cc, s->key)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == s) {
			*pp = s->hnext;
			break;
		}
	free(s);
}

/* Min-heap on expiry.  Caller holds the lock. */
static void
heap_set(struct ctxcache *cc, size_t i, struct svcctx *c)
{
	cc->heap[i] = c;
	c->heap_idx = i;
}

static void
heap_up(struct ctxcache *cc, size_t i)
{
	struct svcctx *c = cc->heap[i];

	while (i > 0 && cc->heap[(i - 1) / 2]->expiry > c->expiry) {
		heap_set(cc, i, cc->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(cc, i, c);
}

static void
heap_down(struct ctxcache *cc, size_t i)
{
	struct svcctx *c = cc->heap[i];
	size_t k;

	for (;;) {
		k = 2 * i + 1;
		if (k >= cc->heap_len)
			break;
		if (k + 1 < cc->heap_len &&
		    cc->heap[k + 1]->expiry < cc->heap[k]->expiry)
			k++;
		if (cc->heap[k]->expiry >= c->expiry)
			break;
		heap_set(cc, i, cc->heap[k]);
		i = k;
	}
	heap_set(cc, i, c);
}

static void
heap_insert(struct ctxcache *cc, struct svcctx *c)
{
	/* Room is guaranteed: heap_len <= n_established <= max_established. */
	heap_set(cc, cc->heap_len++, c);
	heap_up(cc, c->heap_idx);
}

static void
heap_delete(struct ctxcache *cc, struct svcctx *c)
{
	size_t i = c->heap_idx;
	struct svcctx *last;

	if (i == SIZE_MAX)
		return;
	c->heap_idx = SIZE_MAX;
	last = cc->heap[--cc->heap_len];
	cc->heap[cc->heap_len] = NULL;
	if (last == c)
		return;
	heap_set(cc, i, last);
	heap_up(cc, i);
	heap_down(cc, last->heap_idx);
}

struct ctxcache *
ctxcache_new(size_t max, int half_open_ttl)
{
	struct ctxcache *cc;
	size_t n = 64;

	if (max < 2)
		max = 2;
	if ((cc = calloc(1, sizeof(*cc))) == NULL)
		return NULL;
	cc->max_half_open = max / 8 > 0 ? max / 8 : 1;
	cc->max_established = max - cc->max_half_open;
	/* About one context per bucket: chains stay short, lookup O(1). */
	while (n < max && n < ((size_t)1 << 24))
		n <<= 1;
	cc->buckets = calloc(n, sizeof(*cc->buckets));
	cc->heap = calloc(cc->max_established, sizeof(*cc->heap));
	cc->max_per_source = cc->max_half_open / 16 > 0 ?
	    cc->max_half_open / 16 : 1;
	cc->by_count = calloc(cc->max_per_source + 1, sizeof(*cc->by_count));
	for (cc->nsbuckets = 16; cc->nsbuckets < cc->max_half_open;
	    cc->nsbuckets <<= 1)
		;
	cc->sbuckets = calloc(cc->nsbuckets, sizeof(*cc->sbuckets));
	if (cc->buckets == NULL || cc->heap == NULL || cc->by_count == NULL ||
	    cc->sbuckets == NULL ||
	    RAND_bytes((unsigned char *)cc->seed, sizeof(cc->seed)) != 1) {
		free(cc->buckets);
		free(cc->heap);
		free(cc->by_count);
		free(cc->sbuckets);
		free(cc);
		return NULL;
	}
	cc->nbuckets = n;
	cc->half_open_ttl = half_open_ttl;
	pthread_mutex_init(&cc->lock, NULL);
	return cc;
}

static void
svcctx_free(struct svcctx *c)
{
	if (c->release != NULL)
		c->release(c);
	secctx_clear(&c->sc);
	free(c->principal);
	OPENSSL_cleanse(c->handle, sizeof(c->handle));
	free(c);
}

static void
victims_free(struct victims *vs)
{
	size_t i;

	for (i = 0; i < vs->n; i++)
		svcctx_free(vs->v[i]);
	vs->n = 0;
}

/* Caller holds the lock. */
static void
unlink_locked(struct ctxcache *cc, struct svcctx *c)
{
	struct svcctx **pp;

	if (!c->linked)
		return;
	for (pp = &cc->buckets[bucket_of(cc, c->handle)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	c->hnext = NULL;
	if (c->established) {
		list_unlink(&cc->established, c, ON_USE);
		heap_delete(cc, c);
		cc->n_established--;
	} else {
		list_unlink(&cc->half_open, c, ON_USE);
		src_remove(cc, c);
		cc->n_half_open--;
	}
	c->linked = 0;
	c->refs--;			/* the table's reference */
}

/* Unlink c; if nobody else holds it, queue it to be freed after unlock. */
static void
evict_locked(struct ctxcache *cc, struct svcctx *c, struct victims *vs)
{
	unlink_locked(cc, c);
	if (c->refs == 0)
		vs->v[vs->n++] = c;
}

/* Caller holds the lock.  Bounded work; leaves one slot in vs free. */
static void
reap_locked(struct ctxcache *cc, time_t now, struct victims *vs)
{
	struct svcctx *old;
	int i;

	/* Half-open: creation order, so the head is the oldest. */
	while ((old = cc->half_open.head) != NULL &&
	    now - old->created > cc->half_open_ttl && vs->n < VICTIMS_MAX - 1)
		evict_locked(cc, old, vs);
	for (i = 0; i < REAP_STEP && cc->heap_len > 0 &&
	    now >= cc->heap[0]->expiry && vs->n < VICTIMS_MAX - 1; i++)
		evict_locked(cc, cc->heap[0], vs);
}

struct svcctx *
ctxcache_create(struct ctxcache *cc, struct rpcauth_err *err)
{
	return ctxcache_create_from(cc, NULL, err);
}

/* Make room for one half-open context from s (NULL: unknown source). */
static void
half_open_room(struct ctxcache *cc, struct ctxsrc *s, struct victims *vs)
{
	struct svcctx *victim;

	if (s != NULL && s->n >= cc->max_per_source) {
		/* At its bound: a source only displaces itself. */
		evict_locked(cc, s->ctxs.head, vs);
		return;
	}
	if (cc->n_half_open < cc->max_half_open || cc->half_open.head == NULL)
		return;
	/* Full: the oldest of a source that holds the most, when some
	 * source holds more than one; else the oldest of all. */
	victim = cc->max_count > 1 ? cc->by_count[cc->max_count]->ctxs.head :
	    cc->half_open.head;
	evict_locked(cc, victim, vs);
}

struct svcctx *
ctxcache_create_from(struct ctxcache *cc, const uint8_t *src,
    struct rpcauth_err *err)
{
	struct victims vs = { { NULL }, 0 };
	struct ctxsrc *s = NULL;
	struct svcctx *c;
	time_t now = time(NULL);

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_NOMEM,
		    "no memory for a context");
		return NULL;
	}
	secctx_init(&c->sc);
	c->heap_idx = SIZE_MAX;
	/* A guessable handle would let anyone speak as this client. */
	if (RAND_bytes(c->handle, sizeof(c->handle)) != 1) {
		svcctx_free(c);
		rpcauth_err_set(err, RPCAUTH_E_SYSTEM, "no random bytes for "
		    "a context handle (RAND_bytes failed)");
		return NULL;
	}
	c->created = c->last_use = now;
	pthread_mutex_lock(&cc->lock);
	reap_locked(cc, now, &vs);
	/* Strangers' INITs only displace each other (see the top).  The
	 * source's entry may go with the context evicted: looked up again. */
	half_open_room(cc, src != NULL ? src_find(cc, src) : NULL, &vs);
	if (src != NULL && (s = src_get(cc, src)) == NULL) {
		pthread_mutex_unlock(&cc->lock);
		victims_free(&vs);
		svcctx_free(c);
		rpcauth_err_set(err, RPCAUTH_E_NOMEM,
		    "no memory for a context");
		return NULL;
	}
	if (s != NULL)
		src_add(cc, s, c);
	c->refs = 2;			/* the table's and the caller's */
	c->linked = 1;
	c->hnext = cc->buckets[bucket_of(cc, c->handle)];
	cc->buckets[bucket_of(cc, c->handle)] = c;
	list_append(&cc->half_open, c, ON_USE);
	cc->n_half_open++;
	pthread_mutex_unlock(&cc->lock);
	victims_free(&vs);
	return c;
}

struct svcctx *
ctxcache_find(struct ctxcache *cc, const uint8_t *h, size_t hlen)
{
	return ctxcache_find_est(cc, h, hlen, NULL);
}

struct svcctx *
ctxcache_find_est(struct ctxcache *cc, const uint8_t *h, size_t hlen,
    int *established)
{
	struct svcctx *c, *found = NULL;

	if (established != NULL)
		*established = 0;
	if (hlen != RPCAUTH_HANDLE_LEN || h == NULL)
		return NULL;
	pthread_mutex_lock(&cc->lock);
	/* Walk the whole chain: the time taken must not depend on where, or
	 * whether, the handle matched. */
	for (c = cc->buckets[bucket_of(cc, h)]; c != NULL; c = c->hnext)
		if (CRYPTO_memcmp(c->handle, h, RPCAUTH_HANDLE_LEN) == 0 &&
		    found == NULL)
			found = c;
	if (found != NULL) {
		found->refs++;
		found->last_use = time(NULL);
		if (found->established) {
			list_unlink(&cc->established, found, ON_USE);
			list_append(&cc->established, found, ON_USE);
		}
		if (established != NULL)
			*established = found->established;
	}
	pthread_mutex_unlock(&cc->lock);
	return found;
}

void
ctxcache_established(struct ctxcache *cc, struct svcctx *c)
{
	struct victims vs = { { NULL }, 0 };
	struct svcctx *victim;
	time_t now = time(NULL);

	pthread_mutex_lock(&cc->lock);
	if (c->linked && !c->established) {
		list_unlink(&cc->half_open, c, ON_USE);
		src_remove(cc, c);
		cc->n_half_open--;
		if (cc->n_established >= cc->max_established) {
			/* An expired context is worth nothing: first out. */
			if (cc->heap_len > 0 && now >= cc->heap[0]->expiry)
				victim = cc->heap[0];
			else
				victim = cc->established.head;
			evict_locked(cc, victim, &vs);
		}
		list_append(&cc->established, c, ON_USE);
		cc->n_established++;
		if (c->expiry != 0)
			heap_insert(cc, c);
	}
	/* Before the unlock: unlink_locked() reads it to find c's share. */
	c->established = 1;
	pthread_mutex_unlock(&cc->lock);
	victims_free(&vs);
}

void
ctxcache_remove(struct ctxcache *cc, struct svcctx *c)
{
	int last;

	pthread_mutex_lock(&cc->lock);
	unlink_locked(cc, c);
	last = (c->refs == 0);
	pthread_mutex_unlock(&cc->lock);
	if (last)
		svcctx_free(c);
}

void
ctxcache_put(struct ctxcache *cc, struct svcctx *c)
{
	int last;

	if (c == NULL)
		return;
	pthread_mutex_lock(&cc->lock);
	last = (--c->refs == 0);
	pthread_mutex_unlock(&cc->lock);
	if (last)
		svcctx_free(c);
}

size_t
ctxcache_count(struct ctxcache *cc)
{
	size_t n;

	pthread_mutex_lock(&cc->lock);
	n = cc->n_half_open + cc->n_established;
	pthread_mutex_unlock(&cc->lock);
	return n;
}

size_t
ctxcache_count_from(struct ctxcache *cc, const uint8_t *src)
{
	struct ctxsrc *s;
	size_t n = 0;

	pthread_mutex_lock(&cc->lock);
	if ((s = src_find(cc, src)) != NULL)
		n = s->n;
	pthread_mutex_unlock(&cc->lock);
	return n;
}

size_t
ctxcache_max_per_source(struct ctxcache *cc)
{
	return cc->max_per_source;
}

size_t
ctxcache_count_half_open(struct ctxcache *cc)
{
	size_t n;

	pthread_mutex_lock(&cc->lock);
	n = cc->n_half_open;
	pthread_mutex_unlock(&cc->lock);
	return n;
}

void
ctxcache_free(struct ctxcache *cc)
{
	struct svcctx *c;
	size_t i;

	if (cc == NULL)
		return;
	for (i = 0; i < cc->nbuckets; i++)
		while ((c = cc->buckets[i]) != NULL) {
			unlink_locked(cc, c);
			if (c->refs == 0)
				svcctx_free(c);
		}
	free(cc->buckets);
	free(cc->heap);
	free(cc->by_count);
	free(cc->sbuckets);
	pthread_mutex_destroy(&cc->lock);
	free(cc);
}
