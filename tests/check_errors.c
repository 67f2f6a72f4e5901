/* tests/check_errors.c - every failure cause gets a message that names it and its fix */
/*
 * One test per cause, each provoked for real (a KDC that does not answer,
 * a credential cache from the future or with an expired ticket, a server
 * with the wrong key, ...), each asserting the words a user would see.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <krb5/krb5.h>

#include "demofs.h"
#include "e2e.h"
#include "cklist.h"

#define DEMO_PING	TOP_BUILDDIR "/client/rpcauth-ping"

static struct testbed *bed;
static struct srvproc server;		/* --mechs krb5,spnego,ntlm */
static int port;

/* Each message checked goes to the log once, as the user would see it. */
static void
has(const char *msg, const char *needle)
{
	static char last[2048];

	/* By text: run_says() hands out one buffer for every run. */
	if (msg != NULL && strncmp(msg, last, sizeof(last)) != 0) {
		fprintf(stderr, "message: %s\n", msg);
		snprintf(last, sizeof(last), "%s", msg);
	}
	ck_assert_msg(msg != NULL && strstr(msg, needle) != NULL,
	    "'%s' not in: %s", needle, msg != NULL ? msg : "(null)");
}

/* rpcauth_client_create against `p`; returns the error (caller clears). */
static struct rpcauth_err
create_fails(int p, int udp, const char *service,
    const struct rpcauth_client_opts *o)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl = e2e_clnt(p, udp);
	AUTH *a;

	ck_assert_ptr_nonnull(cl);
	a = rpcauth_client_create(cl, service, o, &err);
	ck_assert_msg(a == NULL, "created an AUTH for %s", service);
	ck_assert_ptr_nonnull(err.msg);
	ck_assert_int_ne(err.code, RPCAUTH_OK);
	clnt_destroy(cl);
	return err;
}

/* err's code (unless code is -1) and each of the NULL-terminated strings
 * of ap in its message; then err is cleared. */
static void
err_says(struct rpcauth_err *err, int code, va_list ap)
{
	const char *needle;

	if (code != -1)
		ck_assert_int_eq(err->code, code);
	while ((needle = va_arg(ap, const char *)) != NULL)
		has(err->msg, needle);
	rpcauth_err_clear(err);
}

/* create_fails(), then err_says() with code and the strings after it. */
static void
fails_with(int p, int udp, const char *service,
    const struct rpcauth_client_opts *o, int code, ...)
{
	struct rpcauth_err err = create_fails(p, udp, service, o);
	va_list ap;

	va_start(ap, code);
	err_says(&err, code, ap);
	va_end(ap);
}

/*
 * Copy the bed's ccache to `dst` (FILE:...).  offset != 0: the cache says
 * the KDC's clock is that far ahead, which krb5 believes (kdc_timesync),
 * so our authenticators come from the future.  expire: every ticket in the
 * copy says it ended a minute ago.
 */
static void
copy_ccache(const char *dst, krb5_timestamp offset, int expire)
{
	krb5_context ctx;
	krb5_ccache src, out;
	krb5_principal me;
	krb5_cc_cursor cur;
	krb5_creds cr;
	time_t now = time(NULL);

	ck_assert_int_eq(krb5_init_context(&ctx), 0);
	if (offset != 0)
		ck_assert_int_eq(krb5_set_real_time(ctx,
		    (krb5_timestamp)now + offset, 0), 0);
	ck_assert_int_eq(krb5_cc_resolve(ctx, testbed_ccache_name(bed), &src),
	    0);
	ck_assert_int_eq(krb5_cc_get_principal(ctx, src, &me), 0);
	ck_assert_int_eq(krb5_cc_resolve(ctx, dst, &out), 0);
	ck_assert_int_eq(krb5_cc_initialize(ctx, out, me), 0);
	ck_assert_int_eq(krb5_cc_start_seq_get(ctx, src, &cur), 0);
	while (krb5_cc_next_cred(ctx, src, &cur, &cr) == 0) {
		if (expire && !krb5_is_config_principal(ctx, cr.server)) {
			cr.times.starttime = cr.times.authtime =
			    (krb5_timestamp)now - 3600;
			cr.times.endtime = (krb5_timestamp)now - 60;
			cr.times.renew_till = 0;
		}
		ck_assert_int_eq(krb5_cc_store_cred(ctx, out, &cr), 0);
		krb5_free_cred_contents(ctx, &cr);
	}
	(void)krb5_cc_end_seq_get(ctx, src, &cur);
	krb5_free_principal(ctx, me);
	krb5_cc_close(ctx, src);
	krb5_cc_close(ctx, out);
	krb5_free_context(ctx);
}

static void
cc_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "FILE:%s/%s-%d", testbed_dir(bed), name,
	    (int)getpid());
}

/* The server sees an authenticator an hour in its future. */
START_TEST(clock_skew)
{
	struct rpcauth_client_opts o;
	struct rpcauth_err err;
	char cc[512];

	/* A service ticket for demo/localhost in the bed's cache first, so
	 * that the skewed copy goes straight to the server, not the KDC. */
	e2e_secure_destroy(e2e_secure_clnt(port, 0, RPCAUTH_SVC_INTEGRITY, 0,
	    NULL));
	cc_path(cc, sizeof(cc), "skew");
	copy_ccache(cc, 3600, 0);
	rpcauth_client_opts_init(&o);
	o.ccache = cc;
	o.client_keytab = "/nonexistent/rpcauth.keytab";
	err = create_fails(port, 0, "demo@localhost", &o);
	ck_assert_int_eq(err.code, RPCAUTH_E_GSS);
	has(err.msg, "refused the security context");
	has(err.msg, "clock skew too great between this host and the server "
	    "or the KDC: synchronize the clocks (NTP)");
	/* The GSS-API's own words are kept. */
	has(err.msg, "Clock skew too great");
	rpcauth_err_clear(&err);
}
END_TEST

/*
 * argv run to its end: it exits with `code` and its stderr holds needle.
 * Returns that stderr (static: valid until the next call).
 */
static const char *
run_says(const char *const *argv, int code, const char *needle)
{
	static char errtext[2048];
	char out[1024];
	int st;

	ck_assert_int_eq(srvproc_run((char *const *)argv, out, sizeof(out),
	    errtext, sizeof(errtext), 20000, &st), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == code,
	    "%s: status %d, wanted exit %d: %s", argv[0], st, code, errtext);
	has(errtext, needle);
	return errtext;
}

/* Server side: registration fails and the demo server says why. */
static void
server_refuses(const char *principal, const char *keytab, const char *needle)
{
	const char *argv[] = { DEMO_SERVER, "--listen", "127.0.0.1", "--port",
	    "1", "--principal", principal, "--keytab", keytab, NULL };

	(void)run_says(argv, 1, needle);
}

/*
 * rpcauth_svc_register of `principal` with the bed's keytab and the
 * npol policies pol: RPCAUTH_E_CONFIG, and each of the NULL-terminated
 * strings after npol in the message.
 */
static void
register_fails(const char *principal,
    const struct rpcauth_svc_policy *pol, size_t npol, ...)
{
	struct rpcauth_svc_opts so;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	va_list ap;

	rpcauth_svc_opts_init(&so);
	so.principal = principal;
	so.keytab = testbed_server_keytab(bed);
	so.policies = pol;
	so.npolicies = npol;
	ck_assert_int_eq(rpcauth_svc_register(&so, &err), -1);
	va_start(ap, npol);
	err_says(&err, RPCAUTH_E_CONFIG, ap);
	va_end(ap);
}

START_TEST(server_keytab_lacks_principal)
{
	server_refuses("nosuch@localhost", testbed_server_keytab(bed),
	    "no key for nosuch/localhost@" TESTBED_REALM " in keytab");
}
END_TEST

/*
 * A server principal without "@host": the library refuses it with the
 * words of rpcauth_svc_register(3) rather than letting GSS guess the
 * host, and the demo programs say the same as a usage error.
 */
START_TEST(principal_without_host)
{
	static const char *const bad[] = { "demo", "demo@", "@localhost" };
	struct rpcauth_svc_policy pol;
	char want[128];
	const char *sv[] = { DEMO_SERVER, "--listen", "127.0.0.1", "--port",
	    "1", "--principal", "demo", "--keytab", "/dev/null", NULL };
	const char *cl[] = { DEMO_CLIENT, "--host", "127.0.0.1", "--port", "1",
	    "--principal", "demo", "null", NULL };
	const char *pg[] = { DEMO_PING, "--port", "1", "127.0.0.1", "1", "1",
	    "demo", NULL };
	const char *errtext;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "principal \"%s\" is not of the "
		    "form service@host", bad[i]);
		register_fails(bad[i], NULL, 0, want, NULL);
	}
	memset(&pol, 0, sizeof(pol));
	pol.prog = DEMOFS_PROG;
	pol.vers = DEMOFS_V1;
	pol.principal = "other";
	register_fails("demo@localhost", &pol, 1, "policy 0: principal "
	    "\"other\" is not of the form service@host", NULL);

	errtext = run_says(sv, 2, "rpcauth-demo-server: --principal: "
	    "principal \"demo\" is not of the form service@host");
	ck_assert_msg(strchr(errtext, '\n') == errtext + strlen(errtext) - 1,
	    "not one line: %s", errtext);
	(void)run_says(cl, 2, "rpcauth-demo-client: --principal: service "
	    "name \"demo\" is not of the form service@host");
	(void)run_says(pg, 2, "rpcauth-ping: service name \"demo\" is not of "
	    "the form service@host");
}
END_TEST

/* A replay cache directory the server cannot write: said at registration,
 * not as "Generic error" at every client's handshake. */
START_TEST(rcache_dir_unwritable)
{
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/no-such-rcache-dir", testbed_dir(bed));
	setenv("KRB5RCACHEDIR", dir, 1);
	register_fails("demo@localhost", NULL, 0,
	    "the replay cache directory ",
	    "no-such-rcache-dir is not writable by this process",
	    "KRB5RCACHEDIR", NULL);
	unsetenv("KRB5RCACHEDIR");
}
END_TEST

START_TEST(server_keytab_missing_or_unreadable)
{
	char bad[512];
	FILE *f;

	server_refuses("demo@localhost", "/nonexistent/server.keytab",
	    "is missing or unreadable");
	snprintf(bad, sizeof(bad), "%s/garbage-%d.keytab", testbed_dir(bed),
	    (int)getpid());
	ck_assert_ptr_nonnull(f = fopen(bad, "w"));
	fputs("not a keytab\n", f);
	fclose(f);
	server_refuses("demo@localhost", bad, "is not a usable keytab");
	unlink(bad);
}
END_TEST

/* The client's own keytab is missing, and there is no ticket either. */
START_TEST(client_keytab_missing)
{
	struct rpcauth_client_opts o;
	char cc[512];

	cc_path(cc, sizeof(cc), "absent");
	rpcauth_client_opts_init(&o);
	o.ccache = cc;
	o.client_keytab = "/nonexistent/client.keytab";
	fails_with(port, 0, "demo@localhost", &o, RPCAUTH_E_GSS,
	    "client keytab /nonexistent/client.keytab",
	    "run kinit, or give the client a keytab", NULL);
}
END_TEST

START_TEST(service_unknown_to_kdc)
{
	struct rpcauth_err err = create_fails(port, 0, "nosuch@localhost",
	    NULL);

	ck_assert_int_eq(err.code, RPCAUTH_E_GSS);
	has(err.msg, "security handshake with nosuch@localhost");
	has(err.msg, "the KDC does not know the service principal: check "
	    "the service name");
	has(err.msg, "create the principal");
	has(err.msg, "Server nosuch/localhost@" TESTBED_REALM
	    " not found in Kerberos database");
	rpcauth_err_clear(&err);
}
END_TEST

/* Default credentials: no ticket in KRB5CCNAME, no KRB5_CLIENT_KTNAME. */
START_TEST(no_credentials)
{
	char cc[512];

	cc_path(cc, sizeof(cc), "none");
	ck_assert_int_eq(setenv("KRB5CCNAME", cc, 1), 0);
	ck_assert_int_eq(setenv("KRB5_CLIENT_KTNAME",
	    "FILE:/nonexistent/none.keytab", 1), 0);
	fails_with(port, 0, "demo@localhost", NULL, RPCAUTH_E_GSS,
	    "no Kerberos credentials", "run kinit",
	    "No Kerberos credentials available", NULL);
}
END_TEST

/* SPNEGO without Kerberos credentials: the tools name --allow-ntlm. */
START_TEST(spnego_hint_in_tools)
{
	char cc[512], ps[16];
	const char *cl[] = { DEMO_CLIENT, "--host", "127.0.0.1", "--port", ps,
	    "--principal", "demo@localhost", "--mech", "spnego", "null", NULL };
	const char *pg[] = { DEMO_PING, "--port", ps, "--mech", "spnego",
	    "127.0.0.1", "0x20000C0F", "1", "demo@localhost", NULL };
	const char *const *argvs[] = { cl, pg };
	const char *errtext;
	size_t i;

	cc_path(cc, sizeof(cc), "spnego-none");
	ck_assert_int_eq(setenv("KRB5CCNAME", cc, 1), 0);
	ck_assert_int_eq(setenv("KRB5_CLIENT_KTNAME",
	    "FILE:/nonexistent/none.keytab", 1), 0);
	snprintf(ps, sizeof(ps), "%d", port);
	for (i = 0; i < 2; i++) {
		errtext = run_says(argvs[i], 1, "SPNEGO negotiates Kerberos "
		    "only unless NTLM is allowed (--allow-ntlm, which does not "
		    "authenticate the server): run kinit, or add --allow-ntlm");
		ck_assert_msg(strstr(errtext, "allow_ntlm") == NULL,
		    "C hint in: %s", errtext);
	}
}
END_TEST

/*
 * The default FILE ccache is served from a memory copy (ccmirror.c), which
 * must follow the file: a removed file means no credentials, a file whose
 * tickets expired means expired, a new kinit works again, and the copy is
 * made once per version of the file (seen in the trace).
 */
static char trace_buf[8192];

static void
trace_keep(const char *line, void *arg)
{
	size_t n = strlen(trace_buf);

	(void)arg;
	snprintf(trace_buf + n, sizeof(trace_buf) - n, "%s\n", line);
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void
create_ok(void)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl = e2e_clnt(port, 0);

	ck_assert_ptr_nonnull(cl);
	ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", NULL,
	    &err) != NULL, "create: %s", err.msg != NULL ? err.msg : "?");
	ck_assert_ptr_nonnull(demofs_stats_1(NULL, cl));
	e2e_secure_destroy(cl);
}

/* Rewrite the FILE ccache without the tickets for service svc. */
static void
strip_service(const char *cc, const char *svc)
{
	krb5_context ctx;
	krb5_ccache c;
	krb5_principal me;
	krb5_cc_cursor cur;
	krb5_creds cr[32];
	size_t n = 0, i;

	ck_assert_int_eq(krb5_init_context(&ctx), 0);
	ck_assert_int_eq(krb5_cc_resolve(ctx, cc, &c), 0);
	ck_assert_int_eq(krb5_cc_get_principal(ctx, c, &me), 0);
	ck_assert_int_eq(krb5_cc_start_seq_get(ctx, c, &cur), 0);
	while (n < 32 && krb5_cc_next_cred(ctx, c, &cur, &cr[n]) == 0) {
		if (cr[n].server->length >= 1 &&
		    cr[n].server->data[0].length == strlen(svc) &&
		    memcmp(cr[n].server->data[0].data, svc, strlen(svc)) == 0)
			krb5_free_cred_contents(ctx, &cr[n]);
		else
			n++;
	}
	(void)krb5_cc_end_seq_get(ctx, c, &cur);
	ck_assert_int_eq(krb5_cc_initialize(ctx, c, me), 0);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(krb5_cc_store_cred(ctx, c, &cr[i]), 0);
		krb5_free_cred_contents(ctx, &cr[i]);
	}
	krb5_free_principal(ctx, me);
	krb5_cc_close(ctx, c);
	krb5_free_context(ctx);
}

/* Does the FILE ccache hold a ticket whose service's first part is svc? */
static int
file_has_service(const char *cc, const char *svc)
{
	krb5_context ctx;
	krb5_ccache c;
	krb5_cc_cursor cur;
	krb5_creds cr;
	int found = 0;

	ck_assert_int_eq(krb5_init_context(&ctx), 0);
	ck_assert_int_eq(krb5_cc_resolve(ctx, cc, &c), 0);
	ck_assert_int_eq(krb5_cc_start_seq_get(ctx, c, &cur), 0);
	while (krb5_cc_next_cred(ctx, c, &cur, &cr) == 0) {
		if (cr.server->length >= 1 &&
		    cr.server->data[0].length == strlen(svc) &&
		    memcmp(cr.server->data[0].data, svc, strlen(svc)) == 0)
			found = 1;
		krb5_free_cred_contents(ctx, &cr);
	}
	(void)krb5_cc_end_seq_get(ctx, c, &cur);
	krb5_cc_close(ctx, c);
	krb5_free_context(ctx);
	return found;
}

START_TEST(ccache_copy_follows_the_file)
{
	char cc[512];

	cc_path(cc, sizeof(cc), "mirror");
	copy_ccache(cc, 0, 0);
	ck_assert_int_eq(setenv("KRB5CCNAME", cc, 1), 0);
	ck_assert_int_eq(setenv("KRB5_CLIENT_KTNAME",
	    "FILE:/nonexistent/none.keytab", 1), 0);
	trace_buf[0] = '\0';
	rpcauth_set_trace(trace_keep, NULL);
	create_ok();
	create_ok();
	ck_assert_int_eq(count(trace_buf, "ccache copied to memory"), 1);
	ck_assert_int_eq(count(trace_buf, "from the memory copy"), 2);

	/* kdestroy */
	ck_assert_int_eq(unlink(cc + 5), 0);
	fails_with(port, 0, "demo@localhost", NULL, -1,
	    "no Kerberos credentials", NULL);

	/* The same path, every ticket expired. */
	copy_ccache(cc, 0, 1);
	fails_with(port, 0, "demo@localhost", NULL, -1,
	    "the Kerberos credentials have expired: run kinit", NULL);

	/* kinit again (TGT only): a new copy, and it works; the service
	 * ticket MIT fetched into the copy reaches the file too. */
	trace_buf[0] = '\0';
	copy_ccache(cc, 0, 0);
	strip_service(cc, "demo");
	ck_assert(!file_has_service(cc, "demo"));
	create_ok();
	ck_assert_int_eq(count(trace_buf, "ccache copied to memory"), 1);
	ck_assert(file_has_service(cc, "demo"));

	/* Turned off: no copy, still works. */
	trace_buf[0] = '\0';
	ck_assert_int_eq(setenv("RPCAUTH_CCACHE_MIRROR", "0", 1), 0);
	create_ok();
	ck_assert_int_eq(count(trace_buf, "memory"), 0);
	rpcauth_set_trace(NULL, NULL);
}
END_TEST

START_TEST(ticket_expired)
{
	struct rpcauth_client_opts o;
	char cc[512];

	cc_path(cc, sizeof(cc), "expired");
	copy_ccache(cc, 0, 1);
	rpcauth_client_opts_init(&o);
	o.ccache = cc;
	o.client_keytab = "/nonexistent/rpcauth.keytab";
	fails_with(port, 0, "demo@localhost", &o, RPCAUTH_E_GSS,
	    "the Kerberos credentials have expired: run kinit", NULL);
}
END_TEST

/* krb5.conf names a KDC port nothing listens on; the ticket must come
 * from the keytab, so the KDC has to be asked. */
START_TEST(kdc_unreachable)
{
	struct rpcauth_client_opts o;
	char conf[512], cmd[2048], cc[512];
	int dead = srvproc_free_port();

	ck_assert_int_gt(dead, 0);
	snprintf(conf, sizeof(conf), "%s/dead-kdc-%d.conf", testbed_dir(bed),
	    (int)getpid());
	snprintf(cmd, sizeof(cmd), "sed 's/kdc = 127.0.0.1:[0-9]*/kdc = "
	    "127.0.0.1:%d/' %s > %s", dead, testbed_krb5_conf(bed), conf);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(setenv("KRB5_CONFIG", conf, 1), 0);
	cc_path(cc, sizeof(cc), "nokdc");
	rpcauth_client_opts_init(&o);
	o.ccache = cc;
	o.client_keytab = testbed_user_keytab(bed);
	fails_with(port, 0, "demo@localhost", &o, RPCAUTH_E_GSS,
	    "cannot reach the Kerberos KDC: check that it runs", "krb5.conf",
	    "Cannot contact any KDC", NULL);
}
END_TEST

START_TEST(ntlm_wrong_password)
{
	struct rpcauth_client_opts o;
	char file[512];
	FILE *f;

	ck_assert_ptr_nonnull(testbed_ntlm_user_file(bed));
	snprintf(file, sizeof(file), "%s/wrong-ntlm-%d", testbed_dir(bed),
	    (int)getpid());
	ck_assert_ptr_nonnull(f = fopen(file, "w"));
	fprintf(f, "RPCAUTH:alice:not-%s\n", testbed_ntlm_password(bed));
	fclose(f);
	/* Only this client reads it; the server started with the right one. */
	ck_assert_int_eq(setenv("NTLM_USER_FILE", file, 1), 0);
	rpcauth_client_opts_init(&o);
	o.mech = "ntlm";
	fails_with(port, 0, "demo@localhost", &o, RPCAUTH_E_GSS,
	    "refused the security context", "wrong NTLM password", NULL);
}
END_TEST

START_TEST(mechanism_not_installed)
{
	struct rpcauth_client_opts o;

	rpcauth_client_opts_init(&o);
	o.mech = "1.2.3.4";
	fails_with(port, 0, "demo@localhost", &o, RPCAUTH_E_CONFIG,
	    "mechanism 1.2.3.4 is not installed", "use krb5, spnego or ntlm",
	    NULL);
	o.mech = "frobnicate";
	fails_with(port, 0, "demo@localhost", &o, -1,
	    "unknown mechanism \"frobnicate\"", NULL);
}
END_TEST

/* The handshake works; the first DATA call is below the server's minimum. */
/*
 * The same refusal through the tools: the library's C hint comes out as
 * the option to use (client/hints.c), and no C name is left.
 */
static void
tools_say_options(int sport)
{
	char ps[16];
	const char *cl[] = { DEMO_CLIENT, "--host", "127.0.0.1", "--port", ps,
	    "--principal", "demo@localhost", "--service", "integrity",
	    "whoami", NULL };
	const char *pg[] = { DEMO_PING, "--port", ps, "--service", "integrity",
	    "127.0.0.1", "0x20000C0F", "1", "demo@localhost", NULL };
	const char *const *argvs[] = { cl, pg };
	const char *errtext;
	size_t i;

	snprintf(ps, sizeof(ps), "%d", sport);
	for (i = 0; i < 2; i++) {
		errtext = run_says(argvs[i], 1,
		    "requires a stronger service than integrity");
		has(errtext, "ask for a stronger service (--service privacy)");
		ck_assert_msg(strstr(errtext, "opts.") == NULL &&
		    strstr(errtext, "RPCAUTH_") == NULL, "C hint in: %s",
		    errtext);
	}
}

START_TEST(service_too_weak)
{
	struct srvproc strict;
	int sport, st;
	CLIENT *cl = e2e_too_weak(bed, &strict, &sport);

	has(rpcauth_auth_error(cl->cl_auth), "requires a stronger service "
	    "than integrity for this program (AUTH_TOOWEAK)");
	has(rpcauth_auth_error(cl->cl_auth), "RPCAUTH_SVC_PRIVACY");
	e2e_secure_destroy(cl);
	tools_say_options(sport);
	srvproc_stop(&strict, 5000, &st);
}
END_TEST

START_TEST(flavor_mismatch)
{
	struct rpcauth_client_opts o;

	rpcauth_client_opts_init(&o);
	o.flavor = RPCAUTH_FLAVOR + 1;
	fails_with(port, 0, "demo@localhost", &o, RPCAUTH_E_AUTH,
	    "does not speak flavor", "use the same flavor on both sides", NULL);
}
END_TEST

/* A server with another key for demo/localhost cannot prove it is it. */
START_TEST(server_fails_mutual_auth)
{
	struct rpcauth_err err;
	struct srvproc bad;
	int bport, st;

	ck_assert_int_eq(e2e_server_start(&bad, &bport,
	    testbed_wrong_keytab(bed), NULL), 0);
	err = create_fails(bport, 0, "demo@localhost", NULL);
	srvproc_stop(&bad, 5000, &st);
	ck_assert_int_eq(err.code, RPCAUTH_E_GSS);
	has(err.msg, "server failed mutual authentication");
	has(err.msg, "put the current key in the server's keytab");
	has(err.msg, "Decrypt integrity check failed");
	rpcauth_err_clear(&err);
}
END_TEST

/* Nothing listens: TCP cannot connect (the app's business), UDP times out. */
START_TEST(server_not_running)
{
	struct rpcauth_client_opts o;
	int dead = srvproc_free_port();

	ck_assert_int_gt(dead, 0);
	rpcauth_client_opts_init(&o);
	o.handshake_timeout_ms = 1500;
	fails_with(dead, 1, "demo@localhost", &o, RPCAUTH_E_RPC,
	    "security handshake with demo@localhost: RPC: ",
	    "check that the server runs and is reachable", NULL);
}
END_TEST

START_TEST(bad_arguments)
{
	struct rpcauth_client_opts o;
	struct rpcauth_err err;

	/* Each names what is wrong, not what was given. */
	err = create_fails(port, 0, "demo", NULL);
	ck_assert_int_eq(err.code, RPCAUTH_E_CONFIG);
	has(err.msg, "service name \"demo\" is not of the form service@host "
	    "(for example \"nfs@server.example.org\")");
	ck_assert_ptr_null(strstr(err.msg, "CLIENT"));
	rpcauth_err_clear(&err);
	fails_with(port, 0, "demo@", NULL, -1,
	    "service name \"demo@\" is not of the form service@host", NULL);
	fails_with(port, 0, "@localhost", NULL, -1,
	    "service name \"@localhost\" is not of the form", NULL);
	/* A Kerberos principal name is not read as service "kv/localhost"
	 * on host "RPCAUTH.TEST". */
	fails_with(port, 0, "kv/localhost@RPCAUTH.TEST", NULL, -1,
	    "service name \"kv/localhost@RPCAUTH.TEST\" is a Kerberos "
	    "principal name: write it as service@host", NULL);
	register_fails("demo/localhost@RPCAUTH.TEST", NULL, 0, "principal "
	    "\"demo/localhost@RPCAUTH.TEST\" is a Kerberos principal name: "
	    "write it as service@host", NULL);
	ck_assert_ptr_null(rpcauth_client_create(NULL, "demo@localhost", NULL,
	    &err));
	ck_assert_int_eq(err.code, RPCAUTH_E_CONFIG);
	has(err.msg, "no CLIENT: make one with clnt_create() first");
	ck_assert_ptr_null(strstr(err.msg, "service name"));
	rpcauth_err_clear(&err);
	{
		CLIENT *cl = e2e_clnt(port, 0);

		ck_assert_ptr_nonnull(cl);
		ck_assert_ptr_null(rpcauth_client_create(cl, NULL, NULL,
		    &err));
		has(err.msg, "no service name: give one of the form "
		    "service@host");
		ck_assert_ptr_null(strstr(err.msg, "CLIENT"));
		rpcauth_err_clear(&err);
		clnt_destroy(cl);
	}
	rpcauth_client_opts_init(&o);
	o.service = (enum rpcauth_service)7;
	fails_with(port, 0, "demo@localhost", &o, -1,
	    "unknown service 7: use RPCAUTH_SVC_NONE", NULL);
}
END_TEST

static Suite *
errors_suite(void)
{
	Suite *s = suite_create("errors");

	CKLIST(cklist_tcase(s, "core", 60), 1, clock_skew,
	    server_keytab_lacks_principal, principal_without_host,
	    server_keytab_missing_or_unreadable, rcache_dir_unwritable,
	    client_keytab_missing,
	    service_unknown_to_kdc, no_credentials, spnego_hint_in_tools,
	    ticket_expired, ccache_copy_follows_the_file, kdc_unreachable,
	    ntlm_wrong_password, mechanism_not_installed, service_too_weak,
	    flavor_mismatch, server_fails_mutual_auth, server_not_running,
	    bad_arguments);
	return s;
}

int
main(void)
{
	struct testbed_opts o = { .wrong_key_keytab = true,
	    .ntlm_user_file = true };

	return e2e_run(errors_suite(), &o, e2e_all_mechs, &bed, &server,
	    &port);
}
