/* bench/server_workers.h - rpcbench-server --workers */
#ifndef RPCAUTH_BENCH_SERVER_WORKERS_H
#define RPCAUTH_BENCH_SERVER_WORKERS_H

/*
 * Fork n workers.  Returns 0 in each worker, with *ready_fd the pipe to
 * write one byte to once it listens; -1 if the fork failed.  The parent
 * never returns: it prints "<prog>: ready" once all n are ready and exits
 * when they are gone (1), or by SIGTERM.
 */
int	server_workers(unsigned n, const char *prog, int *ready_fd);

#endif
