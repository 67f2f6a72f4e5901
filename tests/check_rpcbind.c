/* tests/check_rpcbind.c - rpcgen's rpcbind path: registration, clnt_create, rpcauth-ping */
/*
 * README.md, section "rpcbind", tested with a real rpcbind in private
 * namespaces (tests/rpcbindns.h):
 *   - the unmodified `rpcgen -a` main plus the README's rpcauth lines
 *     (kv_gate_server, built by tests/Makefile.am) registers over TCP and
 *     UDP: rpcb_getaddr and `rpcinfo -p` both list it;
 *   - a CLIENT from clnt_create(host, ...) plus rpcauth_client_create
 *     calls it at integrity and privacy, over TCP and UDP;
 *   - rpcauth-ping without --port finds it (TCP and --udp), and says so
 *     when the program is not registered;
 *   - rpcgen's main does not unregister on SIGTERM (the README says so):
 *     rpcbind keeps the dead port, rpcauth-ping says that nothing answers
 *     there, and the next start replaces it (its main's pmap_unset); the
 *     demo server never registers (it serves a given port);
 *   - in namespaces without rpcbind: rpcauth-ping says rpcbind is not
 *     running and how to fix it, and the rpcgen main's registration fails
 *     with its own message, exit status 1.
 * Each test starts the servers it needs and stops them by PID.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demofs.h"
#include "e2e.h"
#include "kv.h"
#include "rpcbindns.h"
#include "cklist.h"

#define KV_GATE_SERVER	TOP_BUILDDIR "/tests/kv_gate_server"
#define PING		TOP_BUILDDIR "/client/rpcauth-ping"
#define RPCINFO		"/usr/sbin/rpcinfo"
#define KV_PROG_STR	"0x20000C1F"

static struct testbed *bed;

/* Start the rpcgen -a server (it prints "kv server ready"). */
static void
kv_up(struct srvproc *p)
{
	char errbuf[512];
	char *argv[] = { (char *)KV_GATE_SERVER, NULL };

	p->pid = -1;
	p->out_fd = -1;
	ck_assert_msg(srvproc_start(p, argv, "ready", 20000, errbuf,
	    sizeof(errbuf)) == 0, "%s: %s", KV_GATE_SERVER, errbuf);
}

/* The port rpcbind on 127.0.0.1 gives for prog/vers on netid; 0 when it
 * says the program is not registered (Check assertion otherwise). */
static int
rpcb_port(rpcprog_t prog, rpcvers_t vers, const char *netid)
{
	struct sockaddr_in sin;
	struct netconfig *nc;
	struct netbuf nb;
	bool_t ok;

	ck_assert_ptr_nonnull(nc = getnetconfigent(netid));
	memset(&sin, 0, sizeof(sin));
	nb.buf = &sin;
	nb.len = 0;
	nb.maxlen = sizeof(sin);
	ok = rpcb_getaddr(prog, vers, nc, &nb, "127.0.0.1");
	freenetconfigent(nc);
	if (!ok) {
		ck_assert_msg(rpc_createerr.cf_stat == RPC_PROGNOTREGISTERED,
		    "rpcb_getaddr %s: %s", netid,
		    clnt_spcreateerror("127.0.0.1"));
		return 0;
	}
	ck_assert_int_eq(sin.sin_family, AF_INET);
	return ntohs(sin.sin_port);
}

/* Run rpcauth-ping with args (NULL-terminated, at most 8): exit status. */
static int
ping(const char *const *args, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const char *argv[10] = { PING };
	size_t i;
	int st;

	for (i = 0; args[i] != NULL && i < 8; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	ck_assert_int_eq(srvproc_run((char *const *)argv, out, outlen, err,
	    errlen, 60000, &st), 0);
	ck_assert_msg(WIFEXITED(st), "rpcauth-ping: status 0x%x", st);
	return WEXITSTATUS(st);
}

/* ---- with rpcbind --------------------------------------------------------- */

/* `rpcinfo -p` lists prog vers proto with this port. */
static int
rpcinfo_lists(const char *out, unsigned long prog, unsigned long vers,
    const char *proto, int port)
{
	const char *line = out;
	unsigned long p, v;
	char pr[16];
	int po;

	for (; line != NULL && *line != '\0'; line = strchr(line, '\n'),
	    line = line != NULL ? line + 1 : NULL)
		if (sscanf(line, "%lu %lu %15s %d", &p, &v, pr, &po) == 4 &&
		    p == prog && v == vers && strcmp(pr, proto) == 0 &&
		    po == port)
			return 1;
	return 0;
}

/* The rpcgen main with the README's lines registers over TCP and UDP. */
START_TEST(registers_tcp_udp)
{
	const char *argv[] = { RPCINFO, "-p", "127.0.0.1", NULL };
	static char out[16384], err[4096];
	struct srvproc kv;
	rpcvers_t v;
	int tcp, udp, st;

	kv_up(&kv);
	for (v = KV_V1; v <= KV_V3; v++) {
		tcp = rpcb_port(KV_PROG, v, "tcp");
		udp = rpcb_port(KV_PROG, v, "udp");
		ck_assert_msg(tcp > 0 && udp > 0, "version %u: tcp port %d, "
		    "udp port %d", (unsigned)v, tcp, udp);
		ck_assert_int_eq(srvproc_run((char *const *)argv, out,
		    sizeof(out), err, sizeof(err), 30000, &st), 0);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "rpcinfo -p: %s", err);
		ck_assert_msg(rpcinfo_lists(out, KV_PROG, v, "tcp", tcp) &&
		    rpcinfo_lists(out, KV_PROG, v, "udp", udp), "rpcinfo -p "
		    "does not list version %u at tcp %d and udp %d:\n%s",
		    (unsigned)v, tcp, udp, out);
	}
	ck_assert_int_eq(srvproc_stop(&kv, 5000, NULL), 0);
}
END_TEST

/* _i: bit 0 UDP, bit 1 privacy (else integrity); odd cases by name. */
START_TEST(clnt_create_calls)
{
	const char *netid = (_i & 1) ? "udp" : "tcp";
	const char *host = (_i & 1) ? "localhost" : "127.0.0.1";
	enum rpcauth_service want = (_i & 2) ? RPCAUTH_SVC_PRIVACY :
	    RPCAUTH_SVC_INTEGRITY;
	struct rpcauth_client_opts o;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_auth_info info;
	struct srvproc kv;
	kv_key key = (char *)"alpha";
	kv_val *val;
	AUTH *auth;
	CLIENT *cl;

	kv_up(&kv);
	cl = clnt_create(host, KV_PROG, KV_V1, netid);
	ck_assert_msg(cl != NULL, "clnt_create(%s, %s): %s", host, netid,
	    clnt_spcreateerror(host));
	rpcauth_client_opts_init(&o);
	o.service = want;
	auth = rpcauth_client_create(cl, "demo@localhost", &o, &err);
	ck_assert_msg(auth != NULL, "rpcauth_client_create: %s", err.msg);
	ck_assert_msg((val = kv_get_1(&key, cl)) != NULL, "%s %s GET: %s",
	    netid, e2e_svcname(want), clnt_sperror(cl, "kv"));
	ck_assert_str_eq(*val, "one");
	xdr_free((xdrproc_t)xdr_kv_val, (char *)val);
	ck_assert_int_eq(rpcauth_auth_info(auth, &info), 0);
	ck_assert_int_eq(info.service, want);
	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
	ck_assert_int_eq(srvproc_stop(&kv, 5000, NULL), 0);
}
END_TEST

/* rpcauth-ping without --port finds the port through rpcbind. */
START_TEST(ping_finds_it)
{
	const char *tcp[] = { "--service", "privacy", "127.0.0.1",
	    KV_PROG_STR, "1", "demo@localhost", NULL };
	const char *udp[] = { "--udp", "--service", "privacy", "127.0.0.1",
	    KV_PROG_STR, "1", "demo@localhost", NULL };
	char out[4096], err[4096], want[128];
	struct srvproc kv;

	kv_up(&kv);
	ck_assert_msg(ping(_i ? udp : tcp, out, sizeof(out), err,
	    sizeof(err)) == 0, "rpcauth-ping: %s", err);
	snprintf(want, sizeof(want), "server:     demo/localhost@RPCAUTH.TEST"
	    " (127.0.0.1 %s, program 0x20000c1f version 1)",
	    _i ? "udp" : "tcp");
	ck_assert_msg(strstr(out, want) != NULL, "no \"%s\" in:\n%s", want,
	    out);
	ck_assert_ptr_nonnull(strstr(out, "service:    privacy"));
	ck_assert_int_eq(srvproc_stop(&kv, 5000, NULL), 0);
}
END_TEST

/* A program nobody registered: rpcauth-ping says so, and what to do.
 * (For another version of a registered program rpcbind gives the
 * program's port, and the server answers "Program/version mismatch".) */
START_TEST(ping_not_registered)
{
	const char *args[] = { "127.0.0.1", "0x20000C3F", "1",
	    "demo@localhost", NULL };
	char out[4096], err[4096];
	struct srvproc kv;

	kv_up(&kv);
	ck_assert_int_eq(ping(args, out, sizeof(out), err, sizeof(err)), 1);
	ck_assert_msg(strstr(err, "rpcauth-ping: program 0x20000c3f version 1 "
	    "(tcp) is not registered with rpcbind on 127.0.0.1: start the "
	    "server there (rpcinfo -p 127.0.0.1 lists what is registered), "
	    "or give its port with --port\n") != NULL, "stderr: %s", err);
	ck_assert_int_eq(srvproc_stop(&kv, 5000, NULL), 0);
}
END_TEST

/*
 * rpcgen's main dies on SIGTERM without unregistering (README.md,
 * "rpcbind"): rpcbind keeps its port, rpcauth-ping says nothing answers
 * there, and a new start (whose main runs pmap_unset first) is found.
 */
START_TEST(sigterm_leaves_registration)
{
	const char *args[] = { "127.0.0.1", KV_PROG_STR, "1",
	    "demo@localhost", NULL };
	char out[4096], err[4096], want[160];
	struct rpcauth_err rerr = RPCAUTH_ERR_INIT;
	struct srvproc kv;
	kv_key key = (char *)"beta";
	kv_val *val;
	CLIENT *cl;
	int port, st;

	kv_up(&kv);
	ck_assert_int_gt(port = rpcb_port(KV_PROG, KV_V1, "tcp"), 0);
	(void)srvproc_stop(&kv, 5000, &st);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	    "status 0x%x", st);
	ck_assert_int_eq(rpcb_port(KV_PROG, KV_V1, "tcp"), port);
	ck_assert_int_eq(ping(args, out, sizeof(out), err, sizeof(err)), 1);
	snprintf(want, sizeof(want), "rpcauth-ping: rpcbind on 127.0.0.1 "
	    "gives port %d for program 0x20000c1f version 1, but nothing "
	    "answers there (", port);
	ck_assert_msg(strstr(err, want) != NULL && strstr(err, "the server "
	    "stopped without unregistering; start it again, or give its port "
	    "with --port\n") != NULL, "stderr: %s", err);

	kv_up(&kv);
	ck_assert_ptr_nonnull(cl = clnt_create("127.0.0.1", KV_PROG, KV_V1,
	    "tcp"));
	ck_assert_msg(rpcauth_client_create(cl, "demo@localhost", NULL,
	    &rerr) != NULL, "rpcauth_client_create: %s", rerr.msg);
	ck_assert_ptr_nonnull(val = kv_get_1(&key, cl));
	ck_assert_str_eq(*val, "two");
	xdr_free((xdrproc_t)xdr_kv_val, (char *)val);
	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
	ck_assert_int_eq(srvproc_stop(&kv, 5000, NULL), 0);
}
END_TEST

/* The demo server serves the port it is given and registers nothing
 * (man/rpcauth-demo-server.1); rpcauth-ping points to --port. */
START_TEST(demo_server_not_registered)
{
	const char *args[] = { "--udp", "127.0.0.1", "0x20000C0F", "1",
	    "demo@localhost", NULL };
	char out[4096], err[4096];
	struct srvproc demo = { -1, -1 };
	int port;

	ck_assert_int_eq(e2e_server_start(&demo, &port,
	    testbed_server_keytab(bed), NULL), 0);
	ck_assert_int_eq(rpcb_port(DEMOFS_PROG, DEMOFS_V1, "tcp"), 0);
	ck_assert_int_eq(rpcb_port(DEMOFS_PROG, DEMOFS_V1, "udp"), 0);
	ck_assert_int_eq(ping(args, out, sizeof(out), err, sizeof(err)), 1);
	ck_assert_msg(strstr(err, "program 0x20000c0f version 1 (udp) is not "
	    "registered with rpcbind on 127.0.0.1") != NULL, "stderr: %s",
	    err);
	ck_assert_int_eq(srvproc_stop_clean(&demo, 5000, NULL), 0);
}
END_TEST

/* ---- without rpcbind ------------------------------------------------------ */

/* This forked test into namespaces of its own, with no rpcbind in them. */
static void
no_rpcbind(void)
{
	char msg[256];

	ck_assert_msg(rpcbindns_enter(msg, sizeof(msg)) == 0, "%s", msg);
}

START_TEST(ping_no_rpcbind)
{
	const char *tcp[] = { "127.0.0.1", KV_PROG_STR, "1", "demo@localhost",
	    NULL };
	const char *udp[] = { "--udp", "127.0.0.1", KV_PROG_STR, "1",
	    "demo@localhost", NULL };
	char out[4096], err[4096];

	no_rpcbind();
	ck_assert_int_eq(ping(_i ? udp : tcp, out, sizeof(out), err,
	    sizeof(err)), 1);
	ck_assert_str_eq(err, "rpcauth-ping: rpcbind is not running on "
	    "127.0.0.1 (nothing answers on its port 111): start rpcbind there "
	    "(systemctl start rpcbind), or give the server's port with "
	    "--port\n");
	ck_assert_str_eq(out, "");
}
END_TEST

/* The rpcgen main says its registration failed, and exits 1. */
START_TEST(server_registration_fails)
{
	char *argv[] = { (char *)KV_GATE_SERVER, NULL };
	char out[4096], err[4096];
	int st;

	no_rpcbind();
	ck_assert_int_eq(srvproc_run(argv, out, sizeof(out), err, sizeof(err),
	    30000, &st), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status 0x%x",
	    st);
	ck_assert_msg(strstr(err, "unable to register (KV_PROG, KV_V1, udp).")
	    != NULL, "stderr: %s", err);
	ck_assert_ptr_null(strstr(out, "ready"));
}
END_TEST

static Suite *
rpcbind_suite(void)
{
	Suite *s = suite_create("rpcbind");
	TCase *with = cklist_tcase(s, "with rpcbind", 0);
	TCase *without = cklist_tcase(s, "without rpcbind", 0);

	tcase_add_test(with, registers_tcp_udp);
	tcase_add_loop_test(with, clnt_create_calls, 0, 4);
	tcase_add_loop_test(with, ping_finds_it, 0, 2);
	CKLIST(with, 1, ping_not_registered, sigterm_leaves_registration,
	    demo_server_not_registered);
	tcase_add_loop_test(without, ping_no_rpcbind, 0, 2);
	tcase_add_test(without, server_registration_fails);
	return s;
}

int
main(void)
{
	pid_t rpcbind = -1;
	int ret;

	if ((ret = rpcbindns_setup("check_rpcbind", &rpcbind)) != 0)
		return ret;
	ret = e2e_main(rpcbind_suite(), NULL, &bed, NULL, NULL);
	rpcbindns_stop(&rpcbind);
	return ret;
}
