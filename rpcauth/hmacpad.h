/* rpcauth/hmacpad.h - HMAC with its padded key hashed once, restarted by copy */
#ifndef RPCAUTH_HMACPAD_H
#define RPCAUTH_HMACPAD_H

#include "rename.h"

#include <stddef.h>
#include <stdint.h>

#define HMACPAD_MAX_MD	64

enum hmacpad_alg { HMACPAD_SHA1, HMACPAD_SHA256, HMACPAD_SHA384 };

struct hmacpad;

/* Piece of a message: HMAC runs over the concatenation. */
struct hmacpad_piece {
	const void	*p;
	size_t		 len;
};

/* A key for alg; NULL when out of memory or alg is unknown. */
struct hmacpad	*hmacpad_new(enum hmacpad_alg alg, const uint8_t *key,
		    size_t keylen);
/* Wipes the key state. */
void		 hmacpad_free(struct hmacpad *h);
/*
 * An HMAC computed piece by piece, so that it can run over each chunk of a
 * message while that chunk is in cache for the cipher too
 * (krb5_crypto.c).  Storage for the hash state of any alg.
 */
struct hmacpad_ctx {
	const struct hmacpad	*h;	/* read by hmacpad_finish only */
	enum hmacpad_alg	 alg;	/* so that updates never touch h */
	uint64_t		 state[32];
};
void		 hmacpad_start(const struct hmacpad *h, struct hmacpad_ctx *c);
void		 hmacpad_update(struct hmacpad_ctx *c, const void *p, size_t n);
/* md gets the full digest (20, 32 or 48 bytes); c is wiped. */
void		 hmacpad_finish(struct hmacpad_ctx *c,
		    uint8_t md[HMACPAD_MAX_MD]);

/* md gets the full digest (20, 32 or 48 bytes); 0, or -1. */
int		 hmacpad_run(const struct hmacpad *h,
		    const struct hmacpad_piece *pieces, size_t n,
		    uint8_t md[HMACPAD_MAX_MD]);

#endif
