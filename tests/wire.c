/* tests/wire.c - the raw-wire harness: hand-made RPCSEC_GSS calls at a demo server */
/* What it proves and how: tests/wire.h. */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>

#include "cred_xdr.h"
#include "hdrmic.h"
#include "xdrbuf.h"
#include "demofs.h"
#include "e2e.h"
#include "wire.h"

int		wire_port;
uint32_t	gxid = 0x51000;

/* ---- the wire ---------------------------------------------------------- */

void
conn_open(struct conn *c, int udp)
{
	struct sockaddr_in sin;
	int one = 1;

	c->udp = udp;
	c->fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC,
	    0);
	ck_assert_int_ge(c->fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)wire_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Connected even for UDP: then only the server's datagrams arrive. */
	ck_assert_msg(connect(c->fd, (struct sockaddr *)&sin,
	    sizeof(sin)) == 0, "connect: %s", strerror(errno));
	/* Mark and message go out as two writes: no Nagle delay between. */
	if (!udp)
		(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
}

void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* One call: a datagram, or one record of one fragment. */
void
wire_send(const struct conn *c, const uint8_t *msg, size_t len)
{
	uint8_t mark[4];

	if (c->udp) {
		ck_assert_msg(send(c->fd, msg, len, 0) == (ssize_t)len,
		    "send: %s", strerror(errno));
		return;
	}
	mark[0] = 0x80 | (uint8_t)(len >> 24);
	mark[1] = (uint8_t)(len >> 16);
	mark[2] = (uint8_t)(len >> 8);
	mark[3] = (uint8_t)len;
	ck_assert_msg(srvproc_write_all(c->fd, mark, 4) == 0 &&
	    srvproc_write_all(c->fd, msg, len) == 0, "write: %s",
	    strerror(errno));
}

/* The next reply on c, whatever its xid. */
enum wire_ev
wire_recv(const struct conn *c, int timeout_ms, struct raw_reply *out)
{
	long long deadline = srvproc_now_ms() + timeout_ms;
	uint8_t *buf = NULL, *nb, mark[4];
	size_t total = 0, flen;
	uint32_t m;
	int last, r;

	memset(out, 0, sizeof(*out));
	if (c->udp) {
		struct pollfd pf = { c->fd, POLLIN, 0 };
		ssize_t n;

		buf = malloc(70000);
		ck_assert(buf != NULL);
		for (;;) {
			long long left = deadline - srvproc_now_ms();

			if (left <= 0 || (r = poll(&pf, 1, (int)left)) == 0) {
				free(buf);
				return WIRE_TIMEOUT;
			}
			if (r < 0)
				continue;
			if ((n = recv(c->fd, buf, 70000, 0)) >= 0)
				break;
			if (errno != EINTR) {
				/* ECONNREFUSED: nobody listens any more. */
				free(buf);
				return WIRE_CLOSED;
			}
		}
		total = (size_t)n;
	} else {
		do {
			if ((r = srvproc_read_by(c->fd, mark, 4, deadline)) <= 0)
				goto short_read;
			m = ((uint32_t)mark[0] << 24) |
			    ((uint32_t)mark[1] << 16) |
			    ((uint32_t)mark[2] << 8) | mark[3];
			last = (m & 0x80000000u) != 0;
			flen = m & 0x7fffffffu;
			ck_assert_msg(flen <= (16u << 20),
			    "reply fragment of %zu bytes", flen);
			nb = realloc(buf, total + flen + 1);
			ck_assert(nb != NULL);
			buf = nb;
			r = srvproc_read_by(c->fd, buf + total, flen, deadline);
			if (r <= 0)
				goto short_read;
			total += flen;
		} while (!last);
	}
	ck_assert_msg(raw_parse_reply(buf, total, out) == 0,
	    "unparsable reply of %zu bytes", total);
	free(buf);
	return WIRE_GOT;
short_read:
	free(buf);
	return r == 0 ? WIRE_TIMEOUT : WIRE_CLOSED;
}

const char *
ev_name(enum wire_ev ev)
{
	return ev == WIRE_GOT ? "a reply" : ev == WIRE_TIMEOUT ?
	    "silence" : "the connection closed";
}

/* ---- messages ---------------------------------------------------------- */

void
msg_free(struct msg *m)
{
	free(m->buf);
	m->buf = NULL;
}

void
msg_encode(struct msg *m, uint32_t xid, uint32_t proc, const uint8_t *cred,
    size_t clen, uint32_t vflavor, const uint8_t *verf, size_t vlen,
    const uint8_t *body, size_t blen)
{
	struct raw_call rc = { xid, DEMOFS_PROG, DEMOFS_V1, proc,
	    RPCAUTH_FLAVOR, cred, clen, vflavor, verf, vlen, body, blen };
	size_t cap = 64 + XDR_RNDUP(clen) + XDR_RNDUP(vlen) + blen;

	m->buf = malloc(cap);
	ck_assert(m->buf != NULL);
	m->xid = xid;
	m->proc = proc;
	m->len = raw_encode_call(&rc, m->buf, cap);
	ck_assert_uint_gt(m->len, 0);
}

/* The fence: AUTH_NONE NULLPROC, always answered AUTH_TOOWEAK, never run. */
static void
fence_msg(struct msg *m)
{
	struct raw_call rc = { FENCE_XID + (gxid++ & 0xffff), DEMOFS_PROG,
	    DEMOFS_V1, NULLPROC, AUTH_NONE, NULL, 0, AUTH_NONE, NULL, 0, NULL,
	    0 };

	m->buf = malloc(64);
	ck_assert(m->buf != NULL);
	m->xid = rc.xid;
	m->len = raw_encode_call(&rc, m->buf, 64);
	ck_assert_uint_gt(m->len, 0);
}

/* The credential body, fields as given, not judged (may exceed 400). */
size_t
cred_body(uint8_t *buf, size_t cap, uint32_t version, uint32_t gss_proc,
    uint32_t seq, uint32_t service, const uint8_t *h, size_t hlen)
{
	struct xdr_wr w;

	xdr_wr_init(&w, buf, cap);
	xdr_wr_u32(&w, version);
	xdr_wr_u32(&w, gss_proc);
	xdr_wr_u32(&w, seq);
	xdr_wr_u32(&w, service);
	xdr_wr_opaque(&w, h, hlen);
	ck_assert(xdr_wr_ok(&w));
	return w.off;
}

size_t
echo_args(uint8_t *out, size_t cap)
{
	struct xdr_wr w;

	xdr_wr_init(&w, out, cap);
	xdr_wr_opaque(&w, ECHO_TEXT, strlen(ECHO_TEXT));
	ck_assert(xdr_wr_ok(&w));
	return w.off;
}

/* ---- expected answers -------------------------------------------------- */

void
get_reply(const struct conn *c, const struct msg *m, struct raw_reply *rep,
    const char *label)
{
	enum wire_ev ev;

	wire_send(c, m->buf, m->len);
	ev = wire_recv(c, WAIT_MS, rep);
	ck_assert_msg(ev == WIRE_GOT, "%s: %s instead of a reply", label,
	    ev_name(ev));
	ck_assert_msg(rep->xid == m->xid, "%s: the reply to xid %#" PRIx32
	    " came while waiting for %#" PRIx32 ": a call that had to be "
	    "dropped was answered", label, rep->xid, m->xid);
}

void
want_denied(const struct conn *c, const struct msg *m, uint32_t auth_stat,
    const char *label)
{
	struct raw_reply rep;

	get_reply(c, m, &rep, label);
	ck_assert_msg(rep.kind == RAW_AUTH_ERROR && rep.auth_stat == auth_stat,
	    "%s: wanted AUTH_ERROR %" PRIu32 ", got kind %d accept %" PRIu32
	    " auth %" PRIu32, label, auth_stat, rep.kind, rep.accept_stat,
	    rep.auth_stat);
	raw_reply_free(&rep);
}

/* m gets no reply: the fence behind it is the first thing answered. */
void
want_drop(const struct conn *c, const struct msg *m, const char *label)
{
	struct raw_reply rep;
	struct msg f;
	enum wire_ev ev;

	fence_msg(&f);
	wire_send(c, m->buf, m->len);
	wire_send(c, f.buf, f.len);
	ev = wire_recv(c, WAIT_MS, &rep);
	ck_assert_msg(ev == WIRE_GOT, "%s: %s instead of the fence's reply",
	    label, ev_name(ev));
	ck_assert_msg(rep.xid != m->xid, "%s: wanted no reply, got kind %d "
	    "accept %" PRIu32 " auth %" PRIu32, label, rep.kind,
	    rep.accept_stat, rep.auth_stat);
	ck_assert_msg(rep.xid == f.xid && rep.kind == RAW_AUTH_ERROR &&
	    rep.auth_stat == WIRE_AUTH_TOOWEAK, "%s: odd fence reply", label);
	raw_reply_free(&rep);
	msg_free(&f);
}

/*
 * libtirpc itself refuses the call while decoding the RPC header (an auth
 * body over 400 bytes): on TCP it closes the connection, on UDP it drops
 * the datagram.  No rpcauth code runs, so no auth_stat can be sent.
 */
void
want_refused_by_libtirpc(const struct conn *c, const struct msg *m,
    const char *label)
{
	struct raw_reply rep;
	enum wire_ev ev;

	if (c->udp) {
		want_drop(c, m, label);
		return;
	}
	wire_send(c, m->buf, m->len);
	ev = wire_recv(c, WAIT_MS, &rep);
	ck_assert_msg(ev == WIRE_CLOSED, "%s: wanted the connection closed, "
	    "got %s (kind %d auth %" PRIu32 ")", label, ev_name(ev), rep.kind,
	    rep.auth_stat);
	raw_reply_free(&rep);
}

void
want_accepted_status(const struct conn *c, const struct msg *m,
    uint32_t accept_stat, const char *label)
{
	struct raw_reply rep;

	get_reply(c, m, &rep, label);
	ck_assert_msg(rep.kind == RAW_ACCEPTED &&
	    rep.accept_stat == accept_stat,
	    "%s: wanted accept_stat %" PRIu32 ", got kind %d accept %" PRIu32
	    " auth %" PRIu32, label, accept_stat, rep.kind, rep.accept_stat,
	    rep.auth_stat);
	raw_reply_free(&rep);
}

/* ---- the application's view -------------------------------------------- */

uint64_t
calls_now(void)
{
	uint64_t v = e2e_stats(wire_port);

	ck_assert_msg(v != UINT64_MAX,
	    "a legitimate STATS call through a fresh client failed");
	return v;
}

/* The procedure ran exactly `ran` times since `before`. */
void
assert_ran(uint64_t before, uint64_t ran)
{
	uint64_t now = calls_now();

	ck_assert_msg(now == before + ran, "procedure runs: %" PRIu64
	    " before, %" PRIu64 " now, expected %" PRIu64 " more", before, now,
	    ran);
}

void
lib_echo_on(CLIENT *cl, const char *label)
{
	demo_data in, *out;

	in.demo_data_len = (u_int)strlen(ECHO_TEXT);
	in.demo_data_val = ECHO_TEXT;
	out = demofs_echo_1(&in, cl);
	ck_assert_msg(out != NULL, "%s: %s", label, clnt_sperror(cl, "echo"));
	ck_assert_uint_eq(out->demo_data_len, strlen(ECHO_TEXT));
	ck_assert(memcmp(out->demo_data_val, ECHO_TEXT,
	    strlen(ECHO_TEXT)) == 0);
	xdr_free((xdrproc_t)xdr_demo_data, (char *)out);
}

void
lib_echo(const char *label)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl;

	cl = e2e_secure_clnt(wire_port, 0, RPCAUTH_SVC_PRIVACY, 0, &err);
	ck_assert_msg(cl != NULL, "%s: handshake: %s", label,
	    err.msg ? err.msg : "?");
	lib_echo_on(cl, label);
	e2e_secure_destroy(cl);
}

/* ---- a context seen from the wire -------------------------------------- */

void
peer_open(struct peer *p, int udp, enum rpcauth_service svc)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	memset(p, 0, sizeof(*p));
	p->before = calls_now();
	p->cl = e2e_secure_clnt(wire_port, 0, svc, 0, &err);
	ck_assert_msg(p->cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	p->cs = p->cl->cl_auth->ah_private;
	ck_assert_uint_eq(p->cs->mode, CLNT_MODE_DATA);
	ck_assert_uint_eq(p->cs->handle_len, RPCAUTH_HANDLE_LEN);
	p->service = (uint32_t)svc;
	conn_open(&p->c, udp);
	p->xid = 0x7000;
}

/*
 * DESTROY through the library with a seq above every one used, so that it
 * is answered at once; none when the test destroyed the context itself.
 */
void
peer_close(struct peer *p)
{
	if (p->gone)
		p->cs->mode = CLNT_MODE_HANDSHAKE;	/* nothing to destroy */
	else
		p->cs->seq_next = p->hi + 1;
	e2e_secure_destroy(p->cl);
	conn_close(&p->c);
}

void
peer_done(struct peer *p, uint64_t ran)
{
	peer_close(p);
	assert_ran(p->before, p->ran);
	ck_assert_uint_eq(p->ran, ran);
}

/* Reconnect after the server closed a TCP connection on us. */
void
peer_reconnect(struct peer *p)
{
	conn_close(&p->c);
	conn_open(&p->c, p->c.udp);
}

/* protect_args(), then spoiled as `t` says (after signing or sealing). */
static size_t
protect_body(struct peer *p, uint32_t service, uint32_t body_seq,
    const uint8_t *args, size_t alen, int conf, size_t extra, size_t cut,
    enum tamper t, uint8_t *out, size_t cap)
{
	gss_buffer_desc in, tok = GSS_C_EMPTY_BUFFER;
	struct secctx_status sst;
	uint8_t plain[4096];
	struct xdr_wr w, pw;
	OM_uint32 maj, min;
	int got_conf = 1;

	xdr_wr_init(&w, out, cap);
	if (service == RPCAUTH_SVC_NONE) {
		ck_assert(t == TAMPER_NONE);
		xdr_wr_fixed(&w, args, alen);
		ck_assert(xdr_wr_ok(&w));
		return w.off;
	}
	xdr_wr_init(&pw, plain, sizeof(plain));
	xdr_wr_u32(&pw, body_seq);
	xdr_wr_fixed(&pw, args, alen);
	ck_assert(xdr_wr_ok(&pw) && pw.off + extra <= sizeof(plain));
	memset(plain + pw.off, 0, extra);
	in.length = pw.off + extra - cut;
	in.value = plain;
	if (service == RPCAUTH_SVC_INTEGRITY)
		maj = secctx_get_mic(&p->cs->sc, in.value, in.length, &tok,
		    &sst) == 0 ? GSS_S_COMPLETE : sst.major;
	else if (conf)
		maj = secctx_wrap(&p->cs->sc, in.value, in.length, &tok,
		    &sst) == 0 ? GSS_S_COMPLETE : sst.major;
	else {
		/* secctx refuses to seal without confidentiality: ask GSS
		 * itself (the test must keep its contexts in GSS:
		 * RPCAUTH_KRB5_FASTPATH=0, as check_hostile's main sets). */
		ck_assert_msg(p->cs->sc.gctx != GSS_C_NO_CONTEXT,
		    "the client context left GSS (krb5 fast path)");
		pthread_mutex_lock(&p->cs->sc.lock);
		maj = gss_wrap(&min, p->cs->sc.gctx, 0, GSS_C_QOP_DEFAULT, &in,
		    &got_conf, &tok);
		pthread_mutex_unlock(&p->cs->sc.lock);
		ck_assert(got_conf == 0);
	}
	ck_assert_msg(maj == GSS_S_COMPLETE && tok.length > 0,
	    "GetMIC/Wrap: %#x", (unsigned)maj);
	/* Spoil after signing: the checksum or token no longer matches. */
	if (service == RPCAUTH_SVC_INTEGRITY && t == TAMPER_CHECKSUM)
		((uint8_t *)tok.value)[tok.length - 1] ^= 0x01;
	else if (service == RPCAUTH_SVC_INTEGRITY && t == TAMPER_DATABODY)
		plain[in.length - 1] ^= 0x40;
	else if (service == RPCAUTH_SVC_PRIVACY && t == TAMPER_TOKEN)
		((uint8_t *)tok.value)[tok.length / 2] ^= 0x10;
	else
		ck_assert(t == TAMPER_NONE);
	if (service == RPCAUTH_SVC_INTEGRITY) {
		xdr_wr_opaque(&w, in.value, in.length);
		xdr_wr_opaque(&w, tok.value, tok.length);
	} else
		xdr_wr_opaque(&w, tok.value, tok.length);
	(void)gss_release_buffer(&min, &tok);
	ck_assert(xdr_wr_ok(&w));
	return w.off;
}

size_t
protect_args(struct peer *p, uint32_t service, uint32_t body_seq,
    const uint8_t *args, size_t alen, int conf, size_t extra, size_t cut,
    uint8_t *out, size_t cap)
{
	return protect_body(p, service, body_seq, args, alen, conf, extra, cut,
	    TAMPER_NONE, out, cap);
}

struct wspec
dspec(const struct peer *p, uint32_t seq)
{
	struct wspec s;

	memset(&s, 0, sizeof(s));
	s.proc = DEMOFS_ECHO;
	s.version = RPCAUTH_GSS_VERS_1;
	s.gss_proc = RPCAUTH_GSS_DATA;
	s.seq = seq;
	s.service = p->service;
	s.handle = p->cs->handle;
	s.handle_len = p->cs->handle_len;
	s.vm = VM_MIC;
	s.flip_bit = VERF_BIT_CKSUM;
	s.body_seq = seq;
	s.tamper = TAMPER_NONE;
	return s;
}

void
mk(struct peer *p, const struct wspec *s, struct msg *m)
{
	uint8_t cred[1024], hdr[HDRMIC_MAX_LEN], verf[400], args[64];
	uint8_t body[4096];
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	struct secctx_status sst;
	struct hdrmic_call hc;
	const uint8_t *cp = cred, *vp = verf, *bp = body;
	size_t clen, vlen = 0, blen, alen;
	uint32_t vflavor = RPCAUTH_FLAVOR, xid = ++p->xid;
	OM_uint32 min;
	int hlen;

	if (s->cred != NULL) {
		cp = s->cred;
		clen = s->cred_len;
	} else
		clen = cred_body(cred, sizeof(cred), s->version, s->gss_proc,
		    s->seq, s->service, s->handle, s->handle_len);
	switch (s->vm) {
	case VM_MIC:
	case VM_MIC_FLIP:
		hc = (struct hdrmic_call){ xid, DEMOFS_PROG, DEMOFS_V1,
		    s->proc, RPCAUTH_FLAVOR, cp, clen };
		hlen = hdrmic_build(&hc, hdr, sizeof(hdr));
		ck_assert_int_gt(hlen, 0);
		ck_assert_int_eq(secctx_get_mic(&p->cs->sc, hdr, (size_t)hlen,
		    &tok, &sst), 0);
		ck_assert(tok.length > 17 && tok.length <= sizeof(verf));
		memcpy(verf, tok.value, tok.length);
		vlen = tok.length;
		(void)gss_release_buffer(&min, &tok);
		if (s->vm == VM_MIC_FLIP) {
			ck_assert_msg(s->flip_bit >= 0 &&
			    (size_t)s->flip_bit / 8 < vlen,
			    "MIC of %zu bytes has no bit %d", vlen,
			    s->flip_bit);
			verf[s->flip_bit / 8] ^= (uint8_t)(1u <<
			    (s->flip_bit % 8));
		}
		break;
	case VM_JUNK:
		memset(verf, 0xA5, 32);
		vlen = 32;
		break;
	case VM_GIVEN:
		vflavor = s->verf_flavor;
		vp = s->verf;
		vlen = s->verf_len;
		break;
	}
	if (s->body_given) {
		bp = s->body;
		blen = s->body_len;
	} else {
		/* ECHO takes opaque<>; STATS takes void. */
		alen = s->proc == DEMOFS_ECHO ? echo_args(args, sizeof(args)) :
		    0;
		blen = protect_body(p, p->service, s->body_seq, args, alen, 1,
		    0, 0, s->tamper, body, sizeof(body));
	}
	msg_encode(m, xid, s->proc, cp, clen, vflavor, vp, vlen, bp, blen);
	m->seq = s->seq;
	if (s->seq <= MAXSEQ && s->seq > p->hi)
		p->hi = s->seq;
}

/* An accepted reply's verifier must be MIC(seq) under the context. */
void
check_reply_verf(struct peer *p, const struct raw_reply *rep, uint32_t seq,
    const char *label)
{
	struct secctx_status sst;
	uint8_t be[4] = { seq >> 24, seq >> 16, seq >> 8, seq };

	ck_assert_msg(rep->verf_flavor == RPCAUTH_FLAVOR,
	    "%s: reply verifier flavor %" PRIu32, label, rep->verf_flavor);
	ck_assert_msg(secctx_verify_mic(&p->cs->sc, be, sizeof(be), rep->verf,
	    rep->verf_len, &sst) == 0,
	    "%s: reply verifier is not MIC(%" PRIu32 ")", label, seq);
}

/*
 * The results of a SUCCESS reply, unprotected: the service's envelope is
 * checked (checksum, unwrap, seq inside), the results are copied to res.
 */
static size_t
open_results(struct peer *p, const struct raw_reply *rep, uint32_t seq,
    uint8_t *res, size_t cap, const char *label)
{
	gss_buffer_desc plain = GSS_C_EMPTY_BUFFER;
	struct secctx_status sst;
	const uint8_t *db = NULL, *ck;
	size_t dlen = 0, cklen, n;
	struct xdr_rd r;
	OM_uint32 min;

	xdr_rd_init(&r, rep->body, rep->body_len);
	if (p->service == RPCAUTH_SVC_NONE) {
		n = rep->body_len;
		ck_assert_uint_le(n, cap);
		if (n > 0)
			memcpy(res, rep->body, n);
		return n;
	}
	db = xdr_rd_opaque(&r, 4096, &dlen);
	if (p->service == RPCAUTH_SVC_INTEGRITY) {
		ck = xdr_rd_opaque(&r, 4096, &cklen);
		ck_assert_msg(xdr_rd_done(&r) && db != NULL && ck != NULL,
		    "%s: malformed integrity reply", label);
		ck_assert_msg(secctx_verify_mic(&p->cs->sc, db, dlen, ck, cklen,
		    &sst) == 0, "%s: reply checksum does not verify", label);
	} else {
		ck_assert_msg(xdr_rd_done(&r) && db != NULL,
		    "%s: malformed privacy reply", label);
		ck_assert_msg(secctx_unwrap(&p->cs->sc, db, dlen, &plain,
		    &sst) == 0, "%s: reply does not unwrap", label);
		db = plain.value;
		dlen = plain.length;
	}
	xdr_rd_init(&r, db, dlen);
	ck_assert_msg(xdr_rd_u32(&r) == seq && xdr_rd_ok(&r),
	    "%s: seq inside the reply body is not %" PRIu32, label, seq);
	n = xdr_rd_remaining(&r);
	ck_assert_uint_le(n, cap);
	if (n > 0)
		memcpy(res, xdr_rd_fixed(&r, n), n);
	(void)gss_release_buffer(&min, &plain);
	return n;
}

void
want_success(struct peer *p, const struct msg *m, uint64_t *stats,
    const char *label)
{
	struct raw_reply rep;
	uint8_t res[4096];
	const uint8_t *v;
	struct xdr_rd r;
	size_t n, vlen;

	get_reply(&p->c, m, &rep, label);
	ck_assert_msg(rep.kind == RAW_ACCEPTED &&
	    rep.accept_stat == WIRE_SUCCESS,
	    "%s: seq %#" PRIx32 " wanted SUCCESS, got kind %d accept %" PRIu32
	    " auth %" PRIu32, label, m->seq, rep.kind, rep.accept_stat,
	    rep.auth_stat);
	check_reply_verf(p, &rep, m->seq, label);
	n = open_results(p, &rep, m->seq, res, sizeof(res), label);
	xdr_rd_init(&r, res, n);
	if (m->proc == DEMOFS_STATS) {
		/* unsigned hyper: two units, high first. */
		ck_assert_msg(stats != NULL && n == 8,
		    "%s: STATS result of %zu bytes", label, n);
		*stats = (uint64_t)xdr_rd_u32(&r) << 32;
		*stats |= xdr_rd_u32(&r);
	} else {
		v = xdr_rd_opaque(&r, 4096, &vlen);
		ck_assert_msg(xdr_rd_done(&r) && vlen == strlen(ECHO_TEXT) &&
		    memcmp(v, ECHO_TEXT, vlen) == 0,
		    "%s: ECHO returned something else", label);
		p->ran++;
	}
	raw_reply_free(&rep);
}

/* MSG_ACCEPTED / GARBAGE_ARGS, verifier MIC(seq): arguments refused. */
void
want_garbage(struct peer *p, const struct msg *m, const char *label)
{
	struct raw_reply rep;

	get_reply(&p->c, m, &rep, label);
	ck_assert_msg(rep.kind == RAW_ACCEPTED &&
	    rep.accept_stat == WIRE_GARBAGE_ARGS,
	    "%s: wanted GARBAGE_ARGS, got kind %d accept %" PRIu32 " auth %"
	    PRIu32, label, rep.kind, rep.accept_stat, rep.auth_stat);
	check_reply_verf(p, &rep, m->seq, label);
	raw_reply_free(&rep);
}

/* Shorthands for one call of a spec. */
void
spec_success(struct peer *p, const struct wspec *s, const char *label)
{
	struct msg m;

	mk(p, s, &m);
	want_success(p, &m, NULL, label);
	msg_free(&m);
}

void
spec_denied(struct peer *p, const struct wspec *s, uint32_t why,
    const char *label)
{
	struct msg m;

	mk(p, s, &m);
	want_denied(&p->c, &m, why, label);
	msg_free(&m);
}

void
spec_drop(struct peer *p, const struct wspec *s, const char *label)
{
	struct msg m;

	mk(p, s, &m);
	want_drop(&p->c, &m, label);
	msg_free(&m);
}

void
spec_garbage(struct peer *p, const struct wspec *s, const char *label)
{
	struct msg m;

	mk(p, s, &m);
	want_garbage(p, &m, label);
	msg_free(&m);
}

void
ok_echo(struct peer *p, uint32_t seq, const char *label)
{
	struct wspec s = dspec(p, seq);

	spec_success(p, &s, label);
}

void
drop_echo(struct peer *p, uint32_t seq, const char *label)
{
	struct wspec s = dspec(p, seq);

	spec_drop(p, &s, label);
}

struct wspec
dspec_destroy(const struct peer *p, uint32_t seq)
{
	struct wspec s = dspec(p, seq);

	s.proc = NULLPROC;
	s.gss_proc = RPCAUTH_GSS_DESTROY;
	s.body_given = 1;
	s.body = NULL;
	s.body_len = 0;
	return s;
}

void
last_denied(struct peer *p, const struct wspec *s, uint32_t why,
    const char *label, const char *served)
{
	spec_denied(p, s, why, label);
	ok_echo(p, s->seq, served);
	peer_done(p, 1);
}

/* ---- scenarios ----------------------------------------------------------- */

static void
step_run(struct peer *p, const struct step *st, const char *label)
{
	struct wspec s = st->destroy ? dspec_destroy(p, st->seq) :
	    dspec(p, st->seq);

	s.vm = st->vm;
	if (st->flip_bit != 0)
		s.flip_bit = st->flip_bit;
	if (st->body_seq != 0)
		s.body_seq = st->body_seq;
	s.tamper = st->tamper;
	switch (st->want) {
	case WANT_SUCCESS:
		spec_success(p, &s, label);
		break;
	case WANT_DROP:
		spec_drop(p, &s, label);
		break;
	case WANT_DENIED:
		spec_denied(p, &s, st->why, label);
		break;
	case WANT_GARBAGE:
		spec_garbage(p, &s, label);
		break;
	}
}

void
steps_run(struct peer *p, const struct step *st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		step_run(p, &st[i], st[i].label);
}

void
scenario_run(int udp, const struct scenario *sc)
{
	struct peer p;
	char label[160];
	size_t i;

	peer_open(&p, udp, sc->svc);
	for (i = 0; i < sc->n; i++) {
		snprintf(label, sizeof(label), "%s: %s", sc->name,
		    sc->steps[i].label);
		step_run(&p, &sc->steps[i], label);
	}
	peer_done(&p, sc->ran);
}

/*
 * n calls on one context, each dspec(SEQ0) changed by vary(), which also
 * names it: each AUTH_BADCRED, and none uses up the seq.
 */
static void
badcred_each(int udp, size_t n, void (*vary)(struct wspec *s, size_t i,
    const void *arg, char *label, size_t cap), const void *arg)
{
	struct peer p;
	struct wspec s;
	char label[96];
	size_t i;

	peer_open(&p, udp, RPCAUTH_SVC_INTEGRITY);
	for (i = 0; i < n; i++) {
		s = dspec(&p, SEQ0);
		vary(&s, i, arg, label, sizeof(label));
		spec_denied(&p, &s, WIRE_AUTH_BADCRED, label);
	}
	ok_echo(&p, SEQ0, "same seq, correct credential");
	peer_done(&p, 1);
}

static void
vary_field(struct wspec *s, size_t i, const void *arg, char *label,
    size_t cap)
{
	static const char *const names[] = { "version", "gss_proc", "service" };
	const struct field_case *a = arg;

	if (a->f == FIELD_VERSION)
		s->version = a->vals[i];
	else if (a->f == FIELD_GSS_PROC)
		s->gss_proc = a->vals[i];
	else
		s->service = a->vals[i];
	snprintf(label, cap, "%s %" PRIu32, names[a->f], a->vals[i]);
}

void
bad_field(int udp, const struct field_case *fc)
{
	badcred_each(udp, fc->n, vary_field, fc);
}

struct cred_bodies {
	const uint8_t *const	*creds;
	const size_t		*lens;
	const char		*what;
};

static void
vary_body(struct wspec *s, size_t i, const void *arg, char *label,
    size_t cap)
{
	const struct cred_bodies *a = arg;

	s->cred = a->creds[i];
	s->cred_len = a->lens[i];
	snprintf(label, cap, "%s #%zu (%zu bytes)", a->what, i, a->lens[i]);
}

void
bad_cred_bodies(int udp, const uint8_t *const *creds, const size_t *lens,
    size_t n, const char *what)
{
	const struct cred_bodies a = { creds, lens, what };

	badcred_each(udp, n, vary_body, &a);
}

/* ---- handshake messages ------------------------------------------------ */

void
mk_init(struct msg *m, uint32_t gss_proc, uint32_t proc, const uint8_t *h,
    size_t hlen, uint32_t vflavor, const void *tok, size_t toklen)
{
	uint8_t cred[400], junk[32];
	struct xdr_wr w;
	uint8_t *body;
	size_t clen, blen = 4 + XDR_RNDUP(toklen);

	clen = cred_body(cred, sizeof(cred), RPCAUTH_GSS_VERS_1, gss_proc, 0,
	    RPCAUTH_SVC_INTEGRITY, h, hlen);
	ck_assert((body = malloc(blen)) != NULL);
	xdr_wr_init(&w, body, blen);
	xdr_wr_opaque(&w, tok, toklen);
	ck_assert(xdr_wr_ok(&w));
	memset(junk, 0x3C, sizeof(junk));
	msg_encode(m, gxid++, proc, cred, clen, vflavor,
	    vflavor == AUTH_NONE ? NULL : junk,
	    vflavor == AUTH_NONE ? 0 : sizeof(junk), body, w.off);
	m->seq = 0;
	free(body);
}

/* The init result of a SUCCESS reply to m. */
void
want_init_res(const struct conn *c, const struct msg *m, struct initres *ir,
    const char *label)
{
	struct rpcauth_init_res res;
	struct raw_reply rep;

	get_reply(c, m, &rep, label);
	ck_assert_msg(rep.kind == RAW_ACCEPTED &&
	    rep.accept_stat == WIRE_SUCCESS,
	    "%s: wanted an init result, got kind %d accept %" PRIu32 " auth %"
	    PRIu32, label, rep.kind, rep.accept_stat, rep.auth_stat);
	ck_assert_msg(init_res_decode(rep.body, rep.body_len, 400, 1u << 20,
	    &res) == 0, "%s: malformed rpc_gss_init_res", label);
	memset(ir, 0, sizeof(*ir));
	ir->major = res.major;
	ir->minor = res.minor;
	ir->window = res.window;
	ir->handle_len = res.handle_len;
	if (res.handle_len > 0)
		memcpy(ir->handle, res.handle, res.handle_len);
	ir->token_len = res.token_len;
	ir->verf_flavor = rep.verf_flavor;
	raw_reply_free(&rep);
}

/*
 * A refused handshake leg: a GSS error in the result (neither COMPLETE nor
 * CONTINUE_NEEDED), no handle (so no context kept), no window, and an
 * AUTH_NONE verifier (there is no context to sign with).
 */
void
want_init_refused(const struct conn *c, const struct msg *m,
    const char *label)
{
	struct initres ir;

	want_init_res(c, m, &ir, label);
	ck_assert_msg(GSS_ERROR(ir.major), "%s: gss_major %#" PRIx32
	    " is not an error", label, ir.major);
	ck_assert_msg(ir.handle_len == 0, "%s: a refused leg carries a "
	    "handle of %zu bytes", label, ir.handle_len);
	ck_assert_uint_eq(ir.window, 0);
	ck_assert_uint_eq(ir.verf_flavor, AUTH_NONE);
}

const uint8_t spnego_offer_krb5[29] = {
	0x60, 0x1b,					/* [APPLICATION 0] */
	0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02,	/* SPNEGO OID */
	0xa0, 0x11, 0x30, 0x0f,				/* NegTokenInit */
	0xa0, 0x0d, 0x30, 0x0b,				/* mechTypes */
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12,	/* krb5 OID */
	0x01, 0x02, 0x02
};

const uint8_t ntlm_negotiate[40] = {
	'N', 'T', 'L', 'M', 'S', 'S', 'P', 0,
	0x01, 0x00, 0x00, 0x00,				/* NEGOTIATE */
	0x37, 0x82, 0x08, 0xe2,				/* flags */
	0, 0, 0, 0, 0, 0, 0, 0,				/* domain */
	0, 0, 0, 0, 0, 0, 0, 0,				/* workstation */
	0x06, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f	/* version */
};

void
half_open(const struct conn *c, struct initres *ir)
{
	struct msg m;

	mk_init(&m, RPCAUTH_GSS_INIT, NULLPROC, NULL, 0, AUTH_NONE,
	    spnego_offer_krb5, sizeof(spnego_offer_krb5));
	want_init_res(c, &m, ir, "SPNEGO offer without a token");
	msg_free(&m);
	ck_assert_msg(ir->major == GSS_S_CONTINUE_NEEDED, "SPNEGO offer: "
	    "gss_major %#" PRIx32 " minor %#" PRIx32 ", wanted CONTINUE_NEEDED",
	    ir->major, ir->minor);
	ck_assert_uint_eq(ir->handle_len, RPCAUTH_HANDLE_LEN);
	ck_assert_uint_gt(ir->token_len, 0);
	ck_assert_uint_eq(ir->verf_flavor, AUTH_NONE);
}

void
init_refused(const struct conn *c, const void *tok, size_t toklen,
    const char *label)
{
	struct msg m;

	mk_init(&m, RPCAUTH_GSS_INIT, NULLPROC, NULL, 0, AUTH_NONE, tok,
	    toklen);
	want_init_refused(c, &m, label);
	msg_free(&m);
}

void
init_denied(const struct conn *c, uint32_t gss_proc, uint32_t proc,
    const uint8_t *h, size_t hlen, uint32_t vflavor, const void *tok,
    size_t toklen, uint32_t auth_stat, const char *label)
{
	struct msg m;

	mk_init(&m, gss_proc, proc, h, hlen, vflavor, tok, toklen);
	want_denied(c, &m, auth_stat, label);
	msg_free(&m);
}
