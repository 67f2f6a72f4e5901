/* rpcauth/ctxcache.h - the server's security contexts, found by random handle */
#ifndef RPCAUTH_CTXCACHE_H
#define RPCAUTH_CTXCACHE_H

#include <stdint.h>
#include <time.h>

#include "idmap.h"
#include "internal.h"
#include "secctx.h"
#include "seqwin.h"

/* A source address as the cache counts it (ctxcache_create_from). */
#define CTXCACHE_SRC_LEN	16

/*
 * One server context.  Three kinds of fields, by who may touch them when:
 * - fixed: written by the handshake leg that creates or completes the
 *   context (svc_handshake.c, svc_caller.c) before ctxcache_established()
 *   publishes it under the cache lock; read-only afterwards, no lock;
 * - the context's: guarded by the lock inside sc, reached only through
 *   secctx.h calls (the window through secctx_check_call, the caller state
 *   through secctx_with_lock sections in svc_caller.c); they are kept
 *   under that lock, not one of their own: the window must move in the
 *   same section as the header MIC, and the caller state takes a few
 *   reads per call at most (the authorize lookup, rpcauth_svc_caller),
 *   each one short section, never one that calls the application;
 * - the cache's: guarded by the cache lock (ctxcache.c).
 */
struct svcctx {
	uint8_t		 handle[RPCAUTH_HANDLE_LEN];	/* fixed at creation */
	struct secctx	 sc;		/* the GSS context and its lock */
	/* The context's: set up empty by the completing leg, then moved by
	 * secctx_check_call only (check, header MIC, record). */
	struct seqwin	 win;
	int		 established;	/* the cache's: ctxcache_find_est */
	time_t		 created;	/* fixed at creation */
	time_t		 expiry;	/* fixed; 0: no end */
	char		*principal;	/* fixed: display name of the initiator */
	gss_OID		 mech;		/* fixed: the negotiated (inner) one */
	uint32_t	 prog, vers;	/* fixed: of the INIT call */
	/* Fixed: the address the completing leg came from (svc_peer_key);
	 * an NTLM context answers only calls from there (svc_auth.c). */
	uint8_t		 peer[CTXCACHE_SRC_LEN];
	int		 peer_known;
	gss_OID		 wire_mech;	/* fixed: what the client spoke */
	/* The context's: the local account, looked up on first use
	 * (svc_caller.c); until then ident_done is 0 and src holds the name
	 * (set when fixed, released by the lookup or the release). */
	struct idmap_ident ident;	/* inline, not freed */
	int		 ident_done;
	gss_name_t	 src;
	/* The context's: from the authorize callback; handed to cookie_free
	 * once, by the release. */
	void		*cookie;
	/*
	 * The context's: the authorize callback's last decisions for this
	 * context, by the program, version and service it was shown
	 * (svc_caller.c).  The first is the one made at establishment and is
	 * never replaced.
	 */
	struct svc_authz {
		uint32_t	 prog, vers, service;
		int		 allowed;
	}		 authz[4];
	unsigned	 authz_n, authz_next;
	/*
	 * Fixed.  Called by svcctx_free() first, before anything is freed,
	 * when set: releases what the server files attached (the cookie).
	 */
	void		(*release)(struct svcctx *c);
	/* The cache's. */
	struct ctxsrc	*origin;	/* half-open: its source's entry */
	time_t		 last_use;
	unsigned	 refs;
	int		 linked;
	size_t		 heap_idx;	/* in the expiry heap; SIZE_MAX: not */
	struct svcctx	*hnext;		/* hash chain */
	/* On two lists (ctxcache.c): [0] the LRU list of its kind, [1] a
	 * half-open context's source's list. */
	struct svcctx_link {
		struct svcctx	*prev, *next;
	}		 on[2];
};

struct ctxcache;
struct ctxsrc;


/*
 * max: contexts kept at most, half-open and established together (values
 * under 2 count as 2).  One eighth of it (at least one) is reserved for
 * half-open contexts and the rest for established ones, so that INITs from
 * strangers, which anyone can send, only ever push out other half-open
 * contexts and never an authenticated client's.  half_open_ttl: seconds a
 * half-open context may live; older ones are reaped on the next create.
 */
struct ctxcache	*ctxcache_new(size_t max, int half_open_ttl);
/* Frees every context; no reference may be held any more.  NULL is fine. */
void		 ctxcache_free(struct ctxcache *cc);

/*
 * Allocate a context with a fresh random handle and insert it (half-open).
 * Half-open contexts past their time to live go first; when the half-open
 * share is still full, the oldest half-open context is evicted.  Expired
 * established contexts are reaped here too, a few per call.  Returns it
 * with one reference for the caller, or NULL (err filled; err may be NULL).
 */
struct svcctx	*ctxcache_create(struct ctxcache *cc, struct rpcauth_err *err);

/*
 * The same for an INIT from `src` (an IPv4 address as ::ffff:a.b.c.d, an
 * IPv6 one cut to its /64; NULL: unknown, as ctxcache_create).  Half-open
 * contexts cost the server a slot and an unauthenticated sender nothing,
 * so they are shared out by source: one source holds at most
 * max_half_open / 16 of them (at least 1; its own oldest goes first), and
 * when the half-open share is full the oldest context of the source that
 * holds the most goes, not the oldest of all.  A flood from few
 * addresses thus only churns its own slots; pushing out a client that
 * holds one slot takes as many flooding addresses as the share has slots.
 */
struct svcctx	*ctxcache_create_from(struct ctxcache *cc, const uint8_t *src,
		    struct rpcauth_err *err);

/*
 * Find by handle in O(1) (hash on the random handle, constant-time
 * compare); returns a new reference or NULL.  Counts as a use for LRU.
 */
struct svcctx	*ctxcache_find(struct ctxcache *cc, const uint8_t *h,
		    size_t hlen);
/* The same, with whether it was established, read under the table lock. */
struct svcctx	*ctxcache_find_est(struct ctxcache *cc, const uint8_t *h,
		    size_t hlen, int *established);

/*
 * Mark established: c->expiry must be set already.  Moves it to the
 * established share; when that is full, an expired context goes, else the
 * least recently used one.  A context evicted meanwhile stays unlinked.
 */
void		 ctxcache_established(struct ctxcache *cc, struct svcctx *c);

/* Unlink from the table; freed when the last reference goes.  Idempotent. */
void		 ctxcache_remove(struct ctxcache *cc, struct svcctx *c);

/* Drop a reference.  NULL is fine. */
void		 ctxcache_put(struct ctxcache *cc, struct svcctx *c);

/* Contexts in the table: all of them, and the half-open ones. */
size_t		 ctxcache_count(struct ctxcache *cc);
size_t		 ctxcache_count_half_open(struct ctxcache *cc);
/* Half-open contexts held by one source, and the bound on that. */
size_t		 ctxcache_count_from(struct ctxcache *cc, const uint8_t *src);
size_t		 ctxcache_max_per_source(struct ctxcache *cc);

#endif
