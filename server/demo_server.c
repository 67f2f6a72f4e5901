/* server/demo_server.c - rpcauth-demo-server: DEMOFS over TCP and UDP */
/*
 * rpcauth-demo-server --listen ADDR --port P --principal SERVICE@HOST
 *     --keytab FILE [--flavor N] [--min-service none|integrity|privacy]
 *     [--window N] [--root DIR] [--mechs LIST] [--log-events] [--workers N]
 * rpcauth-demo-server --help | --version
 *
 * Serves DEMOFS on IPv4 ADDR:P over TCP and UDP, without rpcbind.  Prints
 * one line containing "ready" on stdout once both sockets listen, then runs
 * until SIGTERM or SIGINT and exits 0.  Usage errors: one line on stderr,
 * exit 2; failures to start (bind, --root): one line on stderr, exit 1.
 * Without --root the file procedures answer DEMO_EACCES.  --mechs takes a
 * comma-separated list of krb5, spnego, ntlm (default krb5,spnego); NTLM
 * reads its users from the file NTLM_USER_FILE names (gss-ntlmssp).
 * --log-events prints one line on stderr for each handshake the security
 * layer refuses and each call it rejects or drops
 * (rpcauth_svc_set_log), as a daemon would send them to syslog.
 * --workers N (default 1) serves with N processes on the same port
 * (SO_REUSEPORT, server/workers.c): "ready" once all N listen, a worker
 * that dies is started again, SIGTERM stops them all and exits 0.
 * The library's messages are printed with the options that set what they
 * name (client/hints.h).  man/rpcauth-demo-server.1 is the contract.
 *
 * The loop is our own rather than svc_run() so that a signal can end it:
 * the handler writes to a self-pipe that is polled with libtirpc's fds.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rpcauth/rpcauth.h"
#include "demofs.h"
#include "fsops.h"
#include "cli.h"
#include "cliopts.h"
#include "hints.h"
#include "workers.h"

#define PROG		"rpcauth-demo-server"
#define USAGE		"usage: " PROG " --listen ADDR --port P " \
	"--principal SERVICE@HOST --keytab FILE [--flavor N] " \
	"[--min-service none|integrity|privacy] [--window N] [--root DIR] " \
	"[--mechs krb5,spnego,ntlm] [--log-events] [--workers N]"
/* UDP buffers: room for the largest datagram IPv4 can carry. */
#define usage_error(...)	cli_usage_error(PROG, USAGE, __VA_ARGS__)
#define UDP_BUFSZ	65536
/* Largest --window accepted; the replay window is a bitmap per context. */
#define WINDOW_MAX	65536
/* --mechs names at most these; each may appear once. */
#define MECHS_MAX	3
/* Most --workers: far more than the cores of any machine it runs on. */
#define WORKERS_MAX	256

/* The dispatch function rpcgen -m writes; demofs.h does not declare it. */
void	demofs_prog_1(struct svc_req *, SVCXPRT *);

/* Parsed command line.  Strings point into argv. */
struct server_cfg {
	struct in_addr		 addr;
	uint16_t		 port;
	const char		*principal;	/* SERVICE@HOST */
	const char		*keytab;
	uint32_t		 flavor;	/* RPCAUTH_FLAVOR by default */
	enum rpcauth_service	 min_service;	/* RPCAUTH_SVC_NONE by default */
	uint32_t		 window;	/* 0: the library's default */
	const char		*root;		/* NULL: no file service */
	/* NULL-terminated, for rpcauth_svc_opts.mechs; [0] NULL: default */
	const char		*mechs[MECHS_MAX + 1];
	char			 mechbuf[64];	/* the names point in here */
	int			 log_events;
	unsigned int		 workers;	/* 1: no supervisor */
};

static const char *
event_kind(enum rpcauth_svc_event_kind k)
{
	switch (k) {
	case RPCAUTH_SVC_EV_HANDSHAKE_REFUSED:	return "handshake refused";
	case RPCAUTH_SVC_EV_CALL_REJECTED:	return "call rejected";
	case RPCAUTH_SVC_EV_CALL_DROPPED:	return "call dropped";
	}
	return "event";
}

/* One line per event, as a daemon would hand it to syslog(3). */
static void
log_event(const struct rpcauth_svc_event *ev, void *arg)
{
	(void)arg;
	fprintf(stderr, PROG ": %s: peer %s, program %u version %u, "
	    "flavor %u, principal \"%s\", auth_stat %d, gss_major 0x%x: "
	    "%s\n",
	    event_kind(ev->kind), ev->peer[0] != '\0' ? ev->peer : "?",
	    ev->prog, ev->vers, ev->flavor,
	    ev->principal != NULL ? ev->principal : "(unknown)",
	    ev->auth_stat, ev->gss_major, ev->cause);
}

static int sigpipe_fd[2] = { -1, -1 };

static void
on_signal(int sig)
{
	int saved = errno;
	ssize_t n;

	(void)sig;
	n = write(sigpipe_fd[1], "x", 1);	/* full pipe: already told */
	(void)n;
	errno = saved;
}

/* "krb5,spnego,ntlm": each known name once, nothing else. */
static int
parse_mechs(const char *s, struct server_cfg *cfg)
{
	static const char *const known[] = { "krb5", "spnego", "ntlm" };
	char *p, *tok, *save = NULL;
	size_t n = 0, i, j;

	if (strlen(s) >= sizeof(cfg->mechbuf))
		return -1;
	memcpy(cfg->mechbuf, s, strlen(s) + 1);
	p = cfg->mechbuf;
	while ((tok = strtok_r(p, ",", &save)) != NULL) {
		p = NULL;
		for (i = 0; i < MECHS_MAX && strcmp(tok, known[i]) != 0; i++)
			;
		if (i == MECHS_MAX || n == MECHS_MAX)
			return -1;
		for (j = 0; j < n; j++)
			if (strcmp(cfg->mechs[j], tok) == 0)
				return -1;
		cfg->mechs[n++] = tok;
	}
	cfg->mechs[n] = NULL;
	return n > 0 ? 0 : -1;
}

static void
parse_args(int argc, char *argv[], struct server_cfg *cfg)
{
	struct option opts[CLIOPTS_MAX];
	uint64_t v;
	int c, have_addr = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->flavor = RPCAUTH_FLAVOR;
	cfg->min_service = RPCAUTH_SVC_NONE;
	cfg->workers = 1;
	cliopts_table(CLI_DEMO_SERVER, opts);
	opterr = 0;			/* one line of our own instead */
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (inet_pton(AF_INET, optarg, &cfg->addr) != 1)
				usage_error("--listen: '%s' is not an IPv4 "
				    "address", optarg);
			have_addr = 1;
			break;
		case 'p':
			cfg->port = cli_opt_port(PROG, USAGE, optarg);
			break;
		case 'P':
			if (!cli_service_at_host(optarg))
				usage_error("--principal: principal \"%s\" "
				    "is not of the form service@host", optarg);
			cfg->principal = optarg;
			break;
		case 'k':
			if (*optarg == '\0')
				usage_error("--keytab: empty file name");
			cfg->keytab = optarg;
			break;
		case 'f':
			/* libtirpc keeps 0-3 and 6 for itself (svc_auth_reg). */
			if (cli_parse_num(optarg, 1, INT32_MAX, &v) != 0 ||
			    v <= 3 || v == 6)
				usage_error("--flavor: '%s' is not a flavor "
				    "number free for rpcauth (not 0-3 or 6)",
				    optarg);
			cfg->flavor = (uint32_t)v;
			break;
		case 'S':
			cfg->min_service = cli_opt_service(PROG, USAGE,
			    "--min-service", optarg);
			break;
		case 'w':
			if (cli_parse_num(optarg, 1, WINDOW_MAX, &v) != 0)
				usage_error("--window: '%s' is not a window "
				    "size (1-65536)", optarg);
			cfg->window = (uint32_t)v;
			break;
		case 'R':
			cfg->root = optarg;
			break;
		case 'M':
			if (parse_mechs(optarg, cfg) != 0)
				usage_error("--mechs: '%s' is not a comma-"
				    "separated list of krb5, spnego, ntlm",
				    optarg);
			break;
		case 'L':
			cfg->log_events = 1;
			break;
		case 'W':
			if (cli_parse_num(optarg, 1, WORKERS_MAX, &v) != 0)
				usage_error("--workers: '%s' is not a number "
				    "of processes (1-256)", optarg);
			cfg->workers = (unsigned int)v;
			break;
		default:
			cli_opt_other(c, PROG, USAGE, argv);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!have_addr)
		usage_error("--listen is required");
	if (cfg->port == 0)
		usage_error("--port is required");
	if (cfg->principal == NULL)
		usage_error("--principal is required");
	if (cfg->keytab == NULL)
		usage_error("--keytab is required");
}

/*
 * A bound socket of `type` on cfg's address, or -1 with one line on stderr.
 * `reuseport`: join the port's SO_REUSEPORT group, one socket per worker:
 * the kernel hashes each TCP connection and each UDP 4-tuple to one of
 * them, and the client library makes new contexts over the same
 * connection or 4-tuple (docs/DEPLOYMENT.md, "Several cores").
 */
static int
bound_socket(const struct server_cfg *cfg, int type, const char *what,
    int reuseport)
{
	struct sockaddr_in sin;
	char abuf[INET_ADDRSTRLEN];
	int fd, on = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = cfg->addr;
	sin.sin_port = htons(cfg->port);
	inet_ntop(AF_INET, &cfg->addr, abuf, sizeof(abuf));
	if ((fd = socket(AF_INET, type | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	/* A restarted server must not wait for old connections' TIME_WAIT. */
	if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &on, sizeof(on)) == -1)
		goto fail;
	if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on,
	    sizeof(on)) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, SOMAXCONN) == -1)
		goto fail;
	return fd;
fail:
	fprintf(stderr, PROG ": cannot listen on %s %s:%u: %s\n", what, abuf,
	    (unsigned)cfg->port, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

static int
set_signals(void)
{
	struct sigaction sa;

	if (pipe2(sigpipe_fd, O_NONBLOCK | O_CLOEXEC) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		return -1;
	/* A client that hangs up mid-reply must not kill the server. */
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

/*
 * Poll libtirpc's descriptors plus the signal pipe until a signal arrives.
 * The pipe goes last: svc_getreq_poll() walks the first svc_max_pollfd
 * entries and stops once it has seen as many ready ones as it was told,
 * so it never reaches past the entries copied here even when a new
 * connection grows svc_pollfd meanwhile.
 */
static int
serve(void)
{
	struct pollfd *pfd = NULL, *grown;
	size_t cap = 0;
	int i, n, r, ret = -1;

	for (;;) {
		n = svc_max_pollfd;
		if ((size_t)n + 1 > cap) {
			if ((grown = reallocarray(pfd, (size_t)n + 1,
			    sizeof(*pfd))) == NULL) {
				fprintf(stderr, PROG ": out of memory\n");
				goto out;
			}
			pfd = grown;
			cap = (size_t)n + 1;
		}
		for (i = 0; i < n; i++) {
			pfd[i].fd = svc_pollfd[i].fd;
			pfd[i].events = svc_pollfd[i].events;
			pfd[i].revents = 0;
		}
		pfd[n].fd = sigpipe_fd[0];
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		if ((r = poll(pfd, (nfds_t)n + 1, -1)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			goto out;
		}
		if (pfd[n].revents != 0)
			break;
		if (r > 0)
			svc_getreq_poll(pfd, r);
	}
	ret = 0;
out:
	free(pfd);
	return ret;
}

/* The contract's "ready" line: 0, or -1 with one line on stderr. */
static int
announce_ready(const struct server_cfg *cfg)
{
	char abuf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &cfg->addr, abuf, sizeof(abuf));
	if (cfg->workers > 1)
		printf(PROG " ready on %s:%u (tcp, udp; %u workers)\n", abuf,
		    (unsigned)cfg->port, cfg->workers);
	else
		printf(PROG " ready on %s:%u (tcp, udp)\n", abuf,
		    (unsigned)cfg->port);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, PROG ": stdout: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* workers_run's on_ready: the workers serve whether stdout works or not. */
static void
workers_ready(void *arg)
{
	(void)announce_ready(arg);
}

/*
 * The whole server in this process: register, listen, tell that it is
 * ready, serve until SIGTERM.  ready_fd -1: print the "ready" line; else
 * (a worker) write one byte there for the supervisor, which prints it
 * once all workers have.  Returns the exit status.
 */
static int
run_server(const struct server_cfg *cfgp, int ready_fd)
{
	const struct server_cfg cfg = *cfgp;
	SVCXPRT *tcp = NULL, *udp = NULL;
	int tfd = -1, ufd = -1, err, ret = 1, reuseport = cfg.workers > 1;

	if (set_signals() == -1) {
		fprintf(stderr, PROG ": signal setup: %s\n", strerror(errno));
		goto out;
	}
	if (cfg.root != NULL && (err = fsops_root_set(cfg.root)) != 0) {
		fprintf(stderr, PROG ": cannot serve --root %s: %s\n",
		    cfg.root, strerror(err));
		goto out;
	}

	/*
	 * The security flavor goes in before any transport exists, so no
	 * request is ever served without it.
	 */
	{
		struct rpcauth_svc_opts so;
		struct rpcauth_err rerr = RPCAUTH_ERR_INIT;

		rpcauth_svc_opts_init(&so);
		so.flavor = cfg.flavor;
		so.principal = cfg.principal;
		so.keytab = cfg.keytab;
		so.min_service = cfg.min_service;
		so.window = cfg.window;
		if (cfg.mechs[0] != NULL)
			so.mechs = cfg.mechs;
		if (cfg.log_events)
			rpcauth_svc_set_log(log_event, NULL);
		if (rpcauth_svc_register(&so, &rerr) != 0) {
			char *m = hints_apply(hints_server, rerr.msg);

			fprintf(stderr, PROG ": %s\n", m != NULL ? m : rerr.msg);
			free(m);
			rpcauth_err_clear(&rerr);
			goto out;
		}
	}

	if ((tfd = bound_socket(&cfg, SOCK_STREAM, "tcp", reuseport)) == -1 ||
	    (ufd = bound_socket(&cfg, SOCK_DGRAM, "udp", reuseport)) == -1)
		goto out;
	/* The transports own the descriptors from here on. */
	if ((tcp = svc_vc_create(tfd, 0, 0)) == NULL) {
		fprintf(stderr, PROG ": cannot make the TCP transport "
		    "(svc_vc_create)\n");
		goto out;
	}
	tfd = -1;
	if ((udp = svc_dg_create(ufd, UDP_BUFSZ, UDP_BUFSZ)) == NULL) {
		fprintf(stderr, PROG ": cannot make the UDP transport "
		    "(svc_dg_create)\n");
		goto out;
	}
	ufd = -1;
	/*
	 * NULL netconfig: no rpcbind; dispatch ignores the netid anyway.
	 * Registered through rpcauth, DEMOFS runs for rpcauth callers only:
	 * AUTH_NONE and AUTH_SYS, which libtirpc accepts on its own, get
	 * AUTH_TOOWEAK from the library before any procedure.
	 */
	if (!rpcauth_svc_reg(tcp, DEMOFS_PROG, DEMOFS_V1, demofs_prog_1,
	    NULL) ||
	    !rpcauth_svc_reg(udp, DEMOFS_PROG, DEMOFS_V1, demofs_prog_1,
	    NULL)) {
		fprintf(stderr, PROG ": cannot register DEMOFS with the "
		    "transports (rpcauth_svc_reg)\n");
		goto out;
	}

	if (ready_fd == -1) {
		if (announce_ready(&cfg) == -1)
			goto out;
	} else {
		if (write(ready_fd, "r", 1) != 1) {
			fprintf(stderr, PROG ": cannot tell the supervisor: "
			    "%s\n", strerror(errno));
			goto out;
		}
		close(ready_fd);
		ready_fd = -1;
	}
	if (serve() == 0)
		ret = 0;
out:
	svc_unreg(DEMOFS_PROG, DEMOFS_V1);
	if (tcp != NULL)
		svc_destroy(tcp);
	if (udp != NULL)
		svc_destroy(udp);
	if (tfd != -1)
		close(tfd);
	if (ufd != -1)
		close(ufd);
	if (ready_fd != -1)
		close(ready_fd);
	fsops_root_close();
	return ret;
}

/* workers_run's worker: the same server, in a process of its own. */
static int
worker(void *arg, int ready_fd)
{
	return run_server(arg, ready_fd);
}

/*
 * With --workers, the port is tried without SO_REUSEPORT first: a port in
 * use by anyone (even a SO_REUSEPORT group of this user, which the workers
 * would otherwise join) fails here with the single-process message.  The
 * probe sockets are closed before any worker starts.
 */
static int
port_free(const struct server_cfg *cfg)
{
	int tfd, ufd;

	if ((tfd = bound_socket(cfg, SOCK_STREAM, "tcp", 0)) == -1)
		return -1;
	ufd = bound_socket(cfg, SOCK_DGRAM, "udp", 0);
	close(tfd);
	if (ufd == -1)
		return -1;
	close(ufd);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct server_cfg cfg;

	parse_args(argc, argv, &cfg);
	if (cfg.workers == 1)
		return run_server(&cfg, -1);
	if (port_free(&cfg) == -1)
		return 1;
	return workers_run(cfg.workers, worker, workers_ready, &cfg, PROG);
}
