/* rpcauth/mech.h - security mechanisms by name and OID */
#ifndef RPCAUTH_MECH_H
#define RPCAUTH_MECH_H

#include <gssapi/gssapi.h>

/*
 * "krb5", "spnego", "ntlm", or a dotted OID ("1.2.840.113554.1.2.2").
 * Returns a static OID, or GSS_C_NO_OID when the name is unknown.
 */
gss_OID		 mech_by_name(const char *name);
/* The short name of a mechanism ("krb5", ...), or "unknown". */
const char	*mech_name(const gss_OID oid);
/* 1 if the mechanism can grant GSS_C_MUTUAL_FLAG (all but NTLM). */
int		 mech_has_mutual(const gss_OID oid);

#endif
