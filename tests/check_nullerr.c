/* tests/check_nullerr.c - every public call, bad arguments, err NULL or not */
/*
 * rpcauth.h promises that err may be NULL.  Each public call is made with
 * bad arguments (NULL pointers, empty strings, values outside their enum,
 * oversized numbers) and with failures met further in (a keytab that is
 * not there, a service the KDC does not know, SPNEGO without credentials,
 * a flavor the server does not speak): once with err NULL, which must give
 * a clean -1, NULL or FALSE, and once with an err, which must then hold a
 * code and a message.  Check forks each test, so a crash fails that test.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "cklist.h"

static struct testbed *bed;
static struct srvproc server;
static int port;

/* err must hold `want` and a message containing `needle`; then cleared. */
static void
err_is(struct rpcauth_err *err, enum rpcauth_code want, const char *needle,
    const char *what)
{
	fprintf(stderr, "%s: code %d: %s\n", what, (int)err->code,
	    err->msg != NULL ? err->msg : "(null)");
	ck_assert_msg(err->code == want, "%s: code %d, want %d (%s)", what,
	    (int)err->code, (int)want, err->msg != NULL ? err->msg : "(null)");
	ck_assert_msg(err->msg != NULL && strstr(err->msg, needle) != NULL,
	    "%s: '%s' not in: %s", what, needle,
	    err->msg != NULL ? err->msg : "(null)");
	rpcauth_err_clear(err);
	ck_assert_int_eq(err->code, RPCAUTH_OK);
	ck_assert_ptr_null(err->msg);
}

/* ---- rpcauth_svc_register ------------------------------------------- */

static const char *const m_ntlm[] = { "ntlm", NULL };
static const char *const m_bogus[] = { "krb5", "nosuch", NULL };
static const char *const m_empty_name[] = { "", NULL };
static const char *const m_none[] = { NULL };
static const struct rpcauth_svc_policy pol_bad_service[] = {
	{ 0x20000C0F, 1, (enum rpcauth_service)9, NULL, RPCAUTH_UNAUTH_REFUSE },
};
static const struct rpcauth_svc_policy pol_bad_unauth[] = {
	{ 0x20000C0F, 1, RPCAUTH_SVC_INTEGRITY, NULL, (enum rpcauth_unauth)7 },
};
static const struct rpcauth_svc_policy pol_empty_principal[] = {
	{ 0x20000C0F, 1, RPCAUTH_SVC_INTEGRITY, "", RPCAUTH_UNAUTH_REFUSE },
};

/*
 * One bad server set-up: what is changed from the defaults (fields left
 * out keep them), and what the RPCAUTH_E_CONFIG message must contain.
 */
static const struct svc_case {
	const char	*name;
	const char	*principal;
	const char	*keytab;
	const char *const *mechs;
	int		 min_service;
	uint32_t	 window;
	uint32_t	 flavor;
	const struct rpcauth_svc_policy *policies;
	size_t		 npolicies;
	const char	*needle;
} svc_cases[] = {
	{ "empty principal, ntlm", "", .mechs = m_ntlm,
	    .needle = "not of the form service@host" },
	{ "empty principal", "", .needle = "not of the form service@host" },
	{ "principal without host", "demo@",
	    .needle = "not of the form service@host" },
	{ "principal without service", "@localhost",
	    .needle = "not of the form service@host" },
	{ "min_service out of range", .min_service = 9,
	    .needle = "unknown minimum service 9" },
	{ "min_service negative", .min_service = -1,
	    .needle = "unknown minimum service" },
	{ "window too large", .window = UINT32_MAX,
	    .needle = "window 4294967295 is larger than" },
	{ "policies NULL", .npolicies = 3,
	    .needle = "npolicies is 3 but policies is NULL" },
	{ "policy min_service", .policies = pol_bad_service, .npolicies = 1,
	    .needle = "policy 0: unknown minimum service 9" },
	{ "policy unauth", .policies = pol_bad_unauth, .npolicies = 1,
	    .needle = "policy 0: unknown unauth value 7" },
	{ "policy empty principal", .policies = pol_empty_principal,
	    .npolicies = 1,
	    .needle = "policy 0: principal \"\" is not of the form" },
	{ "unknown mechanism", .mechs = m_bogus,
	    .needle = "unknown mechanism \"nosuch\"" },
	{ "empty mechanism name", .mechs = m_empty_name,
	    .needle = "unknown mechanism \"\"" },
	{ "empty mechanism list", .mechs = m_none,
	    .needle = "the list of mechanisms is empty" },
	{ "missing keytab", "demo@localhost", "/nonexistent/server.keytab",
	    .needle = "keytab /nonexistent/server.keytab is missing or "
	    "unreadable" },
	{ "empty keytab name", "demo@localhost", "", .needle = "keytab" },
	{ "no key for the principal", "nosuch@localhost",
	    .needle = "no key for nosuch/localhost@" },
	/* libtirpc keeps 6 for itself: found after the credentials. */
	{ "flavor taken", "demo@localhost", .flavor = 6,
	    .needle = "flavor 6 is already taken" },
};

START_TEST(svc_register_bad)
{
	const struct svc_case *c = &svc_cases[_i];
	struct rpcauth_svc_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	rpcauth_svc_opts_init(&o);
	o.principal = c->principal;
	o.keytab = c->keytab;
	o.mechs = c->mechs;
	o.min_service = (enum rpcauth_service)c->min_service;
	o.window = c->window;
	o.flavor = c->flavor;
	o.policies = c->policies;
	o.npolicies = c->npolicies;
	ck_assert_msg(rpcauth_svc_register(&o, NULL) == -1, "%s: err NULL",
	    c->name);
	ck_assert_msg(rpcauth_svc_register(&o, &err) == -1, "%s", c->name);
	err_is(&err, RPCAUTH_E_CONFIG, c->needle, c->name);
	/* A failed registration leaves nothing behind: it works afterwards. */
	rpcauth_svc_opts_init(&o);
	o.principal = "demo@localhost";
	ck_assert_int_eq(rpcauth_svc_register(&o, &err), 0);
	ck_assert_ptr_null(err.msg);
}
END_TEST

START_TEST(svc_register_twice)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	/* opts NULL: the defaults, any key in KRB5_KTNAME's keytab. */
	ck_assert_int_eq(rpcauth_svc_register(NULL, NULL), 0);
	ck_assert_int_eq(rpcauth_svc_register(NULL, NULL), -1);
	ck_assert_int_eq(rpcauth_svc_register(NULL, &err), -1);
	err_is(&err, RPCAUTH_E_CONFIG, "already called", "twice");
}
END_TEST

static void
dispatch_never(struct svc_req *rq, SVCXPRT *xprt)
{
	(void)rq;
	(void)xprt;
	ck_abort_msg("dispatch ran");
}

/* The calls without an err: FALSE, -1 or NULL, and nothing crashes. */
START_TEST(svc_calls_without_err)
{
	struct rpcauth_caller who;
	struct svc_req rq;
	SVCXPRT *x;

	rpcauth_svc_opts_init_sized(NULL, sizeof(struct rpcauth_svc_opts),
	    sizeof(struct rpcauth_svc_policy));
	ck_assert(!rpcauth_svc_register_prog(NULL, 0x20000C0F, 1,
	    dispatch_never, IPPROTO_TCP));
	ck_assert(!rpcauth_svc_reg(NULL, 0x20000C0F, 1, dispatch_never, NULL));
	x = svctcp_create(RPC_ANYSOCK, 0, 0);
	ck_assert_ptr_nonnull(x);
	ck_assert(!rpcauth_svc_register_prog(x, 0x20000C0F, 1, NULL,
	    IPPROTO_TCP));
	ck_assert(!rpcauth_svc_reg(x, 0x20000C0F, 1, NULL, NULL));
	if (sizeof(u_long) > sizeof(uint32_t))
		ck_assert(!rpcauth_svc_register_prog(x,
		    (u_long)UINT32_MAX + 1, 1, dispatch_never, 0));
	svc_destroy(x);

	memset(&who, 0xA5, sizeof(who));
	ck_assert_int_eq(rpcauth_svc_caller(NULL, &who), -1);
	ck_assert_int_eq(who.principal[0], '\0');
	ck_assert_int_eq(rpcauth_svc_caller_sized(NULL, NULL,
	    sizeof(struct rpcauth_caller)), -1);
	/* A request rpcauth did not authenticate (and before registration). */
	memset(&rq, 0, sizeof(rq));
	ck_assert_int_eq(rpcauth_svc_caller(&rq, &who), -1);
	ck_assert_int_eq(rpcauth_svc_caller_sized(&rq, NULL,
	    sizeof(struct rpcauth_caller)), -1);
	ck_assert_ptr_null(rpcauth_svc_cookie(NULL));
	ck_assert_ptr_null(rpcauth_svc_cookie(&rq));
	rpcauth_svc_set_log(NULL, NULL);
	rpcauth_set_trace(NULL, NULL);
	rpcauth_err_clear(NULL);
	ck_assert_ptr_nonnull(rpcauth_version());
}
END_TEST

/* ---- rpcauth_client_create ------------------------------------------ */

/*
 * One bad client set-up against the running server: what is changed from
 * the defaults (fields left out keep them), the code and the message.
 */
static const struct clnt_case {
	const char	*name;
	int		 no_clnt;
	const char	*service;	/* NULL: none given */
	const char	*mech;
	int		 svc_level;
	uint32_t	 flavor;
	const char	*ccache;
	const char	*client_keytab;
	int		 no_creds;	/* empty default ccache, no keytab */
	enum rpcauth_code want;
	const char	*needle;
} clnt_cases[] = {
	{ "no CLIENT", 1, "demo@localhost", .want = RPCAUTH_E_CONFIG,
	    .needle = "no CLIENT" },
	{ "no service", .want = RPCAUTH_E_CONFIG,
	    .needle = "no service name" },
	{ "empty service", .service = "", .want = RPCAUTH_E_CONFIG,
	    .needle = "service name \"\" is not of the form" },
	{ "service without host", .service = "demo@",
	    .want = RPCAUTH_E_CONFIG,
	    .needle = "is not of the form service@host" },
	{ "service level out of range", .service = "demo@localhost",
	    .svc_level = 9, .want = RPCAUTH_E_CONFIG,
	    .needle = "unknown service 9" },
	{ "unknown mechanism", .service = "demo@localhost", .mech = "nosuch",
	    .want = RPCAUTH_E_CONFIG,
	    .needle = "unknown mechanism \"nosuch\"" },
	{ "empty mechanism", .service = "demo@localhost", .mech = "",
	    .want = RPCAUTH_E_CONFIG, .needle = "unknown mechanism \"\"" },
	{ "OID of no mechanism", .service = "demo@localhost",
	    .mech = "1.2.3.4", .want = RPCAUTH_E_CONFIG,
	    .needle = "mechanism 1.2.3.4 is not installed" },
	{ "missing client keytab", .service = "demo@localhost",
	    .ccache = "FILE:/nonexistent/cc",
	    .client_keytab = "/nonexistent/client.keytab",
	    .want = RPCAUTH_E_GSS, .needle = "cannot get client credentials" },
	{ "service unknown to the KDC", .service = "nosuch@localhost",
	    .want = RPCAUTH_E_GSS, .needle = "does not know the service" },
	{ "SPNEGO without credentials", .service = "demo@localhost",
	    .mech = "spnego", .no_creds = 1, .want = RPCAUTH_E_GSS,
	    .needle = "SPNEGO negotiates Kerberos only" },
	{ "flavor the server does not speak", .service = "demo@localhost",
	    .flavor = 400999, .want = RPCAUTH_E_AUTH,
	    .needle = "does not speak flavor 400999" },
};

START_TEST(client_create_bad)
{
	const struct clnt_case *c = &clnt_cases[_i];
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	char cc[1024];
	CLIENT *cl = NULL;
	AUTH *before;
	int round;

	if (c->no_creds) {
		snprintf(cc, sizeof(cc), "FILE:%s/nullerr-none.cc",
		    testbed_dir(bed));
		ck_assert_int_eq(setenv("KRB5CCNAME", cc, 1), 0);
		ck_assert_int_eq(setenv("KRB5_CLIENT_KTNAME",
		    "FILE:/nonexistent/none.keytab", 1), 0);
	}
	rpcauth_client_opts_init(&o);
	o.mech = c->mech;
	o.service = (enum rpcauth_service)c->svc_level;
	o.flavor = c->flavor;
	o.ccache = c->ccache;
	o.client_keytab = c->client_keytab;
	for (round = 0; round < 2; round++) {
		if (!c->no_clnt) {
			cl = e2e_clnt(port, 0);
			ck_assert_ptr_nonnull(cl);
		}
		before = cl != NULL ? cl->cl_auth : NULL;
		ck_assert_msg(rpcauth_client_create(cl, c->service, &o,
		    round == 0 ? NULL : &err) == NULL, "%s: an AUTH", c->name);
		/* On failure the CLIENT keeps its AUTH (rpcauth.h). */
		if (cl != NULL) {
			ck_assert_ptr_eq(cl->cl_auth, before);
			clnt_destroy(cl);
			cl = NULL;
		}
	}
	err_is(&err, c->want, c->needle, c->name);
}
END_TEST

/* The client calls without an err, on AUTHs rpcauth did not make. */
START_TEST(client_calls_without_err)
{
	struct rpcauth_auth_info info;
	AUTH *none = authnone_create();

	rpcauth_client_opts_init_sized(NULL,
	    sizeof(struct rpcauth_client_opts));
	ck_assert_ptr_null(rpcauth_auth_error(NULL));
	ck_assert_ptr_null(rpcauth_auth_error(none));
	memset(&info, 0xA5, sizeof(info));
	ck_assert_int_eq(rpcauth_auth_info(NULL, &info), -1);
	ck_assert_int_eq(info.client_principal[0], '\0');
	ck_assert_int_eq(info.contexts, 0);
	ck_assert_int_eq(rpcauth_auth_info(none, &info), -1);
	ck_assert_int_eq(rpcauth_auth_info_sized(none, NULL,
	    sizeof(struct rpcauth_auth_info)), -1);
	ck_assert_int_eq(rpcauth_auth_info_sized(NULL, NULL,
	    sizeof(struct rpcauth_auth_info)), -1);
	ck_assert_ptr_null(rpcauth_client_clone(NULL, NULL, NULL));
	ck_assert_ptr_null(rpcauth_client_clone(none, NULL, NULL));
}
END_TEST

/* A good AUTH: info with out NULL is refused, the AUTH still works. */
START_TEST(client_good_auth_null_out)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_auth_info info;
	CLIENT *cl = e2e_clnt(port, 0);
	AUTH *a;

	ck_assert_ptr_nonnull(cl);
	a = rpcauth_client_create(cl, "demo@localhost", NULL, NULL);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(rpcauth_auth_info_sized(a, NULL,
	    sizeof(struct rpcauth_auth_info)), -1);
	ck_assert_int_eq(rpcauth_auth_info(a, &info), 0);
	ck_assert_uint_eq(info.contexts, 1);
	ck_assert_ptr_null(rpcauth_auth_error(a));
	/* A clone needs a CLIENT, with or without an err to say so. */
	ck_assert_ptr_null(rpcauth_client_clone(a, NULL, NULL));
	ck_assert_ptr_null(rpcauth_client_clone(a, NULL, &err));
	ck_assert_int_eq(err.code, RPCAUTH_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(err.msg, "no CLIENT"));
	rpcauth_err_clear(&err);
	auth_destroy(a);
	clnt_destroy(cl);
}
END_TEST

static Suite *
nullerr_suite(void)
{
	Suite *s = suite_create("nullerr");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, svc_register_bad, 0,
	    sizeof(svc_cases) / sizeof(svc_cases[0]));
	tcase_add_loop_test(tc, client_create_bad, 0,
	    sizeof(clnt_cases) / sizeof(clnt_cases[0]));
	CKLIST(tc, 1, svc_register_twice, svc_calls_without_err,
	    client_calls_without_err, client_good_auth_null_out);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	struct testbed_opts o;

	/* NTLM credentials exist, so SPNEGO gets a credential and fails
	 * only in its first round (the hint about allow_ntlm). */
	memset(&o, 0, sizeof(o));
	o.ntlm_user_file = true;
	return e2e_run(nullerr_suite(), &o, NULL, &bed, &server, &port);
}
