/* rpcauth/mech.h - security mechanisms by name and OID */
#ifndef RPCAUTH_MECH_H
#define RPCAUTH_MECH_H

#include <stddef.h>
#include <gssapi/gssapi.h>

#include "internal.h"

/*
 * "krb5", "spnego", "ntlm", or a dotted OID ("1.2.840.113554.1.2.2").
 * Returns a static OID, or GSS_C_NO_OID when the name is unknown.
 */
gss_OID		 mech_by_name(const char *name);
/* The short name of a mechanism ("krb5", ...), or "unknown". */
const char	*mech_name(const gss_OID oid);
/*
 * 1 unless the mechanism's GSS_C_MUTUAL_FLAG proves nothing about the
 * server (NTLM); a mechanism not in the table is judged by its flag.
 */
int		 mech_has_mutual(const gss_OID oid);
/* 1 if per-message tokens may go through OpenSSL (krb5: secctx.c). */
int		 mech_fastpath(const gss_OID oid);
/*
 * The Debian package that brings the mechanism's GSS module, NULL when it
 * is MIT's own; *title_out its name in sentences ("NTLM"), NULL if unknown.
 */
const char	*mech_package(const gss_OID oid, const char **title_out);

/* A set of the mechanisms above, as bits. */
#define MECH_KRB5	0x1u
#define MECH_SPNEGO	0x2u
#define MECH_NTLM	0x4u
#define MECH_ALL	(MECH_KRB5 | MECH_SPNEGO | MECH_NTLM)

/* The bit of a mechanism, 0 when it is none of ours. */
unsigned	 mech_bit(const gss_OID oid);
/* The static OID of one bit. */
gss_OID		 mech_of_bit(unsigned bit);
/*
 * The mechanisms SPNEGO may negotiate; those that do not authenticate the
 * server (NTLM) only when with_nonmutual.
 */
unsigned	 mech_spnego_inner(int with_nonmutual);
/*
 * The names for messages, "krb5, spnego or ntlm", or with or_also
 * "krb5, spnego, ntlm or <or_also>".  Returns buf.
 */
#define MECH_NAMES_LEN	64
const char	*mech_names(char *buf, size_t len, const char *or_also);

/*
 * Parse a NULL-terminated list of names into a set.  names NULL means the
 * default, krb5 and spnego.  Returns 0, or -1 with *err naming the bad
 * entry (RPCAUTH_E_CONFIG).
 */
int		 mech_set_parse(const char *const *names, unsigned *set_out,
		    struct rpcauth_err *err);

/* 0 if every mechanism of `set` has a GSS module here, else -1 and *err. */
int		 mech_set_installed(unsigned set, struct rpcauth_err *err);

/*
 * Fill *out (elements: room for 3) with the OIDs of `set`.  The OIDs are
 * static; nothing is allocated.
 */
void		 mech_set_oids(unsigned set, gss_OID_set_desc *out,
		    gss_OID_desc elements[3]);

/*
 * The mechanism a context-establishment token starts: the OID in the
 * RFC 2743 section 3.1 framing (krb5, SPNEGO) or NTLM's "NTLMSSP\0"
 * signature.  Returns GSS_C_NO_OID when the token is none of ours or is
 * malformed.  Reads at most len bytes.
 */
gss_OID		 mech_of_token(const void *tok, size_t len);

#endif
