/* rpcauth/idmap.h - an authenticated GSS name as a local account */
#ifndef RPCAUTH_IDMAP_H
#define RPCAUTH_IDMAP_H

#include <stdint.h>
#include <sys/types.h>
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

#endif
