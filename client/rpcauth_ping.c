/* client/rpcauth_ping.c - rpcauth-ping: like rpcinfo -T, for security */
/*
 * rpcauth-ping [--udp] [--port P] [--mech M] [--allow-ntlm] [--service S]
 *     [--flavor N] [--timeout MS] HOST PROG VERS SERVICE@HOST
 * rpcauth-ping --help | --version
 *
 * Performs the handshake and one NULL call, then prints what was
 * established: mechanism, service, client and server principals, context
 * lifetime, handshake time and NULL round-trip time.  On failure prints the
 * library's message (cause and fix) on one line and exits 1; usage errors
 * exit 2.  Without --port the server's port comes from rpcbind on HOST;
 * when that fails the message says whether rpcbind or the server is
 * missing (rpcbfind.h).
 * The library's messages name C settings; they are printed with the
 * options that set them instead (hints.h).
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rpc/rpc.h>

#include "rpcauth/rpcauth.h"
#include "cli.h"
#include "cliopts.h"
#include "hints.h"
#include "rpcbfind.h"
#include "termsafe.h"

#define PROG	"rpcauth-ping"
#define USAGE	"usage: " PROG " [--udp] [--port P] " \
	"[--mech krb5|spnego|ntlm|OID] [--allow-ntlm] " \
	"[--service none|integrity|privacy] [--flavor N] [--timeout MS] " \
	"HOST PROG VERS SERVICE@HOST"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* pre, then text with control characters escaped, then post. */
static void
say(FILE *f, const char *pre, const char *text, const char *post)
{
	fputs(pre, f);
	termsafe_puts(f, text);
	fputs(post, f);
}

/* A library message, with its C hints said as our options. */
static void
say_lib(FILE *f, const char *pre, const char *msg)
{
	char *m = msg != NULL ? hints_apply(hints_client, msg) : NULL;

	say(f, pre, m != NULL ? m : msg, "\n");
	free(m);
}

static void
usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, PROG ": %s\n", why);
	fprintf(stderr, "%s\n", USAGE);
	exit(2);
}

static int
parse_u32(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno == 0 && *s != '\0' && *end == '\0' && *out <= max ? 0 : -1;
}

/*
 * rpcgen's xdr_void for an empty body.  libtirpc declares it
 * xdr_void(void), so it goes to xdrproc_t through void (*)(void), the one
 * cast -Wcast-function-type lets through.
 */
#define XDR_VOID	((xdrproc_t)(void (*)(void))xdr_void)

/* A CLIENT without rpcbind when the port is known, through it otherwise. */
static CLIENT *
make_client(const char *host, unsigned long prog, unsigned long vers,
    int udp, int port, char *why, size_t whylen)
{
	struct addrinfo hints, *ai = NULL;
	struct netbuf nb;
	CLIENT *cl = NULL;
	int fd = -1, rc;

	if (port <= 0)
		return rpcbfind_clnt_create(host, (rpcprog_t)prog,
		    (rpcvers_t)vers, udp ? "udp" : "tcp", why, whylen);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &ai)) != 0) {
		snprintf(why, whylen, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
		return NULL;
	}
	((struct sockaddr_in *)ai->ai_addr)->sin_port = htons((uint16_t)port);
	if ((fd = socket(AF_INET, hints.ai_socktype, 0)) < 0 ||
	    (!udp && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)) {
		snprintf(why, whylen, "cannot connect to %s:%d: %s", host,
		    port, strerror(errno));
		goto out;
	}
	nb.buf = ai->ai_addr;
	nb.len = nb.maxlen = ai->ai_addrlen;
	cl = udp ? clnt_dg_create(fd, &nb, (rpcprog_t)prog, (rpcvers_t)vers,
	    65536, 65536) : clnt_vc_create(fd, &nb, (rpcprog_t)prog,
	    (rpcvers_t)vers, 0, 0);
	if (cl == NULL) {
		snprintf(why, whylen, "%s", clnt_spcreateerror(host));
		goto out;
	}
	(void)clnt_control(cl, CLSET_FD_CLOSE, NULL);
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return cl;
}

int
main(int argc, char **argv)
{
	struct option opts[CLIOPTS_MAX];
	struct rpcauth_client_opts co;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct rpcauth_auth_info info;
	struct timeval tv = { 25, 0 };
	unsigned long prog, vers, v;
	enum clnt_stat stat;
	char why[512];
	const char *at;
	double t0, t1, t2;
	int c, udp = 0, port = 0, ret = 1;
	CLIENT *cl = NULL;
	AUTH *auth = NULL;

	rpcauth_client_opts_init(&co);
	cliopts_table(CLI_PING, opts);
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			udp = 1;
			break;
		case 'p':
			if (parse_u32(optarg, 65535, &v) != 0 || v == 0)
				usage("--port: not a port number");
			port = (int)v;
			break;
		case 'm':
			co.mech = optarg;
			break;
		case 'N':
			co.allow_ntlm = 1;
			break;
		case 's':
			if (cli_parse_service(optarg, &co.service) != 0)
				usage("--service: none, integrity or privacy");
			break;
		case 'f':
			if (parse_u32(optarg, 0x7fffffffUL, &v) != 0 || v == 0)
				usage("--flavor: not a flavor number");
			co.flavor = (uint32_t)v;
			break;
		case 't':
			if (parse_u32(optarg, 3600000, &v) != 0 || v == 0)
				usage("--timeout: milliseconds, 1 to 3600000");
			co.handshake_timeout_ms = (int)v;
			break;
		case 'h':
		case 'V':
			cli_help_version(c, PROG, USAGE);
			break;
		default:
			usage(NULL);
		}
	}
	if (argc - optind != 4)
		usage("expected HOST PROG VERS SERVICE@HOST");
	if (parse_u32(argv[optind + 1], 0xffffffffUL, &prog) != 0)
		usage("PROG: a program number, e.g. 0x20000C0F");
	if (parse_u32(argv[optind + 2], 0xffffffffUL, &vers) != 0)
		usage("VERS: a version number");
	at = strchr(argv[optind + 3], '@');
	if (at == NULL || at == argv[optind + 3] || at[1] == '\0') {
		/* The library's words (rpcauth_client_create(3)). */
		snprintf(why, sizeof(why), "service name \"%.200s\" is not of "
		    "the form service@host (for example "
		    "\"nfs@server.example.org\")", argv[optind + 3]);
		usage(why);
	}

	/* Messages and names may quote the server or the KDC: escaped. */
	if ((cl = make_client(argv[optind], prog, vers, udp, port, why,
	    sizeof(why))) == NULL) {
		say(stderr, PROG ": ", why, "\n");
		goto out;
	}
	t0 = now_s();
	if ((auth = rpcauth_client_create(cl, argv[optind + 3], &co, &err)) ==
	    NULL) {
		say_lib(stderr, PROG ": ", err.msg);
		goto out;
	}
	t1 = now_s();
	stat = clnt_call(cl, NULLPROC, XDR_VOID, NULL,
	    XDR_VOID, NULL, tv);
	t2 = now_s();
	if (stat != RPC_SUCCESS) {
		const char *a = rpcauth_auth_error(auth);

		fprintf(stderr, PROG ": NULL call: %s", clnt_sperrno(stat));
		say_lib(stderr, a != NULL ? ": " : "", a);
		goto out;
	}
	(void)rpcauth_auth_info(auth, &info);
	say(stdout, "server:     ", info.server_principal, " ");
	printf("(%s %s, program %#lx version %lu)\n", argv[optind],
	    udp ? "udp" : "tcp", prog, vers);
	say(stdout, "client:     ", info.client_principal, "\n");
	say(stdout, "mechanism:  ", info.mech, "");
	/* NTLM proves no server identity (docs/SECURITY.md section 4). */
	printf("%s\n", info.mutual ? " (mutual authentication)" : " (no mutual "
	    "authentication: the server proved only that it holds the "
	    "session key, by the MIC over the sequence window)");
	printf("service:    %s\n", cli_service_name(info.service));
	printf("flavor:     %u, window %u\n", info.flavor, info.window);
	if (info.expiry != 0)
		printf("lifetime:   %ld s left\n",
		    (long)(info.expiry - time(NULL)));
	else
		printf("lifetime:   no end\n");
	printf("handshake:  %.3f ms\n", (t1 - t0) * 1e3);
	printf("null rtt:   %.3f ms\n", (t2 - t1) * 1e3);
	ret = 0;
out:
	if (cl != NULL) {
		if (auth != NULL)
			auth_destroy(cl->cl_auth);
		clnt_destroy(cl);
	}
	rpcauth_err_clear(&err);
	return ret;
}
