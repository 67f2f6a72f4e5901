/* tests/udpproxy.h - a UDP proxy thread that forges rejections and loses datagrams */
#ifndef RPCAUTH_TESTS_UDPPROXY_H
#define RPCAUTH_TESTS_UDPPROXY_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>

/*
 * Sits between rpcauth clients and a server on 127.0.0.1, in a thread of
 * the test process: clients talk to px->port.  DATA calls are told apart
 * from control calls by the credential (flavor RPCAUTH_FLAVOR, gss_proc
 * 0); the counters say what went through.
 */
enum px_mode {
	PX_PASS,
	PX_FORGE_DATA,		/* DATA calls get CREDPROBLEM */
	PX_FORGE_ALL,		/* every call does */
	PX_DROP_REQUEST,	/* lose the next DATA call, once */
	PX_DROP_REPLY,		/* lose the next DATA reply, once */
	PX_FORGE_ONCE,		/* the next DATA call gets CREDPROBLEM, once */
	PX_GARBAGE_ONCE		/* the next DATA call gets GARBAGE_ARGS with an
				   AUTH_NONE verifier (forged), once */
};

struct proxy {
	int		 cfd, sfd, port;
	pthread_t	 th;
	pthread_mutex_t	 lock;
	int		 stop;
	enum px_mode	 mode;
	unsigned	 data, ctl, forged, lost_req, lost_rep, replies;
	uint32_t	 last_xid;
	unsigned	 copies;	/* datagrams with last_xid */
	uint32_t	 drop_xid;	/* PX_DROP_REPLY: whose reply goes */
	struct { uint32_t xid; struct sockaddr_in from; } route[64];
	unsigned	 nroute;
};

/* Start on a free port, forwarding to server_port (ck_assert on failure). */
void		px_start(struct proxy *px, int server_port);
/* Switch mode and zero the counters. */
void		px_set(struct proxy *px, enum px_mode mode);
/* A consistent copy of the counters. */
struct proxy	px_get(struct proxy *px);
void		px_stop(struct proxy *px);

#endif
