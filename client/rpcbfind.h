/* client/rpcbfind.h - a CLIENT through rpcbind, and why it could not be made */
#ifndef RPCAUTH_CLIENT_RPCBFIND_H
#define RPCAUTH_CLIENT_RPCBFIND_H

#include <stddef.h>

#include <rpc/rpc.h>

/*
 * clnt_create(host, prog, vers, netid): the port comes from rpcbind on
 * host.  On failure NULL, and `why` says which step failed and what to do,
 * for a person who can also give the port (--port): rpcbind not running
 * on host, the program not registered there, or registered at a port
 * where nothing answers.  Not thread-safe (rpc_createerr).
 */
CLIENT	*rpcbfind_clnt_create(const char *host, rpcprog_t prog,
	    rpcvers_t vers, const char *netid, char *why, size_t len);

#endif
