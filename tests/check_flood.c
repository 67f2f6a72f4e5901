/* tests/check_flood.c - the bounded context table, alone and under a flood */
/*
 * Two parts.  "ctxcache" drives the server's context table directly: the
 * cap and its two shares, who gets evicted (half-open past their time to
 * live, then the oldest half-open; established ones only by another
 * established one: expired first, then least recently used), references
 * that outlive eviction, and four threads hammering one small table (the
 * sanitizer build turns any race into a report).
 *
 * "flood" sends, from one process, INITs by the hundred thousand and as
 * many forged DATA calls at the real demo server, pipelined over two TCP
 * connections with a bounded number in flight, while a legitimate client
 * makes 1,000 calls.  It asserts every flood call got its exact answer, no
 * legitimate call failed (and its context was never replaced), the
 * procedure ran exactly 1,000 times, the server's resident memory grew by
 * less than a bound, and its open descriptors came back to where they
 * were.  The figures go to stderr.  The forged DATA calls carry the
 * legitimate client's own handle with junk MICs and sequence numbers far
 * ahead: they must neither run nor move its window.
 *
 * The sanitizer build runs the same counts (its server still answers some
 * 20,000 calls a second here); FLOOD_SCALE=N in the environment divides
 * the flood by N for slower machines.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/wait.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi.h>

#include "clnt_internal.h"
#include "ctxcache.h"
#include "cred_xdr.h"
#include "xdrbuf.h"
#include "demofs.h"
#include "e2e.h"
#include "rawrpc.h"
#include "cklist.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN	1
#else
#define UNDER_ASAN	0
#endif

#define N_INIT		100000ul	/* flood INITs */
#define N_DATA		100000ul	/* forged DATA calls */
#define N_LEGIT		1000		/* legitimate calls meanwhile */
#define IN_FLIGHT	256		/* per flood connection */
#define FLOOD_LIMIT_S	420		/* the whole flood, at most */
/*
 * Server resident memory may grow by this much over the flood (KiB).  The
 * half-open share is already full before the baseline is taken, so what
 * grows is leaks and allocator slack; a leak of 50 bytes per flood call
 * would exceed it.  ASan's allocator keeps freed memory in quarantine
 * (capped for the server below), hence its own bound.
 */
#define RSS_BOUND_KB	(UNDER_ASAN ? 64 * 1024 : 10 * 1024)
#define ECHO_TEXT	"flood"

static struct testbed *bed;
static struct srvproc server;
static int port;

/* ---- the table alone ----------------------------------------------------- */

/* An established context (expiry as given), the caller's reference dropped. */
static void
add_established(struct ctxcache *cc, time_t expiry, uint8_t *handle_out)
{
	struct svcctx *c = ctxcache_create(cc, NULL);

	ck_assert(c != NULL);
	c->expiry = expiry;
	ctxcache_established(cc, c);
	if (handle_out != NULL)
		memcpy(handle_out, c->handle, RPCAUTH_HANDLE_LEN);
	ctxcache_put(cc, c);
}

static void
add_half_open(struct ctxcache *cc, uint8_t *handle_out)
{
	struct svcctx *c = ctxcache_create(cc, NULL);

	ck_assert(c != NULL);
	if (handle_out != NULL)
		memcpy(handle_out, c->handle, RPCAUTH_HANDLE_LEN);
	ctxcache_put(cc, c);
}

/* In the table?  (A find counts as a use: mind the LRU order.) */
static int
present(struct ctxcache *cc, const uint8_t *h)
{
	struct svcctx *c = ctxcache_find(cc, h, RPCAUTH_HANDLE_LEN);

	if (c == NULL)
		return 0;
	ctxcache_put(cc, c);
	return 1;
}

/* Of the 14 handles, h[gone] was evicted and only it: 14 left. */
static void
evicted_only(struct ctxcache *cc, uint8_t (*h)[RPCAUTH_HANDLE_LEN],
    size_t gone)
{
	size_t i;

	ck_assert(!present(cc, h[gone]));
	for (i = 0; i < 14; i++)
		if (i != gone)
			ck_assert_msg(present(cc, h[i]), "#%zu evicted", i);
	ck_assert_uint_eq(ctxcache_count(cc), 14);
}

/*
 * 64 contexts: 8 half-open, 56 established.  With the established share
 * full, a thousand INITs that fail at once and ten thousand that never
 * complete churn the half-open share only: every established context
 * survives, and the newest half-open ones are those kept.
 */
START_TEST(cc_shares)
{
	static uint8_t est[56][RPCAUTH_HANDLE_LEN];
	static uint8_t ho[10000][RPCAUTH_HANDLE_LEN];
	struct ctxcache *cc = ctxcache_new(64, 30);
	size_t i;

	ck_assert(cc != NULL);
	for (i = 0; i < 56; i++)
		add_established(cc, 0, est[i]);
	ck_assert_uint_eq(ctxcache_count(cc), 56);
	/* INITs that fail at once (garbage tokens): the share is full of
	 * real clients and not one of them may go for a stranger's INIT. */
	for (i = 0; i < 1000; i++) {
		struct svcctx *c = ctxcache_create(cc, NULL);

		ck_assert(c != NULL);
		ctxcache_remove(cc, c);
		ctxcache_put(cc, c);
	}
	ck_assert_uint_eq(ctxcache_count(cc), 56);
	for (i = 0; i < 56; i++)
		ck_assert_msg(present(cc, est[i]), "failed INITs evicted #%zu",
		    i);
	for (i = 0; i < 10000; i++) {
		add_half_open(cc, ho[i]);
		ck_assert_uint_le(ctxcache_count_half_open(cc), 8);
	}
	ck_assert_uint_eq(ctxcache_count(cc), 64);
	ck_assert_uint_eq(ctxcache_count_half_open(cc), 8);
	for (i = 0; i < 56; i++)
		ck_assert_msg(present(cc, est[i]), "established #%zu evicted",
		    i);
	for (i = 10000 - 8; i < 10000; i++)
		ck_assert_msg(present(cc, ho[i]), "newest half-open #%zu gone",
		    i);
	ck_assert(!present(cc, ho[10000 - 9]));
	ck_assert(!present(cc, ho[0]));
	/*
	 * A 57th established context: its own half-open slot is freed (after
	 * pushing out the oldest half-open one), and it pushes out one
	 * established context, the least recently used.
	 */
	add_established(cc, 0, NULL);
	ck_assert_uint_eq(ctxcache_count_half_open(cc), 7);
	ck_assert_uint_eq(ctxcache_count(cc), 63);
	ck_assert(!present(cc, est[0]));
	ck_assert(present(cc, est[1]));
	ctxcache_free(cc);
}
END_TEST

/* Full established share: the least recently used one goes. */
START_TEST(cc_lru)
{
	uint8_t h[14][RPCAUTH_HANDLE_LEN];
	struct ctxcache *cc = ctxcache_new(16, 30);	/* 2 + 14 */
	size_t i;

	for (i = 0; i < 14; i++)
		add_established(cc, 0, h[i]);
	/* Use all but #5, oldest first: #5 is now least recently used. */
	for (i = 0; i < 14; i++)
		if (i != 5)
			ck_assert(present(cc, h[i]));
	add_established(cc, 0, NULL);
	evicted_only(cc, h, 5);
	ctxcache_free(cc);
}
END_TEST

/*
 * When the established share is full, an expired context goes before the
 * least recently used live one, even if it was used last.  Creates reap
 * expired contexts a few at a time even when nothing is full.  (Contexts
 * are established in an order that keeps creates from reaping the expired
 * one first, to reach the eviction itself.)
 */
START_TEST(cc_expired_first)
{
	uint8_t h[14][RPCAUTH_HANDLE_LEN];
	struct ctxcache *cc = ctxcache_new(16, 30);	/* 2 + 14 */
	struct svcctx *late, *exp, *c[11];
	time_t now = time(NULL);
	size_t i;

	late = ctxcache_create(cc, NULL);
	for (i = 0; i < 14; i++)
		if (i != 9)
			add_established(cc, now + 3600, h[i]);
	exp = ctxcache_create(cc, NULL);
	memcpy(h[9], exp->handle, RPCAUTH_HANDLE_LEN);
	exp->expiry = now - 5;
	ctxcache_established(cc, exp);
	ctxcache_put(cc, exp);
	ck_assert_uint_eq(ctxcache_count(cc), 15);
	ck_assert(present(cc, h[9]));	/* most recently used */
	late->expiry = now + 3600;
	ctxcache_established(cc, late);
	ctxcache_put(cc, late);
	evicted_only(cc, h, 9);
	ctxcache_free(cc);

	/* Ten expired and one live, made before any could be reaped. */
	cc = ctxcache_new(96, 30);	/* 12 + 84 */
	for (i = 0; i < 11; i++)
		c[i] = ctxcache_create(cc, NULL);
	for (i = 0; i < 11; i++) {
		c[i]->expiry = i == 10 ? now + 3600 : now - 1;
		ctxcache_established(cc, c[i]);
		if (i == 10)
			memcpy(h[0], c[i]->handle, RPCAUTH_HANDLE_LEN);
		ctxcache_put(cc, c[i]);
	}
	ck_assert_uint_eq(ctxcache_count(cc), 11);
	add_half_open(cc, NULL);
	ck_assert_msg(ctxcache_count(cc) < 12, "nothing reaped");
	for (i = 0; i < 9; i++)
		add_half_open(cc, NULL);
	/* Every expired one reaped by the ten creates; the live one kept. */
	ck_assert_uint_eq(ctxcache_count_half_open(cc), 10);
	ck_assert_uint_eq(ctxcache_count(cc), 11);
	ck_assert(present(cc, h[0]));
	ctxcache_free(cc);
}
END_TEST

/* Half-open contexts past their time to live are reaped first. */
START_TEST(cc_half_open_ttl)
{
	uint8_t old[3][RPCAUTH_HANDLE_LEN], young[RPCAUTH_HANDLE_LEN];
	struct ctxcache *cc = ctxcache_new(64, 30);
	struct svcctx *c;
	size_t i;

	for (i = 0; i < 3; i++) {
		c = ctxcache_create(cc, NULL);
		memcpy(old[i], c->handle, sizeof(old[i]));
		c->created -= 31;	/* as if made 31 s ago */
		ctxcache_put(cc, c);
	}
	add_half_open(cc, young);
	ck_assert_uint_eq(ctxcache_count(cc), 1);
	for (i = 0; i < 3; i++)
		ck_assert(!present(cc, old[i]));
	ck_assert(present(cc, young));
	ctxcache_free(cc);
}
END_TEST

/*
 * A request holding a context keeps it alive through eviction and removal
 * (the sanitizer build would see a use after free); removal is idempotent;
 * the last reference frees it.
 */
START_TEST(cc_reference_outlives_eviction)
{
	struct ctxcache *cc = ctxcache_new(16, 30);	/* 2 half-open */
	struct svcctx *held, *c;
	uint8_t h[RPCAUTH_HANDLE_LEN];
	size_t i;

	held = ctxcache_create(cc, NULL);
	memcpy(h, held->handle, sizeof(h));
	for (i = 0; i < 10; i++)
		add_half_open(cc, NULL);
	ck_assert(!present(cc, h));
	held->prog = 0x12345678;	/* still ours to touch */
	ctxcache_remove(cc, held);
	ctxcache_remove(cc, held);
	ctxcache_established(cc, held);	/* evicted: stays unlinked */
	ck_assert(!present(cc, h));
	ck_assert_uint_eq(held->prog, 0x12345678);
	ctxcache_put(cc, held);
	ck_assert_uint_eq(ctxcache_count_half_open(cc), 2);

	c = ctxcache_create(cc, NULL);
	c->expiry = 0;
	ctxcache_established(cc, c);
	ctxcache_remove(cc, c);
	ctxcache_remove(cc, c);
	ck_assert_uint_eq(ctxcache_count(cc), 1);
	ctxcache_put(cc, c);
	ctxcache_free(cc);
}
END_TEST

/*
 * 16,384 contexts (the default cap) found by handle, made-up handles not
 * found.  Lookup is by hash: a quarter million take tens of milliseconds
 * (a list walk would take minutes); the bound is loose for slow builds.
 */
START_TEST(cc_default_size)
{
	enum { EST = 16384 - 16384 / 8 };
	uint8_t (*h)[RPCAUTH_HANDLE_LEN] = calloc(EST, RPCAUTH_HANDLE_LEN);
	uint8_t made_up[RPCAUTH_HANDLE_LEN];
	struct ctxcache *cc = ctxcache_new(16384, 30);
	long long t0, ms;
	size_t i, j, found = 0;

	ck_assert(h != NULL && cc != NULL);
	for (i = 0; i < EST; i++)
		add_established(cc, 0, h[i]);
	for (i = 0; i < 3000; i++)
		add_half_open(cc, NULL);
	ck_assert_uint_eq(ctxcache_count(cc), 16384);
	/* Check's assertions cost a system call each: count, assert once. */
	t0 = srvproc_now_ms();
	for (j = 0; j < 10; j++)
		for (i = 0; i < EST; i++)
			found += present(cc, h[i]);
	for (i = 0; i < 100000; i++) {
		memset(made_up, 0, sizeof(made_up));
		memcpy(made_up, &i, sizeof(i));
		found += present(cc, made_up);
	}
	ms = srvproc_now_ms() - t0;
	fprintf(stderr, "ctxcache: %d lookups in a full default table: "
	    "%lld ms\n", 10 * EST + 100000, ms);
	ck_assert_uint_eq(found, 10 * EST);
	ck_assert_msg(ms < 2000, "lookups took %lld ms", ms);
	ctxcache_free(cc);
	free(h);
}
END_TEST

/* Four threads, one small table, every operation mixed. */
#define RING	64

struct hammer {
	struct ctxcache	*cc;
	pthread_mutex_t	 lock;		/* guards ring */
	uint8_t		 ring[RING][RPCAUTH_HANDLE_LEN];
	unsigned	 seed;
	int		 bad;
};

static void *
hammer_run(void *arg)
{
	struct hammer *hm = arg;
	uint8_t h[RPCAUTH_HANDLE_LEN];
	struct svcctx *c;
	unsigned seed = __sync_fetch_and_add(&hm->seed, 7919);
	int i, op;

	for (i = 0; i < 40000; i++) {
		op = (int)(rand_r(&seed) % 6);
		if (op <= 1) {
			if ((c = ctxcache_create(hm->cc, NULL)) == NULL)
				continue;
			if (op == 1) {
				/* None, past, now or future. */
				c->expiry = rand_r(&seed) % 2 ? 0 : time(NULL) +
				    (time_t)(rand_r(&seed) % 3) - 1;
				ctxcache_established(hm->cc, c);
			}
			pthread_mutex_lock(&hm->lock);
			memcpy(hm->ring[rand_r(&seed) % RING], c->handle,
			    RPCAUTH_HANDLE_LEN);
			pthread_mutex_unlock(&hm->lock);
			ctxcache_put(hm->cc, c);
			continue;
		}
		pthread_mutex_lock(&hm->lock);
		memcpy(h, hm->ring[rand_r(&seed) % RING], sizeof(h));
		pthread_mutex_unlock(&hm->lock);
		if ((c = ctxcache_find(hm->cc, h, sizeof(h))) == NULL)
			continue;
		if (memcmp(c->handle, h, sizeof(h)) != 0)
			hm->bad = 1;
		/* What a request does with its context meanwhile. */
		pthread_mutex_lock(&c->sc.lock);
		c->vers++;
		pthread_mutex_unlock(&c->sc.lock);
		if (op == 5)
			ctxcache_remove(hm->cc, c);
		ctxcache_put(hm->cc, c);
	}
	return NULL;
}

START_TEST(cc_threads)
{
	struct hammer hm;
	pthread_t t[4];
	size_t i;

	memset(&hm, 0, sizeof(hm));
	hm.cc = ctxcache_new(32, 30);
	hm.seed = 12345;
	pthread_mutex_init(&hm.lock, NULL);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, hammer_run, &hm),
		    0);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	ck_assert(!hm.bad);
	ck_assert_uint_le(ctxcache_count(hm.cc), 32);
	ck_assert_uint_le(ctxcache_count_half_open(hm.cc), 4);
	ctxcache_free(hm.cc);
	pthread_mutex_destroy(&hm.lock);
}
END_TEST

/* ---- the flood -------------------------------------------------------- */

/* Server figures from /proc. */
static long
server_rss_kb(void)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)server.pid);
	ck_assert((f = fopen(path, "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			v = strtol(line + 6, NULL, 10);
	fclose(f);
	ck_assert(v > 0);
	return v;
}

static int
server_fds(void)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)server.pid);
	ck_assert((d = opendir(path)) != NULL);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/*
 * The descriptor count once the server has caught up with connections we
 * closed: the same value three times, 100 ms apart (5 s at most), or at or
 * below `target` at once.
 */
static int
server_fds_settled(int target)
{
	long long deadline = srvproc_now_ms() + 5000;
	int n = server_fds(), last = -1, same = 0;

	while (srvproc_now_ms() < deadline && n > target) {
		same = n == last ? same + 1 : 0;
		if (same >= 2 && target < 0)
			break;
		last = n;
		usleep(100 * 1000);
		n = server_fds();
	}
	return n;
}

/* What kind of INIT a flood call is; one in three of each. */
enum init_kind {
	INIT_GARBAGE,	/* no mechanism at all: refused before any context */
	INIT_KRB5_JUNK,	/* Kerberos framing: a context, then a GSS error */
	INIT_SPNEGO	/* a real SPNEGO offer: a half-open context kept */
};

/* One pipelined TCP connection and what came back on it. */
struct flow {
	const char	*name;
	int		 fd;
	uint8_t		*tmpl[3];	/* whole records, mark included */
	size_t		 tlen[3];
	size_t		 ntmpl;
	size_t		 seq_off;	/* DATA: where the cred's seq sits */
	uint32_t	 xid0;
	unsigned long	 total, sent, answered;
	unsigned long	 ok[3];
	uint8_t		 out[64 * 1024];
	size_t		 out_len, out_off;
	uint8_t		*in;
	size_t		 in_len, in_cap;
	char		 why[160];	/* the first wrong answer */
};

static void	flow_fail(struct flow *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Keep the first wrong answer: the main loop fails the test with it. */
static void
flow_fail(struct flow *f, const char *fmt, ...)
{
	va_list ap;

	if (f->why[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
}

/* Judge one reply record. */
static void
flow_reply(struct flow *f, const uint8_t *p, size_t len)
{
	struct xdr_rd r;
	uint32_t xid, stat, major;
	size_t k, hlen;

	xdr_rd_init(&r, p, len);
	xid = xdr_rd_u32(&r);
	if (xid - f->xid0 >= f->total) {
		flow_fail(f, "reply to unknown xid %#" PRIx32, xid);
		return;
	}
	k = (xid - f->xid0) % f->ntmpl;
	f->answered++;
	(void)xdr_rd_u32(&r);			/* REPLY */
	stat = xdr_rd_u32(&r);
	if (f->seq_off != 0) {
		/* Forged DATA: MSG_DENIED / AUTH_ERROR / CREDPROBLEM. */
		if (stat == 1 && xdr_rd_u32(&r) == 1 &&
		    xdr_rd_u32(&r) == RPCSEC_GSS_CREDPROBLEM && xdr_rd_ok(&r))
			f->ok[k]++;
		else
			flow_fail(f, "forged DATA xid %#" PRIx32 ": reply stat "
			    "%" PRIu32, xid, stat);
		return;
	}
	/* INIT: MSG_ACCEPTED, verifier, SUCCESS, then rpc_gss_init_res. */
	(void)xdr_rd_u32(&r);
	(void)xdr_rd_opaque(&r, 400, &hlen);
	if (stat != 0 || xdr_rd_u32(&r) != 0) {
		flow_fail(f, "INIT xid %#" PRIx32 ": not an init result "
		    "(stat %" PRIu32 ")", xid, stat);
		return;
	}
	(void)xdr_rd_opaque(&r, 400, &hlen);
	major = xdr_rd_u32(&r);
	if (!xdr_rd_ok(&r)) {
		flow_fail(f, "INIT xid %#" PRIx32 ": short init result", xid);
		return;
	}
	if (k == INIT_SPNEGO ? major == GSS_S_CONTINUE_NEEDED &&
	    hlen == RPCAUTH_HANDLE_LEN : GSS_ERROR(major) && hlen == 0)
		f->ok[k]++;
	else
		flow_fail(f, "INIT xid %#" PRIx32 " (kind %zu): gss_major %#"
		    PRIx32 ", handle of %zu bytes", xid, k, major, hlen);
}

/* Queue as many calls as the window and the buffer allow. */
static void
flow_fill(struct flow *f)
{
	size_t k, n;
	uint32_t xid, seq;
	uint8_t *p;

	if (f->out_off == f->out_len)
		f->out_off = f->out_len = 0;
	while (f->sent < f->total && f->sent - f->answered < IN_FLIGHT) {
		k = f->sent % f->ntmpl;
		n = f->tlen[k];
		if (f->out_len + n > sizeof(f->out))
			break;
		p = f->out + f->out_len;
		memcpy(p, f->tmpl[k], n);
		xid = f->xid0 + (uint32_t)f->sent;
		p[4] = xid >> 24;
		p[5] = xid >> 16;
		p[6] = xid >> 8;
		p[7] = xid;
		if (f->seq_off != 0) {
			/* Far above anything the legitimate client reaches. */
			seq = 10000000u + (uint32_t)f->sent;
			p[f->seq_off] = seq >> 24;
			p[f->seq_off + 1] = seq >> 16;
			p[f->seq_off + 2] = seq >> 8;
			p[f->seq_off + 3] = seq;
		}
		f->out_len += n;
		f->sent++;
	}
}

/* Read what is there and judge every whole record. */
static int
flow_read(struct flow *f)
{
	uint32_t m;
	size_t off = 0, rl;
	ssize_t n;

	if (f->in_cap - f->in_len < 65536) {
		f->in_cap = f->in_len + 131072;
		f->in = realloc(f->in, f->in_cap);
		ck_assert(f->in != NULL);
	}
	n = read(f->fd, f->in + f->in_len, f->in_cap - f->in_len);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	f->in_len += (size_t)n;
	while (f->in_len - off >= 4) {
		m = ((uint32_t)f->in[off] << 24) |
		    ((uint32_t)f->in[off + 1] << 16) |
		    ((uint32_t)f->in[off + 2] << 8) | f->in[off + 3];
		rl = m & 0x7fffffffu;
		ck_assert_msg((m & 0x80000000u) != 0 && rl < 65536,
		    "%s: odd record mark %#x", f->name, m);
		if (f->in_len - off < 4 + rl)
			break;
		flow_reply(f, f->in + off + 4, rl);
		off += 4 + rl;
	}
	memmove(f->in, f->in + off, f->in_len - off);
	f->in_len -= off;
	return 0;
}

static void
flow_connect(struct flow *f)
{
	struct sockaddr_in sin;
	int one = 1;

	f->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(f->fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(f->fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	(void)setsockopt(f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ck_assert_int_eq(fcntl(f->fd, F_SETFL, O_NONBLOCK), 0);
}

/* Run the flows to the end (every call answered) or fail. */
static void
flows_run(struct flow *fl, size_t n, int limit_s)
{
	long long deadline = srvproc_now_ms() + (long long)limit_s * 1000;
	struct pollfd pf[4];
	size_t i, done;
	ssize_t w;

	ck_assert(n <= 4);
	for (;;) {
		for (done = 0, i = 0; i < n; i++) {
			ck_assert_msg(fl[i].why[0] == '\0', "%s: %s",
			    fl[i].name, fl[i].why);
			if (fl[i].answered == fl[i].total)
				done++;
			flow_fill(&fl[i]);
			pf[i].fd = fl[i].fd;
			pf[i].events = POLLIN | (fl[i].out_off < fl[i].out_len ?
			    POLLOUT : 0);
			pf[i].revents = 0;
		}
		if (done == n)
			break;
		ck_assert_msg(srvproc_now_ms() < deadline, "flood not answered in %d "
		    "s: %s %lu/%lu, %s %lu/%lu", limit_s, fl[0].name,
		    fl[0].answered, fl[0].total, n > 1 ? fl[1].name : "-",
		    n > 1 ? fl[1].answered : 0, n > 1 ? fl[1].total : 0);
		if (poll(pf, n, 1000) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			if (pf[i].revents & POLLOUT) {
				w = write(fl[i].fd, fl[i].out + fl[i].out_off,
				    fl[i].out_len - fl[i].out_off);
				ck_assert_msg(w >= 0 || errno == EAGAIN,
				    "%s: write: %s", fl[i].name,
				    strerror(errno));
				if (w > 0)
					fl[i].out_off += (size_t)w;
			}
			if (pf[i].revents & (POLLIN | POLLHUP | POLLERR))
				ck_assert_msg(flow_read(&fl[i]) == 0,
				    "%s: the server closed the connection "
				    "after %lu answers", fl[i].name,
				    fl[i].answered);
		}
	}
}

static void
flow_free(struct flow *f)
{
	size_t i;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	for (i = 0; i < f->ntmpl; i++)
		free(f->tmpl[i]);
	free(f->in);
	f->in = NULL;
}

/* A whole record (mark + call) for a template. */
static void
flow_tmpl(struct flow *f, const struct raw_call *rc)
{
	uint8_t buf[2048];
	size_t len = raw_encode_call(rc, buf + 4, sizeof(buf) - 4);
	uint8_t *p;

	ck_assert(len > 0 && f->ntmpl < 3);
	buf[0] = 0x80 | (uint8_t)(len >> 24);
	buf[1] = (uint8_t)(len >> 16);
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	ck_assert((p = malloc(len + 4)) != NULL);
	memcpy(p, buf, len + 4);
	f->tmpl[f->ntmpl] = p;
	f->tlen[f->ntmpl++] = len + 4;
}

/* rpc_gss_init_arg bodies: a token of each kind. */
static size_t
init_body(enum init_kind k, uint8_t *out, size_t cap)
{
	static const uint8_t krb5_head[] = { 0x60, 0x3e, 0x06, 0x09, 0x2a,
	    0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x01, 0x00 };
	static const uint8_t spnego[] = { 0x60, 0x1b, 0x06, 0x06, 0x2b, 0x06,
	    0x01, 0x05, 0x05, 0x02, 0xa0, 0x11, 0x30, 0x0f, 0xa0, 0x0d, 0x30,
	    0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02,
	    0x02 };
	uint8_t tok[64];
	struct xdr_wr w;
	size_t i, n = sizeof(tok);

	for (i = 0; i < sizeof(tok); i++)
		tok[i] = (uint8_t)(i * 73 + 5);
	if (k == INIT_KRB5_JUNK)
		memcpy(tok, krb5_head, sizeof(krb5_head)); /* 64: 2 + 0x3e */
	else if (k == INIT_SPNEGO) {
		memcpy(tok, spnego, sizeof(spnego));
		n = sizeof(spnego);
	}
	xdr_wr_init(&w, out, cap);
	xdr_wr_opaque(&w, tok, n);
	ck_assert(xdr_wr_ok(&w));
	return w.off;
}

/* An empty flow of `total` calls from xid0 on. */
static void
flow_reset(struct flow *f, const char *name, unsigned long total,
    uint32_t xid0)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->total = total;
	f->xid0 = xid0;
}

static void
init_flow(struct flow *f, unsigned long total, uint32_t xid0)
{
	uint8_t cred[64], body[128];
	struct raw_call rc;
	size_t clen, blen;
	struct rpcauth_cred c = { 1, RPCAUTH_GSS_INIT, 0, 2, NULL, 0 };
	int k;

	flow_reset(f, "INIT flood", total, xid0);
	clen = (size_t)cred_encode(&c, cred, sizeof(cred));
	for (k = INIT_GARBAGE; k <= INIT_SPNEGO; k++) {
		blen = init_body((enum init_kind)k, body, sizeof(body));
		rc = (struct raw_call){ 0, DEMOFS_PROG, DEMOFS_V1, NULLPROC,
		    RPCAUTH_FLAVOR, cred, clen, AUTH_NONE, NULL, 0, body,
		    blen };
		flow_tmpl(f, &rc);
	}
	flow_connect(f);
}

/* Forged DATA on `handle`: a junk MIC, ECHO's arguments. */
static void
data_flow(struct flow *f, unsigned long total, uint32_t xid0,
    const uint8_t *handle, size_t hlen)
{
	uint8_t cred[128], junk[32], args[32];
	struct rpcauth_cred c = { 1, RPCAUTH_GSS_DATA, 0,
	    RPCAUTH_SVC_NONE, handle, hlen };
	struct raw_call rc;
	struct xdr_wr w;
	size_t clen;

	flow_reset(f, "forged DATA", total, xid0);
	clen = (size_t)cred_encode(&c, cred, sizeof(cred));
	memset(junk, 0xA5, sizeof(junk));
	xdr_wr_init(&w, args, sizeof(args));
	xdr_wr_opaque(&w, ECHO_TEXT, strlen(ECHO_TEXT));
	rc = (struct raw_call){ 0, DEMOFS_PROG, DEMOFS_V1, DEMOFS_ECHO,
	    RPCAUTH_FLAVOR, cred, clen, RPCAUTH_FLAVOR, junk, sizeof(junk),
	    args, w.off };
	flow_tmpl(f, &rc);
	/* mark, xid, CALL, rpcvers, prog, vers, proc, flavor, length; then
	 * version, gss_proc, seq. */
	f->seq_off = 4 + 8 * 4 + 2 * 4;
	flow_connect(f);
}

/* The legitimate client, in its own thread while the flood runs. */
struct legit {
	CLIENT		*cl;
	int		 n, ok, failed;
	long long	 ms, worst_ms;
	char		 why[256];
};

static void *
legit_run(void *arg)
{
	struct legit *lg = arg;
	demo_data in, *out;
	long long t0 = srvproc_now_ms(), t;
	int i;

	in.demo_data_len = (u_int)strlen(ECHO_TEXT);
	in.demo_data_val = ECHO_TEXT;
	for (i = 0; i < lg->n; i++) {
		t = srvproc_now_ms();
		out = demofs_echo_1(&in, lg->cl);
		t = srvproc_now_ms() - t;
		if (t > lg->worst_ms)
			lg->worst_ms = t;
		if (out != NULL && out->demo_data_len == in.demo_data_len &&
		    memcmp(out->demo_data_val, ECHO_TEXT,
		    in.demo_data_len) == 0)
			lg->ok++;
		else {
			lg->failed++;
			if (lg->why[0] == '\0')
				snprintf(lg->why, sizeof(lg->why),
				    "call %d: %s", i,
				    clnt_sperror(lg->cl, "echo"));
		}
		if (out != NULL)
			xdr_free((xdrproc_t)xdr_demo_data, (char *)out);
	}
	lg->ms = srvproc_now_ms() - t0;
	return NULL;
}

static unsigned long
scaled(unsigned long n)
{
	const char *s = getenv("FLOOD_SCALE");
	unsigned long div = 1;

	if (s != NULL && atoi(s) > 0)
		div = (unsigned long)atoi(s);
	return n / div;
}

START_TEST(flood)
{
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	uint8_t handle[RPCAUTH_HANDLE_LEN];
	struct flow fl[2];
	struct legit lg;
	struct clnt_state *cs;
	pthread_t t;
	unsigned long n_init = scaled(N_INIT), n_data = scaled(N_DATA);
	uint64_t before, after;
	long rss0, rss1;
	long long t0, flood_ms;
	int fds0, fds1;

	/*
	 * Warm-up: enough of everything that the half-open share is full and
	 * every buffer the server keeps exists before the baseline.
	 */
	init_flow(&fl[0], 3 * 2100, 0x1000000);
	data_flow(&fl[1], 3000, 0x2000000, (const uint8_t *)"0123456789abcdef",
	    RPCAUTH_HANDLE_LEN);
	flows_run(fl, 2, 120);
	flow_free(&fl[0]);
	flow_free(&fl[1]);
	before = e2e_stats(port);
	ck_assert(before != UINT64_MAX);
	fds0 = server_fds_settled(-1);
	rss0 = server_rss_kb();

	memset(&lg, 0, sizeof(lg));
	lg.n = N_LEGIT;
	lg.cl = e2e_secure_clnt(port, 0, RPCAUTH_SVC_INTEGRITY, 0, &err);
	ck_assert_msg(lg.cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	cs = lg.cl->cl_auth->ah_private;
	ck_assert_uint_eq(cs->handle_len, RPCAUTH_HANDLE_LEN);
	memcpy(handle, cs->handle, sizeof(handle));

	init_flow(&fl[0], n_init, 0x10000000);
	data_flow(&fl[1], n_data, 0x20000000, handle, sizeof(handle));
	t0 = srvproc_now_ms();
	ck_assert_int_eq(pthread_create(&t, NULL, legit_run, &lg), 0);
	flows_run(fl, 2, FLOOD_LIMIT_S);
	flood_ms = srvproc_now_ms() - t0;
	ck_assert_int_eq(pthread_join(t, NULL), 0);

	fprintf(stderr, "flood: %lu INITs (%lu no-mech garbage, %lu "
	    "krb5-framed garbage, %lu SPNEGO offers left half-open) and %lu "
	    "forged DATA "
	    "in %lld ms (%.0f calls/s), %d pipelined per connection\n",
	    n_init, fl[0].ok[INIT_GARBAGE], fl[0].ok[INIT_KRB5_JUNK],
	    fl[0].ok[INIT_SPNEGO], fl[1].ok[0], flood_ms,
	    (double)(n_init + n_data) * 1000.0 / (double)(flood_ms + 1),
	    IN_FLIGHT);
	fprintf(stderr, "flood: legitimate client: %d of %d calls served, %d "
	    "failed, in %lld ms (slowest call %lld ms)\n", lg.ok, lg.n,
	    lg.failed, lg.ms, lg.worst_ms);
	ck_assert_msg(lg.failed == 0 && lg.ok == N_LEGIT,
	    "legitimate calls failed: %d (%s)", lg.failed, lg.why);
	ck_assert_uint_eq(fl[0].ok[INIT_GARBAGE] + fl[0].ok[INIT_KRB5_JUNK] +
	    fl[0].ok[INIT_SPNEGO], n_init);
	ck_assert_uint_eq(fl[1].ok[0], n_data);
	/* The forged calls neither evicted nor broke its context. */
	ck_assert_msg(memcmp(cs->handle, handle, sizeof(handle)) == 0,
	    "the legitimate client had to make a new context");
	flow_free(&fl[0]);
	flow_free(&fl[1]);
	e2e_secure_destroy(lg.cl);

	after = e2e_stats(port);
	ck_assert_msg(after == before + N_LEGIT, "procedure runs: %" PRIu64
	    " -> %" PRIu64 ", expected exactly %d more", before, after,
	    N_LEGIT);
	fds1 = server_fds_settled(fds0);
	rss1 = server_rss_kb();
	fprintf(stderr, "flood: server VmRSS %ld KiB before, %ld KiB after "
	    "(%+ld KiB, bound %d KiB); open descriptors %d before, %d after\n",
	    rss0, rss1, rss1 - rss0, RSS_BOUND_KB, fds0, fds1);
	ck_assert_msg(rss1 - rss0 < RSS_BOUND_KB, "server memory grew by %ld "
	    "KiB", rss1 - rss0);
	ck_assert_int_eq(fds1, fds0);
}
END_TEST

static Suite *
flood_suite(void)
{
	Suite *s = suite_create("flood");

	CKLIST(cklist_tcase(s, "ctxcache", 120), 1, cc_shares, cc_lru,
	    cc_expired_first, cc_half_open_ttl, cc_reference_outlives_eviction,
	    cc_default_size, cc_threads);
	CKLIST(cklist_tcase(s, "flood", FLOOD_LIMIT_S + 120), 1, flood);
	return s;
}

/* The demo server, with ASan's quarantine small for it alone. */
static int
setup(void)
{
	char asan[512];
	const char *prev = getenv("ASAN_OPTIONS");
	int ret;

	/* Freed memory in ASan's quarantine would count as growth. */
	snprintf(asan, sizeof(asan), "%s%squarantine_size_mb=16",
	    prev != NULL ? prev : "", prev != NULL && *prev != '\0' ? ":" : "");
	setenv("ASAN_OPTIONS", asan, 1);
	ret = e2e_server_start(&server, &port, testbed_server_keytab(bed),
	    NULL);
	if (prev != NULL)
		setenv("ASAN_OPTIONS", prev, 1);
	else
		unsetenv("ASAN_OPTIONS");
	return ret;
}

static int
teardown(void)
{
	return raw_server_stop(&server);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return e2e_main(flood_suite(), &(struct testbed_opts){ 0 }, &bed,
	    setup, teardown);
}
