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
 *
 * Binary compatibility (docs/ABI.md): every struct the caller allocates
 * and the library reads or fills starts with a `size` member.  Callers
 * never set it by hand: the *_opts_init() macros and the result macros
 * (rpcauth_svc_caller(), rpcauth_auth_info()) pass the caller's
 * sizeof to the library, so a program built against an older header keeps
 * working when fields are added at the end of a struct.
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
 * The version of this header.  rpcauth_version() gives the library's,
 * which may be newer (never older: docs/ABI.md).  configure.ac reads the
 * release number from these three lines.
 */
#define RPCAUTH_VERSION_MAJOR	0
#define RPCAUTH_VERSION_MINOR	1
#define RPCAUTH_VERSION_PATCH	0
#define RPCAUTH_VERSION_STRING	"0.1.0"
/* For #if: RPCAUTH_VERSION_NUMBER >= RPCAUTH_VERSION_AT(0, 2, 0) */
#define RPCAUTH_VERSION_AT(maj, min, pat) \
	(((maj) << 16) | ((min) << 8) | (pat))
#define RPCAUTH_VERSION_NUMBER	RPCAUTH_VERSION_AT(RPCAUTH_VERSION_MAJOR, \
	RPCAUTH_VERSION_MINOR, RPCAUTH_VERSION_PATCH)

/*
 * RPCAUTH_API marks what the shared library exports (it is built with
 * -fvisibility=hidden).  RPCAUTH_MUST_CHECK: ignoring the result is a bug:
 * a failure would go unnoticed and the program would run unprotected, or
 * unregistered, or read a zeroed caller (uid 0 is root).
 */
#if defined(__GNUC__) || defined(__clang__)
#define RPCAUTH_API		__attribute__((visibility("default")))
#define RPCAUTH_MUST_CHECK	__attribute__((warn_unused_result))
#else
#define RPCAUTH_API
#define RPCAUTH_MUST_CHECK
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
RPCAUTH_API void rpcauth_err_clear(struct rpcauth_err *err);

/*
 * The library's version string, e.g. "0.1.0".  Static storage.
 */
RPCAUTH_API const char *rpcauth_version(void);


/*
 * A short debug trace: each handshake round (token lengths, GSS major
 * status), its outcome, each new context and why it was made, and each
 * rejection on either side.  Lengths, names and outcomes only: never
 * token, checksum, handle or key bytes.  Off unless the environment has
 * RPCAUTH_TRACE set (to anything but "" or "0": lines go to stderr,
 * prefixed "rpcauth: ") or a callback is installed here.  The callback
 * gets one line per event, without newline, in the thread that met the
 * event, and replaces stderr; `line` is valid during the call only.
 * cb NULL restores the default.  Thread-safe.
 */
RPCAUTH_API void rpcauth_set_trace(void (*cb)(const char *line, void *arg),
	    void *arg);

/* ---- Server ------------------------------------------------------------ */

/* uid and gid of a caller that has no local account. */
#define RPCAUTH_NOBODY		0xFFFFFFFFu
/* Supplementary groups kept per caller (the first ones getgrouplist gives). */
#define RPCAUTH_MAX_GROUPS	64
/* Room for a local account name, NUL included. */
#define RPCAUTH_LOCALNAME_MAX	256

/*
 * Callers rpcauth did not authenticate (AUTH_NONE, AUTH_SYS: libtirpc
 * accepts them by itself) that may reach a program registered with
 * rpcauth_svc_register_prog() or rpcauth_svc_reg().  Every other flavor
 * (AUTH_SHORT, AUTH_DES, libtirpc's own RPCSEC_GSS 6) is always refused.
 */
enum rpcauth_unauth {
	RPCAUTH_UNAUTH_REFUSE = 0,	/* none: AUTH_TOOWEAK (the default) */
	RPCAUTH_UNAUTH_NULLPROC,	/* procedure 0 only (a ping) */
	RPCAUTH_UNAUTH_ALL		/* every procedure: each must check
					   rpcauth_svc_caller() itself */
};

/*
 * Settings for one program and version: a minimum service (RPCAUTH_SVC_*
 * value) and, optionally, the service principal clients must authenticate
 * to ("nfs@host"; NULL: rpcauth_svc_opts.principal).  The INIT call's
 * program and version choose the acceptor credential, and a context
 * serves only programs and versions that use the same principal.
 * `unauth` opens the program to unauthenticated callers (see above); it
 * has an effect only on programs registered through rpcauth.
 */
struct rpcauth_svc_policy {
	rpcprog_t		prog;
	rpcvers_t		vers;
	enum rpcauth_service	min_service;
	const char		*principal;
	enum rpcauth_unauth	unauth;
};

struct rpcauth_caller;

struct rpcauth_svc_opts {
	size_t		 size;		/* set by rpcauth_svc_opts_init() */
	uint32_t	 flavor;	/* 0: RPCAUTH_FLAVOR */
	const char	*principal;	/* "service@host"; NULL: any key in the keytab */
	const char	*keytab;	/* path; NULL: the krb5 default (KRB5_KTNAME) */
	enum rpcauth_service min_service;	/* for programs without a policy; 0: none */
	const struct rpcauth_svc_policy *policies;	/* borrowed during the call */
	size_t		 npolicies;
	size_t		 policy_size;	/* stride of policies[]: set by
					   rpcauth_svc_opts_init() */
	uint32_t	 window;	/* sequence window; 0: 128 */
	size_t		 max_contexts;	/* 0: 16384 */
	size_t		 max_token;	/* largest INIT token accepted; 0: 65536 */
	size_t		 max_body;	/* largest protected body; 0: 64 MiB */
	/*
	 * Mechanisms clients may use, a NULL-terminated list of "krb5",
	 * "spnego", "ntlm".  NULL: krb5 and spnego.  NTLM is accepted only
	 * when listed, raw or inside SPNEGO; SPNEGO negotiates only listed
	 * mechanisms (krb5 when it is listed alone).
	 */
	const char *const *mechs;
	/*
	 * Called once per context, when its handshake completes, with the
	 * caller (service is the one named in the INIT; cookie is NULL).
	 * Return 0 to accept, anything else to refuse: the client then gets
	 * GSS_S_UNAUTHORIZED and the context is deleted.  *cookie_out
	 * (initially NULL) is kept with the context for procedures to read
	 * (rpcauth_svc_cookie(), rpcauth_caller.cookie); cookie_free, when
	 * not NULL, releases it when the context goes, and also releases a
	 * cookie left by a refusing call.  NULL authorize: everyone is
	 * accepted.  Runs inside the server's dispatch: do not block long.
	 */
	int		(*authorize)(const struct rpcauth_caller *who, void *arg,
			    void **cookie_out);
	void		*authorize_arg;
	void		(*cookie_free)(void *cookie);
};

/*
 * Fill *opts with the defaults (all zero) and record the sizes this
 * program was built with (opts->size, opts->policy_size); a macro, so that
 * the sizes are the caller's.  rpcauth_svc_register() refuses options that
 * did not go through it.
 */
#define rpcauth_svc_opts_init(opts) \
	rpcauth_svc_opts_init_sized((opts), sizeof(*(opts)), \
	    sizeof(struct rpcauth_svc_policy))
RPCAUTH_API void rpcauth_svc_opts_init_sized(struct rpcauth_svc_opts *opts,
	    size_t size, size_t policy_size);

/*
 * Register the flavor with svc_auth_reg(3) and acquire the acceptor
 * credentials once (one per distinct principal, for the allowed
 * mechanisms).  Call it once, before svc_run(3); the strings in *opts
 * are copied.  Returns 0, or -1 with *err filled: "keytab PATH is missing
 * or unreadable", "no key for demo/host@REALM in keytab PATH", "mechanism
 * ntlm (...) is not installed", ...  Afterwards every call of that flavor
 * is authenticated, checked and unprotected before the application's
 * dispatch runs; INIT, CONTINUE_INIT and DESTROY never reach it.
 */
RPCAUTH_API RPCAUTH_MUST_CHECK int rpcauth_svc_register(
	    const struct rpcauth_svc_opts *opts, struct rpcauth_err *err);

/*
 * Use these in place of svc_register(3) and svc_reg(3), with the same
 * arguments and result, for every program and version rpcauth protects.
 * libtirpc hands AUTH_NONE and AUTH_SYS calls to a program's dispatch
 * without asking rpcauth: a program registered with plain svc_register or
 * svc_reg serves them, whatever min_service says.  These calls register
 * a gate in front of `dispatch`: a call that rpcauth did not
 * authenticate gets AUTH_TOOWEAK before `dispatch` runs or any argument
 * is read, unless the program/version's policy (unauth) lets it in.
 * Until rpcauth_svc_register() has succeeded, every call is refused.
 * Either order works: rpcgen's main registers first, and
 * rpcauth_svc_register() comes before svc_run().  A program and version
 * keeps the first `dispatch` given here; a different one is refused, as
 * svc_register refuses a second dispatch, and so is mixing these calls
 * with svc_register/svc_reg for the same program and version.  Returns
 * TRUE, or FALSE (trace with RPCAUTH_TRACE for why).
 */
RPCAUTH_API RPCAUTH_MUST_CHECK bool_t rpcauth_svc_register_prog(SVCXPRT *xprt,
	    u_long prog, u_long vers,
	    void (*dispatch)(struct svc_req *, SVCXPRT *), int protocol);
RPCAUTH_API RPCAUTH_MUST_CHECK bool_t rpcauth_svc_reg(SVCXPRT *xprt,
	    rpcprog_t prog, rpcvers_t vers,
	    void (*dispatch)(struct svc_req *, SVCXPRT *),
	    const struct netconfig *nconf);

/*
 * Who is calling, filled inside a procedure by rpcauth_svc_caller().  The
 * principal is fixed when the context is established; the local account
 * is looked up once, on first use, and kept for the context's life.  It
 * comes from gss_localname(3) (krb5: krb5.conf auth_to_local rules), then
 * getpwnam_r(3) and getgrouplist(3); a name without an account is nobody
 * (uid and gid RPCAUTH_NOBODY, no groups, empty localname).
 */
struct rpcauth_caller {
	size_t		 size;			/* bytes the library filled */
	char		 principal[1024];	/* "alice@EXAMPLE.ORG", "DOM\\bob" */
	char		 mech[16];	/* what the client spoke: "krb5",
					   "spnego" or "ntlm" */
	enum rpcauth_service service;		/* of this call */
	time_t		 expiry;		/* context end; 0 when none */
	uint32_t	 flavor;
	char		 inner_mech[16];	/* what authenticated: mech, or
					   for "spnego" what it negotiated */
	char		 localname[RPCAUTH_LOCALNAME_MAX];	/* "": none */
	uid_t		 uid;			/* RPCAUTH_NOBODY: none */
	gid_t		 gid;			/* RPCAUTH_NOBODY: none */
	size_t		 ngroups;		/* gid first, as getgrouplist */
	gid_t		 groups[RPCAUTH_MAX_GROUPS];
	rpcprog_t	 prog;			/* of the INIT that made */
	rpcvers_t	 vers;			/* the context */
	void		*cookie;		/* opts.authorize's; borrowed */
};

/*
 * Inside a dispatch routine: fill *out with the caller of `req`.  Returns 0,
 * or -1 when the request was not authenticated by rpcauth (then *out is
 * zeroed).  The strings are copies: valid as long as *out.  The cookie is
 * borrowed from the context: valid until the procedure returns.
 * out->size says how much the library filled: a field past it (a program
 * built against a newer header) is absent, and zero.  A macro: the
 * library fills no more than the caller's sizeof(*out).
 */
#define rpcauth_svc_caller(req, out) \
	rpcauth_svc_caller_sized((req), (out), sizeof(*(out)))
RPCAUTH_API RPCAUTH_MUST_CHECK int rpcauth_svc_caller_sized(
	    const struct svc_req *req, struct rpcauth_caller *out, size_t size);

/*
 * Inside a dispatch routine: the cookie the authorize callback attached to
 * the caller's context, or NULL (none, or not an rpcauth request).
 * Borrowed: valid until the procedure returns.
 */
RPCAUTH_API void *rpcauth_svc_cookie(const struct svc_req *req);

/*
 * Server events: what a daemon should log.  One event for each handshake
 * the server refuses (INIT or CONTINUE_INIT that ends without a context),
 * each call it rejects with an auth_stat or GARBAGE_ARGS, and each call
 * it drops without a reply (a replay, or a sequence number below the
 * window).  Never token, checksum, handle or key bytes.
 *
 * The library fills the structure and lends it for the callback's
 * duration only: every pointer in it is valid during the call only.
 * Callers never allocate one, so fields may be added at the end; `size`
 * is the library's sizeof, so a program built against a newer header
 * reads a newer field only when size covers it.
 */
enum rpcauth_svc_event_kind {
	RPCAUTH_SVC_EV_HANDSHAKE_REFUSED = 1,	/* no context was made */
	RPCAUTH_SVC_EV_CALL_REJECTED,		/* auth_stat or GARBAGE_ARGS sent */
	RPCAUTH_SVC_EV_CALL_DROPPED		/* no reply at all (RFC 2203 5.3.3.1) */
};

struct rpcauth_svc_event {
	size_t		 size;		/* bytes the library filled */
	enum rpcauth_svc_event_kind kind;
	const char	*cause;		/* one line of text; never NULL */
	int		 auth_stat;	/* enum auth_stat sent; 0 (AUTH_OK) when
					   the reply was not an auth error */
	int		 garbage_args;	/* 1: GARBAGE_ARGS was sent */
	uint32_t	 gss_major;	/* major status in an INIT reply; 0: none */
	/*
	 * The client's principal when known: for a handshake, once the
	 * mechanism authenticated it; for a call, the principal of the
	 * context the call named (a rejected call did not prove that it
	 * came from there).  NULL when unknown.
	 */
	const char	*principal;
	const char	*peer;		/* "192.0.2.7:918", "[2001:db8::1]:918";
					   "" when unknown */
	uint32_t	 flavor;
	uint32_t	 prog, vers;	/* of the call, as the client sent them */
};

/*
 * Install `cb` to receive every server event, with `arg` passed through;
 * NULL removes it (the default: events are not reported).  The callback
 * runs in the thread that serves the request, inside the server's
 * request processing (sometimes under libtirpc's authentication lock):
 * it must return quickly, must not call svc_auth_reg(3) and should not
 * make RPC calls.  syslog(3) is fine.  May be called from any thread at
 * any time; a callback being removed may still get the events that were
 * under way.
 */
RPCAUTH_API void rpcauth_svc_set_log(
	    void (*cb)(const struct rpcauth_svc_event *ev, void *arg), void *arg);

/* ---- Client ------------------------------------------------------------ */

struct rpcauth_client_opts {
	size_t		 size;		/* set by rpcauth_client_opts_init() */
	enum rpcauth_service service;	/* 0: integrity */
	const char	*mech;		/* "krb5" (default), "spnego", "ntlm", or an OID */
	uint32_t	 flavor;	/* 0: RPCAUTH_FLAVOR; 6 for standard RPCSEC_GSS servers */
	const char	*ccache;	/* initiator ccache; NULL: the default */
	const char	*client_keytab;	/* initiator keytab; NULL: KRB5_CLIENT_KTNAME */
	int		 handshake_timeout_ms;	/* whole handshake; 0: 25000 */
	size_t		 max_body;	/* largest protected reply; 0: 64 MiB */
	/* Make the next context this many seconds before the current one
	 * ends; 0: a quarter of its lifetime, at most 300 s; -1: only once
	 * it has ended. */
	int		 renew_before_s;
	/* mech "spnego" only: let SPNEGO negotiate NTLM (when there are no
	 * Kerberos credentials).  0: SPNEGO negotiates Kerberos only.  NTLM
	 * does not authenticate the server (docs/SECURITY.md section 4);
	 * mech "ntlm" is an opt-in by itself. */
	int		 allow_ntlm;
	/* rpcauth_clnt_create() only: one call's bounds when it has to
	 * reconnect.  Connections tried (each address of the list counts
	 * once per try); 0: 16. */
	int		 failover_attempts;
	/* The whole call, reconnections and resends included, in ms; 0:
	 * 60000.  A connection's own call timeout applies inside it. */
	int		 failover_timeout_ms;
};

/*
 * Fill *opts with the defaults (all zero) and record the caller's
 * sizeof(*opts) in opts->size (a macro, like rpcauth_svc_opts_init()).
 * rpcauth_client_create() refuses options that did not go through it.
 */
#define rpcauth_client_opts_init(opts) \
	rpcauth_client_opts_init_sized((opts), sizeof(*(opts)))
RPCAUTH_API void rpcauth_client_opts_init_sized(
	    struct rpcauth_client_opts *opts, size_t size);

/*
 * Build an AUTH for `service` ("demo@host", a GSS host-based name) and run
 * the handshake over `clnt` before returning: the server must prove who it
 * is (mutual authentication and the MIC over the sequence window).  On
 * success the AUTH is installed as clnt->cl_auth and returned; the caller
 * owns it and must call auth_destroy(3) (which sends DESTROY) before
 * clnt_destroy(3).  On failure NULL is returned, *err filled, and
 * clnt->cl_auth left as it was.  `service` and *opts are copied.
 *
 * Afterwards the AUTH makes new contexts by itself, without the caller
 * noticing: shortly before the context ends (opts->renew_before_s), before
 * its sequence numbers reach MAXSEQ, and when the server answers
 * RPCSEC_GSS_CREDPROBLEM or RPCSEC_GSS_CTXPROBLEM (it restarted, or
 * dropped or ended the context); libtirpc then sends the call again.  The
 * handshake runs over a CLIENT of its own to the address, transport,
 * program and version of `clnt`; after a rejection on a duplicate of
 * `clnt`'s socket (the same connection or UDP source port) while that is
 * still the socket the AUTH was made on.  At most one new context per call
 * answers a rejection, rejections of a new context start a back-off, and
 * at most 3 new contexts answer rejections at once, then one per 20 s
 * (docs/SECURITY.md section 9), so forged rejections cannot make the
 * client loop; the replaced context is DESTROYed (best effort, 1 s at
 * most).  A TCP connection
 * the server closed is not reopened: the call fails with a transport
 * error (RPC_CANTRECV); make a new CLIENT and AUTH.
 */
RPCAUTH_API RPCAUTH_MUST_CHECK AUTH *rpcauth_client_create(CLIENT *clnt,
	    const char *service, const struct rpcauth_client_opts *opts,
	    struct rpcauth_err *err);

/*
 * A CLIENT for rpcgen's stubs that survives its server: `hosts` is a
 * NULL-terminated list of replicas of one service, each "host",
 * "host:port" or "[v6addr]:port" (no port: rpcbind on that host is asked;
 * every address the resolver gives for a host is tried in its order);
 * netid "tcp" or "udp".  It connects to the first address that answers
 * and runs the handshake as rpcauth_client_create() with *opts; the
 * strings and *opts are copied.  When a call meets a transport failure
 * (RPC_CANTSEND, RPC_CANTRECV: reset, EOF, refused; RPC_TIMEDOUT) the
 * connection and its context are dropped, the same address and then the
 * next ones are connected to with a new handshake, and the call is sent
 * again: it may run twice on the server (at least once, as NFS over
 * TCP).  Bounded per call by opts->failover_attempts and
 * opts->failover_timeout_ms; past them the call fails with one message
 * naming each address's cause (rpcauth_auth_error(cl->cl_auth)).  A
 * server that answers and refuses (the handshake fails for any reason but
 * the transport) is not retried elsewhere: the call fails with that
 * error.  Calls from several threads are serialized.  Returns the CLIENT,
 * or NULL with *err filled; auth_destroy(cl->cl_auth) then clnt_destroy(cl)
 * as for rpcauth_client_create() (clnt_destroy alone is fine too).
 * man rpcauth_clnt_create: clnt_control, errors, semantics.
 */
RPCAUTH_API RPCAUTH_MUST_CHECK CLIENT *rpcauth_clnt_create(
	    const char *const *hosts, rpcprog_t prog, rpcvers_t vers,
	    const char *netid, const char *service,
	    const struct rpcauth_client_opts *opts, struct rpcauth_err *err);

/*
 * Another AUTH as the same client for the same service, for `clnt` (a
 * further connection to the server or to a replica): the handshake runs
 * over `clnt` with `auth`'s options, and credentials are acquired for the
 * client `auth` was made as and no one else.  On success the AUTH is
 * installed as clnt->cl_auth and returned, with its own context, sequence
 * numbers and renewals; the caller owns it (auth_destroy(3) before
 * clnt_destroy(3)).  On failure NULL, *err filled, clnt->cl_auth left as
 * it was.
 *
 * An AUTH serves one CLIENT at a time: threads that share an identity
 * give each thread (or each CLIENT of a pool) its own clone.  May be
 * called while other threads make calls through `auth`.
 */
RPCAUTH_API RPCAUTH_MUST_CHECK AUTH *rpcauth_client_clone(AUTH *auth,
	    CLIENT *clnt, struct rpcauth_err *err);

/*
 * Why the last call on an AUTH made by rpcauth_client_create() failed (the
 * AUTH ops can only return a boolean to libtirpc): the cause and the fix,
 * with the GSS-API text where there is one.  NULL when the last call met
 * no error of the AUTH's, or when it failed for a reason outside it (see
 * clnt_sperror(3) then).  Borrowed: valid until the next call on that
 * AUTH.
 */
RPCAUTH_API const char *rpcauth_auth_error(AUTH *auth);

/*
 * The AUTH's current context, for display (rpcauth-ping, demos).  Returns
 * 0, or -1 (and *out zeroed) when auth was not made by
 * rpcauth_client_create().  out->size as in rpcauth_svc_caller(); a macro
 * over rpcauth_auth_info_sized() likewise.
 */
struct rpcauth_auth_info {
	size_t		 size;			/* bytes the library filled */
	char		 client_principal[1024];
	char		 server_principal[1024];
	char		 mech[16];
	enum rpcauth_service service;
	uint32_t	 flavor;
	uint32_t	 window;
	time_t		 expiry;		/* 0: no end */
	int		 mutual;		/* the server proved its identity:
					   Kerberos; never NTLM */
	uint32_t	 contexts;		/* made so far: 1 + renewals */
};
#define rpcauth_auth_info(auth, out) \
	rpcauth_auth_info_sized((auth), (out), sizeof(*(out)))
RPCAUTH_API int rpcauth_auth_info_sized(AUTH *auth,
	    struct rpcauth_auth_info *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* RPCAUTH_RPCAUTH_H */
