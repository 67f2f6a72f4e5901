/* bench/server_workers.c - rpcbench-server --workers: N processes on one port */
/*
 * The same layout as rpcauth-demo-server --workers (server/workers.c),
 * cut to what a benchmark needs: no restarts.  The parent forks the
 * workers before anything of GSS-API, krb5 or libtirpc's services exists,
 * so each worker makes its own registration and context table after the
 * fork and binds the port with SO_REUSEPORT (the kernel spreads the
 * connections).  The parent prints the "ready" line once every worker has
 * written its byte, then waits; the default SIGTERM ends it, and the
 * workers follow (PR_SET_PDEATHSIG).  Every security mode runs this way,
 * so that libtirpc's RPCSEC_GSS and rpcauth are compared on the same
 * server.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "server_workers.h"

int
server_workers(unsigned n, const char *prog, int *ready_fd)
{
	pid_t parent = getpid(), pid;
	unsigned i, got = 0;
	int pfd[2];
	ssize_t k;
	char c;

	if (pipe(pfd) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((pid = fork()) < 0)
			return -1;	/* the forked ones die with us */
		if (pid == 0) {
			close(pfd[0]);
			if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 ||
			    getppid() != parent)
				_exit(1);
			*ready_fd = pfd[1];
			return 0;
		}
	}
	close(pfd[1]);
	/* EOF before n bytes: a worker failed (it said why on stderr). */
	while (got < n && ((k = read(pfd[0], &c, 1)) == 1 ||
	    (k < 0 && errno == EINTR)))
		got += k == 1;
	if (got < n)
		exit(1);
	printf("%s: ready (%u workers)\n", prog, n);
	fflush(stdout);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	exit(1);
}
