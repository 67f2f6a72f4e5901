/* tests/rpcbindns.h - private network+mount namespaces with an rpcbind of their own */
#ifndef RPCAUTH_TESTS_RPCBINDNS_H
#define RPCAUTH_TESTS_RPCBINDNS_H

#include <stddef.h>
#include <sys/types.h>

/*
 * rpcgen's main registers with rpcbind (svc_register with a protocol calls
 * pmap_set) and clnt_create asks it for ports, so tests of that path run
 * in namespaces of their own: loopback up, a tmpfs over /run (rpcbind's
 * unix socket and warm-start state) and an `rpcbind -f -w` started and
 * stopped by PID.  Nothing reaches the host's network or rpcbind.
 */

/*
 * Move this process into new network and mount namespaces.  0; or -1 with
 * why in msg.  Called again (in a forked test), it makes namespaces
 * without rpcbind: the outer rpcbind's port and socket are out of sight.
 */
int	rpcbindns_enter(char *msg, size_t len);

/*
 * The start of a test program's main(): rpcbindns_enter(), then rpcbind.
 * 0 with *pid_out set; otherwise the exit status main() returns, after a
 * line on stderr: 77 (skipped) only when the namespaces are not permitted
 * (not root), and 99 instead when CI=true, so that a CI run cannot pass
 * without these tests; 99 when rpcbind is missing (scripts/deps.sh
 * installs it) or does not come up.
 */
int	rpcbindns_setup(const char *prog, pid_t *pid_out);

/* Start `rpcbind -f -w` and wait until it answers: its PID, or -1 with
 * why in msg. */
pid_t	rpcbindns_start(char *msg, size_t len);

/* SIGTERM and reap rpcbind if *pid > 0 (it saves its warm-start state);
 * *pid = -1. */
void	rpcbindns_stop(pid_t *pid);

#endif
