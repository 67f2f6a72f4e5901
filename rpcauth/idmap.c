/* rpcauth/idmap.c - an authenticated GSS name as a local account */
/*
 * Runs once per context, the first time the authorize callback or
 * rpcauth_svc_caller() asks (not at establishment: a context set up and
 * torn down without a call never pays for NSS), and the answer is kept
 * for the context's life: the account may change later, the context's
 * identity does not.  The mechanism decides the local name (krb5: auth_to_local
 * rules of krb5.conf), except for NTLM: gss-ntlmssp looks up the name as
 * the client typed it, so "ALICE" and "alice" would be two accounts; we
 * look up the canonical name (idmap_ntlm_canonical) instead, with the
 * same rule: DOMAIN\user if there is such an account, else user.  The
 * account must exist in the passwd database, with a group list read
 * whole, or the caller is nobody.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi_ext.h>

#include "idmap.h"

/* getpwnam_r's buffer may grow to this; real entries need far less. */
#define PWBUF_MAX	(1024 * 1024)

static void
set_nobody(struct idmap_ident *id)
{
	memset(id, 0, sizeof(*id));
	id->uid = (uid_t)RPCAUTH_NOBODY;
	id->gid = (gid_t)RPCAUTH_NOBODY;
}

int
idmap_ntlm_canonical(char *name)
{
	char *bs = strchr(name, '\\'), *p;

	for (p = name; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return -1;
		/* Domain up to the backslash, user after it.  ASCII by hand:
		 * toupper() depends on the locale (Turkish I). */
		if (bs != NULL && p < bs) {
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		} else if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	return 0;
}

/* The local name as a C string; -1 if empty, too long or with a NUL inside. */
static int
local_name(gss_name_t name, gss_OID mech, char *buf, size_t cap)
{
	gss_buffer_desc ln = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;
	size_t len;
	int ret = -1;

	maj = gss_localname(&min, name, mech, &ln);
	if (GSS_ERROR(maj) || ln.value == NULL)
		goto out;
	len = ln.length;
	/* gss-ntlmssp counts the terminating NUL in its lengths. */
	if (len > 0 && ((const char *)ln.value)[len - 1] == '\0')
		len--;
	if (len == 0 || len >= cap || memchr(ln.value, '\0', len) != NULL)
		goto out;
	memcpy(buf, ln.value, len);
	buf[len] = '\0';
	ret = 0;
out:
	(void)gss_release_buffer(&min, &ln);
	return ret;
}

/*
 * Group lists NSS may return, at most: larger answers are refused rather
 * than allocated (Linux itself allows 65536 supplementary groups).
 */
#define GROUPS_ALL_MAX	65536
/* getgrouplist calls when the list keeps growing between two of them. */
#define GROUPS_TRIES	4

static struct idmap_nss nss = { getpwnam_r, getgrouplist };

void
idmap_set_nss(const struct idmap_nss *n)
{
	nss.getpwnam_r = n != NULL && n->getpwnam_r != NULL ? n->getpwnam_r :
	    getpwnam_r;
	nss.getgrouplist = n != NULL && n->getgrouplist != NULL ?
	    n->getgrouplist : getgrouplist;
}

/*
 * getgrouplist into out->groups, keeping the first RPCAUTH_MAX_GROUPS.
 * Only what getgrouplist said it wrote is copied: the group database may
 * change between the call that counts and the call that fills (NSS is
 * read afresh each time), and the rest of the buffer is not a group list
 * (zeros there would read as gid 0, root's group).  0, or -1 when the
 * list cannot be read whole: the caller is then nobody, since a partial
 * list could lack a group that an ACL denies.
 */
static int
fill_groups(const char *user, gid_t gid, struct idmap_ident *out)
{
	gid_t small[RPCAUTH_MAX_GROUPS], *all = NULL;
	int n = RPCAUTH_MAX_GROUPS, want, tries, ret = -1;
	size_t keep;

	if (nss.getgrouplist(user, gid, small, &n) >= 0) {
		if (n < 0 || n > RPCAUTH_MAX_GROUPS)
			goto out;
		memcpy(out->groups, small, (size_t)n * sizeof(gid_t));
		out->ngroups = (size_t)n;
		ret = 0;
		goto out;
	}
	/* More groups than we keep: ask for all, keep the head in order.
	 * n now holds the count the failed call needed. */
	for (tries = 0; tries < GROUPS_TRIES; tries++) {
		if (n <= 0 || n > GROUPS_ALL_MAX)
			goto out;
		want = n;
		free(all);
		if ((all = calloc((size_t)want, sizeof(*all))) == NULL)
			goto out;
		if (nss.getgrouplist(user, gid, all, &n) >= 0) {
			if (n < 0 || n > want)
				goto out;
			keep = (size_t)n < RPCAUTH_MAX_GROUPS ? (size_t)n :
			    RPCAUTH_MAX_GROUPS;
			memcpy(out->groups, all, keep * sizeof(gid_t));
			out->ngroups = keep;
			ret = 0;
			goto out;
		}
		/* It grew again: n has the new count; try once more. */
	}
out:
	free(all);
	return ret;
}

int
idmap_account(const char *user, struct idmap_ident *out)
{
	struct passwd pw, *res = NULL;
	char *buf = NULL, *grown;
	long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t cap = hint > 0 ? (size_t)hint : 4096;
	int r, ret = -1;

	set_nobody(out);
	for (;;) {
		if ((grown = realloc(buf, cap)) == NULL)
			goto out;
		buf = grown;
		r = nss.getpwnam_r(user, &pw, buf, cap, &res);
		if (r != ERANGE || cap >= PWBUF_MAX)
			break;
		cap *= 2;
	}
	/* A name cut to fit would be another account's: nobody instead. */
	if (r == 0 && res == NULL)
		ret = 0;		/* no such account */
	if (r != 0 || res == NULL ||
	    strlen(pw.pw_name) >= sizeof(out->localname))
		goto out;
	out->uid = pw.pw_uid;
	out->gid = pw.pw_gid;
	snprintf(out->localname, sizeof(out->localname), "%s", pw.pw_name);
	if (fill_groups(pw.pw_name, pw.pw_gid, out) != 0) {
		set_nobody(out);
		goto out;
	}
	ret = 1;
out:
	free(buf);
	return ret;
}

int
idmap_lookup(gss_name_t name, gss_OID mech, struct idmap_ident *out)
{
	char user[RPCAUTH_LOCALNAME_MAX];

	set_nobody(out);
	if (local_name(name, mech, user, sizeof(user)) != 0)
		return 0;
	return idmap_account(user, out) == 1;
}

int
idmap_lookup_ntlm(const char *canonical, struct idmap_ident *out)
{
	const char *bs = strchr(canonical, '\\');
	int r;

	set_nobody(out);
	if (bs != NULL && (r = idmap_account(canonical, out)) != 0)
		return r == 1;
	return idmap_account(bs != NULL ? bs + 1 : canonical, out) == 1;
}
