/* tests/check_trace.c - the trace says what happened and leaks no secret */
/*
 * The GSS-API calls the library makes are interposed here (this program
 * defines gss_init_sec_context and friends; the library's objects are
 * linked in statically, so their calls land here first and go on to
 * libgssapi through dlsym(RTLD_NEXT)).  Every token, checksum and wrap
 * token that crosses them is kept, with the context handles and the
 * session key, and the collected trace is searched for each of them as
 * raw bytes, hex and base64.  A positive control shows the search would
 * find one.
 */
#include "config.h"

#include <sys/wait.h>

#include <check.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <openssl/evp.h>

#include "clnt_internal.h"
#include "demofs.h"
#include "e2e.h"
#include "cklist.h"

#define MAXSEQ		0x80000000u

static struct testbed *bed;
static struct srvproc server;
static int port;

/* ---- secrets seen crossing the GSS-API ---- */

struct blob {
	uint8_t	*p;
	size_t	 n;
};
static struct blob secrets[4096];
static size_t nsecrets;

static void
keep(const void *p, size_t n)
{
	if (p == NULL || n == 0 || nsecrets == sizeof(secrets) /
	    sizeof(secrets[0]))
		return;
	secrets[nsecrets].p = malloc(n);
	if (secrets[nsecrets].p == NULL)
		return;
	memcpy(secrets[nsecrets].p, p, n);
	secrets[nsecrets++].n = n;
}

static void *
real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL)
		abort();
	return f;
}

typedef OM_uint32 (*init_fn)(OM_uint32 *, gss_cred_id_t, gss_ctx_id_t *,
    gss_name_t, gss_OID, OM_uint32, OM_uint32, gss_channel_bindings_t,
    gss_buffer_t, gss_OID *, gss_buffer_t, OM_uint32 *, OM_uint32 *);
typedef OM_uint32 (*mic_fn)(OM_uint32 *, gss_ctx_id_t, gss_qop_t,
    gss_buffer_t, gss_buffer_t);
typedef OM_uint32 (*verify_fn)(OM_uint32 *, gss_ctx_id_t, gss_buffer_t,
    gss_buffer_t, gss_qop_t *);
typedef OM_uint32 (*wrap_fn)(OM_uint32 *, gss_ctx_id_t, int, gss_qop_t,
    gss_buffer_t, int *, gss_buffer_t);
typedef OM_uint32 (*unwrap_fn)(OM_uint32 *, gss_ctx_id_t, gss_buffer_t,
    gss_buffer_t, int *, gss_qop_t *);

OM_uint32 KRB5_CALLCONV
gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t cred, gss_ctx_id_t *ctx,
    gss_name_t target, gss_OID mech, OM_uint32 flags, OM_uint32 req_time,
    gss_channel_bindings_t cb, gss_buffer_t in, gss_OID *actual,
    gss_buffer_t out, OM_uint32 *ret_flags, OM_uint32 *time_rec)
{
	static init_fn f;
	OM_uint32 maj;

	if (f == NULL)
		f = (init_fn)real("gss_init_sec_context");
	if (in != GSS_C_NO_BUFFER)
		keep(in->value, in->length);
	maj = f(minor, cred, ctx, target, mech, flags, req_time, cb, in,
	    actual, out, ret_flags, time_rec);
	if (out != GSS_C_NO_BUFFER)
		keep(out->value, out->length);
	return maj;
}

OM_uint32 KRB5_CALLCONV
gss_get_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_qop_t qop,
    gss_buffer_t msg, gss_buffer_t tok)
{
	static mic_fn f;
	OM_uint32 maj;

	if (f == NULL)
		f = (mic_fn)real("gss_get_mic");
	maj = f(minor, ctx, qop, msg, tok);
	if (tok != GSS_C_NO_BUFFER)
		keep(tok->value, tok->length);
	return maj;
}

OM_uint32 KRB5_CALLCONV
gss_verify_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t msg,
    gss_buffer_t tok, gss_qop_t *qop)
{
	static verify_fn f;

	if (f == NULL)
		f = (verify_fn)real("gss_verify_mic");
	if (tok != GSS_C_NO_BUFFER)
		keep(tok->value, tok->length);
	return f(minor, ctx, msg, tok, qop);
}

OM_uint32 KRB5_CALLCONV
gss_wrap(OM_uint32 *minor, gss_ctx_id_t ctx, int conf, gss_qop_t qop,
    gss_buffer_t in, int *conf_state, gss_buffer_t out)
{
	static wrap_fn f;
	OM_uint32 maj;

	if (f == NULL)
		f = (wrap_fn)real("gss_wrap");
	maj = f(minor, ctx, conf, qop, in, conf_state, out);
	if (out != GSS_C_NO_BUFFER)
		keep(out->value, out->length);
	return maj;
}

OM_uint32 KRB5_CALLCONV
gss_unwrap(OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t in,
    gss_buffer_t out, int *conf_state, gss_qop_t *qop)
{
	static unwrap_fn f;

	if (f == NULL)
		f = (unwrap_fn)real("gss_unwrap");
	if (in != GSS_C_NO_BUFFER)
		keep(in->value, in->length);
	return f(minor, ctx, in, out, conf_state, qop);
}

/* The context's session key, as the mechanism holds it. */
static void
keep_session_key(struct clnt_state *cs)
{
	gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
	OM_uint32 maj, min;

	maj = gss_inquire_sec_context_by_oid(&min, cs->sc.gctx,
	    GSS_C_INQ_SSPI_SESSION_KEY, &set);
	ck_assert_msg(!GSS_ERROR(maj) && set != GSS_C_NO_BUFFER_SET &&
	    set->count >= 1 && set->elements[0].length >= 16,
	    "no session key: major 0x%x", (unsigned)maj);
	keep(set->elements[0].value, set->elements[0].length);
	(void)gss_release_buffer_set(&min, &set);
}

/* ---- the trace ---- */

static struct e2e_text tr;
static unsigned tlines;

static void
trace_cb(const char *line, void *arg)
{
	ck_assert_ptr_eq(arg, &tlines);
	ck_assert_ptr_null(strchr(line, '\n'));
	e2e_text_add(&tr, line);
	tlines++;
}

static void
hex(const uint8_t *p, size_t n, const char *digits, const char *sep,
    char *out)
{
	size_t i, o = 0, sl = strlen(sep);

	for (i = 0; i < n; i++) {
		if (i > 0) {
			memcpy(out + o, sep, sl);
			o += sl;
		}
		out[o++] = digits[p[i] >> 4];
		out[o++] = digits[p[i] & 15];
	}
	out[o] = '\0';
}

static int
printable(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

/*
 * Does `text` show any 8-byte run of s (raw unless printable, hex in
 * either case, hex with separators) or any 12-byte run (base64, at each
 * alignment)?  Returns
 * the rendering found, or NULL.
 */
static const char *
leaks(const char *text, size_t tl, const struct blob *s)
{
	static char found[256];
	char h[64], b64[8192];
	const char *forms[][2] = { { "0123456789abcdef", "" },
	    { "0123456789ABCDEF", "" }, { "0123456789abcdef", ":" },
	    { "0123456789abcdef", " " }, { "0123456789ABCDEF", " " } };
	size_t i, f, j, p, el;

	for (i = 0; i + 8 <= s->n; i++) {
		/* Tokens carry names in clear ("localhost", the realm): those
		 * are no secret, and the trace names them on purpose. */
		if (!printable(s->p + i, 8) && memmem(text, tl, s->p + i, 8) !=
		    NULL)
			return "raw bytes";
		for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
			hex(s->p + i, 8, forms[f][0], forms[f][1], h);
			if (strstr(text, h) != NULL) {
				snprintf(found, sizeof(found), "hex %s", h);
				return found;
			}
		}
	}
	for (j = 0; j < 3 && s->n > j + 15 && s->n - j < 6000; j++) {
		el = (size_t)EVP_EncodeBlock((unsigned char *)b64, s->p + j,
		    (int)(s->n - j));
		/* Whole groups of 4 away from the padded end: 16 chars. */
		for (p = 0; p + 16 + 4 <= el; p += 4) {
			memcpy(h, b64 + p, 16);
			h[16] = '\0';
			if (strstr(text, h) != NULL) {
				snprintf(found, sizeof(found), "base64 %s", h);
				return found;
			}
		}
	}
	return NULL;
}

static void
assert_no_secret(const char *text)
{
	const char *how;
	size_t i;

	for (i = 0; i < nsecrets; i++) {
		how = leaks(text, strlen(text), &secrets[i]);
		ck_assert_msg(how == NULL, "secret %zu (%zu bytes) in the "
		    "trace as %s", i, secrets[i].n, how);
	}
}

static void
echo(CLIENT *cl, size_t n)
{
	demo_data in, *out;
	char *buf = calloc(1, n + 1);

	ck_assert_ptr_nonnull(buf);
	memset(buf, 'x', n);
	in.demo_data_len = (u_int)n;
	in.demo_data_val = buf;
	out = demofs_echo_1(&in, cl);
	ck_assert_msg(out != NULL, "%s", clnt_sperror(cl, "echo"));
	xdr_free((xdrproc_t)xdr_demo_data, (char *)out);
	free(buf);
}

static CLIENT *
privacy_clnt(int p, enum rpcauth_service svc)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl = e2e_secure_clnt(p, 0, svc, 0, &err);

	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	return cl;
}

/*
 * A handshake, protected calls, a new context (MAXSEQ) and a rejection
 * (AUTH_TOOWEAK), with a callback collecting the trace.
 */
START_TEST(trace_has_events_not_secrets)
{
	static const char *const extra[] = { "--min-service", "privacy", NULL };
	struct srvproc strict;
	struct clnt_state *cs;
	CLIENT *cl;
	char ctl[256];
	size_t handle_at, key_at;
	int sport, st, i;

	/* Keep every per-message call on the GSS-API, where we watch it. */
	ck_assert_int_eq(setenv("RPCAUTH_KRB5_FASTPATH", "0", 1), 0);
	rpcauth_set_trace(trace_cb, &tlines);
	cl = privacy_clnt(port, RPCAUTH_SVC_PRIVACY);
	cs = cl->cl_auth->ah_private;
	handle_at = nsecrets;
	keep(cs->handle, cs->handle_len);
	key_at = nsecrets;
	keep_session_key(cs);
	for (i = 0; i < 3; i++)
		echo(cl, 100 + 50 * i);
	cs->seq_next = MAXSEQ;
	echo(cl, 64);
	ck_assert_uint_eq(cs->contexts, 2);
	keep(cs->handle, cs->handle_len);
	keep_session_key(cs);
	echo(cl, 64);
	e2e_secure_destroy(cl);

	ck_assert_int_eq(e2e_server_start(&strict, &sport,
	    testbed_server_keytab(bed), extra), 0);
	cl = privacy_clnt(sport, RPCAUTH_SVC_INTEGRITY);
	ck_assert_ptr_null(demofs_stats_1(NULL, cl));
	e2e_secure_destroy(cl);
	srvproc_stop(&strict, 5000, &st);
	rpcauth_set_trace(NULL, NULL);

	ck_assert_ptr_nonnull(tr.buf);
	ck_assert_msg(strstr(tr.buf, "client: handshake with demo@localhost: "
	    "mech krb5, service privacy") != NULL, "%s", tr.buf);
	ck_assert(strstr(tr.buf, "client: handshake round 1: init_sec_context "
	    "major 0x1, 0 bytes in, ") != NULL);
	ck_assert(strstr(tr.buf, "client: handshake round 1: server major 0x0, "
	    "handle 16 bytes, window 128") != NULL);
	ck_assert(strstr(tr.buf, "client: handshake with demo@localhost "
	    "complete: mech krb5, 2 rounds, mutual yes") != NULL);
	ck_assert(strstr(tr.buf, "client: new context for demo@localhost: the "
	    "security context's sequence numbers are used up") != NULL);
	ck_assert(strstr(tr.buf, "client: context 2 for demo@localhost ready")
	    != NULL);
	ck_assert(strstr(tr.buf, "rejected by the server: AUTH_TOOWEAK") != NULL);
	/* Tokens both ways, MICs, wrap tokens, two handles, two keys. */
	ck_assert_uint_ge(nsecrets, 20);
	assert_no_secret(tr.buf);

	/* Controls: the search finds a handle in hex, a key in base64. */
	snprintf(ctl, sizeof(ctl), "client: handle ");
	hex(secrets[handle_at].p + 3, 8, "0123456789ABCDEF", " ",
	    ctl + strlen(ctl));
	ck_assert_ptr_nonnull(leaks(ctl, strlen(ctl), &secrets[handle_at]));
	snprintf(ctl, sizeof(ctl), "client: key ");
	EVP_EncodeBlock((unsigned char *)ctl + strlen(ctl),
	    secrets[key_at].p, (int)secrets[key_at].n);
	ck_assert_ptr_nonnull(leaks(ctl, strlen(ctl), &secrets[key_at]));
}
END_TEST

/* Run a handshake with stderr in a file; return what was written. */
static char *
stderr_of_handshake(void)
{
	char path[512], *buf;
	int fd, saved;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stderr-%d", testbed_dir(bed),
	    (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	saved = dup(STDERR_FILENO);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	e2e_secure_destroy(privacy_clnt(port, RPCAUTH_SVC_INTEGRITY));
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	close(fd);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	ck_assert_ptr_nonnull(buf = calloc(1, (size_t)n + 1));
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	unlink(path);
	return buf;
}

/* RPCAUTH_TRACE=1 sends the same lines to stderr, prefixed. */
START_TEST(env_trace_goes_to_stderr)
{
	char *out;

	ck_assert_int_eq(setenv("RPCAUTH_TRACE", "1", 1), 0);
	out = stderr_of_handshake();
	ck_assert_msg(strstr(out, "rpcauth: client: handshake with "
	    "demo@localhost: mech krb5") != NULL, "stderr: %s", out);
	ck_assert(strstr(out, "rpcauth: client: handshake with demo@localhost "
	    "complete") != NULL);
	free(out);
}
END_TEST

/* Off by default, and with RPCAUTH_TRACE=0: the library prints nothing. */
START_TEST(trace_off_prints_nothing)
{
	char *out;

	ck_assert_int_eq(setenv("RPCAUTH_TRACE", "0", 1), 0);
	out = stderr_of_handshake();
	ck_assert_msg(out[0] == '\0', "stderr: %s", out);
	free(out);
}
END_TEST

int
main(void)
{
	Suite *s = CKSUITE1("trace", "core", 60, trace_has_events_not_secrets,
	    env_trace_goes_to_stderr, trace_off_prints_nothing);

	unsetenv("RPCAUTH_TRACE");
	return e2e_run(s, NULL, NULL, &bed, &server, &port);
}
