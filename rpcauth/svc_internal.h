/* rpcauth/svc_internal.h - state shared by the server's files */
#ifndef RPCAUTH_SVC_INTERNAL_H
#define RPCAUTH_SVC_INTERNAL_H

#include <pthread.h>
#include <rpc/rpc.h>
#include <gssapi/gssapi.h>

#include "ctxcache.h"
#include "internal.h"

/*
 * The private program that answers control messages and drops replays.
 * The handler points rq_prog at it (docs/LIBTIRPC.md section 2: the only way to
 * answer without the application's dispatch running).  Transient range.
 */
#define SVC_PRIV_PROG	0x4F5A2203u
#define SVC_PRIV_VERS	1u

/* Verifier MICs are small (krb5: 28 to 40 bytes, NTLM: 16). */
#define SVC_VERF_MAX	128

enum svc_action {
	SVC_ACT_DATA = 1,
	SVC_ACT_INIT,
	SVC_ACT_CONTINUE,
	SVC_ACT_DESTROY,
	SVC_ACT_DROP,
	SVC_ACT_GARBAGE		/* GARBAGE_ARGS: the handler read a bad body */
};

/*
 * Per-request state.  It lives in rq_clntcred (libtirpc gives each request
 * RQCRED_SIZE = 400 bytes there, on the stack of svc_getreq_common), so it
 * dies with the request and nothing per request sits on the transport.
 * The area is a char array: copy in and out with memcpy, never cast.
 */
struct svc_reqstate {
	uint32_t	 magic;
	uint32_t	 action;
	uint32_t	 flavor;
	uint32_t	 prog, vers;	/* as the client called them */
	SVCXPRT		*xprt;		/* the request's, for events */
	uint32_t	 seq, service;
	uint32_t	 args_read;	/* the handler already read the body */
	uint8_t		 handle[RPCAUTH_HANDLE_LEN];
	uint32_t	 verf_len;
	uint8_t		 verf[SVC_VERF_MAX];
};
#define SVC_REQ_MAGIC	0x72706361u
#define SVC_RQCRED_SIZE	400

/* One acceptor credential: a service principal, for the allowed mechanisms. */
struct svc_acceptor {
	char		*principal;	/* "service@host"; NULL: any key */
	gss_cred_id_t	 cred;
};

/* A copy of rpcauth_svc_policy with the principal resolved to an acceptor. */
struct svc_policy {
	uint32_t	 prog, vers;
	enum rpcauth_service min_service;
	size_t		 acceptor;	/* index in svc_g.acceptors */
	enum rpcauth_unauth unauth;	/* read by the gate (svc_gate.c) */
};

struct svc_global {
	pthread_mutex_t	 lock;
	int		 registered;
	uint32_t	 flavor;
	unsigned	 mechs;		/* MECH_* bits allowed on the wire */
	unsigned	 inner_mechs;	/* MECH_* bits SPNEGO may negotiate */
	struct svc_acceptor *acceptors;	/* [0]: rpcauth_svc_opts.principal */
	size_t		 nacceptors;
	struct ctxcache	*cc;
	uint32_t	 window;
	enum rpcauth_service min_service;
	struct svc_policy *policies;
	size_t		 npolicies;
	size_t		 max_token;
	size_t		 max_body;
	int		(*authorize)(const struct rpcauth_caller *, void *,
			    void **);
	void		*authorize_arg;
	void		(*cookie_free)(void *);
	int		 priv_registered;
};

extern struct svc_global svc_g;

int	svc_reqstate_get(const struct svc_req *rq, struct svc_reqstate *rs);

/* The svc_auth_reg handler (svc_auth.c). */
enum auth_stat svc_handler(struct svc_req *rq, struct rpc_msg *msg);

/* The acceptor (index in svc_g.acceptors) for a program and version. */
size_t	svc_acceptor_for(uint32_t prog, uint32_t vers);

/* Which unauthenticated callers a program and version lets in. */
enum rpcauth_unauth svc_unauth_for(uint32_t prog, uint32_t vers);

/* The private program's dispatch (svc_handshake.c). */
void	svc_priv_dispatch(struct svc_req *rq, SVCXPRT *xprt);

/*
 * At handshake completion (svc_caller.c): check the negotiated mechanism,
 * fix the caller's identity in c and run the authorize callback.  Returns
 * GSS_S_COMPLETE, or the major status the INIT reply must carry
 * (GSS_S_BAD_MECH, GSS_S_BAD_NAME, GSS_S_UNAUTHORIZED, GSS_S_FAILURE)
 * with the reason in why (for the server's event).
 */
OM_uint32 svc_caller_establish(struct svcctx *c, gss_name_t *src,
	    gss_OID actual, uint32_t service, char *why, size_t whylen);

/*
 * Before a DATA call of an established context runs: has the authorize
 * callback approved this program, version and service (all covered by
 * the header MIC)?  Asks it again when not, keeping a few answers per
 * context.  0 allowed (or no callback), -1 refused.
 */
int	svc_caller_authorize_call(struct svcctx *c, uint32_t prog,
	    uint32_t vers, uint32_t service);

/* Set the reply verifier to MIC(value) from rs->verf; -1 if GetMIC failed. */
int	svc_set_verf_mic(struct svc_req *rq, struct svc_reqstate *rs,
	    struct svcctx *c, uint32_t value);

/*
 * Server events (svc_log.c, rpcauth_svc_set_log).  SVC_EVENT costs one
 * lock when no callback is installed; the cause is formatted only when
 * one is.  prog and vers are the call's as the client sent them.
 */
int	svc_log_enabled(void);
void	svc_log(SVCXPRT *xprt, uint32_t prog, uint32_t vers,
	    enum rpcauth_svc_event_kind kind, int auth_stat, int garbage,
	    uint32_t major, const char *principal, const char *fmt, ...)
	    __attribute__((format(printf, 9, 10)));
/* The same for a call of another flavor (the dispatch gate). */
void	svc_log_flavor(SVCXPRT *xprt, uint32_t flavor, uint32_t prog,
	    uint32_t vers, enum rpcauth_svc_event_kind kind, int auth_stat,
	    const char *fmt, ...) __attribute__((format(printf, 7, 8)));
#define SVC_EVENT(...)	do { if (svc_log_enabled()) svc_log(__VA_ARGS__); } \
	while (0)
/* Its source key for ctxcache_create_from; -1 (key zeroed) if unknown. */
int	svc_peer_key(SVCXPRT *xprt, uint8_t key[CTXCACHE_SRC_LEN]);

#endif
