/* hello_server.c - HELLO over rpcauth: hello_server SERVICE@HOST */
#include <err.h>
#include <netinet/in.h>
#include <stdio.h>

#include <rpc/rpc.h>
#include <rpcauth/rpcauth.h>

#include "hello.h"

void	hello_prog_1(struct svc_req *, SVCXPRT *);	/* rpcgen -m */

char **
hello_greet_1_svc(char **name, struct svc_req *rq)
{
	static char buf[1200], *res = buf;
	struct rpcauth_caller who;

	/* min_service and the gate keep everyone else out before this. */
	if (rpcauth_svc_caller(rq, &who) != 0) {
		svcerr_weakauth(rq->rq_xprt);
		return NULL;
	}
	snprintf(buf, sizeof(buf), "hello %s, you are %s", *name,
	    who.principal);
	return &res;
}

int
main(int argc, char **argv)
{
	struct rpcauth_svc_opts so;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	SVCXPRT *xprt;

	if (argc != 2)
		errx(2, "usage: hello_server SERVICE@HOST");
	/* The key comes from KRB5_KTNAME or the default keytab. */
	rpcauth_svc_opts_init(&so);
	so.principal = argv[1];
	so.min_service = RPCAUTH_SVC_PRIVACY;
	if (rpcauth_svc_register(&so, &err) != 0)
		errx(1, "%s", err.msg);

	if ((xprt = svctcp_create(RPC_ANYSOCK, 0, 0)) == NULL)
		errx(1, "svctcp_create failed");
	if (!rpcauth_svc_register_prog(xprt, HELLO_PROG, HELLO_V1,
	    hello_prog_1, IPPROTO_TCP))
		errx(1, "unable to register (HELLO_PROG, HELLO_V1, tcp)");
	svc_run();
	errx(1, "svc_run returned");
}
