/* tests/check_threads.c - many threads, one identity: a CLIENT and a cloned AUTH per thread */
/*
 * A multi-threaded client shares one identity by giving each thread a
 * CLIENT of its own and an AUTH cloned from one made once
 * (rpcauth_client_clone; docs/ARCHITECTURE.md, "Many threads, one
 * identity").  Here 8 threads make 2000 ECHO calls at integrity and
 * privacy over TCP and UDP against the demo server: every call succeeds
 * and runs once, every clone is the original's client with one context;
 * a clone is never made as whoever the thread's ccache names; a server
 * restart in the middle of a run costs each AUTH exactly one new context.
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gssapi/gssapi_krb5.h>

#include "demofs.h"
#include "e2e.h"
#include "cklist.h"

#define NTHREADS	8
#define NCALLS		2000	/* in all, over the threads */
#define ALICE		"alice@" TESTBED_REALM

static struct testbed *bed;
static struct srvproc server;
static int port;

/* ---- one thread: its CLIENT, a clone of the shared AUTH, its calls ------ */

struct worker {
	int		 id;
	int		 port, udp;
	AUTH		*from;		/* the AUTH to clone */
	pthread_barrier_t *phase;	/* NULL: one phase, no restart */
	int		 calls;		/* per phase */
	CLIENT		*cl;		/* kept for the checks, then freed */
	int		 ok, failed;
	char		 why[2048];	/* the first failure */
};

static void
worker_fail(struct worker *w, const char *what)
{
	const char *e = w->cl != NULL && w->cl->cl_auth != NULL ?
	    rpcauth_auth_error(w->cl->cl_auth) : NULL;

	w->failed++;
	if (w->why[0] == '\0')
		snprintf(w->why, sizeof(w->why), "thread %d: %s (%s)", w->id,
		    what, e != NULL ? e : "no rpcauth error");
}

/* One ECHO of a pattern of this thread and call: comes back the same. */
static void
echo_once(struct worker *w, int i)
{
	struct timeval tv = { 25, 0 };
	char buf[2048];
	demo_data in, out;
	size_t n = (size_t)(i * 37 + w->id * 11) % sizeof(buf), k;

	for (k = 0; k < n; k++)
		buf[k] = (char)(k * 7 + i + w->id);
	in.demo_data_len = (u_int)n;
	in.demo_data_val = buf;
	memset(&out, 0, sizeof(out));
	/* Not demofs_echo_1: rpcgen's stubs (without -M) keep the result in
	 * a static shared by every thread. */
	if (clnt_call(w->cl, DEMOFS_ECHO, (xdrproc_t)xdr_demo_data,
	    (caddr_t)&in, (xdrproc_t)xdr_demo_data, (caddr_t)&out, tv) !=
	    RPC_SUCCESS) {
		worker_fail(w, clnt_sperror(w->cl, "echo"));
		return;
	}
	if (out.demo_data_len != n ||
	    (n > 0 && memcmp(out.demo_data_val, buf, n) != 0))
		worker_fail(w, "echo came back different");
	else
		w->ok++;
	xdr_free((xdrproc_t)xdr_demo_data, (char *)&out);
}

static void *
worker_run(void *p)
{
	struct worker *w = p;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	int i, phase, phases = w->phase != NULL ? 2 : 1;

	/* Cloned here, while the other threads clone and call. */
	if ((w->cl = e2e_clnt(w->port, w->udp)) == NULL)
		worker_fail(w, "no CLIENT");
	else if (rpcauth_client_clone(w->from, w->cl, &err) == NULL) {
		worker_fail(w, err.msg != NULL ? err.msg : "clone failed");
		rpcauth_err_clear(&err);
		clnt_destroy(w->cl);
		w->cl = NULL;
	}
	for (phase = 0; phase < phases; phase++) {
		if (phase > 0) {
			/* The main thread restarts the server in between. */
			pthread_barrier_wait(w->phase);
			pthread_barrier_wait(w->phase);
		}
		for (i = 0; i < w->calls && w->cl != NULL; i++)
			echo_once(w, i);
	}
	return NULL;
}

/* Start n workers cloning `from`, wait for them. */
static void
workers_run(struct worker *w, int n, AUTH *from, int udp, int calls)
{
	pthread_t t[NTHREADS];
	int i;

	for (i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].id = i;
		w[i].port = port;
		w[i].udp = udp;
		w[i].from = from;
		w[i].calls = calls;
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker_run,
		    &w[i]), 0);
	}
	for (i = 0; i < n; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
}

/* Every call of every worker succeeded; the AUTHs are then destroyed. */
static void
workers_check(struct worker *w, int n, int want_ok, const char *label)
{
	int i, ok = 0, failed = 0;
	const char *why = NULL;

	for (i = 0; i < n; i++) {
		ok += w[i].ok;
		failed += w[i].failed;
		if (why == NULL && w[i].failed > 0)
			why = w[i].why;
	}
	ck_assert_msg(failed == 0 && ok == want_ok, "%s: %d ok, %d failed; "
	    "first: %s", label, ok, failed, why != NULL ? why : "-");
}

static void
workers_free(struct worker *w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (w[i].cl != NULL)
			e2e_secure_destroy(w[i].cl);
}

/* The AUTH's client, service and number of contexts. */
static void
auth_is(AUTH *a, const char *who, enum rpcauth_service service,
    uint32_t contexts, const char *label)
{
	struct rpcauth_auth_info info;

	ck_assert_int_eq(rpcauth_auth_info(a, &info), 0);
	ck_assert_msg(strcmp(info.client_principal, who) == 0,
	    "%s: client %s, not %s", label, info.client_principal, who);
	ck_assert_int_eq(info.service, service);
	ck_assert_msg(info.contexts == contexts, "%s: %u contexts, not %u",
	    label, (unsigned)info.contexts, (unsigned)contexts);
}

/* ---- the tests -------------------------------------------------------- */

/*
 * _i: bit 0 UDP, bit 1 privacy.  8 threads x 250 ECHO calls, each thread
 * with a clone of one AUTH; the application procedure ran exactly once
 * per call (STATS); each clone is alice at the original's service with
 * one context, and the original is untouched.
 */
START_TEST(pool_echo)
{
	enum rpcauth_service svc = (_i & 2) ? RPCAUTH_SVC_PRIVACY :
	    RPCAUTH_SVC_INTEGRITY;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct worker w[NTHREADS];
	char label[64];
	uint64_t before, after;
	CLIENT *orig;
	int i;

	snprintf(label, sizeof(label), "%s/%s", (_i & 1) ? "udp" : "tcp",
	    e2e_svcname(svc));
	orig = e2e_secure_clnt(port, _i & 1, svc, 0, &err);
	ck_assert_msg(orig != NULL, "handshake: %s", err.msg ? err.msg : "?");
	before = e2e_stats(port);
	ck_assert(before != UINT64_MAX);
	workers_run(w, NTHREADS, orig->cl_auth, _i & 1, NCALLS / NTHREADS);
	workers_check(w, NTHREADS, NCALLS, label);
	after = e2e_stats(port);
	ck_assert_msg(after - before == NCALLS, "%s: the server ran %llu "
	    "procedures for %d calls", label,
	    (unsigned long long)(after - before), NCALLS);
	for (i = 0; i < NTHREADS; i++)
		auth_is(w[i].cl->cl_auth, ALICE, svc, 1, label);
	auth_is(orig->cl_auth, ALICE, svc, 1, label);
	workers_free(w, NTHREADS);
	e2e_echo_check(orig, 100, label);
	e2e_secure_destroy(orig);
}
END_TEST

/* The demo server again on the same port (a restart): the --port given
 * last is the one the server takes. */
static void
server_restart(struct srvproc *p, int at)
{
	char portbuf[16];
	const char *const extra[] = { "--port", portbuf, NULL };
	int ignored;

	ck_assert_int_eq(srvproc_stop(p, 5000, NULL), 0);
	snprintf(portbuf, sizeof(portbuf), "%d", at);
	ck_assert_int_eq(e2e_server_start(p, &ignored,
	    testbed_server_keytab(bed), extra), 0);
}

/*
 * A server that restarts while 8 threads call over UDP forgets every
 * context: each AUTH makes exactly one new one (on the CREDPROBLEM of its
 * next call) and no call fails.
 */
START_TEST(restart_renews_each_once)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct worker w[NTHREADS];
	pthread_barrier_t phase;
	pthread_t t[NTHREADS];
	struct srvproc own;
	CLIENT *orig;
	int i, own_port, saved_port = port;

	ck_assert_int_eq(e2e_server_start(&own, &own_port,
	    testbed_server_keytab(bed), NULL), 0);
	port = own_port;
	orig = e2e_secure_clnt(port, 1, RPCAUTH_SVC_INTEGRITY, 0, &err);
	ck_assert_msg(orig != NULL, "handshake: %s", err.msg ? err.msg : "?");
	ck_assert_int_eq(pthread_barrier_init(&phase, NULL, NTHREADS + 1), 0);
	for (i = 0; i < NTHREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].id = i;
		w[i].port = port;
		w[i].udp = 1;
		w[i].from = orig->cl_auth;
		w[i].phase = &phase;
		w[i].calls = 100;
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker_run,
		    &w[i]), 0);
	}
	pthread_barrier_wait(&phase);
	server_restart(&own, own_port);
	pthread_barrier_wait(&phase);
	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	port = saved_port;
	workers_check(w, NTHREADS, NTHREADS * 200, "restart");
	for (i = 0; i < NTHREADS; i++)
		auth_is(w[i].cl->cl_auth, ALICE, RPCAUTH_SVC_INTEGRITY, 2,
		    "restart");
	/* The original made no call since: it renews on its next one. */
	auth_is(orig->cl_auth, ALICE, RPCAUTH_SVC_INTEGRITY, 1, "original");
	e2e_echo_check(orig, 10, "original after the restart");
	auth_is(orig->cl_auth, ALICE, RPCAUTH_SVC_INTEGRITY, 2, "original");
	workers_free(w, NTHREADS);
	e2e_secure_destroy(orig);
	pthread_barrier_destroy(&phase);
	e2e_server_stop(&own);
}
END_TEST

/* A thread whose GSS ccache name is bob's: clones alice's AUTH. */
struct as_bob {
	const char	*bob_cc;
	AUTH		*from;
	char		 clone_client[1024];	/* "" if the clone failed */
	char		 own_client[1024];	/* its own rpcauth_client_create */
	char		 err[2048];
};

static void
client_of(CLIENT *cl, char *out, size_t len)
{
	struct rpcauth_auth_info info;

	if (rpcauth_auth_info(cl->cl_auth, &info) == 0)
		snprintf(out, len, "%s", info.client_principal);
}

static void *
as_bob_run(void *p)
{
	struct as_bob *b = p;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	OM_uint32 min;
	CLIENT *cl;

	if (GSS_ERROR(gss_krb5_ccache_name(&min, b->bob_cc, NULL)))
		return NULL;
	if ((cl = e2e_clnt(port, 0)) != NULL) {
		if (rpcauth_client_clone(b->from, cl, &err) != NULL) {
			client_of(cl, b->clone_client,
			    sizeof(b->clone_client));
			e2e_secure_destroy(cl);
		} else {
			snprintf(b->err, sizeof(b->err), "%s",
			    err.msg != NULL ? err.msg : "?");
			clnt_destroy(cl);
		}
	}
	rpcauth_err_clear(&err);
	/* The control: this thread's own new AUTH is bob's. */
	if ((cl = e2e_secure_clnt(port, 0, RPCAUTH_SVC_INTEGRITY, 0,
	    &err)) != NULL) {
		client_of(cl, b->own_client, sizeof(b->own_client));
		e2e_secure_destroy(cl);
	}
	rpcauth_err_clear(&err);
	return NULL;
}

/*
 * One identity: a clone is made as the original's client whatever the
 * cloning thread's ccache names (here bob's).  MIT may get alice a new
 * ticket from the bed's client keytab, or refuse; never bob.
 */
START_TEST(clone_keeps_identity)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct as_bob b;
	char cc[1100];
	pthread_t t;
	CLIENT *orig;

	snprintf(cc, sizeof(cc), "FILE:%s/bob.ccache", testbed_dir(bed));
	ck_assert_int_eq(e2e_kinit(bed, "bob", cc, "bob"), 0);
	orig = e2e_secure_clnt(port, 0, RPCAUTH_SVC_INTEGRITY, 0, &err);
	ck_assert_msg(orig != NULL, "handshake: %s", err.msg ? err.msg : "?");
	memset(&b, 0, sizeof(b));
	b.bob_cc = cc;
	b.from = orig->cl_auth;
	ck_assert_int_eq(pthread_create(&t, NULL, as_bob_run, &b), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_msg(strcmp(b.own_client, "bob@" TESTBED_REALM) == 0,
	    "the thread's own AUTH is \"%s\", not bob's: the test proves "
	    "nothing", b.own_client);
	if (b.clone_client[0] != '\0')
		ck_assert_msg(strcmp(b.clone_client, ALICE) == 0,
		    "the clone of alice's AUTH is %s", b.clone_client);
	else
		ck_assert_msg(strstr(b.err, ALICE) != NULL, "the clone "
		    "failed without naming alice: %s", b.err);
	e2e_secure_destroy(orig);
}
END_TEST

/* Bad arguments: a message, nothing installed. */
START_TEST(clone_refuses_foreign)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	AUTH *none = authnone_create();
	CLIENT *cl = e2e_clnt(port, 0);

	ck_assert_ptr_nonnull(cl);
	ck_assert_ptr_null(rpcauth_client_clone(none, cl, &err));
	ck_assert_int_eq(err.code, RPCAUTH_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(err.msg, "rpcauth_client_create"));
	ck_assert_ptr_eq(cl->cl_auth->ah_ops, authnone_create()->ah_ops);
	rpcauth_err_clear(&err);
	ck_assert_ptr_null(rpcauth_client_clone(NULL, cl, NULL));
	clnt_destroy(cl);
}
END_TEST

static Suite *
threads_suite(void)
{
	Suite *s = suite_create("threads");

	CKLIST(cklist_tcase(s, "pool", 300), 4, pool_echo);
	CKLIST(cklist_tcase(s, "restart", 120), 1, restart_renews_each_once);
	CKLIST(cklist_tcase(s, "identity", 120), 1, clone_keeps_identity,
	    clone_refuses_foreign);
	return s;
}

int
main(void)
{
	return e2e_run(threads_suite(), NULL, NULL, &bed, &server, &port);
}
