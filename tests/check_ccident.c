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
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi_krb5.h>

#include "clnt_internal.h"
#include "demofs.h"
#include "e2e.h"
#include "udpproxy.h"
#include "krb5_crypto.h"
#include "krb5_token.h"
#include "client/termsafe.h"
#include "trace.h"
#include "cklist.h"

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

/*
 * What the copy costs (docs/PERFORMANCE.md, "Context setup"): a warm
 * handshake looks for ~/.k5identity in HOME and in the passwd entry's
 * home, but asks NSS for that entry once per copy, not per handshake.
 * The proof that MIT agrees (one gss_acquire_cred) stays: it reads the
 * ccache file, at most PROOF_OPENS times (inotify: only this process
 * opens the bed's ccache).  Passwd lookups are counted here, in front of
 * libc (the library's objects are linked in, their calls land here
 * first), since other processes read /etc/passwd too.
 */
#define WARM_SETUPS	6
#define PROOF_OPENS	4

static int pw_lookups;

typedef int (*pwuid_fn)(uid_t, struct passwd *, char *, size_t,
    struct passwd **);

int
getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
    struct passwd **res)
{
	static pwuid_fn f;

	__atomic_add_fetch(&pw_lookups, 1, __ATOMIC_RELAXED);
	if (f == NULL && (f = (pwuid_fn)dlsym(RTLD_NEXT, "getpwuid_r")) ==
	    NULL)
		abort();
	return f(uid, pw, buf, len, res);
}

static int
cc_opens(int fd, int wd)
{
	char buf[4096] __attribute__((aligned(8)));
	const struct inotify_event *ev;
	ssize_t n;
	char *p;
	int opens = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			if (ev->wd == wd && (ev->mask & IN_OPEN))
				opens++;
		}
	return opens;
}

START_TEST(warm_setup_io)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_client_opts o;
	CLIENT *cl;
	int fd, wd, i, pw = 0, cc;

	mirror_mode(0);
	ck_assert_int_ge(fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), 0);
	ck_assert_int_ge(wd = inotify_add_watch(fd, testbed_ccache(bed),
	    IN_OPEN), 0);
	for (i = 0; i <= WARM_SETUPS; i++) {
		if (i == 1) {	/* the first made the copy: count from here */
			(void)cc_opens(fd, wd);
			pw = __atomic_load_n(&pw_lookups, __ATOMIC_RELAXED);
		}
		ck_assert_ptr_nonnull(cl = e2e_clnt(port, 0));
		rpcauth_client_opts_init(&o);
		ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", &o,
		    &err) != NULL, "setup %d: %s", i, err.msg);
		e2e_secure_destroy(cl);
	}
	pw = __atomic_load_n(&pw_lookups, __ATOMIC_RELAXED) - pw;
	cc = cc_opens(fd, wd);
	close(fd);
	ck_assert_int_eq(copy_uses(), WARM_SETUPS + 1);
	ck_assert_msg(pw == 0, "%d warm handshakes looked the passwd entry "
	    "up %d times: once per copy is enough", WARM_SETUPS, pw);
	ck_assert_msg(cc <= PROOF_OPENS * WARM_SETUPS, "%d warm handshakes "
	    "opened the ccache file %d times", WARM_SETUPS, cc);
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


/*
 * A renewal must not change who the AUTH is.  An AUTH made as alice; a
 * thread whose GSS ccache name is bob's uses it at the moment a forged
 * CREDPROBLEM (the UDP proxy) forces a new context: the new context
 * would be bob's, so it is refused, the call fails with a message that
 * says so, and the AUTH stays alice's for every thread.
 */
struct drift {
	CLIENT	*cl;
	char	 who[256], info[256], why[1024];
	unsigned ctx;
};

static void *
drift_thread(void *p)
{
	struct drift *d = p;
	struct rpcauth_auth_info info;
	demo_whoami *res;
	const char *e;
	OM_uint32 min;

	if (GSS_ERROR(gss_krb5_ccache_name(&min, bob_cc, NULL)))
		return NULL;
	if ((res = demofs_whoami_1(NULL, d->cl)) != NULL) {
		snprintf(d->who, sizeof(d->who), "%s", res->principal);
		xdr_free((xdrproc_t)xdr_demo_whoami, (char *)res);
	} else {
		e = rpcauth_auth_error(d->cl->cl_auth);
		snprintf(d->why, sizeof(d->why), "%s",
		    e != NULL ? e : clnt_sperror(d->cl, "whoami"));
	}
	if (rpcauth_auth_info(d->cl->cl_auth, &info) == 0) {
		snprintf(d->info, sizeof(d->info), "%s",
		    info.client_principal);
		d->ctx = info.contexts;
	}
	return NULL;
}

static void
drift_run(struct drift *d, CLIENT *cl)
{
	pthread_t t;

	memset(d, 0, sizeof(*d));
	d->cl = cl;
	ck_assert_int_eq(pthread_create(&t, NULL, drift_thread, d), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
}

START_TEST(renewal_keeps_identity)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_client_opts o;
	struct rpcauth_auth_info info;
	struct proxy px;
	struct drift d;
	demo_whoami *res;
	CLIENT *cl;

	px_start(&px, port);
	cl = e2e_clnt(px.port, 1);
	ck_assert_ptr_nonnull(cl);
	rpcauth_client_opts_init(&o);
	ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", &o, &err)
	    != NULL, "handshake: %s", err.msg ? err.msg : "?");
	res = demofs_whoami_1(NULL, cl);
	ck_assert_ptr_nonnull(res);
	ck_assert_str_eq(res->principal, "alice@RPCAUTH.TEST");
	xdr_free((xdrproc_t)xdr_demo_whoami, (char *)res);
	/* Bob's thread, no renewal: the context is alice's. */
	drift_run(&d, cl);
	ck_assert_str_eq(d.who, "alice@RPCAUTH.TEST");
	/* Bob's thread when a forged rejection forces a new context: its
	 * credentials are acquired for alice only, so no handshake starts
	 * (the proxy sees no control call) and bob never authenticates. */
	px_set(&px, PX_FORGE_ONCE);
	drift_run(&d, cl);
	ck_assert_msg(d.who[0] == '\0', "after one forged CREDPROBLEM in a "
	    "thread named for bob the server saw %s", d.who);
	ck_assert_msg(strstr(d.why, "refusing to make its new context as "
	    "anyone else") != NULL && strstr(d.why, "alice@RPCAUTH.TEST") !=
	    NULL, "error: %s", d.why);
	ck_assert_msg(px_get(&px).ctl == 0, "%u control calls (a handshake "
	    "as bob started)", px_get(&px).ctl);
	ck_assert_str_eq(d.info, "alice@RPCAUTH.TEST");
	ck_assert_uint_eq(d.ctx, 1);
	/* Every thread still calls as alice on the old context. */
	res = demofs_whoami_1(NULL, cl);
	ck_assert_ptr_nonnull(res);
	ck_assert_str_eq(res->principal, "alice@RPCAUTH.TEST");
	xdr_free((xdrproc_t)xdr_demo_whoami, (char *)res);
	ck_assert_int_eq(rpcauth_auth_info(cl->cl_auth, &info), 0);
	ck_assert_str_eq(info.client_principal, "alice@RPCAUTH.TEST");
	e2e_secure_destroy(cl);
	px_stop(&px);
}
END_TEST

/* ---- 12: environment, fork, terminal ----------------------------------- */

/*
 * The confounder pool is per context: after fork() the child must not
 * seal with the confounders the parent still has.  Same key, same
 * sequence number, same message: the tokens differ only by confounder.
 */
START_TEST(confounder_after_fork)
{
	static const char msg[] = "the same message on both sides";
	uint8_t key[32], ptok[256], ctok[256];
	struct k5ctx *c;
	size_t len;
	int pfd[2], status;
	pid_t pid;

	memset(key, 0x5a, sizeof(key));
	c = k5ctx_new(1, 0, K5_AES256_CTS_HMAC_SHA1_96, key, sizeof(key), 0);
	ck_assert_ptr_nonnull(c);
	len = k5tok_wrap_len(c, sizeof(msg));
	ck_assert(len > 0 && len <= sizeof(ptok));
	/* A privacy call before the fork fills the pool. */
	ck_assert_uint_eq(k5tok_wrap(c, msg, sizeof(msg), ptok),
	    GSS_S_COMPLETE);
	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0) {
		close(pfd[0]);
		if (k5tok_wrap(c, msg, sizeof(msg), ctok) != GSS_S_COMPLETE ||
		    write(pfd[1], ctok, len) != (ssize_t)len)
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], ctok, len), (ssize_t)len);
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_uint_eq(k5tok_wrap(c, msg, sizeof(msg), ptok),
	    GSS_S_COMPLETE);
	/* Same header (sequence number 1 on both sides)... */
	ck_assert_int_eq(memcmp(ptok, ctok, 16), 0);
	/* ...but not the same confounder, so not the same ciphertext. */
	ck_assert_msg(memcmp(ptok + 16, ctok + 16, len - 16) != 0,
	    "parent and child sealed with the same confounder after fork()");
	k5ctx_free(c);
}
END_TEST

/* What the probe (this program, re-run) prints; see main(). */
static int
secure_probe(void)
{
	printf("secure=%lu trace=%d\n", getauxval(AT_SECURE),
	    trace_enabled());
	return 0;
}

/* Run `exe` --secure-probe with RPCAUTH_TRACE=1 as uid `uid`; its output. */
static void
probe_as(const char *exe, uid_t uid, char *out, size_t outlen)
{
	int pfd[2], status;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0) {
		close(pfd[0]);
		if (dup2(pfd[1], STDOUT_FILENO) < 0 ||
		    setenv("RPCAUTH_TRACE", "1", 1) != 0 ||
		    (uid != 0 && (setgid(uid) != 0 || setuid(uid) != 0)))
			_exit(1);
		execl(exe, exe, "--secure-probe", (char *)NULL);
		_exit(1);
	}
	close(pfd[1]);
	while (got + 1 < outlen &&
	    (n = read(pfd[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "probe as uid %d failed", (int)uid);
}

/*
 * A setuid program (AT_SECURE) must not take RPCAUTH_* from the user who
 * runs it: a copy of this program, setuid root, run by nobody, with
 * RPCAUTH_TRACE=1, has no trace; run plainly, it has.
 */
START_TEST(setuid_ignores_env)
{
	char dir[] = "/tmp/ccident-XXXXXX", exe[64], out[256], buf[65536];
	int in, outfd;
	ssize_t n;

	if (geteuid() != 0) {
		fprintf(stderr, "setuid_ignores_env: not root, skipped\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(exe, sizeof(exe), "%s/probe", dir);
	ck_assert_int_ge(in = open("/proc/self/exe", O_RDONLY), 0);
	ck_assert_int_ge(outfd = open(exe, O_WRONLY | O_CREAT | O_EXCL, 0700),
	    0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(outfd, buf, (size_t)n), n);
	close(in);
	close(outfd);
	probe_as(exe, 0, out, sizeof(out));
	ck_assert_str_eq(out, "secure=0 trace=1\n");
	ck_assert_int_eq(chmod(exe, 04755), 0);
	probe_as(exe, 65534, out, sizeof(out));
	unlink(exe);
	rmdir(dir);
	ck_assert_str_eq(out, "secure=1 trace=0\n");
}
END_TEST

/* No library file reads the environment with plain getenv(). */
START_TEST(no_plain_getenv)
{
	const char *srcdir = getenv("srcdir");
	char path[2048], text[200000];
	struct dirent *e;
	size_t len;
	DIR *d;
	FILE *f;
	char *p;

	snprintf(path, sizeof(path), "%s/../rpcauth",
	    srcdir != NULL ? srcdir : ".");
	ck_assert_msg((d = opendir(path)) != NULL, "%s", path);
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/../rpcauth/%s",
		    srcdir != NULL ? srcdir : ".", e->d_name);
		ck_assert_ptr_nonnull(f = fopen(path, "r"));
		len = fread(text, 1, sizeof(text) - 1, f);
		text[len] = '\0';
		fclose(f);
		for (p = text; (p = strstr(p, "getenv(")) != NULL; p++)
			ck_assert_msg(p - text >= 7 &&
			    strncmp(p - 7, "secure_", 7) == 0,
			    "rpcauth/%s reads the environment with getenv()",
			    e->d_name);
	}
	closedir(d);
}
END_TEST

START_TEST(termsafe_unit)
{
	static const char in[] = "a\x1b[2J\r\n\t\\\x7f\x9b\xc3\xa9z";
	char out[128], small[8];
	size_t need;

	need = termsafe_escape(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_str_eq(out,
	    "a\\x1b[2J\\r\\n\\t\\\\\\x7f\\x9b\\xc3\\xa9z");
	ck_assert_uint_eq(need, strlen(out));
	/* Cut at a whole escape, never in the middle of one. */
	termsafe_escape(small, sizeof(small), in, sizeof(in) - 1);
	ck_assert_str_eq(small, "a\\x1b[2");
	termsafe_escape(small, 4, in, sizeof(in) - 1);
	ck_assert_str_eq(small, "a");
	ck_assert_uint_eq(termsafe_escape(NULL, 0, "ok", 2), 2);
}
END_TEST

/* Run the demo client with args; its stdout and stderr. */
static void
demo_client(const char *const *args, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char portbuf[16];
	const char *argv[16];
	int st;

	snprintf(portbuf, sizeof(portbuf), "%d", port);
	e2e_client_argv(argv, 16, portbuf, args);
	ck_assert_int_eq(srvproc_run((char *const *)argv, out, outlen, err,
	    errlen, 30000, &st), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", err);
}

/* The server echoes a screen clear and a carriage return: escaped. */
START_TEST(demo_client_escapes)
{
	static const char *const echo[] = { "echo", "\x1b[2J\rpwned", NULL };
	static const char *const plain[] = { "echo", "hello there", NULL };
	char out[1024], err[1024];

	demo_client(echo, out, sizeof(out), err, sizeof(err));
	ck_assert_str_eq(out, "\\x1b[2J\\rpwned\n");
	demo_client(plain, out, sizeof(out), err, sizeof(err));
	ck_assert_str_eq(out, "hello there\n");
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
	TCase *tc = cklist_tcase(s, "identity", 120);

	CKLIST(tc, 2, thread_ccache_name, thread_dir_collection,
	    env_dir_collection, opts_ccache, k5identity);
	CKLIST(tc, 1, thread_names_default, renewal_keeps_identity,
	    warm_setup_io);
	CKLIST(cklist_tcase(s, "auth_info", 180), 1, auth_info_during_renewals);
	CKLIST(cklist_tcase(s, "client_part", 120), 1, confounder_after_fork,
	    setuid_ignores_env, no_plain_getenv, termsafe_unit,
	    demo_client_escapes);
	return s;
}

static int
setup(void)
{
	return bob_setup() != 0 || e2e_server_start(&server, &port,
	    testbed_server_keytab(bed), NULL) != 0 ? -1 : 0;
}

static int
teardown(void)
{
	e2e_server_stop(&server);
	return 0;
}

int
main(int argc, char **argv)
{
	/* setuid_ignores_env runs a copy of this program as its probe. */
	if (argc == 2 && strcmp(argv[1], "--secure-probe") == 0)
		return secure_probe();
	return e2e_main(ccident_suite(), NULL, &bed, setup, teardown);
}
