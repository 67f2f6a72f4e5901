/* tests/rawrpc.h - hand-made RPC calls and replies, for tests that send raw bytes */
#ifndef RPCAUTH_TESTS_RAWRPC_H
#define RPCAUTH_TESTS_RAWRPC_H

#include <stddef.h>
#include <stdint.h>

struct raw_call {
	uint32_t	 xid, prog, vers, proc;
	uint32_t	 cred_flavor;
	const uint8_t	*cred;
	size_t		 cred_len;
	uint32_t	 verf_flavor;
	const uint8_t	*verf;
	size_t		 verf_len;
	const uint8_t	*body;
	size_t		 body_len;
};

enum raw_kind {
	RAW_NOREPLY = 0,
	RAW_ACCEPTED,		/* accept_stat in .accept_stat */
	RAW_AUTH_ERROR,		/* auth_stat in .auth_stat */
	RAW_OTHER,
	RAW_IOERROR
};

struct raw_reply {
	enum raw_kind	 kind;
	uint32_t	 xid;
	uint32_t	 accept_stat;
	uint32_t	 auth_stat;
	uint32_t	 verf_flavor;
	uint8_t		 verf[400];
	size_t		 verf_len;
	uint8_t		*body;		/* malloc'd, after the accept_stat */
	size_t		 body_len;
};

/* The whole call message (no record mark). Returns its length, 0 if cap is short. */
size_t	raw_encode_call(const struct raw_call *c, uint8_t *buf, size_t cap);

int	raw_tcp_connect(int port);
int	raw_udp_socket(void);
/* Send one call and wait up to timeout_ms for the reply with the same xid. */
int	raw_exchange(int fd, int udp, int port, const uint8_t *msg, size_t len,
	    uint32_t xid, int timeout_ms, struct raw_reply *out);
/* One reply message (record mark removed) into *out; 0, or -1 if malformed. */
int	raw_parse_reply(const uint8_t *p, size_t len, struct raw_reply *out);
void	raw_reply_free(struct raw_reply *r);

struct srvproc;
/*
 * Stop a server that took raw traffic: it must exit by itself, with
 * status 0, on SIGTERM (under ASan: no memory error found in any case).
 * 0, or -1 with a line on stderr.
 */
int	raw_server_stop(struct srvproc *p);

#endif
