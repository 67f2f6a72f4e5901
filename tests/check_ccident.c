/* tests/check_ccident.c - who the client is: ccache choice, auth_info under renewal, fork, escaping */
/*
 * Two users: alice (the bed's, the process default ccache) and bob, with
 * a FILE ccache of his own and a DIR collection whose primary is his.
 * Whatever path the library takes to the default credential (the memory
 * copy of ccmirror.c or MIT's own), a thread that names bob's ccache with
 * gss_krb5_ccache_name(), a DIR collection, opts.ccache or ~/.k5identity
 * must make the server see the principal MIT's GSS-API would use.
 *
 * Also here (docs/SECURITY.md 5 and 12): rpcauth_auth_info while other
 * calls replace the context; RPCAUTH_* variables under AT_SECURE; the
 * confounder pool after fork(); server strings escaped by the demo client.
 */
#include "config.h"

#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi_krb5.h>

#include "clnt_internal.h"
#include "demofs.h"
#include "e2e.h"
#include "krb5_crypto.h"
#include "krb5_token.h"
#include "trace.h"

static struct testbed *bed;
static struct srvproc server;
static int port;
static char bob_cc[1024], bob_dir[1024], bob_kt[1024];

#define ALICE	"alice@" TESTBED_REALM
#define BOB	"bob@" TESTBED_REALM

/* ---- one authenticated WHOAMI, from a thread of its own ----------------- */

struct who {
	const char	*thread_cc;	/* gss_krb5_ccache_name, or NULL */
	const char	*opts_cc;	/* opts.ccache, or NULL */
	int		 ok;
	char		 principal[1024];	/* as the server saw it */
	char		 info_client[1024];	/* rpcauth_auth_info */
	char		 err[2048];
};

static void *
who_thread(void *p)
{
	struct who *w = p;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_client_opts o;
	struct rpcauth_auth_info info;
	demo_whoami *res;
	OM_uint32 min;
	CLIENT *cl;

	if (w->thread_cc != NULL &&
	    GSS_ERROR(gss_krb5_ccache_name(&min, w->thread_cc, NULL))) {
		snprintf(w->err, sizeof(w->err), "gss_krb5_ccache_name");
		return NULL;
	}
	if ((cl = e2e_clnt(port, 0)) == NULL) {
		snprintf(w->err, sizeof(w->err), "no CLIENT");
		return NULL;
	}
	rpcauth_client_opts_init(&o);
	o.ccache = w->opts_cc;
	if (rpcauth_client_create(cl, "demo@localhost", &o, &err) == NULL) {
		snprintf(w->err, sizeof(w->err), "%s",
		    err.msg != NULL ? err.msg : "?");
		rpcauth_err_clear(&err);
		clnt_destroy(cl);
		return NULL;
	}
	if ((res = demofs_whoami_1(NULL, cl)) != NULL) {
		snprintf(w->principal, sizeof(w->principal), "%s",
		    res->principal);
		xdr_free((xdrproc_t)xdr_demo_whoami, (char *)res);
		if (rpcauth_auth_info(cl->cl_auth, &info) == 0) {
			snprintf(w->info_client, sizeof(w->info_client), "%s",
			    info.client_principal);
			w->ok = 1;
		}
	} else
		snprintf(w->err, sizeof(w->err), "%s",
		    clnt_sperror(cl, "whoami"));
	e2e_secure_destroy(cl);
	return NULL;
}

static void
who_run(struct who *w, const char *thread_cc, const char *opts_cc)
{
	pthread_t t;

	memset(w, 0, sizeof(*w));
	w->thread_cc = thread_cc;
	w->opts_cc = opts_cc;
	ck_assert_int_eq(pthread_create(&t, NULL, who_thread, w), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
}

/* Succeeded as `want`, both as the server saw it and as auth_info says. */
static void
who_is(const struct who *w, const char *want, const char *what)
{
	ck_assert_msg(w->ok, "%s: no answer: %s", what, w->err);
	ck_assert_msg(strcmp(w->principal, want) == 0,
	    "%s: the server saw %s, not %s", what, w->principal, want);
	ck_assert_msg(strcmp(w->info_client, want) == 0,
	    "%s: auth_info says %s, not %s", what, w->info_client, want);
}

/* Trace lines, to see whether the memory copy served a handshake. */
static pthread_mutex_t tr_lock = PTHREAD_MUTEX_INITIALIZER;
static int tr_copy_used;

static void
tr_cb(const char *line, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&tr_lock);
	if (strstr(line, "default credentials from the memory copy") != NULL)
		tr_copy_used++;
	pthread_mutex_unlock(&tr_lock);
}

static int
copy_uses(void)
{
	int n;

	pthread_mutex_lock(&tr_lock);
	n = tr_copy_used;
	tr_copy_used = 0;
	pthread_mutex_unlock(&tr_lock);
	return n;
}

/* Loop index 0: the memory copy allowed (default); 1: turned off. */
static void
mirror_mode(int i)
{
	if (i == 1)
		ck_assert_int_eq(setenv("RPCAUTH_CCACHE_MIRROR", "0", 1), 0);
	else
		ck_assert_int_eq(unsetenv("RPCAUTH_CCACHE_MIRROR"), 0);
	rpcauth_set_trace(tr_cb, NULL);
}

/* ---- 3: the identity is the one MIT's GSS-API would use ----------------- */

/* The process default is alice; a thread that names bob's ccache is bob. */
START_TEST(thread_ccache_name)
{
	struct who w;

	mirror_mode(_i);
	who_run(&w, NULL, NULL);	/* warms the copy of alice's file */
	who_is(&w, ALICE, "process default");
	if (_i == 0)
		ck_assert_int_gt(copy_uses(), 0);
	who_run(&w, bob_cc, NULL);
	who_is(&w, BOB, "thread ccache name = bob's FILE");
	ck_assert_int_eq(copy_uses(), 0);
	who_run(&w, NULL, NULL);	/* other threads stay alice */
	who_is(&w, ALICE, "process default again");
}
END_TEST

/* A thread that names a DIR collection whose primary is bob. */
START_TEST(thread_dir_collection)
{
	char name[1100];
	struct who w;

	mirror_mode(_i);
	snprintf(name, sizeof(name), "DIR:%s", bob_dir);
	who_run(&w, NULL, NULL);
	who_is(&w, ALICE, "process default");
	who_run(&w, name, NULL);
	who_is(&w, BOB, "thread ccache name = DIR collection, primary bob");
}
END_TEST

/* KRB5CCNAME itself names the DIR collection: the primary, bob. */
START_TEST(env_dir_collection)
{
	char name[1100];
	struct who w;

	mirror_mode(_i);
	snprintf(name, sizeof(name), "DIR:%s", bob_dir);
	ck_assert_int_eq(setenv("KRB5CCNAME", name, 1), 0);
	who_run(&w, NULL, NULL);
	who_is(&w, BOB, "KRB5CCNAME = DIR collection, primary bob");
	ck_assert_int_eq(copy_uses(), 0);
}
END_TEST

/* opts.ccache wins over the process default and over the thread's name. */
START_TEST(opts_ccache)
{
	struct who w;

	mirror_mode(_i);
	who_run(&w, NULL, bob_cc);
	who_is(&w, BOB, "opts.ccache = bob's");
	who_run(&w, testbed_ccache_name(bed), bob_cc);
	who_is(&w, BOB, "opts.ccache = bob's, thread name alice's");
	ck_assert_int_eq(copy_uses(), 0);
}
END_TEST

/*
 * ~/.k5identity names bob for every server: MIT then wants bob, finds no
 * ccache of his in the FILE "collection" and no key for him in the client
 * keytab, and fails.  Never alice, with or without the copy.
 */
START_TEST(k5identity)
{
	char home[1100], path[1200];
	struct who w;
	FILE *f;

	mirror_mode(_i);
	snprintf(home, sizeof(home), "%s/home-k5identity", testbed_dir(bed));
	ck_assert_int_eq(mkdir(home, 0700) == 0 || errno == EEXIST, 1);
	snprintf(path, sizeof(path), "%s/.k5identity", home);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "%s\n", BOB);
	fclose(f);
	ck_assert_int_eq(setenv("HOME", home, 1), 0);
	who_run(&w, NULL, NULL);
	ck_assert_msg(!w.ok || strcmp(w.principal, ALICE) != 0,
	    "~/.k5identity says bob, yet the server saw alice");
	ck_assert_int_eq(copy_uses(), 0);
	/* bob's key in the client keytab: MIT would fetch his ticket. */
	ck_assert_int_eq(setenv("KRB5_CLIENT_KTNAME", bob_kt, 1), 0);
	who_run(&w, NULL, NULL);
	ck_assert_msg(!w.ok || strcmp(w.principal, ALICE) != 0,
	    "~/.k5identity says bob, yet the server saw alice");
}
END_TEST

/* Not over-cautious: a thread that names alice's own file keeps the copy. */
START_TEST(thread_names_default)
{
	struct who w;

	mirror_mode(0);
	who_run(&w, testbed_ccache_name(bed), NULL);
	who_is(&w, ALICE, "thread ccache name = the default file");
	ck_assert_int_gt(copy_uses(), 0);
}
END_TEST

/* ---- 5: rpcauth_auth_info while other calls replace the context -------- */

#define RACE_RENEWALS	300
#define RACE_READERS	2
#define RACE_MAX_S	60	/* a bound on the loop, not an assertion */

struct race {
	AUTH		*auth;
	const char	*server;
	volatile int	 stop;
	long		 reads, bad;
	char		 seen[2100];
};

static void *
race_reader(void *p)
{
	struct race *r = p;
	struct rpcauth_auth_info info;

	while (!r->stop) {
		if (rpcauth_auth_info(r->auth, &info) != 0 ||
		    strcmp(info.client_principal, ALICE) != 0 ||
		    strcmp(info.server_principal, r->server) != 0) {
			if (r->bad++ == 0)
				snprintf(r->seen, sizeof(r->seen), "%s | %s",
				    info.client_principal,
				    info.server_principal);
		}
		r->reads++;
	}
	return NULL;
}

/*
 * Every call on the CLIENT makes a new context first (the sequence number
 * is put at MAXSEQ before it), while readers in other threads ask for the
 * names: they must always read whole, current names (and ASan must see no
 * use of the freed ones).
 */
START_TEST(auth_info_during_renewals)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct race r[RACE_READERS];
	struct rpcauth_auth_info info;
	pthread_t t[RACE_READERS];
	struct clnt_state *st;
	time_t end = time(NULL) + RACE_MAX_S;
	CLIENT *cl;
	int i, n;

	cl = e2e_secure_clnt(port, 0, RPCAUTH_SVC_INTEGRITY, 0, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	st = (struct clnt_state *)cl->cl_auth->ah_private;
	for (i = 0; i < RACE_READERS; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].auth = cl->cl_auth;
		r[i].server = testbed_service_principal(bed);
		ck_assert_int_eq(pthread_create(&t[i], NULL, race_reader,
		    &r[i]), 0);
	}
	for (n = 0; n < RACE_RENEWALS && time(NULL) < end; n++) {
		st->seq_next = RPCAUTH_MAXSEQ;	/* the call renews first */
		if (demofs_null_1(NULL, cl) == NULL)
			break;
	}
	for (i = 0; i < RACE_READERS; i++) {
		r[i].stop = 1;
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	}
	ck_assert_msg(n > 0, "call %d: %s", n, clnt_sperror(cl, "null"));
	ck_assert_int_eq(rpcauth_auth_info(cl->cl_auth, &info), 0);
	ck_assert_uint_eq(info.contexts, (unsigned)n + 1);
	for (i = 0; i < RACE_READERS; i++)
		ck_assert_msg(r[i].bad == 0, "reader %d: %ld of %ld reads "
		    "wrong during %d renewals, e.g. \"%s\"", i, r[i].bad,
		    r[i].reads, n, r[i].seen);
	e2e_secure_destroy(cl);
}
END_TEST

/* ---- set-up ------------------------------------------------------------- */

static int
run_ok(char *const argv[])
{
	char out[512], errb[1024];
	int st;

	if (srvproc_run(argv, out, sizeof(out), errb, sizeof(errb), 20000,
	    &st) != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "%s: %s\n", argv[0], errb);
		return -1;
	}
	return 0;
}

/* bob, his keytab, a FILE ccache and a DIR collection whose primary is his. */
static int
bob_setup(void)
{
	char dircc[1100];
	char *k1[] = { (char *)KINIT_PATH, (char *)"-k", (char *)"-t", bob_kt,
	    (char *)"-c", bob_cc, (char *)BOB, NULL };
	char *k2[] = { (char *)KINIT_PATH, (char *)"-k", (char *)"-t", bob_kt,
	    (char *)"-c", dircc, (char *)BOB, NULL };

	snprintf(bob_kt, sizeof(bob_kt), "%s/bob.keytab", testbed_dir(bed));
	snprintf(bob_cc, sizeof(bob_cc), "FILE:%s/bob.ccache",
	    testbed_dir(bed));
	snprintf(bob_dir, sizeof(bob_dir), "%s/bobcol", testbed_dir(bed));
	snprintf(dircc, sizeof(dircc), "DIR:%s", bob_dir);
	if (testbed_add_principal(bed, "bob", bob_kt) != 0) {
		fprintf(stderr, "add bob: %s\n", testbed_errmsg(bed));
		return -1;
	}
	if (mkdir(bob_dir, 0700) != 0)
		return -1;
	return run_ok(k1) == 0 && run_ok(k2) == 0 ? 0 : -1;
}

static Suite *
ccident_suite(void)
{
	Suite *s = suite_create("ccident");
	TCase *tc = tcase_create("identity");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, thread_ccache_name, 0, 2);
	tcase_add_loop_test(tc, thread_dir_collection, 0, 2);
	tcase_add_loop_test(tc, env_dir_collection, 0, 2);
	tcase_add_loop_test(tc, opts_ccache, 0, 2);
	tcase_add_loop_test(tc, k5identity, 0, 2);
	tcase_add_test(tc, thread_names_default);
	suite_add_tcase(s, tc);
	tc = tcase_create("auth_info");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, auth_info_during_renewals);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	char errbuf[1024];
	SRunner *sr;
	int failed = 1, st;

	if (testbed_start(NULL, &bed, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "test bed: %s\n", errbuf);
		return 99;
	}
	if (bob_setup() != 0 || e2e_server_start(&server, &port,
	    testbed_server_keytab(bed), NULL) != 0) {
		fprintf(stderr, "set-up failed\n");
		testbed_stop(bed);
		return 99;
	}
	sr = srunner_create(ccident_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	srvproc_stop(&server, 5000, &st);
	testbed_stop(bed);
	return failed == 0 ? 0 : 1;
}
