/* examples/kv_client.c - the KV client: clnt_create, rpcauth_client_create */
/*
 * kv-client [-u] [-p PORT] [-s integrity|privacy|none] HOST SERVICE@HOST CMD
 *     CMD: put KEY VALUE | get KEY | whoami
 *
 * Without -p the port comes from rpcbind on HOST (clnt_create); -u: UDP.
 * The credentials are the user's (kinit) or KRB5_CLIENT_KTNAME's.  Exit
 * status 0 on success, otherwise 1 with one line on stderr.
 */
#include <sys/socket.h>

#include <err.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpcauth/rpcauth.h>

#include "kv.h"

/* -p: the server is not in rpcbind (kv-server -p, or systemd). */
static CLIENT *
create_at_port(const char *host, const char *port, int udp)
{
	struct addrinfo hints, *ai;
	struct netconfig *nconf;
	struct netbuf nb;
	CLIENT *cl;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	if ((e = getaddrinfo(host, port, &hints, &ai)) != 0)
		errx(1, "%s port %s: %s", host, port, gai_strerror(e));
	nconf = getnetconfigent(ai->ai_family == AF_INET6 ?
	    (udp ? "udp6" : "tcp6") : (udp ? "udp" : "tcp"));
	if (nconf == NULL)
		errx(1, "no netconfig entry for %s", udp ? "udp" : "tcp");
	nb.buf = ai->ai_addr;
	nb.len = nb.maxlen = ai->ai_addrlen;
	cl = clnt_tli_create(RPC_ANYFD, nconf, &nb, KV_PROG, KV_V1, 0, 0);
	if (cl == NULL)
		errx(1, "%s", clnt_spcreateerror(host));
	freenetconfigent(nconf);
	freeaddrinfo(ai);
	return cl;
}

/* What went wrong: libtirpc's words, and rpcauth's when the AUTH knows more. */
static void
call_failed(CLIENT *cl, const char *what)
{
	const char *why = rpcauth_auth_error(cl->cl_auth);

	errx(1, "%s%s%s", clnt_sperror(cl, what), why != NULL ? ": " : "",
	    why != NULL ? why : "");
}

int
main(int argc, char *argv[])
{
	struct rpcauth_client_opts o;
	struct rpcauth_auth_info info;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	const char *port = NULL, *cmd;
	CLIENT *cl;
	int c, udp = 0;

	rpcauth_client_opts_init(&o);
	o.service = RPCAUTH_SVC_INTEGRITY;
	while ((c = getopt(argc, argv, "p:s:u")) != -1) {
		switch (c) {
		case 'p':
			port = optarg;
			break;
		case 's':
			if (strcmp(optarg, "privacy") == 0)
				o.service = RPCAUTH_SVC_PRIVACY;
			else if (strcmp(optarg, "integrity") == 0)
				o.service = RPCAUTH_SVC_INTEGRITY;
			else if (strcmp(optarg, "none") == 0)
				o.service = RPCAUTH_SVC_NONE;
			else
				goto usage;
			break;
		case 'u':
			udp = 1;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3)
		goto usage;

	if (port != NULL)
		cl = create_at_port(argv[0], port, udp);
	else if ((cl = clnt_create(argv[0], KV_PROG, KV_V1,
	    udp ? "udp" : "tcp")) == NULL)
		errx(1, "%s", clnt_spcreateerror(argv[0]));
	/* The handshake: the server proves it holds SERVICE@HOST's key. */
	if (rpcauth_client_create(cl, argv[1], &o, &err) == NULL)
		errx(1, "%s", err.msg);		/* e.g. "... Clock skew too great" */

	cmd = argv[2];
	if (strcmp(cmd, "put") == 0 && argc == 5) {
		kv_pair pair = { argv[3], argv[4] };
		kv_stat *st;

		if ((st = kv_put_1(&pair, cl)) == NULL)
			call_failed(cl, "put");
		if (*st != KV_OK)
			errx(1, "put %s: the store is full", argv[3]);
	} else if (strcmp(cmd, "get") == 0 && argc == 4) {
		kv_getres *res;

		if ((res = kv_get_1(&argv[3], cl)) == NULL)
			call_failed(cl, "get");
		if (res->stat != KV_OK)
			errx(1, "get %s: not found", argv[3]);
		printf("%s\n", res->kv_getres_u.val);
		xdr_free((xdrproc_t)xdr_kv_getres, (char *)res);
	} else if (strcmp(cmd, "whoami") == 0 && argc == 3) {
		kv_val *res;

		if ((res = kv_whoami_1(NULL, cl)) == NULL)
			call_failed(cl, "whoami");
		if (rpcauth_auth_info(cl->cl_auth, &info) == 0)
			printf("server: %s\n", info.server_principal);
		printf("caller: %s\n", *res);
		xdr_free((xdrproc_t)xdr_kv_val, (char *)res);
	} else {
		goto usage;
	}
	auth_destroy(cl->cl_auth);		/* sends RPCSEC_GSS DESTROY */
	clnt_destroy(cl);
	return 0;
usage:
	fprintf(stderr, "usage: kv-client [-u] [-p PORT] [-s integrity|privacy|none] "
	    "HOST SERVICE@HOST put KEY VALUE | get KEY | whoami\n");
	return 2;
}
