/* rpcauth/failover.h - the reconnecting CLIENT's AUTH, seen from clnt_auth.c */
#ifndef RPCAUTH_FAILOVER_H
#define RPCAUTH_FAILOVER_H

#include <rpc/rpc.h>
#include "internal.h"

/*
 * The cl_auth of a CLIENT from rpcauth_clnt_create() stands for the AUTH
 * of whichever connection is current (clnt_failover.c); the public AUTH
 * queries answer for it through these.
 */
int	failover_owns(const AUTH *auth);
const char *failover_auth_error(AUTH *auth);
int	failover_auth_info(AUTH *auth, struct rpcauth_auth_info *out,
	    size_t size);

#endif
