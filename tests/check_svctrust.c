/* tests/check_svctrust.c - what the server trusts: groups, names, authorize, half-open share, events */
/*
 * Besides the bed, main() forks a small server of its own (ts_server, on
 * 127.0.0.1, TCP) that registers rpcauth with krb5, spnego and ntlm, a
 * small context table (TS_MAX_CONTEXTS: 32 half-open slots, 2 per source),
 * an authorize callback (refuses mallory; version 2 only under privacy),
 * an event callback (rpcauth_svc_set_log) that keeps the events as text,
 * and an NSS seam (idmap_set_nss) that knows a local account "alice"
 * (uid TS_ALICE_UID).  TSPROC_IDENT returns what rpcauth_svc_caller()
 * says; TSPROC_COUNTERS and TSPROC_EVENTS are open to AUTH_NONE, so that
 * reading them makes no context and no event.
 *
 * Findings covered (docs/SECURITY.md): 6 group lists that shrink between
 * the two getgrouplist calls; 8 a flood of half-open SPNEGO INITs from
 * 127.0.0.2 while an NTLM handshake from 127.0.0.1 is half-way; 10 DATA
 * calls on a program, version or service the authorize callback was not
 * shown; 11 NTLM names in another case; 12 principals longer than
 * rpcauth_caller holds; 13 one event per refused handshake, rejected and
 * dropped call, with its fields.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include "clnt_internal.h"
#include "cred_xdr.h"
#include "e2e.h"
#include "hdrmic.h"
#include "idmap.h"
#include "mech.h"
#include "rawhand.h"
#include "rawrpc.h"
#include "svc_internal.h"
#include "cklist.h"

#define TSPROG		0x2000C1D2u
#define TSPROC_IDENT	1u
#define TSPROC_COUNTERS	2u
#define TSPROC_EVENTS	3u
#define TS_MAX_CONTEXTS	256		/* 32 half-open, 2 per source */
#define TS_ALICE_UID	4242u
#define EVENTS_MAX	16384

static struct testbed *bed;
static int ts_port;
static pid_t ts_pid = -1;
static char mallory_cc[1024], long_cc[1024], edge_cc[1024], ctl_cc[1024];
static char long_princ[1200], edge_princ[1100];

/* ---- the wire format of the test program -------------------------------- */

struct ident_res {
	u_int		 uid;
	char		*localname, *principal;
	u_int		 prog, vers, service;
};

struct counters {
	u_int		 authorize_calls, runs_v1, runs_v2, half_open;
	u_int		 per_source;
};

static bool_t
xdr_ident_res(XDR *x, struct ident_res *r)
{
	return xdr_u_int(x, &r->uid) && xdr_string(x, &r->localname, 1024) &&
	    xdr_string(x, &r->principal, 2048) && xdr_u_int(x, &r->prog) &&
	    xdr_u_int(x, &r->vers) && xdr_u_int(x, &r->service);
}

static bool_t
xdr_counters(XDR *x, struct counters *c)
{
	return xdr_u_int(x, &c->authorize_calls) && xdr_u_int(x, &c->runs_v1) &&
	    xdr_u_int(x, &c->runs_v2) && xdr_u_int(x, &c->half_open) &&
	    xdr_u_int(x, &c->per_source);
}

static bool_t
xdr_events(XDR *x, char **s)
{
	return xdr_string(x, s, EVENTS_MAX);
}

/* ---- the server (a child process; no Check calls in here) --------------- */

static struct counters srv_counts;
static char srv_events[EVENTS_MAX];

static int
authorize_cb(const struct rpcauth_caller *who, void *arg, void **cookie_out)
{
	struct counters *k = arg;

	(void)cookie_out;
	k->authorize_calls++;
	if (strncmp(who->principal, "mallory", 7) == 0)
		return 1;
	/* Version 2 is the sensitive one: privacy only. */
	if (who->vers == 2 && who->service != RPCAUTH_SVC_PRIVACY)
		return 2;
	return 0;
}

/* kind|auth_stat|garbage|major|principal|peer|flavor|prog|vers|cause */
static void
event_cb(const struct rpcauth_svc_event *ev, void *arg)
{
	size_t n = strlen(srv_events);

	(void)arg;
	snprintf(srv_events + n, sizeof(srv_events) - n,
	    "%d|%d|%d|0x%x|%s|%s|%u|%u|%u|%s\n", (int)ev->kind, ev->auth_stat,
	    ev->garbage_args, ev->gss_major, ev->principal != NULL ?
	    ev->principal : "(null)", ev->peer, ev->flavor, ev->prog, ev->vers,
	    ev->cause);
}

/* The NSS seam: a local account "alice" this machine does not have. */
static int
fake_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
    struct passwd **res)
{
	if (strcmp(name, "alice") != 0)
		return getpwnam_r(name, pw, buf, len, res);
	if (len < 16)
		return ERANGE;
	memset(pw, 0, sizeof(*pw));
	snprintf(buf, len, "alice");
	pw->pw_name = buf;
	pw->pw_passwd = buf + 5;	/* "" */
	pw->pw_gecos = buf + 5;
	pw->pw_dir = buf + 5;
	pw->pw_shell = buf + 5;
	pw->pw_uid = TS_ALICE_UID;
	pw->pw_gid = TS_ALICE_UID;
	*res = pw;
	return 0;
}

/* IDENT: who called, as rpcauth_svc_caller() says. */
static void
ts_ident(struct svc_req *rq, SVCXPRT *xprt)
{
	struct rpcauth_caller who;
	struct ident_res r;

	if (e2e_svc_caller(rq, xprt, &who) != 0)
		return;
	if (rq->rq_vers == 2)
		srv_counts.runs_v2++;
	else
		srv_counts.runs_v1++;
	memset(&r, 0, sizeof(r));
	r.uid = (u_int)who.uid;
	r.localname = who.localname;
	r.principal = who.principal;
	r.prog = (u_int)rq->rq_prog;
	r.vers = (u_int)rq->rq_vers;
	r.service = (u_int)who.service;
	(void)svc_sendreply(xprt, (xdrproc_t)xdr_ident_res, (caddr_t)&r);
}

static void
ts_dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	char *ev;

	switch (rq->rq_proc) {
	case NULLPROC:
		(void)svc_sendreply(xprt, (xdrproc_t)xdr_nothing, NULL);
		return;
	case TSPROC_COUNTERS:
		srv_counts.half_open =
		    (u_int)ctxcache_count_half_open(svc_g.cc);
		srv_counts.per_source =
		    (u_int)ctxcache_max_per_source(svc_g.cc);
		(void)svc_sendreply(xprt, (xdrproc_t)xdr_counters,
		    (caddr_t)&srv_counts);
		return;
	case TSPROC_EVENTS:
		/* Hand them over and start afresh. */
		ev = srv_events;
		(void)svc_sendreply(xprt, (xdrproc_t)xdr_events, (caddr_t)&ev);
		srv_events[0] = '\0';
		return;
	case TSPROC_IDENT:
		ts_ident(rq, xprt);
		return;
	default:
		svcerr_noproc(xprt);
		return;
	}
}

static int
ts_server(int p, void *arg)
{
	struct idmap_nss nss = { fake_getpwnam_r, NULL };
	struct rpcauth_svc_opts o;
	SVCXPRT *t;
	int fd;

	(void)arg;
	idmap_set_nss(&nss);
	rpcauth_svc_set_log(event_cb, NULL);
	e2e_svc_opts(&o, testbed_server_keytab(bed), authorize_cb, &srv_counts);
	o.max_contexts = TS_MAX_CONTEXTS;
	if (e2e_svc_register(&o, "ts_server") != 0)
		return -1;
	if ((fd = e2e_listen(SOCK_STREAM, p)) < 0 ||
	    (t = svc_vc_create(fd, 0, 0)) == NULL ||
	    !svc_reg(t, TSPROG, 1, ts_dispatch, NULL) ||
	    !svc_reg(t, TSPROG, 2, ts_dispatch, NULL)) {
		fprintf(stderr, "ts_server: cannot serve on port %d\n", p);
		return -1;
	}
	return 0;
}

/* ---- client side helpers ------------------------------------------------ */

/* A TCP socket from `from` (an address of 127/8) to the test server. */
static int
connect_from(const char *from)
{
	struct sockaddr_in sin, src;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, from, &src.sin_addr), 1);
	ck_assert_msg(bind(fd, (struct sockaddr *)&src, sizeof(src)) == 0,
	    "bind %s: %s", from, strerror(errno));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)ts_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

/* "127.0.0.1:PORT" of our end of fd, as the server's events show it. */
static void
local_text(int fd, char *buf, size_t len)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	char a[INET_ADDRSTRLEN];

	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	ck_assert_ptr_nonnull(inet_ntop(AF_INET, &sin.sin_addr, a, sizeof(a)));
	snprintf(buf, len, "%s:%u", a, (unsigned)ntohs(sin.sin_port));
}

/* A CLIENT of TSPROG `vers` (no security when mech is NULL). */
static CLIENT *
ts_clnt(int vers, const char *mech, const char *ccache,
    enum rpcauth_service svc, struct rpcauth_err *err)
{
	CLIENT *cl = e2e_clnt_fd(connect_from("127.0.0.1"), ts_port, 0, TSPROG,
	    (rpcvers_t)vers);

	ck_assert_ptr_nonnull(cl);
	return mech == NULL ? cl : e2e_auth_as(cl, "demo@localhost", mech,
	    ccache, svc, err);
}

static struct counters
counters(void)
{
	struct counters k;

	memset(&k, 0, sizeof(k));
	e2e_call_once(ts_clnt(1, NULL, NULL, 0, NULL), TSPROC_COUNTERS,
	    (xdrproc_t)xdr_counters, &k);
	return k;
}

/* The server's events since the last call, one line each (malloc'd). */
static char *
events_take(void)
{
	char *s = NULL;

	e2e_call_once(ts_clnt(1, NULL, NULL, 0, NULL), TSPROC_EVENTS,
	    (xdrproc_t)xdr_events, &s);
	ck_assert_ptr_nonnull(s);
	return s;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* IDENT over cl: the RPC status, *r filled on success. */
static enum clnt_stat
ident(CLIENT *cl, struct ident_res *r)
{
	struct timeval tv = { 10, 0 };

	memset(r, 0, sizeof(*r));
	return clnt_call(cl, TSPROC_IDENT, (xdrproc_t)xdr_nothing, NULL,
	    (xdrproc_t)xdr_ident_res, (caddr_t)r, tv);
}

static void
destroy(CLIENT *cl)
{
	auth_destroy(cl->cl_auth);
	cl->cl_auth = NULL;
	clnt_destroy(cl);
}

/* The end of a test: its client and last IDENT result freed, and the
 * events they caused forgotten. */
static void
finish(CLIENT *cl, struct ident_res *r)
{
	xdr_free((xdrproc_t)xdr_ident_res, (char *)r);
	destroy(cl);
	free(events_take());
}

/* ---- 6: group lists that change between the two getgrouplist calls ------ */

static int fake_calls;
static int fake_first, fake_then;

/* Says fake_first groups the first time, fake_then afterwards; grows by
 * ten on every call when fake_then is 0. */
static int
fake_getgrouplist(const char *user, gid_t gid, gid_t *groups, int *ngroups)
{
	int have, i;

	(void)user;
	have = fake_calls == 0 ? fake_first :
	    fake_then > 0 ? fake_then : fake_first + 10 * fake_calls;
	fake_calls++;
	if (*ngroups < have) {
		*ngroups = have;
		return -1;
	}
	for (i = 0; i < have; i++)
		groups[i] = i == 0 ? gid : (gid_t)(5000 + i);
	*ngroups = have;
	return have;
}

static void
nss_fake(int first, int then)
{
	struct idmap_nss nss = { fake_getpwnam_r, fake_getgrouplist };

	fake_calls = 0;
	fake_first = first;
	fake_then = then;
	idmap_set_nss(&nss);
}

/*
 * 100 groups when counted, 10 when read: exactly those 10, and no gid 0
 * (the zeroed tail of the buffer) among them.
 */
START_TEST(groups_shrink)
{
	struct idmap_ident id;
	size_t i;

	nss_fake(100, 10);
	ck_assert_int_eq(idmap_account("alice", &id), 1);
	ck_assert_uint_eq(id.uid, TS_ALICE_UID);
	ck_assert_uint_eq(id.ngroups, 10);
	for (i = 0; i < id.ngroups; i++)
		ck_assert_msg(id.groups[i] != 0, "gid 0 at %zu of %zu", i,
		    id.ngroups);
	ck_assert_uint_eq(id.groups[0], TS_ALICE_UID);
	ck_assert_uint_eq(id.groups[9], 5009);
	/* Stable and long: the first RPCAUTH_MAX_GROUPS, in order. */
	nss_fake(100, 100);
	ck_assert_int_eq(idmap_account("alice", &id), 1);
	ck_assert_uint_eq(id.ngroups, RPCAUTH_MAX_GROUPS);
	for (i = 1; i < RPCAUTH_MAX_GROUPS; i++)
		ck_assert_uint_eq(id.groups[i], 5000 + i);
	idmap_set_nss(NULL);
}
END_TEST

/* A list that keeps growing cannot be read whole: nobody, not a part. */
START_TEST(groups_unreadable)
{
	struct idmap_ident id;

	nss_fake(100, 0);
	ck_assert_int_eq(idmap_account("alice", &id), -1);
	ck_assert_uint_eq(id.uid, RPCAUTH_NOBODY);
	ck_assert_uint_eq(id.gid, RPCAUTH_NOBODY);
	ck_assert_uint_eq(id.ngroups, 0);
	ck_assert_str_eq(id.localname, "");
	idmap_set_nss(NULL);
}
END_TEST

/* ---- raw handshakes ------------------------------------------------------ */

/* A handshake by hand with the test server, from address `from`. */
static void
hand_open(struct rawhand *h, const char *from)
{
	rawhand_open(h, connect_from(from), ts_port, TSPROG, 1, 0x5500);
}

/* IDENT with seq under service none (junk_len bytes of junk for its
 * header MIC, or a good one), its bytes in msg, the reply in *rep. */
static size_t
hand_ident(struct rawhand *h, uint32_t seq, size_t junk_len, uint8_t *msg,
    size_t cap, struct raw_reply *rep)
{
	size_t mlen = rawhand_data_call(h, TSPROC_IDENT, seq, junk_len,
	    RAWHAND_NONE, msg, cap);

	raw_exchange(h->fd, 0, h->port, msg, mlen, h->xid, 5000, rep);
	return mlen;
}

/* gss_init_sec_context step with `in`; the token to send in *out. */
static OM_uint32
hand_step(struct rawhand *h, gss_OID mech, const void *in, size_t inlen,
    gss_buffer_t out)
{
	gss_buffer_desc ib = { inlen, (void *)(uintptr_t)in };
	OM_uint32 maj, min;

	maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &h->ctx,
	    h->target, mech, GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG, 0,
	    GSS_C_NO_CHANNEL_BINDINGS, inlen ? &ib : GSS_C_NO_BUFFER, NULL,
	    out, NULL, NULL);
	ck_assert_msg(!GSS_ERROR(maj), "init_sec_context: major 0x%x minor "
	    "%u", maj, min);
	return maj;
}

/* A whole krb5 handshake (alice's ticket); returns with a context. */
static void
hand_krb5(struct rawhand *h)
{
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	struct rpcauth_init_res res;
	struct raw_reply rep;
	OM_uint32 min;

	(void)hand_step(h, mech_by_name("krb5"), NULL, 0, &out);
	rawhand_leg(h, &out, &rep, &res);
	(void)gss_release_buffer(&min, &out);
	ck_assert_uint_eq(res.major, GSS_S_COMPLETE);
	ck_assert_uint_eq(hand_step(h, mech_by_name("krb5"), res.token,
	    res.token_len, &out), GSS_S_COMPLETE);
	(void)gss_release_buffer(&min, &out);
	raw_reply_free(&rep);
}

/* ---- 8: half-open slots under a flood from another address -------------- */

/* SPNEGO NegTokenInit offering krb5 with no mechToken: CONTINUE_NEEDED. */
static const uint8_t spnego_offer[] = { 0x60, 0x1b, 0x06, 0x06, 0x2b, 0x06,
    0x01, 0x05, 0x05, 0x02, 0xa0, 0x11, 0x30, 0x0f, 0xa0, 0x0d, 0x30, 0x0b,
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };

#define FLOOD_N		400	/* > 32 half-open slots, many times over */
#define FLOOD_BATCH	50

/* n INITs pipelined from `from`; returns how many left a half-open context. */
static int
flood(const char *from, int n)
{
	struct rpcauth_init_res res;
	struct raw_reply rep;
	uint8_t *buf, *in;
	size_t cap = 200 * FLOOD_BATCH, off, len, got, inlen, rl;
	uint32_t m;
	int fd = connect_from(from), i, b, half_open = 0;
	ssize_t w;

	buf = malloc(cap);
	in = malloc(65536);
	ck_assert(buf != NULL && in != NULL);
	for (i = 0; i < n; i += FLOOD_BATCH) {
		for (off = 0, b = 0; b < FLOOD_BATCH && i + b < n; b++) {
			len = rawhand_init_call(0x900000 + (uint32_t)(i + b),
			    TSPROG, 1, NULL, 0, spnego_offer,
			    sizeof(spnego_offer), buf + off + 4,
			    cap - off - 4);
			buf[off] = 0x80 | (uint8_t)(len >> 24);
			buf[off + 1] = (uint8_t)(len >> 16);
			buf[off + 2] = (uint8_t)(len >> 8);
			buf[off + 3] = (uint8_t)len;
			off += 4 + len;
		}
		for (len = 0; len < off; len += (size_t)w)
			ck_assert_int_gt((w = write(fd, buf + len, off - len)),
			    0);
		/* Read the batch's replies: one record each. */
		for (got = 0, inlen = 0; got < (size_t)b;) {
			w = read(fd, in + inlen, 65536 - inlen);
			ck_assert_int_gt(w, 0);
			inlen += (size_t)w;
			while (inlen >= 4) {
				m = ((uint32_t)in[0] << 24) |
				    ((uint32_t)in[1] << 16) |
				    ((uint32_t)in[2] << 8) | in[3];
				rl = m & 0x7fffffffu;
				if (inlen < 4 + rl)
					break;
				ck_assert_int_eq(raw_parse_reply(in + 4, rl,
				    &rep), 0);
				if (rep.kind == RAW_ACCEPTED &&
				    init_res_decode(rep.body, rep.body_len,
				    RPCAUTH_CRED_MAX_HANDLE, 65536, &res) == 0 &&
				    res.major == GSS_S_CONTINUE_NEEDED &&
				    res.handle_len > 0)
					half_open++;
				raw_reply_free(&rep);
				memmove(in, in + 4 + rl, inlen - 4 - rl);
				inlen -= 4 + rl;
				got++;
			}
		}
	}
	free(buf);
	free(in);
	close(fd);
	return half_open;
}

static gss_OID_desc ntlm_oid_d = { 10,
    (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };

/*
 * NTLM from 127.0.0.1 sends NEGOTIATE and holds one half-open slot; then
 * 127.0.0.2 sends FLOOD_N SPNEGO offers, each of which the server answers
 * with CONTINUE_NEEDED and a handle (32 slots in all).  AUTHENTICATE must
 * still find its context: the flood only churns its own 2 slots.
 */
START_TEST(half_open_flood)
{
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	struct rpcauth_init_res res;
	struct raw_reply rep;
	struct counters k;
	struct rawhand h;
	OM_uint32 min;
	int n;

	hand_open(&h, "127.0.0.1");
	(void)hand_step(&h, &ntlm_oid_d, NULL, 0, &out);
	rawhand_leg(&h, &out, &rep, &res);
	(void)gss_release_buffer(&min, &out);
	ck_assert_uint_eq(res.major, GSS_S_CONTINUE_NEEDED);
	ck_assert_uint_eq(hand_step(&h, &ntlm_oid_d, res.token, res.token_len,
	    &out), GSS_S_COMPLETE);
	raw_reply_free(&rep);

	n = flood("127.0.0.2", FLOOD_N);
	ck_assert_int_eq(n, FLOOD_N);	/* each one did make a context */

	rawhand_leg(&h, &out, &rep, &res);
	(void)gss_release_buffer(&min, &out);
	ck_assert_msg(res.major == GSS_S_COMPLETE, "AUTHENTICATE after the "
	    "flood: major 0x%x", res.major);
	raw_reply_free(&rep);
	/* The flood kept to its own bound (the NTLM context is now
	 * established: the rest are the flood's). */
	k = counters();
	ck_assert_uint_eq(k.per_source, 2);
	ck_assert_msg(k.half_open <= k.per_source, "%u half-open contexts "
	    "after the flood", k.half_open);
	rawhand_close(&h);
	free(events_take());
}
END_TEST

/*
 * The table alone (64 contexts: 8 half-open, 1 per source).  Source A
 * floods: it only ever holds its one slot.  With the share full of one
 * context per source, the oldest of all goes; a source holding more than
 * one (none can here) would go first.  Then with 256 contexts (32
 * half-open, 2 per source), A and B at 2 each and 28 sources at 1: a new
 * source evicts A's or B's oldest, never a lone one.
 */
static void
src_key(uint8_t k[CTXCACHE_SRC_LEN], unsigned n)
{
	memset(k, 0, CTXCACHE_SRC_LEN);
	k[10] = k[11] = 0xff;
	k[12] = 10;
	k[14] = (uint8_t)(n >> 8);
	k[15] = (uint8_t)n;
}

START_TEST(half_open_by_source)
{
	uint8_t a[CTXCACHE_SRC_LEN], b[CTXCACHE_SRC_LEN], k[CTXCACHE_SRC_LEN];
	uint8_t lone[28][RPCAUTH_HANDLE_LEN], hb[RPCAUTH_HANDLE_LEN];
	struct ctxcache *cc = ctxcache_new(64, 30);
	struct svcctx *c;
	unsigned i;

	ck_assert_uint_eq(ctxcache_max_per_source(cc), 1);
	src_key(a, 1);
	src_key(b, 2);
	c = ctxcache_create_from(cc, b, NULL);
	memcpy(hb, c->handle, sizeof(hb));
	ctxcache_put(cc, c);
	for (i = 0; i < 1000; i++) {
		c = ctxcache_create_from(cc, a, NULL);
		ck_assert_ptr_nonnull(c);
		ctxcache_put(cc, c);
		ck_assert_uint_eq(ctxcache_count_from(cc, a), 1);
	}
	ck_assert_uint_eq(ctxcache_count_half_open(cc), 2);
	c = ctxcache_find(cc, hb, sizeof(hb));
	ck_assert_ptr_nonnull(c);		/* B's survived */
	ctxcache_put(cc, c);
	ctxcache_free(cc);

	cc = ctxcache_new(256, 30);
	ck_assert_uint_eq(ctxcache_max_per_source(cc), 2);
	for (i = 0; i < 2; i++) {
		ctxcache_put(cc, ctxcache_create_from(cc, a, NULL));
		ctxcache_put(cc, ctxcache_create_from(cc, b, NULL));
	}
	for (i = 0; i < 28; i++) {
		src_key(k, 100 + i);
		c = ctxcache_create_from(cc, k, NULL);
		memcpy(lone[i], c->handle, RPCAUTH_HANDLE_LEN);
		ctxcache_put(cc, c);
	}
	ck_assert_uint_eq(ctxcache_count_half_open(cc), 32);
	for (i = 0; i < 3; i++) {
		src_key(k, 500 + i);
		ctxcache_put(cc, ctxcache_create_from(cc, k, NULL));
	}
	ck_assert_uint_eq(ctxcache_count_half_open(cc), 32);
	ck_assert_uint_eq(ctxcache_count_from(cc, a) +
	    ctxcache_count_from(cc, b), 1);
	for (i = 0; i < 28; i++) {
		c = ctxcache_find(cc, lone[i], RPCAUTH_HANDLE_LEN);
		ck_assert_msg(c != NULL, "lone source %u evicted", i);
		ctxcache_put(cc, c);
	}
	ctxcache_free(cc);
}
END_TEST

/* ---- 10: authorize sees what each DATA call really asks for ------------- */

/* cl's AUTH lent to a CLIENT of version `vers`, for one IDENT. */
static enum clnt_stat
ident_as(CLIENT *cl, int vers, struct ident_res *r, enum auth_stat *why)
{
	struct rpc_err re;
	enum clnt_stat st;
	CLIENT *other = ts_clnt(vers, NULL, NULL, 0, NULL);

	auth_destroy(other->cl_auth);
	other->cl_auth = cl->cl_auth;
	st = ident(other, r);
	clnt_geterr(other, &re);
	*why = st == RPC_AUTHERROR ? re.re_why : AUTH_OK;
	other->cl_auth = authnone_create();
	clnt_destroy(other);
	return st;
}

/*
 * A context made on version 1 (allowed at any service) used on version 2
 * (privacy only) under integrity: AUTH_TOOWEAK, the procedure does not
 * run; the refusal is remembered (the callback is not asked twice).
 * Version 1 keeps working.
 */
START_TEST(authorize_other_version)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct counters k0, k1, k2;
	struct ident_res r;
	enum auth_stat why;
	CLIENT *cl;

	cl = ts_clnt(1, "krb5", NULL, RPCAUTH_SVC_INTEGRITY, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	k0 = counters();
	ck_assert_int_eq(ident_as(cl, 2, &r, &why), RPC_AUTHERROR);
	ck_assert_int_eq(why, AUTH_TOOWEAK);
	k1 = counters();
	ck_assert_uint_eq(k1.runs_v2, k0.runs_v2);
	ck_assert_uint_eq(k1.authorize_calls, k0.authorize_calls + 1);
	ck_assert_int_eq(ident_as(cl, 2, &r, &why), RPC_AUTHERROR);
	k2 = counters();
	ck_assert_uint_eq(k2.runs_v2, k0.runs_v2);
	ck_assert_uint_eq(k2.authorize_calls, k1.authorize_calls);
	ck_assert_int_eq(ident(cl, &r), RPC_SUCCESS);
	ck_assert_uint_eq(r.vers, 1);
	finish(cl, &r);
}
END_TEST

/*
 * A context whose INIT said privacy on version 2 (authorized), whose DATA
 * calls then say "none": refused before the procedure runs.  Under
 * privacy the same context works, and a version 1 context at privacy may
 * drop to integrity (the callback is asked, and allows it).
 */
START_TEST(authorize_lower_service)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct counters k0, k1;
	struct clnt_state *cs;
	struct ident_res r;
	struct rpc_err re;
	CLIENT *cl;

	cl = ts_clnt(2, "krb5", NULL, RPCAUTH_SVC_PRIVACY, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	ck_assert_int_eq(ident(cl, &r), RPC_SUCCESS);
	ck_assert_uint_eq(r.vers, 2);
	ck_assert_uint_eq(r.service, RPCAUTH_SVC_PRIVACY);
	xdr_free((xdrproc_t)xdr_ident_res, (char *)&r);
	k0 = counters();
	cs = cl->cl_auth->ah_private;
	cs->service = RPCAUTH_SVC_NONE;
	ck_assert_int_eq(ident(cl, &r), RPC_AUTHERROR);
	clnt_geterr(cl, &re);
	ck_assert_int_eq(re.re_why, AUTH_TOOWEAK);
	k1 = counters();
	ck_assert_uint_eq(k1.runs_v2, k0.runs_v2);
	ck_assert_uint_eq(k1.authorize_calls, k0.authorize_calls + 1);
	cs->service = RPCAUTH_SVC_PRIVACY;
	ck_assert_int_eq(ident(cl, &r), RPC_SUCCESS);
	xdr_free((xdrproc_t)xdr_ident_res, (char *)&r);
	destroy(cl);

	cl = ts_clnt(1, "krb5", NULL, RPCAUTH_SVC_PRIVACY, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	cs = cl->cl_auth->ah_private;
	cs->service = RPCAUTH_SVC_INTEGRITY;
	k0 = counters();
	ck_assert_int_eq(ident(cl, &r), RPC_SUCCESS);
	ck_assert_uint_eq(r.service, RPCAUTH_SVC_INTEGRITY);
	xdr_free((xdrproc_t)xdr_ident_res, (char *)&r);
	k1 = counters();
	ck_assert_uint_eq(k1.authorize_calls, k0.authorize_calls + 1);
	ck_assert_uint_eq(k1.runs_v1, k0.runs_v1 + 1);
	destroy(cl);
	free(events_take());
}
END_TEST

/* ---- 11: NTLM names in their canonical case ----------------------------- */

/* This process (a Check fork) speaks NTLM as DOMAIN\USER from its own file. */
static void
ntlm_as(const char *domain, const char *user)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ntlm_%d", testbed_dir(bed),
	    (int)getpid());
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s:%s:%s\n", domain, user, testbed_ntlm_password(bed));
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(setenv("NTLM_USER_FILE", path, 1), 0);
}

/*
 * "RPCAUTH\ALICE" and "RPCAUTH\aLiCe" are alice (NTLM ignores the user
 * name's case): all are reported as "RPCAUTH\alice" and map to the local
 * account alice.  (gss-ntlmssp's own lookup would try "ALICE".)
 */
START_TEST(ntlm_canonical_name)
{
	static const char *const as[][2] = {
		{ "RPCAUTH", "alice" }, { "RPCAUTH", "ALICE" },
		{ "RPCAUTH", "aLiCe" } };
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct ident_res r;
	CLIENT *cl;

	ntlm_as(as[_i][0], as[_i][1]);
	cl = ts_clnt(1, "ntlm", NULL, RPCAUTH_SVC_INTEGRITY, &err);
	ck_assert_msg(cl != NULL, "NTLM as %s\\%s: %s", as[_i][0], as[_i][1],
	    err.msg ? err.msg : "?");
	ck_assert_int_eq(ident(cl, &r), RPC_SUCCESS);
	ck_assert_str_eq(r.principal, "RPCAUTH\\alice");
	ck_assert_str_eq(r.localname, "alice");
	ck_assert_uint_eq(r.uid, TS_ALICE_UID);
	finish(cl, &r);
}
END_TEST

/* ---- 12: principals that do not fit rpcauth_caller ---------------------- */

/*
 * A principal of 1024 bytes and more is refused at establishment, with
 * GSS_S_BAD_NAME for the client and an event saying why; one of 1023
 * bytes is served whole.
 */
START_TEST(long_principal)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct counters k0, k1;
	struct ident_res r;
	char *ev;
	CLIENT *cl;

	free(events_take());
	k0 = counters();
	cl = ts_clnt(1, "krb5", long_cc, RPCAUTH_SVC_INTEGRITY, &err);
	ck_assert_msg(cl == NULL, "a %zu-byte principal was accepted",
	    strlen(long_princ));
	ck_assert_int_eq(err.code, RPCAUTH_E_GSS);
	rpcauth_err_clear(&err);
	k1 = counters();
	ck_assert_uint_eq(k1.authorize_calls, k0.authorize_calls);
	ev = events_take();
	ck_assert_msg(count_lines(ev) == 1 && strstr(ev, "longer than the "
	    "1023 bytes") != NULL && strstr(ev, long_princ) != NULL &&
	    strstr(ev, "|0x20000|") != NULL, "events: %s", ev);
	free(ev);

	cl = ts_clnt(1, "krb5", edge_cc, RPCAUTH_SVC_INTEGRITY, &err);
	ck_assert_msg(cl != NULL, "%zu bytes: %s", strlen(edge_princ),
	    err.msg ? err.msg : "?");
	ck_assert_int_eq(ident(cl, &r), RPC_SUCCESS);
	ck_assert_uint_eq(strlen(edge_princ), 1023);
	ck_assert_str_eq(r.principal, edge_princ);
	xdr_free((xdrproc_t)xdr_ident_res, (char *)&r);
	destroy(cl);
}
END_TEST

/* ---- 13: server events --------------------------------------------------- */

/* Split an event line into its ten fields (in place). */
static void
fields(char *line, char *f[10])
{
	int i;

	for (i = 0; i < 9; i++) {
		f[i] = line;
		line = strchr(line, '|');
		ck_assert_msg(line != NULL, "short event line");
		*line++ = '\0';
	}
	f[9] = line;
	if ((line = strchr(line, '\n')) != NULL)
		*line = '\0';
}

static void
expect_one(const char *want_kind, const char *want_stat,
    const char *want_major, const char *want_princ, const char *want_peer,
    const char *want_cause)
{
	char *ev = events_take(), *f[10], flav[16];

	ck_assert_msg(count_lines(ev) == 1, "want one event, got: %s", ev);
	fields(ev, f);
	snprintf(flav, sizeof(flav), "%u", RPCAUTH_FLAVOR);
	ck_assert_str_eq(f[0], want_kind);
	ck_assert_str_eq(f[1], want_stat);
	ck_assert_str_eq(f[3], want_major);
	ck_assert_str_eq(f[4], want_princ);
	ck_assert_str_eq(f[5], want_peer);
	ck_assert_str_eq(f[6], flav);
	ck_assert_uint_eq(strtoul(f[7], NULL, 10), TSPROG);
	ck_assert_str_eq(f[8], "1");
	ck_assert_msg(strstr(f[9], want_cause) != NULL, "cause: %s", f[9]);
	free(ev);
}

/* mallory's handshake, refused by the authorize callback: one event. */
START_TEST(event_unauthorized)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	char peer[64], kind[8], stat[8];
	CLIENT *cl;
	int fd;

	free(events_take());
	/* The library client's socket: learn its port before it is used. */
	cl = ts_clnt(1, NULL, NULL, 0, NULL);
	ck_assert(clnt_control(cl, CLGET_FD, (char *)&fd));
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	snprintf(peer, sizeof(peer), "127.0.0.1:%u",
	    (unsigned)ntohs(sin.sin_port));
	{
		struct rpcauth_client_opts o;

		rpcauth_client_opts_init(&o);
		o.ccache = mallory_cc;
		ck_assert_ptr_null(rpcauth_client_create(cl, "demo@localhost",
		    &o, &err));
	}
	ck_assert_ptr_nonnull(strstr(err.msg, "forbidden by local security "
	    "policy"));
	rpcauth_err_clear(&err);
	clnt_destroy(cl);
	snprintf(kind, sizeof(kind), "%d", RPCAUTH_SVC_EV_HANDSHAKE_REFUSED);
	snprintf(stat, sizeof(stat), "%d", 0);
	expect_one(kind, stat, "0xf0000", "mallory@" TESTBED_REALM, peer,
	    "authorize callback refused");
}
END_TEST

/*
 * A principal with CR and ESC (any realm the server trusts can issue
 * one): the event carries it escaped, so a log line cannot be forged or
 * hidden by terminal control sequences.
 */
START_TEST(event_principal_escaped)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_client_opts o;
	char *ev;
	CLIENT *cl;

	free(events_take());
	cl = ts_clnt(1, NULL, NULL, 0, NULL);
	rpcauth_client_opts_init(&o);
	o.ccache = ctl_cc;
	ck_assert_ptr_null(rpcauth_client_create(cl, "demo@localhost", &o,
	    &err));
	rpcauth_err_clear(&err);
	clnt_destroy(cl);
	ev = events_take();
	ck_assert_msg(count_lines(ev) == 1, "want one event line, got: %s", ev);
	ck_assert_msg(strchr(ev, '\r') == NULL && strchr(ev, 0x1b) == NULL,
	    "raw control bytes in the event: %s", ev);
	ck_assert_msg(strstr(ev, "mallory\\x1b[2K\\x0droot@" TESTBED_REALM)
	    != NULL, "principal not escaped as expected: %s", ev);
	free(ev);
}
END_TEST

/*
 * alice's context by hand: a DATA call with a junk header MIC is rejected
 * (CREDPROBLEM) and a replayed good call is dropped: one event each, with
 * the context's principal and our address.
 */
START_TEST(event_forged_and_replayed)
{
	struct raw_reply rep;
	struct rawhand h;
	uint8_t msg[2048];
	char peer[64], kind[8], stat[8], *ev;
	size_t mlen;

	hand_open(&h, "127.0.0.1");
	local_text(h.fd, peer, sizeof(peer));
	hand_krb5(&h);
	free(events_take());

	mlen = hand_ident(&h, 1, 32, msg, sizeof(msg), &rep);
	ck_assert_int_eq(rep.kind, RAW_AUTH_ERROR);
	ck_assert_uint_eq(rep.auth_stat, RPCSEC_GSS_CREDPROBLEM);
	raw_reply_free(&rep);
	snprintf(kind, sizeof(kind), "%d", RPCAUTH_SVC_EV_CALL_REJECTED);
	snprintf(stat, sizeof(stat), "%d", RPCSEC_GSS_CREDPROBLEM);
	expect_one(kind, stat, "0x0", "alice@" TESTBED_REALM, peer,
	    "header checksum of seq 1 does not verify");

	mlen = hand_ident(&h, 2, 0, msg, sizeof(msg), &rep);
	ck_assert_int_eq(rep.kind, RAW_ACCEPTED);
	ck_assert_uint_eq(rep.accept_stat, SUCCESS);
	raw_reply_free(&rep);
	ev = events_take();
	ck_assert_str_eq(ev, "");	/* a served call: none */
	free(ev);
	raw_exchange(h.fd, 0, ts_port, msg, mlen, h.xid, 1000, &rep);
	ck_assert_int_eq(rep.kind, RAW_NOREPLY);
	raw_reply_free(&rep);
	snprintf(kind, sizeof(kind), "%d", RPCAUTH_SVC_EV_CALL_DROPPED);
	expect_one(kind, "0", "0x0", "alice@" TESTBED_REALM, peer,
	    "seq 2 dropped without reply: already seen");
	rawhand_close(&h);
}
END_TEST

static Suite *
svctrust_suite(void)
{
	Suite *s = suite_create("svctrust");
	TCase *tc = cklist_tcase(s, "core", 240);

	CKLIST(tc, 1, groups_shrink, groups_unreadable, half_open_by_source,
	    half_open_flood, authorize_other_version, authorize_lower_service);
	tcase_add_loop_test(tc, ntlm_canonical_name, 0, 3);
	CKLIST(tc, 1, long_principal, event_unauthorized,
	    event_forged_and_replayed, event_principal_escaped);
	return s;
}

static int
setup(void)
{
	size_t rl = strlen("@" TESTBED_REALM);

	snprintf(mallory_cc, sizeof(mallory_cc), "FILE:%s/mallory.ccache",
	    testbed_dir(bed));
	snprintf(long_cc, sizeof(long_cc), "FILE:%s/long.ccache",
	    testbed_dir(bed));
	snprintf(edge_cc, sizeof(edge_cc), "FILE:%s/edge.ccache",
	    testbed_dir(bed));
	snprintf(ctl_cc, sizeof(ctl_cc), "FILE:%s/ctl.ccache",
	    testbed_dir(bed));
	/* 1100 + realm bytes: too long; 1023 bytes in all: just fits. */
	memset(long_princ, 'l', 1100);
	snprintf(long_princ + 1100, sizeof(long_princ) - 1100, "@%s",
	    TESTBED_REALM);
	memset(edge_princ, 'e', 1023 - rl);
	snprintf(edge_princ + 1023 - rl, sizeof(edge_princ) - (1023 - rl),
	    "@%s", TESTBED_REALM);
	return e2e_kinit(bed, "mallory", mallory_cc, "mallory") != 0 ||
	    e2e_kinit(bed, long_princ, long_cc, "long") != 0 ||
	    e2e_kinit(bed, edge_princ, edge_cc, "edge") != 0 ||
	    e2e_kinit(bed, "mallory\x1b[2K\rroot", ctl_cc, "ctl") != 0 ||
	    e2e_fork_server(ts_server, NULL, &ts_pid, &ts_port) != 0 ? -1 : 0;
}

static int
teardown(void)
{
	e2e_fork_stop(&ts_pid);
	return 0;
}

int
main(void)
{
	struct testbed_opts o;

	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof(o));
	o.ntlm_user_file = true;
	return e2e_main(svctrust_suite(), &o, &bed, setup, teardown);
}
