/* client/demo_client.c - rpcauth-demo-client: one DEMOFS call per run */
/*
 * rpcauth-demo-client --host H[:P] [--host H[:P]]... --port P [--udp]
 *     --principal SERVICE@HOST [--flavor N] [--service none|integrity|privacy]
 *     [--mech krb5|spnego|ntlm] [--allow-ntlm] [--repeat N] COMMAND [ARGS]
 * rpcauth-demo-client --help | --version
 *
 * Commands and what they print on success:
 *   null                      nothing
 *   echo TEXT                 TEXT and a newline
 *   echo-size N               "echo N bytes ok" (N pattern bytes, checked)
 *   whoami                    "principal=P mech=M service=S uid=U"
 *   info                      what the handshake established (client side)
 *                             (uid=none when the server maps none)
 *   stats                     the server's procedure count
 *   lookup DIR NAME           "path=P type=T mode=0644 size=N mtime=S"
 *   getattr PATH              "type=T mode=0644 size=N mtime=S"
 *   read PATH [OFF [COUNT]]   the data (to the end of the file by default)
 *   write PATH TEXT           the number of bytes written (file created)
 *   ls PATH                   "NAME TYPE" per entry, sorted
 * T is reg, dir or other.  Exit 0 on success; otherwise exactly one line on
 * stderr starting with "rpcauth-demo-client: " and exit 1 (2 for usage).
 * Text that comes from the server or the network (names, paths, echoed
 * text, error texts) is written with control characters escaped
 * (termsafe.h); READ data too when standard output is a terminal, and
 * byte for byte otherwise (docs/SECURITY.md 12).
 * Several --host are replicas of one service: the CLIENT comes from
 * rpcauth_clnt_create(), which reconnects and fails over between them
 * (a P in --host overrides --port).  --repeat N runs COMMAND N times
 * through that one CLIENT and prints "N ok, M failed" (exit 0 only when
 * M is 0), each failure's line on stderr as it happens.
 * Hosts are resolved as IPv4, like the server listens; no rpcbind.
 * The library's messages name C settings; they are printed with the
 * options that set them instead (hints.h).  man/rpcauth-demo-client.1 is
 * the contract.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rpcauth/rpcauth.h"
#include "demofs.h"
#include "cli.h"
#include "cliopts.h"
#include "hints.h"
#include "termsafe.h"

#define PROG		"rpcauth-demo-client"
#define USAGE		"usage: " PROG " --host H[:P] [--host H[:P]]... " \
	"--port P [--udp] --principal SERVICE@HOST [--flavor N] " \
	"[--service none|integrity|privacy] [--mech krb5|spnego|ntlm] " \
	"[--allow-ntlm] [--repeat N] COMMAND [ARGS]"
/* Room for a 64 KiB datagram; libtirpc caps buffers at 256 KiB. */
#define usage_error(...)	cli_usage_error(PROG, USAGE, __VA_ARGS__)
#define UDP_BUFSZ	65536
/* READ chunk over UDP: the reply must fit one datagram. */
#define UDP_READ_CHUNK	32768
#define CALL_TIMEOUT	25	/* seconds, as rpcgen's stubs */
#define UDP_RETRY	1	/* seconds between UDP retransmissions */
#define MAX_HOSTS	16
/* A call's reconnections within the time one call had before (25 s). */
#define FAILOVER_MS	(CALL_TIMEOUT * 1000)

struct client_cfg {
	const char		*hosts[MAX_HOSTS];	/* --host, in order */
	size_t			 nhosts;
	uint16_t		 port;
	uint64_t		 repeat;	/* 0: one call, no count line */
	int			 udp;
	const char		*principal;	/* SERVICE@HOST */
	uint32_t		 flavor;	/* RPCAUTH_FLAVOR by default */
	enum rpcauth_service	 service;	/* integrity by default */
	const char		*mech;		/* "krb5" by default */
	int			 allow_ntlm;	/* NTLM inside SPNEGO */
};

struct command {
	const char	*name;
	int		 min_args, max_args;
	int		(*run)(CLIENT *, const struct client_cfg *, char **);
};

static void	fail(const char *, ...) __attribute__((format(printf, 1, 2)));

/* The one error line.  Commands call it once, then return -1. */
static void
fail(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG ": ");
	termsafe_puts(stderr, msg);	/* may quote the server */
	fputc('\n', stderr);
}

/* libtirpc's error texts may hold newlines; the contract is one line. */
static void
fail_folded(char *msg)
{
	char *p;

	for (p = msg; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	while (p > msg && p[-1] == ' ')
		*--p = '\0';
	fail("%s", msg);
}

/* A library message, with its C hints said as our options. */
static void
fail_lib(const char *pre, const char *msg)
{
	char *m = hints_apply(hints_client, msg);

	fail("%s%s", pre, m != NULL ? m : msg);
	free(m);
}

/*
 * libtirpc's text, then the library's reason when it has one: "why =
 * Client credential too weak" alone does not say what to change.
 */
static int
rpc_fail(CLIENT *clnt, const char *what)
{
	const char *why = rpcauth_auth_error(clnt->cl_auth);
	char pre[1024], *p;
	size_t n;

	if (why == NULL) {
		fail_folded(clnt_sperror(clnt, what));
		return -1;
	}
	n = (size_t)snprintf(pre, sizeof(pre), "%s", clnt_sperror(clnt, what));
	if (n >= sizeof(pre))
		n = sizeof(pre) - 1;
	for (p = pre; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	while (n > 0 && pre[n - 1] == ' ')
		pre[--n] = '\0';
	snprintf(pre + n, sizeof(pre) - n, ": ");
	fail_lib(pre, why);
	return -1;
}

static const char *
status_text(demo_stat st)
{
	switch (st) {
	case DEMO_OK:		return "ok";
	case DEMO_EPERM:	return "operation not permitted";
	case DEMO_ENOENT:	return "no such file";
	case DEMO_EIO:		return "I/O error";
	case DEMO_EACCES:	return "permission denied";
	case DEMO_EEXIST:	return "file exists";
	case DEMO_ENOTDIR:	return "not a directory";
	case DEMO_EISDIR:	return "is a directory";
	case DEMO_EINVAL:	return "invalid argument";
	case DEMO_EFBIG:	return "file too large";
	case DEMO_ENOSPC:	return "no space left on the server";
	case DEMO_ENAMETOOLONG:	return "name too long";
	case DEMO_ESCAPE:	return "path escapes the server root";
	}
	return NULL;
}

/* "CMD ARGS: server says: TEXT" */
static int
status_fail(const char *cmd, const char *args, demo_stat st)
{
	if (status_text(st) == NULL)
		fail("%s %s: server says: unknown status %d", cmd, args,
		    (int)st);
	else
		fail("%s %s: server says: %s", cmd, args, status_text(st));
	return -1;
}

static const char *
ftype_text(demo_ftype t)
{
	switch (t) {
	case DEMO_REG:		return "reg";
	case DEMO_DIR:		return "dir";
	case DEMO_OTHER:	return "other";
	}
	return "other";
}

/* The echo-size pattern: deterministic, and not periodic in 256. */
static unsigned char
pattern_byte(size_t i)
{
	return (unsigned char)((i * 131u) ^ (i >> 11));
}

static int
cmd_null(CLIENT *clnt, const struct client_cfg *cfg, char **argv)
{
	(void)cfg;
	(void)argv;
	if (demofs_null_1(NULL, clnt) == NULL)
		return rpc_fail(clnt, "null");
	return 0;
}

static int
cmd_echo(CLIENT *clnt, const struct client_cfg *cfg, char **argv)
{
	demo_data arg, *res;

	(void)cfg;
	arg.demo_data_len = (u_int)strlen(argv[0]);
	arg.demo_data_val = argv[0];
	if ((res = demofs_echo_1(&arg, clnt)) == NULL)
		return rpc_fail(clnt, "echo");
	if (res->demo_data_len > 0)	/* XDR leaves val NULL for 0 bytes */
		termsafe_write(stdout, res->demo_data_val,
		    res->demo_data_len);
	putchar('\n');
	xdr_free((xdrproc_t)xdr_demo_data, (char *)res);
	return 0;
}

static int
cmd_echo_size(CLIENT *clnt, const struct client_cfg *cfg, char **argv)
{
	demo_data arg, *res = NULL;
	uint64_t n;
	size_t i;
	int ret = -1;

	(void)cfg;
	memset(&arg, 0, sizeof(arg));
	if (cli_parse_num(argv[0], 0, DEMO_MAXDATA, &n) != 0) {
		fail("echo-size: '%s' is not a size (0-%d)", argv[0],
		    DEMO_MAXDATA);
		goto out;
	}
	if ((arg.demo_data_val = malloc(n > 0 ? n : 1)) == NULL) {
		fail("echo-size: out of memory");
		goto out;
	}
	arg.demo_data_len = (u_int)n;
	for (i = 0; i < n; i++)
		arg.demo_data_val[i] = (char)pattern_byte(i);
	if ((res = demofs_echo_1(&arg, clnt)) == NULL) {
		rpc_fail(clnt, "echo-size");
		goto out;
	}
	if (res->demo_data_len != n) {
		fail("echo-size: sent %" PRIu64 " bytes, got %u back", n,
		    res->demo_data_len);
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)res->demo_data_val[i] != pattern_byte(i)) {
			fail("echo-size: reply differs at byte %zu", i);
			goto out;
		}
	printf("echo %" PRIu64 " bytes ok\n", n);
	ret = 0;
out:
	if (res != NULL)
		xdr_free((xdrproc_t)xdr_demo_data, (char *)res);
	free(arg.demo_data_val);
	return ret;
}

/* What the handshake established: the server's proof of identity. */
/* "key=" and a value from the server or the KDC, control bytes escaped. */
static void
put_field(const char *key, const char *value)
{
	fputs(key, stdout);
	termsafe_puts(stdout, value);
}

static int
cmd_info(CLIENT *clnt, const struct client_cfg *cfg, char **argv)
{
	struct rpcauth_auth_info info;

	(void)cfg;
	(void)argv;
	if (rpcauth_auth_info(clnt->cl_auth, &info) != 0)
		return rpc_fail(clnt, "info");
	put_field("client=", info.client_principal);
	put_field(" server=", info.server_principal);
	put_field(" mech=", info.mech);
	printf(" service=%s flavor=%u window=%u "
	    "mutual=%s expires_in=%lds\n", cli_service_name(info.service),
	    info.flavor, info.window, info.mutual ? "yes" : "no",
	    info.expiry != 0 ? (long)(info.expiry - time(NULL)) : -1L);
	return 0;
}

static int
cmd_whoami(CLIENT *clnt, const struct client_cfg *cfg, char **argv)
{
	demo_whoami *res;

	(void)cfg;
	(void)argv;
	if ((res = demofs_whoami_1(NULL, clnt)) == NULL)
		return rpc_fail(clnt, "whoami");
	put_field("principal=", res->principal);
	put_field(" mech=", res->mech);
	printf(" service=%s", cli_service_name(res->service));
	if (res->uid == 0xFFFFFFFFu)
		printf(" uid=none\n");
	else
		printf(" uid=%u\n", res->uid);
	xdr_free((xdrproc_t)xdr_demo_whoami, (char *)res);
	return 0;
}

static int
cmd_stats(CLIENT *clnt, const struct client_cfg *cfg, char **argv)
{
	u_quad_t *res;

	(void)cfg;
	(void)argv;
	if ((res = demofs_stats_1(NULL, clnt)) == NULL)
		return rpc_fail(clnt, "stats");
	printf("%llu\n", (unsigned long long)*res);
	return 0;
}

static void
print_attr(const demo_attr *a)
{
	printf("type=%s mode=%04o size=%llu mtime=%lld\n", ftype_text(a->type),
	    a->mode, (unsigned long long)a->size, (long long)a->mtime);
}

static int
cmd_lookup(CLIENT *clnt, const struct client_cfg *cfg, char **argv)
{
	demo_lookup_args arg;
	demo_lookup_res *res;
	int ret = -1;

	(void)cfg;
	arg.dir = argv[0];
	arg.name = argv[1];
	if ((res = demofs_lookup_1(&arg, clnt)) == NULL)
		return rpc_fail(clnt, "lookup");
	if (res->status != DEMO_OK) {
		fail("lookup %s %s: server says: %s", argv[0], argv[1],
		    status_text(res->status) != NULL ?
		    status_text(res->status) : "unknown status");
		goto out;
	}
	printf("path=");
	termsafe_puts(stdout, res->demo_lookup_res_u.ok.path);
	putchar(' ');
	print_attr(&res->demo_lookup_res_u.ok.attr);
	ret = 0;
out:
	xdr_free((xdrproc_t)xdr_demo_lookup_res, (char *)res);
	return ret;
}

static int
cmd_getattr(CLIENT *clnt, const struct client_cfg *cfg, char **argv)
{
	demo_attr_res *res;

	(void)cfg;
	if ((res = demofs_getattr_1(&argv[0], clnt)) == NULL)
		return rpc_fail(clnt, "getattr");
	if (res->status != DEMO_OK)
		return status_fail("getattr", argv[0], res->status);
	print_attr(&res->demo_attr_res_u.attr);
	return 0;
}

/* Read in chunks until COUNT bytes (all by default) or the end. */
static int
cmd_read(CLIENT *clnt, const struct client_cfg *cfg, char **argv)
{
	demo_read_args arg;
	demo_read_res *res;
	demo_read_ok *ok;
	uint64_t left = UINT64_MAX, chunk;
	/* File data: exact bytes into files and pipes, escaped on a screen. */
	int done = 0, tty = isatty(STDOUT_FILENO);

	memset(&arg, 0, sizeof(arg));
	arg.path = argv[0];
	if (argv[1] != NULL && cli_parse_num(argv[1], 0, INT64_MAX,
	    &arg.offset) != 0) {
		fail("read: '%s' is not an offset", argv[1]);
		return -1;
	}
	if (argv[1] != NULL && argv[2] != NULL &&
	    cli_parse_num(argv[2], 0, UINT64_MAX, &left) != 0) {
		fail("read: '%s' is not a count", argv[2]);
		return -1;
	}
	chunk = cfg->udp ? UDP_READ_CHUNK : DEMO_MAXREAD;
	while (!done && left > 0) {
		arg.count = (u_int)(left < chunk ? left : chunk);
		if ((res = demofs_read_1(&arg, clnt)) == NULL)
			return rpc_fail(clnt, "read");
		if (res->status != DEMO_OK)
			return status_fail("read", argv[0], res->status);
		ok = &res->demo_read_res_u.ok;
		if (ok->data.demo_data_len > 0 && tty)
			termsafe_write(stdout, ok->data.demo_data_val,
			    ok->data.demo_data_len);
		else if (ok->data.demo_data_len > 0)
			fwrite(ok->data.demo_data_val, 1,
			    ok->data.demo_data_len, stdout);
		done = ok->eof || ok->data.demo_data_len == 0;
		left -= ok->data.demo_data_len;
		arg.offset += ok->data.demo_data_len;
		xdr_free((xdrproc_t)xdr_demo_read_res, (char *)res);
	}
	return 0;
}

static int
cmd_write(CLIENT *clnt, const struct client_cfg *cfg, char **argv)
{
	demo_write_args arg;
	demo_write_res *res;

	(void)cfg;
	memset(&arg, 0, sizeof(arg));
	arg.path = argv[0];
	arg.offset = 0;
	arg.create = TRUE;
	arg.data.demo_data_len = (u_int)strlen(argv[1]);
	arg.data.demo_data_val = argv[1];
	if ((res = demofs_write_1(&arg, clnt)) == NULL)
		return rpc_fail(clnt, "write");
	if (res->status != DEMO_OK)
		return status_fail("write", argv[0], res->status);
	printf("%u\n", res->demo_write_res_u.count);
	return 0;
}

static int
cmd_ls(CLIENT *clnt, const struct client_cfg *cfg, char **argv)
{
	demo_readdir_res *res;
	demo_dirent *e;
	int ret = -1;

	(void)cfg;
	if ((res = demofs_readdir_1(&argv[0], clnt)) == NULL)
		return rpc_fail(clnt, "ls");
	if (res->status != DEMO_OK) {
		status_fail("ls", argv[0], res->status);
		goto out;
	}
	for (e = res->demo_readdir_res_u.entries; e != NULL; e = e->next) {
		termsafe_puts(stdout, e->name);
		printf(" %s\n", ftype_text(e->type));
	}
	ret = 0;
out:
	xdr_free((xdrproc_t)xdr_demo_readdir_res, (char *)res);
	return ret;
}

static const struct command commands[] = {
	{ "null",	0, 0, cmd_null },
	{ "echo",	1, 1, cmd_echo },
	{ "echo-size",	1, 1, cmd_echo_size },
	{ "whoami",	0, 0, cmd_whoami },
	{ "info",	0, 0, cmd_info },
	{ "stats",	0, 0, cmd_stats },
	{ "lookup",	2, 2, cmd_lookup },
	{ "getattr",	1, 1, cmd_getattr },
	{ "read",	1, 3, cmd_read },
	{ "write",	2, 2, cmd_write },
	{ "ls",		1, 1, cmd_ls },
};

static const struct command *
parse_args(int argc, char *argv[], struct client_cfg *cfg)
{
	struct option opts[CLIOPTS_MAX];
	const struct command *cmd = NULL;
	uint64_t v;
	size_t i;
	int c, nargs;

	memset(cfg, 0, sizeof(*cfg));
	cfg->flavor = RPCAUTH_FLAVOR;
	cfg->service = RPCAUTH_SVC_INTEGRITY;
	cfg->mech = "krb5";
	cliopts_table(CLI_DEMO_CLIENT, opts);
	opterr = 0;			/* one line of our own instead */
	/* '+': options end at COMMAND, so "echo -x" echoes "-x". */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			if (cfg->nhosts == MAX_HOSTS)
				usage_error("--host: at most %d", MAX_HOSTS);
			cfg->hosts[cfg->nhosts++] = optarg;
			break;
		case 'r':
			if (cli_parse_num(optarg, 1, UINT32_MAX, &v) != 0)
				usage_error("--repeat: '%s' is not a count "
				    "(1-%u)", optarg, (unsigned)UINT32_MAX);
			cfg->repeat = v;
			break;
		case 'p':
			cfg->port = cli_opt_port(PROG, USAGE, optarg);
			break;
		case 'u':
			cfg->udp = 1;
			break;
		case 'P':
			if (!cli_service_at_host(optarg))
				usage_error("--principal: service name "
				    "\"%s\" is not of the form service@host "
				    "(for example \"nfs@server.example.org\")",
				    optarg);
			cfg->principal = optarg;
			break;
		case 'f':
			/* 0-3 are libtirpc's; 6 speaks to RPCSEC_GSS servers. */
			if (cli_parse_num(optarg, 4, INT32_MAX, &v) != 0)
				usage_error("--flavor: '%s' is not an rpcauth "
				    "flavor number (not 0-3)", optarg);
			cfg->flavor = (uint32_t)v;
			break;
		case 's':
			cfg->service = cli_opt_service(PROG, USAGE,
			    "--service", optarg);
			break;
		case 'm':
			if (strcmp(optarg, "krb5") != 0 &&
			    strcmp(optarg, "spnego") != 0 &&
			    strcmp(optarg, "ntlm") != 0)
				usage_error("--mech: '%s' is not krb5, spnego "
				    "or ntlm", optarg);
			cfg->mech = optarg;
			break;
		case 'N':
			cfg->allow_ntlm = 1;
			break;
		default:
			cli_opt_other(c, PROG, USAGE, argv);
		}
	}
	if (cfg->nhosts == 0)
		usage_error("--host is required");
	for (i = 0; i < cfg->nhosts; i++)
		if (cfg->port == 0 && strchr(cfg->hosts[i], ':') == NULL)
			usage_error("--port is required");
	if (cfg->principal == NULL)
		usage_error("--principal is required");
	if (optind >= argc)
		usage_error("no command");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL)
		usage_error("unknown command '%s'", argv[optind]);
	nargs = argc - optind - 1;
	if (nargs < cmd->min_args || nargs > cmd->max_args) {
		if (cmd->min_args == cmd->max_args)
			usage_error("%s takes %d argument(s), not %d",
			    cmd->name, cmd->min_args, nargs);
		usage_error("%s takes %d to %d arguments, not %d", cmd->name,
		    cmd->min_args, cmd->max_args, nargs);
	}
	return cmd;
}

/*
 * "H" or "H:P" as "a.b.c.d:P" (the first IPv4 address; --port when the
 * entry has none) into buf.  -1 after the one error line.
 */
static int
host_entry(const struct client_cfg *cfg, const char *arg, char *buf,
    size_t len)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_in sin;
	char host[256], abuf[INET_ADDRSTRLEN];
	const char *colon = strchr(arg, ':');
	uint64_t port = cfg->port;
	size_t n = colon != NULL ? (size_t)(colon - arg) : strlen(arg);
	int gerr;

	if (n == 0 || n >= sizeof(host) || (colon != NULL &&
	    cli_parse_num(colon + 1, 1, 65535, &port) != 0))
		usage_error("--host: '%s' is not H or H:P (a port 1-65535)",
		    arg);
	memcpy(host, arg, n);
	host[n] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = cfg->udp ? SOCK_DGRAM : SOCK_STREAM;
	if ((gerr = getaddrinfo(host, NULL, &hints, &ai)) != 0) {
		fail("cannot resolve %s: %s", host, gai_strerror(gerr));
		return -1;
	}
	memcpy(&sin, ai->ai_addr, sizeof(sin));
	freeaddrinfo(ai);
	inet_ntop(AF_INET, &sin.sin_addr, abuf, sizeof(abuf));
	snprintf(buf, len, "%s:%u", abuf, (unsigned)port);
	return 0;
}

/*
 * The CLIENT, connected and authenticated (mutual authentication before
 * any DEMOFS call), from rpcauth_clnt_create(): it reconnects to the
 * replicas by itself.  No rpcbind: every entry has a port.  Returns NULL
 * after the one error line.
 */
static CLIENT *
connect_client(const struct client_cfg *cfg)
{
	char bufs[MAX_HOSTS][INET_ADDRSTRLEN + 8];
	const char *hosts[MAX_HOSTS + 1];
	struct rpcauth_client_opts co;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct timeval tv;
	CLIENT *clnt;
	size_t i;

	for (i = 0; i < cfg->nhosts; i++) {
		if (host_entry(cfg, cfg->hosts[i], bufs[i],
		    sizeof(bufs[i])) != 0)
			return NULL;
		hosts[i] = bufs[i];
	}
	hosts[i] = NULL;
	rpcauth_client_opts_init(&co);
	co.service = cfg->service;
	co.mech = cfg->mech;
	co.flavor = cfg->flavor;
	co.allow_ntlm = cfg->allow_ntlm;
	co.failover_timeout_ms = FAILOVER_MS;
	if ((clnt = rpcauth_clnt_create(hosts, DEMOFS_PROG, DEMOFS_V1,
	    cfg->udp ? "udp" : "tcp", cfg->principal, &co, &err)) == NULL) {
		fail_lib("", err.msg);
		rpcauth_err_clear(&err);
		return NULL;
	}
	tv.tv_sec = CALL_TIMEOUT;
	tv.tv_usec = 0;
	clnt_control(clnt, CLSET_TIMEOUT, (char *)&tv);
	if (cfg->udp) {
		tv.tv_sec = UDP_RETRY;
		clnt_control(clnt, CLSET_RETRY_TIMEOUT, (char *)&tv);
	}
	return clnt;
}

int
main(int argc, char *argv[])
{
	struct client_cfg cfg;
	const struct command *cmd;
	CLIENT *clnt = NULL;
	uint64_t i, ok = 0, runs;
	int ret = 1;

	cmd = parse_args(argc, argv, &cfg);
	/* A write to a connection the server closed must fail the call
	 * (and be retried), not kill the program. */
	(void)signal(SIGPIPE, SIG_IGN);
	if ((clnt = connect_client(&cfg)) == NULL)
		goto out;
	runs = cfg.repeat > 0 ? cfg.repeat : 1;
	for (i = 0; i < runs; i++)
		if (cmd->run(clnt, &cfg, &argv[optind + 1]) == 0)
			ok++;
	if (cfg.repeat > 0)
		printf("%" PRIu64 " ok, %" PRIu64 " failed\n", ok, runs - ok);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fail("cannot write to stdout: %s", strerror(errno));
		goto out;
	}
	if (ok == runs)
		ret = 0;
out:
	if (clnt != NULL) {
		/* clnt_destroy leaves cl_auth alone; an rpcauth AUTH sends
		 * DESTROY from auth_destroy, so it goes first. */
		auth_destroy(clnt->cl_auth);
		clnt_destroy(clnt);
	}
	return ret;
}
