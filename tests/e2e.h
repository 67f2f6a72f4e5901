/* tests/e2e.h - shared set-up for end-to-end tests: bed, demo server, clients */
#ifndef RPCAUTH_TESTS_E2E_H
#define RPCAUTH_TESTS_E2E_H

#include <check.h>
#include <rpc/rpc.h>
#include <stdint.h>

#include "rpcauth/rpcauth.h"
#include "srvproc.h"
#include "testbed.h"

#define DEMO_SERVER	TOP_BUILDDIR "/server/rpcauth-demo-server"
#define DEMO_CLIENT	TOP_BUILDDIR "/client/rpcauth-demo-client"

/* Start a demo server on a free port; extra args (NULL-terminated) appended. */
int	e2e_server_start(struct srvproc *p, int *port_out, const char *keytab,
	    const char *const *extra);

/* A CLIENT for DEMOFS on 127.0.0.1:port, TCP or UDP, with AUTH_NONE. */
CLIENT	*e2e_clnt(int port, int udp);

/* A CLIENT with an rpcauth AUTH at `service`; NULL with msg in *err. */
CLIENT	*e2e_secure_clnt(int port, int udp, enum rpcauth_service service,
	    uint32_t flavor, struct rpcauth_err *err);
void	 e2e_secure_destroy(CLIENT *cl);

/* DEMOFS STATS through a fresh authenticated client; UINT64_MAX on failure. */
uint64_t e2e_stats(int port);

/*
 * The whole main() of most end-to-end programs (e2e_main.c): start the bed
 * (o may be NULL) and a demo server with `extra` arguments, filling
 * *bed, *server and *port for the tests, run suite s, stop both.  Returns
 * the exit status: 0, 1 (a test failed) or 99 (set-up failed).
 */
int	 e2e_run(Suite *s, const struct testbed_opts *o,
	    const char *const *extra, struct testbed **bed,
	    struct srvproc *server, int *port);

#endif
