/* client/rpcbfind.c - a CLIENT through rpcbind, and why it could not be made */
/*
 * libtirpc reports a missing rpcbind and a missing server alike, as
 * "RPC: Remote system error - Connection refused" (TCP) or "RPC: Unable
 * to receive" (UDP): its errno is the refused connection either way.  So
 * after such a failure rpcbind is asked once more, over TCP, for the
 * program's address: no answer means rpcbind is not running; an answer
 * means the server it names is gone.  README.md, section "rpcbind".
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rpcbfind.h"

/* The port rpcbind on host gives for prog/vers over TCP; 0 if it gives
 * none, -1 if it does not answer. */
static int
rpcb_port(const char *host, rpcprog_t prog, rpcvers_t vers)
{
	struct sockaddr_storage ss;
	struct netconfig *nc;
	struct netbuf nb;
	int port = -1;

	if ((nc = getnetconfigent("tcp")) == NULL)
		return -1;
	memset(&ss, 0, sizeof(ss));
	nb.buf = &ss;
	nb.len = 0;
	nb.maxlen = sizeof(ss);
	if (rpcb_getaddr(prog, vers, nc, &nb, host))
		port = ss.ss_family == AF_INET ?
		    ntohs(((struct sockaddr_in *)&ss)->sin_port) :
		    ss.ss_family == AF_INET6 ?
		    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) : 0;
	else if (rpc_createerr.cf_stat == RPC_PROGNOTREGISTERED)
		port = 0;
	freenetconfigent(nc);
	return port;
}

CLIENT *
rpcbfind_clnt_create(const char *host, rpcprog_t prog, rpcvers_t vers,
    const char *netid, char *why, size_t len)
{
	char lib[256];
	enum clnt_stat st;
	CLIENT *cl;
	int err, port;

	if ((cl = clnt_create(host, prog, vers, netid)) != NULL)
		return cl;
	st = rpc_createerr.cf_stat;
	err = rpc_createerr.cf_error.re_errno;
	snprintf(lib, sizeof(lib), "%s", clnt_spcreateerror(host));
	lib[strcspn(lib, "\n")] = '\0';
	if (st == RPC_PROGNOTREGISTERED || st == RPC_PROGVERSMISMATCH) {
		snprintf(why, len, "program %#lx version %lu (%s) is not "
		    "registered with rpcbind on %s: start the server there "
		    "(rpcinfo -p %s lists what is registered), or give its "
		    "port with --port", (unsigned long)prog,
		    (unsigned long)vers, netid, host, host);
		return NULL;
	}
	if (err != ECONNREFUSED && st != RPC_PMAPFAILURE &&
	    st != RPC_RPCBFAILURE) {
		snprintf(why, len, "%s", lib);
		return NULL;
	}
	if ((port = rpcb_port(host, prog, vers)) < 0)
		snprintf(why, len, "rpcbind is not running on %s (nothing "
		    "answers on its port 111): start rpcbind there (systemctl "
		    "start rpcbind), or give the server's port with --port",
		    host);
	else if (port > 0)
		snprintf(why, len, "rpcbind on %s gives port %d for program "
		    "%#lx version %lu, but nothing answers there (%s): the "
		    "server stopped without unregistering; start it again, or "
		    "give its port with --port", host, port,
		    (unsigned long)prog, (unsigned long)vers, lib);
	else
		snprintf(why, len, "%s", lib);
	return NULL;
}
