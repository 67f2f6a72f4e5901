/* tests/gss_interop_server.c - a DEMOFS server on libtirpc's own RPCSEC_GSS */
/*
 * The peer for check_interop: it proves that rpcauth's client in flavor-6
 * mode speaks standard RPCSEC_GSS, by talking to a server that uses nothing
 * of rpcauth.  Security is entirely libtirpc's (rpc_gss_set_svc_name,
 * rpc_gss_getcred; INIT, CONTINUE_INIT, the header MIC and integrity and
 * privacy bodies are handled inside svc_getreq and svc_getargs /
 * svc_sendreply).  No rpcbind: one TCP transport on 127.0.0.1, registered
 * with a NULL netconfig.
 *
 *	gss_interop_server --port P --principal demo@localhost
 *
 * The acceptor key comes from KRB5_KTNAME (the test bed sets it).  Prints
 * a line with "ready" once it listens; the default SIGTERM action ends it.
 *
 * The dispatch below is written here rather than taken from rpcgen's
 * demofs_prog_1 so that the credential flavor is checked before any
 * argument is decoded: every call without RPCSEC_GSS gets AUTH_TOOWEAK.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <rpc/rpc.h>
#include <rpc/rpcsec_gss.h>

#include "demofs.h"
#include "gssname.h"

#ifndef RPCSEC_GSS
#define RPCSEC_GSS	6
#endif

/* Application procedure runs since start, STATS excluded (demofs.x). */
static u_quad_t calls;

/* Argument and result storage for every procedure, zeroed per call. */
union args {
	demo_data		echo;
	demo_lookup_args	lookup;
	demo_path		path;
	demo_read_args		read;
	demo_write_args		write;
};

/*
 * The file procedures exist only so that a client probing them gets a
 * well-formed answer; this server has no files.  Each result union starts
 * with its demo_stat and has no arm for errors, so the bare status
 * DEMO_EACCES is a complete reply of every one of those types.
 */
static const struct fileproc {
	rpcproc_t	proc;
	xdrproc_t	xdr_arg;
} fileprocs[] = {
	{ DEMOFS_LOOKUP,	(xdrproc_t)xdr_demo_lookup_args },
	{ DEMOFS_GETATTR,	(xdrproc_t)xdr_demo_path },
	{ DEMOFS_READ,		(xdrproc_t)xdr_demo_read_args },
	{ DEMOFS_WRITE,		(xdrproc_t)xdr_demo_write_args },
	{ DEMOFS_READDIR,	(xdrproc_t)xdr_demo_path },
};

/*
 * rpcgen's xdr_void for an empty body.  libtirpc declares it
 * xdr_void(void), so it goes to xdrproc_t through void (*)(void), the one
 * cast -Wcast-function-type lets through.
 */
#define XDR_VOID	((xdrproc_t)(void (*)(void))xdr_void)

/* Decode, answer with `res`, free; the order rpcgen's stubs use. */
static void
serve(SVCXPRT *xprt, xdrproc_t xdr_arg, void *arg, xdrproc_t xdr_res,
    void *res)
{
	if (!svc_getargs(xprt, xdr_arg, arg)) {
		svcerr_decode(xprt);
		(void)svc_freeargs(xprt, xdr_arg, arg);
		return;
	}
	calls++;
	if (!svc_sendreply(xprt, xdr_res, res))
		svcerr_systemerr(xprt);
	if (!svc_freeargs(xprt, xdr_arg, arg)) {
		fprintf(stderr, "gss_interop_server: svc_freeargs failed\n");
		exit(1);
	}
}

static void
whoami(struct svc_req *rq, SVCXPRT *xprt)
{
	rpc_gss_rawcred_t *rcred = NULL;
	demo_whoami w;
	char name[1025];
	size_t len;

	if (!svc_getargs(xprt, XDR_VOID, NULL)) {
		svcerr_decode(xprt);
		return;
	}
	if (!rpc_gss_getcred(rq, &rcred, NULL, NULL) || rcred == NULL ||
	    rcred->client_principal == NULL ||
	    rcred->client_principal->len < 0) {
		svcerr_systemerr(xprt);
		return;
	}
	/* libtirpc keeps the name length-counted, without a NUL. */
	len = (size_t)rcred->client_principal->len;
	if (len > sizeof(name) - 1)
		len = sizeof(name) - 1;
	memcpy(name, rcred->client_principal->name, len);
	name[len] = '\0';
	calls++;
	memset(&w, 0, sizeof(w));
	w.principal = name;
	w.mech = "krb5";
	w.service = (u_int)rcred->service;
	w.uid = 0xFFFFFFFFU;
	if (!svc_sendreply(xprt, (xdrproc_t)xdr_demo_whoami, (char *)&w))
		svcerr_systemerr(xprt);
}

static void
dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	union args a;
	u_quad_t stats;
	size_t i;
	demo_stat status = DEMO_EACCES;

	/* libtirpc has authenticated RPCSEC_GSS calls before we run;
	 * anything else (AUTH_NONE, AUTH_SYS) is not good enough. */
	if (rq->rq_cred.oa_flavor != RPCSEC_GSS) {
		svcerr_weakauth(xprt);
		return;
	}
	memset(&a, 0, sizeof(a));
	switch (rq->rq_proc) {
	case DEMOFS_NULL:
		/* libtirpc also dispatches a DESTROY here, after it freed
		 * the context: answer it without touching the credentials. */
		calls++;
		if (!svc_sendreply(xprt, XDR_VOID, NULL))
			svcerr_systemerr(xprt);
		return;
	case DEMOFS_ECHO:
		serve(xprt, (xdrproc_t)xdr_demo_data, &a.echo,
		    (xdrproc_t)xdr_demo_data, &a.echo);
		return;
	case DEMOFS_WHOAMI:
		whoami(rq, xprt);
		return;
	case DEMOFS_STATS:
		if (!svc_getargs(xprt, XDR_VOID, NULL)) {
			svcerr_decode(xprt);
			return;
		}
		stats = calls;
		if (!svc_sendreply(xprt, (xdrproc_t)xdr_u_quad_t,
		    (char *)&stats))
			svcerr_systemerr(xprt);
		return;
	default:
		break;
	}
	for (i = 0; i < sizeof(fileprocs) / sizeof(fileprocs[0]); i++)
		if (fileprocs[i].proc == rq->rq_proc) {
			/* The result is its status word alone. */
			serve(xprt, fileprocs[i].xdr_arg, &a,
			    (xdrproc_t)xdr_demo_stat, &status);
			return;
		}
	svcerr_noproc(xprt);
}

/* Fail at start, not at the first INIT, when the keytab lacks the key. */
static int
check_acceptor(const char *principal)
{
	gss_name_t name;
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	OM_uint32 maj, min;

	maj = hostbased_name(principal, &name);
	if (!GSS_ERROR(maj))
		maj = gss_acquire_cred(&min, name, 0, GSS_C_NO_OID_SET,
		    GSS_C_ACCEPT, &cred, NULL, NULL);
	(void)gss_release_cred(&min, &cred);
	(void)gss_release_name(&min, &name);
	return GSS_ERROR(maj) ? -1 : 0;
}

static int
listen_tcp(int port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 64) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
usage(void)
{
	fprintf(stderr, "usage: gss_interop_server --port P "
	    "--principal service@host\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	char *principal = NULL;
	SVCXPRT *xprt;
	long port = -1;
	int i, fd;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			port = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--principal") == 0 && i + 1 < argc)
			principal = argv[++i];
		else
			usage();
	}
	if (port <= 0 || port > 65535 || principal == NULL)
		usage();
	if (check_acceptor(principal) != 0) {
		fprintf(stderr, "gss_interop_server: no key for %s in the "
		    "keytab (KRB5_KTNAME=%s)\n", principal,
		    getenv("KRB5_KTNAME") ? getenv("KRB5_KTNAME") : "unset");
		return 1;
	}
	if (!rpc_gss_set_svc_name(principal, "kerberos_v5", 0, DEMOFS_PROG,
	    DEMOFS_V1)) {
		fprintf(stderr, "gss_interop_server: rpc_gss_set_svc_name(%s) "
		    "failed\n", principal);
		return 1;
	}
	if ((fd = listen_tcp((int)port)) < 0) {
		fprintf(stderr, "gss_interop_server: 127.0.0.1:%ld: %s\n",
		    port, strerror(errno));
		return 1;
	}
	if ((xprt = svc_vc_create(fd, 0, 0)) == NULL) {
		fprintf(stderr, "gss_interop_server: svc_vc_create failed\n");
		return 1;
	}
	/* NULL netconfig: register with the dispatcher only, not rpcbind. */
	if (!svc_reg(xprt, DEMOFS_PROG, DEMOFS_V1, dispatch, NULL)) {
		fprintf(stderr, "gss_interop_server: svc_reg failed\n");
		return 1;
	}
	printf("gss_interop_server: ready on 127.0.0.1:%ld as %s\n", port,
	    principal);
	fflush(stdout);
	svc_run();
	fprintf(stderr, "gss_interop_server: svc_run returned\n");
	return 1;
}
