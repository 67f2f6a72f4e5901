/* rpcauth/svc_register.c - registration: options, mechanisms, acceptor credentials */
/*
 * Everything that can be wrong with a server's set-up is found here, once,
 * with a message that names it: options, a mechanism with no GSS module, a
 * keytab that is missing or unreadable, a principal with no key in it.
 * The keytab is read with the krb5 API before GSS sees it, because
 * gss_acquire_cred reports all of these as one "no credentials" status.
 * One acceptor credential is acquired per distinct principal (the default
 * one and those of the per-program policies), for the allowed mechanisms,
 * with SPNEGO restricted to the allowed inner mechanisms: without that
 * restriction MIT's SPNEGO acceptor negotiates any mechanism installed.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi_ext.h>
#include <krb5.h>

#include "gsserr.h"
#include "mech.h"
#include "svc_internal.h"
#include "trace.h"

/* "service@host" split in place; host NULL when the name has no '@'. */
struct hostbased {
	char		 service[256];
	char		 host[256];
	int		 has_host;
};

static int
split_hostbased(const char *name, struct hostbased *hb)
{
	const char *at = strchr(name, '@');
	size_t slen = at != NULL ? (size_t)(at - name) : strlen(name);
	size_t i;

	memset(hb, 0, sizeof(*hb));
	if (slen == 0 || slen >= sizeof(hb->service))
		return -1;
	if (at != NULL && (at[1] == '\0' || strlen(at + 1) >= sizeof(hb->host)))
		return -1;
	memcpy(hb->service, name, slen);
	if (at != NULL) {
		/* krb5_sname_to_principal lowercases the host too. */
		for (i = 0; at[1 + i] != '\0'; i++)
			hb->host[i] = (char)tolower((unsigned char)at[1 + i]);
		hb->has_host = 1;
	}
	return 0;
}

/* The file behind a keytab name, or NULL for types that are not files. */
static const char *
keytab_file(const char *name)
{
	const char *colon = strchr(name, ':'), *slash = strchr(name, '/');

	if (strncmp(name, "FILE:", 5) == 0)
		return name + 5;
	if (strncmp(name, "WRFILE:", 7) == 0)
		return name + 7;
	/* "TYPE:residual" names another type; a path may hold a colon. */
	if (colon != NULL && (slash == NULL || colon < slash))
		return NULL;
	return name;
}

/* Does the entry's principal have the components of hb (any realm)? */
static int
entry_matches(krb5_context ctx, krb5_const_principal p,
    const struct hostbased *hb)
{
	char *s = NULL, *at, *slash;
	int ok = 0;

	if (krb5_unparse_name_flags(ctx, p, KRB5_PRINCIPAL_UNPARSE_NO_REALM,
	    &s) != 0)
		return 0;
	slash = strchr(s, '/');
	at = strchr(s, '@');		/* only if escaped oddly: refuse */
	if (slash == NULL || at != NULL || strchr(slash + 1, '/') != NULL)
		goto out;
	*slash = '\0';
	ok = strcmp(s, hb->service) == 0 &&
	    (!hb->has_host || strcasecmp(slash + 1, hb->host) == 0);
out:
	krb5_free_unparsed_name(ctx, s);
	return ok;
}

static void
krb5_msg(krb5_context ctx, krb5_error_code code, char *buf, size_t len)
{
	const char *m = krb5_get_error_message(ctx, code);

	snprintf(buf, len, "%s", m != NULL ? m : "unknown krb5 error");
	krb5_free_error_message(ctx, m);
}

/*
 * Read the keytab through: it must exist, be readable, and hold a key for
 * `principal` ("service@host"; NULL: any key).  0, or -1 with *err.
 */
static int
keytab_check(const char *keytab, const char *principal,
    struct rpcauth_err *err)
{
	krb5_context ctx = NULL;
	krb5_keytab kt = NULL;
	krb5_kt_cursor cur;
	krb5_keytab_entry ent;
	krb5_error_code code;
	struct hostbased hb;
	char name[1024], msg[512], *realm = NULL;
	const char *shown, *path;
	size_t nkeys = 0, nmatch = 0;
	int fd, started = 0, ret = -1;

	if (principal != NULL && split_hostbased(principal, &hb) != 0)
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "principal \"%s\" is not of the form service@host",
		    principal);
	if ((code = krb5_init_context(&ctx)) != 0) {
		ctx = NULL;
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "cannot initialise "
		    "krb5 (error %d): check KRB5_CONFIG", (int)code);
		goto out;
	}
	if (keytab != NULL)
		snprintf(name, sizeof(name), "%s", keytab);
	else if ((code = krb5_kt_default_name(ctx, name, sizeof(name))) != 0) {
		krb5_msg(ctx, code, msg, sizeof(msg));
		rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "no default keytab: %s", msg);
		goto out;
	}
	shown = keytab != NULL ? keytab : name;
	if ((path = keytab_file(name)) != NULL) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			rpcauth_err_set(err, RPCAUTH_E_CONFIG,
			    "keytab %s is missing or unreadable: %s", shown,
			    strerror(errno));
			goto out;
		}
		(void)close(fd);
	}
	if ((code = krb5_kt_resolve(ctx, name, &kt)) != 0 ||
	    (code = krb5_kt_start_seq_get(ctx, kt, &cur)) != 0) {
		krb5_msg(ctx, code, msg, sizeof(msg));
		/* A file we could open but krb5 cannot read is not a keytab. */
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, path != NULL ?
		    "keytab %s is not a usable keytab: %s" :
		    "keytab %s is missing or unreadable: %s", shown, msg);
		goto out;
	}
	started = 1;
	while ((code = krb5_kt_next_entry(ctx, kt, &ent, &cur)) == 0) {
		nkeys++;
		if (principal != NULL && entry_matches(ctx, ent.principal, &hb))
			nmatch++;
		(void)krb5_free_keytab_entry_contents(ctx, &ent);
	}
	if (code != KRB5_KT_END) {
		krb5_msg(ctx, code, msg, sizeof(msg));
		rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "keytab %s is not a usable keytab: %s", shown, msg);
		goto out;
	}
	if (principal == NULL && nkeys == 0) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "keytab %s holds no keys", shown);
		goto out;
	}
	if (principal != NULL && nmatch == 0) {
		if (krb5_get_default_realm(ctx, &realm) != 0)
			realm = NULL;
		rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "no key for %s%s%s@%s in keytab %s (%zu keys for other "
		    "principals)", hb.service, hb.has_host ? "/" : "",
		    hb.has_host ? hb.host : "", realm != NULL ? realm :
		    "(default realm)", shown, nkeys);
		goto out;
	}
	ret = 0;
out:
	if (started)
		(void)krb5_kt_end_seq_get(ctx, kt, &cur);
	if (kt != NULL)
		(void)krb5_kt_close(ctx, kt);
	if (ctx != NULL) {
		krb5_free_default_realm(ctx, realm);
		krb5_free_context(ctx);
	}
	return ret;
}

/* One acceptor credential for `principal` (NULL: any key). */
static int
acquire_one(const char *principal, const char *keytab, unsigned mechs,
    unsigned inner, gss_cred_id_t *out, struct rpcauth_err *err)
{
	gss_key_value_element_desc el = { "keytab", keytab };
	gss_key_value_set_desc store = { 1, &el };
	gss_OID_desc want_el[3], inner_el[3];
	gss_OID_set_desc want, neg;
	gss_buffer_desc nbuf;
	gss_name_t name = GSS_C_NO_NAME;
	OM_uint32 maj, min;
	char what[1400];
	int ret = -1;

	*out = GSS_C_NO_CREDENTIAL;
	if (((mechs | inner) & MECH_KRB5) != 0 &&
	    keytab_check(keytab, principal, err) != 0)
		goto out;
	if (principal != NULL) {
		nbuf.value = (void *)(uintptr_t)principal;
		nbuf.length = strlen(principal);
		maj = gss_import_name(&min, &nbuf, GSS_C_NT_HOSTBASED_SERVICE,
		    &name);
		if (GSS_ERROR(maj)) {
			gsserr_set(err, RPCAUTH_E_CONFIG,
			    "bad service principal name", maj, min,
			    GSS_C_NO_OID);
			goto out;
		}
	}
	mech_set_oids(mechs, &want, want_el);
	maj = gss_acquire_cred_from(&min, name, GSS_C_INDEFINITE, &want,
	    GSS_C_ACCEPT, keytab != NULL ? &store : NULL, out, NULL, NULL);
	if (GSS_ERROR(maj)) {
		snprintf(what, sizeof(what), "cannot acquire the acceptor "
		    "credential for %s (keytab %s)", principal != NULL ?
		    principal : "any service", keytab != NULL ? keytab :
		    "the default");
		gsserr_set(err, RPCAUTH_E_CONFIG, what, maj, min,
		    GSS_C_NO_OID);
		goto out;
	}
	if ((mechs & MECH_SPNEGO) != 0) {
		mech_set_oids(inner, &neg, inner_el);
		maj = gss_set_neg_mechs(&min, *out, &neg);
		if (GSS_ERROR(maj)) {
			gsserr_set(err, RPCAUTH_E_CONFIG, "cannot restrict "
			    "what SPNEGO may negotiate", maj, min,
			    GSS_C_NO_OID);
			goto out;
		}
	}
	TRACE("svc: acceptor credential for %s: mechanisms 0x%x",
	    principal != NULL ? principal : "any service", mechs);
	ret = 0;
out:
	if (ret != 0 && *out != GSS_C_NO_CREDENTIAL)
		(void)gss_release_cred(&min, out);
	if (name != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &name);
	return ret;
}

static int
same_principal(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Index of an acceptor for `principal`, acquired if it is new; -1 on error. */
static long
acceptor_index(const struct rpcauth_svc_opts *o, const char *principal,
    unsigned mechs, unsigned inner, struct rpcauth_err *err)
{
	struct svc_acceptor *a;
	size_t i;

	for (i = 0; i < svc_g.nacceptors; i++)
		if (same_principal(svc_g.acceptors[i].principal, principal))
			return (long)i;
	a = &svc_g.acceptors[svc_g.nacceptors];
	if (principal != NULL && (a->principal = strdup(principal)) == NULL)
		return rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
	if (acquire_one(principal, o->keytab, mechs, inner, &a->cred,
	    err) != 0) {
		free(a->principal);
		a->principal = NULL;
		return -1;
	}
	return (long)svc_g.nacceptors++;
}

static int
svc_acceptors_acquire(const struct rpcauth_svc_opts *o, unsigned mechs,
    unsigned inner, struct rpcauth_err *err)
{
	long idx;
	size_t i;

	svc_g.acceptors = calloc(1 + o->npolicies, sizeof(*svc_g.acceptors));
	if (svc_g.acceptors == NULL)
		return rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
	if (acceptor_index(o, o->principal, mechs, inner, err) < 0)
		return -1;
	for (i = 0; i < o->npolicies; i++) {
		if (o->policies[i].principal == NULL)
			continue;
		if ((idx = acceptor_index(o, o->policies[i].principal, mechs,
		    inner, err)) < 0)
			return -1;
		svc_g.policies[i].acceptor = (size_t)idx;
	}
	return 0;
}

static void
svc_acceptors_release(void)
{
	OM_uint32 min;
	size_t i;

	for (i = 0; i < svc_g.nacceptors; i++) {
		if (svc_g.acceptors[i].cred != GSS_C_NO_CREDENTIAL)
			(void)gss_release_cred(&min, &svc_g.acceptors[i].cred);
		free(svc_g.acceptors[i].principal);
	}
	free(svc_g.acceptors);
	svc_g.acceptors = NULL;
	svc_g.nacceptors = 0;
}

/*
 * GSS would read "demo" as demo@<this host's name>, a guess about DNS that
 * fails later and elsewhere: the documented form is required instead.
 */
static int
check_principal(const char *what, const char *p, struct rpcauth_err *err)
{
	const char *at;

	if (p == NULL || ((at = strchr(p, '@')) != NULL && at != p &&
	    at[1] != '\0' && memchr(p, '/', (size_t)(at - p)) == NULL))
		return 0;
	if (at != NULL && at != p && memchr(p, '/', (size_t)(at - p)) != NULL)
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG, "%sprincipal "
		    "\"%s\" is a Kerberos principal name: write it as "
		    "service@host (the principal kv/fs.example.org@REALM is "
		    "\"kv@fs.example.org\")", what, p);
	return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
	    "%sprincipal \"%s\" is not of the form service@host", what, p);
}

static int
check_opts(const struct rpcauth_svc_opts *o, struct rpcauth_err *err)
{
	char what[32];
	size_t i;

	if (check_principal("", o->principal, err) != 0)
		return -1;
	if (o->window > SEQWIN_MAX)
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "window %u is larger than %u", o->window, SEQWIN_MAX);
	if (o->min_service > RPCAUTH_SVC_PRIVACY)
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "unknown minimum service %d", (int)o->min_service);
	if (o->npolicies > 0 && o->policies == NULL)
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "npolicies is %zu but policies is NULL", o->npolicies);
	for (i = 0; i < o->npolicies; i++) {
		if (o->policies[i].min_service > RPCAUTH_SVC_PRIVACY)
			return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
			    "policy %zu: unknown minimum service %d", i,
			    (int)o->policies[i].min_service);
		snprintf(what, sizeof(what), "policy %zu: ", i);
		if (check_principal(what, o->policies[i].principal, err) != 0)
			return -1;
		/* An unknown value must not open anything by accident. */
		if (o->policies[i].unauth > RPCAUTH_UNAUTH_ALL)
			return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
			    "policy %zu: unknown unauth value %d", i,
			    (int)o->policies[i].unauth);
	}
	return 0;
}

static void
reset_globals(void)
{
	svc_acceptors_release();
	ctxcache_free(svc_g.cc);
	svc_g.cc = NULL;
	free(svc_g.policies);
	svc_g.policies = NULL;
	svc_g.npolicies = 0;
}

/*
 * MIT's acceptor keeps a replay cache, by default a file in KRB5RCACHEDIR
 * or /var/tmp.  A directory this process cannot write makes every
 * handshake fail with "Generic error (see e-text)" on the client and
 * nothing clearer on the server, so it is checked once here.  Skipped
 * when the cache is turned off or named explicitly (KRB5RCACHETYPE=none,
 * KRB5RCACHENAME); a krb5.conf default_rcache_name elsewhere is not seen.
 */
static int
check_rcache_dir(struct rpcauth_err *err)
{
	const char *type = secure_getenv("KRB5RCACHETYPE");
	const char *dir = secure_getenv("KRB5RCACHEDIR");

	if ((type != NULL && strcmp(type, "none") == 0) ||
	    secure_getenv("KRB5RCACHENAME") != NULL)
		return 0;
	if (dir == NULL || *dir == '\0')
		dir = "/var/tmp";
	if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == 0)
		return 0;
	return rpcauth_err_set(err, RPCAUTH_E_CONFIG, "the replay cache "
	    "directory %s is not writable by this process (%s): every "
	    "handshake would fail; create it for this account or point "
	    "KRB5RCACHEDIR at one it can write", dir, strerror(errno));
}

/*
 * The registration proper.  opts: imported by abi_svc_opts_import, in this
 * library's layout; err is never NULL here.
 */
static int
register_opts(const struct rpcauth_svc_opts *opts, struct rpcauth_err *err)
{
	const struct rpcauth_svc_policy *p;
	unsigned mechs, inner;
	uint32_t flavor;
	size_t i;
	int ret = -1, r;

	flavor = opts->flavor != 0 ? opts->flavor : RPCAUTH_FLAVOR;
	if (check_opts(opts, err) != 0 ||
	    mech_set_parse(opts->mechs, &mechs, err) != 0 ||
	    check_rcache_dir(err) != 0)
		return -1;
	/* SPNEGO negotiates the listed mechanisms, krb5 if none is listed. */
	inner = mechs & mech_spnego_inner(1);
	if ((mechs & MECH_SPNEGO) != 0 && inner == 0)
		inner = MECH_KRB5;
	if (mech_set_installed(mechs | inner, err) != 0)
		return -1;
	pthread_mutex_lock(&svc_g.lock);
	if (svc_g.registered) {
		/* Leave the registration in place: libtirpc still calls it. */
		pthread_mutex_unlock(&svc_g.lock);
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "rpcauth_svc_register was already called in this process");
	}
	if (opts->npolicies > 0) {
		svc_g.policies = calloc(opts->npolicies,
		    sizeof(*svc_g.policies));
		if (svc_g.policies == NULL) {
			rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
			goto out;
		}
		/* Acceptor indexes are filled in by svc_acceptors_acquire. */
		for (i = 0; i < opts->npolicies; i++) {
			p = &opts->policies[i];
			svc_g.policies[i].prog = (uint32_t)p->prog;
			svc_g.policies[i].vers = (uint32_t)p->vers;
			svc_g.policies[i].min_service = p->min_service;
			svc_g.policies[i].unauth = p->unauth;
		}
		svc_g.npolicies = opts->npolicies;
	}
	if (svc_acceptors_acquire(opts, mechs, inner, err) != 0)
		goto out;
	svc_g.cc = ctxcache_new(opts->max_contexts != 0 ? opts->max_contexts :
	    RPCAUTH_DEFAULT_MAX_CONTEXTS, RPCAUTH_HALF_OPEN_TTL_S);
	if (svc_g.cc == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_NOMEM,
		    "no memory for the context table");
		goto out;
	}
	svc_g.flavor = flavor;
	svc_g.mechs = mechs;
	svc_g.inner_mechs = inner;
	svc_g.window = opts->window != 0 ? opts->window : SEQWIN_DEFAULT;
	svc_g.min_service = opts->min_service;
	svc_g.max_token = opts->max_token != 0 ? opts->max_token :
	    RPCAUTH_DEFAULT_MAX_TOKEN;
	svc_g.max_body = opts->max_body != 0 ? opts->max_body :
	    RPCAUTH_DEFAULT_MAX_BODY;
	svc_g.authorize = opts->authorize;
	svc_g.authorize_arg = opts->authorize_arg;
	svc_g.cookie_free = opts->cookie_free;
	r = svc_auth_reg((int)flavor, svc_handler);
	if (r != 0) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, r == 1 ?
		    "flavor %u is already taken in libtirpc (6 belongs to "
		    "its own RPCSEC_GSS)" : "svc_auth_reg(%u) failed", flavor);
		goto out;
	}
	svc_g.registered = 1;
	TRACE("svc: registered flavor %u, mechanisms 0x%x (SPNEGO inner 0x%x), "
	    "%zu acceptor credential(s)", flavor, mechs, inner,
	    svc_g.nacceptors);
	ret = 0;
out:
	if (ret != 0)
		reset_globals();
	pthread_mutex_unlock(&svc_g.lock);
	return ret;
}

int
rpcauth_svc_register(const struct rpcauth_svc_opts *opts,
    struct rpcauth_err *err)
{
	struct rpcauth_svc_opts o;
	struct rpcauth_svc_policy *policies = NULL;
	struct rpcauth_err local = RPCAUTH_ERR_INIT;
	struct rpcauth_err *e = err != NULL ? err : &local;
	int ret = -1;

	krb5conf_pin();
	/* Read once, in this library's layout, whatever header the caller
	 * was built with (docs/ABI.md).  Inside the library err is never
	 * NULL (docs/ARCHITECTURE.md, "Errors"): the trace still gets the
	 * message the caller declined. */
	if (abi_svc_opts_import(opts, &o, &policies, e) == 0) {
		ret = register_opts(&o, e);
		free(policies);		/* register_opts copied what it keeps */
	}
	if (ret != 0)
		TRACE("svc: registration failed: %s", e->msg);
	rpcauth_err_clear(&local);
	return ret;
}
