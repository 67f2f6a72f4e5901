/* tests/check_testbed.c - the KDC test bed works and leaves nothing behind */
/*
 * One shared bed is started in main() before the runner forks each test
 * and stopped after; tests that need other options start their own bed
 * inside the test.  Check's fork mode runs each test in a child that
 * shares the guardian's socket with main(), which is what the guardian
 * design has to survive.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>

#include "srvproc.h"
#include "testbed.h"
#include "cklist.h"
#include "e2e.h"

#define MAX_LEGS	8	/* krb5 with mutual auth needs 3 */
#define SLACK_S		5

static struct testbed *shared;

/* The outcome of one init/accept exchange; contexts owned by the caller. */
struct exchange {
	OM_uint32	 init_major;
	OM_uint32	 accept_major;
	OM_uint32	 accept_minor;
	OM_uint32	 init_flags;
	OM_uint32	 accept_flags;
	gss_ctx_id_t	 ictx;
	gss_ctx_id_t	 actx;
	char		 src[256];	/* acceptor's view of the initiator */
	char		 why[1024];	/* gss_display_status of a failure */
};

static void
status_append(char *buf, size_t len, OM_uint32 code, int type)
{
	OM_uint32 minor, msgctx = 0;
	gss_buffer_desc msg;
	size_t used;

	do {
		if (GSS_ERROR(gss_display_status(&minor, code, type,
		    gss_mech_krb5, &msgctx, &msg)))
			return;
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%.*s", used > 0 ? "; " : "",
		    (int)msg.length, (const char *)msg.value);
		(void)gss_release_buffer(&minor, &msg);
	} while (msgctx != 0);
}

static void
status_text(OM_uint32 major, OM_uint32 minor, char *buf, size_t len)
{
	buf[0] = '\0';
	status_append(buf, len, major, GSS_C_GSS_CODE);
	if (minor != 0)
		status_append(buf, len, minor, GSS_C_MECH_CODE);
}

/* The acceptor credential: any key in `ktpath`, nothing from the defaults. */
static OM_uint32
acceptor_cred(krb5_context kctx, const char *ktpath, krb5_keytab *kt_out,
    gss_cred_id_t *cred_out)
{
	OM_uint32 major, minor;
	char name[1024];

	*kt_out = NULL;
	*cred_out = GSS_C_NO_CREDENTIAL;
	snprintf(name, sizeof(name), "FILE:%s", ktpath);
	if (krb5_kt_resolve(kctx, name, kt_out) != 0)
		return GSS_S_FAILURE;
	major = gss_krb5_import_cred(&minor, NULL, NULL, *kt_out, cred_out);
	return major;
}

/*
 * Run gss_init_sec_context (default ccache) against gss_accept_sec_context
 * (keys from ktpath) for the host-based `service` until both complete or
 * one fails.
 */
static void
exchange_run(const char *service, const char *ktpath, struct exchange *x)
{
	gss_buffer_desc namebuf, itok = GSS_C_EMPTY_BUFFER;
	gss_buffer_desc atok = GSS_C_EMPTY_BUFFER, srcbuf;
	gss_name_t target = GSS_C_NO_NAME, src = GSS_C_NO_NAME;
	gss_cred_id_t acred = GSS_C_NO_CREDENTIAL;
	krb5_context kctx = NULL;
	krb5_keytab kt = NULL;
	OM_uint32 major, minor;
	int leg;

	memset(x, 0, sizeof(*x));
	x->ictx = x->actx = GSS_C_NO_CONTEXT;
	x->init_major = x->accept_major = GSS_S_CONTINUE_NEEDED;
	ck_assert_int_eq(krb5_init_context(&kctx), 0);
	major = acceptor_cred(kctx, ktpath, &kt, &acred);
	ck_assert_msg(major == GSS_S_COMPLETE, "import_cred %s: %u", ktpath,
	    (unsigned)major);
	namebuf.value = (void *)service;
	namebuf.length = strlen(service);
	major = gss_import_name(&minor, &namebuf, GSS_C_NT_HOSTBASED_SERVICE,
	    &target);
	ck_assert_msg(major == GSS_S_COMPLETE, "import_name %s", service);
	for (leg = 0; leg < MAX_LEGS; leg++) {
		if (x->init_major == GSS_S_CONTINUE_NEEDED) {
			x->init_major = gss_init_sec_context(&minor,
			    GSS_C_NO_CREDENTIAL, &x->ictx, target,
			    gss_mech_krb5, GSS_C_MUTUAL_FLAG |
			    GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG, 0, NULL,
			    &atok, NULL, &itok, &x->init_flags, NULL);
			(void)gss_release_buffer(&major, &atok);
			if (GSS_ERROR(x->init_major)) {
				status_text(x->init_major, minor, x->why,
				    sizeof(x->why));
				break;
			}
		}
		if (itok.length > 0) {
			x->accept_major = gss_accept_sec_context(
			    &x->accept_minor, &x->actx, acred, &itok,
			    GSS_C_NO_CHANNEL_BINDINGS, &src, NULL, &atok,
			    &x->accept_flags, NULL, NULL);
			(void)gss_release_buffer(&major, &itok);
			if (GSS_ERROR(x->accept_major)) {
				status_text(x->accept_major, x->accept_minor,
				    x->why, sizeof(x->why));
				break;
			}
		}
		if (x->init_major == GSS_S_COMPLETE &&
		    x->accept_major == GSS_S_COMPLETE)
			break;
	}
	if (src != GSS_C_NO_NAME &&
	    gss_display_name(&minor, src, &srcbuf, NULL) == GSS_S_COMPLETE) {
		snprintf(x->src, sizeof(x->src), "%.*s", (int)srcbuf.length,
		    (const char *)srcbuf.value);
		(void)gss_release_buffer(&minor, &srcbuf);
	}
	(void)gss_release_buffer(&minor, &itok);
	(void)gss_release_buffer(&minor, &atok);
	(void)gss_release_name(&minor, &src);
	(void)gss_release_name(&minor, &target);
	(void)gss_release_cred(&minor, &acred);
	(void)krb5_kt_close(kctx, kt);
	krb5_free_context(kctx);
}

static void
exchange_free(struct exchange *x)
{
	OM_uint32 minor;

	(void)gss_delete_sec_context(&minor, &x->ictx, GSS_C_NO_BUFFER);
	(void)gss_delete_sec_context(&minor, &x->actx, GSS_C_NO_BUFFER);
}

static struct testbed *
bed_start(const struct testbed_opts *opts)
{
	struct testbed *tb = NULL;
	char err[1024];

	ck_assert_msg(testbed_start(opts, &tb, err, sizeof(err)) == 0,
	    "testbed_start: %s", err);
	return tb;
}

static bool
path_gone(const char *path)
{
	struct stat st;

	return stat(path, &st) != 0 && errno == ENOENT;
}

static bool
pid_gone(pid_t pid)
{
	return kill(pid, 0) != 0 && errno == ESRCH;
}

/* Latest end time of any ticket in the bed's ccache. */
static krb5_timestamp
ccache_end(const struct testbed *tb, int *count_out)
{
	krb5_context kctx = NULL;
	krb5_ccache cc = NULL;
	krb5_cc_cursor cur;
	krb5_creds creds;
	krb5_timestamp end = 0;

	*count_out = 0;
	ck_assert_int_eq(krb5_init_context(&kctx), 0);
	ck_assert_int_eq(krb5_cc_resolve(kctx, testbed_ccache_name(tb), &cc),
	    0);
	ck_assert_int_eq(krb5_cc_start_seq_get(kctx, cc, &cur), 0);
	while (krb5_cc_next_cred(kctx, cc, &cur, &creds) == 0) {
		/* Skip the config entries MIT keeps in the cache. */
		if (!krb5_is_config_principal(kctx, creds.server)) {
			if (creds.times.endtime > end)
				end = creds.times.endtime;
			(*count_out)++;
		}
		krb5_free_cred_contents(kctx, &creds);
	}
	(void)krb5_cc_end_seq_get(kctx, cc, &cur);
	(void)krb5_cc_close(kctx, cc);
	krb5_free_context(kctx);
	return end;
}

START_TEST(gss_loop_with_bed_files)
{
	static const char msg[] = "rpcauth test bed: sealed both ways";
	gss_buffer_desc in, wrapped, out;
	struct exchange x;
	OM_uint32 major, minor;
	int conf = 0;

	exchange_run(testbed_service(shared), testbed_server_keytab(shared),
	    &x);
	ck_assert_msg(x.init_major == GSS_S_COMPLETE &&
	    x.accept_major == GSS_S_COMPLETE, "init %u accept %u: %s",
	    (unsigned)x.init_major, (unsigned)x.accept_major, x.why);
	ck_assert_msg(x.init_flags & GSS_C_MUTUAL_FLAG, "initiator flags %#x",
	    (unsigned)x.init_flags);
	ck_assert_msg(x.accept_flags & GSS_C_MUTUAL_FLAG, "acceptor flags %#x",
	    (unsigned)x.accept_flags);
	ck_assert_str_eq(x.src, testbed_user_principal(shared));
	ck_assert_str_eq(x.src, "alice@RPCAUTH.TEST");

	/* Sealed initiator -> acceptor: only matching keys unwrap it. */
	in.value = (void *)msg;
	in.length = sizeof(msg);
	major = gss_wrap(&minor, x.ictx, 1, GSS_C_QOP_DEFAULT, &in, &conf,
	    &wrapped);
	ck_assert_int_eq(major, GSS_S_COMPLETE);
	ck_assert_int_eq(conf, 1);
	ck_assert_ptr_null(memmem(wrapped.value, wrapped.length, msg,
	    sizeof(msg) - 1));
	conf = 0;
	major = gss_unwrap(&minor, x.actx, &wrapped, &out, &conf, NULL);
	ck_assert_int_eq(major, GSS_S_COMPLETE);
	ck_assert_int_eq(conf, 1);
	ck_assert_uint_eq(out.length, sizeof(msg));
	ck_assert_mem_eq(out.value, msg, sizeof(msg));
	(void)gss_release_buffer(&minor, &wrapped);
	(void)gss_release_buffer(&minor, &out);
	exchange_free(&x);
}
END_TEST

START_TEST(wrong_key_keytab_is_refused)
{
	struct testbed_opts opts = { .wrong_key_keytab = true };
	struct testbed *tb = bed_start(&opts);
	struct exchange x;

	ck_assert_ptr_nonnull(testbed_wrong_keytab(tb));
	exchange_run(testbed_service(tb), testbed_wrong_keytab(tb), &x);
	/* The initiator got its ticket; the acceptor found a key of the
	 * right kvno and enctype, and decryption failed. */
	ck_assert_uint_eq(x.init_major, GSS_S_CONTINUE_NEEDED);
	ck_assert_msg(x.accept_major == GSS_S_FAILURE, "accept %#x: %s",
	    (unsigned)x.accept_major, x.why);
	ck_assert_msg(x.accept_minor == (OM_uint32)KRB5KRB_AP_ERR_BAD_INTEGRITY,
	    "minor %u: %s", (unsigned)x.accept_minor, x.why);
	ck_assert_msg(strlen(x.why) > 0, "no gss_display_status text");
	exchange_free(&x);

	/* Same bed, the real keys: the failure above was the key alone. */
	exchange_run(testbed_service(tb), testbed_server_keytab(tb), &x);
	ck_assert_msg(x.accept_major == GSS_S_COMPLETE, "real keytab: %s",
	    x.why);
	exchange_free(&x);
	testbed_stop(tb);
}
END_TEST

START_TEST(stop_removes_everything)
{
	struct testbed *tb = bed_start(NULL);
	char *dir;
	pid_t kdc;

	dir = strdup(testbed_dir(tb));
	ck_assert_ptr_nonnull(dir);
	kdc = testbed_kdc_pid(tb);
	ck_assert_int_gt(kdc, 0);
	ck_assert_msg(!pid_gone(kdc) && !path_gone(dir), "bed not up");
	ck_assert_msg(!path_gone(testbed_ccache(tb)), "no ccache");
	testbed_stop(tb);
	ck_assert_msg(pid_gone(kdc), "KDC %d still there", (int)kdc);
	ck_assert_msg(path_gone(dir), "%s still there", dir);
	/* The environment went back to the shared bed's. */
	ck_assert_str_eq(getenv("KRB5_CONFIG"), testbed_krb5_conf(shared));
	free(dir);
}
END_TEST

/* What the process that checks a dead bed learned. */
struct orphan_report {
	int	started;
	pid_t	kdc;
	int	child_status;
	int	dir_gone;
	int	kdc_gone;
	int	all_reaped;	/* no process of the bed left at all */
	long	ms;
	char	dir[512];
	char	err[512];
};

/* The doomed process: start a bed, report it, die without stopping it. */
static void __attribute__((noreturn))
orphan_child(int fd, bool sigkill)
{
	struct orphan_report r;
	struct testbed *tb = NULL;

	memset(&r, 0, sizeof(r));
	if (testbed_start(NULL, &tb, r.err, sizeof(r.err)) == 0) {
		r.started = 1;
		r.kdc = testbed_kdc_pid(tb);
		snprintf(r.dir, sizeof(r.dir), "%s", testbed_dir(tb));
	}
	(void)srvproc_write_all(fd, &r, sizeof(r));
	if (sigkill)
		raise(SIGKILL);
	_exit(0);
}

/*
 * A subreaper between the test and the doomed process, so that the KDC
 * and guardian, orphaned, become its children and can be reaped: a zombie
 * still answers kill(pid, 0), and PID 1 in a container may never reap.
 */
static void __attribute__((noreturn))
orphan_watcher(int fd, bool sigkill)
{
	struct orphan_report r;
	struct timespec t0, t1;
	int p[2];
	pid_t child, w;

	memset(&r, 0, sizeof(r));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0 || pipe(p) != 0 ||
	    (child = fork()) < 0) {
		snprintf(r.err, sizeof(r.err), "setup: %s", strerror(errno));
		goto out;
	}
	if (child == 0) {
		(void)close(p[0]);
		orphan_child(p[1], sigkill);
	}
	(void)close(p[1]);
	if (srvproc_read_all(p[0], &r, sizeof(r)) != 0)
		snprintf(r.err, sizeof(r.err), "no report from the child");
	(void)waitpid(child, &r.child_status, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		while ((w = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		r.all_reaped = w < 0 && errno == ECHILD;
		r.dir_gone = r.dir[0] != '\0' && path_gone(r.dir);
		r.kdc_gone = r.kdc > 0 && pid_gone(r.kdc);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		r.ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if ((r.dir_gone && r.kdc_gone && r.all_reaped) || r.ms > 5000)
			break;
		usleep(20000);
	}
out:
	(void)srvproc_write_all(fd, &r, sizeof(r));
	_exit(0);
}

static void
orphan_case(bool sigkill)
{
	struct orphan_report r;
	int p[2], status = 0;
	pid_t watcher;

	ck_assert_int_eq(pipe(p), 0);
	watcher = fork();
	ck_assert_int_ge(watcher, 0);
	if (watcher == 0) {
		(void)close(p[0]);
		orphan_watcher(p[1], sigkill);
	}
	(void)close(p[1]);
	ck_assert_int_eq(srvproc_read_all(p[0], &r, sizeof(r)), 0);
	(void)close(p[0]);
	ck_assert_int_eq(waitpid(watcher, &status, 0), watcher);
	ck_assert_msg(r.started, "testbed_start in the child: %s", r.err);
	if (sigkill)
		ck_assert_msg(WIFSIGNALED(r.child_status) &&
		    WTERMSIG(r.child_status) == SIGKILL, "child status %#x",
		    (unsigned)r.child_status);
	else
		ck_assert_msg(WIFEXITED(r.child_status) &&
		    WEXITSTATUS(r.child_status) == 0, "child status %#x",
		    (unsigned)r.child_status);
	ck_assert_msg(r.dir_gone, "%s still there after %ld ms", r.dir, r.ms);
	ck_assert_msg(r.kdc_gone, "KDC %d still there after %ld ms",
	    (int)r.kdc, r.ms);
	ck_assert_msg(r.all_reaped, "bed processes left after %ld ms", r.ms);
	ck_assert_msg(path_gone(r.dir), "%s", r.dir);
	ck_assert_msg(pid_gone(r.kdc), "KDC %d", (int)r.kdc);
}

START_TEST(exit_without_stop_cleans_up)
{
	orphan_case(false);
}
END_TEST

START_TEST(sigkill_without_stop_cleans_up)
{
	orphan_case(true);
}
END_TEST

/* A forked child that ends must not trigger the shared bed's cleanup. */
START_TEST(forked_child_does_not_clean_up)
{
	struct testbed *copy = shared;
	pid_t pid;
	int status = 0;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		testbed_stop(copy);	/* a child's stop only frees its copy */
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	usleep(200000);
	ck_assert_msg(!path_gone(testbed_dir(shared)), "shared bed removed");
	ck_assert_msg(!pid_gone(testbed_kdc_pid(shared)), "shared KDC gone");
}
END_TEST

START_TEST(short_lifetime)
{
	struct testbed_opts opts = { .ticket_lifetime_s = 60 };
	struct testbed *tb;
	krb5_timestamp end;
	time_t now;
	int n;

	/* The default bed: about ten hours. */
	now = time(NULL);
	end = ccache_end(shared, &n);
	ck_assert_int_ge(n, 1);
	ck_assert_msg((long)end - (long)now > 9 * 3600, "default end in %ld s",
	    (long)end - (long)now);

	tb = bed_start(&opts);
	now = time(NULL);
	end = ccache_end(tb, &n);
	ck_assert_int_ge(n, 1);
	ck_assert_msg((long)end > (long)now, "ticket already expired");
	ck_assert_msg((long)end <= (long)now + 60 + SLACK_S,
	    "end in %ld s, wanted <= 60", (long)end - (long)now);
	testbed_stop(tb);
}
END_TEST

START_TEST(ntlm_user_file)
{
	struct testbed_opts opts = { .ntlm_user_file = true };
	struct testbed *tb;
	const char *file, *pw, *env;
	char line[256], want[256];
	FILE *f;
	bool found = false;

	ck_assert_ptr_null(testbed_ntlm_user_file(shared));
	tb = bed_start(&opts);
	file = testbed_ntlm_user_file(tb);
	pw = testbed_ntlm_password(tb);
	ck_assert_ptr_nonnull(file);
	ck_assert_ptr_nonnull(pw);
	ck_assert_uint_ge(strlen(pw), 16);
	env = getenv("NTLM_USER_FILE");
	ck_assert_ptr_nonnull(env);
	ck_assert_str_eq(env, file);
	ck_assert_msg(strncmp(file, testbed_dir(tb), strlen(testbed_dir(tb)))
	    == 0, "%s outside the bed", file);
	snprintf(want, sizeof(want), "RPCAUTH:alice:%s\n", pw);
	f = fopen(file, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strcmp(line, want) == 0)
			found = true;
	(void)fclose(f);
	ck_assert_msg(found, "no RPCAUTH:alice line in %s", file);
	testbed_stop(tb);
	/* Put back as it was: unset. */
	ck_assert_ptr_null(getenv("NTLM_USER_FILE"));
}
END_TEST

START_TEST(extra_and_added_principals)
{
	static const char *const extra[] = { "other/localhost", NULL };
	struct testbed_opts opts = { .extra_principals = extra };
	struct testbed *tb = bed_start(&opts);
	struct exchange x;
	char kt[1024];

	exchange_run("other@localhost", testbed_server_keytab(tb), &x);
	ck_assert_msg(x.accept_major == GSS_S_COMPLETE, "other: %s", x.why);
	exchange_free(&x);

	snprintf(kt, sizeof(kt), "%s/third.keytab", testbed_dir(tb));
	ck_assert_msg(testbed_add_principal(tb, "third/localhost", kt) == 0,
	    "%s", testbed_errmsg(tb));
	exchange_run("third@localhost", kt, &x);
	ck_assert_msg(x.accept_major == GSS_S_COMPLETE, "third: %s", x.why);
	exchange_free(&x);
	/* Its key went to third.keytab only. */
	exchange_run("third@localhost", testbed_server_keytab(tb), &x);
	ck_assert_msg(GSS_ERROR(x.accept_major), "third accepted from "
	    "server.keytab");
	exchange_free(&x);
	ck_assert_int_ne(testbed_add_principal(tb, "bad name", NULL), 0);
	ck_assert_uint_gt(strlen(testbed_errmsg(tb)), 0);
	/* ktadd fails with exit status 0 here; the bed must notice. */
	ck_assert_int_ne(testbed_add_principal(tb, "fourth/localhost",
	    "/nonexistent/fourth.keytab"), 0);
	ck_assert_msg(strstr(testbed_errmsg(tb), "fourth/localhost") != NULL,
	    "%s", testbed_errmsg(tb));
	testbed_stop(tb);
}
END_TEST

/* The session key enctype of alice's ticket for `server` in the ccache. */
static krb5_enctype
ticket_enctype(const char *server)
{
	krb5_context ctx = NULL;
	krb5_ccache cc = NULL;
	krb5_creds mcreds, creds;
	krb5_enctype et = 0;

	memset(&mcreds, 0, sizeof(mcreds));
	ck_assert_int_eq(krb5_init_context(&ctx), 0);
	ck_assert_int_eq(krb5_cc_default(ctx, &cc), 0);
	ck_assert_int_eq(krb5_cc_get_principal(ctx, cc, &mcreds.client), 0);
	ck_assert_int_eq(krb5_parse_name(ctx, server, &mcreds.server), 0);
	if (krb5_cc_retrieve_cred(ctx, cc, 0, &mcreds, &creds) == 0) {
		et = creds.keyblock.enctype;
		krb5_free_cred_contents(ctx, &creds);
	}
	krb5_free_principal(ctx, mcreds.client);
	krb5_free_principal(ctx, mcreds.server);
	krb5_cc_close(ctx, cc);
	krb5_free_context(ctx);
	return et;
}

START_TEST(session_enctypes)
{
	static const char *const extra[] = { "sha384/localhost", NULL };
	struct testbed_opts opts = { .extra_principals = extra };
	struct testbed *tb = bed_start(&opts);
	struct exchange x;

	ck_assert_msg(testbed_set_session_enctypes(tb, "sha384/localhost",
	    "aes256-cts-hmac-sha384-192") == 0, "%s", testbed_errmsg(tb));
	exchange_run("sha384@localhost", testbed_server_keytab(tb), &x);
	ck_assert_msg(x.accept_major == GSS_S_COMPLETE, "sha384: %s", x.why);
	exchange_free(&x);
	ck_assert_int_eq(ticket_enctype("sha384/localhost@" TESTBED_REALM),
	    ENCTYPE_AES256_CTS_HMAC_SHA384_192);
	/* The others keep the KDC's default choice. */
	exchange_run("demo@localhost", testbed_server_keytab(tb), &x);
	ck_assert_msg(x.accept_major == GSS_S_COMPLETE, "demo: %s", x.why);
	exchange_free(&x);
	ck_assert_int_eq(ticket_enctype("demo/localhost@" TESTBED_REALM),
	    ENCTYPE_AES256_CTS_HMAC_SHA1_96);
	ck_assert_int_ne(testbed_set_session_enctypes(tb, "bad name",
	    "aes256-cts-hmac-sha1-96"), 0);
	ck_assert_int_ne(testbed_set_session_enctypes(tb, "sha384/localhost",
	    "aes256-cts-hmac-sha384-192 des"), 0);
	ck_assert_uint_gt(strlen(testbed_errmsg(tb)), 0);
	testbed_stop(tb);
}
END_TEST

START_TEST(no_ccache_no_env)
{
	struct testbed_opts opts = { .no_ccache = true, .no_env = true };
	struct testbed *tb;
	char *before = strdup(getenv("KRB5CCNAME"));

	ck_assert_ptr_nonnull(before);
	tb = bed_start(&opts);
	ck_assert_str_eq(getenv("KRB5CCNAME"), before);
	ck_assert_str_eq(getenv("KRB5_CONFIG"), testbed_krb5_conf(tb));
	ck_assert_msg(path_gone(testbed_ccache(tb)), "ccache made anyway");
	ck_assert_msg(testbed_kinit(tb) == 0, "%s", testbed_errmsg(tb));
	ck_assert_msg(!path_gone(testbed_ccache(tb)), "kinit made no ccache");
	testbed_stop(tb);
	free(before);
}
END_TEST

int
main(void)
{
	Suite *s;

	if (KRB5KDC_PATH[0] == '\0' || KDB5_UTIL_PATH[0] == '\0' ||
	    KADMIN_LOCAL_PATH[0] == '\0' || KINIT_PATH[0] == '\0') {
		fprintf(stderr, "check_testbed: MIT KDC tools not found at "
		    "configure time; skipping\n");
		return 77;
	}
	s = suite_create("testbed");
	CKLIST(cklist_tcase(s, "bed", 60), 1, gss_loop_with_bed_files,
	    wrong_key_keytab_is_refused, stop_removes_everything,
	    exit_without_stop_cleans_up, sigkill_without_stop_cleans_up,
	    forked_child_does_not_clean_up, short_lifetime, ntlm_user_file,
	    extra_and_added_principals, session_enctypes, no_ccache_no_env);
	return e2e_main(s, NULL, &shared, NULL, NULL);
}
