/* rpcauth/clnt_errors.c - what the client tells the user when something fails */
/*
 * Messages that gsserr_set alone cannot make (gsserr.c has the GSS text
 * and the causes): failed RPC calls, a server that refused the context,
 * rejections a new context cannot cure, mechanisms that are not there.
 * Each names the cause and what to do about it.
 */
#include "config.h"

#include <openssl/crypto.h>

#include <stdio.h>
#include <string.h>

#include "clnt_internal.h"
#include "gsserr.h"
#include "mech.h"

/* The handshake message below names the client's token bound in words. */
_Static_assert(RPCAUTH_CLNT_MAX_TOKEN == 1024 * 1024,
    "clnt_rpc_error says a token over 1 MiB");

const char *
clnt_auth_stat_name(enum auth_stat why)
{
	switch (why) {
	case AUTH_OK:			return "AUTH_OK";
	case AUTH_BADCRED:		return "AUTH_BADCRED";
	case AUTH_REJECTEDCRED:		return "AUTH_REJECTEDCRED";
	case AUTH_BADVERF:		return "AUTH_BADVERF";
	case AUTH_REJECTEDVERF:		return "AUTH_REJECTEDVERF";
	case AUTH_TOOWEAK:		return "AUTH_TOOWEAK";
	case AUTH_INVALIDRESP:		return "AUTH_INVALIDRESP";
	case AUTH_FAILED:		return "AUTH_FAILED";
	case RPCSEC_GSS_CREDPROBLEM:	return "RPCSEC_GSS_CREDPROBLEM";
	case RPCSEC_GSS_CTXPROBLEM:	return "RPCSEC_GSS_CTXPROBLEM";
	default:			return "unknown auth_stat";
	}
}

const char *
clnt_service_name(enum rpcauth_service s)
{
	return s == RPCAUTH_SVC_NONE ? "none" :
	    s == RPCAUTH_SVC_INTEGRITY ? "integrity" : "privacy";
}

int
clnt_rpc_error(struct clnt_state *st, CLIENT *via, enum clnt_stat stat,
    const char *what, int handshake, struct rpcauth_err *err)
{
	struct rpc_err re;

	memset(&re, 0, sizeof(re));
	clnt_geterr(via, &re);
	switch (stat) {
	case RPC_AUTHERROR:
		break;
	case RPC_TIMEDOUT:
		return rpcauth_err_set(err, RPCAUTH_E_RPC, "%s: %s: no answer "
		    "from the server: check that it runs and is reachable",
		    what, clnt_sperrno(stat));
	case RPC_CANTSEND:
	case RPC_CANTRECV:
		return rpcauth_err_set(err, RPCAUTH_E_RPC, "%s: %s (%s): "
		    "check that the server runs and is reachable", what,
		    clnt_sperrno(stat), re.re_errno != 0 ?
		    strerror(re.re_errno) : "connection lost");
	case RPC_CANTDECODERES:
		if (handshake)
			return rpcauth_err_set(err, RPCAUTH_E_PROTO, "%s: %s: "
			    "the server's handshake reply is malformed: a "
			    "context handle longer than %d bytes (it must fit "
			    "the 400-byte credential), a token over 1 MiB, or "
			    "a truncated reply", what, clnt_sperrno(stat),
			    RPCAUTH_CRED_MAX_HANDLE);
		return rpcauth_err_set(err, RPCAUTH_E_RPC, "%s: %s", what,
		    clnt_sperrno(stat));
	case RPC_PROGUNAVAIL:
	case RPC_PROGVERSMISMATCH:
	case RPC_PROCUNAVAIL:
		return rpcauth_err_set(err, RPCAUTH_E_RPC, "%s: %s: the "
		    "server does not serve this program and version", what,
		    clnt_sperrno(stat));
	default:
		return rpcauth_err_set(err, RPCAUTH_E_RPC, "%s: %s", what,
		    clnt_sperrno(stat));
	}
	switch (re.re_why) {
	case AUTH_REJECTEDCRED:
	case AUTH_BADCRED:
		/* The server made a context for this AUTH before: it speaks
		 * the flavor, it refused this INIT (libtirpc answers
		 * REJECTEDCRED whenever its accept_sec_context fails). */
		if (handshake && st->contexts > 0)
			return rpcauth_err_set(err, RPCAUTH_E_AUTH,
			    "%s: the server refused to make a new security "
			    "context (it answered %s) although it made one for "
			    "this AUTH before, so it does speak flavor %u: it "
			    "could not accept the new handshake (a ticket or "
			    "key it no longer accepts, a replayed "
			    "authenticator, or its own limit on contexts): "
			    "see the server's log, then make a new CLIENT and "
			    "AUTH", what, clnt_auth_stat_name(re.re_why),
			    st->flavor);
		if (handshake)
			return rpcauth_err_set(err, RPCAUTH_E_AUTH,
			    "%s: the server does not speak flavor %u (it "
			    "answered %s); use the same flavor on both sides",
			    what, st->flavor, clnt_auth_stat_name(re.re_why));
		break;
	case AUTH_TOOWEAK:
		return rpcauth_err_set(err, RPCAUTH_E_AUTH,
		    "%s: service %s is below the server's minimum "
		    "(AUTH_TOOWEAK); ask for a stronger service", what,
		    clnt_service_name(st->service));
	default:
		break;
	}
	return rpcauth_err_set(err, RPCAUTH_E_AUTH,
	    "%s: the server refused the call (%s)", what,
	    clnt_auth_stat_name(re.re_why));
}

/* An AUTH_ERROR that a new context cannot cure: say what to do instead. */
void
clnt_explain_rejection(struct clnt_state *st, enum auth_stat why)
{
	const char *name = clnt_auth_stat_name(why);

	switch (why) {
	case AUTH_TOOWEAK:
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH, "the server "
		    "requires a stronger service than %s for this program "
		    "(AUTH_TOOWEAK): make the AUTH with a stronger service "
		    "(opts.service = RPCAUTH_SVC_PRIVACY)",
		    clnt_service_name(st->service));
		break;
	case AUTH_BADCRED:
	case AUTH_REJECTEDCRED:
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH, "the server "
		    "refused our credential (%s): it does not speak flavor %u "
		    "or cannot read the credential; use the same flavor on "
		    "both sides", name, st->flavor);
		break;
	case AUTH_BADVERF:
	case AUTH_REJECTEDVERF:
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH, "the server "
		    "refused the call's verifier (%s)", name);
		break;
	default:
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH, "the server "
		    "refused the call (%s)", name);
		break;
	}
}

int
clnt_refusal_error(struct rpcauth_err *err, const char *what,
    const char *target, OM_uint32 maj, OM_uint32 min, gss_OID mech)
{
	char text[512];
	enum gsserr_cause cause;

	gsserr_text(maj, min, mech, text, sizeof(text));
	cause = gsserr_cause(maj, min, text);
	if (cause == GSSERR_WRONG_KEY)
		return rpcauth_err_set(err, RPCAUTH_E_GSS, "%s: the server "
		    "refused the security context: server failed mutual "
		    "authentication: it cannot read the ticket for %s, so it "
		    "does not hold that service's current key: put the "
		    "current key in the server's keytab, or check that this "
		    "is the right server (GSS-API: %s)", what, target, text);
	if (cause == GSSERR_BAD_MECH)
		return rpcauth_err_set(err, RPCAUTH_E_GSS, "%s: the server "
		    "refused the security context: it does not accept "
		    "mechanism %s: ask for one it accepts, or allow this one "
		    "on the server (GSS-API: %s)", what, mech_name(mech), text);
	if (cause == GSSERR_UNKNOWN && mech_bit(mech) == MECH_NTLM)
		return rpcauth_err_set(err, RPCAUTH_E_GSS, "%s: the server "
		    "refused the security context: it did not accept our NTLM "
		    "credentials: wrong NTLM password, or a user it does not "
		    "know: check the password in NTLM_USER_FILE (GSS-API: %s)",
		    what, text);
	if (cause != GSSERR_UNKNOWN)
		return rpcauth_err_set(err, RPCAUTH_E_GSS, "%s: the server "
		    "refused the security context: %s (GSS-API: %s)", what,
		    gsserr_fix(cause), text);
	return rpcauth_err_set(err, RPCAUTH_E_GSS, "%s: the server refused "
	    "the security context: %s", what, text);
}

/* "{ 1 2 840 113554 1 2 2 }" (gss_oid_to_str) against "1.2.840...". */
static int
dotted_eq(const gss_buffer_desc *braced, const char *dotted)
{
	const char *p = braced->value, *end = p + braced->length;
	const char *q = dotted;
	int in_num = 0;

	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9') {
			if (!in_num && q != dotted && *q++ != '.')
				return 0;
			if (*q++ != *p)
				return 0;
			in_num = 1;
		} else
			in_num = 0;
	}
	return *q == '\0';
}

int
clnt_mech_check(const char *name, gss_OID oid, struct rpcauth_err *err)
{
	gss_OID_set have = GSS_C_NO_OID_SET;
	gss_buffer_desc s;
	OM_uint32 maj, min;
	const char *pkg, *title;
	char known[MECH_NAMES_LEN];
	size_t i;
	int found = 0, ret = -1;

	maj = gss_indicate_mechs(&min, &have);
	if (GSS_ERROR(maj) || have == GSS_C_NO_OID_SET) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "cannot list the "
		    "GSS-API mechanisms installed here: check the GSS-API "
		    "installation (/etc/gss/mech.d)");
		goto out;
	}
	for (i = 0; i < have->count && !found; i++) {
		if (oid != GSS_C_NO_OID)
			found = have->elements[i].length == oid->length &&
			    CRYPTO_memcmp(have->elements[i].elements, oid->elements,
			    oid->length) == 0;
		else if (!GSS_ERROR(gss_oid_to_str(&min, &have->elements[i],
		    &s))) {
			found = dotted_eq(&s, name);
			(void)gss_release_buffer(&min, &s);
		}
	}
	pkg = mech_package(oid, &title);
	if (oid != GSS_C_NO_OID && !found)
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "mechanism %s is not "
		    "installed: no GSS-API module provides it (see "
		    "/etc/gss/mech.d%s%s%s%s%s), or use another mechanism",
		    name, pkg != NULL ? "; " : "", pkg != NULL ? title : "",
		    pkg != NULL ? " comes with the " : "",
		    pkg != NULL ? pkg : "", pkg != NULL ? " package" : "");
	else if (oid == GSS_C_NO_OID && found)
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "mechanism %s is "
		    "installed but rpcauth does not support it: use %s", name,
		    mech_names(known, sizeof(known), NULL));
	else if (oid == GSS_C_NO_OID)
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "mechanism %s is not "
		    "installed (no GSS-API module provides it) and rpcauth "
		    "does not know it: use %s", name,
		    mech_names(known, sizeof(known), NULL));
	else
		ret = 0;
out:
	if (have != GSS_C_NO_OID_SET)
		(void)gss_release_oid_set(&min, &have);
	return ret;
}
