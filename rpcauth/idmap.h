/* rpcauth/idmap.h - an authenticated GSS name as a local account */
#ifndef RPCAUTH_IDMAP_H
#define RPCAUTH_IDMAP_H

#include "rename.h"

#include <stdint.h>
#include <sys/types.h>
#include <pwd.h>
#include <gssapi/gssapi.h>

#include "rpcauth.h"

/*
 * A caller's local identity, kept inline in the server context (fixed
 * arrays: nothing to free).  uid and gid are RPCAUTH_NOBODY and ngroups 0
 * when the name has no local account.
 */
struct idmap_ident {
	uid_t		 uid;
	gid_t		 gid;
	size_t		 ngroups;
	gid_t		 groups[RPCAUTH_MAX_GROUPS];
	char		 localname[RPCAUTH_LOCALNAME_MAX];
};

/*
 * Map `name` (a mechanism name from gss_accept_sec_context, of mechanism
 * `mech`) with gss_localname, then getpwnam_r and getgrouplist.  Never
 * fails: anything that does not map gives "nobody".  Returns 1 when an
 * account was found, 0 for nobody.
 */
int	idmap_lookup(gss_name_t name, gss_OID mech, struct idmap_ident *out);

/*
 * NTLM names in canonical form, in place: "DOMAIN\user" with the domain
 * in upper case and the user in lower case (ASCII), or "user" in lower
 * case.  NTLM compares both case-insensitively (MS-NLMP 3.3.2: the user
 * name is upper-cased into the key, and the account database is), so
 * "RPCAUTH\ALICE" and "rpcauth\alice" are one account and must read as
 * one.  Returns 0, or -1 for names with bytes outside printable ASCII,
 * whose case folding we cannot make match the domain controller's.
 */
int	idmap_ntlm_canonical(char *name);

/*
 * An NTLM caller by its canonical name ("DOMAIN\user" or "user"): the
 * account "DOMAIN\user" if there is one, else "user" (gss-ntlmssp's rule,
 * but on the canonical name: its own lookup uses the client's spelling).
 * Returns 1 for an account, 0 for nobody.
 */
int	idmap_lookup_ntlm(const char *canonical, struct idmap_ident *out);

/*
 * The account part alone: `user` (a local name) through getpwnam_r and
 * getgrouplist.  Returns 1 and *out filled; 0 and *out nobody when there
 * is no such account; -1 and *out nobody when the account could not be
 * read, or its groups could not be read whole (fail closed: never a
 * partial identity).
 */
int	idmap_account(const char *user, struct idmap_ident *out);

/*
 * The NSS calls idmap makes.  Tests swap them to play races NSS can have
 * (the group list changing between two getgrouplist calls); production
 * code never calls idmap_set_nss.  NULL restores the libc functions.  Not
 * thread-safe: set it before any context exists.
 */
struct idmap_nss {
	int	(*getpwnam_r)(const char *, struct passwd *, char *, size_t,
		    struct passwd **);
	int	(*getgrouplist)(const char *, gid_t, gid_t *, int *);
};
void	idmap_set_nss(const struct idmap_nss *nss);

#endif
