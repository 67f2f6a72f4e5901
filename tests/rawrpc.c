/* tests/rawrpc.c - hand-made RPC calls and replies, for tests that send raw bytes */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rawrpc.h"
#include "srvproc.h"
#include "xdrbuf.h"

size_t
raw_encode_call(const struct raw_call *c, uint8_t *buf, size_t cap)
{
	struct xdr_wr w;

	xdr_wr_init(&w, buf, cap);
	xdr_wr_u32(&w, c->xid);
	xdr_wr_u32(&w, 0);		/* CALL */
	xdr_wr_u32(&w, 2);
	xdr_wr_u32(&w, c->prog);
	xdr_wr_u32(&w, c->vers);
	xdr_wr_u32(&w, c->proc);
	xdr_wr_u32(&w, c->cred_flavor);
	xdr_wr_opaque(&w, c->cred, c->cred_len);
	xdr_wr_u32(&w, c->verf_flavor);
	xdr_wr_opaque(&w, c->verf, c->verf_len);
	if (c->body_len > 0)
		xdr_wr_fixed(&w, c->body, c->body_len);
	return xdr_wr_ok(&w) ? w.off : 0;
}

static int
lo_addr(struct sockaddr_in *sin, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return 0;
}

int
raw_tcp_connect(int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	lo_addr(&sin, port);
	if (fd >= 0)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int
raw_udp_socket(void)
{
	return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

/* Read exactly n bytes before the deadline; 0, or -1 on timeout/EOF. */
static int
read_full(int fd, uint8_t *p, size_t n, long long deadline)
{
	while (n > 0) {
		struct pollfd pf = { fd, POLLIN, 0 };
		long long left = deadline - srvproc_now_ms();
		ssize_t r;

		if (left <= 0 || poll(&pf, 1, (int)left) <= 0)
			return -1;
		if ((r = read(fd, p, n)) <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int
raw_parse_reply(const uint8_t *p, size_t len, struct raw_reply *out)
{
	struct xdr_rd r;
	const uint8_t *v, *rest;
	size_t vlen;
	uint32_t stat;

	xdr_rd_init(&r, p, len);
	out->xid = xdr_rd_u32(&r);
	if (xdr_rd_u32(&r) != 1)	/* REPLY */
		return -1;
	stat = xdr_rd_u32(&r);
	if (stat == 1) {		/* MSG_DENIED */
		if (xdr_rd_u32(&r) == 1) {	/* AUTH_ERROR */
			out->kind = RAW_AUTH_ERROR;
			out->auth_stat = xdr_rd_u32(&r);
		} else
			out->kind = RAW_OTHER;
		return xdr_rd_ok(&r) ? 0 : -1;
	}
	out->verf_flavor = xdr_rd_u32(&r);
	v = xdr_rd_opaque(&r, 400, &vlen);
	if (v != NULL)
		memcpy(out->verf, v, vlen);
	out->verf_len = vlen;
	out->accept_stat = xdr_rd_u32(&r);
	if (!xdr_rd_ok(&r))
		return -1;
	out->kind = RAW_ACCEPTED;
	out->body_len = xdr_rd_remaining(&r);
	rest = xdr_rd_fixed(&r, out->body_len);
	if ((out->body = malloc(out->body_len + 1)) == NULL)
		return -1;
	if (out->body_len > 0)
		memcpy(out->body, rest, out->body_len);
	return 0;
}

int
raw_exchange(int fd, int udp, int port, const uint8_t *msg, size_t len,
    uint32_t xid, int timeout_ms, struct raw_reply *out)
{
	long long deadline = srvproc_now_ms() + timeout_ms;
	uint8_t *buf = NULL;
	uint8_t mark[4];
	size_t rlen;

	memset(out, 0, sizeof(*out));
	if (udp) {
		struct sockaddr_in sin;

		lo_addr(&sin, port);
		if (sendto(fd, msg, len, 0, (struct sockaddr *)&sin,
		    sizeof(sin)) != (ssize_t)len) {
			out->kind = RAW_IOERROR;
			return -1;
		}
		if ((buf = malloc(70000)) == NULL)
			return -1;
		for (;;) {
			struct pollfd pf = { fd, POLLIN, 0 };
			long long left = deadline - srvproc_now_ms();
			ssize_t n;

			if (left <= 0 || poll(&pf, 1, (int)left) <= 0) {
				out->kind = RAW_NOREPLY;
				free(buf);
				return 0;
			}
			if ((n = recv(fd, buf, 70000, 0)) < 0)
				continue;
			if (raw_parse_reply(buf, (size_t)n, out) == 0 &&
			    out->xid == xid)
				break;
			raw_reply_free(out);
			memset(out, 0, sizeof(*out));
		}
		free(buf);
		return 0;
	}
	{
		uint8_t hdr[4] = { 0x80 | (uint8_t)(len >> 24),
		    (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len };

		if (write(fd, hdr, 4) != 4 ||
		    write(fd, msg, len) != (ssize_t)len) {
			out->kind = RAW_IOERROR;
			return -1;
		}
	}
	for (;;) {
		uint32_t m;
		int last;
		size_t total = 0;

		free(buf);
		buf = NULL;
		do {
			uint8_t *nb;

			if (read_full(fd, mark, 4, deadline) != 0) {
				free(buf);
				out->kind = RAW_NOREPLY;
				return 0;
			}
			m = ((uint32_t)mark[0] << 24) | ((uint32_t)mark[1] << 16) |
			    ((uint32_t)mark[2] << 8) | mark[3];
			last = (m & 0x80000000u) != 0;
			rlen = m & 0x7fffffffu;
			if (rlen > 64u * 1024 * 1024 ||
			    (nb = realloc(buf, total + rlen + 1)) == NULL) {
				free(buf);
				out->kind = RAW_IOERROR;
				return -1;
			}
			buf = nb;
			if (read_full(fd, buf + total, rlen, deadline) != 0) {
				free(buf);
				out->kind = RAW_NOREPLY;
				return 0;
			}
			total += rlen;
		} while (!last);
		if (raw_parse_reply(buf, total, out) == 0 && out->xid == xid)
			break;
		raw_reply_free(out);
		memset(out, 0, sizeof(*out));
	}
	free(buf);
	return 0;
}

void
raw_reply_free(struct raw_reply *r)
{
	free(r->body);
	r->body = NULL;
}

int
raw_server_stop(struct srvproc *p)
{
	int st = 0;

	if (srvproc_stop_clean(p, 10000, &st) == 0)
		return 0;
	fprintf(stderr, "demo server did not exit cleanly (status %#x): see "
	    "its stderr above\n", st);
	return -1;
}
