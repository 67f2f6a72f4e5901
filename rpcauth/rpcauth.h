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
#include <time.h>
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


/*
 * Debug trace of handshakes and rejections (lengths and outcomes, never
 * token or key bytes).  Off unless the environment has RPCAUTH_TRACE=1 or a
 * callback is installed here; the callback gets one line per event (no
 * newline) and replaces stderr.  cb NULL restores the default.
 */
void	 rpcauth_set_trace(void (*cb)(const char *line, void *arg), void *arg);

/* ---- Server ------------------------------------------------------------ */

/* A minimum service for one program and version (RPCAUTH_SVC_* value). */
struct rpcauth_svc_policy {
	rpcprog_t		prog;
	rpcvers_t		vers;
	enum rpcauth_service	min_service;
};

struct rpcauth_svc_opts {
	uint32_t	 flavor;	/* 0: RPCAUTH_FLAVOR */
	const char	*principal;	/* "service@host"; NULL: any key in the keytab */
	const char	*keytab;	/* path; NULL: the krb5 default (KRB5_KTNAME) */
	enum rpcauth_service min_service;	/* for programs without a policy; 0: none */
	const struct rpcauth_svc_policy *policies;	/* borrowed during the call */
	size_t		 npolicies;
	uint32_t	 window;	/* sequence window; 0: 128 */
	size_t		 max_contexts;	/* 0: 16384 */
	size_t		 max_token;	/* largest INIT token accepted; 0: 65536 */
	size_t		 max_body;	/* largest protected body; 0: 64 MiB */
};

/* Fill *opts with the defaults (all zero). */
void	 rpcauth_svc_opts_init(struct rpcauth_svc_opts *opts);

/*
 * Register the flavor with svc_auth_reg(3) and acquire the acceptor
 * credential once.  Call it once, before svc_run(3); the strings in *opts
 * are copied.  Returns 0, or -1 with *err filled (e.g. no key for the
 * principal in the keytab).  Afterwards every call of that flavor is
 * authenticated, checked and unprotected before the application's
 * dispatch runs; INIT, CONTINUE_INIT and DESTROY never reach it.
 */
int	 rpcauth_svc_register(const struct rpcauth_svc_opts *opts,
	    struct rpcauth_err *err);

/* Who is calling, filled inside a procedure by rpcauth_svc_caller(). */
struct rpcauth_caller {
	char		 principal[1024];	/* e.g. "alice@EXAMPLE.ORG" */
	char		 mech[16];		/* "krb5", "spnego", "ntlm" */
	enum rpcauth_service service;		/* of this call */
	time_t		 expiry;		/* context end; 0 when none */
	uint32_t	 flavor;
};

/*
 * Inside a dispatch routine: fill *out with the caller of `req`.  Returns 0,
 * or -1 when the request was not authenticated by rpcauth (then *out is
 * zeroed).  The strings are copies: valid as long as *out.
 */
int	 rpcauth_svc_caller(const struct svc_req *req,
	    struct rpcauth_caller *out);

/* ---- Client ------------------------------------------------------------ */

struct rpcauth_client_opts {
	enum rpcauth_service service;	/* 0: integrity */
	const char	*mech;		/* "krb5" (default), "spnego", "ntlm", or an OID */
	uint32_t	 flavor;	/* 0: RPCAUTH_FLAVOR; 6 for standard RPCSEC_GSS servers */
	const char	*ccache;	/* initiator ccache; NULL: the default */
	const char	*client_keytab;	/* initiator keytab; NULL: KRB5_CLIENT_KTNAME */
	int		 handshake_timeout_ms;	/* whole handshake; 0: 25000 */
	size_t		 max_body;	/* largest protected reply; 0: 64 MiB */
};

/* Fill *opts with the defaults (all zero). */
void	 rpcauth_client_opts_init(struct rpcauth_client_opts *opts);

/*
 * Build an AUTH for `service` ("demo@host", a GSS host-based name) and run
 * the handshake over `clnt` before returning: the server must prove who it
 * is (mutual authentication and the MIC over the sequence window).  On
 * success the AUTH is installed as clnt->cl_auth and returned; the caller
 * owns it and must call auth_destroy(3) (which sends DESTROY) before
 * clnt_destroy(3).  On failure NULL is returned, *err filled, and
 * clnt->cl_auth left as it was.  `service` and *opts are copied.
 */
AUTH	*rpcauth_client_create(CLIENT *clnt, const char *service,
	    const struct rpcauth_client_opts *opts, struct rpcauth_err *err);

/*
 * The last error an AUTH made by rpcauth_client_create() met (the AUTH ops
 * can only return a boolean to libtirpc), or NULL if none.  Borrowed: valid
 * until the next call on that AUTH.
 */
const char *rpcauth_auth_error(AUTH *auth);

/* What the handshake established, for display (rpcauth-ping, demos). */
struct rpcauth_auth_info {
	char		 client_principal[1024];
	char		 server_principal[1024];
	char		 mech[16];
	enum rpcauth_service service;
	uint32_t	 flavor;
	uint32_t	 window;
	time_t		 expiry;		/* 0: no end */
	int		 mutual;		/* the server proved its identity */
};
int	 rpcauth_auth_info(AUTH *auth, struct rpcauth_auth_info *out);

#ifdef __cplusplus
}
#endif
#endif /* RPCAUTH_RPCAUTH_H */
