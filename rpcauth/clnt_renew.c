/* rpcauth/clnt_renew.c - replacing an ended, used-up or rejected client context */
/*
 * Every place that needs a new context runs inside an AUTH op, under the
 * application's CLIENT's per-fd lock (ah_marshal near the end of the
 * context's life or sequence space, ah_refresh on RPCSEC_GSS_CREDPROBLEM
 * or CTXPROBLEM), where a clnt_call on that CLIENT would deadlock.  So the
 * handshake runs over a side CLIENT to the same address, transport,
 * program and version, captured when the AUTH was made.  After a
 * rejection (CREDPROBLEM, CTXPROBLEM) that side CLIENT uses a duplicate of
 * the application's socket: the same TCP connection, the same UDP
 * 4-tuple, so that a server whose worker processes share the port
 * (SO_REUSEPORT hashes each connection or 4-tuple to one) gets the
 * handshake in the worker that answered the call (docs/DEPLOYMENT.md,
 * "Several cores").  Only then: libtirpc has just read the rejection, a
 * whole record, so the stream is between records, and the call waits in
 * this thread.  A renewal before a call (expiry, MAXSEQ) cannot know
 * that (the last reply may have been left half read, or decoded short),
 * so it uses a new socket, and so does the DESTROY of the replaced
 * context, which gives up after RETIRE_WAIT_MS; a handshake that fails
 * halfway over the duplicate leaves the stream in an unknown place, so
 * the connection is shut down (docs/SECURITY.md section 17).
 *
 * Rejections carry no verifier: anyone on the path can forge them.  They
 * must not make the client loop, nor pile contexts up on the server
 * (docs/SECURITY.md section 9).  Invariants:
 * - per call, at most one new context because of a rejection (and at
 *   most one in marshal, for expiry or MAXSEQ): a call rejected again on
 *   a context made for it fails with a final error;
 * - once a context made after a rejection is rejected too (or the
 *   handshake for it fails) before any reply verified, rejections fail at
 *   once for a back-off period (2 s, doubling up to 60 s); a verified
 *   reply ends the back-off;
 * - over time, whatever happens in between (a forger can let every
 *   resent call through, so that each call verifies on a context of its
 *   own): at most REJECT_BURST new contexts for rejections at once, then
 *   one per REJECT_REFILL_MS (a token bucket per AUTH); without a token
 *   a rejected call fails at once;
 * - a replaced context is DESTROYed, best effort (clnt_retire.c).
 */
#include "config.h"

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "clnt_internal.h"
#include "mech.h"
#include "trace.h"

#define BACKOFF_FIRST_MS	2000
#define BACKOFF_MAX_MS		60000
/* Enough for a server restart or two, and a few evictions from a full
 * context cache, per minute; a forger gets no more. */
#define REJECT_BURST		3
#define REJECT_REFILL_MS	20000
/* Default early renewal: a quarter of the lifetime, at most 5 minutes. */
#define MARGIN_MAX_S		300
/* After a failed early renewal, the old context is used this much longer
 * before the next attempt. */
#define RETRY_EARLY_S		5

/*
 * Milliseconds on the monotonic clock: deadlines and back-off must not move
 * when the wall clock is set.  The handshake's time limit uses it too.
 */
long long
clnt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static in_port_t
port_of(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)a)->sin_port;
	if (a->ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)(const void *)a)->
		    sin6_port;
	return 0;
}

/*
 * The socket's local address, which later tells that fd is still this
 * socket.  A datagram socket that has sent nothing yet has no port: bind
 * it to an ephemeral one now, as its first send would.
 */
static int
local_capture(int fd, struct clnt_peer *p)
{
	socklen_t sl = sizeof(p->local);

	if (getsockname(fd, (struct sockaddr *)&p->local, &sl) != 0 ||
	    sl == 0 || sl > sizeof(p->local))
		return -1;
	if (port_of(&p->local) == 0) {
		if (bind(fd, (struct sockaddr *)&p->local, sl) != 0)
			return -1;
		sl = sizeof(p->local);
		if (getsockname(fd, (struct sockaddr *)&p->local, &sl) != 0 ||
		    sl == 0 || sl > sizeof(p->local) ||
		    port_of(&p->local) == 0)
			return -1;
	}
	p->locallen = sl;
	return 0;
}

int
clnt_peer_capture(struct clnt_state *st, CLIENT *clnt)
{
	struct clnt_peer *p = &st->peer;
	struct netbuf nb;
	socklen_t sl;
	uint32_t v;
	int fd = -1;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (!clnt_control(clnt, CLGET_FD, (char *)&fd) || fd < 0)
		return -1;
	if (local_capture(fd, p) == 0)
		p->fd = fd;
	sl = sizeof(p->sotype);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &p->sotype, &sl) != 0 ||
	    (p->sotype != SOCK_STREAM && p->sotype != SOCK_DGRAM))
		return -1;
	/* A stream's peer is the truth; a datagram CLIENT knows its target. */
	sl = sizeof(p->addr);
	if (p->sotype == SOCK_STREAM &&
	    getpeername(fd, (struct sockaddr *)&p->addr, &sl) == 0 && sl > 0)
		p->addrlen = sl;
	else {
		memset(&nb, 0, sizeof(nb));
		if (!clnt_control(clnt, CLGET_SVC_ADDR, (char *)&nb) ||
		    nb.buf == NULL || nb.len == 0 || nb.len > sizeof(p->addr))
			return -1;
		memcpy(&p->addr, nb.buf, nb.len);
		p->addrlen = nb.len;
	}
	if (!clnt_control(clnt, CLGET_PROG, (char *)&v))
		goto fail;
	p->prog = v;
	if (!clnt_control(clnt, CLGET_VERS, (char *)&v))
		goto fail;
	p->vers = v;
	p->retry.tv_sec = 1;
	if (p->sotype == SOCK_DGRAM)
		(void)clnt_control(clnt, CLGET_RETRY_TIMEOUT,
		    (char *)&p->retry);
	return 0;
fail:
	p->addrlen = 0;
	return -1;
}

/* connect(2) bounded by timeout_ms, so a dead host cannot hold a call. */
static int
connect_within(int fd, const struct clnt_peer *p, int timeout_ms)
{
	struct pollfd pf = { fd, POLLOUT, 0 };
	int fl, soerr = 0, ret = -1;
	socklen_t sl = sizeof(soerr);

	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&p->addr, p->addrlen) == 0)
		ret = 0;
	else if (errno == EINPROGRESS) {
		if (poll(&pf, 1, timeout_ms) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0) {
			if (soerr == 0)
				ret = 0;
			else
				errno = soerr;
		} else if (errno == 0 || errno == EINTR)
			errno = ETIMEDOUT;
	}
	if (fcntl(fd, F_SETFL, fl) < 0)
		ret = -1;
	return ret;
}

/* Is fd still the socket the AUTH was made on (not closed, not reused)? */
static int
same_socket(const struct clnt_peer *p)
{
	struct sockaddr_storage a;
	socklen_t sl = sizeof(a);
	int type;

	if (p->fd < 0)
		return 0;
	if (getsockname(p->fd, (struct sockaddr *)&a, &sl) != 0 ||
	    sl != p->locallen || CRYPTO_memcmp(&a, &p->local, sl) != 0)
		return 0;
	sl = sizeof(type);
	if (getsockopt(p->fd, SOL_SOCKET, SO_TYPE, &type, &sl) != 0 ||
	    type != p->sotype)
		return 0;
	if (p->sotype != SOCK_STREAM)
		return 1;
	sl = sizeof(a);
	return getpeername(p->fd, (struct sockaddr *)&a, &sl) == 0 &&
	    sl == p->addrlen && CRYPTO_memcmp(&a, &p->addr, sl) == 0;
}

/* A socket to the server: the application's, duplicated, or a new one. */
static int
side_socket(const struct clnt_peer *p, int in_band, int timeout_ms,
    struct rpcauth_err *err)
{
	int fd;

	if (in_band && same_socket(p) &&
	    (fd = fcntl(p->fd, F_DUPFD_CLOEXEC, 0)) >= 0)
		return fd;
	fd = socket(p->addr.ss_family, p->sotype | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rpcauth_err_set(err, RPCAUTH_E_SYSTEM, "cannot make a socket "
		    "to the server: %s", strerror(errno));
		return -1;
	}
	if (p->sotype == SOCK_STREAM &&
	    connect_within(fd, p, timeout_ms) != 0) {
		rpcauth_err_set(err, RPCAUTH_E_RPC, "cannot connect to the "
		    "server again: %s: check that it runs and is reachable",
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static CLIENT *
side_create(struct clnt_state *st, int in_band, struct rpcauth_err *err)
{
	const struct clnt_peer *p = &st->peer;
	struct netbuf nb;
	CLIENT *cl = NULL;
	int fd;

	if ((fd = side_socket(p, in_band, st->timeout_ms, err)) < 0)
		return NULL;
	nb.buf = (void *)&p->addr;
	nb.len = nb.maxlen = p->addrlen;
	cl = p->sotype == SOCK_STREAM ?
	    clnt_vc_create(fd, &nb, p->prog, p->vers, 0, 0) :
	    clnt_dg_create(fd, &nb, p->prog, p->vers, 0, 0);
	if (cl == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_RPC, "cannot make a CLIENT to "
		    "the server:%s", clnt_spcreateerror(""));
		close(fd);
		return NULL;
	}
	(void)clnt_control(cl, CLSET_FD_CLOSE, NULL);
	if (p->sotype == SOCK_DGRAM)
		(void)clnt_control(cl, CLSET_RETRY_TIMEOUT,
		    (char *)(uintptr_t)&p->retry);
	return cl;
}

/*
 * Did the side CLIENT's last call stop with part of a reply possibly read
 * (no answer in time, a lost or garbled stream)?  A reply read whole, a
 * refusal included, leaves the stream between records.
 */
static int
cut_mid_record(CLIENT *side)
{
	struct rpc_err re;

	memset(&re, 0, sizeof(re));
	clnt_geterr(side, &re);
	return re.re_status == RPC_TIMEDOUT || re.re_status == RPC_CANTRECV ||
	    re.re_status == RPC_CANTDECODERES || re.re_status == RPC_CANTSEND;
}

static const char *
why_text(enum clnt_renew_why why)
{
	switch (why) {
	case RENEW_EXPIRING:
		return "the security context is about to end";
	case RENEW_EXPIRED:
		return "the security context has ended";
	case RENEW_SEQ:
		return "the security context's sequence numbers are used up "
		    "(MAXSEQ)";
	case RENEW_CREDPROBLEM:
		return "the server no longer knows the security context "
		    "(RPCSEC_GSS_CREDPROBLEM: it restarted, or dropped the "
		    "context)";
	case RENEW_CTXPROBLEM:
		return "the server refused the security context "
		    "(RPCSEC_GSS_CTXPROBLEM: it has ended there)";
	case RENEW_GSS_EXPIRED:
		return "GSS-API says the security context has ended";
	default:
		return "no reason";
	}
}

/* When to renew early, given the context's lifetime. */
static void
clnt_renew_schedule(struct clnt_state *st, OM_uint32 lifetime)
{
	time_t margin;

	st->renew_at = 0;
	if (st->expiry == 0 || st->renew_before_s < 0)
		return;
	margin = st->renew_before_s > 0 ? st->renew_before_s :
	    (time_t)(lifetime / 4);
	if (margin > MARGIN_MAX_S && st->renew_before_s == 0)
		margin = MARGIN_MAX_S;
	st->renew_at = st->expiry - margin;
}

enum clnt_renew_why
clnt_renew_due(const struct clnt_state *st)
{
	time_t now;

	/* MAXSEQ itself stays unused: the server's window is built on it. */
	if (st->seq_next >= RPCAUTH_MAXSEQ)
		return RENEW_SEQ;
	if (st->expiry == 0)
		return RENEW_NONE;
	now = time(NULL);
	if (now >= st->expiry)
		return RENEW_EXPIRED;
	if (st->renew_at != 0 && now >= st->renew_at)
		return RENEW_EXPIRING;
	return RENEW_NONE;
}

/* What clnt_install moves in with the GSS context. */
struct install_op {
	struct clnt_state *st;
	const struct clnt_ctx *c;
};

/* In the section that swaps the GSS context: what rpcauth_auth_info
 * reports of it changes with it. */
static void
install_locked(void *arg, gss_ctx_id_t gctx)
{
	const struct install_op *op = arg;
	struct clnt_state *st = op->st;
	const struct clnt_ctx *c = op->c;

	(void)gctx;
	clnt_names_drop(st);	/* the old context's */
	st->mech = c->mech;
	st->window = c->window;
	OPENSSL_cleanse(st->init_verf, sizeof(st->init_verf));
	memcpy(st->init_verf, c->init_verf, c->init_verf_len);
	st->init_verf_len = c->init_verf_len;
	st->expiry = c->expiry;
	st->mutual = c->mutual;
	st->contexts++;
}

void
clnt_install(struct clnt_state *st, struct clnt_ctx *c)
{
	struct install_op op = { st, c };
	gss_ctx_id_t old;
	OM_uint32 min;

	/* One section of the context's lock: nobody may use a deleted
	 * context. */
	old = secctx_replace(&st->sc, c->gctx, c->mech, install_locked, &op);
	c->gctx = GSS_C_NO_CONTEXT;
	if (old != GSS_C_NO_CONTEXT)
		(void)gss_delete_sec_context(&min, &old, GSS_C_NO_BUFFER);
	OPENSSL_cleanse(st->handle, sizeof(st->handle));
	memcpy(st->handle, c->handle, c->handle_len);
	st->handle_len = c->handle_len;
	/* RFC 2203 5.3.3.1: a new context starts its own sequence (and
	 * clnt_cred_write skips the number equal to the window). */
	st->seq_next = 0;
	st->mode = CLNT_MODE_DATA;
	clnt_renew_schedule(st, c->lifetime);
	clnt_ctx_clear(c);
	/* Kerberos per-message crypto through OpenSSL from the first call on
	 * (docs/ARCHITECTURE.md, "What a context setup costs"); names above were read first: the GSS context goes then. */
	secctx_accel_later(&st->sc);
}

/* Copies of the current context's names (none where there is none). */
struct name_op {
	struct clnt_state *st;
	gss_name_t	 client, server;
};

/* On the GSS path the names are taken on demand; the fast path's export
 * hook kept them before the GSS context went. */
static void
names_copy_locked(void *arg, gss_ctx_id_t gctx)
{
	struct name_op *op = arg;
	OM_uint32 min;

	clnt_names_keep(op->st, gctx);
	if (op->st->client_name != GSS_C_NO_NAME)
		(void)gss_duplicate_name(&min, op->st->client_name,
		    &op->client);
	if (op->st->server_name != GSS_C_NO_NAME)
		(void)gss_duplicate_name(&min, op->st->server_name,
		    &op->server);
}

/*
 * A new context must be the same client, the same mechanism and, when the
 * first one authenticated the server, authenticate it too.  A renewal runs
 * with the default credential of whichever thread makes the call that
 * needs it, at a moment anyone on the path can choose by forging a
 * rejection; without this check a thread whose ccache names another user
 * (gss_krb5_ccache_name, a changed KRB5CCNAME) would turn the AUTH into
 * that user for every later call, or a SPNEGO AUTH whose Kerberos ticket
 * is gone would fall back to NTLM (docs/SECURITY.md section 3).
 * 0, or -1 with *err saying why.
 */
/*
 * 1 when a and b name the same principal.  gss_compare_name first; where
 * the mechanism cannot compare (gss-ntlmssp answers GSS_S_UNAVAILABLE),
 * the exact display names and name types, which a mechanism prints in
 * one canonical form for one principal.
 */
static int
same_name(gss_name_t a, gss_name_t b)
{
	gss_buffer_desc da = GSS_C_EMPTY_BUFFER, db = GSS_C_EMPTY_BUFFER;
	gss_OID ta = GSS_C_NO_OID, tb = GSS_C_NO_OID;
	OM_uint32 maj, min;
	int equal = 0;

	if (a == GSS_C_NO_NAME || b == GSS_C_NO_NAME)
		return 0;
	maj = gss_compare_name(&min, a, b, &equal);
	if (!GSS_ERROR(maj))
		return equal != 0;
	if (GSS_ROUTINE_ERROR(maj) != GSS_S_UNAVAILABLE)
		return 0;
	equal = !GSS_ERROR(gss_display_name(&min, a, &da, &ta)) &&
	    !GSS_ERROR(gss_display_name(&min, b, &db, &tb)) &&
	    da.length == db.length && da.length > 0 &&
	    CRYPTO_memcmp(da.value, db.value, da.length) == 0 &&
	    (ta == tb || (ta != GSS_C_NO_OID && tb != GSS_C_NO_OID &&
	    ta->length == tb->length &&
	    CRYPTO_memcmp(ta->elements, tb->elements, ta->length) == 0));
	(void)gss_release_buffer(&min, &da);
	(void)gss_release_buffer(&min, &db);
	return equal;
}

static int
same_identity(struct clnt_state *st, const struct clnt_ctx *c,
    struct rpcauth_err *err)
{
	struct name_op op = { st, GSS_C_NO_NAME, GSS_C_NO_NAME };
	gss_name_t old, old_target, now = GSS_C_NO_NAME;
	gss_name_t target = GSS_C_NO_NAME;
	char *olds = NULL, *nows = NULL;
	OM_uint32 maj, min;
	int ret = -1;

	secctx_with_lock(&st->sc, names_copy_locked, &op);
	old = op.client;
	old_target = op.server;
	if (old == GSS_C_NO_NAME) {
		rpcauth_err_set(err, RPCAUTH_E_GSS, "the current context's "
		    "client name cannot be read, so a new context cannot be "
		    "shown to be the same client: make a new AUTH");
		goto out;
	}
	maj = gss_inquire_context(&min, c->gctx, &now, &target, NULL, NULL,
	    NULL, NULL, NULL);
	if (GSS_ERROR(maj) || !same_name(old, now)) {
		olds = clnt_name_string(old);
		nows = clnt_name_string(now);
		rpcauth_err_set(err, RPCAUTH_E_AUTH, "the new context would "
		    "authenticate as %s, but this AUTH was made as %s (this "
		    "thread's or the process's Kerberos credentials name "
		    "another client): refusing to change identity; make a new "
		    "AUTH for the other client, or pin one with "
		    "rpcauth_client_opts.ccache", nows != NULL ? nows : "?",
		    olds != NULL ? olds : "?");
		goto out;
	}
	/* The same server too: the target is imported again for each
	 * context, and host name canonicalization may land elsewhere. */
	if (old_target != GSS_C_NO_NAME && !same_name(old_target, target)) {
		olds = clnt_name_string(old_target);
		nows = clnt_name_string(target);
		rpcauth_err_set(err, RPCAUTH_E_AUTH, "the new context is with "
		    "%s, but this AUTH's server is %s (the host name now "
		    "resolves elsewhere?): refusing to change server; make a "
		    "new AUTH", nows != NULL ? nows : "?",
		    olds != NULL ? olds : "?");
		goto out;
	}
	if (strcmp(mech_name(c->mech), mech_name(st->mech)) != 0) {
		rpcauth_err_set(err, RPCAUTH_E_AUTH, "the new context would "
		    "use mechanism %s, but this AUTH's first context used %s: "
		    "refusing to change mechanism; make a new AUTH",
		    mech_name(c->mech), mech_name(st->mech));
		goto out;
	}
	if (st->mutual && !c->mutual) {
		rpcauth_err_set(err, RPCAUTH_E_AUTH, "the new context does not "
		    "authenticate the server, but this AUTH's first context "
		    "did: refusing to lose mutual authentication; make a new "
		    "AUTH");
		goto out;
	}
	ret = 0;
out:
	free(olds);
	free(nows);
	if (old != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &old);
	if (now != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &now);
	if (old_target != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &old_target);
	if (target != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &target);
	return ret;
}

/*
 * Before a renewal's first token: acquire credentials for the AUTH's own
 * client only (st->pin_name, clnt_handshake.c), so that a thread whose
 * ccache names someone else never authenticates to the server as them,
 * even for a context that would then be refused.
 */
static void
pin_initiator_locked(void *arg, gss_ctx_id_t gctx)
{
	struct clnt_state *st = arg;
	OM_uint32 min;

	clnt_names_keep(st, gctx);
	if (st->pin_name == GSS_C_NO_NAME && st->client_name != GSS_C_NO_NAME)
		(void)gss_duplicate_name(&min, st->client_name, &st->pin_name);
}

static void
pin_initiator(struct clnt_state *st)
{
	secctx_with_lock(&st->sc, pin_initiator_locked, st);
}

int
clnt_renew(struct clnt_state *st, enum clnt_renew_why why)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct clnt_ctx c;
	CLIENT *side = NULL;
	time_t old_expiry = st->expiry;
	int ret = -1, in_band;

	TRACE("client: new context for %s: %s", st->target_str,
	    why_text(why));
	if (st->peer.addrlen == 0) {
		rpcauth_err_set(&err, RPCAUTH_E_CONFIG, "the CLIENT's server "
		    "address is unknown (not a TCP or UDP CLIENT), so no new "
		    "context can be made: make a new CLIENT and AUTH");
		goto out;
	}
	/* In band only right after a rejection: see the top. */
	in_band = why == RENEW_CREDPROBLEM || why == RENEW_CTXPROBLEM;
	if ((side = side_create(st, in_band, &err)) == NULL)
		goto out;
	pin_initiator(st);
	if (clnt_handshake(st, side, &c, &err) != 0) {
		if (in_band && st->peer.sotype == SOCK_STREAM &&
		    cut_mid_record(side)) {
			TRACE("client: handshake cut off in the middle of a "
			    "reply on the application's connection: shutting "
			    "it down");
			(void)shutdown(st->peer.fd, SHUT_RDWR);
		}
		goto out;
	}
	if (same_identity(st, &c, &err) != 0) {
		TRACE("client: new context refused: %s", err.msg);
		clnt_ctx_clear(&c);
		goto out;
	}
	/* The old context's last token; GSS says it has none left.  Never in
	 * band: it may give up before the reply is read. */
	if (why != RENEW_GSS_EXPIRED) {
		if (in_band) {
			clnt_destroy(side);
			side = side_create(st, 0, &err);
			rpcauth_err_clear(&err);
		}
		if (side != NULL)
			clnt_retire(st, side);
	}
	clnt_install(st, &c);
	/* Same ticket, same end: trying early again would only repeat this. */
	if (why == RENEW_EXPIRING && st->expiry <= old_expiry) {
		st->renew_at = 0;
		TRACE("client: the new context ends no later than the old "
		    "one (no fresher ticket); next renewal when it ends");
	}
	TRACE("client: context %u for %s ready: window %u, ends in %ld s",
	    (unsigned)st->contexts, st->target_str, (unsigned)st->window,
	    st->expiry != 0 ? (long)(st->expiry - time(NULL)) : -1L);
	ret = 0;
out:
	if (ret != 0) {
		rpcauth_err_set(&st->lasterr, err.code, "%s; making a new "
		    "security context failed: %s", why_text(why),
		    err.msg != NULL ? err.msg : "?");
		TRACE("client: no new context: %s", st->lasterr.msg);
	}
	rpcauth_err_clear(&err);
	if (side != NULL)
		clnt_destroy(side);
	return ret;
}

static void
backoff_start(struct clnt_state *st, long long now)
{
	st->backoff_ms = st->backoff_ms == 0 ? BACKOFF_FIRST_MS :
	    st->backoff_ms * 2;
	if (st->backoff_ms > BACKOFF_MAX_MS)
		st->backoff_ms = BACKOFF_MAX_MS;
	st->blocked_until_ms = now + st->backoff_ms;
	TRACE("client: a new context did not cure a rejection: no new "
	    "context for rejected calls for %lld ms", st->backoff_ms);
}

void
clnt_renew_init(struct clnt_state *st)
{
	st->reject_tokens = REJECT_BURST;
	st->reject_refill_ms = clnt_now_ms();
}

/* 0 and one token taken, or -1 with *wait_ms until the next one. */
static int
bucket_take(struct clnt_state *st, long long now, long long *wait_ms)
{
	long long n = (now - st->reject_refill_ms) / REJECT_REFILL_MS;

	if (n > 0) {
		if (st->reject_tokens + n >= REJECT_BURST) {
			st->reject_tokens = REJECT_BURST;
			st->reject_refill_ms = now;
		} else {
			st->reject_tokens += (unsigned)n;
			st->reject_refill_ms += n * REJECT_REFILL_MS;
		}
	}
	if (st->reject_tokens == 0) {
		*wait_ms = st->reject_refill_ms + REJECT_REFILL_MS - now;
		return -1;
	}
	st->reject_tokens--;
	return 0;
}

void
clnt_renew_confirmed(struct clnt_state *st)
{
	st->unconfirmed = 0;
	st->backoff_ms = 0;
	st->blocked_until_ms = 0;
}

/* Is v the server's MIC over the seq of the call in flight? */
static int
reply_verf_ok(struct clnt_state *st, const struct opaque_auth *v)
{
	struct secctx_status sst;
	uint8_t be[4];

	if ((uint32_t)v->oa_flavor != st->flavor || v->oa_base == NULL ||
	    v->oa_length == 0)
		return 0;
	be[0] = st->seq_cur >> 24;
	be[1] = st->seq_cur >> 16;
	be[2] = st->seq_cur >> 8;
	be[3] = st->seq_cur;
	return secctx_verify_mic(&st->sc, be, sizeof(be), v->oa_base,
	    v->oa_length, &sst) == 0;
}

int
clnt_refresh(struct clnt_state *st, struct rpc_msg *msg)
{
	enum auth_stat why;
	long long now = clnt_now_ms(), wait;

	if (msg == NULL || st->mode != CLNT_MODE_DATA)
		return FALSE;
	/* TCP asks for a refresh on any failure; only AUTH_ERROR is ours. */
	if (msg->rm_reply.rp_stat != MSG_DENIED) {
		if (msg->acpted_rply.ar_stat == GARBAGE_ARGS) {
			TRACE("client: call seq %u: server answered "
			    "GARBAGE_ARGS", (unsigned)st->seq_cur);
			/* libtirpc validates only successful replies: an
			 * error reply is believed only if it carries the
			 * server's MIC over this call's seq. */
			/* Its verifier covers the seq only, not the status:
			 * even a verified one may be the server's SUCCESS
			 * with the status changed on the path. */
			if (reply_verf_ok(st, &msg->acpted_rply.ar_verf))
				rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH,
				    "the reply says the server could not "
				    "decode the arguments (GARBAGE_ARGS): under "
				    "integrity or privacy, the body failed the "
				    "server's check; RPCSEC_GSS does not protect "
				    "a reply's status, so the call may also have "
				    "run and the status been changed on the "
				    "path");
			else
				rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH,
				    "a GARBAGE_ARGS reply without the "
				    "server's verifier: it was not made by the "
				    "authenticated server (something on the "
				    "path may be forging replies)");
		}
		return FALSE;
	}
	if (msg->rjcted_rply.rj_stat != AUTH_ERROR)
		return FALSE;
	why = msg->rjcted_rply.rj_why;
	TRACE("client: call seq %u rejected by the server: %s",
	    (unsigned)st->seq_cur, clnt_auth_stat_name(why));
	if (why != RPCSEC_GSS_CREDPROBLEM && why != RPCSEC_GSS_CTXPROBLEM) {
		clnt_explain_rejection(st, why);
		return FALSE;
	}
	if (st->call_renewals > 0) {
		backoff_start(st, now);
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH, "the server "
		    "rejected the call (%s) again on a security context made "
		    "for it a moment ago: not retrying; the server may be "
		    "losing its contexts (restarts, a full context cache), or "
		    "someone is forging rejections",
		    clnt_auth_stat_name(why));
		return FALSE;
	}
	if (st->unconfirmed > 0 && st->blocked_until_ms == 0)
		backoff_start(st, now);
	if (now < st->blocked_until_ms) {
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH, "the server "
		    "rejected the call (%s); no new security context for "
		    "another %lld ms, because the last new one was rejected "
		    "too: the server may be losing its contexts, or someone "
		    "is forging rejections", clnt_auth_stat_name(why),
		    st->blocked_until_ms - now);
		return FALSE;
	}
	if (bucket_take(st, now, &wait) != 0) {
		TRACE("client: no new context for a rejection for another "
		    "%lld ms: the %d at once and one per %d s are used up",
		    wait, REJECT_BURST, REJECT_REFILL_MS / 1000);
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH, "the server "
		    "rejected the call (%s), and the server (or something on "
		    "the path) keeps rejecting new contexts: the new contexts "
		    "allowed for rejections (%d at once, then one per %d s) "
		    "are used up, no new one for another %lld ms; calls that "
		    "are rejected fail at once until then.  The server may be "
		    "losing its contexts (restarts, a full context cache), or "
		    "someone is forging rejections", clnt_auth_stat_name(why),
		    REJECT_BURST, REJECT_REFILL_MS / 1000, wait);
		return FALSE;
	}
	st->call_renewals++;
	st->unconfirmed++;
	if (clnt_renew(st, why == RPCSEC_GSS_CREDPROBLEM ? RENEW_CREDPROBLEM :
	    RENEW_CTXPROBLEM) != 0) {
		backoff_start(st, now);
		return FALSE;
	}
	st->in_retry = 1;
	return TRUE;
}

void
clnt_renew_later(struct clnt_state *st)
{
	time_t next = time(NULL) + RETRY_EARLY_S;

	st->renew_at = next < st->expiry ? next : 0;
}
