/* rpcauth/rpcauth.h - the whole public API of librpcauth */
/*
 * rpcauth gives ONC RPC programs built on libtirpc a mutually authenticated,
 * integrity- and privacy-protected connection, using the RPCSEC_GSS wire
 * format (RFC 2203) under a flavor number of its own.
 *
 * Conventions: every call that can fail returns -1 or NULL and fills the
 * struct rpcauth_err the caller passed in (NULL is allowed when the caller
 * does not want the message).  rpcauth_err_clear() releases the message.
 * The library never prints.
 */
#ifndef RPCAUTH_RPCAUTH_H
#define RPCAUTH_RPCAUTH_H

#include <stdint.h>
#include <rpc/rpc.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Default flavor number.  PROVISIONAL: RFC 5531 section 13.4.2 has no
 * private-use range; IANA assigns new flavors first-come from 400000 and has
 * not assigned this one.  Both sides can override it at run time.  The
 * client can also speak 6 (RPCSEC_GSS) to standard servers.
 */
#define RPCAUTH_FLAVOR		400461
#define RPCAUTH_FLAVOR_RPCSEC_GSS	6

/* RFC 2203 service values, as they appear on the wire. */
enum rpcauth_service {
	RPCAUTH_SVC_NONE = 1,
	RPCAUTH_SVC_INTEGRITY = 2,
	RPCAUTH_SVC_PRIVACY = 3
};

enum rpcauth_code {
	RPCAUTH_OK = 0,
	RPCAUTH_E_NOMEM,	/* out of memory */
	RPCAUTH_E_GSS,		/* msg carries the gss_display_status text */
	RPCAUTH_E_PROTO,	/* the peer sent something RFC 2203 does not allow */
	RPCAUTH_E_CONFIG,	/* keytab, principal, flavor number, options */
	RPCAUTH_E_SYSTEM,	/* msg ends with strerror(errno) */
	RPCAUTH_E_RPC,		/* transport or RPC-level failure (clnt_sperror text) */
	RPCAUTH_E_AUTH		/* the server refused us (auth_stat in msg) */
};

struct rpcauth_err {
	enum rpcauth_code code;
	char		*msg;	/* owned; never NULL after a failure */
};
#define RPCAUTH_ERR_INIT	{ RPCAUTH_OK, NULL }

/*
 * Release err->msg and reset *err to RPCAUTH_ERR_INIT.  NULL is allowed.
 */
void	 rpcauth_err_clear(struct rpcauth_err *err);

/*
 * The library's version string, e.g. "0.1.0".  Static storage.
 */
const char *rpcauth_version(void);

#ifdef __cplusplus
}
#endif
#endif /* RPCAUTH_RPCAUTH_H */
