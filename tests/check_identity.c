/* tests/check_identity.c - caller identity, authorization, cookies, principals */
/*
 * Besides the bed and the demo server, main() forks a small server of its
 * own (id_server) that registers rpcauth with every server option this
 * file tests: an authorize callback that refuses mallory and attaches a
 * cookie naming the principal, a cookie destructor that counts, and two
 * versions of one program with different service principals (v1: demo,
 * v2: other).  IDENT returns what rpcauth_svc_caller() and
 * rpcauth_svc_cookie() say; COUNTERS (open to AUTH_NONE, so that reading
 * it creates no context) returns the server's counts.
 *
 * Principals: root@RPCAUTH.TEST maps to the local root account (krb5's
 * default auth_to_local rule strips the default realm); alice has no
 * local account here, so she is nobody.
 */
#include "config.h"

#include <sys/socket.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demofs.h"
#include "e2e.h"
#include "init_xdr.h"
#include "svc_internal.h"
#include "cklist.h"

#define IDPROG		0x2000C1D0u
#define IDPROC_IDENT	1u
#define IDPROC_COUNTERS	2u

_Static_assert(sizeof(gid_t) == sizeof(u_int), "gid_t is 32 bits");

static struct testbed *bed;
static struct srvproc demo;
static int demo_port, id_port;
static pid_t id_pid = -1;
static char root_cc[1024], mallory_cc[1024];

/* ---- the wire format of the test program -------------------------------- */

struct ident_res {
	u_int		 uid, gid;
	u_int		 groups_len;
	u_int		*groups_val;
	char		*localname, *principal, *mech, *inner_mech;
	char		*cookie;	/* the cookie's principal, "" if none */
	u_int		 prog, vers, service;
};

struct counters {
	u_int		 authorize_calls, refusals, cookie_frees, contexts;
	u_int		 last_uid, last_service;
};

static bool_t
xdr_ident_res(XDR *x, struct ident_res *r)
{
	return xdr_u_int(x, &r->uid) && xdr_u_int(x, &r->gid) &&
	    xdr_array(x, (char **)&r->groups_val, &r->groups_len,
	    RPCAUTH_MAX_GROUPS, sizeof(u_int), (xdrproc_t)xdr_u_int) &&
	    xdr_string(x, &r->localname, 1024) &&
	    xdr_string(x, &r->principal, 1024) &&
	    xdr_string(x, &r->mech, 64) && xdr_string(x, &r->inner_mech, 64) &&
	    xdr_string(x, &r->cookie, 1024) && xdr_u_int(x, &r->prog) &&
	    xdr_u_int(x, &r->vers) && xdr_u_int(x, &r->service);
}

static bool_t
xdr_counters(XDR *x, struct counters *c)
{
	return xdr_u_int(x, &c->authorize_calls) &&
	    xdr_u_int(x, &c->refusals) && xdr_u_int(x, &c->cookie_frees) &&
	    xdr_u_int(x, &c->contexts) && xdr_u_int(x, &c->last_uid) &&
	    xdr_u_int(x, &c->last_service);
}

/* ---- the server (a child process; no Check calls in here) --------------- */

static struct counters srv_counts;

struct cookie {
	char		 principal[1024];
};

static int
authorize_cb(const struct rpcauth_caller *who, void *arg, void **cookie_out)
{
	struct counters *k = arg;
	struct cookie *ck;

	k->authorize_calls++;
	k->last_uid = (u_int)who->uid;
	k->last_service = (u_int)who->service;
	/* Even a refusal leaves a cookie: rpcauth must release it. */
	if ((ck = calloc(1, sizeof(*ck))) != NULL) {
		snprintf(ck->principal, sizeof(ck->principal), "%s",
		    who->principal);
		*cookie_out = ck;
	}
	if (strncmp(who->principal, "mallory@", 8) == 0) {
		k->refusals++;
		return 1;
	}
	return 0;
}

static void
cookie_free_cb(void *p)
{
	srv_counts.cookie_frees++;
	free(p);
}

static void
id_dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	struct rpcauth_caller who;
	struct ident_res r;
	struct cookie *ck;

	switch (rq->rq_proc) {
	case NULLPROC:
		(void)svc_sendreply(xprt, (xdrproc_t)xdr_nothing, NULL);
		return;
	case IDPROC_COUNTERS:
		srv_counts.contexts = (u_int)ctxcache_count(svc_g.cc);
		(void)svc_sendreply(xprt, (xdrproc_t)xdr_counters,
		    (caddr_t)&srv_counts);
		return;
	case IDPROC_IDENT:
		break;
	default:
		svcerr_noproc(xprt);
		return;
	}
	if (e2e_svc_caller(rq, xprt, &who) != 0)
		return;
	ck = rpcauth_svc_cookie(rq);
	memset(&r, 0, sizeof(r));
	r.uid = (u_int)who.uid;
	r.gid = (u_int)who.gid;
	r.groups_len = (u_int)who.ngroups;
	r.groups_val = (u_int *)who.groups;
	r.localname = who.localname;
	r.principal = who.principal;
	r.mech = who.mech;
	r.inner_mech = who.inner_mech;
	/* Both ways of reading the cookie must agree. */
	r.cookie = ck != NULL && ck == who.cookie ? ck->principal :
	    (char *)(ck != NULL ? "MISMATCH" : "");
	r.prog = (u_int)who.prog;
	r.vers = (u_int)who.vers;
	r.service = (u_int)who.service;
	(void)svc_sendreply(xprt, (xdrproc_t)xdr_ident_res, (caddr_t)&r);
}

static int
id_server(int p, void *arg)
{
	struct rpcauth_svc_policy pol[2] = {
		{ IDPROG, 1, RPCAUTH_SVC_NONE, NULL, RPCAUTH_UNAUTH_REFUSE },
		{ IDPROG, 2, RPCAUTH_SVC_NONE, "other@localhost",
		    RPCAUTH_UNAUTH_REFUSE },
	};
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_svc_opts o;
	SVCXPRT *t, *u;
	int tfd, ufd;

	(void)arg;
	e2e_svc_opts(&o, testbed_server_keytab(bed), authorize_cb, &srv_counts);
	o.policies = pol;
	o.npolicies = 2;
	o.cookie_free = cookie_free_cb;
	if (e2e_svc_register(&o, "id_server") != 0)
		return -1;
	/* A second call fails and must leave the first registration be
	 * (every test below depends on it). */
	if (rpcauth_svc_register(&o, &err) != -1 ||
	    strstr(err.msg, "already called") == NULL) {
		fprintf(stderr, "id_server: second registration: %s\n",
		    err.msg != NULL ? err.msg : "succeeded");
		return -1;
	}
	rpcauth_err_clear(&err);
	if ((tfd = e2e_listen(SOCK_STREAM, p)) < 0 ||
	    (ufd = e2e_listen(SOCK_DGRAM, p)) < 0 ||
	    (t = svc_vc_create(tfd, 0, 0)) == NULL ||
	    (u = svc_dg_create(ufd, 65536, 65536)) == NULL ||
	    !svc_reg(t, IDPROG, 1, id_dispatch, NULL) ||
	    !svc_reg(t, IDPROG, 2, id_dispatch, NULL) ||
	    !svc_reg(u, IDPROG, 1, id_dispatch, NULL) ||
	    !svc_reg(u, IDPROG, 2, id_dispatch, NULL)) {
		fprintf(stderr, "id_server: cannot serve on port %d\n", p);
		return -1;
	}
	return 0;
}

/* ---- client side helpers ------------------------------------------------ */

/* An rpcauth client of IDPROG `vers` as `ccache` (NULL: alice's). */
static CLIENT *
id_clnt_mech(int vers, const char *target, const char *ccache, int udp,
    const char *mech, struct rpcauth_err *err)
{
	CLIENT *cl = e2e_clnt_prog(id_port, udp, IDPROG, (rpcvers_t)vers);

	ck_assert_ptr_nonnull(cl);
	return target == NULL ? cl : e2e_auth_as(cl, target, mech, ccache,
	    RPCAUTH_SVC_INTEGRITY, err);
}

static CLIENT *
id_clnt(int vers, const char *target, const char *ccache, int udp,
    struct rpcauth_err *err)
{
	return id_clnt_mech(vers, target, ccache, udp, NULL, err);
}

static struct counters
counters(void)
{
	struct counters k;

	memset(&k, 0, sizeof(k));
	e2e_call_once(id_clnt(1, NULL, NULL, 0, NULL), IDPROC_COUNTERS,
	    (xdrproc_t)xdr_counters, &k);
	return k;
}

static void
ident(CLIENT *cl, struct ident_res *r)
{
	struct timeval tv = { 10, 0 };

	memset(r, 0, sizeof(*r));
	ck_assert_msg(clnt_call(cl, IDPROC_IDENT, (xdrproc_t)xdr_nothing, NULL,
	    (xdrproc_t)xdr_ident_res, (caddr_t)r, tv) == RPC_SUCCESS,
	    "IDENT: %s", clnt_sperror(cl, "ident"));
}

/* ---- tests -------------------------------------------------------------- */

/* root@REALM is the local root: uid, gid and groups as getpwnam says. */
START_TEST(mapped_account)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct passwd *pw = getpwnam("root");
	gid_t want[RPCAUTH_MAX_GROUPS];
	int nwant = RPCAUTH_MAX_GROUPS, i;
	struct ident_res r;
	struct counters k;
	CLIENT *cl;

	ck_assert_ptr_nonnull(pw);
	ck_assert_int_ge(getgrouplist("root", pw->pw_gid, want, &nwant), 0);
	cl = id_clnt(1, "demo@localhost", root_cc, _i, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	ident(cl, &r);
	ck_assert_str_eq(r.principal, "root@" TESTBED_REALM);
	ck_assert_str_eq(r.localname, "root");
	ck_assert_uint_eq(r.uid, pw->pw_uid);
	ck_assert_uint_eq(r.gid, pw->pw_gid);
	ck_assert_uint_eq(r.groups_len, (u_int)nwant);
	for (i = 0; i < nwant; i++)
		ck_assert_uint_eq(r.groups_val[i], want[i]);
	ck_assert_str_eq(r.mech, "krb5");
	ck_assert_str_eq(r.inner_mech, "krb5");
	ck_assert_uint_eq(r.service, RPCAUTH_SVC_INTEGRITY);
	xdr_free((xdrproc_t)xdr_ident_res, (char *)&r);
	/* The authorize callback saw the same mapping. */
	k = counters();
	ck_assert_uint_eq(k.last_uid, pw->pw_uid);
	ck_assert_uint_eq(k.last_service, RPCAUTH_SVC_INTEGRITY);
	e2e_secure_destroy(cl);
}
END_TEST

/* alice has no local account: nobody, no groups, no local name. */
START_TEST(nobody)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct ident_res r;
	CLIENT *cl;

	ck_assert_msg(getpwnam("alice") == NULL,
	    "this machine has a local user alice; the test needs none");
	cl = id_clnt(1, "demo@localhost", NULL, _i, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	ident(cl, &r);
	ck_assert_str_eq(r.principal, "alice@" TESTBED_REALM);
	ck_assert_uint_eq(r.uid, RPCAUTH_NOBODY);
	ck_assert_uint_eq(r.gid, RPCAUTH_NOBODY);
	ck_assert_uint_eq(r.groups_len, 0);
	ck_assert_str_eq(r.localname, "");
	xdr_free((xdrproc_t)xdr_ident_res, (char *)&r);
	e2e_secure_destroy(cl);
}
END_TEST

/* DEMOFS WHOAMI reports the mapped uid, and 0xFFFFFFFF for nobody. */
START_TEST(demofs_whoami_uid)
{
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	static const u_int want[2] = { 0, 0xFFFFFFFFu };
	demo_whoami *w;
	CLIENT *cl;
	int i;

	for (i = 0; i < 2; i++) {
		cl = e2e_clnt(demo_port, 0);
		ck_assert_ptr_nonnull(cl);
		rpcauth_client_opts_init(&o);
		o.ccache = i == 0 ? root_cc : NULL;
		ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", &o,
		    &err) != NULL, "handshake: %s", err.msg ? err.msg : "?");
		w = demofs_whoami_1(NULL, cl);
		ck_assert_ptr_nonnull(w);
		ck_assert_uint_eq(w->uid, want[i]);
		xdr_free((xdrproc_t)xdr_demo_whoami, (char *)w);
		e2e_secure_destroy(cl);
	}
}
END_TEST

/*
 * mallory is refused by the callback: the client gets GSS_S_UNAUTHORIZED
 * as text, the context is gone (count unchanged), and the cookie the
 * refusing call left was released exactly once.
 */
START_TEST(authorize_refuses)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct counters before, after;
	CLIENT *cl;

	before = counters();
	cl = id_clnt(1, "demo@localhost", mallory_cc, 0, &err);
	e2e_refused_check(cl, &err, "forbidden by local security policy");
	after = counters();
	ck_assert_uint_eq(after.authorize_calls, before.authorize_calls + 1);
	ck_assert_uint_eq(after.refusals, before.refusals + 1);
	ck_assert_uint_eq(after.cookie_frees, before.cookie_frees + 1);
	ck_assert_uint_eq(after.contexts, before.contexts);
}
END_TEST

/* The cookie is readable in procedures and released once, at DESTROY. */
START_TEST(cookie_lifecycle)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct counters k0, k1, k2;
	struct ident_res r;
	CLIENT *cl;

	k0 = counters();
	cl = id_clnt(1, "demo@localhost", NULL, 0, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	ident(cl, &r);
	ck_assert_str_eq(r.cookie, "alice@" TESTBED_REALM);
	xdr_free((xdrproc_t)xdr_ident_res, (char *)&r);
	ident(cl, &r);		/* still there on the next call */
	ck_assert_str_eq(r.cookie, "alice@" TESTBED_REALM);
	xdr_free((xdrproc_t)xdr_ident_res, (char *)&r);
	k1 = counters();
	ck_assert_uint_eq(k1.contexts, k0.contexts + 1);
	ck_assert_uint_eq(k1.cookie_frees, k0.cookie_frees);
	e2e_secure_destroy(cl);
	k2 = counters();
	ck_assert_uint_eq(k2.contexts, k0.contexts);
	ck_assert_uint_eq(k2.cookie_frees, k0.cookie_frees + 1);
}
END_TEST

/*
 * v1 is served as demo@localhost and v2 as other@localhost: the INIT's
 * program and version choose the acceptor, and a context serves only the
 * versions that share its principal.
 */
START_TEST(per_program_principal)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct timeval tv = { 10, 0 };
	struct ident_res r;
	struct rpc_err re;
	CLIENT *cl, *cl2;

	cl = id_clnt(2, "other@localhost", NULL, 0, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	ident(cl, &r);
	ck_assert_uint_eq(r.vers, 2);
	ck_assert_uint_eq(r.prog, IDPROG);
	xdr_free((xdrproc_t)xdr_ident_res, (char *)&r);
	e2e_secure_destroy(cl);

	ck_assert_ptr_null(id_clnt(2, "demo@localhost", NULL, 0, &err));
	ck_assert_int_eq(err.code, RPCAUTH_E_GSS);
	ck_assert_ptr_nonnull(strstr(err.msg, "refused the security context"));
	rpcauth_err_clear(&err);
	ck_assert_ptr_null(id_clnt(1, "other@localhost", NULL, 0, &err));
	ck_assert_int_eq(err.code, RPCAUTH_E_GSS);
	rpcauth_err_clear(&err);

	/* A v1 context offered to v2: CREDPROBLEM, the procedure never runs. */
	cl = id_clnt(1, "demo@localhost", NULL, 0, &err);
	ck_assert_ptr_nonnull(cl);
	cl2 = id_clnt(2, NULL, NULL, 0, NULL);
	auth_destroy(cl2->cl_auth);
	cl2->cl_auth = cl->cl_auth;
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(clnt_call(cl2, IDPROC_IDENT, (xdrproc_t)xdr_nothing,
	    NULL, (xdrproc_t)xdr_ident_res, (caddr_t)&r, tv), RPC_AUTHERROR);
	clnt_geterr(cl2, &re);
	ck_assert_int_eq(re.re_why, RPCSEC_GSS_CREDPROBLEM);
	cl2->cl_auth = authnone_create();
	clnt_destroy(cl2);
	ident(cl, &r);		/* v1 still works with it */
	xdr_free((xdrproc_t)xdr_ident_res, (char *)&r);
	e2e_secure_destroy(cl);
}
END_TEST

/*
 * id_dispatch answers NULLPROC without reading its arguments, as rpcgen's
 * does for programs that do not declare procedure 0.  Under integrity the
 * client still made a MIC over {seq}: the library checks it itself, or
 * NTLM's receive sequence would fall behind and the next call would fail.
 */
START_TEST(ntlm_nullproc_unread)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct timeval tv = { 10, 0 };
	struct ident_res r;
	CLIENT *cl;
	int k;

	cl = id_clnt_mech(1, "demo@localhost", NULL, _i, "ntlm", &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	for (k = 0; k < 3; k++) {
		ck_assert_msg(clnt_call(cl, NULLPROC, (xdrproc_t)xdr_nothing,
		    NULL, (xdrproc_t)xdr_nothing, NULL, tv) == RPC_SUCCESS,
		    "NULLPROC %d: %s", k, clnt_sperror(cl, "null"));
		ident(cl, &r);
		ck_assert_str_eq(r.principal, "RPCAUTH\\alice");
		ck_assert_str_eq(r.mech, "ntlm");
		xdr_free((xdrproc_t)xdr_ident_res, (char *)&r);
	}
	e2e_secure_destroy(cl);
}
END_TEST

static void
register_fails(const char *keytab, const char *principal,
    const char *const *mechs, const char *want)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_svc_opts o;

	rpcauth_svc_opts_init(&o);
	o.keytab = keytab;
	o.principal = principal;
	o.mechs = mechs;
	ck_assert_int_eq(rpcauth_svc_register(&o, &err), -1);
	ck_assert_int_eq(err.code, RPCAUTH_E_CONFIG);
	ck_assert_msg(strstr(err.msg, want) != NULL, "message: %s", err.msg);
	rpcauth_err_clear(&err);
}

/* Registration names the cause (each call fails, so each may follow). */
START_TEST(register_errors)
{
	static const char *const foo[] = { "krb5", "foo", NULL };
	char junk[1024], want[2048];
	int fd;

	register_fails("/nonexistent/server.keytab", "demo@localhost", NULL,
	    "keytab /nonexistent/server.keytab is missing or unreadable");
	snprintf(want, sizeof(want), "no key for nosuch/localhost@%s in "
	    "keytab %s", TESTBED_REALM, testbed_server_keytab(bed));
	register_fails(testbed_server_keytab(bed), "nosuch@localhost", NULL,
	    want);
	snprintf(junk, sizeof(junk), "%s/junk.keytab", testbed_dir(bed));
	fd = open(junk, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "not a keytab", 12), 12);
	close(fd);
	snprintf(want, sizeof(want), "keytab %s is not a usable keytab", junk);
	register_fails(junk, "demo@localhost", NULL, want);
	register_fails(testbed_server_keytab(bed), "demo@localhost", foo,
	    "unknown mechanism \"foo\"");
}
END_TEST

static Suite *
identity_suite(void)
{
	Suite *s = suite_create("identity");
	TCase *tc = cklist_tcase(s, "core", 240);

	tcase_add_loop_test(tc, mapped_account, 0, 2);	/* tcp, udp */
	tcase_add_loop_test(tc, nobody, 0, 2);
	CKLIST(tc, 1, demofs_whoami_uid, authorize_refuses, cookie_lifecycle,
	    per_program_principal);
	tcase_add_loop_test(tc, ntlm_nullproc_unread, 0, 2);	/* tcp, udp */
	tcase_add_test(tc, register_errors);
	return s;
}

static int
setup(void)
{
	snprintf(root_cc, sizeof(root_cc), "FILE:%s/root.ccache",
	    testbed_dir(bed));
	snprintf(mallory_cc, sizeof(mallory_cc), "FILE:%s/mallory.ccache",
	    testbed_dir(bed));
	return e2e_kinit(bed, "root", root_cc, "root") != 0 ||
	    e2e_kinit(bed, "mallory", mallory_cc, "mallory") != 0 ||
	    e2e_fork_server(id_server, NULL, &id_pid, &id_port) != 0 ||
	    e2e_server_start(&demo, &demo_port, testbed_server_keytab(bed),
	    NULL) != 0 ? -1 : 0;
}

static int
teardown(void)
{
	e2e_server_stop(&demo);
	e2e_fork_stop(&id_pid);
	return 0;
}

int
main(void)
{
	static const char *const extra[] = { "other/localhost", NULL };
	struct testbed_opts o;

	memset(&o, 0, sizeof(o));
	o.extra_principals = extra;
	o.ntlm_user_file = true;
	return e2e_main(identity_suite(), &o, &bed, setup, teardown);
}
