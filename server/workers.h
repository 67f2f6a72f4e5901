/* server/workers.h - N worker processes serving one port, supervised */
#ifndef RPCAUTH_SERVER_WORKERS_H
#define RPCAUTH_SERVER_WORKERS_H

/*
 * A worker: runs in a fresh child process, makes its own SO_REUSEPORT
 * sockets and its own rpcauth registration (nothing of GSS-API or krb5 is
 * made before the fork), writes one byte to ready_fd and closes it once it
 * listens, serves until SIGTERM and returns its exit status.
 */
typedef int	(*workers_fn)(void *arg, int ready_fd);

/*
 * Fork n workers running fn(arg, ready_fd) and supervise them: once every
 * worker has written its byte, call on_ready(arg) exactly once (the
 * program prints its "ready" line there).  A worker that exits before
 * that is a failure to start: the others are stopped and the return is
 * 1.  A worker that dies later is started again, at once if it had run
 * for a while, otherwise after a delay that doubles up to 30 s so that a
 * worker that crashes at start cannot make a fork storm.  SIGTERM or
 * SIGINT is forwarded to every worker; the return is 0 once all have
 * exited with status 0 (1 if one did not, or had to be killed after
 * 10 s).  `prog` prefixes the lines on stderr (a worker started again,
 * a failure to start).  Call it from a single-threaded process.
 */
int	workers_run(unsigned int n, workers_fn fn, void (*on_ready)(void *),
	    void *arg, const char *prog);

#endif
