/* rpcauth/svc_log.c - server events for the application's log */
/*
 * Also the peer of a request, as text for events and as the source key
 * the context table shares half-open slots by.
 *
 * The server's refusals, rejections and drops, handed to the callback of
 * rpcauth_svc_set_log() as a struct: the library never prints, a daemon
 * decides where they go.  Like trace.c: one lock guards the callback, and
 * the callback runs outside it.  Callers pass causes, numbers and names,
 * never token, checksum, handle or key bytes.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "svc_internal.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*log_cb)(const struct rpcauth_svc_event *, void *);
static void *log_arg;

void
rpcauth_svc_set_log(void (*cb)(const struct rpcauth_svc_event *ev, void *arg),
    void *arg)
{
	pthread_mutex_lock(&log_lock);
	log_cb = cb;
	log_arg = arg;
	pthread_mutex_unlock(&log_lock);
}

int
svc_log_enabled(void)
{
	int on;

	pthread_mutex_lock(&log_lock);
	on = log_cb != NULL;
	pthread_mutex_unlock(&log_lock);
	return on;
}

int
svc_peer_key(SVCXPRT *xprt, uint8_t key[CTXCACHE_SRC_LEN])
{
	const struct netbuf *nb = xprt != NULL ? svc_getrpccaller(xprt) : NULL;
	const struct sockaddr *sa;

	memset(key, 0, CTXCACHE_SRC_LEN);
	if (nb == NULL || nb->buf == NULL || nb->len < sizeof(sa_family_t))
		return -1;
	sa = nb->buf;
	if (sa->sa_family == AF_INET &&
	    nb->len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = nb->buf;

		/* ::ffff:a.b.c.d, the whole address. */
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &in->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6 &&
	    nb->len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = nb->buf;

		/* A mapped IPv4 address counts whole, as above; a real IPv6
		 * one by its /64, which one host may hold entirely. */
		memcpy(key, &in6->sin6_addr, IN6_IS_ADDR_V4MAPPED(
		    &in6->sin6_addr) ? 16 : 8);
		return 0;
	}
	return -1;
}

/* The peer of the request being served, "addr:port" ("" if unknown). */
static void
svc_peer_text(SVCXPRT *xprt, char *buf, size_t len)
{
	const struct netbuf *nb = xprt != NULL ? svc_getrpccaller(xprt) : NULL;
	const struct sockaddr *sa;
	char a[INET6_ADDRSTRLEN];

	buf[0] = '\0';
	if (nb == NULL || nb->buf == NULL || nb->len < sizeof(sa_family_t))
		return;
	sa = nb->buf;
	if (sa->sa_family == AF_INET &&
	    nb->len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = nb->buf;

		if (inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a)) != NULL)
			snprintf(buf, len, "%s:%u", a,
			    (unsigned)ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6 &&
	    nb->len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = nb->buf;

		if (inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a)) != NULL)
			snprintf(buf, len, "[%s]:%u", a,
			    (unsigned)ntohs(in6->sin6_port));
	}
}

/*
 * Copy src to dst (cap bytes) with every byte outside printable ASCII,
 * and the double quote, as \xHH and the backslash doubled (a log line
 * may quote a field, and a quote inside it must not end it): names come from the peer's realm
 * (or an NTLM client), and a daemon writes events to logs and terminals
 * where CR or ESC would forge or hide lines.  Always NUL-terminated.
 */
static void
printable(char *dst, size_t cap, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	unsigned char c;

	for (; *src != '\0' && o + 5 <= cap; src++) {
		c = (unsigned char)*src;
		if (c == '\\') {
			dst[o++] = '\\';
			dst[o++] = '\\';
		} else if (c >= 0x20 && c < 0x7f && c != '"')
			dst[o++] = (char)c;
		else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
}

static void
vlog(SVCXPRT *xprt, uint32_t flavor, uint32_t prog, uint32_t vers,
    enum rpcauth_svc_event_kind kind, int auth_stat, int garbage,
    uint32_t major, const char *principal, const char *fmt, va_list ap)
{
	void (*cb)(const struct rpcauth_svc_event *, void *);
	struct rpcauth_svc_event ev;
	char raw[512], cause[4 * 512 + 1], peer[INET6_ADDRSTRLEN + 16];
	char name[4 * 1024 + 1];
	void *arg;

	pthread_mutex_lock(&log_lock);
	cb = log_cb;
	arg = log_arg;
	pthread_mutex_unlock(&log_lock);
	if (cb == NULL)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	printable(cause, sizeof(cause), raw);
	if (principal != NULL)
		printable(name, sizeof(name), principal);
	svc_peer_text(xprt, peer, sizeof(peer));
	memset(&ev, 0, sizeof(ev));
	ev.size = sizeof(ev);
	ev.kind = kind;
	ev.cause = cause;
	ev.auth_stat = auth_stat;
	ev.garbage_args = garbage;
	ev.gss_major = major;
	ev.principal = principal != NULL ? name : NULL;
	ev.peer = peer;
	ev.flavor = flavor;
	ev.prog = prog;
	ev.vers = vers;
	cb(&ev, arg);
}

void
svc_log(SVCXPRT *xprt, uint32_t prog, uint32_t vers,
    enum rpcauth_svc_event_kind kind, int auth_stat, int garbage,
    uint32_t major, const char *principal, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(xprt, svc_g.flavor, prog, vers, kind, auth_stat, garbage, major,
	    principal, fmt, ap);
	va_end(ap);
}

void
svc_log_flavor(SVCXPRT *xprt, uint32_t flavor, uint32_t prog, uint32_t vers,
    enum rpcauth_svc_event_kind kind, int auth_stat, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(xprt, flavor, prog, vers, kind, auth_stat, 0, 0, NULL, fmt, ap);
	va_end(ap);
}
