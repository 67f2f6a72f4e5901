/* hello_client.c - HELLO over libtirpc's RPCSEC_GSS: hello_client HOST SERVICE@HOST NAME */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include <rpc/rpc.h>
#include <rpc/rpcsec_gss.h>

#include "hello.h"

int
main(int argc, char **argv)
{
	rpc_gss_options_ret_t ret;
	CLIENT *cl;
	AUTH *auth;
	char **res;

	if (argc != 4)
		errx(2, "usage: hello_client HOST SERVICE@HOST NAME");
	if ((cl = clnt_create(argv[1], HELLO_PROG, HELLO_V1, "tcp")) == NULL)
		errx(1, "%s", clnt_spcreateerror(argv[1]));
	memset(&ret, 0, sizeof(ret));
	auth = rpc_gss_seccreate(cl, argv[2], "kerberos_v5",
	    rpcsec_gss_svc_privacy, NULL, NULL, &ret);
	if (auth == NULL)
		errx(1, "rpc_gss_seccreate: GSS major %d, minor %d",
		    ret.major_status, ret.minor_status);
	cl->cl_auth = auth;

	if ((res = hello_greet_1(&argv[3], cl)) == NULL)
		errx(1, "%s", clnt_sperror(cl, "greet"));
	printf("%s\n", *res);

	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
	return 0;
}
