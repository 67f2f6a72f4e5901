/* hello_server.c - HELLO over libtirpc's RPCSEC_GSS: hello_server SERVICE@HOST */
#include <err.h>
#include <netinet/in.h>
#include <stdio.h>

#include <rpc/rpc.h>
#include <rpc/rpcsec_gss.h>

#include "hello.h"

void	hello_prog_1(struct svc_req *, SVCXPRT *);	/* rpcgen -m */

char **
hello_greet_1_svc(char **name, struct svc_req *rq)
{
	static char buf[1200], *res = buf;
	rpc_gss_rawcred_t *raw = NULL;

	/* Only RPCSEC_GSS callers at privacy; AUTH_SYS gets here too. */
	if (!rpc_gss_getcred(rq, &raw, NULL, NULL) ||
	    raw->service != rpcsec_gss_svc_privacy) {
		svcerr_weakauth(rq->rq_xprt);
		return NULL;
	}
	snprintf(buf, sizeof(buf), "hello %s, you are %.*s", *name,
	    raw->client_principal->len, raw->client_principal->name);
	return &res;
}

int
main(int argc, char **argv)
{
	SVCXPRT *xprt;

	if (argc != 2)
		errx(2, "usage: hello_server SERVICE@HOST");
	/* The key comes from KRB5_KTNAME or the default keytab. */
	if (!rpc_gss_set_svc_name(argv[1], "kerberos_v5", 0, HELLO_PROG,
	    HELLO_V1))
		errx(1, "rpc_gss_set_svc_name(%s) failed", argv[1]);

	if ((xprt = svctcp_create(RPC_ANYSOCK, 0, 0)) == NULL)
		errx(1, "svctcp_create failed");
	if (!svc_register(xprt, HELLO_PROG, HELLO_V1, hello_prog_1,
	    IPPROTO_TCP))
		errx(1, "unable to register (HELLO_PROG, HELLO_V1, tcp)");
	svc_run();
	errx(1, "svc_run returned");
}
