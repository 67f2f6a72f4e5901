/* rpcauth/idmap.c - an authenticated GSS name as a local account */
/*
 * Runs once per context, when it is established, so that procedures read
 * a fixed answer: the account may change later, the context's identity
 * does not.  The mechanism decides the local name (krb5: auth_to_local
 * rules of krb5.conf; gss-ntlmssp: DOMAIN\user or user); the account must
 * then exist in the passwd database, or the caller is nobody.
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

/* getgrouplist into out->groups, keeping the first RPCAUTH_MAX_GROUPS. */
static void
fill_groups(const char *user, gid_t gid, struct idmap_ident *out)
{
	gid_t small[RPCAUTH_MAX_GROUPS], *all = NULL;
	int n = RPCAUTH_MAX_GROUPS, want;

	if (getgrouplist(user, gid, small, &n) >= 0) {
		memcpy(out->groups, small, (size_t)n * sizeof(gid_t));
		out->ngroups = (size_t)n;
		return;
	}
	/* More groups than we keep: ask for all, keep the head in order. */
	want = n;
	if (want <= 0 || (all = calloc((size_t)want, sizeof(*all))) == NULL ||
	    getgrouplist(user, gid, all, &want) < 0) {
		out->groups[0] = gid;
		out->ngroups = 1;
		goto out;
	}
	memcpy(out->groups, all, RPCAUTH_MAX_GROUPS * sizeof(gid_t));
	out->ngroups = RPCAUTH_MAX_GROUPS;
out:
	free(all);
}

int
idmap_lookup(gss_name_t name, gss_OID mech, struct idmap_ident *out)
{
	struct passwd pw, *res = NULL;
	char user[RPCAUTH_LOCALNAME_MAX];
	char *buf = NULL, *grown;
	long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t cap = hint > 0 ? (size_t)hint : 4096;
	int r, ret = 0;

	set_nobody(out);
	if (local_name(name, mech, user, sizeof(user)) != 0)
		goto out;
	for (;;) {
		if ((grown = realloc(buf, cap)) == NULL)
			goto out;
		buf = grown;
		r = getpwnam_r(user, &pw, buf, cap, &res);
		if (r != ERANGE || cap >= PWBUF_MAX)
			break;
		cap *= 2;
	}
	if (r != 0 || res == NULL)
		goto out;
	out->uid = pw.pw_uid;
	out->gid = pw.pw_gid;
	snprintf(out->localname, sizeof(out->localname), "%s", pw.pw_name);
	fill_groups(pw.pw_name, pw.pw_gid, out);
	ret = 1;
out:
	free(buf);
	return ret;
}
