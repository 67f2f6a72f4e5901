/* bench/servers.c - start, restart and weigh rpcbench-server processes */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define SERVER_BIN	BENCH_BUILDDIR "/rpcbench-server"

int
server_start(struct server *sv)
{
	char portbuf[16], maxbuf[24], wbuf[16], errbuf[512];
	const char *argv[14];
	int n, tries, ret = -1;

	/* The server inherits it; the clients (forked later) must not. */
	if (sv->norcache && setenv("KRB5RCACHETYPE", "none", 1) != 0)
		return -1;
	for (tries = 0; tries < 5; tries++) {
		if ((sv->port = srvproc_free_port()) < 0)
			break;
		snprintf(portbuf, sizeof(portbuf), "%d", sv->port);
		snprintf(maxbuf, sizeof(maxbuf), "%lu", sv->maxctx);
		n = 0;
		argv[n++] = SERVER_BIN;
		argv[n++] = "--mode";
		argv[n++] = sv->mode;
		argv[n++] = "--port";
		argv[n++] = portbuf;
		if (sv->maxctx != 0) {
			argv[n++] = "--max-contexts";
			argv[n++] = maxbuf;
		}
		if (sv->principal != NULL) {
			argv[n++] = "--principal";
			argv[n++] = sv->principal;
		}
		if (sv->workers > 1) {
			snprintf(wbuf, sizeof(wbuf), "%u", sv->workers);
			argv[n++] = "--workers";
			argv[n++] = wbuf;
		}
		if (sv->smallbuf) {
			argv[n++] = "--bufsize";
			argv[n++] = "0";
		}
		argv[n] = NULL;
		/* A port taken between the probe and the bind: try again. */
		if (srvproc_start(&sv->proc, (char *const *)argv, "ready",
		    20000, errbuf, sizeof(errbuf)) == 0) {
			ret = 0;
			break;
		}
		fprintf(stderr, PROG ": %s server: %s\n", sv->mode, errbuf);
	}
	(void)unsetenv("KRB5RCACHETYPE");
	return ret;
}

void
server_stop(struct server *sv)
{
	(void)srvproc_stop(&sv->proc, 2000, NULL);
}

/*
 * After a failed job: libtirpc's server can keep a poisoned transport.
 * Exiting is safe: the servers die with us (PR_SET_PDEATHSIG) and the KDC
 * bed's guardian removes the rest.
 */
void
server_restart(struct server *sv)
{
	server_stop(sv);
	if (server_start(sv) != 0) {
		fprintf(stderr, PROG ": cannot restart the %s server\n",
		    sv->mode);
		exit(1);
	}
}

long
server_rss_kib(const struct server *sv)
{
	return srvproc_rss_kib(sv->proc.pid);
}
