/* scripts/pkgtest/example.c - a service of the user's own, built against the
 * installed packages only (scripts/pkgtest.sh) */
/*
 * example SERVICE@HOST: a server and a client of a small program (one
 * procedure, WHOAMI) in two processes on 127.0.0.1.  The server registers
 * through rpcauth with SERVICE@HOST and the default keytab (KRB5_KTNAME),
 * the client calls it at privacy with the default credentials, and the
 * answer (who the server saw) is printed.  Run inside
 * `rpcauth-testbed --principal`; exits 0 only if the call went through.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpcauth/rpcauth.h>

#define EX_PROG		0x2000C0DEUL
#define EX_VERS		1UL
#define EX_WHOAMI	1

/*
 * rpcgen's xdr_void for an empty body.  libtirpc declares it
 * xdr_void(void), so it goes to xdrproc_t through void (*)(void), the one
 * cast -Wcast-function-type lets through.
 */
#define XDR_VOID	((xdrproc_t)(void (*)(void))xdr_void)

static void
dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	struct rpcauth_caller who;
	char line[1200], *p = line;

	switch (rq->rq_proc) {
	case NULLPROC:
		(void)svc_sendreply(xprt, XDR_VOID, NULL);
		return;
	case EX_WHOAMI:
		if (!svc_getargs(xprt, XDR_VOID, NULL)) {
			svcerr_decode(xprt);
			return;
		}
		if (rpcauth_svc_caller(rq, &who) != 0) {
			svcerr_weakauth(xprt);
			return;
		}
		snprintf(line, sizeof(line), "%s via %s at service %d",
		    who.principal, who.mech, (int)who.service);
		(void)svc_sendreply(xprt, (xdrproc_t)xdr_wrapstring,
		    (char *)&p);
		return;
	default:
		svcerr_noproc(xprt);
	}
}

/* Child: serve on 127.0.0.1, write the port (0: failed) to `fd`. */
static void
serve(const char *service, int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct rpcauth_svc_opts so;
	struct rpcauth_err e = RPCAUTH_ERR_INIT;
	SVCXPRT *xprt;
	int s, port = 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) != 0 ||
	    listen(s, SOMAXCONN) != 0)	/* svctcp_create does not listen */
		goto out;
	if ((xprt = svctcp_create(s, 0, 0)) == NULL)
		goto out;
	/* protocol 0: not registered with rpcbind; the client knows the port. */
	if (!rpcauth_svc_register_prog(xprt, EX_PROG, EX_VERS, dispatch, 0))
		goto out;
	rpcauth_svc_opts_init(&so);
	so.principal = service;
	so.min_service = RPCAUTH_SVC_INTEGRITY;
	if (rpcauth_svc_register(&so, &e) != 0) {
		warnx("server: %s", e.msg);
		rpcauth_err_clear(&e);
		goto out;
	}
	port = ntohs(sin.sin_port);
out:
	(void)write(fd, &port, sizeof(port));
	close(fd);
	if (port == 0)
		_exit(1);
	svc_run();
	_exit(1);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	struct rpcauth_client_opts co;
	struct rpcauth_err e = RPCAUTH_ERR_INIT;
	struct timeval tv = { 10, 0 };
	char *answer = NULL;
	CLIENT *cl;
	pid_t pid;
	int fds[2], port = 0, sock = RPC_ANYSOCK, ret = 1;

	if (argc != 2)
		errx(2, "usage: example SERVICE@HOST");
	if (pipe(fds) != 0 || (pid = fork()) < 0)
		err(1, "pipe/fork");
	if (pid == 0) {
		close(fds[0]);
		serve(argv[1], fds[1]);
	}
	close(fds[1]);
	if (read(fds[0], &port, sizeof(port)) != (ssize_t)sizeof(port) ||
	    port == 0) {
		warnx("the server did not start");
		goto out;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((cl = clnttcp_create(&sin, EX_PROG, EX_VERS, &sock, 0, 0)) == NULL) {
		warnx("%s", clnt_spcreateerror("clnttcp_create"));
		goto out;
	}
	rpcauth_client_opts_init(&co);
	co.service = RPCAUTH_SVC_PRIVACY;
	if (rpcauth_client_create(cl, argv[1], &co, &e) == NULL) {
		warnx("client: %s", e.msg);
		rpcauth_err_clear(&e);
		clnt_destroy(cl);
		goto out;
	}
	if (clnt_call(cl, EX_WHOAMI, XDR_VOID, NULL,
	    (xdrproc_t)xdr_wrapstring, (char *)&answer, tv) != RPC_SUCCESS) {
		warnx("WHOAMI: %s", clnt_sperror(cl, "call"));
	} else {
		printf("example (librpcauth %s): %s answered: %s\n",
		    rpcauth_version(), argv[1], answer);
		ret = 0;
		xdr_free((xdrproc_t)xdr_wrapstring, (char *)&answer);
	}
	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
out:
	(void)kill(pid, SIGTERM);
	(void)waitpid(pid, NULL, 0);
	return ret;
}
