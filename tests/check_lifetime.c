/* tests/check_lifetime.c - contexts that end, restarted servers, forged rejections, lost datagrams */
/*
 * The client must make new contexts without the application noticing:
 * before a context ends, once it has ended, when the server forgot it
 * (restart) or ended it (RPCSEC_GSS_CTXPROBLEM), and before MAXSEQ.  It
 * must not loop on forged rejections.  A UDP proxy thread in this process
 * sits between client and server to forge rejections and lose datagrams,
 * and a stand-in for gss_get_mic says GSS_S_CONTEXT_EXPIRED on demand.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clnt_internal.h"
#include "demofs.h"
#include "e2e.h"
#include "udpproxy.h"
#include "cklist.h"

#define MAXSEQ		0x80000000u
#define LIFE_S		16	/* ticket lifetime of the expiry bed */
/* krb5.conf clockskew: the server's context outlives the ticket by it. */
#define SKEW_S		2

static struct testbed *bed;

/*
 * MIT's krb5 never says GSS_S_CONTEXT_EXPIRED from gss_get_mic (other
 * mechanisms may), so this program stands in front of it: the library's
 * objects are linked in, their calls land here first.
 */
static int expire_mics;		/* this many calls fail, then pass */

typedef OM_uint32 (*mic_fn)(OM_uint32 *, gss_ctx_id_t, gss_qop_t,
    gss_buffer_t, gss_buffer_t);

OM_uint32 KRB5_CALLCONV
gss_get_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_qop_t qop,
    gss_buffer_t msg, gss_buffer_t tok)
{
	static mic_fn f;

	if (expire_mics > 0) {
		expire_mics--;
		*minor = 0;
		tok->length = 0;
		tok->value = NULL;
		return GSS_S_CONTEXT_EXPIRED;
	}
	if (f == NULL && (f = (mic_fn)dlsym(RTLD_NEXT, "gss_get_mic")) == NULL)
		abort();
	return f(minor, ctx, qop, msg, tok);
}

/* ---- trace capture: what the library said during one call ---- */

static struct e2e_text tr;

static void
trace_cb(const char *line, void *arg)
{
	(void)arg;
	e2e_text_add(&tr, line);
}

static int
trace_since(size_t mark, const char *needle)
{
	return tr.buf != NULL && strstr(tr.buf + mark, needle) != NULL;
}

/* ---- helpers ---- */

static struct clnt_state *
cs_of(CLIENT *cl)
{
	return cl->cl_auth->ah_private;
}

static CLIENT *
secure(int port, int udp, int renew_before, const char *ccache,
    const char *ktab)
{
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl = e2e_clnt(port, udp);

	ck_assert_ptr_nonnull(cl);
	rpcauth_client_opts_init(&o);
	o.renew_before_s = renew_before;
	o.ccache = ccache;
	o.client_keytab = ktab;
	ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", &o, &err) !=
	    NULL, "handshake: %s", err.msg ? err.msg : "?");
	return cl;
}

/* The demo server again on a given port (a restart). */
static void
server_at(struct srvproc *p, int port)
{
	char portbuf[16], errbuf[512];
	const char *argv[] = { DEMO_SERVER, "--listen", "127.0.0.1", "--port",
	    portbuf, "--principal", "demo@localhost", "--keytab",
	    testbed_server_keytab(bed), NULL };

	snprintf(portbuf, sizeof(portbuf), "%d", port);
	ck_assert_msg(srvproc_start(p, (char *const *)argv, "ready", 20000,
	    errbuf, sizeof(errbuf)) == 0, "restart: %s", errbuf);
}

/* ---- contexts that end ---- */

struct runner {
	const char	*name;
	CLIENT		*cl;
	time_t		 first_end;	/* end of the first context */
	int		 calls, fails;
	time_t		 renewed_at;	/* contexts went 1 -> 2 */
	int		 saw_reject;	/* a rejection during any call */
	int		 renew_call_ended;	/* renewed: "has ended" */
	int		 renew_call_ctxproblem;
	char		 why[1024];
};

static void
run_once(struct runner *r)
{
	size_t mark = tr.len;
	uint32_t before = cs_of(r->cl)->contexts;
	char why[1024];

	r->calls++;
	if (!e2e_stats_ok(r->cl, why, sizeof(why))) {
		r->fails++;
		snprintf(r->why, sizeof(r->why), "%s", why);
	}
	if (trace_since(mark, "rejected by the server"))
		r->saw_reject = 1;
	if (before == 1 && cs_of(r->cl)->contexts == 2) {
		r->renewed_at = time(NULL);
		r->renew_call_ended = trace_since(mark,
		    "the security context has ended");
		r->renew_call_ctxproblem = trace_since(mark,
		    "RPCSEC_GSS_CTXPROBLEM");
	}
}

/*
 * A short-lived ticket (LIFE_S) and calls once a second across its end:
 * A renews early, B (UDP) only once its context has ended, C does not
 * know when its context ends and meets the server's CTXPROBLEM.  None of
 * their calls fails.  D cannot get a new ticket: its first call after the
 * end fails, saying why and what to do.
 */
START_TEST(expiry_is_transparent)
{
	struct testbed_opts to;
	struct testbed *lb;
	struct srvproc srv;
	struct rpcauth_auth_info info;
	struct runner r[3];
	char errbuf[1024], dcc[600], why[1024];
	const char *derr;
	CLIENT *d;
	time_t last_end = 0, start;
	int port, i, st, d_ok = 0, d_failed = 0;

	memset(r, 0, sizeof(r));
	r[0].name = "A/tcp/early";
	r[1].name = "B/udp/at-end";
	r[2].name = "C/tcp/ctxproblem";
	memset(&to, 0, sizeof(to));
	to.ticket_lifetime_s = LIFE_S;
	to.clockskew_s = SKEW_S;
	ck_assert_msg(testbed_start(&to, &lb, errbuf, sizeof(errbuf)) == 0,
	    "%s", errbuf);
	ck_assert_int_eq(e2e_server_start(&srv, &port,
	    testbed_server_keytab(lb), NULL), 0);
	/* D's own copy of the ticket, and no keytab to get another. */
	snprintf(dcc, sizeof(dcc), "cp %s %s/d-ccache", testbed_ccache(lb),
	    testbed_dir(lb));
	ck_assert_int_eq(system(dcc), 0);
	snprintf(dcc, sizeof(dcc), "FILE:%s/d-ccache", testbed_dir(lb));
	rpcauth_set_trace(trace_cb, NULL);
	r[0].cl = secure(port, 0, 0, NULL, NULL);
	r[1].cl = secure(port, 1, -1, NULL, NULL);
	r[2].cl = secure(port, 0, -1, NULL, NULL);
	d = secure(port, 0, -1, dcc, "/nonexistent/rpcauth-keytab");
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(rpcauth_auth_info(r[i].cl->cl_auth, &info), 0);
		r[i].first_end = info.expiry;
		ck_assert(info.expiry > time(NULL) && info.contexts == 1);
		if (info.expiry > last_end)
			last_end = info.expiry;
	}
	/* C believes its context never ends: only the server can tell it. */
	cs_of(r[2].cl)->expiry = 0;
	cs_of(r[2].cl)->renew_at = 0;
	start = time(NULL);
	for (;;) {
		for (i = 0; i < 3; i++)
			run_once(&r[i]);
		if (!d_failed) {
			if (e2e_stats_ok(d, why, sizeof(why)))
				d_ok++;
			else {
				d_failed = 1;
				derr = rpcauth_auth_error(d->cl_auth);
				ck_assert_msg(derr != NULL &&
				    strstr(derr, "making a new security "
				    "context failed") != NULL &&
				    strstr(derr, "run kinit") != NULL,
				    "D: unclear error: %s", why);
			}
		}
		if (time(NULL) > last_end + SKEW_S + 2 &&
		    cs_of(r[0].cl)->contexts >= 2 &&
		    cs_of(r[1].cl)->contexts >= 2 &&
		    cs_of(r[2].cl)->contexts >= 2)
			break;
		ck_assert_msg(time(NULL) - start < LIFE_S + 25,
		    "contexts not renewed: A %u B %u C %u",
		    cs_of(r[0].cl)->contexts, cs_of(r[1].cl)->contexts,
		    cs_of(r[2].cl)->contexts);
		sleep(1);
	}
	for (i = 0; i < 3; i++)
		ck_assert_msg(r[i].fails == 0, "%s: %d of %d calls failed: %s",
		    r[i].name, r[i].fails, r[i].calls, r[i].why);
	/* A renewed before the end, and nobody had to reject it. */
	ck_assert_msg(r[0].renewed_at < r[0].first_end && !r[0].saw_reject,
	    "A renewed at %ld, context ended at %ld, rejected %d",
	    (long)r[0].renewed_at, (long)r[0].first_end, r[0].saw_reject);
	ck_assert_msg(r[1].renew_call_ended && !r[1].saw_reject,
	    "B: renewal not at the end (%d) or rejected (%d)",
	    r[1].renew_call_ended, r[1].saw_reject);
	ck_assert_msg(r[2].renew_call_ctxproblem,
	    "C renewed without the server's CTXPROBLEM");
	ck_assert_msg(d_ok > 0 && d_failed, "D: %d calls, failed %d", d_ok,
	    d_failed);
	for (i = 0; i < 3; i++)
		e2e_secure_destroy(r[i].cl);
	e2e_secure_destroy(d);
	rpcauth_set_trace(NULL, NULL);
	srvproc_stop(&srv, 5000, &st);
	testbed_stop(lb);
}
END_TEST

/* A demo server of the test's own and an integrity client of it, over UDP
 * or TCP, straight or through the proxy. */
struct own {
	struct srvproc	 srv;
	int		 port;		/* the server's */
	struct proxy	 px;
	int		 proxied;
	CLIENT		*cl;
};

static CLIENT *
own_open(struct own *o, int udp, int proxied)
{
	ck_assert_int_eq(e2e_server_start(&o->srv, &o->port,
	    testbed_server_keytab(bed), NULL), 0);
	o->proxied = proxied;
	if (proxied)
		px_start(&o->px, o->port);
	return o->cl = secure(proxied ? o->px.port : o->port, udp, 0, NULL,
	    NULL);
}

static void
own_close(struct own *o)
{
	int st;

	e2e_secure_destroy(o->cl);
	if (o->proxied)
		px_stop(&o->px);
	srvproc_stop(&o->srv, 5000, &st);
}

/* The next call succeeds on a new context (the second, from its first
 * sequence number), and the trace says why: `traced`.  The trace stays on. */
static void
next_call_renews(CLIENT *cl, const char *traced)
{
	struct clnt_state *cs = cs_of(cl);
	uint8_t old[RPCAUTH_CRED_MAX_HANDLE];
	char why[1024];
	size_t mark;

	memcpy(old, cs->handle, sizeof(old));
	rpcauth_set_trace(trace_cb, NULL);
	mark = tr.len;
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	ck_assert(trace_since(mark, traced));
	ck_assert_uint_eq(cs->contexts, 2);
	ck_assert(memcmp(old, cs->handle, sizeof(old)) != 0);
	ck_assert_uint_eq(cs->seq_cur, 0);
}

/* ---- servers that restart ---- */

/* UDP: the restarted server answers CREDPROBLEM; the client recovers. */
START_TEST(restart_udp_is_transparent)
{
	struct own o;
	char why[1024];
	CLIENT *cl;
	int i, st;

	cl = own_open(&o, 1, 0);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	srvproc_stop(&o.srv, 5000, &st);
	server_at(&o.srv, o.port);
	/* The retried call used the new context's first sequence number. */
	next_call_renews(cl, "RPCSEC_GSS_CREDPROBLEM");
	for (i = 0; i < 3; i++)
		ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	ck_assert_uint_eq(cs_of(cl)->contexts, 2);
	rpcauth_set_trace(NULL, NULL);
	own_close(&o);
}
END_TEST

/*
 * TCP: the old connection died with the server and libtirpc does not
 * reconnect, so the application sees a transport error (not an rpcauth
 * one) and makes a new CLIENT and AUTH, which work at once.
 */
START_TEST(restart_tcp_is_a_transport_error)
{
	struct own o;
	struct rpc_err re;
	char why[1024];
	CLIENT *cl, *again;
	int st;

	(void)signal(SIGPIPE, SIG_IGN);
	cl = own_open(&o, 0, 0);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	srvproc_stop(&o.srv, 5000, &st);
	server_at(&o.srv, o.port);
	ck_assert(!e2e_stats_ok(cl, why, sizeof(why)));
	clnt_geterr(cl, &re);
	ck_assert_msg(re.re_status == RPC_CANTRECV ||
	    re.re_status == RPC_CANTSEND, "%s", why);
	ck_assert_ptr_null(rpcauth_auth_error(cl->cl_auth));
	again = secure(o.port, 0, 0, NULL, NULL);
	ck_assert_msg(e2e_stats_ok(again, why, sizeof(why)), "%s", why);
	e2e_secure_destroy(again);
	own_close(&o);
}
END_TEST

/* ---- MAXSEQ ---- */

START_TEST(maxseq_gets_a_new_context)
{
	struct own o;
	struct clnt_state *cs;
	char why[1024];
	CLIENT *cl;

	cl = own_open(&o, 0, 0);
	cs = cs_of(cl);
	cs->seq_next = MAXSEQ - 1;
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	ck_assert_uint_eq(cs->seq_cur, MAXSEQ - 1);
	ck_assert_uint_eq(cs->contexts, 1);
	next_call_renews(cl, "MAXSEQ");
	rpcauth_set_trace(NULL, NULL);
	own_close(&o);
}
END_TEST

/* ---- GSS_S_CONTEXT_EXPIRED from GetMIC ---- */

START_TEST(gss_expired_gets_a_new_context)
{
	struct own o;
	struct clnt_state *cs;
	char why[1024];
	CLIENT *cl;

	/* Per-message calls through gss_get_mic, where we stand. */
	ck_assert_int_eq(setenv("RPCAUTH_KRB5_FASTPATH", "0", 1), 0);
	cl = own_open(&o, 0, 0);
	cs = cs_of(cl);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	expire_mics = 1;
	next_call_renews(cl, "GSS-API says the security context has ended");
	/* Twice in a row: one new context per call, then a clear error. */
	expire_mics = 2;
	ck_assert(!e2e_stats_ok(cl, why, sizeof(why)));
	ck_assert_uint_eq(cs->contexts, 3);
	ck_assert_msg(strstr(why, "even one made a moment ago") != NULL,
	    "%s", why);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	rpcauth_set_trace(NULL, NULL);
	own_close(&o);
}
END_TEST

/* ---- forged rejections ---- */

/*
 * Rejections of every DATA call: one new context for the first call, then
 * the calls fail at once with a final error; no loop.  The server never
 * forgot the context made then, so calls work again once the forgery stops.
 */
START_TEST(forged_rejections_are_bounded)
{
	struct own o;
	struct proxy c;
	struct rpc_err re;
	const char *e;
	char why[1024];
	CLIENT *cl;
	int i;

	cl = own_open(&o, 1, 1);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	px_set(&o.px, PX_FORGE_DATA);
	for (i = 0; i < 6; i++) {
		ck_assert(!e2e_stats_ok(cl, why, sizeof(why)));
		clnt_geterr(cl, &re);
		ck_assert_int_eq(re.re_status, RPC_AUTHERROR);
		e = rpcauth_auth_error(cl->cl_auth);
		ck_assert_msg(e != NULL &&
		    strstr(e, "forging rejections") != NULL,
		    "call %d: %s", i, why);
	}
	c = px_get(&o.px);
	/* 2 DATA + 1 handshake for the first call, 1 DATA for each other. */
	ck_assert_msg(c.data <= 8 && c.ctl >= 1 && c.ctl <= 2,
	    "requests: %u DATA, %u control", c.data, c.ctl);
	ck_assert_uint_eq(cs_of(cl)->contexts, 2);
	px_set(&o.px, PX_PASS);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);

	/* Now the handshake is rejected too. */
	px_set(&o.px, PX_FORGE_ALL);
	for (i = 0; i < 4; i++) {
		ck_assert(!e2e_stats_ok(cl, why, sizeof(why)));
		e = rpcauth_auth_error(cl->cl_auth);
		ck_assert_msg(e != NULL && (i > 0 || strstr(e,
		    "making a new security context failed") != NULL), "%s",
		    why);
	}
	c = px_get(&o.px);
	ck_assert_msg(c.data <= 5 && c.ctl <= 2,
	    "requests: %u DATA, %u control", c.data, c.ctl);
	px_set(&o.px, PX_PASS);
	own_close(&o);
}
END_TEST

/* ---- UDP retransmissions ---- */

/*
 * A lost request: libtirpc resends the same bytes (same xid, same seq),
 * the server sees them for the first time, and the reply verifies.
 */
START_TEST(udp_lost_request_is_resent)
{
	struct own o;
	struct proxy c;
	demo_data in, *out;
	char why[1024], text[] = "resent";
	CLIENT *cl;

	cl = own_open(&o, 1, 1);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	px_set(&o.px, PX_DROP_REQUEST);
	in.demo_data_len = sizeof(text);
	in.demo_data_val = text;
	out = demofs_echo_1(&in, cl);
	ck_assert_msg(out != NULL, "%s", clnt_sperror(cl, "echo"));
	ck_assert_uint_eq(out->demo_data_len, sizeof(text));
	ck_assert(memcmp(out->demo_data_val, text, sizeof(text)) == 0);
	xdr_free((xdrproc_t)xdr_demo_data, (char *)out);
	c = px_get(&o.px);
	ck_assert_uint_eq(c.lost_req, 1);
	ck_assert_uint_eq(c.copies, 2);
	ck_assert_uint_eq(cs_of(cl)->contexts, 1);
	own_close(&o);
}
END_TEST

/*
 * A lost reply (documented limit): the resent request repeats the seq
 * the server has seen, so the server drops it as a replay (RFC 2203
 * 5.3.3.1) and the call times out.  The context is unharmed: the next
 * call, with a new seq, works.
 */
START_TEST(udp_lost_reply_times_out)
{
	struct own o;
	struct proxy c;
	struct rpc_err re;
	struct timeval tv = { 3, 0 };
	char why[1024];
	CLIENT *cl;

	cl = own_open(&o, 1, 1);
	ck_assert(clnt_control(cl, CLSET_TIMEOUT, (char *)&tv));
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	px_set(&o.px, PX_DROP_REPLY);
	ck_assert(!e2e_stats_ok(cl, why, sizeof(why)));
	clnt_geterr(cl, &re);
	ck_assert_int_eq(re.re_status, RPC_TIMEDOUT);
	c = px_get(&o.px);
	ck_assert_uint_eq(c.lost_rep, 1);
	ck_assert_uint_ge(c.copies, 2);
	ck_assert_uint_eq(c.replies, 1);	/* none for the resent copies */
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	ck_assert_uint_eq(cs_of(cl)->contexts, 1);
	own_close(&o);
}
END_TEST

int
main(void)
{
	Suite *s = CKSUITE1("lifetime", "core", 120, expiry_is_transparent,
	    restart_udp_is_transparent, restart_tcp_is_a_transport_error,
	    maxseq_gets_a_new_context, gss_expired_gets_a_new_context,
	    forged_rejections_are_bounded, udp_lost_request_is_resent,
	    udp_lost_reply_times_out);

	return e2e_main(s, NULL, &bed, NULL, NULL);
}
