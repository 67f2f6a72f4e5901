/* examples/kv_server.c - the KV server: rpcauth in rpcgen's main, a daemon */
/*
 * kv-server [-p PORT] [-a ADDR] [-s] SERVICE@HOST
 *
 * Where the sockets come from, first match:
 *   - systemd passed them (LISTEN_PID is ours; LISTEN_FDS sockets from fd 3,
 *     examples/systemd/kv.socket): served as they are;
 *   - -p PORT: TCP and UDP on ADDR (default 0.0.0.0) port PORT;
 *   - neither: ports the system picks, registered with rpcbind, as the
 *     main that `rpcgen -a` writes does.
 * Only the last registers with rpcbind; clients of the others are told the
 * port.  The key for SERVICE@HOST comes from KRB5_KTNAME or the default
 * keytab.  Refused handshakes and rejected calls are logged on stderr (the
 * journal, under systemd), or with -s to syslog.  SIGTERM or SIGINT: the
 * server leaves rpcbind and exits 0.  examples/README.md explains each part.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpc/pmap_clnt.h>
#include <rpcauth/rpcauth.h>

#include "kv.h"

void	kv_prog_1(struct svc_req *, SVCXPRT *);	/* kv_svc.c, generated */

static int use_syslog;
static int sig_pipe[2] = { -1, -1 };

static void	say(int, const char *, ...) __attribute__((format(printf, 2, 3)));

static void
say(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (use_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		fprintf(stderr, "kv-server: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

/* rpcauth_svc_set_log(3): a line per refused handshake, rejected call, drop. */
static void
log_event(const struct rpcauth_svc_event *ev, void *arg)
{
	(void)arg;
	say(LOG_NOTICE, "%s from %s (flavor %u, program %#x version %u, "
	    "principal %s): %s",
	    ev->kind == RPCAUTH_SVC_EV_HANDSHAKE_REFUSED ? "handshake refused" :
	    ev->kind == RPCAUTH_SVC_EV_CALL_DROPPED ? "call dropped" :
	    "call rejected", ev->peer[0] != '\0' ? ev->peer : "?", ev->flavor,
	    ev->prog, ev->vers, ev->principal != NULL ? ev->principal : "unknown",
	    ev->cause);
}

/* All a handler may safely do here: write(2) one byte for the loop to see. */
static void
on_signal(int sig)
{
	int saved = errno;
	ssize_t n;

	(void)sig;
	n = write(sig_pipe[1], "x", 1);	/* a full pipe has the news already */
	(void)n;
	errno = saved;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	if (pipe(sig_pipe) != 0 ||
	    fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK) != 0)
		err(1, "pipe");
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0)
		err(1, "sigaction");
	sa.sa_handler = SIG_IGN;	/* a client that hangs up mid-reply */
	if (sigaction(SIGPIPE, &sa, NULL) != 0)
		err(1, "sigaction");
}

/*
 * svc_run() with a way out.  svc_run() polls again after a signal, and
 * svc_exit() frees memory, so a signal handler cannot stop it safely.  This
 * loop polls libtirpc's descriptors plus the signal pipe (last, so that
 * svc_getreq_poll() walks libtirpc's entries only) and, once a signal has
 * come, calls svc_exit() and returns.
 */
static void
run_until_signal(void)
{
	struct pollfd *pfd = NULL, *more;
	int i, n, r;

	for (;;) {
		n = svc_max_pollfd;
		if ((more = realloc(pfd, ((size_t)n + 1) * sizeof(*pfd))) == NULL)
			err(1, "realloc");
		pfd = more;
		for (i = 0; i < n; i++) {
			pfd[i] = svc_pollfd[i];
			pfd[i].revents = 0;
		}
		pfd[n].fd = sig_pipe[0];
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		if ((r = poll(pfd, (nfds_t)n + 1, -1)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (pfd[n].revents != 0)
			break;
		svc_getreq_poll(pfd, r);
	}
	free(pfd);
	svc_exit();
}

/* sd_listen_fds(3) without libsystemd: sockets systemd passed, from fd 3. */
static int
listen_fds(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int i, n;

	if (pid == NULL || fds == NULL || atol(pid) != (long)getpid())
		return 0;
	n = atoi(fds);
	/* They are ours, not our children's. */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	for (i = 0; i < n; i++)
		(void)fcntl(3 + i, F_SETFD, FD_CLOEXEC);
	return n > 0 ? n : 0;
}

/* A socket bound to ADDR:PORT (TCP: listening), as systemd would pass it. */
static int
bound_socket(const char *addr, const char *port, int type)
{
	struct addrinfo hints, *ai;
	int e, fd, on = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = type;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if ((e = getaddrinfo(addr, port, &hints, &ai)) != 0)
		errx(1, "%s port %s: %s", addr, port, gai_strerror(e));
	if ((fd = socket(ai->ai_family, type, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    (type == SOCK_STREAM && listen(fd, SOMAXCONN) != 0))
		err(1, "%s %s port %s", type == SOCK_STREAM ? "tcp" : "udp",
		    addr, port);
	freeaddrinfo(ai);
	return fd;
}

/* The port a transport listens on, for the log. */
static unsigned
port_of(const SVCXPRT *transp)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(transp->xp_fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* A transport on a bound socket (systemd's, or -p's), not put in rpcbind. */
static void
serve_fd(int fd)
{
	SVCXPRT *transp;
	int type;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
	    (type != SOCK_STREAM && type != SOCK_DGRAM))
		errx(1, "descriptor %d is not a TCP or UDP socket", fd);
	/* NULL netconfig: libtirpc reads the transport from the socket. */
	if ((transp = svc_tli_create(fd, NULL, NULL, 0, 0)) == NULL)
		errx(1, "cannot create a transport on descriptor %d", fd);
	/* Protocol 0: not registered with rpcbind. */
	if (!rpcauth_svc_register_prog(transp, KV_PROG, KV_V1, kv_prog_1, 0))
		errx(1, "unable to register (KV_PROG, KV_V1).");
	say(LOG_INFO, "%s port %u", type == SOCK_STREAM ? "tcp" : "udp",
	    port_of(transp));
}

int
main(int argc, char *argv[])
{
	struct rpcauth_svc_opts so;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	const char *addr = "0.0.0.0", *port = NULL;
	SVCXPRT *transp;
	int c, i, n, rpcbind = 0;

	while ((c = getopt(argc, argv, "a:p:s")) != -1) {
		switch (c) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = optarg;
			break;
		case 's':
			use_syslog = 1;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	if (use_syslog)
		openlog("kv-server", LOG_PID, LOG_DAEMON);
	catch_signals();

	if ((n = listen_fds()) > 0) {
		for (i = 0; i < n; i++)
			serve_fd(3 + i);
	} else if (port != NULL) {
		serve_fd(bound_socket(addr, port, SOCK_STREAM));
		serve_fd(bound_socket(addr, port, SOCK_DGRAM));
	} else {
		/* rpcgen's main, with svc_register -> rpcauth_svc_register_prog. */
		rpcbind = 1;
		(void)pmap_unset(KV_PROG, KV_V1);
		transp = svcudp_create(RPC_ANYSOCK);
		if (transp == NULL)
			errx(1, "cannot create udp service.");
		if (!rpcauth_svc_register_prog(transp, KV_PROG, KV_V1,
		    kv_prog_1, IPPROTO_UDP))
			errx(1, "unable to register (KV_PROG, KV_V1, udp).");
		say(LOG_INFO, "udp port %u, registered with rpcbind",
		    port_of(transp));
		transp = svctcp_create(RPC_ANYSOCK, 0, 0);
		if (transp == NULL)
			errx(1, "cannot create tcp service.");
		if (!rpcauth_svc_register_prog(transp, KV_PROG, KV_V1,
		    kv_prog_1, IPPROTO_TCP))
			errx(1, "unable to register (KV_PROG, KV_V1, tcp).");
		say(LOG_INFO, "tcp port %u, registered with rpcbind",
		    port_of(transp));
	}

	/* Before svc_run: rpcauth's flavor, the key, and what it logs. */
	rpcauth_svc_set_log(log_event, NULL);
	rpcauth_svc_opts_init(&so);
	so.principal = argv[optind];
	so.keytab = NULL;			/* KRB5_KTNAME or the default */
	so.min_service = RPCAUTH_SVC_INTEGRITY;
	if (rpcauth_svc_register(&so, &err) != 0)
		errx(1, "%s", err.msg);		/* e.g. "no key for ... in keytab ..." */

	say(LOG_INFO, "ready: %s", argv[optind]);
	run_until_signal();
	if (rpcbind)	/* rpcbind must not send clients to a closed port */
		(void)pmap_unset(KV_PROG, KV_V1);
	say(LOG_INFO, "stopped by a signal");
	return 0;
usage:
	fprintf(stderr, "usage: kv-server [-p PORT] [-a ADDR] [-s] SERVICE@HOST\n");
	return 2;
}
