/* tests/e2e.c - shared set-up for end-to-end tests: bed, demo server, clients */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "demofs.h"
#include "e2e.h"

int
e2e_server_start(struct srvproc *p, int *port_out, const char *keytab,
    const char *const *extra)
{
	char portbuf[16], errbuf[512];
	const char *argv[32];
	int i, n = 0, port, tries;

	for (tries = 0; tries < 3; tries++) {
		if ((port = srvproc_free_port()) < 0)
			return -1;
		snprintf(portbuf, sizeof(portbuf), "%d", port);
		n = 0;
		argv[n++] = DEMO_SERVER;
		argv[n++] = "--listen";
		argv[n++] = "127.0.0.1";
		argv[n++] = "--port";
		argv[n++] = portbuf;
		argv[n++] = "--principal";
		argv[n++] = "demo@localhost";
		argv[n++] = "--keytab";
		argv[n++] = keytab;
		for (i = 0; extra != NULL && extra[i] != NULL && n < 30; i++)
			argv[n++] = extra[i];
		argv[n] = NULL;
		if (srvproc_start(p, (char *const *)argv, "ready", 20000,
		    errbuf, sizeof(errbuf)) == 0) {
			*port_out = port;
			return 0;
		}
		fprintf(stderr, "e2e: server start: %s\n", errbuf);
	}
	return -1;
}

CLIENT *
e2e_clnt(int port, int udp)
{
	struct sockaddr_in sin;
	struct netbuf nb;
	CLIENT *cl;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	nb.buf = &sin;
	nb.len = nb.maxlen = sizeof(sin);
	fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0)
		return NULL;
	if (!udp && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return NULL;
	}
	cl = udp ? clnt_dg_create(fd, &nb, DEMOFS_PROG, DEMOFS_V1, 65536, 65536) :
	    clnt_vc_create(fd, &nb, DEMOFS_PROG, DEMOFS_V1, 0, 0);
	if (cl == NULL) {
		close(fd);
		return NULL;
	}
	(void)clnt_control(cl, CLSET_FD_CLOSE, NULL);
	if (udp) {
		struct timeval rt = { 1, 0 };

		(void)clnt_control(cl, CLSET_RETRY_TIMEOUT, (char *)&rt);
	}
	return cl;
}

CLIENT *
e2e_secure_clnt(int port, int udp, enum rpcauth_service service,
    uint32_t flavor, struct rpcauth_err *err)
{
	struct rpcauth_client_opts o;
	CLIENT *cl;

	if ((cl = e2e_clnt(port, udp)) == NULL) {
		if (err != NULL)
			err->code = RPCAUTH_E_RPC;
		return NULL;
	}
	rpcauth_client_opts_init(&o);
	o.service = service;
	o.flavor = flavor;
	if (rpcauth_client_create(cl, "demo@localhost", &o, err) == NULL) {
		clnt_destroy(cl);
		return NULL;
	}
	return cl;
}

void
e2e_secure_destroy(CLIENT *cl)
{
	if (cl == NULL)
		return;
	if (cl->cl_auth != NULL)
		auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
}

uint64_t
e2e_stats(int port)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	CLIENT *cl = e2e_secure_clnt(port, 0, RPCAUTH_SVC_INTEGRITY, 0, &err);
	u_quad_t *r;
	uint64_t v = UINT64_MAX;

	if (cl == NULL) {
		fprintf(stderr, "e2e_stats: %s\n", err.msg ? err.msg : "?");
		rpcauth_err_clear(&err);
		return v;
	}
	if ((r = demofs_stats_1(NULL, cl)) != NULL)
		v = *r;
	e2e_secure_destroy(cl);
	return v;
}
