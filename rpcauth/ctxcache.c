/* rpcauth/ctxcache.c - the server's security contexts, found by random handle */
/*
 * Invariant: every context in the table is on exactly one LRU list
 * (half-open or established) and one hash chain, and holds one reference
 * for the table.  A context is freed only when unlinked and unreferenced,
 * so a request that found it can finish even if DESTROY or eviction races.
 * Handles are RAND_bytes output: bearer secrets, compared in constant time.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ctxcache.h"

struct lru {
	struct svcctx	*head, *tail;	/* head = least recently used */
};

struct ctxcache {
	pthread_mutex_t	 lock;
	struct svcctx	**buckets;
	size_t		 nbuckets;	/* power of two */
	size_t		 count, max;
	int		 half_open_ttl;
	struct lru	 half_open, established;
};

static size_t
bucket_of(const struct ctxcache *cc, const uint8_t *h)
{
	uint64_t v;

	/* The handle is random: its first bytes are a fine hash. */
	memcpy(&v, h, sizeof(v));
	return (size_t)(v & (cc->nbuckets - 1));
}

static void
lru_unlink(struct lru *l, struct svcctx *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = NULL;
}

static void
lru_append(struct lru *l, struct svcctx *c)
{
	c->next = NULL;
	c->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

struct ctxcache *
ctxcache_new(size_t max, int half_open_ttl)
{
	struct ctxcache *cc;
	size_t n = 64;

	if ((cc = calloc(1, sizeof(*cc))) == NULL)
		return NULL;
	while (n < max && n < ((size_t)1 << 24))
		n <<= 1;
	if ((cc->buckets = calloc(n, sizeof(*cc->buckets))) == NULL) {
		free(cc);
		return NULL;
	}
	cc->nbuckets = n;
	cc->max = max > 0 ? max : 1;
	cc->half_open_ttl = half_open_ttl;
	pthread_mutex_init(&cc->lock, NULL);
	return cc;
}

static void
svcctx_free(struct svcctx *c)
{
	secctx_clear(&c->sc);
	free(c->principal);
	OPENSSL_cleanse(c->handle, sizeof(c->handle));
	free(c);
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
	lru_unlink(c->established ? &cc->established : &cc->half_open, c);
	c->linked = 0;
	cc->count--;
	c->refs--;			/* the table's reference */
}

/* Caller holds the lock; returns a context to free outside it, or NULL. */
static struct svcctx *
evict_one_locked(struct ctxcache *cc)
{
	struct svcctx *victim = cc->half_open.head;

	if (victim == NULL)
		victim = cc->established.head;
	if (victim == NULL)
		return NULL;
	unlink_locked(cc, victim);
	return victim->refs == 0 ? victim : NULL;
}

struct svcctx *
ctxcache_create(struct ctxcache *cc, struct rpcauth_err *err)
{
	struct svcctx *c, *victim = NULL, *old;
	time_t now = time(NULL);

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_NOMEM, "no memory for a context");
		return NULL;
	}
	secctx_init(&c->sc);
	/* A guessable handle would let anyone speak as this client. */
	if (RAND_bytes(c->handle, sizeof(c->handle)) != 1) {
		svcctx_free(c);
		rpcauth_err_set(err, RPCAUTH_E_SYSTEM, "RAND_bytes failed");
		return NULL;
	}
	c->created = c->last_use = now;
	pthread_mutex_lock(&cc->lock);
	/* Half-open contexts past their time to live go first. */
	while ((old = cc->half_open.head) != NULL &&
	    now - old->created > cc->half_open_ttl) {
		unlink_locked(cc, old);
		if (old->refs == 0) {
			pthread_mutex_unlock(&cc->lock);
			svcctx_free(old);
			pthread_mutex_lock(&cc->lock);
		}
	}
	if (cc->count >= cc->max)
		victim = evict_one_locked(cc);
	c->refs = 2;			/* the table's and the caller's */
	c->linked = 1;
	c->hnext = cc->buckets[bucket_of(cc, c->handle)];
	cc->buckets[bucket_of(cc, c->handle)] = c;
	lru_append(&cc->half_open, c);
	cc->count++;
	pthread_mutex_unlock(&cc->lock);
	if (victim != NULL)
		svcctx_free(victim);
	return c;
}

struct svcctx *
ctxcache_find(struct ctxcache *cc, const uint8_t *h, size_t hlen)
{
	struct svcctx *c, *found = NULL;

	if (hlen != RPCAUTH_HANDLE_LEN || h == NULL)
		return NULL;
	pthread_mutex_lock(&cc->lock);
	for (c = cc->buckets[bucket_of(cc, h)]; c != NULL; c = c->hnext)
		if (CRYPTO_memcmp(c->handle, h, RPCAUTH_HANDLE_LEN) == 0) {
			found = c;
			break;
		}
	if (found != NULL) {
		found->refs++;
		found->last_use = time(NULL);
		if (found->established) {
			lru_unlink(&cc->established, found);
			lru_append(&cc->established, found);
		}
	}
	pthread_mutex_unlock(&cc->lock);
	return found;
}

void
ctxcache_established(struct ctxcache *cc, struct svcctx *c)
{
	pthread_mutex_lock(&cc->lock);
	if (c->linked && !c->established) {
		lru_unlink(&cc->half_open, c);
		lru_append(&cc->established, c);
	}
	c->established = 1;
	pthread_mutex_unlock(&cc->lock);
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
	n = cc->count;
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
	pthread_mutex_destroy(&cc->lock);
	free(cc);
}
