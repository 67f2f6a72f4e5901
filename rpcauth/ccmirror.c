/* rpcauth/ccmirror.c - the default FILE ccache, copied to memory for handshakes */
/*
 * With the default credential, MIT reads a FILE ccache six times per
 * gss_init_sec_context (open, lock, parse, close each time) and probes
 * the client keytab and ~/.k5identity: most of a client's handshake on
 * a warm ticket.  A MEMORY ccache with the same credentials answers
 * without system calls.  It is only a cache: the file is stat()ed before
 * every use, any change (device, inode, size, times) makes a new copy,
 * a missing file or a TGT within a minute of its end means no copy (MIT
 * then reports the real problem or refreshes from the client keytab),
 * and tickets MIT fetches into the copy are written to the file too.
 *
 * It must never change who the client is (docs/SECURITY.md, 3).  MIT's
 * default credential honours a per-thread name (gss_krb5_ccache_name),
 * collections (DIR, KEYRING, KCM), ~/.k5identity and ccselect plugins,
 * and the client keytab; so the copy is used only where MIT's own choice
 * provably lands on the same ticket: the process default is a FILE
 * ccache, no ~/.k5identity and no ccselect plugin can pick another
 * principal, and MIT itself, asked for a credential of the copy's
 * principal through the calling thread's ccache name, finds a ticket of
 * that principal that ends when the copy's TGT ends.  Anything else:
 * NULL, and the caller uses MIT's default credential as it is.
 */
#include "config.h"

#include <sys/stat.h>

#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi_krb5.h>
#include <krb5.h>
#include <profile.h>
#include <openssl/crypto.h>

#include "ccmirror.h"
#include "mech.h"
#include "trace.h"

/* A TGT this close to its end is left to MIT's own path. */
#define MARGIN_S	60

struct ccmirror {
	char		*path;
	struct stat	 st;		/* of the file when copied */
	time_t		 tgt_end;
	size_t		 ncreds;	/* in mem that the file has too */
	krb5_ccache	 mem;
	gss_cred_id_t	 cred;
	gss_name_t	 name;		/* the copy's principal */
	unsigned	 refs;		/* the table's own included */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static krb5_context kctx;	/* under lock */
static struct ccmirror *cur;	/* under lock */

static int
enabled(void)
{
	/* Not from the environment of a setuid caller's user. */
	const char *v = secure_getenv("RPCAUTH_CCACHE_MIRROR");

	return v == NULL || strcmp(v, "0") != 0;
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void
mirror_free(struct ccmirror *m)
{
	OM_uint32 min;

	if (m == NULL)
		return;
	if (m->cred != GSS_C_NO_CREDENTIAL)
		(void)gss_release_cred(&min, &m->cred);
	if (m->name != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &m->name);
	if (m->mem != NULL)
		(void)krb5_cc_destroy(kctx, m->mem);	/* frees the keys */
	free(m->path);
	free(m);
}

/* Drop a reference; under lock. */
static void
unref_locked(struct ccmirror *m)
{
	if (m != NULL && --m->refs == 0)
		mirror_free(m);
}

/* The path of the default ccache if it is a FILE one; NULL otherwise. */
static char *
default_file_path(void)
{
	const char *name;

	/* NULL resets the context's cached name to KRB5CCNAME / krb5.conf. */
	if (krb5_cc_set_default_name(kctx, NULL) != 0 ||
	    (name = krb5_cc_default_name(kctx)) == NULL)
		return NULL;
	if (strncmp(name, "FILE:", 5) == 0)
		name += 5;
	else if (name[0] != '/')
		return NULL;	/* KEYRING, KCM, DIR, MEMORY...: not ours */
	return strdup(name);
}

/* Call fn on each credential of cc; under lock. */
static void
each_cred(krb5_ccache cc, void (*fn)(krb5_creds *, void *), void *arg)
{
	krb5_cc_cursor c = NULL;
	krb5_creds cr;

	if (krb5_cc_start_seq_get(kctx, cc, &c) != 0)
		return;
	while (krb5_cc_next_cred(kctx, cc, &c, &cr) == 0) {
		fn(&cr, arg);
		krb5_free_cred_contents(kctx, &cr);
	}
	(void)krb5_cc_end_seq_get(kctx, cc, &c);
}

static void
count_one(krb5_creds *cr, void *arg)
{
	(void)cr;
	(*(size_t *)arg)++;
}

static size_t
count_creds(krb5_ccache cc)
{
	size_t n = 0;

	each_cred(cc, count_one, &n);
	return n;
}

struct tgt_search {
	krb5_const_principal client;
	time_t		 end;
};

/* krbtgt/REALM@REALM of the client's realm: its end is the copy's. */
static void
tgt_one(krb5_creds *c, void *arg)
{
	struct tgt_search *ts = arg;
	const krb5_data *realm = &ts->client->realm;

	if (c->server != NULL && c->server->length == 2 &&
	    c->server->data[0].length == 6 &&
	    CRYPTO_memcmp(c->server->data[0].data, "krbtgt", 6) == 0 &&
	    krb5_realm_compare(kctx, c->server, ts->client) &&
	    c->server->data[1].length == realm->length &&
	    CRYPTO_memcmp(c->server->data[1].data, realm->data,
	    realm->length) == 0)
		ts->end = (time_t)(uint32_t)c->times.endtime;
}

/* When the client's TGT ends; 0 if there is none. */
static time_t
tgt_end(krb5_ccache cc, krb5_principal client)
{
	struct tgt_search ts = { client, 0 };

	each_cred(cc, tgt_one, &ts);
	return ts.end;
}

/* A fresh copy of the file at path (stat'ed as *st); NULL if unusable. */
static struct ccmirror *
mirror_make(char *path, const struct stat *st)
{
	struct ccmirror *m = NULL;
	krb5_ccache file = NULL;
	krb5_principal client = NULL;
	gss_buffer_desc nbuf;
	OM_uint32 maj, min;
	char name[4200], *pstr = NULL;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		goto fail;
	m->path = path;
	path = NULL;
	m->st = *st;
	m->cred = GSS_C_NO_CREDENTIAL;
	m->name = GSS_C_NO_NAME;
	if (strlen(m->path) + 6 > sizeof(name))
		goto fail;
	memcpy(name, "FILE:", 5);
	memcpy(name + 5, m->path, strlen(m->path) + 1);
	if (krb5_cc_resolve(kctx, name, &file) != 0 ||
	    krb5_cc_get_principal(kctx, file, &client) != 0 ||
	    krb5_cc_new_unique(kctx, "MEMORY", NULL, &m->mem) != 0 ||
	    krb5_cc_initialize(kctx, m->mem, client) != 0 ||
	    krb5_cc_copy_creds(kctx, file, m->mem) != 0)
		goto fail;
	m->tgt_end = tgt_end(m->mem, client);
	m->ncreds = count_creds(m->mem);
	maj = gss_krb5_import_cred(&min, m->mem, NULL, NULL, &m->cred);
	if (GSS_ERROR(maj))
		goto fail;
	/* The copy's principal as a GSS name, imported from its text: a
	 * name from gss_inquire_cred carries a mechanism name that MIT 1.20
	 * does not free with gss_release_name (LeakSanitizer). */
	if (krb5_unparse_name(kctx, client, &pstr) != 0)
		goto fail;
	nbuf.value = pstr;
	nbuf.length = strlen(pstr);
	maj = gss_import_name(&min, &nbuf, GSS_KRB5_NT_PRINCIPAL_NAME,
	    &m->name);
	krb5_free_unparsed_name(kctx, pstr);
	if (GSS_ERROR(maj))
		goto fail;
	m->refs = 1;
	goto out;
fail:
	mirror_free(m);
	m = NULL;
out:
	free(path);
	if (client != NULL)
		krb5_free_principal(kctx, client);
	if (file != NULL)
		(void)krb5_cc_close(kctx, file);
	return m;
}

/*
 * The passwd entry's home directory of euid, looked up once per copy:
 * getpwuid_r reads nsswitch.conf and /etc/passwd (or asks a directory
 * service), about 4 us, on every handshake otherwise.  A new copy (any
 * change of the ccache file) or another euid looks it up again.  Under
 * lock; NULL when there is no entry (or no memory: asked again next time).
 */
static uid_t pw_uid;
static int pw_known;
static char *pw_home;

static void
pw_forget_locked(void)
{
	free(pw_home);
	pw_home = NULL;
	pw_known = 0;
}

static const char *
pw_home_locked(void)
{
	struct passwd pw, *pwp = NULL;
	char buf[4096];
	uid_t uid = geteuid();

	if (!pw_known || pw_uid != uid) {
		pw_forget_locked();
		if (getpwuid_r(uid, &pw, buf, sizeof(buf), &pwp) == 0 &&
		    pwp != NULL && (pw_home = strdup(pwp->pw_dir)) == NULL)
			return NULL;
		pw_uid = uid;
		pw_known = 1;
	}
	return pw_home;
}

/*
 * Whether ~/.k5identity may exist: MIT's k5identity ccselect module reads
 * $HOME/.k5identity (HOME unless setuid, else the passwd entry) and may
 * pick another principal for a target.  Both places are checked.  Under
 * lock.
 */
static int
k5identity_possible_locked(void)
{
	const char *home = secure_getenv("HOME"), *pwdir;
	char path[4200];

	if (home != NULL && snprintf(path, sizeof(path), "%s/.k5identity",
	    home) < (int)sizeof(path) && access(path, F_OK) == 0)
		return 1;
	if ((pwdir = pw_home_locked()) == NULL)
		return home == NULL;	/* no home known: cannot tell */
	return snprintf(path, sizeof(path), "%s/.k5identity", pwdir) >=
	    (int)sizeof(path) || access(path, F_OK) == 0;
}

/* A ccselect plugin module in krb5.conf can pick any ccache; under lock. */
static int
ccselect_plugins_locked(void)
{
	static const char *const names[] = { "plugins", "ccselect",
	    "module", NULL };
	profile_t prof = NULL;
	char **vals = NULL;
	int found;

	if (krb5_get_profile(kctx, &prof) != 0)
		return 1;
	found = profile_get_values(prof, names, &vals) == 0 &&
	    vals != NULL && vals[0] != NULL;
	if (vals != NULL)
		profile_free_list(vals);
	profile_release(prof);
	return found;
}

/*
 * Ask MIT itself: a credential for the copy's principal through the
 * calling thread's ccache name (or the process default when the thread
 * has none), without the copy.  MIT compares the principal of that
 * ccache (a DIR or KEYRING collection's primary, bob's FILE ...) and
 * reports when its TGT ends; both must be the copy's.
 * gss_krb5_ccache_name(..., &old) would tell the thread's name, but it
 * frees the old name MIT handed the application on its own last call,
 * and returns the process default when the thread has none: not usable.
 * The lifetime comes with the acquisition (time_rec, from the TGT end
 * MIT's acquire found): a gss_inquire_cred afterwards was a second pass
 * through the mechanism, with a krb5 context of its own, for the same
 * number (docs/PERFORMANCE.md).
 */
static int
mit_agrees(const struct ccmirror *m)
{
	gss_OID_set_desc mechs = { 1, (gss_OID)mech_by_name("krb5") };
	gss_cred_id_t c = GSS_C_NO_CREDENTIAL;
	OM_uint32 maj, min, life = 0;
	time_t now;
	int ok = 0;

	now = time(NULL);
	maj = gss_acquire_cred(&min, m->name, GSS_C_INDEFINITE, &mechs,
	    GSS_C_INITIATE, &c, NULL, &life);
	/* Indefinite or 0: no ticket there, MIT would fetch one (client
	 * keytab). */
	if (GSS_ERROR(maj) || life == 0 || life == GSS_C_INDEFINITE)
		goto out;
	ok = (time_t)(now + life) >= m->tgt_end - 1 &&
	    (time_t)(now + life) <= m->tgt_end + 1;
out:
	if (c != GSS_C_NO_CREDENTIAL)
		(void)gss_release_cred(&min, &c);
	return ok;
}

struct ccmirror *
ccmirror_get(void)
{
	struct ccmirror *m = NULL;
	struct stat st;
	char *path = NULL;
	const char *why = NULL;
	int made = 0;
	long left = 0;

	if (!enabled())
		return NULL;
	pthread_mutex_lock(&lock);
	if (kctx == NULL && krb5_init_context(&kctx) != 0) {
		kctx = NULL;
		goto out;
	}
	if ((path = default_file_path()) == NULL || stat(path, &st) != 0)
		goto drop;
	if (cur == NULL || strcmp(cur->path, path) != 0 ||
	    !same_file(&cur->st, &st))
		pw_forget_locked();	/* no copy or a changed file: ask again */
	if (ccselect_plugins_locked() || k5identity_possible_locked()) {
		why = "a ccselect plugin or ~/.k5identity may choose the "
		    "principal";
		goto out;
	}
	if (cur == NULL || strcmp(cur->path, path) != 0 ||
	    !same_file(&cur->st, &st)) {
		unref_locked(cur);
		cur = mirror_make(path, &st);
		path = NULL;
		made = cur != NULL;
	}
	if (cur == NULL || cur->tgt_end == 0 ||
	    time(NULL) + MARGIN_S >= cur->tgt_end)
		goto out;
	m = cur;
	m->refs++;
	left = (long)(m->tgt_end - time(NULL));
	goto out;
drop:
	/* No file (kdestroy) or another kind: forget the copy. */
	unref_locked(cur);
	cur = NULL;
	pw_forget_locked();
out:
	pthread_mutex_unlock(&lock);
	free(path);
	if (made)
		TRACE("client: default FILE ccache copied to memory");
	/* Outside the lock: MIT reads the ccache the thread would use. */
	if (m != NULL && !mit_agrees(m)) {
		why = "this thread's ccache (gss_krb5_ccache_name) holds "
		    "another ticket";
		ccmirror_put(m);
		m = NULL;
	}
	if (why != NULL)
		TRACE("client: memory copy of the ccache not used: %s", why);
	if (m != NULL)
		TRACE("client: default credentials from the memory copy (TGT "
		    "valid %ld s more)", left);
	return m;
}

gss_cred_id_t
ccmirror_cred(const struct ccmirror *m)
{
	return m != NULL ? m->cred : GSS_C_NO_CREDENTIAL;
}

/* Store in the file (arg) what it does not have yet. */
static void
store_missing(krb5_creds *cr, void *arg)
{
	krb5_ccache file = arg;
	krb5_creds found;

	if (krb5_cc_retrieve_cred(kctx, file, KRB5_TC_MATCH_TIMES_EXACT, cr,
	    &found) == 0)
		krb5_free_cred_contents(kctx, &found);
	else
		(void)krb5_cc_store_cred(kctx, file, cr);
}

/*
 * Tickets MIT fetched into the copy go to the file as well, as they would
 * have without the copy (other processes, klist).  Rare: once per new
 * service; the file then changes and the next handshake copies it anew.
 */
static void
write_back_locked(struct ccmirror *m)
{
	krb5_ccache file = NULL;
	char name[4200];
	size_t n;

	if ((n = count_creds(m->mem)) <= m->ncreds)
		return;
	m->ncreds = n;
	snprintf(name, sizeof(name), "FILE:%s", m->path);
	if (krb5_cc_resolve(kctx, name, &file) != 0)
		return;
	each_cred(m->mem, store_missing, file);
	(void)krb5_cc_close(kctx, file);
}

void
ccmirror_put(struct ccmirror *m)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&lock);
	write_back_locked(m);
	unref_locked(m);
	pthread_mutex_unlock(&lock);
}
