/* bench/bench_server.c - rpcbench-server: DEMOFS NULL and ECHO, 3 securities */
/*
 * rpcbench-server --mode sys|tirpc-gss|rpcauth|all --port P
 *     [--principal SERVICE@HOST] [--max-contexts N] [--bufsize BYTES]
 *     [--workers N]
 *
 * One TCP transport on 127.0.0.1:P, no rpcbind, serving DEMOFS NULL and
 * ECHO (rpcgen/demofs.x) and nothing else.  The three modes differ only in
 * who authenticates the calls, so that the benchmark compares securities
 * and not servers:
 *
 *	sys		AUTH_SYS, checked by libtirpc (no cryptography);
 *	tirpc-gss	libtirpc's built-in RPCSEC_GSS (rpc_gss_set_svc_name);
 *	rpcauth		rpcauth_svc_register, context cap --max-contexts;
 *	all		the three at once, each call served under its own
 *			flavor: the way an independent harness serves both
 *			GSS systems, so that neither gets a process, a heap
 *			or a replay cache handle of its own (bench/README.md).
 *
 * The dispatch, the transport buffers (--bufsize, default 256 KiB, the
 * most libtirpc grants: libtirpc's GSS needs that much for 64 KiB bodies
 * under integrity and privacy) and the loop (svc_run) are the same in every
 * mode.  The acceptor key comes from KRB5_KTNAME.  Prints a line with
 * "ready" on stdout once it listens; the default SIGTERM action ends it.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpc/rpcsec_gss.h>

#include "rpcauth/rpcauth.h"
#include "demofs.h"
#include "server_workers.h"

#define PROG		"rpcbench-server"
#ifndef RPCSEC_GSS
#define RPCSEC_GSS	6
#endif

enum mode { MODE_SYS, MODE_TIRPC_GSS, MODE_RPCAUTH, MODE_ALL };

/* The credential flavors a call may carry to be served in this mode. */
static enum_t want_flavor[3];
static int nwant;

static int
flavor_served(enum_t f)
{
	int i;

	for (i = 0; i < nwant; i++)
		if (want_flavor[i] == f)
			return 1;
	return 0;
}

/*
 * libtirpc declares xdr_void(void); casting that to xdrproc_t trips
 * -Wcast-function-type.  An empty body needs no code anyway.
 */
static bool_t
xdr_nothing(XDR *xdrs, void *p)
{
	(void)xdrs;
	(void)p;
	return TRUE;
}

static void
dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	demo_data d;

	/*
	 * A server that let weaker calls through would measure nothing:
	 * refuse every other flavor, as the demo server does, at the cost
	 * of one comparison.
	 */
	if (!flavor_served(rq->rq_cred.oa_flavor)) {
		svcerr_weakauth(xprt);
		return;
	}
	switch (rq->rq_proc) {
	case DEMOFS_NULL:
		/* libtirpc's GSS also dispatches DESTROY here: answer it. */
		if (!svc_sendreply(xprt, (xdrproc_t)xdr_nothing, NULL))
			svcerr_systemerr(xprt);
		return;
	case DEMOFS_ECHO:
		memset(&d, 0, sizeof(d));
		if (!svc_getargs(xprt, (xdrproc_t)xdr_demo_data, (char *)&d)) {
			svcerr_decode(xprt);
			(void)svc_freeargs(xprt, (xdrproc_t)xdr_demo_data,
			    (char *)&d);
			return;
		}
		if (!svc_sendreply(xprt, (xdrproc_t)xdr_demo_data, (char *)&d))
			svcerr_systemerr(xprt);
		(void)svc_freeargs(xprt, (xdrproc_t)xdr_demo_data, (char *)&d);
		return;
	default:
		svcerr_noproc(xprt);
		return;
	}
}

/* reuseport: one of several workers' listeners (server_workers.c). */
static int
listen_tcp(long port, int reuseport)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof(one)) != 0) {
		close(fd);
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* The context tests open thousands of connections at once. */
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
security_setup(enum mode mode, const char *principal, unsigned long maxctx)
{
	struct rpcauth_svc_opts so;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	switch (mode) {
	case MODE_ALL:
		return security_setup(MODE_SYS, principal, maxctx) == 0 &&
		    security_setup(MODE_TIRPC_GSS, principal, maxctx) == 0 &&
		    security_setup(MODE_RPCAUTH, principal, maxctx) == 0 ?
		    0 : -1;
	case MODE_SYS:
		want_flavor[nwant++] = AUTH_SYS;
		return 0;
	case MODE_TIRPC_GSS:
		want_flavor[nwant++] = RPCSEC_GSS;
		if (!rpc_gss_set_svc_name((char *)(uintptr_t)principal,
		    "kerberos_v5", 0, DEMOFS_PROG, DEMOFS_V1)) {
			fprintf(stderr, PROG ": rpc_gss_set_svc_name(%s) "
			    "failed\n", principal);
			return -1;
		}
		return 0;
	case MODE_RPCAUTH:
		want_flavor[nwant++] = RPCAUTH_FLAVOR;
		rpcauth_svc_opts_init(&so);
		so.principal = principal;
		so.max_contexts = maxctx;
		if (rpcauth_svc_register(&so, &err) != 0) {
			fprintf(stderr, PROG ": %s\n", err.msg);
			rpcauth_err_clear(&err);
			return -1;
		}
		return 0;
	}
	return -1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: " PROG " --mode sys|tirpc-gss|rpcauth|all "
	    "--port P [--principal SERVICE@HOST] [--max-contexts N] "
	    "[--bufsize BYTES] [--workers N]\n");
	exit(2);
}

static long
number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	const char *principal = "demo@localhost";
	enum mode mode = MODE_SYS;
	unsigned long maxctx = 0;
	long port = -1, bufsize = 256 * 1024, workers = 1;
	SVCXPRT *xprt;
	int i, fd, have_mode = 0, ready_fd = -1;

	for (i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--mode") == 0) {
			i++;
			have_mode = 1;
			if (strcmp(argv[i], "sys") == 0)
				mode = MODE_SYS;
			else if (strcmp(argv[i], "tirpc-gss") == 0)
				mode = MODE_TIRPC_GSS;
			else if (strcmp(argv[i], "rpcauth") == 0)
				mode = MODE_RPCAUTH;
			else if (strcmp(argv[i], "all") == 0)
				mode = MODE_ALL;
			else
				usage();
		} else if (strcmp(argv[i], "--port") == 0)
			port = number(argv[++i], 1, 65535);
		else if (strcmp(argv[i], "--principal") == 0)
			principal = argv[++i];
		else if (strcmp(argv[i], "--max-contexts") == 0)
			maxctx = (unsigned long)number(argv[++i], 1, 100000000);
		else if (strcmp(argv[i], "--bufsize") == 0)
			bufsize = number(argv[++i], 0, INT_MAX);
		else if (strcmp(argv[i], "--workers") == 0)
			workers = number(argv[++i], 1, 64);
		else
			usage();
	}
	if (!have_mode || port < 0)
		usage();
	if (workers > 1 && server_workers((unsigned)workers, PROG,
	    &ready_fd) != 0) {
		fprintf(stderr, PROG ": cannot fork workers: %s\n",
		    strerror(errno));
		return 1;
	}
	if (security_setup(mode, principal, maxctx) != 0)
		return 1;
	if ((fd = listen_tcp(port, workers > 1)) < 0) {
		fprintf(stderr, PROG ": 127.0.0.1:%ld: %s\n", port,
		    strerror(errno));
		return 1;
	}
	if ((xprt = svc_vc_create(fd, (u_int)bufsize, (u_int)bufsize)) ==
	    NULL) {
		fprintf(stderr, PROG ": svc_vc_create failed\n");
		return 1;
	}
	/* NULL netconfig: the dispatcher only, no rpcbind. */
	if (!svc_reg(xprt, DEMOFS_PROG, DEMOFS_V1, dispatch, NULL)) {
		fprintf(stderr, PROG ": svc_reg failed\n");
		return 1;
	}
	if (ready_fd >= 0) {
		if (write(ready_fd, "r", 1) != 1)
			return 1;
		close(ready_fd);
	} else {
		printf(PROG ": ready on 127.0.0.1:%ld\n", port);
		fflush(stdout);
	}
	svc_run();
	fprintf(stderr, PROG ": svc_run returned\n");
	return 1;
}
