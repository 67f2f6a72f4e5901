/* rpcauth/clnt_failover.c - a CLIENT that reconnects and fails over between replicas */
/*
 * rpcauth_clnt_create() hands out a CLIENT of its own whose ops wrap the
 * libtirpc CLIENT and rpcauth AUTH of the current connection.  libtirpc
 * never reopens a TCP connection, and a context lives in one server
 * process only, so when a call meets a transport failure this module
 * drops both, connects again (same address first: a restart; then the
 * others: a replica change), runs the handshake on the new connection
 * and sends the call again: at least once, as NFS over TCP
 * (man/rpcauth_clnt_create.3 states the semantics).
 *
 * Invariant: between calls, either inner and inner_auth are both set and
 * inner->cl_auth == inner_auth, or both are NULL (the next call
 * connects).  One mutex serializes calls, clnt_control and the AUTH
 * queries: libtirpc's CLIENT is one call at a time anyway, and the
 * connection may be replaced inside any call.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rpc/rpc.h>

#include "clnt_internal.h"
#include "failover.h"
#include "trace.h"

#define FO_DEFAULT_ATTEMPTS	16
/*
 * A call whose request went out on a connection that then failed may
 * have run: it is sent again once, never more, whatever the connection
 * attempts left (an on-path attacker who resets every connection after
 * the request must not make the server run it 17 times, nor pile up a
 * context per resend: docs/SECURITY.md section 16).
 */
#define FO_MAX_RESENDS		1
#define FO_DEFAULT_TIMEOUT_MS	60000
#define FO_BACKOFF_MIN_MS	50
#define FO_BACKOFF_MAX_MS	1000
#define FO_UDP_BUFSZ		65536	/* a 64 KiB datagram */
#define FO_WHY_LEN		256	/* one address's last failure */

struct failover {
	CLIENT		 cl;		/* first: what the application holds */
	AUTH		 proxy;		/* cl.cl_auth */
	pthread_mutex_t	 lock;
	char		**hosts;	/* "host[:port]", copied */
	char		(*why)[FO_WHY_LEN];	/* per host: last failure */
	size_t		 nhosts;
	size_t		 cur;		/* the host of the current connection */
	rpcprog_t	 prog;
	rpcvers_t	 vers;
	int		 udp;
	char		*service;
	struct rpcauth_client_opts opts;	/* strings point to copies: */
	char		*mech, *ccache, *client_keytab;
	CLIENT		*inner;
	AUTH		*inner_auth;
	struct timeval	 timeout, retry;	/* CLSET_*; tv_sec -1: unset */
	int		 auth_gone;	/* auth_destroy(cl_auth) was called */
	int		 conn_errno;	/* of the last connect that failed */
	struct rpc_err	 rpcerr;	/* of the last call */
	struct rpcauth_err lasterr;	/* ours, else the inner AUTH's */
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct failover *
fo_of_clnt(CLIENT *cl)
{
	return (struct failover *)cl->cl_private;
}

/* ---- one connection ------------------------------------------------ */

/*
 * "host", "host:port", "[v6]:port" or a bare IPv6 literal.  *port_out 0:
 * none given (rpcbind is asked).  Returns -1 on a malformed entry.
 */
static int
split_host(const char *entry, char *host, size_t hostlen, unsigned *port_out)
{
	const char *end, *colon = NULL;
	char *stop;
	size_t n;
	long p;

	*port_out = 0;
	if (entry[0] == '[') {
		if ((end = strchr(entry, ']')) == NULL)
			return -1;
		n = (size_t)(end - entry - 1);
		entry++;
		if (end[1] == ':')
			colon = end + 1;
		else if (end[1] != '\0')
			return -1;
	} else {
		colon = strchr(entry, ':');
		/* Two colons: an IPv6 literal without a port. */
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL;
		n = colon != NULL ? (size_t)(colon - entry) : strlen(entry);
	}
	if (n == 0 || n >= hostlen)
		return -1;
	memcpy(host, entry, n);
	host[n] = '\0';
	if (colon == NULL)
		return 0;
	errno = 0;
	p = strtol(colon + 1, &stop, 10);
	if (colon[1] == '\0' || *stop != '\0' || errno != 0 || p < 0 ||
	    p > 65535)
		return -1;
	*port_out = (unsigned)p;
	return 0;
}

/*
 * connect(2) within ms: a host that is down would otherwise hold the call
 * for the kernel's SYN retries (minutes).  UDP connects too, so that an
 * ICMP "port unreachable" fails the call instead of its whole timeout.
 */
static int
connect_within(int fd, const struct sockaddr *sa, socklen_t len, int ms)
{
	struct pollfd pfd;
	socklen_t sl = sizeof(int);
	int fl, e = 0, r;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	if (connect(fd, sa, len) == -1) {
		if (errno != EINPROGRESS)
			return -1;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		while ((r = poll(&pfd, 1, ms > 0 ? ms : 1)) == -1 &&
		    errno == EINTR)
			;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (r == -1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
		    &sl) == -1)
			return -1;
		if (e != 0) {
			errno = e;
			return -1;
		}
	}
	return fcntl(fd, F_SETFL, fl);
}

/* A libtirpc CLIENT (AUTH_NONE) on a socket connected to sa, or NULL with
 * why filled. */
static CLIENT *
inner_create(struct failover *fo, const struct sockaddr *sa, socklen_t len,
    int ms, char *why, size_t whylen)
{
	struct netbuf nb;
	CLIENT *c = NULL;
	int fd;

	fd = socket(sa->sa_family, (fo->udp ? SOCK_DGRAM : SOCK_STREAM) |
	    SOCK_CLOEXEC, 0);
	if (fd == -1 || connect_within(fd, sa, len, ms) == -1) {
		fo->conn_errno = errno;
		snprintf(why, whylen, "cannot connect: %s", strerror(errno));
		goto out;
	}
	nb.buf = (void *)sa;
	nb.len = nb.maxlen = len;
	if (fo->udp)
		c = clnt_dg_create(fd, &nb, fo->prog, fo->vers, FO_UDP_BUFSZ,
		    FO_UDP_BUFSZ);
	else
		c = clnt_vc_create(fd, &nb, fo->prog, fo->vers, 0, 0);
	if (c == NULL) {
		snprintf(why, whylen, "%s", clnt_spcreateerror("cannot make an RPC client"));
		goto out;
	}
	fd = -1;		/* clnt_destroy closes it */
	(void)clnt_control(c, CLSET_FD_CLOSE, NULL);
	if (fo->timeout.tv_sec >= 0)
		(void)clnt_control(c, CLSET_TIMEOUT, (char *)&fo->timeout);
	if (fo->udp && fo->retry.tv_sec >= 0)
		(void)clnt_control(c, CLSET_RETRY_TIMEOUT, (char *)&fo->retry);
out:
	if (fd != -1)
		close(fd);
	return c;
}

/*
 * The handshake on a new connection.  0: connected; 1: a transport-level
 * failure (why filled: try the next address); -1: the server answered
 * and refused, or the options are wrong (*err set, naming the address).
 * Only transport failures move on: a refusal (no ticket, wrong key,
 * clock skew, an unknown principal) is the same on every replica of one
 * service, and trying each would hide it and load the KDC N times.
 */
static int
try_address(struct failover *fo, const struct sockaddr *sa, socklen_t len,
    const char *label, long long deadline, char *why, size_t whylen,
    struct rpcauth_err *err)
{
	struct rpcauth_client_opts o = fo->opts;
	struct rpcauth_err e = RPCAUTH_ERR_INIT;
	struct rpc_err re;
	long long left = deadline - now_ms();
	CLIENT *c;
	AUTH *a;
	int ms = o.handshake_timeout_ms > 0 ? o.handshake_timeout_ms :
	    RPCAUTH_DEFAULT_HANDSHAKE_MS;

	if (left < ms)
		ms = left > 0 ? (int)left : 1;
	if ((c = inner_create(fo, sa, len, ms, why, whylen)) == NULL)
		return 1;
	o.handshake_timeout_ms = ms;
	if ((a = rpcauth_client_create(c, fo->service, &o, &e)) == NULL) {
		/* The first handshake ran over c: its transport errno. */
		clnt_geterr(c, &re);
		if (re.re_status == RPC_CANTSEND || re.re_status == RPC_CANTRECV)
			fo->conn_errno = re.re_errno;
		clnt_destroy(c);
		if (e.code == RPCAUTH_E_RPC || e.code == RPCAUTH_E_SYSTEM) {
			snprintf(why, whylen, "%s", e.msg);
			rpcauth_err_clear(&e);
			return 1;
		}
		rpcauth_err_set(err, e.code, "%s: %s", label, e.msg);
		rpcauth_err_clear(&e);
		return -1;
	}
	fo->inner = c;
	fo->inner_auth = a;
	TRACE("client: connected to %s (%s)", label, fo->udp ? "udp" : "tcp");
	return 0;
}

/* Ask rpcbind on host where the program is: sa_out, or 1 with why. */
static int
rpcbind_lookup(struct failover *fo, const char *host,
    struct sockaddr_storage *sa_out, socklen_t *len_out, char *why,
    size_t whylen)
{
	struct netconfig *nc;
	struct netbuf nb;
	int ret = 1;

	if ((nc = getnetconfigent(fo->udp ? "udp" : "tcp")) == NULL) {
		snprintf(why, whylen, "no netconfig entry for %s",
		    fo->udp ? "udp" : "tcp");
		return 1;
	}
	nb.buf = sa_out;
	nb.maxlen = sizeof(*sa_out);
	nb.len = 0;
	if (rpcb_getaddr(fo->prog, fo->vers, nc, &nb, host)) {
		*len_out = nb.len;
		ret = 0;
	} else if (rpc_createerr.cf_stat == RPC_PROGNOTREGISTERED)
		snprintf(why, whylen, "program %#lx version %lu is not "
		    "registered with rpcbind on %s (%s): start the server, or "
		    "give the port as %s:PORT", (unsigned long)fo->prog,
		    (unsigned long)fo->vers, host, fo->udp ? "udp" : "tcp",
		    host);
	else
		snprintf(why, whylen, "no port given and rpcbind on %s does "
		    "not answer (%s): give the port as %s:PORT or start "
		    "rpcbind there", host,
		    clnt_sperrno(rpc_createerr.cf_stat), host);
	freenetconfigent(nc);
	return ret;
}

/* One entry of the list: every address it names, in the resolver's
 * order.  Same results as try_address. */
static int
try_host(struct failover *fo, size_t i, long long deadline,
    struct rpcauth_err *err)
{
	struct addrinfo hints, *ai = NULL, *p;
	struct sockaddr_storage ss;
	socklen_t sl;
	char host[256], portstr[8], *why = fo->why[i];
	unsigned port;
	int r = 1, g;

	if (split_host(fo->hosts[i], host, sizeof(host), &port) != 0) {
		snprintf(why, FO_WHY_LEN, "not of the form host[:port]");
		return 1;
	}
	if (port == 0) {
		if (rpcbind_lookup(fo, host, &ss, &sl, why, FO_WHY_LEN) != 0)
			return 1;
		return try_address(fo, (struct sockaddr *)&ss, sl,
		    fo->hosts[i], deadline, why, FO_WHY_LEN, err);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = fo->udp ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%u", port);
	if ((g = getaddrinfo(host, portstr, &hints, &ai)) != 0) {
		snprintf(why, FO_WHY_LEN, "cannot resolve %s: %s", host,
		    gai_strerror(g));
		return 1;
	}
	for (p = ai; p != NULL && r == 1 && now_ms() < deadline;
	    p = p->ai_next)
		r = try_address(fo, p->ai_addr, p->ai_addrlen, fo->hosts[i],
		    deadline, why, FO_WHY_LEN, err);
	freeaddrinfo(ai);
	return r;
}

/*
 * Drop the connection after a transport failure.  No DESTROY: the peer
 * is gone or unreachable, and over UDP the DESTROY would wait for it.
 * The server forgets the context when it ends or is evicted.
 */
static void
fo_drop(struct failover *fo)
{
	struct clnt_state *st;

	if (fo->inner_auth != NULL) {
		st = fo->inner_auth->ah_private;
		st->clnt = NULL;	/* cl_destroy then sends nothing */
		auth_destroy(fo->inner_auth);
		fo->inner_auth = NULL;
	}
	if (fo->inner != NULL) {
		fo->inner->cl_auth = authnone_create();
		clnt_destroy(fo->inner);
		fo->inner = NULL;
	}
}

/* "h1: cause; h2: cause" for the one error of a failed connect. */
static void
fo_give_up(struct failover *fo, int attempts, long long spent,
    struct rpcauth_err *err)
{
	char list[FO_WHY_LEN * 8];
	size_t i, n = 0;

	list[0] = '\0';
	for (i = 0; i < fo->nhosts && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s: %s",
		    i > 0 ? "; " : "", fo->hosts[i],
		    fo->why[i][0] != '\0' ? fo->why[i] : "not tried");
	rpcauth_err_set(err, RPCAUTH_E_RPC, "no server of program %#lx "
	    "version %lu could be reached (%d connection attempts in %lld "
	    "ms, over %zu address%s): %s", (unsigned long)fo->prog,
	    (unsigned long)fo->vers, attempts, spent, fo->nhosts,
	    fo->nhosts == 1 ? "" : "es", list);
}

/*
 * Connect, starting at fo->cur and going round the list, until one
 * address works, one refuses us, or the bounds (*attempts, deadline) are
 * reached.  Between rounds a short back-off, doubled each round, lets a
 * restarting server come up.  0, or -1 with *err set.
 */
static int
fo_connect(struct failover *fo, long long start, long long deadline,
    int *attempts, int max_attempts, struct rpcauth_err *err)
{
	long long backoff = FO_BACKOFF_MIN_MS, left;
	size_t k, i;
	int r;

	for (;;) {
		for (k = 0; k < fo->nhosts; k++) {
			if (*attempts >= max_attempts || now_ms() >= deadline)
				goto give_up;
			i = (fo->cur + k) % fo->nhosts;
			(*attempts)++;
			r = try_host(fo, i, deadline, err);
			if (r == 0) {
				fo->cur = i;
				return 0;
			}
			if (r < 0)
				return -1;
			TRACE("client: %s: %s", fo->hosts[i], fo->why[i]);
		}
		left = deadline - now_ms();
		if (left <= 0 || *attempts >= max_attempts)
			goto give_up;
		poll(NULL, 0, (int)(backoff < left ? backoff : left));
		if ((backoff *= 2) > FO_BACKOFF_MAX_MS)
			backoff = FO_BACKOFF_MAX_MS;
	}
give_up:
	fo_give_up(fo, *attempts, now_ms() - start, err);
	return -1;
}

/* ---- the CLIENT's ops ------------------------------------------------ */

/* What a reconnection can cure: the connection broke, or the peer went
 * silent (a dead UDP server, a hung TCP one). */
static int
is_transport(enum clnt_stat s)
{
	return s == RPC_CANTSEND || s == RPC_CANTRECV || s == RPC_TIMEDOUT ||
	    s == RPC_CANTCONNECT || s == RPC_INPROGRESS;
}

/* How often libtirpc resent the call in progress after a rejection. */
static int
inner_resends(const struct failover *fo)
{
	const struct clnt_state *st;

	if (fo->inner_auth == NULL)
		return 0;
	st = fo->inner_auth->ah_private;
	return st->call_renewals;
}

static enum clnt_stat
fo_call(CLIENT *cl, rpcproc_t proc, xdrproc_t xargs, void *argsp,
    xdrproc_t xres, void *resp, struct timeval tout)
{
	struct failover *fo = fo_of_clnt(cl);
	long long start = now_ms(), deadline, left;
	struct timeval tv;
	enum clnt_stat s;
	int attempts = 0, resends = 0, max_att, budget;

	max_att = fo->opts.failover_attempts > 0 ?
	    fo->opts.failover_attempts : FO_DEFAULT_ATTEMPTS;
	budget = fo->opts.failover_timeout_ms > 0 ?
	    fo->opts.failover_timeout_ms : FO_DEFAULT_TIMEOUT_MS;
	deadline = start + budget;
	pthread_mutex_lock(&fo->lock);
	rpcauth_err_clear(&fo->lasterr);
	memset(&fo->rpcerr, 0, sizeof(fo->rpcerr));
	fo->conn_errno = 0;
	if (fo->auth_gone) {
		rpcauth_err_set(&fo->lasterr, RPCAUTH_E_CONFIG, "the security "
		    "context was destroyed (auth_destroy): make a new client "
		    "with rpcauth_clnt_create");
		fo->rpcerr.re_status = RPC_AUTHERROR;
		fo->rpcerr.re_why = AUTH_FAILED;
		goto out;
	}
	for (;;) {
		if (fo->inner == NULL && fo_connect(fo, start, deadline,
		    &attempts, max_att, &fo->lasterr) != 0) {
			/* The status says transport unless a server refused;
			 * re_errno and re_why share a union. */
			if (fo->lasterr.code == RPCAUTH_E_RPC) {
				fo->rpcerr.re_status = RPC_CANTSEND;
				fo->rpcerr.re_errno = fo->conn_errno != 0 ?
				    fo->conn_errno : ENOTCONN;
			} else {
				fo->rpcerr.re_status = RPC_AUTHERROR;
				fo->rpcerr.re_why = AUTH_FAILED;
			}
			break;
		}
		/* The caller's timeout (or CLSET_TIMEOUT's), within the
		 * budget: the bound is on the whole call. */
		tv = fo->timeout.tv_sec >= 0 ? fo->timeout : tout;
		left = deadline - now_ms();
		if ((long long)tv.tv_sec * 1000 + tv.tv_usec / 1000 > left) {
			tv.tv_sec = left > 0 ? left / 1000 : 0;
			tv.tv_usec = left > 0 ? (left % 1000) * 1000 : 1000;
		}
		(void)clnt_control(fo->inner, CLSET_TIMEOUT, (char *)&tv);
		s = clnt_call(fo->inner, proc, xargs, argsp, xres, resp, tv);
		clnt_geterr(fo->inner, &fo->rpcerr);
		if (s == RPC_SUCCESS || !is_transport(s))
			break;
		/* Each rejection the AUTH answered with a new context had
		 * libtirpc send the call again on this connection: those
		 * count too (a forged CREDPROBLEM has no verifier). */
		resends += inner_resends(fo);
		snprintf(fo->why[fo->cur], FO_WHY_LEN, "%s", clnt_sperrno(s));
		TRACE("client: %s: call failed (%s): reconnecting",
		    fo->hosts[fo->cur], clnt_sperrno(s));
		fo_drop(fo);
		fo->conn_errno = 0;
		/* A partial reply may have allocated; the resend decodes
		 * into the same results. */
		xdr_free(xres, resp);
		if (++resends > FO_MAX_RESENDS) {
			rpcauth_err_set(&fo->lasterr, RPCAUTH_E_RPC, "the call "
			    "was sent %d times and each time the connection "
			    "failed before the reply (%s): not sending it "
			    "again, since it may have run each time",
			    resends, clnt_sperrno(s));
			break;
		}
		if (attempts >= max_att || now_ms() >= deadline) {
			fo_give_up(fo, attempts, now_ms() - start,
			    &fo->lasterr);
			break;
		}
	}
out:
	s = fo->rpcerr.re_status;
	pthread_mutex_unlock(&fo->lock);
	return s;
}

static void
fo_abort(CLIENT *cl)
{
	(void)cl;
}

static void
fo_geterr(CLIENT *cl, struct rpc_err *e)
{
	struct failover *fo = fo_of_clnt(cl);

	pthread_mutex_lock(&fo->lock);
	*e = fo->rpcerr;
	pthread_mutex_unlock(&fo->lock);
}

static bool_t
fo_freeres(CLIENT *cl, xdrproc_t xres, void *resp)
{
	(void)cl;
	xdr_free(xres, resp);
	return TRUE;
}

static void
fo_free(struct failover *fo)
{
	size_t i;

	if (fo == NULL)
		return;
	for (i = 0; fo->hosts != NULL && i < fo->nhosts; i++)
		free(fo->hosts[i]);
	free(fo->hosts);
	free(fo->why);
	free(fo->service);
	free(fo->mech);
	free(fo->ccache);
	free(fo->client_keytab);
	free(fo->cl.cl_netid);
	rpcauth_err_clear(&fo->lasterr);
	pthread_mutex_destroy(&fo->lock);
	free(fo);
}

/* The AUTH first (it sends DESTROY on a live connection), then the rest. */
static void
fo_destroy(CLIENT *cl)
{
	struct failover *fo = fo_of_clnt(cl);

	if (fo->inner_auth != NULL)
		auth_destroy(fo->inner_auth);
	fo->inner_auth = NULL;
	if (fo->inner != NULL) {
		if (fo->inner->cl_auth == NULL)
			fo->inner->cl_auth = authnone_create();
		clnt_destroy(fo->inner);
	}
	fo_free(fo);
}

/*
 * What rpcgen programs use.  Timeouts are kept and given to every new
 * connection; address, fd, xid and the like are the current connection's
 * (FALSE while there is none); the CLIENT owns its sockets, so the fd
 * close settings are accepted and ignored.
 */
static bool_t
fo_control(CLIENT *cl, u_int req, void *info)
{
	struct failover *fo = fo_of_clnt(cl);
	bool_t ret = FALSE;

	pthread_mutex_lock(&fo->lock);
	switch (req) {
	case CLSET_TIMEOUT:
		fo->timeout = *(struct timeval *)info;
		ret = fo->inner == NULL || clnt_control(fo->inner, req, info);
		break;
	case CLSET_RETRY_TIMEOUT:
		fo->retry = *(struct timeval *)info;
		ret = fo->inner == NULL || !fo->udp ||
		    clnt_control(fo->inner, req, info);
		break;
	case CLGET_TIMEOUT:
		if ((ret = fo->timeout.tv_sec >= 0))
			*(struct timeval *)info = fo->timeout;
		break;
	case CLSET_FD_CLOSE:
	case CLSET_FD_NCLOSE:
		ret = TRUE;
		break;
	case CLSET_PROG:
	case CLSET_VERS:
		if (fo->inner != NULL &&
		    !clnt_control(fo->inner, req, info))
			break;
		if (req == CLSET_PROG)
			fo->prog = *(rpcprog_t *)info;
		else
			fo->vers = *(rpcvers_t *)info;
		ret = TRUE;
		break;
	case CLGET_PROG:
		*(rpcprog_t *)info = fo->prog;
		ret = TRUE;
		break;
	case CLGET_VERS:
		*(rpcvers_t *)info = fo->vers;
		ret = TRUE;
		break;
	default:
		ret = fo->inner != NULL && clnt_control(fo->inner, req, info);
		break;
	}
	pthread_mutex_unlock(&fo->lock);
	return ret;
}

static struct clnt_ops fo_clnt_ops = {
	fo_call, fo_abort, fo_geterr, fo_freeres, fo_destroy, fo_control
};

/* ---- the AUTH the application sees -------------------------------- */

/*
 * cl_auth is a stand-in that stays put while connections come and go:
 * auth_destroy(cl_auth) ends the current context (DESTROY), and
 * rpcauth_auth_error() and rpcauth_auth_info() see the current AUTH
 * through it.  libtirpc never marshals it: calls go through fo_call.
 */
static bool_t
proxy_never(AUTH *a, XDR *x)
{
	(void)a;
	(void)x;
	return FALSE;
}

static bool_t
proxy_novalidate(AUTH *a, struct opaque_auth *v)
{
	(void)a;
	(void)v;
	return FALSE;
}

static bool_t
proxy_nowrap(AUTH *a, XDR *x, xdrproc_t p, caddr_t w)
{
	(void)a;
	(void)x;
	(void)p;
	(void)w;
	return FALSE;
}

static void
proxy_destroy(AUTH *a)
{
	struct failover *fo = a->ah_private;

	pthread_mutex_lock(&fo->lock);
	if (fo->inner_auth != NULL)
		auth_destroy(fo->inner_auth);	/* leaves AUTH_NONE there */
	fo->inner_auth = NULL;
	fo->auth_gone = 1;
	pthread_mutex_unlock(&fo->lock);
}

static struct auth_ops proxy_ops = {
	clnt_op_nextverf, proxy_never, proxy_novalidate, clnt_op_norefresh,
	proxy_destroy, proxy_nowrap, proxy_nowrap
};

int
failover_owns(const AUTH *auth)
{
	return auth != NULL && auth->ah_ops == &proxy_ops;
}

const char *
failover_auth_error(AUTH *auth)
{
	struct failover *fo = auth->ah_private;
	const char *msg;

	pthread_mutex_lock(&fo->lock);
	msg = fo->lasterr.msg;
	if (msg == NULL && fo->inner_auth != NULL)
		msg = rpcauth_auth_error(fo->inner_auth);
	pthread_mutex_unlock(&fo->lock);
	return msg;
}

int
failover_auth_info(AUTH *auth, struct rpcauth_auth_info *out, size_t size)
{
	struct failover *fo = auth->ah_private;
	int ret;

	pthread_mutex_lock(&fo->lock);
	ret = rpcauth_auth_info_sized(fo->inner_auth, out, size);
	pthread_mutex_unlock(&fo->lock);
	return ret;
}

/* ---- creation ------------------------------------------------------ */

static int
fo_setup(struct failover *fo, const char *const *hosts, const char *netid,
    const char *service, const struct rpcauth_client_opts *opts,
    struct rpcauth_err *err)
{
	size_t i;

	if (abi_client_opts_import(opts, &fo->opts, err) != 0)
		return -1;
	for (fo->nhosts = 0; hosts[fo->nhosts] != NULL; fo->nhosts++)
		;
	if (fo->nhosts == 0)
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG, "no server "
		    "address: give at least one \"host[:port]\"");
	if ((fo->hosts = calloc(fo->nhosts, sizeof(*fo->hosts))) == NULL ||
	    (fo->why = calloc(fo->nhosts, sizeof(*fo->why))) == NULL ||
	    (fo->service = strdup(service)) == NULL ||
	    (fo->cl.cl_netid = strdup(netid)) == NULL)
		return rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
	for (i = 0; i < fo->nhosts; i++)
		if ((fo->hosts[i] = strdup(hosts[i])) == NULL)
			return rpcauth_err_set(err, RPCAUTH_E_NOMEM,
			    "out of memory");
#define FO_COPY(f)	do { if (fo->opts.f != NULL) { \
	if ((fo->f = strdup(fo->opts.f)) == NULL) \
		return rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory"); \
	fo->opts.f = fo->f; } } while (0)
	FO_COPY(mech);
	FO_COPY(ccache);
	FO_COPY(client_keytab);
#undef FO_COPY
	return 0;
}

static CLIENT *
clnt_create_failover(const char *const *hosts, rpcprog_t prog,
    rpcvers_t vers, const char *netid, const char *service,
    const struct rpcauth_client_opts *opts, struct rpcauth_err *err)
{
	struct failover *fo = NULL;
	long long start = now_ms();
	CLIENT *ret = NULL;
	int attempts = 0, budget, max_att;

	if (hosts == NULL || netid == NULL || service == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "rpcauth_clnt_create "
		    "needs server addresses, a netid and a service name");
		return NULL;
	}
	if (strcmp(netid, "tcp") != 0 && strcmp(netid, "udp") != 0) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "netid \"%s\" is not "
		    "\"tcp\" or \"udp\"", netid);
		return NULL;
	}
	if ((fo = calloc(1, sizeof(*fo))) == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&fo->lock, NULL);
	fo->prog = prog;
	fo->vers = vers;
	fo->udp = strcmp(netid, "udp") == 0;
	fo->timeout.tv_sec = fo->retry.tv_sec = -1;
	fo->cl.cl_ops = &fo_clnt_ops;
	fo->cl.cl_private = fo;
	fo->cl.cl_auth = &fo->proxy;
	fo->proxy.ah_ops = &proxy_ops;
	fo->proxy.ah_private = fo;
	fo->proxy.ah_cred = _null_auth;
	fo->proxy.ah_verf = _null_auth;
	if (fo_setup(fo, hosts, netid, service, opts, err) != 0)
		goto out;
	max_att = fo->opts.failover_attempts > 0 ?
	    fo->opts.failover_attempts : FO_DEFAULT_ATTEMPTS;
	budget = fo->opts.failover_timeout_ms > 0 ?
	    fo->opts.failover_timeout_ms : FO_DEFAULT_TIMEOUT_MS;
	if (fo_connect(fo, start, start + budget, &attempts, max_att,
	    err) != 0)
		goto out;
	ret = &fo->cl;
	fo = NULL;
out:
	fo_free(fo);
	return ret;
}

CLIENT *
rpcauth_clnt_create(const char *const *hosts, rpcprog_t prog, rpcvers_t vers,
    const char *netid, const char *service,
    const struct rpcauth_client_opts *opts, struct rpcauth_err *err)
{
	struct rpcauth_err local = RPCAUTH_ERR_INIT;
	CLIENT *ret;

	ret = clnt_create_failover(hosts, prog, vers, netid, service, opts,
	    err != NULL ? err : &local);
	rpcauth_err_clear(&local);
	return ret;
}
