/* rpcauth/gsserr.c - GSS major/minor status as text, in one place */
/*
 * Every message built from a GSS status says the cause in words a user
 * can act on, the fix, and then the GSS-API's own text, so that nothing
 * the mechanism said is lost.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <krb5/krb5.h>

#include "gsserr.h"

/* Append every message gss_display_status has for one status value. */
static void
append_status(OM_uint32 code, int type, gss_OID mech, char *buf, size_t len)
{
	OM_uint32 min, msgctx = 0;
	gss_buffer_desc msg;
	size_t used;
	int rounds = 0;

	do {
		msg.length = 0;
		msg.value = NULL;
		if (GSS_ERROR(gss_display_status(&min, code, type, mech,
		    &msgctx, &msg)))
			break;
		used = strlen(buf);
		if (msg.length > 0 && used + 3 < len)
			snprintf(buf + used, len - used, "%s%.*s",
			    used > 0 ? ": " : "", (int)msg.length,
			    (const char *)msg.value);
		(void)gss_release_buffer(&min, &msg);
	} while (msgctx != 0 && ++rounds < 8);
}

void
gsserr_text(OM_uint32 major, OM_uint32 minor, gss_OID mech, char *buf,
    size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	/* "Unspecified GSS failure.  Minor code may provide more
	 * information" adds nothing when the minor code is there. */
	if (major != GSS_S_COMPLETE &&
	    (GSS_ROUTINE_ERROR(major) != GSS_S_FAILURE || minor == 0))
		append_status(major, GSS_C_GSS_CODE, GSS_C_NO_OID, buf, len);
	if (minor != 0)
		append_status(minor, GSS_C_MECH_CODE, mech, buf, len);
	if (buf[0] == '\0')
		snprintf(buf, len, "GSS major 0x%x, minor %u",
		    (unsigned)major, (unsigned)minor);
}

static const struct {
	krb5_error_code		 code;
	enum gsserr_cause	 cause;
} by_code[] = {
	{ KRB5KRB_AP_ERR_SKEW,			GSSERR_SKEW },
	{ KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN,	GSSERR_NO_SERVICE },
	{ KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN,	GSSERR_NO_CLIENT },
	{ KRB5_FCC_NOFILE,			GSSERR_NO_CREDS },
	{ KRB5_CC_NOTFOUND,			GSSERR_NO_CREDS },
	{ KRB5KRB_AP_ERR_TKT_EXPIRED,		GSSERR_EXPIRED },
	{ KRB5KDC_ERR_TGT_REVOKED,		GSSERR_EXPIRED },
	{ KRB5_KDC_UNREACH,			GSSERR_KDC_UNREACH },
	{ KRB5_REALM_CANT_RESOLVE,		GSSERR_NO_REALM },
	{ KRB5_REALM_UNKNOWN,			GSSERR_NO_REALM },
	{ KRB5KRB_AP_ERR_BAD_INTEGRITY,		GSSERR_WRONG_KEY },
	{ KRB5KRB_AP_ERR_MODIFIED,		GSSERR_WRONG_KEY },
	{ KRB5KRB_AP_ERR_BADKEYVER,		GSSERR_WRONG_KEY },
	{ KRB5_KT_KVNONOTFOUND,			GSSERR_WRONG_KEY },
	{ KRB5_KT_NOTFOUND,			GSSERR_NO_KEY },
	{ KRB5KRB_AP_ERR_REPEAT,		GSSERR_REPLAY },
	{ KRB5KDC_ERR_POLICY,			GSSERR_POLICY },
	{ KRB5KDC_ERR_MUST_USE_USER2USER,	GSSERR_POLICY },
	{ KRB5KRB_AP_ERR_NOT_US,		GSSERR_NOT_US },
	{ KRB5KRB_AP_WRONG_PRINC,		GSSERR_NOT_US },
	{ ENOENT,				GSSERR_NO_FILE },
	{ EACCES,				GSSERR_PERM },
	{ EPERM,				GSSERR_PERM },
};

/* Fallback when a mechglue renumbered the minor code: MIT's com_err texts. */
static const struct {
	const char		*needle;
	enum gsserr_cause	 cause;
} by_text[] = {
	{ "Clock skew too great",		GSSERR_SKEW },
	{ "not found in Kerberos database",	GSSERR_NO_SERVICE },
	{ "No Kerberos credentials available",	GSSERR_NO_CREDS },
	{ "No credentials cache found",		GSSERR_NO_CREDS },
	{ "Credential cache is empty",		GSSERR_NO_CREDS },
	{ "Ticket expired",			GSSERR_EXPIRED },
	{ "Cannot contact any KDC",		GSSERR_KDC_UNREACH },
	{ "Decrypt integrity check failed",	GSSERR_WRONG_KEY },
	{ "Cannot find key of appropriate type", GSSERR_WRONG_KEY },
	{ "Key table entry not found",		GSSERR_NO_KEY },
	{ "No key table entry found",		GSSERR_NO_KEY },
	{ "Request is a replay",		GSSERR_REPLAY },
	{ "KDC policy rejects request",		GSSERR_POLICY },
	{ "valid for user2user only",		GSSERR_POLICY },
	/* The MIT KDC's e-text when a service requires pre-authentication. */
	{ "NO PREAUTH",				GSSERR_POLICY },
	{ "The ticket isn't for us",		GSSERR_NOT_US },
	{ "Requested server and ticket don't match", GSSERR_NOT_US },
};

enum gsserr_cause
gsserr_cause(OM_uint32 major, OM_uint32 minor, const char *text)
{
	size_t i;

	for (i = 0; i < sizeof(by_code) / sizeof(by_code[0]); i++)
		if (minor != 0 && (krb5_error_code)minor == by_code[i].code)
			return by_code[i].cause;
	for (i = 0; text != NULL && i < sizeof(by_text) / sizeof(by_text[0]);
	    i++)
		if (strstr(text, by_text[i].needle) != NULL)
			return by_text[i].cause;
	switch (GSS_ROUTINE_ERROR(major)) {
	case GSS_S_NO_CRED:
		return GSSERR_NO_CREDS;
	case GSS_S_CREDENTIALS_EXPIRED:
		return GSSERR_EXPIRED;
	case GSS_S_CONTEXT_EXPIRED:
		return GSSERR_CTX_EXPIRED;
	case GSS_S_BAD_MECH:
		return GSSERR_BAD_MECH;
	case GSS_S_BAD_NAME:
	case GSS_S_BAD_NAMETYPE:
		return GSSERR_BAD_NAME;
	default:
		return GSSERR_UNKNOWN;
	}
}

const char *
gsserr_fix(enum gsserr_cause cause)
{
	switch (cause) {
	case GSSERR_SKEW:
		return "clock skew too great between this host and the server "
		    "or the KDC: synchronize the clocks (NTP)";
	case GSSERR_NO_SERVICE:
		return "the KDC does not know the service principal: check "
		    "the service name (SERVICE@HOST, as the server uses it), "
		    "or create the principal (kadmin addprinc -randkey) and "
		    "put its key in the server's keytab";
	case GSSERR_NO_CLIENT:
		return "the KDC does not know the client principal: check "
		    "the name in the credential cache or client keytab";
	case GSSERR_NO_CREDS:
		return "no Kerberos credentials (no ticket in the credential "
		    "cache, no client keytab): run kinit, or give the "
		    "client a keytab (KRB5_CLIENT_KTNAME)";
	case GSSERR_EXPIRED:
		return "the Kerberos credentials have expired: run kinit "
		    "again, or give the client a keytab so that they renew "
		    "themselves";
	case GSSERR_KDC_UNREACH:
		return "cannot reach the Kerberos KDC: check that it runs, "
		    "the network, and the kdc entries of the realm in "
		    "krb5.conf (KRB5_CONFIG)";
	case GSSERR_NO_REALM:
		return "no KDC is known for the realm: add the realm and its "
		    "kdc to krb5.conf (KRB5_CONFIG)";
	case GSSERR_WRONG_KEY:
		return "a ticket could not be decrypted: the keytab and the "
		    "KDC hold different keys for the principal (an old "
		    "kvno?): export the current key into the keytab";
	case GSSERR_NO_KEY:
		return "the keytab has no key for the principal: add it "
		    "(kadmin ktadd) or point at the right keytab";
	case GSSERR_NO_FILE:
		return "a keytab or credential cache file does not exist: "
		    "check the path";
	case GSSERR_PERM:
		return "a keytab or credential cache file cannot be read: "
		    "check its owner and mode";
	case GSSERR_BAD_MECH:
		return "the security mechanism is not available: install "
		    "its GSS-API module (/etc/gss/mech.d) or choose another";
	case GSSERR_REPLAY:
		return "the server saw this authenticator before (a replay, "
		    "or a retransmitted handshake): try again";
	case GSSERR_CTX_EXPIRED:
		return "the security context has expired: make a new one";
	case GSSERR_BAD_NAME:
		return "the name is not usable: give a service as "
		    "SERVICE@HOST";
	case GSSERR_POLICY:
		return "the KDC refused the ticket by policy: the service or "
		    "the client principal carries an attribute that forbids "
		    "this request (disallow_tgt_based, disallow_svr, "
		    "disallow_all_tix, requires_preauth or requires_hwauth "
		    "not met): check both with kadmin getprinc and the KDC "
		    "log, and clear the attribute or use another service "
		    "principal";
	case GSSERR_NOT_US:
		return "the ticket is for another principal than the one "
		    "the server accepts as (the server holds that key but "
		    "runs as another service): use the service name the "
		    "server was started with (SERVICE@HOST), or make the "
		    "server accept this principal";
	default:
		return NULL;
	}
}

int
gsserr_set(struct rpcauth_err *err, enum rpcauth_code code, const char *what,
    OM_uint32 major, OM_uint32 minor, gss_OID mech)
{
	const char *fix;
	char text[512];

	gsserr_text(major, minor, mech, text, sizeof(text));
	if ((fix = gsserr_fix(gsserr_cause(major, minor, text))) != NULL)
		return rpcauth_err_set(err, code, "%s: %s (GSS-API: %s)",
		    what, fix, text);
	return rpcauth_err_set(err, code, "%s: %s", what, text);
}
