/* rpcauth/gsserr.h - GSS major/minor status as text, in one place */
#ifndef RPCAUTH_GSSERR_H
#define RPCAUTH_GSSERR_H

#include <gssapi/gssapi.h>
#include "internal.h"

/*
 * Write the gss_display_status text of major and minor into buf ("<major
 * text>: <minor text>"; the major text is left out when it only says "see
 * the minor code").  mech may be GSS_C_NO_OID.  Always NUL-terminates.
 */
void	gsserr_text(OM_uint32 major, OM_uint32 minor, gss_OID mech,
	    char *buf, size_t len);

/* Causes a user can act on; GSSERR_UNKNOWN when the status names none. */
enum gsserr_cause {
	GSSERR_UNKNOWN = 0,
	GSSERR_SKEW,		/* clocks too far apart */
	GSSERR_NO_SERVICE,	/* KDC does not know the service principal */
	GSSERR_NO_CLIENT,	/* KDC does not know the client principal */
	GSSERR_NO_CREDS,	/* no ticket and no client keytab */
	GSSERR_EXPIRED,		/* ticket or credentials expired */
	GSSERR_KDC_UNREACH,	/* no KDC answered */
	GSSERR_NO_REALM,	/* no KDC address known for the realm */
	GSSERR_WRONG_KEY,	/* a ticket could not be decrypted */
	GSSERR_NO_KEY,		/* keytab without the principal's key */
	GSSERR_NO_FILE,		/* keytab or ccache file missing */
	GSSERR_PERM,		/* keytab or ccache not readable */
	GSSERR_BAD_MECH,	/* mechanism not available */
	GSSERR_REPLAY,		/* authenticator seen before */
	GSSERR_CTX_EXPIRED,	/* security context ended */
	GSSERR_BAD_NAME,	/* not a usable GSS name */
	GSSERR_POLICY,		/* KDC policy refused the ticket */
	GSSERR_NOT_US		/* ticket for a principal the server is not */
};

/*
 * Classify a status.  `text` is gsserr_text()'s output for it: MIT's
 * minor codes pass through the mechglue unchanged in practice, but the
 * text is the fallback when they do not.
 */
enum gsserr_cause gsserr_cause(OM_uint32 major, OM_uint32 minor,
	    const char *text);

/* "<cause>: <fix>" for a cause, e.g. "... clock skew ...: synchronize
 * the clocks (NTP)"; NULL for GSSERR_UNKNOWN.  Static storage. */
const char *gsserr_fix(enum gsserr_cause cause);

/*
 * The one way a GSS status becomes an rpcauth_err: rpcauth_err_set(code,
 * "<what>: <cause>: <fix> (GSS-API: <text>)"), or "<what>: <text>" when
 * the cause is unknown; returns -1.  `code` is what the failure means to
 * the caller (RPCAUTH_E_GSS for a handshake or per-message failure,
 * RPCAUTH_E_CONFIG for a name or credential the options named), so that
 * nobody patches err->code afterwards (docs/ARCHITECTURE.md, "Errors").
 */
int	gsserr_set(struct rpcauth_err *err, enum rpcauth_code code,
	    const char *what, OM_uint32 major, OM_uint32 minor, gss_OID mech);

#endif
