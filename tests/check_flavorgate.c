/* tests/check_flavorgate.c - programs registered via rpcauth refuse others */
/*
 * libtirpc serves AUTH_NONE and AUTH_SYS calls without asking rpcauth, so
 * a program protected by rpcauth must be registered through
 * rpcauth_svc_register_prog() / rpcauth_svc_reg() (docs/SECURITY.md,
 * section 2).  This file shows it on a fresh `rpcgen -a` service
 * (kv.x; tests/Makefile.am changes only the lines README.md documents):
 *   - version 1, closed: AUTH_NONE and AUTH_SYS get AUTH_TOOWEAK for GET,
 *     LIST and NULLPROC, over TCP and UDP, and no procedure runs (the
 *     server counts GET and LIST runs; KV_CALLS, reachable through rpcauth
 *     only, reads the count); an rpcauth client at integrity gets the data;
 *   - version 2 opens NULLPROC only, version 3 every procedure;
 *   - the control: the same service with svc_register left alone serves
 *     AUTH_NONE, which is what the documentation warns about;
 *   - the demo server, raw AUTH_NONE and AUTH_SYS calls refused by the
 *     library's gate (its trace line says so), DEMOFS STATS unmoved;
 *   - registration rules and the policy check, in process.
 *
 * The generated main registers with rpcbind (svc_register with a
 * protocol calls pmap_set), so main() first moves this process into
 * private namespaces with an rpcbind of their own (tests/rpcbindns.h:
 * skipped, 77, only without the privileges for that, and failed then
 * under CI=true).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demofs.h"
#include "e2e.h"
#include "kv.h"
#include "rawrpc.h"
#include "rpcbindns.h"
#include "cklist.h"

#define KV_GATE_SERVER	TOP_BUILDDIR "/tests/kv_gate_server"
#define KV_PLAIN_SERVER	TOP_BUILDDIR "/tests/kv_plain_server"
#define WIRE_AUTH_TOOWEAK	5u

static struct testbed *bed;
static struct srvproc demo = { -1, -1 };
static int demo_port;
static char demo_trace[1024];

/* ---- clients ------------------------------------------------------------- */

enum who { WHO_NONE, WHO_SYS, WHO_RPCAUTH, WHO_RPCAUTH_NONE };

/*
 * A CLIENT for KV version `vers` found through rpcbind on 127.0.0.1, as
 * `who`.  Fails the test when it cannot be made.
 */
static CLIENT *
kv_client(rpcvers_t vers, int udp, enum who who)
{
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct timeval rt = { 1, 0 };
	CLIENT *cl;

	cl = clnt_create("127.0.0.1", KV_PROG, vers, udp ? "udp" : "tcp");
	ck_assert_msg(cl != NULL, "clnt_create version %u %s: %s",
	    (unsigned)vers, udp ? "udp" : "tcp",
	    clnt_spcreateerror("kv"));
	if (udp)
		(void)clnt_control(cl, CLSET_RETRY_TIMEOUT, (char *)&rt);
	switch (who) {
	case WHO_NONE:
		break;
	case WHO_SYS:
		auth_destroy(cl->cl_auth);
		ck_assert((cl->cl_auth = authunix_create_default()) != NULL);
		break;
	case WHO_RPCAUTH:
	case WHO_RPCAUTH_NONE:
		rpcauth_client_opts_init(&o);
		o.service = who == WHO_RPCAUTH ? RPCAUTH_SVC_INTEGRITY :
		    RPCAUTH_SVC_NONE;
		ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", &o,
		    &err) != NULL, "rpcauth_client_create: %s", err.msg);
		break;
	}
	return cl;
}

static void
kv_done(CLIENT *cl)
{
	if (cl->cl_auth != NULL)
		auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
}

/* The last call on cl was answered AUTH_TOOWEAK. */
static void
assert_tooweak(CLIENT *cl, const char *what)
{
	struct rpc_err re;

	clnt_geterr(cl, &re);
	ck_assert_msg(re.re_status == RPC_AUTHERROR &&
	    re.re_why == AUTH_TOOWEAK, "%s: %s, want AUTH_TOOWEAK", what,
	    clnt_sperror(cl, "kv"));
}

/* GET and LIST runs so far, asked through rpcauth (version 1). */
static u_quad_t
kv_runs(void)
{
	CLIENT *cl = kv_client(KV_V1, 0, WHO_RPCAUTH);
	u_quad_t *n, v;

	n = kv_calls_1(NULL, cl);
	ck_assert_msg(n != NULL, "KV_CALLS: %s", clnt_sperror(cl, "kv"));
	v = *n;
	kv_done(cl);
	return v;
}

/* xdr_void(void) cast to xdrproc_t trips -Wcast-function-type. */
static bool_t
xdr_empty(XDR *xdrs, void *p)
{
	(void)xdrs;
	(void)p;
	return TRUE;
}

static enum clnt_stat
kv_null(CLIENT *cl)
{
	struct timeval tv = { 10, 0 };

	return clnt_call(cl, NULLPROC, (xdrproc_t)xdr_empty, NULL,
	    (xdrproc_t)xdr_empty, NULL, tv);
}

/* Loop index: bit 0 UDP, bit 1 AUTH_SYS (else AUTH_NONE). */
#define LOOP_UDP(i)	((i) & 1)
#define LOOP_WHO(i)	(((i) & 2) ? WHO_SYS : WHO_NONE)
#define LOOP_NAME(i)	((i) == 0 ? "AUTH_NONE tcp" : (i) == 1 ? \
	"AUTH_NONE udp" : (i) == 2 ? "AUTH_SYS tcp" : "AUTH_SYS udp")

/* ---- the gated service --------------------------------------------------- */

/* Version 1 is closed: nothing but rpcauth gets in, not even NULLPROC. */
START_TEST(v1_closed)
{
	u_quad_t before = kv_runs(), after;
	CLIENT *cl = kv_client(KV_V1, LOOP_UDP(_i), LOOP_WHO(_i));
	kv_key key = (char *)"alpha";

	ck_assert(kv_get_1(&key, cl) == NULL);
	assert_tooweak(cl, LOOP_NAME(_i));
	ck_assert(kv_list_1(NULL, cl) == NULL);
	assert_tooweak(cl, LOOP_NAME(_i));
	ck_assert(kv_calls_1(NULL, cl) == NULL);
	assert_tooweak(cl, LOOP_NAME(_i));
	ck_assert(kv_null(cl) != RPC_SUCCESS);
	assert_tooweak(cl, LOOP_NAME(_i));
	kv_done(cl);
	after = kv_runs();
	ck_assert_msg(after == before, "%s: %llu procedure runs for refused "
	    "calls", LOOP_NAME(_i), (unsigned long long)(after - before));
}
END_TEST

/* An rpcauth caller at integrity gets the data; below it, AUTH_TOOWEAK. */
START_TEST(v1_rpcauth)
{
	u_quad_t before = kv_runs(), after;
	CLIENT *cl = kv_client(KV_V1, _i, WHO_RPCAUTH);
	kv_key key = (char *)"alpha";
	kv_val *v;
	kv_keys *k;

	ck_assert_msg((v = kv_get_1(&key, cl)) != NULL, "GET: %s",
	    clnt_sperror(cl, "kv"));
	ck_assert_str_eq(*v, "one");
	xdr_free((xdrproc_t)xdr_kv_val, (char *)v);
	ck_assert((k = kv_list_1(NULL, cl)) != NULL);
	ck_assert_uint_eq(k->kv_keys_len, 2);
	ck_assert_str_eq(k->kv_keys_val[0], "alpha");
	ck_assert_str_eq(k->kv_keys_val[1], "beta");
	xdr_free((xdrproc_t)xdr_kv_keys, (char *)k);
	ck_assert_int_eq(kv_null(cl), RPC_SUCCESS);
	kv_done(cl);

	/* min_service still holds for rpcauth callers. */
	cl = kv_client(KV_V1, _i, WHO_RPCAUTH_NONE);
	ck_assert(kv_get_1(&key, cl) == NULL);
	assert_tooweak(cl, "rpcauth at service none");
	kv_done(cl);
	after = kv_runs();
	ck_assert_uint_eq(after - before, 2);
}
END_TEST

/* Version 2 opens NULLPROC, and nothing else. */
START_TEST(v2_nullproc_only)
{
	u_quad_t before = kv_runs(), after;
	CLIENT *cl = kv_client(KV_V2, LOOP_UDP(_i), LOOP_WHO(_i));
	kv_key key = (char *)"alpha";

	ck_assert_msg(kv_null(cl) == RPC_SUCCESS, "%s NULLPROC: %s",
	    LOOP_NAME(_i), clnt_sperror(cl, "kv"));
	ck_assert(kv2_get_2(&key, cl) == NULL);
	assert_tooweak(cl, LOOP_NAME(_i));
	ck_assert(kv2_list_2(NULL, cl) == NULL);
	assert_tooweak(cl, LOOP_NAME(_i));
	kv_done(cl);
	after = kv_runs();
	ck_assert_uint_eq(after, before);
}
END_TEST

/* Version 3 opens every procedure; rpcauth callers still get in. */
START_TEST(v3_open)
{
	u_quad_t before = kv_runs(), after;
	CLIENT *cl = kv_client(KV_V3, LOOP_UDP(_i), LOOP_WHO(_i));
	kv_key key = (char *)"beta";
	kv_val *v;
	kv_keys *k;

	ck_assert_msg((v = kv3_get_3(&key, cl)) != NULL, "%s GET: %s",
	    LOOP_NAME(_i), clnt_sperror(cl, "kv"));
	ck_assert_str_eq(*v, "two");
	xdr_free((xdrproc_t)xdr_kv_val, (char *)v);
	ck_assert((k = kv3_list_3(NULL, cl)) != NULL);
	ck_assert_uint_eq(k->kv_keys_len, 2);
	xdr_free((xdrproc_t)xdr_kv_keys, (char *)k);
	ck_assert_int_eq(kv_null(cl), RPC_SUCCESS);
	kv_done(cl);
	cl = kv_client(KV_V3, LOOP_UDP(_i), WHO_RPCAUTH);
	ck_assert((v = kv3_get_3(&key, cl)) != NULL);
	ck_assert_str_eq(*v, "two");
	xdr_free((xdrproc_t)xdr_kv_val, (char *)v);
	kv_done(cl);
	after = kv_runs();
	ck_assert_uint_eq(after - before, 3);
}
END_TEST

/* ---- the control: plain svc_register ------------------------------------- */

/* What docs/SECURITY.md warns about: plain svc_register serves AUTH_NONE. */
START_TEST(plain_register_is_open)
{
	CLIENT *cl = kv_client(KV_V1, _i, WHO_NONE);
	kv_key key = (char *)"alpha";
	kv_val *v;

	ck_assert_msg((v = kv_get_1(&key, cl)) != NULL, "GET: %s",
	    clnt_sperror(cl, "kv"));
	ck_assert_str_eq(*v, "one");
	xdr_free((xdrproc_t)xdr_kv_val, (char *)v);
	kv_done(cl);
}
END_TEST

/* ---- the demo server, raw ------------------------------------------------ */

/* The AUTH_SYS credential body: stamp, machine name, uid, gid, no groups. */
static size_t
authsys_body(uint8_t *p)
{
	static const uint8_t b[] = {
		0, 0, 0, 1,			/* stamp */
		0, 0, 0, 4, 'e', 'v', 'i', 'l',	/* machine name */
		0, 0, 0, 0,			/* uid 0 */
		0, 0, 0, 0,			/* gid 0 */
		0, 0, 0, 0			/* no groups */
	};

	memcpy(p, b, sizeof(b));
	return sizeof(b);
}

static int
file_has(const char *path, const char *needle)
{
	static char buf[1 << 20];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

/*
 * NULL, ECHO, WHOAMI and STATS of DEMOFS with AUTH_NONE or AUTH_SYS: each
 * answered AUTH_TOOWEAK, by the library's gate (its trace line), and STATS
 * (procedure runs, NULL included) does not move.
 */
START_TEST(demo_raw_refused)
{
	static const uint32_t procs[] = { 0, 1, 2, 3 };
	uint8_t cred[64], body[8] = { 0, 0, 0, 3, 'a', 'b', 'c', 0 };
	uint8_t msg[512];
	struct raw_call c;
	struct raw_reply r;
	char want[160];
	uint64_t before = e2e_stats(demo_port), after;
	size_t i, len;
	int udp = LOOP_UDP(_i), sys = (_i & 2) != 0, fd;

	ck_assert(before != UINT64_MAX);
	fd = udp ? raw_udp_socket() : raw_tcp_connect(demo_port);
	ck_assert_int_ge(fd, 0);
	for (i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		memset(&c, 0, sizeof(c));
		c.xid = 0x6a7e0000u + (uint32_t)(_i * 16 + i);
		c.prog = DEMOFS_PROG;
		c.vers = DEMOFS_V1;
		c.proc = procs[i];
		c.cred_flavor = sys ? AUTH_SYS : AUTH_NONE;
		if (sys) {
			c.cred = cred;
			c.cred_len = authsys_body(cred);
		}
		c.verf_flavor = AUTH_NONE;
		if (procs[i] == 1) {
			c.body = body;
			c.body_len = sizeof(body);
		}
		ck_assert((len = raw_encode_call(&c, msg, sizeof(msg))) > 0);
		ck_assert_int_eq(raw_exchange(fd, udp, demo_port, msg, len,
		    c.xid, 10000, &r), 0);
		ck_assert_msg(r.kind == RAW_AUTH_ERROR &&
		    r.auth_stat == WIRE_AUTH_TOOWEAK, "%s procedure %u: "
		    "reply kind %d, auth_stat %u", LOOP_NAME(_i), procs[i],
		    (int)r.kind, r.auth_stat);
		raw_reply_free(&r);
		/* The refusal came from the library (svc_gate.c's trace). */
		snprintf(want, sizeof(want), "svc: call refused (AUTH_TOOWEAK):"
		    " flavor %d to program %u version 1 procedure %u, not "
		    "authenticated by rpcauth", sys ? AUTH_SYS : AUTH_NONE,
		    (unsigned)DEMOFS_PROG, procs[i]);
		ck_assert_msg(file_has(demo_trace, want), "no trace line "
		    "\"%s\" in %s", want, demo_trace);
		/* And an event for the daemon's log, naming that flavor. */
		snprintf(want, sizeof(want), "program %u version 1, flavor "
		    "%d, principal \"(unknown)\", auth_stat %d", (unsigned)
		    DEMOFS_PROG, sys ? AUTH_SYS : AUTH_NONE, AUTH_TOOWEAK);
		ck_assert_msg(file_has(demo_trace, want), "no event "
		    "\"%s\" in %s", want, demo_trace);
	}
	close(fd);
	/* STATS counts every procedure run but its own, NULL included. */
	after = e2e_stats(demo_port);
	ck_assert_msg(after == before, "STATS moved by %llu, want 0",
	    (unsigned long long)(after - before));
}
END_TEST

/* ---- in process: registration rules, the policy check -------------------- */

static void
disp_a(struct svc_req *rq, SVCXPRT *x)
{
	(void)rq;
	svcerr_noproc(x);
}

static void
disp_b(struct svc_req *rq, SVCXPRT *x)
{
	(void)rq;
	svcerr_noproc(x);
}

/* A server transport on a port of 127.0.0.1 the kernel picks. */
static SVCXPRT *
xprt(int type)
{
	int fd = e2e_listen(type, 0);
	SVCXPRT *x;

	ck_assert(fd >= 0);
	x = type == SOCK_DGRAM ? svc_dg_create(fd, 0, 0) :
	    svc_vc_create(fd, 0, 0);
	ck_assert(x != NULL);
	return x;
}

/* Runs in its own forked process: the gate table starts empty. */
START_TEST(registration_rules)
{
	SVCXPRT *a = xprt(SOCK_DGRAM), *b = xprt(SOCK_DGRAM);
	const rpcprog_t p = 0x20000C2Fu;

	/* One dispatch per program and version, on any number of
	 * transports, in both forms. */
	ck_assert(rpcauth_svc_register_prog(a, p, 1, disp_a, 0));
	ck_assert(rpcauth_svc_reg(b, p, 1, disp_a, NULL));
	ck_assert(!rpcauth_svc_register_prog(b, p, 1, disp_b, 0));
	ck_assert(!rpcauth_svc_reg(a, p, 1, disp_b, NULL));
	/* Mixing with plain registration for the same program is refused
	 * both ways, so no transport serves it ungated. */
	ck_assert(!svc_reg(b, p, 1, disp_a, NULL));
	ck_assert(svc_reg(a, p, 2, disp_a, NULL));
	ck_assert(!rpcauth_svc_reg(b, p, 2, disp_a, NULL));
	/* rpcauth's private program is not for applications. */
	ck_assert(!rpcauth_svc_reg(a, 0x4F5A2203u, 1, disp_a, NULL));
	ck_assert(!rpcauth_svc_reg(a, p, 3, NULL, NULL));
	svc_unreg(p, 1);
	svc_unreg(p, 2);
	svc_destroy(a);
	svc_destroy(b);
}
END_TEST

/*
 * libtirpc finds an earlier registration by program, version and netid,
 * but dispatches by program and version alone: a plain svc_reg on a
 * transport of another netid (TCP after a gated UDP) would serve every
 * transport ungated.  Gated entries carry no netid, so it is refused.
 */
START_TEST(registration_other_netid)
{
	SVCXPRT *u = xprt(SOCK_DGRAM), *t = xprt(SOCK_STREAM);
	const rpcprog_t p = 0x20000C2Eu;

	ck_assert(rpcauth_svc_reg(u, p, 1, disp_a, NULL));
	ck_assert_msg(!svc_reg(t, p, 1, disp_b, NULL), "a plain svc_reg on a "
	    "TCP transport was accepted after a gated UDP registration");
	ck_assert(rpcauth_svc_reg(t, p, 1, disp_a, NULL));
	/* The other way round the gated registration fails (closed). */
	ck_assert(svc_reg(t, p, 2, disp_b, NULL));
	ck_assert(!rpcauth_svc_reg(u, p, 2, disp_a, NULL));
	svc_unreg(p, 1);
	svc_unreg(p, 2);
	svc_destroy(u);
	svc_destroy(t);
}
END_TEST

START_TEST(policy_unauth_checked)
{
	struct rpcauth_svc_policy pol = { 0x20000C2Fu, 1,
	    RPCAUTH_SVC_INTEGRITY, NULL, (enum rpcauth_unauth)3 };
	struct rpcauth_svc_opts so;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	rpcauth_svc_opts_init(&so);
	so.policies = &pol;
	so.npolicies = 1;
	ck_assert_int_eq(rpcauth_svc_register(&so, &err), -1);
	ck_assert_int_eq(err.code, RPCAUTH_E_CONFIG);
	ck_assert_str_eq(err.msg, "policy 0: unknown unauth value 3");
	rpcauth_err_clear(&err);
}
END_TEST

static Suite *
gate_suite(void)
{
	Suite *s = suite_create("flavorgate");

	CKLOOPS(cklist_tcase(s, "kv", 0), { v1_closed, 4 }, { v1_rpcauth, 2 },
	    { v2_nullproc_only, 4 }, { v3_open, 4 });
	CKLOOPS(cklist_tcase(s, "demo", 0), { demo_raw_refused, 4 });
	CKLIST(cklist_tcase(s, "register", 0), 1, registration_rules,
	    registration_other_netid, policy_unauth_checked);
	return s;
}

static Suite *
control_suite(void)
{
	Suite *s = suite_create("control");

	tcase_add_loop_test(cklist_tcase(s, "plain svc_register", 0),
	    plain_register_is_open, 0, 2);
	return s;
}

/* ---- main ---------------------------------------------------------------- */

/* The demo server with RPCAUTH_TRACE on, its events (--log-events) and
 * stderr in demo_trace. */
static int
demo_start(void)
{
	static const char *const log_events[] = { "--log-events", NULL };
	int fd, saved, ret;

	snprintf(demo_trace, sizeof(demo_trace), "%s/demo-trace.log",
	    testbed_dir(bed));
	if ((fd = open(demo_trace, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0 || (saved = dup(2)) < 0)
		return -1;
	setenv("RPCAUTH_TRACE", "1", 1);
	dup2(fd, 2);
	ret = e2e_server_start(&demo, &demo_port, testbed_server_keytab(bed),
	    log_events);
	dup2(saved, 2);
	close(saved);
	close(fd);
	unsetenv("RPCAUTH_TRACE");
	return ret;
}

static int
kv_start(struct srvproc *p, const char *path)
{
	char errbuf[512];
	char *argv[] = { (char *)path, NULL };

	if (srvproc_start(p, argv, "ready", 20000, errbuf,
	    sizeof(errbuf)) != 0) {
		fprintf(stderr, "%s: %s\n", path, errbuf);
		return -1;
	}
	return 0;
}

int
main(void)
{
	struct srvproc kv = { -1, -1 };
	char msg[1024];
	pid_t rpcbind = -1;
	int failed = 0, ret;

	if ((ret = rpcbindns_setup("check_flavorgate", &rpcbind)) != 0)
		return ret;
	ret = 99;
	if (testbed_start(NULL, &bed, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "test bed: %s\n", msg);
		goto out;
	}
	if (demo_start() != 0 || kv_start(&kv, KV_GATE_SERVER) != 0)
		goto out;
	failed += e2e_suite_run(gate_suite());
	srvproc_stop(&kv, 5000, NULL);
	/* The control registers the same program with rpcbind. */
	if (kv_start(&kv, KV_PLAIN_SERVER) != 0)
		goto out;
	failed += e2e_suite_run(control_suite());
	ret = failed == 0 ? 0 : 1;
out:
	srvproc_stop(&kv, 5000, NULL);
	srvproc_stop(&demo, 5000, NULL);
	testbed_stop(bed);
	rpcbindns_stop(&rpcbind);
	return ret;
}
