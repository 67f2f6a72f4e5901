/* tests/rawhand.h - RPCSEC_GSS handshakes and DATA calls made by hand */
/*
 * For tests that need what the library's client never sends: half-open
 * contexts, chosen mechanisms, junk header MICs, replays.  The caller runs
 * gss_init_sec_context itself (its flags and credentials are part of what
 * it tests); this file makes the RPC messages around the tokens, to a
 * service demo@localhost on 127.0.0.1 over TCP (rawrpc.h).
 */
#ifndef RPCAUTH_TESTS_RAWHAND_H
#define RPCAUTH_TESTS_RAWHAND_H

#include <stddef.h>
#include <stdint.h>

#include <gssapi/gssapi.h>

#include "cred_xdr.h"
#include "rawrpc.h"

struct rawhand {
	int		 fd, port;
	uint32_t	 prog, vers;
	gss_ctx_id_t	 ctx;
	gss_name_t	 target;	/* demo@localhost */
	uint8_t		 handle[RPCAUTH_CRED_MAX_HANDLE];
	size_t		 handle_len;
	uint32_t	 window;	/* set by the caller from the last leg */
	uint32_t	 xid;		/* of the last call made */
};

/* Arguments of a DATA call: none (service none), or {seq} under integrity
 * with its MIC made after the header's, as a client must (NTLM numbers its
 * MICs); RAWHAND_INTEG_BAD spoils that checksum. */
enum rawhand_body { RAWHAND_NONE, RAWHAND_INTEG, RAWHAND_INTEG_BAD };

/* h set up for prog/vers on 127.0.0.1:port over fd (a connected TCP
 * socket h now owns; Check assertions), xids counting from xid0 + 1. */
void	rawhand_open(struct rawhand *h, int fd, int port, uint32_t prog,
	    uint32_t vers, uint32_t xid0);
/* Delete the context, release the name, close the socket. */
void	rawhand_close(struct rawhand *h);

/* An INIT (hlen 0) or CONTINUE_INIT call carrying tok, to NULLPROC of
 * prog/vers, into msg; its length (Check assertions). */
size_t	rawhand_init_call(uint32_t xid, uint32_t prog, uint32_t vers,
	    const uint8_t *handle, size_t hlen, const void *tok, size_t toklen,
	    uint8_t *msg, size_t cap);

/* One INIT / CONTINUE_INIT leg with tok: the reply must be accepted, its
 * init_res decodes into *res (borrowing from rep->body), and a handle in
 * it becomes h's. */
void	rawhand_leg(struct rawhand *h, const gss_buffer_t tok,
	    struct raw_reply *rep, struct rpcauth_init_res *res);

/* A DATA call of proc with seq under h's handle into msg; its length.
 * The header MIC is made with h->ctx, or is junk_len bytes of junk when
 * junk_len > 0. */
size_t	rawhand_data_call(struct rawhand *h, uint32_t proc, uint32_t seq,
	    size_t junk_len, enum rawhand_body body, uint8_t *msg, size_t cap);

/* The reply's verifier is MIC(value) from the server's side of h->ctx. */
int	rawhand_verf_ok(const struct rawhand *h, const struct raw_reply *rep,
	    uint32_t value);

#endif
