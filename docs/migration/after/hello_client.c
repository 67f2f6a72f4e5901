/* hello_client.c - HELLO over rpcauth: hello_client HOST SERVICE@HOST NAME */
#include <err.h>
#include <stdio.h>

#include <rpc/rpc.h>
#include <rpcauth/rpcauth.h>

#include "hello.h"

int
main(int argc, char **argv)
{
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl;
	char **res;

	if (argc != 4)
		errx(2, "usage: hello_client HOST SERVICE@HOST NAME");
	if ((cl = clnt_create(argv[1], HELLO_PROG, HELLO_V1, "tcp")) == NULL)
		errx(1, "%s", clnt_spcreateerror(argv[1]));
	rpcauth_client_opts_init(&o);
	o.service = RPCAUTH_SVC_PRIVACY;
	/* Installs the AUTH in cl->cl_auth once the server proved itself. */
	if (rpcauth_client_create(cl, argv[2], &o, &err) == NULL)
		errx(1, "%s", err.msg);

	if ((res = hello_greet_1(&argv[3], cl)) == NULL)
		errx(1, "%s: %s", clnt_sperror(cl, "greet"),
		    rpcauth_auth_error(cl->cl_auth) != NULL ?
		    rpcauth_auth_error(cl->cl_auth) : "");
	printf("%s\n", *res);

	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
	return 0;
}
