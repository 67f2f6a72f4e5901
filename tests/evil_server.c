/* tests/evil_server.c - a DEMOFS server that misbehaves on purpose */
/*
 * evil_server --port P --mode MODE
 *
 * Speaks RFC 2203 by hand on 127.0.0.1:P, TCP and UDP, with the library's
 * codecs and GSS-API directly (acceptor: KRB5_KTNAME, set by the test bed),
 * so that it can break exactly one rule per mode:
 *
 *	good		behaves: the control that shows the others are refused
 *			for their one fault and nothing else
 *	badverf		reply verifier: MIC(seq) with one bit flipped (forged)
 *	bodyseq		integrity/privacy reply body carries seq + 1
 *	noconf		privacy reply wrapped without confidentiality
 *	badmic-window	INIT COMPLETE verifier: MIC(seq_window), one bit flipped
 *	window0		INIT COMPLETE announces seq_window 0 (its MIC correct)
 *	bighandle	INIT COMPLETE hands out a 390-byte handle
 *
 * DEMOFS procedures served: NULL, ECHO, STATS.  Prints "ready" once
 * listening and "served ECHO seq N" (flushed) for every ECHO it answered,
 * so a test can tell "the server answered and the client refused the
 * answer" from "the server failed".  Runs until killed.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <openssl/rand.h>

#include "cred_xdr.h"
#include "demofs.h"
#include "hdrmic.h"
#include "internal.h"
#include "xdrbuf.h"

#define MAX_CONNS	32
#define MAX_CTX		64
#define MAX_MSG		(256 * 1024)
#define WINDOW		128
#define BIG_HANDLE	390

enum mode {
	MODE_GOOD, MODE_BADVERF, MODE_BODYSEQ, MODE_NOCONF,
	MODE_BADMIC_WINDOW, MODE_WINDOW0, MODE_BIGHANDLE
};

static const char *const mode_names[] = {
	"good", "badverf", "bodyseq", "noconf", "badmic-window", "window0",
	"bighandle"
};
#define NMODES	(sizeof(mode_names) / sizeof(mode_names[0]))

struct ctx {
	int		 used;
	int		 done;
	uint8_t		 handle[BIG_HANDLE];
	size_t		 handle_len;
	gss_ctx_id_t	 gctx;
};

struct conn {
	int		 fd;
	uint8_t		*buf;
	size_t		 len;
};

static enum mode mode;
static struct ctx ctxs[MAX_CTX];
static uint64_t calls;

static void
die(const char *what)
{
	fprintf(stderr, "evil_server: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct ctx *
ctx_find(const uint8_t *h, size_t hlen)
{
	size_t i;

	for (i = 0; i < MAX_CTX; i++)
		if (ctxs[i].used && ctxs[i].handle_len == hlen &&
		    memcmp(ctxs[i].handle, h, hlen) == 0)
			return &ctxs[i];
	return NULL;
}

static struct ctx *
ctx_new(void)
{
	OM_uint32 min;
	size_t i;

	for (i = 0; i < MAX_CTX; i++)
		if (!ctxs[i].used)
			break;
	if (i == MAX_CTX) {
		/* Full: recycle the first; tests make few contexts. */
		i = 0;
		(void)gss_delete_sec_context(&min, &ctxs[i].gctx,
		    GSS_C_NO_BUFFER);
	}
	memset(&ctxs[i], 0, sizeof(ctxs[i]));
	ctxs[i].used = 1;
	ctxs[i].gctx = GSS_C_NO_CONTEXT;
	ctxs[i].handle_len = mode == MODE_BIGHANDLE ? BIG_HANDLE :
	    RPCAUTH_HANDLE_LEN;
	if (RAND_bytes(ctxs[i].handle, (int)ctxs[i].handle_len) != 1)
		die("RAND_bytes");
	return &ctxs[i];
}

static void
ctx_free(struct ctx *c)
{
	OM_uint32 min;

	(void)gss_delete_sec_context(&min, &c->gctx, GSS_C_NO_BUFFER);
	memset(c, 0, sizeof(*c));
}

/* MIC over a 4-byte big-endian value, optionally spoiled; length or 0. */
static size_t
mic_u32(struct ctx *c, uint32_t v, int spoil, uint8_t *out, size_t cap)
{
	uint8_t be[4] = { v >> 24, v >> 16, v >> 8, v };
	gss_buffer_desc in = { 4, be }, tok = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;
	size_t n = 0;

	maj = gss_get_mic(&min, c->gctx, GSS_C_QOP_DEFAULT, &in, &tok);
	if (maj == GSS_S_COMPLETE && tok.length <= cap && tok.length > 20) {
		memcpy(out, tok.value, tok.length);
		n = tok.length;
		if (spoil)
			out[n - 1] ^= 0x01;
	}
	(void)gss_release_buffer(&min, &tok);
	return n;
}

/* Reply header: accepted, this verifier, accept_stat. */
static void
reply_accepted(struct xdr_wr *w, uint32_t xid, uint32_t vflavor,
    const uint8_t *verf, size_t vlen, uint32_t accept_stat)
{
	xdr_wr_u32(w, xid);
	xdr_wr_u32(w, 1);		/* REPLY */
	xdr_wr_u32(w, 0);		/* MSG_ACCEPTED */
	xdr_wr_u32(w, vflavor);
	xdr_wr_opaque(w, verf, vlen);
	xdr_wr_u32(w, accept_stat);
}

static void
reply_denied(struct xdr_wr *w, uint32_t xid, uint32_t why)
{
	xdr_wr_u32(w, xid);
	xdr_wr_u32(w, 1);
	xdr_wr_u32(w, 1);		/* MSG_DENIED */
	xdr_wr_u32(w, 1);		/* AUTH_ERROR */
	xdr_wr_u32(w, why);
}

/* INIT / CONTINUE_INIT: accept the token, answer rpc_gss_init_res. */
static void
handshake(struct xdr_wr *w, uint32_t xid, const struct rpcauth_cred *cred,
    struct xdr_rd *args)
{
	struct rpcauth_init_res res;
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
	uint8_t verf[400], body[4096];
	struct ctx *c;
	OM_uint32 maj, min, flags = 0;
	size_t toklen, vlen = 0;
	const uint8_t *tok;
	int body_len;

	tok = xdr_rd_opaque(args, 65536, &toklen);
	if (!xdr_rd_ok(args)) {
		reply_accepted(w, xid, AUTH_NONE, NULL, 0, GARBAGE_ARGS);
		return;
	}
	if (cred->gss_proc == RPCAUTH_GSS_INIT)
		c = ctx_new();
	else if ((c = ctx_find(cred->handle, cred->handle_len)) == NULL) {
		reply_denied(w, xid, RPCSEC_GSS_CREDPROBLEM);
		return;
	}
	in.value = (void *)(uintptr_t)tok;
	in.length = toklen;
	maj = gss_accept_sec_context(&min, &c->gctx, GSS_C_NO_CREDENTIAL, &in,
	    GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &out, &flags, NULL, NULL);
	memset(&res, 0, sizeof(res));
	res.handle = c->handle;
	res.handle_len = c->handle_len;
	res.major = maj;
	res.minor = min;
	res.window = mode == MODE_WINDOW0 ? 0 : WINDOW;
	res.token = out.value;
	res.token_len = out.length;
	if (maj == GSS_S_COMPLETE) {
		c->done = 1;
		vlen = mic_u32(c, res.window, mode == MODE_BADMIC_WINDOW, verf,
		    sizeof(verf));
	} else if (maj != GSS_S_CONTINUE_NEEDED) {
		res.handle = NULL;
		res.handle_len = 0;
		res.window = 0;
	}
	body_len = init_res_encode(&res, body, sizeof(body));
	reply_accepted(w, xid, vlen > 0 ? RPCAUTH_FLAVOR : AUTH_NONE, verf,
	    vlen, body_len < 0 ? SYSTEM_ERR : SUCCESS);
	if (body_len > 0)
		xdr_wr_fixed(w, body, (size_t)body_len);
	(void)gss_release_buffer(&min, &out);
	if (GSS_ERROR(maj))
		ctx_free(c);
}

/* {seq, results} protected for `service`, written to w. */
static void
protect(struct xdr_wr *w, struct ctx *c, uint32_t service, uint32_t seq,
    const uint8_t *res, size_t rlen)
{
	uint8_t plain[4096];
	gss_buffer_desc in, tok = GSS_C_EMPTY_BUFFER;
	struct xdr_wr pw;
	OM_uint32 maj, min;
	int conf = 0;

	if (service == RPCAUTH_SVC_NONE) {
		xdr_wr_fixed(w, res, rlen);
		return;
	}
	xdr_wr_init(&pw, plain, sizeof(plain));
	xdr_wr_u32(&pw, mode == MODE_BODYSEQ ? seq + 1 : seq);
	xdr_wr_fixed(&pw, res, rlen);
	in.value = plain;
	in.length = pw.off;
	if (service == RPCAUTH_SVC_INTEGRITY) {
		maj = gss_get_mic(&min, c->gctx, GSS_C_QOP_DEFAULT, &in, &tok);
		xdr_wr_opaque(w, plain, pw.off);
	} else
		maj = gss_wrap(&min, c->gctx, mode != MODE_NOCONF,
		    GSS_C_QOP_DEFAULT, &in, &conf, &tok);
	if (maj == GSS_S_COMPLETE)
		xdr_wr_opaque(w, tok.value, tok.length);
	(void)gss_release_buffer(&min, &tok);
}

/* A DATA or DESTROY call on an established context. */
static void
data(struct xdr_wr *w, uint32_t xid, const struct hdrmic_call *hc,
    const struct rpcauth_cred *cred, const uint8_t *verf, size_t vlen,
    struct xdr_rd *args)
{
	gss_buffer_desc hb, vb = { vlen, (void *)(uintptr_t)verf };
	uint8_t hdr[HDRMIC_MAX_LEN], mic[400], res[4096];
	const uint8_t *a;
	struct xdr_wr rw;
	struct ctx *c;
	OM_uint32 maj, min;
	size_t mlen, alen;
	int hlen;

	c = ctx_find(cred->handle, cred->handle_len);
	if (c == NULL || !c->done) {
		reply_denied(w, xid, RPCSEC_GSS_CREDPROBLEM);
		return;
	}
	hlen = hdrmic_build(hc, hdr, sizeof(hdr));
	hb.value = hdr;
	hb.length = hlen > 0 ? (size_t)hlen : 0;
	maj = gss_verify_mic(&min, c->gctx, &hb, &vb, NULL);
	if (hlen < 0 || maj != GSS_S_COMPLETE) {
		reply_denied(w, xid, RPCSEC_GSS_CREDPROBLEM);
		return;
	}
	mlen = mic_u32(c, cred->seq, mode == MODE_BADVERF, mic, sizeof(mic));
	if (cred->gss_proc == RPCAUTH_GSS_DESTROY) {
		reply_accepted(w, xid, RPCAUTH_FLAVOR, mic, mlen, SUCCESS);
		protect(w, c, cred->service, cred->seq, NULL, 0);
		ctx_free(c);
		return;
	}
	xdr_wr_init(&rw, res, sizeof(res));
	/* Arguments: plain here is enough for ECHO's opaque under "none";
	 * integrity and privacy bodies are taken apart below. */
	if (cred->service == RPCAUTH_SVC_INTEGRITY) {
		(void)xdr_rd_opaque(args, 4096, &alen);	/* {seq, args} */
		(void)xdr_rd_opaque(args, 1024, &alen);	/* checksum */
	}
	switch (hc->proc) {
	case NULLPROC:
		calls++;
		break;
	case DEMOFS_ECHO:
		calls++;
		/* The text does not matter to the test: answer "evil". */
		a = (const uint8_t *)"evil";
		alen = 4;
		xdr_wr_opaque(&rw, a, alen);
		printf("served ECHO seq %u\n", cred->seq);
		fflush(stdout);
		break;
	case DEMOFS_STATS:
		xdr_wr_u32(&rw, (uint32_t)(calls >> 32));
		xdr_wr_u32(&rw, (uint32_t)calls);
		break;
	default:
		reply_accepted(w, xid, RPCAUTH_FLAVOR, mic, mlen,
		    PROC_UNAVAIL);
		return;
	}
	reply_accepted(w, xid, RPCAUTH_FLAVOR, mic, mlen, SUCCESS);
	protect(w, c, cred->service, cred->seq, res, rw.off);
}

/* One call in, one reply out (0 bytes: no reply). */
static size_t
serve(const uint8_t *msg, size_t len, uint8_t *out, size_t cap)
{
	struct rpcauth_cred cred;
	struct hdrmic_call hc;
	struct xdr_rd r;
	struct xdr_wr w;
	const uint8_t *cbody, *vbody;
	size_t clen, vlen;
	uint32_t xid, cflavor, vflavor;

	xdr_rd_init(&r, msg, len);
	xdr_wr_init(&w, out, cap);
	xid = xdr_rd_u32(&r);
	if (xdr_rd_u32(&r) != 0 || xdr_rd_u32(&r) != 2)
		return 0;
	memset(&hc, 0, sizeof(hc));
	hc.xid = xid;
	hc.prog = xdr_rd_u32(&r);
	hc.vers = xdr_rd_u32(&r);
	hc.proc = xdr_rd_u32(&r);
	cflavor = xdr_rd_u32(&r);
	cbody = xdr_rd_opaque(&r, 400, &clen);
	vflavor = xdr_rd_u32(&r);
	vbody = xdr_rd_opaque(&r, 400, &vlen);
	if (!xdr_rd_ok(&r))
		return 0;
	hc.cred_flavor = cflavor;
	hc.cred = cbody;
	hc.cred_len = clen;
	if (cflavor != RPCAUTH_FLAVOR || hc.prog != DEMOFS_PROG ||
	    cred_decode(cbody, clen, &cred) != 0)
		reply_denied(&w, xid, AUTH_BADCRED);
	else if (cred.gss_proc == RPCAUTH_GSS_INIT ||
	    cred.gss_proc == RPCAUTH_GSS_CONTINUE_INIT)
		handshake(&w, xid, &cred, &r);
	else if (vflavor != RPCAUTH_FLAVOR)
		reply_denied(&w, xid, AUTH_BADVERF);
	else
		data(&w, xid, &hc, &cred, vbody, vlen, &r);
	return xdr_wr_ok(&w) ? w.off : 0;
}

static int
listen_on(int type, int port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((fd = socket(AF_INET, type | SOCK_CLOEXEC, 0)) < 0)
		die("socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("bind");
	if (type == SOCK_STREAM && listen(fd, 16) < 0)
		die("listen");
	return fd;
}

/* Answer every whole record in c's buffer; -1 if the peer must go. */
static int
conn_serve(struct conn *c, uint8_t *out)
{
	uint32_t m;
	size_t rl, off = 0, n;

	while (c->len - off >= 4) {
		m = ((uint32_t)c->buf[off] << 24) |
		    ((uint32_t)c->buf[off + 1] << 16) |
		    ((uint32_t)c->buf[off + 2] << 8) | c->buf[off + 3];
		rl = m & 0x7fffffffu;
		/* One fragment per record is all rpcauth's clients send. */
		if (!(m & 0x80000000u) || rl > MAX_MSG - 4)
			return -1;
		if (c->len - off < 4 + rl)
			break;
		n = serve(c->buf + off + 4, rl, out + 4, MAX_MSG - 4);
		if (n > 0) {
			out[0] = 0x80 | (uint8_t)(n >> 24);
			out[1] = (uint8_t)(n >> 16);
			out[2] = (uint8_t)(n >> 8);
			out[3] = (uint8_t)n;
			if (write(c->fd, out, n + 4) != (ssize_t)(n + 4))
				return -1;
		}
		off += 4 + rl;
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "mode", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	static struct conn conns[MAX_CONNS];
	struct pollfd pf[MAX_CONNS + 2];
	uint8_t *in, *out;
	int port = 0, tfd, ufd, ch, i, n;
	size_t k;
	ssize_t r;

	mode = MODE_GOOD;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'p')
			port = atoi(optarg);
		else if (ch == 'm') {
			for (k = 0; k < NMODES; k++)
				if (strcmp(optarg, mode_names[k]) == 0)
					break;
			if (k == NMODES) {
				fprintf(stderr,
				    "evil_server: unknown mode %s\n", optarg);
				return 2;
			}
			mode = (enum mode)k;
		} else
			return 2;
	}
	if (port <= 0 || port > 65535) {
		fprintf(stderr, "usage: evil_server --port P --mode MODE\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((in = malloc(MAX_MSG)) == NULL || (out = malloc(MAX_MSG)) == NULL)
		die("malloc");
	tfd = listen_on(SOCK_STREAM, port);
	ufd = listen_on(SOCK_DGRAM, port);
	for (i = 0; i < MAX_CONNS; i++)
		conns[i].fd = -1;
	printf("evil_server ready on %d, mode %s\n", port, mode_names[mode]);
	fflush(stdout);
	for (;;) {
		pf[0].fd = tfd;
		pf[0].events = POLLIN;
		pf[1].fd = ufd;
		pf[1].events = POLLIN;
		for (i = 0; i < MAX_CONNS; i++) {
			pf[i + 2].fd = conns[i].fd;
			pf[i + 2].events = POLLIN;
		}
		if (poll(pf, MAX_CONNS + 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pf[0].revents & POLLIN) {
			int fd = accept4(tfd, NULL, NULL, SOCK_CLOEXEC);

			for (i = 0; fd >= 0 && i < MAX_CONNS; i++)
				if (conns[i].fd < 0)
					break;
			if (fd >= 0 && i < MAX_CONNS) {
				conns[i].fd = fd;
				conns[i].len = 0;
				if (conns[i].buf == NULL &&
				    (conns[i].buf = malloc(MAX_MSG)) == NULL)
					die("malloc");
			} else if (fd >= 0)
				close(fd);
		}
		if (pf[1].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);

			r = recvfrom(ufd, in, MAX_MSG, 0,
			    (struct sockaddr *)&from, &fl);
			if (r > 0 && (n = (int)serve(in, (size_t)r, out,
			    65000)) > 0)
				(void)sendto(ufd, out, (size_t)n, 0,
				    (struct sockaddr *)&from, fl);
		}
		for (i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &conns[i];

			if (c->fd < 0 || !(pf[i + 2].revents &
			    (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(c->fd, c->buf + c->len, MAX_MSG - c->len);
			if (r <= 0 || (c->len += (size_t)r,
			    conn_serve(c, out) != 0)) {
				close(c->fd);
				c->fd = -1;
			}
		}
	}
}
