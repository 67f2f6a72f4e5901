/* rpcauth/ctxcache.h - the server's security contexts, found by random handle */
#ifndef RPCAUTH_CTXCACHE_H
#define RPCAUTH_CTXCACHE_H

#include <stdint.h>
#include <time.h>

#include "internal.h"
#include "secctx.h"
#include "seqwin.h"

struct svcctx {
	uint8_t		 handle[RPCAUTH_HANDLE_LEN];
	struct secctx	 sc;		/* GSS context; its lock also guards win */
	struct seqwin	 win;
	int		 established;
	time_t		 created;
	time_t		 expiry;	/* 0: no end */
	char		*principal;	/* display name of the initiator */
	gss_OID		 mech;
	uint32_t	 prog, vers;	/* of the INIT call */
	/* Below: guarded by the cache lock. */
	time_t		 last_use;
	unsigned	 refs;
	int		 linked;
	struct svcctx	*hnext;		/* hash chain */
	struct svcctx	*prev, *next;	/* LRU list of its kind */
};

struct ctxcache;

/* max: contexts kept at most; half_open_ttl: seconds a half-open one may live. */
struct ctxcache	*ctxcache_new(size_t max, int half_open_ttl);
void		 ctxcache_free(struct ctxcache *cc);

/*
 * Allocate a context with a fresh random handle and insert it (half-open),
 * evicting the oldest half-open, then the least recently used established
 * context when full.  Returns it with one reference for the caller, or NULL.
 */
struct svcctx	*ctxcache_create(struct ctxcache *cc, struct rpcauth_err *err);

/* Find by handle (constant-time compare); returns a new reference or NULL. */
struct svcctx	*ctxcache_find(struct ctxcache *cc, const uint8_t *h, size_t hlen);

/* Mark established (moves it to the established LRU list). */
void		 ctxcache_established(struct ctxcache *cc, struct svcctx *c);

/* Unlink from the table; it is freed when the last reference goes. Idempotent. */
void		 ctxcache_remove(struct ctxcache *cc, struct svcctx *c);

/* Drop a reference. */
void		 ctxcache_put(struct ctxcache *cc, struct svcctx *c);

size_t		 ctxcache_count(struct ctxcache *cc);

#endif
