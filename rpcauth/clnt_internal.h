/* rpcauth/clnt_internal.h - the client AUTH's private state */
#ifndef RPCAUTH_CLNT_INTERNAL_H
#define RPCAUTH_CLNT_INTERNAL_H

#include <rpc/rpc.h>
#include <gssapi/gssapi.h>

#include "init_xdr.h"
#include "internal.h"
#include "secctx.h"

enum clnt_mode { CLNT_MODE_HANDSHAKE, CLNT_MODE_DATA, CLNT_MODE_DESTROY };

struct clnt_state {
	AUTH		 auth;		/* first: the AUTH * libtirpc holds */
	CLIENT		*clnt;
	uint32_t	 flavor;
	enum rpcauth_service service;
	gss_OID		 req_mech;	/* what was asked for */
	gss_OID		 mech;		/* what was established */
	gss_name_t	 target;
	gss_cred_id_t	 cred;
	struct secctx	 sc;
	enum clnt_mode	 mode;
	uint32_t	 hs_proc;	/* INIT or CONTINUE_INIT */
	uint8_t		 handle[INIT_MAX_HANDLE];
	size_t		 handle_len;
	uint32_t	 window;
	uint32_t	 seq_next;
	uint32_t	 seq_cur;	/* seq of the call in flight */
	time_t		 expiry;
	int		 mutual;
	int		 timeout_ms;
	size_t		 max_body;
	char		*target_str;
	char		*client_principal;
	char		*server_principal;
	/* Verifier of the last handshake reply, kept by validate. */
	uint32_t	 hs_verf_flavor;
	size_t		 hs_verf_len;
	uint8_t		 hs_verf[RPCAUTH_MAX_AUTH_BYTES];
	uint8_t		 credbuf[RPCAUTH_MAX_AUTH_BYTES];
	struct rpcauth_err lasterr;
};

/* Run INIT/CONTINUE_INIT over st->clnt until both sides are complete. */
int	clnt_handshake(struct clnt_state *st, struct rpcauth_err *err);

/* Turn a failed clnt_call into a message that names the cause. */
int	clnt_rpc_error(struct clnt_state *st, enum clnt_stat stat,
	    const char *what, struct rpcauth_err *err);

#endif
