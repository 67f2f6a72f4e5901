/* tests/e2e.c - shared set-up for end-to-end tests: bed, demo server, clients */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demofs.h"
#include "e2e.h"
#include "init_xdr.h"

static void
loopback(struct sockaddr_in *sin, int port)
{
	*sin = (struct sockaddr_in){ .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port),
	    .sin_addr = { htonl(INADDR_LOOPBACK) } };
}

int
e2e_start_port(struct srvproc *p, int *port_out, const char *const *argv,
    const char *label)
{
	char portbuf[16], errbuf[512];
	const char *av[32];
	int i, port, tries;

	for (tries = 0; tries < 3; tries++) {
		if ((port = srvproc_free_port()) < 0)
			return -1;
		snprintf(portbuf, sizeof(portbuf), "%d", port);
		for (i = 0; i < 31 && argv[i] != NULL; i++)
			av[i] = strcmp(argv[i], E2E_PORT) == 0 ? portbuf :
			    argv[i];
		av[i] = NULL;
		if (srvproc_start(p, (char *const *)av, "ready", 20000,
		    errbuf, sizeof(errbuf)) == 0) {
			*port_out = port;
			return 0;
		}
		fprintf(stderr, "%s: %s\n", label, errbuf);
	}
	return -1;
}

const char *const e2e_all_mechs[] = { "--mechs", "krb5,spnego,ntlm",
    NULL };

/* head (n words) then extra (NULL-terminated, may be NULL) into argv, as
 * much as fits in cap - 1, NULL-terminated; the number of words. */
static size_t
argv_join(const char **argv, size_t cap, const char *const *head, size_t n,
    const char *const *extra)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < cap; i++)
		argv[k++] = head[i];
	for (i = 0; extra != NULL && extra[i] != NULL && k + 1 < cap; i++)
		argv[k++] = extra[i];
	argv[k] = NULL;
	return k;
}

size_t
e2e_server_argv(const char **argv, size_t cap, const char *port,
    const char *keytab, const char *const *extra)
{
	const char *const head[] = { DEMO_SERVER, "--listen", "127.0.0.1",
	    "--port", port, "--principal", "demo@localhost", "--keytab",
	    keytab };

	return argv_join(argv, cap, head, sizeof(head) / sizeof(head[0]),
	    extra);
}

size_t
e2e_client_argv(const char **argv, size_t cap, const char *port,
    const char *const *extra)
{
	const char *const head[] = { DEMO_CLIENT, "--host", "127.0.0.1",
	    "--port", port, "--principal", "demo@localhost" };

	return argv_join(argv, cap, head, sizeof(head) / sizeof(head[0]),
	    extra);
}

int
e2e_ping(int port, const char *const *opts, char *out, size_t outlen,
    char *err, size_t errlen)
{
	static const char *const tail[] = { "127.0.0.1", "0x20000C0F", "1",
	    "demo@localhost", NULL };
	const char *argv[32];
	char portbuf[16];
	size_t n;
	int st;

	snprintf(portbuf, sizeof(portbuf), "%d", port);
	n = argv_join(argv, 27, (const char *const[]){ PING_TOOL, "--port",
	    portbuf }, 3, opts);
	argv_join(argv + n, 32 - n, tail, 4, NULL);
	ck_assert_int_eq(srvproc_run((char *const *)argv, out, outlen, err,
	    errlen, 30000, &st), 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
e2e_server_start(struct srvproc *p, int *port_out, const char *keytab,
    const char *const *extra)
{
	const char *argv[32];

	e2e_server_argv(argv, 31, E2E_PORT, keytab, extra);
	return e2e_start_port(p, port_out, argv, "e2e: server start");
}

const char *const e2e_interop_argv[] = { INTEROP_SERVER, "--port", E2E_PORT,
    "--principal", "demo@localhost", NULL };

int
e2e_interop_start(struct srvproc *p, int *port_out, const char *label)
{
	return e2e_start_port(p, port_out, e2e_interop_argv, label);
}

void
e2e_server_stop(struct srvproc *p)
{
	if (p->pid > 0)
		(void)srvproc_stop(p, 5000, NULL);
}

int
e2e_listen(int type, int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, type, 0), on = 1;

	loopback(&sin, port);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) < 0 || bind(fd, (struct sockaddr *)&sin,
	    sizeof(sin)) < 0 || (type == SOCK_STREAM && listen(fd, 64) < 0)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
e2e_fork_server(int (*setup)(int port, void *arg), void *arg,
    pid_t *pid_out, int *port_out)
{
	int pfd[2], port, tries;
	pid_t pid;
	char c;

	for (tries = 0; tries < 3; tries++) {
		if ((port = srvproc_free_port()) < 0 || pipe(pfd) != 0)
			return -1;
		if ((pid = fork()) < 0)
			return -1;
		if (pid == 0) {
			(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(pfd[0]);
			if (setup(port, arg) != 0 || write(pfd[1], "r", 1) != 1)
				_exit(1);
			close(pfd[1]);
			svc_run();
			_exit(1);
		}
		close(pfd[1]);
		if (read(pfd[0], &c, 1) == 1) {
			close(pfd[0]);
			*pid_out = pid;
			*port_out = port;
			return 0;
		}
		close(pfd[0]);
		(void)waitpid(pid, NULL, 0);
	}
	return -1;
}

void
e2e_fork_stop(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		(void)waitpid(*pid, NULL, 0);
	}
	*pid = -1;
}

CLIENT *
e2e_clnt_fd(int fd, int port, int udp, rpcprog_t prog, rpcvers_t vers)
{
	struct sockaddr_in sin;
	struct netbuf nb;
	CLIENT *cl;

	loopback(&sin, port);
	nb.buf = &sin;
	nb.len = nb.maxlen = sizeof(sin);
	cl = udp ? clnt_dg_create(fd, &nb, prog, vers, 65536, 65536) :
	    clnt_vc_create(fd, &nb, prog, vers, 0, 0);
	if (cl == NULL)
		return NULL;
	(void)clnt_control(cl, CLSET_FD_CLOSE, NULL);
	if (udp) {
		struct timeval rt = { 1, 0 };

		(void)clnt_control(cl, CLSET_RETRY_TIMEOUT, (char *)&rt);
	}
	return cl;
}

CLIENT *
e2e_clnt_prog(int port, int udp, rpcprog_t prog, rpcvers_t vers)
{
	struct sockaddr_in sin;
	CLIENT *cl;
	int fd;

	loopback(&sin, port);
	fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0)
		return NULL;
	if ((!udp && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) ||
	    (cl = e2e_clnt_fd(fd, port, udp, prog, vers)) == NULL) {
		close(fd);
		return NULL;
	}
	return cl;
}

CLIENT *
e2e_clnt(int port, int udp)
{
	return e2e_clnt_prog(port, udp, DEMOFS_PROG, DEMOFS_V1);
}

CLIENT *
e2e_auth(CLIENT *cl, const char *target, const struct rpcauth_client_opts *o,
    struct rpcauth_err *err)
{
	if (rpcauth_client_create(cl, target, o, err) == NULL) {
		clnt_destroy(cl);
		return NULL;
	}
	return cl;
}

CLIENT *
e2e_auth_as(CLIENT *cl, const char *target, const char *mech,
    const char *ccache, enum rpcauth_service svc, struct rpcauth_err *err)
{
	struct rpcauth_client_opts o;

	rpcauth_client_opts_init(&o);
	o.mech = mech;
	o.ccache = ccache;
	o.service = svc;
	return e2e_auth(cl, target, &o, err);
}

void
e2e_refused_check(CLIENT *cl, struct rpcauth_err *err, const char *why)
{
	ck_assert_ptr_null(cl);
	ck_assert_int_eq(err->code, RPCAUTH_E_GSS);
	ck_assert_msg(strstr(err->msg, "refused the security context") !=
	    NULL && strstr(err->msg, why) != NULL, "unclear message: %s",
	    err->msg);
	rpcauth_err_clear(err);
}

void
e2e_call_once(CLIENT *cl, rpcproc_t proc, xdrproc_t res_xdr, void *res)
{
	struct timeval tv = { 10, 0 };

	ck_assert_ptr_nonnull(cl);
	ck_assert_msg(clnt_call(cl, proc, (xdrproc_t)xdr_nothing, NULL,
	    res_xdr, res, tv) == RPC_SUCCESS, "call %u: %s", (unsigned)proc,
	    clnt_sperror(cl, "call"));
	clnt_destroy(cl);
}

void
e2e_svc_opts(struct rpcauth_svc_opts *o, const char *keytab,
    int (*authorize)(const struct rpcauth_caller *, void *, void **),
    void *arg)
{
	static const char *const mechs[] = { "krb5", "spnego", "ntlm", NULL };

	rpcauth_svc_opts_init(o);
	o->principal = "demo@localhost";
	o->keytab = keytab;
	o->mechs = mechs;
	o->authorize = authorize;
	o->authorize_arg = arg;
}

int
e2e_svc_register(const struct rpcauth_svc_opts *o, const char *label)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;

	if (rpcauth_svc_register(o, &err) != 0) {
		fprintf(stderr, "%s: %s\n", label, err.msg);
		rpcauth_err_clear(&err);
		return -1;
	}
	return 0;
}

int
e2e_svc_caller(struct svc_req *rq, SVCXPRT *xprt, struct rpcauth_caller *who)
{
	if (rpcauth_svc_caller(rq, who) != 0) {
		svcerr_weakauth(xprt);
		return -1;
	}
	if (!svc_getargs(xprt, (xdrproc_t)xdr_nothing, NULL)) {
		svcerr_decode(xprt);
		return -1;
	}
	return 0;
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
	return e2e_auth(cl, "demo@localhost", &o, err);
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

void
e2e_echo_check(CLIENT *cl, size_t n, const char *label)
{
	demo_data in, *out;
	size_t i;
	char *buf = malloc(n + 1);

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < n; i++)
		buf[i] = (char)(i * 131 + n);
	in.demo_data_len = (u_int)n;
	in.demo_data_val = buf;
	out = demofs_echo_1(&in, cl);
	ck_assert_msg(out != NULL, "%s: echo %zu bytes failed: %s (%s)", label,
	    n, clnt_sperror(cl, "echo"), rpcauth_auth_error(cl->cl_auth) ?
	    rpcauth_auth_error(cl->cl_auth) : "");
	ck_assert_uint_eq(out->demo_data_len, n);
	ck_assert_msg(n == 0 || memcmp(out->demo_data_val, buf, n) == 0,
	    "%s: echo of %zu bytes came back different", label, n);
	xdr_free((xdrproc_t)xdr_demo_data, (char *)out);
	free(buf);
}

int
e2e_stats_ok(CLIENT *cl, char *why, size_t len)
{
	const char *e;

	if (demofs_stats_1(NULL, cl) != NULL)
		return 1;
	e = rpcauth_auth_error(cl->cl_auth);
	snprintf(why, len, "%s | %s", clnt_sperror(cl, "stats"),
	    e != NULL ? e : "(no rpcauth error)");
	return 0;
}

CLIENT *
e2e_too_weak(struct testbed *bed, struct srvproc *strict, int *port_out)
{
	static const char *const extra[] = { "--min-service", "privacy", NULL };
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpc_err re;
	CLIENT *cl;

	ck_assert_int_eq(e2e_server_start(strict, port_out,
	    testbed_server_keytab(bed), extra), 0);
	cl = e2e_secure_clnt(*port_out, 0, RPCAUTH_SVC_INTEGRITY, 0, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	ck_assert_ptr_null(demofs_stats_1(NULL, cl));
	clnt_geterr(cl, &re);
	ck_assert_int_eq(re.re_status, RPC_AUTHERROR);
	ck_assert_int_eq(re.re_why, AUTH_TOOWEAK);
	return cl;
}

void
e2e_text_add(struct e2e_text *t, const char *line)
{
	size_t n = strlen(line);

	if (t->len + n + 2 > t->cap) {
		t->cap = (t->len + n + 2) * 2;
		t->buf = realloc(t->buf, t->cap);
		ck_assert_ptr_nonnull(t->buf);
	}
	memcpy(t->buf + t->len, line, n);
	t->len += n;
	t->buf[t->len++] = '\n';
	t->buf[t->len] = '\0';
}

const char *
e2e_svcname(enum rpcauth_service s)
{
	return s == RPCAUTH_SVC_NONE ? "none" :
	    s == RPCAUTH_SVC_INTEGRITY ? "integrity" : "privacy";
}

int
e2e_kinit(struct testbed *bed, const char *princ, const char *cc,
    const char *ktname)
{
	char kt[1024], out[512], errb[1024];
	int st;
	char *argv[] = { (char *)KINIT_PATH, (char *)"-k", (char *)"-t", kt,
	    (char *)"-c", (char *)cc, (char *)princ, NULL };

	snprintf(kt, sizeof(kt), "%s/%s.keytab", testbed_dir(bed), ktname);
	if (testbed_add_principal(bed, princ, kt) != 0) {
		fprintf(stderr, "add %s: %s\n", ktname, testbed_errmsg(bed));
		return -1;
	}
	if (srvproc_run(argv, out, sizeof(out), errb, sizeof(errb), 20000,
	    &st) != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "kinit %s: %s\n", ktname, errb);
		return -1;
	}
	return 0;
}

void
e2e_no_krb5_creds(struct testbed *bed)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "FILE:%s/none.ccache", testbed_dir(bed));
	ck_assert_int_eq(setenv("KRB5CCNAME", buf, 1), 0);
	snprintf(buf, sizeof(buf), "FILE:%s/none.keytab", testbed_dir(bed));
	ck_assert_int_eq(setenv("KRB5_CLIENT_KTNAME", buf, 1), 0);
}
