/* tests/e2e.h - shared set-up for end-to-end tests: bed, demo server, clients */
#ifndef RPCAUTH_TESTS_E2E_H
#define RPCAUTH_TESTS_E2E_H

#include <sys/types.h>

#include <check.h>
#include <rpc/rpc.h>
#include <stddef.h>
#include <stdint.h>

#include "rpcauth/rpcauth.h"
#include "srvproc.h"
#include "testbed.h"

#define DEMO_SERVER	TOP_BUILDDIR "/server/rpcauth-demo-server"
#define DEMO_CLIENT	TOP_BUILDDIR "/client/rpcauth-demo-client"
#define INTEROP_SERVER	TOP_BUILDDIR "/tests/gss_interop_server"
#define PING_TOOL	TOP_BUILDDIR "/client/rpcauth-ping"

/* ---- servers ------------------------------------------------------------ */

/* The argument e2e_start_port replaces with the port's number. */
#define E2E_PORT	"@PORT@"

/*
 * Start argv (NULL-terminated, at most 31 entries; argv[0] a path) on a
 * free port of 127.0.0.1, each E2E_PORT argument becoming its number, and
 * wait for its "ready" line.  A port taken in the meantime gets another
 * try (three in all).  0 with *port_out set, or -1 (reasons on stderr,
 * after `label`).
 */
int	e2e_start_port(struct srvproc *p, int *port_out,
	    const char *const *argv, const char *label);

/* Demo server arguments allowing every mechanism: krb5, spnego, ntlm. */
extern const char *const e2e_all_mechs[];

/*
 * The demo programs' usual command lines into argv (cap entries at most,
 * NULL-terminated), `extra` (NULL-terminated, may be NULL) appended; the
 * number of arguments.  Server: DEMO_SERVER --listen 127.0.0.1 --port
 * `port` --principal demo@localhost --keytab `keytab`.  Client:
 * DEMO_CLIENT --host 127.0.0.1 --port `port` --principal demo@localhost.
 */
size_t	e2e_server_argv(const char **argv, size_t cap, const char *port,
	    const char *keytab, const char *const *extra);
size_t	e2e_client_argv(const char **argv, size_t cap, const char *port,
	    const char *const *extra);

/* rpcauth-ping --port `port` `opts` (NULL-terminated, may be NULL)
 * 127.0.0.1 DEMOFS 1 demo@localhost: its exit status (-1: killed), its
 * stdout and stderr in out and err (Check assertions). */
int	e2e_ping(int port, const char *const *opts, char *out, size_t outlen,
	    char *err, size_t errlen);

/* Start a demo server on a free port; extra args (NULL-terminated) appended. */
int	e2e_server_start(struct srvproc *p, int *port_out, const char *keytab,
	    const char *const *extra);

/* Start gss_interop_server (libtirpc's RPCSEC_GSS, demo@localhost, keytab
 * from KRB5_KTNAME) on a free port; e2e_interop_argv is its command line. */
extern const char *const e2e_interop_argv[];
int	e2e_interop_start(struct srvproc *p, int *port_out, const char *label);

/* srvproc_stop(p, 5000) if p runs; a srvproc never started is left be. */
void	e2e_server_stop(struct srvproc *p);

/* A socket bound to 127.0.0.1:port (SO_REUSEADDR), listening if it is
 * SOCK_STREAM; -1 on failure. */
int	e2e_listen(int type, int port);

/*
 * A server of the test's own inside a child process, on a free port: the
 * child runs setup(port, arg) (no Check calls in there: it registers and
 * makes its transports), then svc_run(); it dies with the parent
 * (PR_SET_PDEATHSIG).  The parent returns once setup has succeeded, with
 * *pid_out and *port_out set, or -1 after three tries.
 */
int	e2e_fork_server(int (*setup)(int port, void *arg), void *arg,
	    pid_t *pid_out, int *port_out);
/* SIGKILL and reap a server from e2e_fork_server, if *pid > 0; *pid = -1. */
void	e2e_fork_stop(pid_t *pid);

/* ---- clients ------------------------------------------------------------ */

/* A CLIENT (AUTH_NONE) for prog/vers over fd, a socket already connected
 * to (TCP) or meant for (UDP) 127.0.0.1:port; it closes fd when
 * destroyed.  NULL on failure, fd then left open. */
CLIENT	*e2e_clnt_fd(int fd, int port, int udp, rpcprog_t prog,
	    rpcvers_t vers);

/* A CLIENT for prog/vers on 127.0.0.1:port, TCP or UDP, with AUTH_NONE. */
CLIENT	*e2e_clnt_prog(int port, int udp, rpcprog_t prog, rpcvers_t vers);

/* A CLIENT for DEMOFS on 127.0.0.1:port, TCP or UDP, with AUTH_NONE. */
CLIENT	*e2e_clnt(int port, int udp);

/* The handshake over cl as a client of `target` with options o (NULL:
 * the defaults): cl, or NULL with cl destroyed and *err filled in. */
CLIENT	*e2e_auth(CLIENT *cl, const char *target,
	    const struct rpcauth_client_opts *o, struct rpcauth_err *err);

/* e2e_auth with options mech, ccache (either NULL: the default) and svc. */
CLIENT	*e2e_auth_as(CLIENT *cl, const char *target, const char *mech,
	    const char *ccache, enum rpcauth_service svc,
	    struct rpcauth_err *err);

/* A handshake the server refused: cl NULL, *err RPCAUTH_E_GSS saying
 * "refused the security context" and `why`; *err cleared. */
void	 e2e_refused_check(CLIENT *cl, struct rpcauth_err *err,
	    const char *why);

/* Procedure proc (no arguments) of cl must answer, its result decoded
 * by res_xdr into *res; cl is destroyed (Check assertions). */
void	 e2e_call_once(CLIENT *cl, rpcproc_t proc, xdrproc_t res_xdr,
	    void *res);

/* A test server's options: demo@localhost with keys from `keytab`, every
 * mechanism (krb5, spnego, ntlm), authorize(arg) asked about callers. */
void	 e2e_svc_opts(struct rpcauth_svc_opts *o, const char *keytab,
	    int (*authorize)(const struct rpcauth_caller *, void *, void **),
	    void *arg);
/* rpcauth_svc_register(o): 0, or -1 with why on stderr after `label`. */
int	 e2e_svc_register(const struct rpcauth_svc_opts *o,
	    const char *label);

/* In a test server's procedure that takes no arguments: its rpcauth
 * caller into *who, 0; or -1 once the error is answered (AUTH_TOOWEAK
 * without rpcauth, GARBAGE_ARGS when arguments are there to decode). */
int	 e2e_svc_caller(struct svc_req *rq, SVCXPRT *xprt,
	    struct rpcauth_caller *who);

/* A CLIENT with an rpcauth AUTH at `service`; NULL with msg in *err. */
CLIENT	*e2e_secure_clnt(int port, int udp, enum rpcauth_service service,
	    uint32_t flavor, struct rpcauth_err *err);
void	 e2e_secure_destroy(CLIENT *cl);

/* DEMOFS STATS through a fresh authenticated client; UINT64_MAX on failure. */
uint64_t e2e_stats(int port);

/* DEMOFS ECHO of n patterned bytes over cl comes back the same (Check
 * assertions; `label` names the case in their messages). */
void	 e2e_echo_check(CLIENT *cl, size_t n, const char *label);

/* A DEMOFS STATS call; on failure *why says what the application would
 * see (clnt_sperror and the AUTH's error). */
int	 e2e_stats_ok(CLIENT *cl, char *why, size_t len);

/*
 * A demo server that requires privacy started into *strict, *port_out, and
 * an integrity client of it whose STATS was refused AUTH_TOOWEAK (Check
 * assertions); the client is returned for more checks.
 */
CLIENT	*e2e_too_weak(struct testbed *bed, struct srvproc *strict,
	    int *port_out);

/* Lines collected from a callback (the trace): buf holds them, each
 * ending in '\n', NUL-terminated; NULL until the first. */
struct e2e_text {
	char		*buf;
	size_t		 len, cap;
};
void	 e2e_text_add(struct e2e_text *t, const char *line);

/* "none", "integrity" or "privacy". */
const char *e2e_svcname(enum rpcauth_service s);

/* ---- principals --------------------------------------------------------- */

/* `princ` added to the bed with its key in <bed dir>/<ktname>.keytab, and
 * a ticket for it from that keytab in ccache `cc`.  0, or -1 (on stderr). */
int	 e2e_kinit(struct testbed *bed, const char *princ, const char *cc,
	    const char *ktname);

/* No Kerberos credentials for this (forked) test process: KRB5CCNAME and
 * KRB5_CLIENT_KTNAME name files of the bed that do not exist, or MIT gets
 * a ticket from the client keytab on its own (Check assertions). */
void	 e2e_no_krb5_creds(struct testbed *bed);

/* ---- main() ------------------------------------------------------------- */

/* Run suite s (CK_NORMAL) and free it: the number of failed tests. */
int	 e2e_suite_run(Suite *s);

/*
 * The whole main() of a test program with servers of its own: start the
 * bed (o may be NULL) into *bed, then setup() (may be NULL; non-zero means
 * set-up failed), run suite s, then teardown() (may be NULL; called
 * whenever the bed started, even after a failed set-up; non-zero counts as
 * a failure), stop the bed.  Returns the exit status: 0, 1 (a test or the
 * teardown failed) or 99 (set-up failed).
 */
int	 e2e_main(Suite *s, const struct testbed_opts *o, struct testbed **bed,
	    int (*setup)(void), int (*teardown)(void));

/*
 * The whole main() of most end-to-end programs (e2e_main.c): start the bed
 * (o may be NULL) and a demo server with `extra` arguments, filling
 * *bed, *server and *port for the tests, run suite s, stop both.  Returns
 * the exit status: 0, 1 (a test failed) or 99 (set-up failed).
 */
int	 e2e_run(Suite *s, const struct testbed_opts *o,
	    const char *const *extra, struct testbed **bed,
	    struct srvproc *server, int *port);
/* e2e_run with another server: argv as for e2e_start_port. */
int	 e2e_run_argv(Suite *s, const struct testbed_opts *o,
	    const char *const *argv, struct testbed **bed,
	    struct srvproc *server, int *port);

#endif
