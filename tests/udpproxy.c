/* tests/udpproxy.c - a UDP proxy thread that forges rejections and loses datagrams */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "rpcauth/rpcauth.h"
#include "udpproxy.h"

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* A call from a client: count it, then forge, lose or forward it. */
static void
px_call(struct proxy *px, const uint8_t *b, size_t n,
    const struct sockaddr_in *from)
{
	uint8_t forged[20];
	uint32_t xid = n >= 4 ? be32(b) : 0;
	int data = n >= 40 && be32(b + 24) == RPCAUTH_FLAVOR &&
	    be32(b + 36) == 0;

	if (data) {
		px->data++;
		px->copies = xid == px->last_xid ? px->copies + 1 : 1;
		px->last_xid = xid;
	} else
		px->ctl++;
	if (px->mode == PX_FORGE_ALL || ((px->mode == PX_FORGE_DATA ||
	    px->mode == PX_FORGE_ONCE) && data)) {
		if (px->mode == PX_FORGE_ONCE)
			px->mode = PX_PASS;
		put32(forged, xid);
		put32(forged + 4, 1);		/* REPLY */
		put32(forged + 8, 1);		/* MSG_DENIED */
		put32(forged + 12, 1);		/* AUTH_ERROR */
		put32(forged + 16, RPCSEC_GSS_CREDPROBLEM);
		(void)sendto(px->cfd, forged, sizeof(forged), 0,
		    (const struct sockaddr *)from, sizeof(*from));
		px->forged++;
		return;
	}
	if (px->mode == PX_GARBAGE_ONCE && data) {
		uint8_t g[24];
		put32(g, xid);
		put32(g + 4, 1);		/* REPLY */
		put32(g + 8, 0);		/* MSG_ACCEPTED */
		put32(g + 12, 0);		/* verifier AUTH_NONE */
		put32(g + 16, 0);		/* of length 0 */
		put32(g + 20, 4);		/* GARBAGE_ARGS */
		(void)sendto(px->cfd, g, sizeof(g), 0,
		    (const struct sockaddr *)from, sizeof(*from));
		px->forged++;
		px->mode = PX_PASS;
		return;
	}
	if (px->mode == PX_DROP_REQUEST && data) {
		px->lost_req++;
		px->mode = PX_PASS;
		return;
	}
	if (px->mode == PX_DROP_REPLY && data) {
		px->drop_xid = xid;
		px->mode = PX_PASS;
	}
	px->route[px->nroute % 64].xid = xid;
	px->route[px->nroute % 64].from = *from;
	px->nroute++;
	(void)send(px->sfd, b, n, 0);
}

static void
px_reply(struct proxy *px, const uint8_t *b, size_t n)
{
	uint32_t xid = n >= 4 ? be32(b) : 0;
	unsigned i;

	px->replies++;
	if (px->drop_xid != 0 && xid == px->drop_xid) {
		px->lost_rep++;
		px->drop_xid = 0;
		return;
	}
	for (i = 0; i < 64 && i < px->nroute; i++)
		if (px->route[i].xid == xid) {
			(void)sendto(px->cfd, b, n, 0,
			    (const struct sockaddr *)&px->route[i].from,
			    sizeof(px->route[i].from));
			return;
		}
}

static void *
px_main(void *arg)
{
	struct proxy *px = arg;
	uint8_t buf[70000];
	struct sockaddr_in from;
	socklen_t sl;
	ssize_t n;

	for (;;) {
		struct pollfd pf[2] = { { px->cfd, POLLIN, 0 },
		    { px->sfd, POLLIN, 0 } };

		if (poll(pf, 2, 50) < 0)
			continue;
		pthread_mutex_lock(&px->lock);
		if (px->stop) {
			pthread_mutex_unlock(&px->lock);
			break;
		}
		sl = sizeof(from);
		if (pf[0].revents && (n = recvfrom(px->cfd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &sl)) > 0)
			px_call(px, buf, (size_t)n, &from);
		if (pf[1].revents &&
		    (n = recv(px->sfd, buf, sizeof(buf), 0)) > 0)
			px_reply(px, buf, (size_t)n);
		pthread_mutex_unlock(&px->lock);
	}
	return NULL;
}

void
px_start(struct proxy *px, int server_port)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	memset(px, 0, sizeof(*px));
	pthread_mutex_init(&px->lock, NULL);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	px->cfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(bind(px->cfd, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(px->cfd, (struct sockaddr *)&sin, &sl), 0);
	px->port = ntohs(sin.sin_port);
	sin.sin_port = htons((uint16_t)server_port);
	px->sfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(connect(px->sfd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	ck_assert_int_eq(pthread_create(&px->th, NULL, px_main, px), 0);
}

void
px_set(struct proxy *px, enum px_mode mode)
{
	pthread_mutex_lock(&px->lock);
	px->mode = mode;
	px->data = px->ctl = px->forged = px->lost_req = px->lost_rep = 0;
	px->replies = px->copies = 0;
	px->last_xid = px->drop_xid = 0;
	pthread_mutex_unlock(&px->lock);
}

/* A consistent copy of the counters. */
struct proxy
px_get(struct proxy *px)
{
	struct proxy c;

	pthread_mutex_lock(&px->lock);
	c = *px;
	pthread_mutex_unlock(&px->lock);
	return c;
}

void
px_stop(struct proxy *px)
{
	pthread_mutex_lock(&px->lock);
	px->stop = 1;
	pthread_mutex_unlock(&px->lock);
	pthread_join(px->th, NULL);
	close(px->cfd);
	close(px->sfd);
}
