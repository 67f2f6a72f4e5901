/* tests/check_replyforge.c - an on-path attacker between the client and real servers */
/*
 * A TCP proxy thread sits between rpcauth's client (the library API over
 * a CLIENT to the proxy's port) and a real server: the demo server, or
 * libtirpc's own RPCSEC_GSS server (gss_interop_server, flavor 6).  It
 * forwards records both ways, logs the credential of every call (gss_proc,
 * seq, service) and keeps the verifier of the handshake's final reply,
 * MIC(seq_window).  Depending on its mode it answers some calls itself:
 *
 *	FORGE_WINDOW	the (window + 1)th DATA call of a context, the one
 *			whose seq was the window (docs/SECURITY.md, 1): the
 *			call is swallowed and answered with SUCCESS, the
 *			handshake's MIC as the verifier and, at integrity, a
 *			void body be32(seq) + that MIC;
 *	FORGE_RENEW	the second DATA call gets AUTH_ERROR/CREDPROBLEM, and
 *			the next INIT (the client's new context) gets
 *			AUTH_ERROR/AUTH_REJECTEDCRED;
 *	FORGE_SPLIT	the reply to the first DATA call is delivered in two
 *			pieces, the second after the client gave up waiting
 *			(nothing forged: a slow network);
 *	FORGE_CRED_SPLIT_DESTROY  the second DATA call gets CREDPROBLEM (once), and
 *			every DESTROY reply comes in two pieces as above;
 *	FORGE_CRED_SPLIT_INIT  the same CREDPROBLEM, and the reply to the
 *			INIT that follows it comes in two pieces;
 *	FORGE_RUN_TWICE	every ECHO reaches the server; on each connection
 *			its first reply is replaced by a forged CREDPROBLEM,
 *			and the connection is reset after the second.
 *
 * Also here, from finding 13: the messages for a service principal that
 * the KDC's policy refuses and for a ticket the server is not, and DESTROY
 * answered with a bare void body by libtirpc's server.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clnt_internal.h"
#include "cred_xdr.h"
#include "demofs.h"
#include "e2e.h"
#include "srvproc.h"
#include "init_xdr.h"
#include "rawrpc.h"
#include "xdrbuf.h"
#include "cklist.h"

#define KADMIN_LOCAL	"/usr/sbin/kadmin.local"
#define MAX_CONN	8
#define MAX_SEQS	4096
#define REC_MAX		(1024 * 1024)
#define FORGED_STATS	0x41414141u

#define WIRE_AUTH_REJECTEDCRED	2u
#define WIRE_CREDPROBLEM	13u

static struct testbed *bed;
static struct srvproc demo, interop;
static int demo_port, interop_port;

/* ---- the proxy ---------------------------------------------------------- */

enum forge_mode { FORGE_NONE, FORGE_WINDOW, FORGE_RENEW, FORGE_GARBAGE,
	FORGE_SPLIT, FORGE_CRED_SPLIT_DESTROY, FORGE_CRED_SPLIT_INIT,
	FORGE_RUN_TWICE };

/* FORGE_SPLIT: the first DATA reply's first bytes, then a pause longer
 * than the client's timeout, then the rest. */
#define SPLIT_AT	20
#define SPLIT_PAUSE_US	2500000

struct proxy {
	int		 lfd;
	int		 port;
	int		 server_port;
	enum forge_mode	 mode;
	pthread_t	 acceptor;
	pthread_t	 conn[MAX_CONN];
	int		 fds[MAX_CONN][2];
	int		 nconn;
	int		 stop;
	pthread_mutex_t	 mu;
	/* What was seen, under mu. */
	int		 have_init;
	uint32_t	 window;
	uint8_t		 init_verf[400];
	size_t		 init_verf_len;
	uint32_t	 data_calls;	/* of the current context */
	uint32_t	 seqs[MAX_SEQS];	/* of DATA and DESTROY calls */
	size_t		 nseqs;
	int		 inits;
	int		 forged;
	int		 destroys;
	int		 destroy_replies;
};

/* One record, fragments joined, into buf; its length or -1. */
static ssize_t
read_record(int fd, uint8_t *buf, size_t cap)
{
	uint8_t mark[4];
	size_t len = 0, flen;
	int last;

	do {
		if (srvproc_read_all(fd, mark, 4) != 0)
			return -1;
		last = (mark[0] & 0x80) != 0;
		flen = (size_t)(mark[0] & 0x7f) << 24 | (size_t)mark[1] << 16 |
		    (size_t)mark[2] << 8 | mark[3];
		if (flen > cap - len || srvproc_read_all(fd, buf + len, flen) != 0)
			return -1;
		len += flen;
	} while (!last);
	return (ssize_t)len;
}

static int
write_record(int fd, const uint8_t *p, size_t len)
{
	uint8_t mark[4] = { 0x80 | (uint8_t)(len >> 24), (uint8_t)(len >> 16),
	    (uint8_t)(len >> 8), (uint8_t)len };

	return srvproc_write_all(fd, mark, 4) == 0 && srvproc_write_all(fd, p, len) == 0 ?
	    0 : -1;
}

/* One record in two writes, SPLIT_PAUSE_US apart. */
static int
write_split(int fd, const uint8_t *p, size_t len)
{
	uint8_t mark[4] = { 0x80 | (uint8_t)(len >> 24), (uint8_t)(len >> 16),
	    (uint8_t)(len >> 8), (uint8_t)len };

	if (len <= SPLIT_AT || srvproc_write_all(fd, mark, 4) != 0 ||
	    srvproc_write_all(fd, p, SPLIT_AT) != 0)
		return -1;
	usleep(SPLIT_PAUSE_US);
	return srvproc_write_all(fd, p + SPLIT_AT, len - SPLIT_AT);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The credential of a call record; 0, or -1 if it is not RPCSEC_GSS-like. */
static int
call_cred(const uint8_t *p, size_t len, uint32_t *xid, uint32_t *proc,
    uint32_t *flavor, struct rpcauth_cred *c)
{
	size_t clen;

	if (len < 32)
		return -1;
	*xid = be32(p);
	*proc = be32(p + 20);
	*flavor = be32(p + 24);
	clen = be32(p + 28);
	if (clen > 400 || 32 + clen > len)
		return -1;
	return cred_decode(p + 32, clen, c);
}

/* SUCCESS, the handshake's MIC as verifier, and the body for `c`. */
static size_t
forge_success(struct proxy *px, uint32_t xid, uint32_t flavor, uint32_t proc,
    const struct rpcauth_cred *c, uint8_t *out, size_t cap)
{
	struct xdr_wr w;
	uint8_t seq[4] = { c->seq >> 24, c->seq >> 16, c->seq >> 8, c->seq };

	xdr_wr_init(&w, out, cap);
	xdr_wr_u32(&w, xid);
	xdr_wr_u32(&w, 1);		/* REPLY */
	xdr_wr_u32(&w, 0);		/* MSG_ACCEPTED */
	xdr_wr_u32(&w, flavor);
	xdr_wr_opaque(&w, px->init_verf, px->init_verf_len);
	xdr_wr_u32(&w, 0);		/* SUCCESS */
	if (c->service == RPCAUTH_SVC_INTEGRITY) {
		/* void results: databody_integ is be32(seq) alone. */
		xdr_wr_opaque(&w, seq, sizeof(seq));
		xdr_wr_opaque(&w, px->init_verf, px->init_verf_len);
	} else if (proc == DEMOFS_STATS) {
		xdr_wr_u32(&w, 0);
		xdr_wr_u32(&w, FORGED_STATS);
	}
	ck_assert(xdr_wr_ok(&w));
	return w.off;
}

static size_t
forge_denied(uint32_t xid, uint32_t why, uint8_t *out, size_t cap)
{
	struct xdr_wr w;

	xdr_wr_init(&w, out, cap);
	xdr_wr_u32(&w, xid);
	xdr_wr_u32(&w, 1);		/* REPLY */
	xdr_wr_u32(&w, 1);		/* MSG_DENIED */
	xdr_wr_u32(&w, 1);		/* AUTH_ERROR */
	xdr_wr_u32(&w, why);
	ck_assert(xdr_wr_ok(&w));
	return w.off;
}

/* MSG_ACCEPTED / GARBAGE_ARGS with an AUTH_NONE verifier: not the server's. */
static size_t
forge_garbage(uint32_t xid, uint8_t *out, size_t cap)
{
	struct xdr_wr w;

	xdr_wr_init(&w, out, cap);
	xdr_wr_u32(&w, xid);
	xdr_wr_u32(&w, 1);		/* REPLY */
	xdr_wr_u32(&w, 0);		/* MSG_ACCEPTED */
	xdr_wr_u32(&w, 0);		/* verifier AUTH_NONE */
	xdr_wr_u32(&w, 0);		/* of length 0 */
	xdr_wr_u32(&w, 4);		/* GARBAGE_ARGS */
	ck_assert(xdr_wr_ok(&w));
	return w.off;
}

/* The final handshake reply: keep its verifier and the window. */
static void
note_init_reply(struct proxy *px, const uint8_t *p, size_t len)
{
	struct rpcauth_init_res res;
	struct raw_reply rep;

	memset(&rep, 0, sizeof(rep));
	if (raw_parse_reply(p, len, &rep) == 0 && rep.kind == RAW_ACCEPTED &&
	    rep.accept_stat == 0 && rep.verf_flavor != 0 &&
	    rep.verf_len > 0 && init_res_decode(rep.body, rep.body_len,
	    RPCAUTH_CRED_MAX_HANDLE, REC_MAX, &res) == 0 && res.major == 0) {
		memcpy(px->init_verf, rep.verf, rep.verf_len);
		px->init_verf_len = rep.verf_len;
		px->window = res.window;
		px->have_init = 1;
		px->data_calls = 0;
	}
	raw_reply_free(&rep);
}

struct conn_arg {
	struct proxy	*px;
	int		 cfd, sfd;
};

static void *
conn_main(void *v)
{
	struct conn_arg *a = v;
	struct proxy *px = a->px;
	struct rpcauth_cred c;
	uint8_t *buf = malloc(REC_MAX), out[1024];
	uint32_t xid = 0, proc = 0, flavor = 0;
	ssize_t n;
	size_t olen;
	int gss, forge, echoes = 0;

	while (buf != NULL && (n = read_record(a->cfd, buf, REC_MAX)) > 0) {
		gss = call_cred(buf, (size_t)n, &xid, &proc, &flavor, &c) == 0;
		forge = 0;
		olen = 0;
		pthread_mutex_lock(&px->mu);
		if (gss && (c.gss_proc == RPCAUTH_GSS_DATA ||
		    c.gss_proc == RPCAUTH_GSS_DESTROY) && px->nseqs < MAX_SEQS)
			px->seqs[px->nseqs++] = c.seq;
		if (gss && c.gss_proc == RPCAUTH_GSS_INIT)
			px->inits++;
		if (gss && c.gss_proc == RPCAUTH_GSS_DESTROY)
			px->destroys++;
		if (gss && c.gss_proc == RPCAUTH_GSS_DATA) {
			px->data_calls++;
			if (px->mode == FORGE_WINDOW && px->have_init &&
			    px->data_calls == px->window + 1) {
				olen = forge_success(px, xid, flavor, proc, &c,
				    out, sizeof(out));
				forge = 1;
			} else if (px->mode == FORGE_GARBAGE &&
			    px->data_calls == 2) {
				olen = forge_garbage(xid, out, sizeof(out));
				forge = 1;
			} else if ((px->mode == FORGE_RENEW ||
			    ((px->mode == FORGE_CRED_SPLIT_DESTROY ||
			    px->mode == FORGE_CRED_SPLIT_INIT) &&
			    px->forged == 0)) && px->data_calls == 2) {
				olen = forge_denied(xid, WIRE_CREDPROBLEM, out,
				    sizeof(out));
				forge = 1;
			}
		}
		if (gss && c.gss_proc == RPCAUTH_GSS_INIT &&
		    px->mode == FORGE_RENEW && px->inits > 1) {
			olen = forge_denied(xid, WIRE_AUTH_REJECTEDCRED, out,
			    sizeof(out));
			forge = 1;
		}
		if (forge)
			px->forged++;
		pthread_mutex_unlock(&px->mu);
		if (forge) {
			if (write_record(a->cfd, out, olen) != 0)
				break;
			continue;
		}
		if (write_record(a->sfd, buf, (size_t)n) != 0)
			break;
		if ((n = read_record(a->sfd, buf, REC_MAX)) <= 0)
			break;
		pthread_mutex_lock(&px->mu);
		if (gss && (c.gss_proc == RPCAUTH_GSS_INIT ||
		    c.gss_proc == RPCAUTH_GSS_CONTINUE_INIT))
			note_init_reply(px, buf, (size_t)n);
		if (gss && c.gss_proc == RPCAUTH_GSS_DESTROY)
			px->destroy_replies++;
		pthread_mutex_unlock(&px->mu);
		if (px->mode == FORGE_RUN_TWICE && gss &&
		    c.gss_proc == RPCAUTH_GSS_DATA && proc == DEMOFS_ECHO) {
			/* The server ran it; the client is told otherwise. */
			if (++echoes % 2 == 0)
				break;		/* the reset */
			olen = forge_denied(xid, WIRE_CREDPROBLEM, out,
			    sizeof(out));
			if (write_record(a->cfd, out, olen) != 0)
				break;
			continue;
		}
		if ((px->mode == FORGE_SPLIT && gss &&
		    c.gss_proc == RPCAUTH_GSS_DATA && px->data_calls == 1) ||
		    (px->mode == FORGE_CRED_SPLIT_DESTROY && gss &&
		    c.gss_proc == RPCAUTH_GSS_DESTROY) ||
		    (px->mode == FORGE_CRED_SPLIT_INIT && gss &&
		    c.gss_proc == RPCAUTH_GSS_INIT && px->inits > 1)) {
			if (write_split(a->cfd, buf, (size_t)n) != 0)
				break;
			continue;
		}
		if (write_record(a->cfd, buf, (size_t)n) != 0)
			break;
	}
	free(buf);
	free(a);
	return NULL;
}

static int
lo_connect(int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void *
accept_main(void *v)
{
	struct proxy *px = v;
	struct pollfd pf = { px->lfd, POLLIN, 0 };
	struct conn_arg *a;
	int cfd, sfd;

	for (;;) {
		pthread_mutex_lock(&px->mu);
		if (px->stop) {
			pthread_mutex_unlock(&px->mu);
			break;
		}
		pthread_mutex_unlock(&px->mu);
		if (poll(&pf, 1, 100) <= 0)
			continue;
		if ((cfd = accept4(px->lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		if ((sfd = lo_connect(px->server_port)) < 0 ||
		    (a = malloc(sizeof(*a))) == NULL) {
			close(cfd);
			if (sfd >= 0)
				close(sfd);
			continue;
		}
		a->px = px;
		a->cfd = cfd;
		a->sfd = sfd;
		pthread_mutex_lock(&px->mu);
		if (px->nconn < MAX_CONN && pthread_create(&px->conn[px->nconn],
		    NULL, conn_main, a) == 0) {
			px->fds[px->nconn][0] = cfd;
			px->fds[px->nconn][1] = sfd;
			px->nconn++;
		} else {
			close(cfd);
			close(sfd);
			free(a);
		}
		pthread_mutex_unlock(&px->mu);
	}
	return NULL;
}

static void
proxy_start(struct proxy *px, int server_port, enum forge_mode mode)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	memset(px, 0, sizeof(*px));
	pthread_mutex_init(&px->mu, NULL);
	px->server_port = server_port;
	px->mode = mode;
	px->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(px->lfd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(px->lfd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	ck_assert_int_eq(listen(px->lfd, 8), 0);
	ck_assert_int_eq(getsockname(px->lfd, (struct sockaddr *)&sin, &sl),
	    0);
	px->port = ntohs(sin.sin_port);
	ck_assert_int_eq(pthread_create(&px->acceptor, NULL, accept_main, px),
	    0);
}

static void
proxy_stop(struct proxy *px)
{
	int i;

	pthread_mutex_lock(&px->mu);
	px->stop = 1;
	pthread_mutex_unlock(&px->mu);
	pthread_join(px->acceptor, NULL);
	for (i = 0; i < px->nconn; i++) {
		shutdown(px->fds[i][0], SHUT_RDWR);
		shutdown(px->fds[i][1], SHUT_RDWR);
		pthread_join(px->conn[i], NULL);
		close(px->fds[i][0]);
		close(px->fds[i][1]);
	}
	close(px->lfd);
	pthread_mutex_destroy(&px->mu);
}

/* ---- helpers ------------------------------------------------------------- */

static CLIENT *
via_proxy(struct proxy *px, enum rpcauth_service svc, uint32_t flavor)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_client_opts o;
	CLIENT *cl = e2e_clnt(px->port, 0);

	ck_assert_msg(cl != NULL, "no CLIENT to the proxy");
	rpcauth_client_opts_init(&o);
	o.service = svc;
	o.flavor = flavor;
	o.handshake_timeout_ms = 10000;
	ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", &o,
	    &err) != NULL, "handshake through the proxy: %s",
	    err.msg != NULL ? err.msg : "?");
	pthread_mutex_lock(&px->mu);
	ck_assert_msg(px->have_init, "the proxy saw no final handshake reply");
	pthread_mutex_unlock(&px->mu);
	return cl;
}

static const char *
autherr(CLIENT *cl)
{
	const char *s = rpcauth_auth_error(cl->cl_auth);

	return s != NULL ? s : "(none)";
}

/* One call: STATS at service none (any results can be forged), NULLPROC
 * otherwise (void results: the body is be32(seq) + MIC).  1 if it passed. */
static int
one_call(CLIENT *cl, enum rpcauth_service svc, uint64_t *stats_out)
{
	struct timeval tv = { 10, 0 };
	u_quad_t *r;

	if (svc == RPCAUTH_SVC_NONE) {
		r = demofs_stats_1(NULL, cl);
		if (r != NULL && stats_out != NULL)
			*stats_out = *r;
		return r != NULL;
	}
	return clnt_call(cl, NULLPROC, (xdrproc_t)xdr_nothing, NULL,
	    (xdrproc_t)xdr_nothing, NULL, tv) == RPC_SUCCESS;
}

static void
fastpath(int on)
{
	if (on)
		unsetenv("RPCAUTH_KRB5_FASTPATH");
	else
		setenv("RPCAUTH_KRB5_FASTPATH", "0", 1);
}

/* ---- finding 1: the handshake's MIC as a reply ---------------------------- */

/*
 * _i: bit 0 integrity (else none), bit 1 GSS path (else the fast path).
 * The (window + 1)th call is answered by the proxy with the handshake's
 * MIC; it must fail, and no call may carry seq == window.
 */
START_TEST(window_mic_forgery)
{
	enum rpcauth_service svc = (_i & 1) ? RPCAUTH_SVC_INTEGRITY :
	    RPCAUTH_SVC_NONE;
	const char *label = (_i & 2) ? "GSS path" : "fast path";
	struct proxy px;
	uint64_t stats = 0;
	uint32_t k, window;
	size_t i;
	CLIENT *cl;
	int ok;

	fastpath(!(_i & 2));
	proxy_start(&px, demo_port, FORGE_WINDOW);
	cl = via_proxy(&px, svc, 0);
	window = px.window;
	ck_assert_uint_ge(window, 1);
	for (k = 1; k <= window; k++)
		ck_assert_msg(one_call(cl, svc, NULL), "%s, service %d: call "
		    "%u failed: %s (%s)", label, (int)svc, k,
		    clnt_sperror(cl, "call"), autherr(cl));
	ok = one_call(cl, svc, &stats);
	fprintf(stderr, "replyforge %s, service %d: call %u: %s (%s)\n",
	    label, (int)svc, window + 1, ok ? "ACCEPTED" : "refused",
	    ok ? "" : autherr(cl));
	pthread_mutex_lock(&px.mu);
	ck_assert_int_eq(px.forged, 1);
	pthread_mutex_unlock(&px.mu);
	ck_assert_msg(!ok, "%s, service %d: the client accepted the reply "
	    "forged with the handshake's MIC (STATS said %#llx)", label,
	    (int)svc, (unsigned long long)stats);
	ck_assert_msg(strstr(autherr(cl), "verifier") != NULL, "%s: the "
	    "error does not name the verifier: %s", label, autherr(cl));
	/* The context goes on: the next calls reach the server again. */
	for (k = 0; k < 2; k++)
		ck_assert_msg(one_call(cl, svc, NULL), "%s: call after the "
		    "forgery failed: %s", label, autherr(cl));
	e2e_secure_destroy(cl);
	pthread_mutex_lock(&px.mu);
	ck_assert_uint_ge(px.nseqs, window + 3);
	for (i = 0; i < px.nseqs; i++)
		ck_assert_msg(px.seqs[i] != window, "%s: a call with seq == "
		    "window (%u) went on the wire", label, window);
	pthread_mutex_unlock(&px.mu);
	proxy_stop(&px);
}
END_TEST

/*
 * The defence behind the skipped number, alone: the handshake's verifier
 * offered for a call whose seq is the window (as a client without the skip
 * would have sent) is refused, although it is a valid MIC of that seq.
 */
START_TEST(window_mic_refused_by_validate)
{
	struct proxy px;
	struct opaque_auth oa;
	struct clnt_state *cs;
	uint32_t saved;
	CLIENT *cl;
	int ok;

	fastpath(_i == 0);
	proxy_start(&px, demo_port, FORGE_NONE);
	cl = via_proxy(&px, RPCAUTH_SVC_INTEGRITY, 0);
	cs = cl->cl_auth->ah_private;
	ck_assert_uint_eq(cs->window, px.window);
	saved = cs->seq_cur;
	cs->seq_cur = cs->window;
	oa.oa_flavor = (enum_t)RPCAUTH_FLAVOR;
	oa.oa_base = (caddr_t)px.init_verf;
	oa.oa_length = (u_int)px.init_verf_len;
	ok = AUTH_VALIDATE(cl->cl_auth, &oa);
	cs->seq_cur = saved;
	ck_assert_msg(!ok, "%s: the handshake's MIC passed as the verifier "
	    "of seq %u", _i ? "GSS path" : "fast path", cs->window);
	ck_assert_msg(strstr(autherr(cl), "handshake") != NULL, "unclear: %s",
	    autherr(cl));
	ck_assert(one_call(cl, RPCAUTH_SVC_INTEGRITY, NULL));
	e2e_secure_destroy(cl);
	proxy_stop(&px);
}
END_TEST

/* ---- finding 13 ------------------------------------------------------------ */

/*
 * Through a proxy to `port` that forges `forge`: an integrity client of
 * `flavor` whose first call at `svc` succeeds and whose second fails;
 * *msg is the AUTH's error then (borrowed from the returned CLIENT).
 */
static CLIENT *
second_call_fails(struct proxy *px, int port, enum forge_mode forge,
    uint32_t flavor, enum rpcauth_service svc, const char **msg)
{
	CLIENT *cl;

	proxy_start(px, port, forge);
	cl = via_proxy(px, RPCAUTH_SVC_INTEGRITY, flavor);
	ck_assert(one_call(cl, svc, NULL));
	ck_assert(!one_call(cl, svc, NULL));
	*msg = autherr(cl);
	return cl;
}

/*
 * libtirpc's server (flavor 6) made this AUTH's first context; a
 * CREDPROBLEM makes the client build a new one, and the INIT for it gets
 * AUTH_REJECTEDCRED.  The server does speak flavor 6: the message must not
 * say otherwise.
 */
START_TEST(renewal_rejectedcred_message)
{
	struct proxy px;
	const char *msg;
	CLIENT *cl;

	cl = second_call_fails(&px, interop_port, FORGE_RENEW,
	    RPCAUTH_FLAVOR_RPCSEC_GSS, RPCAUTH_SVC_NONE, &msg);
	fprintf(stderr, "replyforge renewal refused: %s\n", msg);
	pthread_mutex_lock(&px.mu);
	ck_assert_int_eq(px.inits, 2);
	pthread_mutex_unlock(&px.mu);
	ck_assert_msg(strstr(msg, "does not speak flavor") == NULL,
	    "the message blames the flavor: %s", msg);
	ck_assert_msg(strstr(msg, "AUTH_REJECTEDCRED") != NULL &&
	    strstr(msg, "made one for this AUTH before") != NULL,
	    "the message does not say what happened: %s", msg);
	e2e_secure_destroy(cl);
	proxy_stop(&px);
}
END_TEST

/*
 * libtirpc checks the verifier of successful replies only; over TCP it
 * hands an error reply to the AUTH's refresh.  A GARBAGE_ARGS without
 * the server's MIC must not be explained as the server's verdict on the
 * body.
 */
START_TEST(forged_garbage_args_message)
{
	struct proxy px;
	const char *msg;
	CLIENT *cl;

	cl = second_call_fails(&px, demo_port, FORGE_GARBAGE, RPCAUTH_FLAVOR,
	    RPCAUTH_SVC_INTEGRITY, &msg);
	ck_assert_msg(strstr(msg, "without the server's verifier") != NULL,
	    "a forged GARBAGE_ARGS was explained as the server's: %s", msg);
	/* The connection and the context are fine afterwards. */
	ck_assert(one_call(cl, RPCAUTH_SVC_INTEGRITY, NULL));
	e2e_secure_destroy(cl);
	proxy_stop(&px);
}
END_TEST

/* NULLPROC over cl succeeds (n calls). */
static void
nulls_ok(CLIENT *cl, int n, const char *what)
{
	struct timeval tv = { 10, 0 };
	int i;

	for (i = 0; i < n; i++)
		ck_assert_msg(clnt_call(cl, NULLPROC, (xdrproc_t)xdr_nothing,
		    NULL, (xdrproc_t)xdr_nothing, NULL, tv) == RPC_SUCCESS,
		    "%s, call %d: %s | %s", what, i + 1,
		    clnt_sperror(cl, "null"), autherr(cl));
}

/* A proxy in `mode` to the demo server, and an integrity client through it
 * (handshakes limited to 1 s). */
static CLIENT *
proxied_clnt(struct proxy *px, enum forge_mode mode)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_client_opts o;
	CLIENT *cl;

	proxy_start(px, demo_port, mode);
	ck_assert_ptr_nonnull(cl = e2e_clnt(px->port, 0));
	rpcauth_client_opts_init(&o);
	o.service = RPCAUTH_SVC_INTEGRITY;
	o.handshake_timeout_ms = 1000;
	ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", &o,
	    &err) != NULL, "handshake: %s", err.msg != NULL ? err.msg : "?");
	return cl;
}

/*
 * A call times out in the middle of its reply (the first bytes came, the
 * rest comes later), and the next call makes a new context (made due by
 * hand): the handshake must not read the rest of the old reply as its own
 * (docs/SECURITY.md section 17), and the calls after it go on.
 */
START_TEST(renewal_after_half_read_reply)
{
	struct timeval quick = { 1, 0 };
	struct clnt_state *st;
	struct proxy px;
	CLIENT *cl;

	cl = proxied_clnt(&px, FORGE_SPLIT);
	st = (struct clnt_state *)cl->cl_auth->ah_private;
	ck_assert_int_eq(clnt_call(cl, NULLPROC, (xdrproc_t)xdr_nothing, NULL,
	    (xdrproc_t)xdr_nothing, NULL, quick), RPC_TIMEDOUT);
	/* The next call's marshal makes a new context (early renewal). */
	st->renew_at = time(NULL) - 1;
	nulls_ok(cl, 3, "after the half-read reply");
	ck_assert_msg(st->contexts == 2, "%u contexts: the renewal did not "
	    "happen (or failed) during the call after the half-read reply",
	    st->contexts);
	e2e_secure_destroy(cl);
	proxy_stop(&px);
}
END_TEST

/*
 * Service none: the caller's results decoder reads less than the reply
 * carries (a newer server, here ECHO's 1 MiB read as void), so bytes of
 * that reply stay on the connection; the next call's renewal (made due by
 * hand) must not read them as its handshake's reply (SECURITY.md 17).
 */
START_TEST(renewal_after_short_decode)
{
	struct timeval tv = { 10, 0 };
	struct clnt_state *st;
	demo_data d;
	CLIENT *cl;

	cl = e2e_secure_clnt(demo_port, 0, RPCAUTH_SVC_NONE, 0, NULL);
	ck_assert_ptr_nonnull(cl);
	st = (struct clnt_state *)cl->cl_auth->ah_private;
	d.demo_data_len = 1024 * 1024;
	ck_assert_ptr_nonnull(d.demo_data_val = calloc(1, d.demo_data_len));
	ck_assert_int_eq(clnt_call(cl, DEMOFS_ECHO, (xdrproc_t)xdr_demo_data,
	    (caddr_t)&d, (xdrproc_t)xdr_nothing, NULL, tv), RPC_SUCCESS);
	st->renew_at = time(NULL) - 1;
	nulls_ok(cl, 3, "after a reply decoded short");
	ck_assert_uint_eq(st->contexts, 2);
	free(d.demo_data_val);
	e2e_secure_destroy(cl);
}
END_TEST

/*
 * A rejection makes a new context over the call's own connection; the
 * replaced context's DESTROY, whose reply comes late (after the 1 s the
 * client waits for it), must not go over that connection: the calls after
 * it go on (SECURITY.md 17).
 */
START_TEST(renewal_destroy_reply_late)
{
	struct clnt_state *st;
	struct proxy px;
	CLIENT *cl;

	cl = proxied_clnt(&px, FORGE_CRED_SPLIT_DESTROY);
	st = (struct clnt_state *)cl->cl_auth->ah_private;
	nulls_ok(cl, 5, "around a CREDPROBLEM whose DESTROY reply is late");
	ck_assert_uint_eq(st->contexts, 2);
	e2e_secure_destroy(cl);
	proxy_stop(&px);
}
END_TEST

/*
 * A rejection's new context is made in band, and its handshake reply is
 * cut off (the rest comes after the 1 s the handshake may take): the
 * connection's framing is lost, so it is shut down and the next call says
 * so at once, instead of reading the rest of that reply as its own and
 * waiting (SECURITY.md 17).
 */
START_TEST(renewal_cut_off_shuts_connection)
{
	struct timeval tv = { 10, 0 };
	struct proxy px;
	enum clnt_stat stat;
	CLIENT *cl;

	(void)signal(SIGPIPE, SIG_IGN);
	cl = proxied_clnt(&px, FORGE_CRED_SPLIT_INIT);
	nulls_ok(cl, 1, "before the rejection");
	ck_assert_int_ne(clnt_call(cl, NULLPROC, (xdrproc_t)xdr_nothing, NULL,
	    (xdrproc_t)xdr_nothing, NULL, tv), RPC_SUCCESS);
	stat = clnt_call(cl, NULLPROC, (xdrproc_t)xdr_nothing, NULL,
	    (xdrproc_t)xdr_nothing, NULL, tv);
	ck_assert_msg(stat == RPC_CANTSEND || stat == RPC_CANTRECV,
	    "the call after a cut-off in-band handshake: %s | %s (want the "
	    "connection shut down)", clnt_sperrno(stat), autherr(cl));
	e2e_secure_destroy(cl);
	proxy_stop(&px);
}
END_TEST

/*
 * Through rpcauth_clnt_create: each ECHO reaches the server, the first
 * reply on a connection is replaced by a forged CREDPROBLEM (libtirpc
 * resends after the AUTH's new context), the second is cut by a reset
 * (the reconnecting CLIENT resends).  The server must run the one ECHO
 * call at most twice (SECURITY.md 16).
 */
START_TEST(forged_rejection_counts_as_resend)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_client_opts o;
	struct proxy px;
	char host[64];
	const char *hosts[2] = { host, NULL };
	uint64_t before, after;
	CLIENT *cl;
	demo_data d;

	before = e2e_stats(demo_port);
	proxy_start(&px, demo_port, FORGE_RUN_TWICE);
	snprintf(host, sizeof(host), "127.0.0.1:%d", px.port);
	rpcauth_client_opts_init(&o);
	o.service = RPCAUTH_SVC_INTEGRITY;
	cl = rpcauth_clnt_create(hosts, DEMOFS_PROG, DEMOFS_V1, "tcp",
	    "demo@localhost", &o, &err);
	ck_assert_msg(cl != NULL, "create: %s", err.msg ? err.msg : "?");
	d.demo_data_len = 16;
	ck_assert_ptr_nonnull(d.demo_data_val = calloc(1, 16));
	ck_assert_ptr_null(demofs_echo_1(&d, cl));
	after = e2e_stats(demo_port);
	ck_assert_msg(after - before <= 2, "the server ran one ECHO %llu "
	    "times (at most twice)", (unsigned long long)(after - before));
	free(d.demo_data_val);
	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
	proxy_stop(&px);
}
END_TEST

static pthread_mutex_t trace_mu = PTHREAD_MUTEX_INITIALIZER;
static char trace_buf[65536];

static void
trace_cb(const char *line, void *arg)
{
	size_t used;

	(void)arg;
	pthread_mutex_lock(&trace_mu);
	used = strlen(trace_buf);
	snprintf(trace_buf + used, sizeof(trace_buf) - used, "%s\n", line);
	pthread_mutex_unlock(&trace_mu);
}

/*
 * libtirpc answers DESTROY with a bare void body at integrity and privacy:
 * accepted on its verifier, with no refusal in the trace.  _i: 0
 * integrity, 1 privacy.
 */
START_TEST(destroy_bare_body_accepted)
{
	enum rpcauth_service svc = _i ? RPCAUTH_SVC_PRIVACY :
	    RPCAUTH_SVC_INTEGRITY;
	struct proxy px;
	CLIENT *cl;

	proxy_start(&px, interop_port, FORGE_NONE);
	cl = via_proxy(&px, svc, RPCAUTH_FLAVOR_RPCSEC_GSS);
	ck_assert(one_call(cl, RPCAUTH_SVC_NONE, NULL));
	trace_buf[0] = '\0';
	rpcauth_set_trace(trace_cb, NULL);
	auth_destroy(cl->cl_auth);
	cl->cl_auth = NULL;
	rpcauth_set_trace(NULL, NULL);
	clnt_destroy(cl);
	fprintf(stderr, "replyforge DESTROY (service %d) trace:\n%s",
	    (int)svc, trace_buf);
	pthread_mutex_lock(&px.mu);
	ck_assert_int_eq(px.destroys, 1);
	ck_assert_int_eq(px.destroy_replies, 1);
	pthread_mutex_unlock(&px.mu);
	ck_assert_msg(strstr(trace_buf, "refused") == NULL,
	    "DESTROY's reply was refused: %s", trace_buf);
	proxy_stop(&px);
}
END_TEST

/* rpcauth_client_create to the demo server for `service`: the message. */
static void
create_fails(const char *service, const char *want1, const char *want2)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_client_opts o;
	CLIENT *cl = e2e_clnt(demo_port, 0);

	ck_assert_ptr_nonnull(cl);
	rpcauth_client_opts_init(&o);
	o.handshake_timeout_ms = 10000;
	ck_assert_msg(rpcauth_client_create(cl, service, &o, &err) == NULL,
	    "%s: a context was made", service);
	fprintf(stderr, "replyforge %s: %s\n", service,
	    err.msg != NULL ? err.msg : "(none)");
	ck_assert_msg(err.msg != NULL && strstr(err.msg, want1) != NULL &&
	    strstr(err.msg, want2) != NULL, "%s: message without cause or "
	    "fix: %s", service, err.msg != NULL ? err.msg : "(none)");
	rpcauth_err_clear(&err);
	clnt_destroy(cl);
}

/* The server has other/localhost's key but accepts as demo/localhost. */
START_TEST(ticket_not_for_us_message)
{
	create_fails("other@localhost", "another principal", "SERVICE@HOST");
}
END_TEST

/* The KDC refuses a ticket for these principals by policy (main()). */
START_TEST(kdc_policy_message)
{
	static const char *const svcs[] = { "locked@localhost",
	    "u2u@localhost", "preauth@localhost" };

	create_fails(svcs[_i], "by policy", "kadmin getprinc");
}
END_TEST

static Suite *
replyforge_suite(void)
{
	Suite *s = suite_create("replyforge");

	CKLOOPS(cklist_tcase(s, "on-path", 120), { window_mic_forgery, 4 },
	    { window_mic_refused_by_validate, 2 },
	    { renewal_rejectedcred_message, 1 },
	    { forged_garbage_args_message, 1 },
	    { renewal_after_half_read_reply, 1 },
	    { renewal_after_short_decode, 1 },
	    { renewal_destroy_reply_late, 1 },
	    { renewal_cut_off_shuts_connection, 1 },
	    { forged_rejection_counts_as_resend, 1 },
	    { destroy_bare_body_accepted, 2 }, { ticket_not_for_us_message, 1 },
	    { kdc_policy_message, 3 });
	return s;
}

static int
kadmin_q(const char *q)
{
	char out[2048], err[2048];
	const char *argv[] = { KADMIN_LOCAL, "-q", q, NULL };
	int st = 0;

	if (srvproc_run((char *const *)argv, out, sizeof(out), err,
	    sizeof(err), 20000, &st) != 0 || st != 0) {
		fprintf(stderr, "kadmin.local -q '%s': %s%s\n", q, out, err);
		return -1;
	}
	return 0;
}

static int
setup(void)
{
	return kadmin_q("modprinc +disallow_tgt_based locked/localhost") != 0 ||
	    kadmin_q("modprinc +disallow_svr u2u/localhost") != 0 ||
	    kadmin_q("modprinc +requires_preauth preauth/localhost") != 0 ||
	    e2e_server_start(&demo, &demo_port, testbed_server_keytab(bed),
	    NULL) != 0 || e2e_interop_start(&interop, &interop_port,
	    "replyforge: interop server") != 0 ? -1 : 0;
}

static int
teardown(void)
{
	e2e_server_stop(&interop);
	e2e_server_stop(&demo);
	return 0;
}

int
main(void)
{
	static const char *const extra[] = { "other/localhost",
	    "locked/localhost", "u2u/localhost", "preauth/localhost", NULL };
	struct testbed_opts o;

	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof(o));
	o.extra_principals = extra;
	return e2e_main(replyforge_suite(), &o, &bed, setup, teardown);
}
