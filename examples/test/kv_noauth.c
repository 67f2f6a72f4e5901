/* examples/test/kv_noauth.c - a KV client without rpcauth: must be refused */
/*
 * kv_noauth [-u] HOST PORT: KV_PUT "noauth" = "leaked" with AUTH_NONE, then
 * with AUTH_SYS, through the generated stubs as a plain rpcgen client would.
 * Prints one line per flavor.  Exit 0 when both were answered AUTH_TOOWEAK,
 * 1 when a call went through, 2 on any other outcome.
 */
#include <sys/socket.h>

#include <err.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rpc/rpc.h>

#include "kv.h"

/* 0: refused with AUTH_TOOWEAK; 1: served; 2: something else. */
static int
try_put(CLIENT *cl, const char *flavor)
{
	kv_pair pair = { "noauth", "leaked" };
	struct rpc_err e;

	if (kv_put_1(&pair, cl) != NULL) {
		printf("%s: served\n", flavor);
		return 1;
	}
	clnt_geterr(cl, &e);
	printf("%s\n", clnt_sperror(cl, flavor));
	return e.re_status == RPC_AUTHERROR && e.re_why == AUTH_TOOWEAK ? 0 : 2;
}

int
main(int argc, char *argv[])
{
	struct addrinfo hints, *ai;
	struct netbuf nb;
	struct netconfig *nconf;
	CLIENT *cl;
	int udp = 0, r1, r2;

	if (argc == 4 && strcmp(argv[1], "-u") == 0) {
		udp = 1;
		argv++;
		argc--;
	}
	if (argc != 3)
		errx(2, "usage: kv_noauth [-u] HOST PORT");
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0 ||
	    (nconf = getnetconfigent(udp ? "udp" : "tcp")) == NULL)
		errx(2, "cannot resolve %s port %s", argv[1], argv[2]);
	nb.buf = ai->ai_addr;
	nb.len = nb.maxlen = ai->ai_addrlen;
	if ((cl = clnt_tli_create(RPC_ANYFD, nconf, &nb, KV_PROG, KV_V1, 0,
	    0)) == NULL)
		errx(2, "%s", clnt_spcreateerror(argv[1]));
	r1 = try_put(cl, "AUTH_NONE");		/* clnt_tli_create's default */
	auth_destroy(cl->cl_auth);
	if ((cl->cl_auth = authunix_create_default()) == NULL)
		errx(2, "authunix_create_default failed");
	r2 = try_put(cl, "AUTH_SYS");
	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
	freenetconfigent(nconf);
	freeaddrinfo(ai);
	if (r1 == 1 || r2 == 1)
		return 1;
	return r1 != 0 || r2 != 0 ? 2 : 0;
}
