/* rpcauth/clnt_internal.h - the client AUTH's private state */
#ifndef RPCAUTH_CLNT_INTERNAL_H
#define RPCAUTH_CLNT_INTERNAL_H

#include <sys/socket.h>
#include <rpc/rpc.h>
#include <gssapi/gssapi.h>

#include "init_xdr.h"
#include "internal.h"
#include "secctx.h"

/* HANDSHAKE only until the first context exists (handshakes have an AUTH
 * of their own); DESTROY while auth_destroy sends RPCSEC_GSS_DESTROY. */
enum clnt_mode { CLNT_MODE_HANDSHAKE, CLNT_MODE_DATA, CLNT_MODE_DESTROY };

/* Why a context is being replaced (trace and error text). */
enum clnt_renew_why {
	RENEW_NONE = 0,
	RENEW_EXPIRING,		/* inside the margin before its end */
	RENEW_EXPIRED,		/* past its end */
	RENEW_SEQ,		/* the next seq would be MAXSEQ */
	RENEW_CREDPROBLEM,	/* the server answered CREDPROBLEM */
	RENEW_CTXPROBLEM,	/* the server answered CTXPROBLEM */
	RENEW_GSS_EXPIRED	/* GetMIC said GSS_S_CONTEXT_EXPIRED */
};

/*
 * Where the server is, captured when the AUTH is made: re-establishing
 * from inside an AUTH op must use a CLIENT of its own, because the
 * application's CLIENT is locked for the call in progress.
 */
struct clnt_peer {
	struct sockaddr_storage addr;
	socklen_t	 addrlen;	/* 0: unknown, no new contexts */
	/* The application's CLIENT's socket (borrowed) and its local
	 * address: a new context after a rejection is made over a duplicate
	 * of it while it is still that socket (clnt_renew.c). */
	int		 fd;
	struct sockaddr_storage local;
	socklen_t	 locallen;
	int		 sotype;	/* SOCK_STREAM or SOCK_DGRAM */
	rpcprog_t	 prog;		/* as each call's header says */
	rpcvers_t	 vers;
	struct timeval	 retry;		/* UDP resend interval */
};

/*
 * One AUTH serves one CLIENT, whose lock serializes its calls: threads
 * that share an identity get an AUTH each (rpcauth_client_clone), never
 * one AUTH between CLIENTs (docs/ARCHITECTURE.md, "Many threads, one
 * identity").
 *
 * Invariant: between calls, sc, handle, window and expiry describe one
 * complete context and seq_next is its next unused sequence number.  The
 * renewal fields only ever delay or refuse a new context, never change
 * the current one.
 *
 * Who touches what:
 * - fixed: the options and the target, set by rpcauth_client_create
 *   before the AUTH is handed out; read-only afterwards;
 * - the call's: everything else not marked, written and read by the AUTH
 *   ops and the renewal, which libtirpc runs one call at a time under the
 *   CLIENT's lock (docs/LIBTIRPC.md section 5);
 * - the context's: what rpcauth_auth_info reports (marked "context's"),
 *   which any thread may ask for during a call.  Written only in the
 *   section of sc's lock that swaps the GSS context (clnt_install through
 *   secctx_replace) or that takes the names from it (secctx_with_lock, the
 *   pre_export hook); the call's own thread, the only writer, reads them
 *   without the lock, every other reader in such a section.
 */
struct clnt_state {
	AUTH		 auth;		/* first: what libtirpc holds */
	CLIENT		*clnt;
	uint32_t	 flavor;
	enum rpcauth_service service;
	gss_OID		 req_mech;	/* what was asked for */
	gss_OID		 mech;		/* context's: what was established */
	gss_name_t	 target;
	gss_cred_id_t	 cred;
	char		*ccache;	/* options, to acquire again */
	char		*mech_opt;	/* option as given */
	/* The options as imported, their strings the copies above: what
	 * rpcauth_client_clone makes the next AUTH with. */
	struct rpcauth_client_opts opts;
	/* Set by a renewal: credentials are acquired for this initiator
	 * only, so a new context cannot be someone else's (clnt_renew.c). */
	gss_name_t	 pin_name;
	char		*client_keytab;
	struct secctx	 sc;
	enum clnt_mode	 mode;
	uint8_t		 handle[RPCAUTH_CRED_MAX_HANDLE];
	size_t		 handle_len;
	uint32_t	 window;	/* context's */
	uint32_t	 seq_next;
	uint32_t	 seq_cur;	/* seq of the call in flight */
	/* The current context's INIT verifier, MIC(seq_window): no later
	 * reply verifier may be this token (docs/SECURITY.md, 1). */
	uint8_t		 init_verf[RPCAUTH_MAX_AUTH_BYTES];
	size_t		 init_verf_len;
	time_t		 expiry;	/* context's; 0: no end */
	time_t		 renew_at;	/* renew early from; 0: never */
	int		 renew_before_s;	/* option; -1: at the end */
	int		 allow_ntlm;	/* option: NTLM inside SPNEGO */
	int		 mutual;	/* context's */
	int		 timeout_ms;
	size_t		 max_body;
	char		*target_str;
	/* Context's, and read only in sections of sc's lock: the names of
	 * the current context, taken from it when first asked for
	 * (rpcauth_auth_info, a renewal's identity check) or just before its
	 * export (clnt_names_keep), whichever comes first; strings made on
	 * demand; freed by a renewal (clnt_install).
	 * MIT makes a krb5 context for each name call: not for nothing. */
	gss_name_t	 client_name, server_name;
	char		*client_principal;
	char		*server_principal;
	struct clnt_peer peer;
	/* Bounds on new contexts (clnt_renew.c). */
	uint32_t	 contexts;	/* context's: made so far, the first
					 * included */
	int		 in_retry;	/* refresh said TRUE: a resend */
	int		 call_renewals;	/* for rejections, this call */
	int		 unconfirmed;	/* ditto, not yet verified */
	long long	 blocked_until_ms;	/* monotonic */
	long long	 backoff_ms;
	/* Token bucket of renewals for rejections, over time whatever the
	 * calls in between (docs/SECURITY.md section 9). */
	unsigned	 reject_tokens;
	long long	 reject_refill_ms;	/* monotonic: last refill */
	uint8_t		 credbuf[RPCAUTH_MAX_AUTH_BYTES];
	struct rpcauth_err lasterr;
};

/* What one handshake produced; moved into a clnt_state by clnt_install. */
struct clnt_ctx {
	gss_ctx_id_t	 gctx;
	gss_OID		 mech;
	uint8_t		 handle[RPCAUTH_CRED_MAX_HANDLE];
	size_t		 handle_len;
	uint32_t	 window;
	uint8_t		 init_verf[RPCAUTH_MAX_AUTH_BYTES];	/* MIC(window) */
	size_t		 init_verf_len;
	time_t		 expiry;
	OM_uint32	 lifetime;	/* s, as init_sec_context said */
	int		 mutual;
};

/* clnt_auth.c */

/*
 * AUTH ops with nothing to do, shared by the AUTHs the client lends to a
 * CLIENT for one exchange (the handshake's, the retiring DESTROY's): no
 * verifier to advance, a rejection never retried (TRUE would resend), and
 * nothing to free (they live on their caller's stack).  Bodies go
 * unprotected (clnt_op_plain: the handshake's, and the empty ones of a
 * NULL call); clnt_op_anyverf takes any verifier, for a reply that is
 * not used.
 */
void	clnt_op_nextverf(AUTH *a);
int	clnt_op_norefresh(AUTH *a, void *arg);
void	clnt_op_nodestroy(AUTH *a);
int	clnt_op_anyverf(AUTH *a, struct opaque_auth *v);
int	clnt_op_plain(AUTH *a, XDR *xdrs, xdrproc_t proc, caddr_t where);

/*
 * Write the credential (gss_proc, the next seq of st's context) and the
 * header MIC (RFC 2203 5.3.1) at the end of the call header in xdrs.
 * Returns 0, -1 with *err set, or 1 when GSS says the context has expired
 * (the caller makes a new one and writes again).
 */
int	clnt_cred_write(struct clnt_state *st, XDR *xdrs, uint32_t gss_proc,
	    struct rpcauth_err *err);

/* clnt_handshake.c */

/* gss_display_name as a malloc'd C string; NULL if there is none. */
char	*clnt_name_string(gss_name_t name);
/* The secctx pre_export hook: keep the names of st's context. */
void	 clnt_names_keep(void *st, gss_ctx_id_t gctx);
/* Forget them (a new context comes); in a section of sc's lock. */
void	 clnt_names_drop(struct clnt_state *st);

/*
 * Run INIT / CONTINUE_INIT over `via` (the application's CLIENT at
 * creation, a side CLIENT later) until both sides are complete.  via's
 * cl_auth is borrowed for the handshake and put back.  On success *out
 * holds the new context (move it with clnt_install, or release it with
 * clnt_ctx_clear); on failure *out is empty and *err says why.
 */
int	clnt_handshake(struct clnt_state *st, CLIENT *via,
	    struct clnt_ctx *out, struct rpcauth_err *err);
void	clnt_ctx_clear(struct clnt_ctx *c);

/* clnt_errors.c */

/* Turn a failed clnt_call on `via` into a message naming cause and fix. */
int	clnt_rpc_error(struct clnt_state *st, CLIENT *via,
	    enum clnt_stat stat, const char *what, int handshake,
	    struct rpcauth_err *err);
/* An AUTH_ERROR a new context cannot cure: st->lasterr says what to do. */
void	clnt_explain_rejection(struct clnt_state *st, enum auth_stat why);
/*
 * The server refused the context with GSS status maj/min (from its reply,
 * or from feeding its error token to the mechanism): the cause and fix for
 * that, naming `target`.  Returns -1.
 */
int	clnt_refusal_error(struct rpcauth_err *err, const char *what,
	    const char *target, OM_uint32 maj, OM_uint32 min, gss_OID mech);
/* 0 if the requested mechanism has a GSS module here, else -1 and *err. */
int	clnt_mech_check(const char *name, gss_OID oid,
	    struct rpcauth_err *err);
const char *clnt_auth_stat_name(enum auth_stat why);
const char *clnt_service_name(enum rpcauth_service s);

/* clnt_renew.c */

/* The monotonic clock in milliseconds, for deadlines and back-off. */
long long clnt_now_ms(void);

/* Record where clnt's server is; 0, or -1 if it cannot be known. */
/*
 * An AUTH of a moment (the handshake's, the DESTROY of a replaced context)
 * that lives inside `priv`, with no credential or verifier of its own.
 */
static inline void
clnt_aux_auth(AUTH *a, struct auth_ops *ops, void *priv)
{
	a->ah_ops = ops;
	a->ah_private = priv;
	a->ah_cred = _null_auth;
	a->ah_verf = _null_auth;
}

int	clnt_peer_capture(struct clnt_state *st, CLIENT *clnt);
/* Make *c the AUTH's context (sequence numbers start again at 0). */
void	clnt_install(struct clnt_state *st, struct clnt_ctx *c);
/* Why the context must (or should) be replaced before the next call. */
enum clnt_renew_why clnt_renew_due(const struct clnt_state *st);
/*
 * Replace the context over a side CLIENT.  Returns 0, or -1 with
 * st->lasterr saying why (the old context is kept then).
 */
int	clnt_renew(struct clnt_state *st, enum clnt_renew_why why);
/* ah_refresh: a rejection came in; TRUE to have libtirpc send again. */
int	clnt_refresh(struct clnt_state *st, struct rpc_msg *msg);
/* A reply verified: the server knows this context. */
void	clnt_renew_confirmed(struct clnt_state *st);
/* Fill the rejection bucket (at creation). */
void	clnt_renew_init(struct clnt_state *st);
/* An early renewal failed but the context still works: try again soon. */
void	clnt_renew_later(struct clnt_state *st);

/* clnt_retire.c */

/*
 * Best effort: send RPCSEC_GSS_DESTROY for st's current context (about to
 * be replaced) over `side`, waiting at most RETIRE_WAIT_MS for the reply.
 * Changes nothing but the context's next sequence number.
 */
void	clnt_retire(struct clnt_state *st, CLIENT *side);

#endif
