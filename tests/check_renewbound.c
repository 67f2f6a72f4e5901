/* tests/check_renewbound.c - renewals bounded, replaced contexts destroyed; NTLM */
/*
 * Rejections carry no verifier, so anyone on the path can answer a call
 * with RPCSEC_GSS_CREDPROBLEM.  The client must neither make contexts
 * without end (a token bucket per AUTH, docs/SECURITY.md section 9) nor
 * leave the contexts it replaces on the server, where they would push
 * out other clients' contexts.  A UDP proxy thread (udpproxy.h) forges
 * the rejections; the demo server runs with RPCAUTH_TRACE and its stderr
 * in a file, and the contexts it holds are those it established minus
 * those it deleted on DESTROY.
 *
 * Then finding 4: NTLM proves nothing about the server but knowledge of
 * the session key, so it is never reported as mutual authentication, and
 * SPNEGO falls back to NTLM only when the caller opted in.
 */
#include "config.h"

#include <sys/wait.h>
#include <fcntl.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clnt_internal.h"
#include "demofs.h"
#include "e2e.h"
#include "udpproxy.h"
#include "cklist.h"

/* What docs/SECURITY.md section 9 promises (clnt_renew.c). */
#define BURST		3	/* renewals for rejections at once */
#define REFILL_MS	20000	/* then one more per this */

static struct testbed *bed;
static struct srvproc server;	/* --mechs krb5,spnego,ntlm (finding 4) */
static int port;

/* ---- a demo server whose trace goes to a file ---- */

struct traced {
	struct srvproc	 p;
	int		 port;
	char		 log[1024];
};

static void
traced_start(struct traced *t)
{
	int fd, saved;

	snprintf(t->log, sizeof(t->log), "%s/server-trace-%d.log",
	    testbed_dir(bed), (int)getpid());
	fd = open(t->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	/* The child inherits fd 2 and the environment at fork; this process
	 * makes no library call in between, so its own trace stays off. */
	saved = dup(STDERR_FILENO);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	ck_assert_int_eq(setenv("RPCAUTH_TRACE", "1", 1), 0);
	ck_assert_int_eq(e2e_server_start(&t->p, &t->port,
	    testbed_server_keytab(bed), NULL), 0);
	ck_assert_int_eq(unsetenv("RPCAUTH_TRACE"), 0);
	ck_assert_int_eq(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	close(fd);
}

static void
traced_stop(struct traced *t)
{
	int st;

	srvproc_stop(&t->p, 5000, &st);
	(void)unlink(t->log);
}

static unsigned
count_lines(const char *path, const char *needle)
{
	char line[1024];
	unsigned n = 0;
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, needle) != NULL)
			n++;
	fclose(f);
	return n;
}

/*
 * Contexts the server holds.  It answers one request at a time and writes
 * a DESTROY's trace line after its reply, so a reply to a later request
 * (an AUTH_NONE NULL call: refused or not, it is answered) means every
 * earlier line is in the file.
 */
static unsigned
server_live(struct traced *t)
{
	struct timeval tv = { 10, 0 };
	unsigned made, gone;
	CLIENT *cl = e2e_clnt(t->port, 0);

	ck_assert_ptr_nonnull(cl);
	(void)clnt_call(cl, NULLPROC, (xdrproc_t)xdr_nothing, NULL,
	    (xdrproc_t)xdr_nothing, NULL, tv);
	clnt_destroy(cl);
	made = count_lines(t->log, "svc: context established");
	gone = count_lines(t->log, "svc: DESTROY: context of");
	ck_assert_uint_ge(made, gone);
	return made - gone;
}

/* ---- helpers ---- */

static CLIENT *
secure_udp(int p)
{
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl = e2e_clnt(p, 1);

	ck_assert_ptr_nonnull(cl);
	rpcauth_client_opts_init(&o);
	ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", &o, &err) !=
	    NULL, "handshake: %s", err.msg ? err.msg : "?");
	return cl;
}

static uint32_t
contexts_of(CLIENT *cl)
{
	struct rpcauth_auth_info info;

	ck_assert_int_eq(rpcauth_auth_info(cl->cl_auth, &info), 0);
	return info.contexts;
}

/* Renewals for rejections allowed in `ms` (docs/SECURITY.md section 9). */
static uint32_t
bound_for(long long ms)
{
	return BURST + (uint32_t)(ms / REFILL_MS);
}

/* ---- finding 9: every DATA call rejected ---- */

/*
 * After forged rejections: each replaced context was destroyed (the server
 * holds no more than live0), and once the proxy passes everything again a
 * call works, on the renewals + 1st context.  Stops cl, px and t.
 */
static void
forgery_over(struct traced *t, struct proxy *px, CLIENT *cl, unsigned live0,
    uint32_t renewals)
{
	unsigned live1 = server_live(t);
	char why[1024];

	ck_assert_msg(live1 <= live0, "the server holds %u contexts, %u "
	    "before the forged rejections: replaced contexts not destroyed",
	    live1, live0);
	px_set(px, PX_PASS);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "after: %s", why);
	ck_assert_uint_eq(contexts_of(cl), renewals + 1);
	e2e_secure_destroy(cl);
	px_stop(px);
	traced_stop(t);
}

/*
 * For 6 s, every DATA call gets a forged CREDPROBLEM while handshakes and
 * DESTROYs pass.  New contexts stay within the bound, every call fails
 * with a message naming the cause, each replaced context is destroyed
 * (the server holds no more contexts than before), and once the forgery
 * stops the calls work again.
 */
START_TEST(forged_data_rejections)
{
	struct traced t;
	struct proxy px, c;
	char why[1024];
	const char *e;
	unsigned live0, calls = 0;
	uint32_t renewals;
	long long start, elapsed;
	CLIENT *cl;

	traced_start(&t);
	px_start(&px, t.port);
	cl = secure_udp(px.port);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	live0 = server_live(&t);
	px_set(&px, PX_FORGE_DATA);
	start = srvproc_now_ms();
	while ((elapsed = srvproc_now_ms() - start) < 6000) {
		ck_assert(!e2e_stats_ok(cl, why, sizeof(why)));
		e = rpcauth_auth_error(cl->cl_auth);
		ck_assert_msg(e != NULL && strstr(e, "forging") != NULL,
		    "call %u: %s", calls, why);
		calls++;
		usleep(20000);
	}
	c = px_get(&px);
	renewals = contexts_of(cl) - 1;
	fprintf(stderr, "forged_data_rejections: %u calls in %lld ms, %u new "
	    "contexts; proxy: %u DATA (%u forged), %u control\n", calls,
	    elapsed, renewals, c.data, c.forged, c.ctl);
	ck_assert_msg(renewals >= 1 && renewals <= bound_for(elapsed),
	    "%u new contexts in %lld ms (bound %u)", renewals, elapsed,
	    bound_for(elapsed));
	/* Each renewal: one handshake round (krb5) and one DESTROY. */
	ck_assert_msg(c.ctl <= 2 * renewals, "%u control calls for %u new "
	    "contexts", c.ctl, renewals);
	ck_assert_uint_eq(c.forged, c.data);
	forgery_over(&t, &px, cl, live0, renewals);
}
END_TEST

/* ---- finding 9: the first attempt of every call rejected ---- */

/*
 * The attacker forges CREDPROBLEM for a call, lets the resent call (on
 * the context just made) through, and does the same to the next call:
 * each call then succeeds on a brand-new context, so per-call bounds and
 * the back-off (which a verified reply ends) never stop it.  The trace
 * callback runs in this thread when the new context is ready, before the
 * resend, and lets the resend pass.
 */
static struct proxy *alt_px;
static unsigned alt_data, alt_ctl, alt_forged;

static void
alt_count(void)
{
	struct proxy c = px_get(alt_px);

	alt_data += c.data;
	alt_ctl += c.ctl;
	alt_forged += c.forged;
}

static void
alt_trace(const char *line, void *arg)
{
	(void)arg;
	if (strstr(line, "client: context ") != NULL &&
	    strstr(line, " ready: ") != NULL) {
		alt_count();
		px_set(alt_px, PX_PASS);
	}
}

START_TEST(forged_first_attempts)
{
	struct traced t;
	struct proxy px;
	char why[1024];
	const char *e;
	unsigned live0, i, ok = 0, failed = 0;
	uint32_t renewals;
	long long start, elapsed;
	CLIENT *cl;

	traced_start(&t);
	px_start(&px, t.port);
	alt_px = &px;
	cl = secure_udp(px.port);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	live0 = server_live(&t);
	px_set(&px, PX_PASS);	/* counters from here */
	rpcauth_set_trace(alt_trace, NULL);
	start = srvproc_now_ms();
	for (i = 0; i < 40; i++) {
		alt_count();
		px_set(&px, PX_FORGE_DATA);
		if (e2e_stats_ok(cl, why, sizeof(why))) {
			ok++;
			continue;
		}
		failed++;
		e = rpcauth_auth_error(cl->cl_auth);
		ck_assert_msg(e != NULL && strstr(e, "keeps rejecting new "
		    "contexts") != NULL, "call %u: %s", i, why);
	}
	elapsed = srvproc_now_ms() - start;
	alt_count();
	rpcauth_set_trace(NULL, NULL);
	renewals = contexts_of(cl) - 1;
	fprintf(stderr, "forged_first_attempts: 40 calls in %lld ms: %u "
	    "succeeded, %u failed, %u new contexts; proxy: %u DATA (%u "
	    "forged), %u control\n", elapsed, ok, failed, renewals, alt_data,
	    alt_forged, alt_ctl);
	ck_assert_msg(renewals <= bound_for(elapsed), "%u new contexts in "
	    "%lld ms (bound %u)", renewals, elapsed, bound_for(elapsed));
	ck_assert_msg(alt_ctl <= 2 * renewals, "%u control calls for %u new "
	    "contexts", alt_ctl, renewals);
	forgery_over(&t, &px, cl, live0, renewals);
}
END_TEST

/*
 * Legitimate recovery: the server restarts (it forgot every context),
 * one new context is made and the call goes through; nothing is left on
 * the new server but the current context.
 */
START_TEST(restart_recovers)
{
	struct traced t;
	char why[1024], portbuf[16], errbuf[512];
	const char *argv[] = { DEMO_SERVER, "--listen", "127.0.0.1", "--port",
	    portbuf, "--principal", "demo@localhost", "--keytab",
	    testbed_server_keytab(bed), NULL };
	CLIENT *cl;
	int st;

	traced_start(&t);
	cl = secure_udp(t.port);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	srvproc_stop(&t.p, 5000, &st);
	snprintf(portbuf, sizeof(portbuf), "%d", t.port);
	ck_assert_msg(srvproc_start(&t.p, (char *const *)argv, "ready", 20000,
	    errbuf, sizeof(errbuf)) == 0, "restart: %s", errbuf);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "after restart: %s",
	    why);
	ck_assert_uint_eq(contexts_of(cl), 2);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	ck_assert_uint_eq(contexts_of(cl), 2);
	e2e_secure_destroy(cl);
	srvproc_stop(&t.p, 5000, &st);
	(void)unlink(t.log);
}
END_TEST

/* Client trace lines, for the test below. */
static char ctrace[8192];

static void
ctrace_cb(const char *line, void *arg)
{
	(void)arg;
	if (strlen(ctrace) + strlen(line) + 2 < sizeof(ctrace)) {
		strcat(ctrace, line);
		strcat(ctrace, "\n");
	}
}

/*
 * Over TCP too, and for a renewal the client starts itself (the context
 * is about to end): the old context is DESTROYed over the side CLIENT,
 * its reply read, and the server keeps only the new one.
 */
START_TEST(tcp_renewal_destroys_old)
{
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct clnt_state *cs;
	struct traced t;
	char why[1024];
	unsigned live0;
	CLIENT *cl;

	traced_start(&t);
	cl = e2e_clnt(t.port, 0);
	ck_assert_ptr_nonnull(cl);
	rpcauth_client_opts_init(&o);
	o.service = RPCAUTH_SVC_PRIVACY;
	ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", &o, &err) !=
	    NULL, "handshake: %s", err.msg ? err.msg : "?");
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	live0 = server_live(&t);
	cs = cl->cl_auth->ah_private;
	cs->renew_at = time(NULL) - 1;	/* due for an early renewal */
	rpcauth_set_trace(ctrace_cb, NULL);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	rpcauth_set_trace(NULL, NULL);
	ck_assert_uint_eq(contexts_of(cl), 2);
	ck_assert_msg(strstr(ctrace, "DESTROY of the replaced context (seq "
	    "1): answered") != NULL, "%s", ctrace);
	ck_assert_uint_eq(server_live(&t), live0);
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	e2e_secure_destroy(cl);
	ck_assert_uint_eq(server_live(&t), live0 - 1);
	traced_stop(&t);
}
END_TEST

/* ---- finding 4: what NTLM proves ---- */

static CLIENT *
mech_clnt(const char *mech, int allow_ntlm, struct rpcauth_err *err)
{
	struct rpcauth_client_opts o;
	CLIENT *cl = e2e_clnt(port, 0);

	ck_assert_ptr_nonnull(cl);
	rpcauth_client_opts_init(&o);
	o.mech = mech;
	o.allow_ntlm = allow_ntlm;
	return e2e_auth(cl, "demo@localhost", &o, err);
}

/* A client asking for `mech` (allow_ntlm as given) is established, calls,
 * and says it got mechanism `got`, mutual or not. */
static void
established_as(const char *mech, int allow_ntlm, const char *got, int mutual)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_auth_info info;
	CLIENT *cl = mech_clnt(mech, allow_ntlm, &err);
	char why[1024];

	ck_assert_msg(cl != NULL, "%s", err.msg ? err.msg : "?");
	ck_assert_msg(e2e_stats_ok(cl, why, sizeof(why)), "%s", why);
	ck_assert_int_eq(rpcauth_auth_info(cl->cl_auth, &info), 0);
	ck_assert_str_eq(info.mech, got);
	ck_assert_int_eq(info.mutual, mutual);
	e2e_secure_destroy(cl);
}

/* NTLM asked for by name: established, but never "mutual". */
START_TEST(ntlm_is_not_mutual)
{
	established_as("ntlm", 0, "ntlm", 0);
}
END_TEST

/* SPNEGO with Kerberos credentials: Kerberos, mutual. */
START_TEST(spnego_krb5_is_mutual)
{
	established_as("spnego", 0, "krb5", 1);
	/* Allowing NTLM changes nothing while Kerberos can be had. */
	established_as("spnego", 1, "krb5", 1);
}
END_TEST

/*
 * SPNEGO without Kerberos credentials: no silent fall back to NTLM; the
 * message says why and how to opt in.  With the opt-in, NTLM, not mutual.
 */
START_TEST(spnego_ntlm_needs_opt_in)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl;

	e2e_no_krb5_creds(bed);
	cl = mech_clnt("spnego", 0, &err);
	ck_assert_msg(cl == NULL, "SPNEGO fell back to NTLM without opt-in");
	fprintf(stderr, "spnego_ntlm_needs_opt_in: %s\n", err.msg);
	ck_assert_msg(strstr(err.msg, "allow_ntlm") != NULL &&
	    strstr(err.msg, "kinit") != NULL, "unclear: %s", err.msg);
	rpcauth_err_clear(&err);
	established_as("spnego", 1, "ntlm", 0);
}
END_TEST

/* rpcauth-ping says what NTLM proved, and --allow-ntlm is the opt-in. */
START_TEST(ping_reports_ntlm)
{
	static const char *const ntlm[] = { "--mech", "ntlm", NULL };
	static const char *const spnego[] = { "--mech", "spnego", NULL };
	static const char *const spnego_ntlm[] = { "--mech", "spnego",
	    "--allow-ntlm", NULL };
	char out[4096], errtext[4096];

	ck_assert_msg(e2e_ping(port, ntlm, out, sizeof(out), errtext,
	    sizeof(errtext)) == 0, "%s", errtext);
	fprintf(stderr, "%s", out);
	ck_assert_msg(strstr(out, "mutual authentication") == NULL ||
	    strstr(out, "no mutual authentication") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "mechanism:  ntlm (no mutual "
	    "authentication") != NULL, "%s", out);
	e2e_no_krb5_creds(bed);
	ck_assert_msg(e2e_ping(port, spnego, out, sizeof(out), errtext,
	    sizeof(errtext)) == 1, "%s", out);
	ck_assert_msg(strstr(errtext, "--allow-ntlm") != NULL, "%s", errtext);
	ck_assert_msg(e2e_ping(port, spnego_ntlm, out, sizeof(out), errtext,
	    sizeof(errtext)) == 0, "%s", errtext);
	ck_assert_msg(strstr(out, "mechanism:  ntlm (no mutual "
	    "authentication") != NULL, "%s", out);
}
END_TEST

static Suite *
renewbound_suite(void)
{
	Suite *s = suite_create("renewbound");

	CKLIST(cklist_tcase(s, "renewals", 120), 1, forged_data_rejections,
	    forged_first_attempts, restart_recovers, tcp_renewal_destroys_old);
	CKLIST(cklist_tcase(s, "ntlm", 60), 1, ntlm_is_not_mutual,
	    spnego_krb5_is_mutual, spnego_ntlm_needs_opt_in, ping_reports_ntlm);
	return s;
}

int
main(void)
{
	struct testbed_opts o = { .ntlm_user_file = true };

	return e2e_run(renewbound_suite(), &o, e2e_all_mechs, &bed, &server,
	    &port);
}
