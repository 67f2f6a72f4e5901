/* tests/check_abi.c - structs of other layouts than this library's (docs/ABI.md) */
/*
 * A program built against an older or newer rpcauth.h passes structs of
 * another size.  These tests build such structs by hand: a newer layout is
 * this one followed by an extra field, an uninitialized one has size 0.
 * Options are read up to the caller's size, refused below the first
 * layout, and refused when a field the library does not know is set;
 * results are written up to the caller's size and say how much they filled.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "internal.h"

/* What a newer header's struct looks like to this library. */
struct newer_client_opts {
	struct rpcauth_client_opts o;
	uint64_t	 added;
};
struct newer_svc_opts {
	struct rpcauth_svc_opts o;
	uint64_t	 added;
};
struct newer_policy {
	struct rpcauth_svc_policy p;
	uint64_t	 added;
};
struct newer_caller {
	struct rpcauth_caller c;
	uint64_t	 added;
};

START_TEST(init_macros_record_the_callers_sizes)
{
	struct rpcauth_client_opts co;
	struct rpcauth_svc_opts so;

	memset(&co, 0xA5, sizeof(co));
	memset(&so, 0xA5, sizeof(so));
	rpcauth_client_opts_init(&co);
	rpcauth_svc_opts_init(&so);
	ck_assert_uint_eq(co.size, sizeof(co));
	ck_assert_ptr_null(co.mech);
	ck_assert_int_eq(co.allow_ntlm, 0);
	ck_assert_uint_eq(so.size, sizeof(so));
	ck_assert_uint_eq(so.policy_size, sizeof(struct rpcauth_svc_policy));
	ck_assert_ptr_null(so.policies);
	ck_assert_ptr_null((void *)so.cookie_free);
}
END_TEST

/* A newer program's init zeroes the whole of its larger struct. */
START_TEST(init_zeroes_a_newer_struct)
{
	struct newer_client_opts n;

	memset(&n, 0xA5, sizeof(n));
	rpcauth_client_opts_init_sized(&n.o, sizeof(n));
	ck_assert_uint_eq(n.o.size, sizeof(n));
	ck_assert_uint_eq(n.added, 0);
}
END_TEST

START_TEST(client_opts_not_initialized_are_refused)
{
	struct rpcauth_client_opts in, out;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	memset(&in, 0, sizeof(in));		/* no rpcauth_client_opts_init */
	in.service = RPCAUTH_SVC_PRIVACY;
	ck_assert_int_eq(abi_client_opts_import(&in, &out, &err), -1);
	ck_assert_int_eq(err.code, RPCAUTH_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "size 0 is not the size of a struct "
	    "rpcauth_client_opts: fill it with rpcauth_client_opts_init() "
	    "first") != NULL, "%s", err.msg);
	rpcauth_err_clear(&err);
	/* The public call refuses it before anything else. */
	ck_assert_ptr_null(rpcauth_client_create(NULL, "demo@localhost", &in,
	    &err));
	ck_assert_msg(strstr(err.msg, "rpcauth_client_opts_init") != NULL,
	    "%s", err.msg);
	rpcauth_err_clear(&err);
	in.size = 1u << 20;			/* garbage, not a layout */
	ck_assert_int_eq(abi_client_opts_import(&in, &out, &err), -1);
	rpcauth_err_clear(&err);
}
END_TEST

START_TEST(client_opts_copied_and_null_is_defaults)
{
	struct rpcauth_client_opts in, out;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	rpcauth_client_opts_init(&in);
	in.service = RPCAUTH_SVC_PRIVACY;
	in.mech = "spnego";
	in.allow_ntlm = 1;
	ck_assert_int_eq(abi_client_opts_import(&in, &out, &err), 0);
	ck_assert_int_eq(out.service, RPCAUTH_SVC_PRIVACY);
	ck_assert_str_eq(out.mech, "spnego");
	ck_assert_int_eq(out.allow_ntlm, 1);
	ck_assert_int_eq(abi_client_opts_import(NULL, &out, &err), 0);
	ck_assert_uint_eq(out.size, sizeof(out));
	ck_assert_int_eq(out.service, 0);
	/* Initialized options reach the next check: the missing CLIENT. */
	ck_assert_ptr_null(rpcauth_client_create(NULL, "demo@localhost", &in,
	    &err));
	ck_assert_msg(strstr(err.msg, "no CLIENT") != NULL, "%s", err.msg);
	rpcauth_err_clear(&err);
}
END_TEST

/* A newer program: fine while it leaves the new field alone. */
START_TEST(client_opts_newer_layout)
{
	struct newer_client_opts n;
	struct rpcauth_client_opts out;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	rpcauth_client_opts_init_sized(&n.o, sizeof(n));
	n.o.flavor = 6;
	ck_assert_int_eq(abi_client_opts_import(&n.o, &out, &err), 0);
	ck_assert_uint_eq(out.flavor, 6);
	ck_assert_uint_eq(out.size, sizeof(out));
	n.added = 1;
	ck_assert_int_eq(abi_client_opts_import(&n.o, &out, &err), -1);
	ck_assert_int_eq(err.code, RPCAUTH_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "the program needs a newer librpcauth")
	    != NULL, "%s", err.msg);
	rpcauth_err_clear(&err);
}
END_TEST

/* Policies are read with the caller's stride, whatever it is. */
START_TEST(svc_policies_by_stride)
{
	struct newer_policy pol[3];
	struct newer_svc_opts n;
	struct rpcauth_svc_opts out;
	struct rpcauth_svc_policy *copy = NULL;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	size_t i;

	memset(pol, 0, sizeof(pol));
	for (i = 0; i < 3; i++) {
		pol[i].p.prog = 0x20000000u + (rpcprog_t)i;
		pol[i].p.vers = 1 + (rpcvers_t)i;
		pol[i].p.min_service = RPCAUTH_SVC_PRIVACY;
		pol[i].p.unauth = RPCAUTH_UNAUTH_NULLPROC;
	}
	pol[1].p.principal = "other@localhost";
	rpcauth_svc_opts_init_sized(&n.o, sizeof(n), sizeof(pol[0]));
	n.o.policies = &pol[0].p;
	n.o.npolicies = 3;
	n.o.window = 64;
	ck_assert_int_eq(abi_svc_opts_import(&n.o, &out, &copy, &err), 0);
	ck_assert_ptr_nonnull(copy);
	ck_assert_ptr_eq(out.policies, copy);
	ck_assert_uint_eq(out.policy_size, sizeof(*copy));
	ck_assert_uint_eq(out.window, 64);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(copy[i].prog, 0x20000000u + i);
		ck_assert_uint_eq(copy[i].vers, 1 + i);
		ck_assert_int_eq(copy[i].min_service, RPCAUTH_SVC_PRIVACY);
		ck_assert_int_eq(copy[i].unauth, RPCAUTH_UNAUTH_NULLPROC);
	}
	ck_assert_str_eq(copy[1].principal, "other@localhost");
	free(copy);
	/* An option of a newer policy set: refused, and nothing leaks. */
	pol[2].added = 7;
	ck_assert_int_eq(abi_svc_opts_import(&n.o, &out, &copy, &err), -1);
	ck_assert_ptr_null(copy);
	ck_assert_msg(strstr(err.msg, "struct rpcauth_svc_policy sets fields")
	    != NULL, "%s", err.msg);
	rpcauth_err_clear(&err);
	/* A stride below the first layout is not a policy array. */
	pol[2].added = 0;
	n.o.policy_size = sizeof(uint32_t);
	ck_assert_int_eq(abi_svc_opts_import(&n.o, &out, &copy, &err), -1);
	rpcauth_err_clear(&err);
}
END_TEST

START_TEST(svc_opts_not_initialized_are_refused)
{
	struct rpcauth_svc_opts in;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	memset(&in, 0, sizeof(in));
	in.min_service = RPCAUTH_SVC_INTEGRITY;
	ck_assert_int_eq(rpcauth_svc_register(&in, &err), -1);
	ck_assert_int_eq(err.code, RPCAUTH_E_CONFIG);
	ck_assert_msg(strstr(err.msg, "fill it with rpcauth_svc_opts_init() "
	    "first") != NULL, "%s", err.msg);
	rpcauth_err_clear(&err);
}
END_TEST

/* Results: up to the caller's size, and the size says what was filled. */
START_TEST(copy_out_sizes)
{
	struct rpcauth_caller src, small;
	struct newer_caller big;

	memset(&src, 0, sizeof(src));
	src.size = sizeof(src);
	strcpy(src.principal, "alice@RPCAUTH.TEST");
	src.uid = 1000;
	src.cookie = &src;
	memset(&big, 0xA5, sizeof(big));
	ck_assert_int_eq(abi_copy_out(&big.c, sizeof(big), &src, sizeof(src),
	    CALLER_SIZE0, 1), 0);
	ck_assert_uint_eq(big.c.size, sizeof(src));
	ck_assert_uint_eq(big.added, 0);	/* unknown here: zero */
	ck_assert_str_eq(big.c.principal, "alice@RPCAUTH.TEST");
	ck_assert_ptr_eq(big.c.cookie, &src);
	/* A failure zeroes the caller's whole struct, size included. */
	memset(&big, 0xA5, sizeof(big));
	ck_assert_int_eq(abi_copy_out(&big.c, sizeof(big), &src, sizeof(src),
	    CALLER_SIZE0, 0), 0);
	ck_assert_uint_eq(big.c.size, 0);
	ck_assert_uint_eq(big.c.uid, 0);
	ck_assert_uint_eq(big.added, 0);
	/* Below the first layout: not written at all. */
	memset(&small, 0xA5, sizeof(small));
	ck_assert_int_eq(abi_copy_out(&small, CALLER_SIZE0 - 1, &src,
	    sizeof(src), CALLER_SIZE0, 1), -1);
	ck_assert_uint_eq(small.uid, 0xA5A5A5A5u);
}
END_TEST

START_TEST(auth_info_of_a_foreign_auth)
{
	struct rpcauth_auth_info info;
	AUTH *none = authnone_create();

	memset(&info, 0xA5, sizeof(info));
	ck_assert_int_eq(rpcauth_auth_info(none, &info), -1);
	ck_assert_uint_eq(info.size, 0);
	ck_assert_uint_eq(info.contexts, 0);
	ck_assert_int_eq(rpcauth_auth_info(NULL, &info), -1);
	/* A size below the first layout: refused, nothing written. */
	ck_assert_int_eq(rpcauth_auth_info_sized(none, &info, 8), -1);
}
END_TEST

static Suite *
abi_suite(void)
{
	Suite *s = suite_create("abi");
	TCase *tc = tcase_create("sizes");

	tcase_add_test(tc, init_macros_record_the_callers_sizes);
	tcase_add_test(tc, init_zeroes_a_newer_struct);
	tcase_add_test(tc, client_opts_not_initialized_are_refused);
	tcase_add_test(tc, client_opts_copied_and_null_is_defaults);
	tcase_add_test(tc, client_opts_newer_layout);
	tcase_add_test(tc, svc_policies_by_stride);
	tcase_add_test(tc, svc_opts_not_initialized_are_refused);
	tcase_add_test(tc, copy_out_sizes);
	tcase_add_test(tc, auth_info_of_a_foreign_auth);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(abi_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
