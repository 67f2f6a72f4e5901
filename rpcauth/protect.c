/* rpcauth/protect.c - call and reply bodies under none, integrity or privacy */
/*
 * Integrity: opaque databody_integ<> (XDR of {seq_num, body}) followed by
 * opaque checksum<> = GetMIC(databody_integ).  Privacy: opaque
 * databody_priv<> = Wrap(conf, XDR of {seq_num, body}).  A received body is
 * moved off the stream by xdrstream.c and framed by body_xdr.c, the codec
 * the tests and fuzzers exercise; the inner body is decoded from memory
 * only after its checksum or unwrap succeeded.  Buffers are the thread's
 * scratch buffers: nothing is allocated per call below SCRATCH_KEEP.
 *
 * On the krb5 fast path large bodies stream: an integrity body is
 * encoded through xdrtap.c, each 64 KiB piece hashed into the MIC while in
 * cache on its way to the stream, and a received one hashed step by step
 * as xdrstream.c moves it off; a privacy body of 64 KiB or more is sealed
 * piece by piece the same way, and a received token decrypted step by step
 * through a bounce buffer (read_priv).  A pass over 16 MiB that has left
 * the caches costs about half again as much as the same pass over a piece
 * just touched (docs/PERFORMANCE.md); what streaming changes for security
 * is docs/SECURITY.md 18.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <rpc/xdr.h>

#include "body_xdr.h"
#include "gsserr.h"
#include "internal.h"
#include "protect.h"
#include "scratch.h"
#include "xdrbuf.h"
#include "xdrstream.h"
#include "xdrtap.h"

/*
 * Service none: the body is the bare XDR of *where, run here (*r its
 * result, `bad` when proc fails) and NULL returned.  Otherwise the
 * thread's scratch buffers, or NULL with *r PROTECT_E_NOMEM.
 */
static struct scratch *
bodies(uint32_t service, XDR *xdrs, xdrproc_t proc, void *where,
    enum protect_result bad, enum protect_result *r)
{
	struct scratch *s;

	if (service == RPCAUTH_SVC_NONE) {
		scratch_trim();
		*r = (*proc)(xdrs, where) ? PROTECT_OK : bad;
		return NULL;
	}
	if ((s = scratch_thread()) == NULL)
		*r = PROTECT_E_NOMEM;
	return s;
}

/*
 * XDR {seq, *where} (body bytes: xdrtap_sizeof's count) into the thread's
 * SCRATCH_PLAIN buffer, at offset `head` so that an integrity body can be
 * framed around it in place.
 */
static enum protect_result
encode_plain(uint32_t seq, xdrproc_t proc, void *where, size_t body,
    struct scratch *s, size_t head, size_t *len_out)
{
	XDR mx;
	size_t len;
	u_int useq = seq;

	*len_out = 0;
	len = 4 + body;
	if (scratch_reserve(s, head + len) == NULL)
		return PROTECT_E_NOMEM;
	s->used = head + len;
	xdrmem_create(&mx, (caddr_t)s->p + head, (u_int)len, XDR_ENCODE);
	if (!xdr_u_int(&mx, &useq) || !(*proc)(&mx, where)) {
		XDR_DESTROY(&mx);
		return PROTECT_E_ENCODE;
	}
	*len_out = XDR_GETPOS(&mx);
	XDR_DESTROY(&mx);
	return PROTECT_OK;
}

/* rpc_gss_integ_data framed around the databody where it was built. */
static enum protect_result
encode_integ(struct secctx *sc, struct scratch *plain, size_t plen,
    XDR *xdrs, struct secctx_status *st)
{
	uint8_t mic[RPCAUTH_MAX_CHECKSUM];
	size_t tlen = 0, n;
	int len;

	if (secctx_get_mic_into(sc, plain->p + 4, plen, mic, sizeof(mic),
	    &tlen, st) != 0)
		return PROTECT_E_GSS;
	if ((n = integ_body_size(plen, tlen)) == 0)
		return PROTECT_E_TOOBIG;
	if (scratch_reserve(plain, n) == NULL)
		return PROTECT_E_NOMEM;
	plain->used = n;
	len = integ_body_encode(plain->p + 4, plen, mic, tlen, plain->p, n);
	if (len < 0 || xdrstream_put(xdrs, plain->p, (size_t)len) != 0)
		return PROTECT_E_ENCODE;
	return PROTECT_OK;
}

/* Each piece of a received databody goes into its MIC as it arrives. */
static void
mic_tap(void *arg, const void *p, size_t n)
{
	secctx_mic_feed(arg, p, n);
}

/*
 * {seq, *where} through xdrtap.c, each staged piece handed to pass(arg)
 * while in cache: exactly len bytes, the count xdrtap_sizeof gave and the
 * length already sent in front.  An encoder that now gives another count
 * (its data changed under it) fails the call.
 */
static enum protect_result
stream_databody(uint32_t seq, xdrproc_t proc, void *where, size_t len,
    struct scratch *stage, xdrstream_pass_fn *pass, void *arg)
{
	struct xdrtap t;
	u_int useq = seq;

	if (scratch_reserve(stage, XDRTAP_STAGE) == NULL)
		return PROTECT_E_NOMEM;
	stage->used = XDRTAP_STAGE;	/* what release wipes at privacy */
	xdrtap_create(&t, stage->p, XDRTAP_STAGE, len, pass, arg);
	return xdr_u_int(&t.x, &useq) && (*proc)(&t.x, where) &&
	    xdrtap_finish(&t) == 0 ? PROTECT_OK : PROTECT_E_ENCODE;
}

struct integ_pass {
	XDR			*out;
	struct secctx_mic	*m;
};

/* Hashed into the MIC, then put: the piece is in cache for both. */
static int
integ_pass(void *arg, const void *p, size_t n)
{
	struct integ_pass *ip = arg;

	secctx_mic_feed(ip->m, p, n);
	return XDR_PUTBYTES(ip->out, (const char *)p, (u_int)n) ? 0 : -1;
}

/*
 * rpc_gss_integ_data on the fast path, streamed: the databody's length,
 * the databody (each piece hashed on its way to xdrs), then the checksum,
 * which follows it on the wire.  The same bytes as encode_plain +
 * encode_integ, without a buffer the size of the body or a second pass
 * over it.  m is ended here.
 */
static enum protect_result
encode_integ_stream(struct secctx *sc, struct secctx_mic *m, uint32_t seq,
    XDR *xdrs, xdrproc_t proc, void *where, size_t body,
    struct scratch *stage, struct secctx_status *st)
{
	uint8_t mic[RPCAUTH_MAX_CHECKSUM];
	struct integ_pass ip = { xdrs, m };
	enum protect_result r;
	size_t tlen = 0;
	u_int dblen;

	if (integ_body_size(4 + body, RPCAUTH_MAX_CHECKSUM) == 0) {
		secctx_mic_abandon(m);
		return PROTECT_E_TOOBIG;
	}
	dblen = 4 + (u_int)body;
	if (!xdr_u_int(xdrs, &dblen))
		r = PROTECT_E_ENCODE;
	else if ((r = stream_databody(seq, proc, where, dblen, stage,
	    integ_pass, &ip)) == PROTECT_OK && m->fed != dblen)
		r = PROTECT_E_ENCODE;
	if (r != PROTECT_OK) {
		secctx_mic_abandon(m);
		return r;
	}
	if (secctx_mic_make(sc, m, mic, sizeof(mic), &tlen, st) != 0)
		return PROTECT_E_GSS;
	return xdrstream_put_opaque(xdrs, mic, tlen) == 0 ? PROTECT_OK :
	    PROTECT_E_ENCODE;
}

/* Room for what one sealing step writes beyond its input (secctx.h). */
#define SEAL_SLACK	128

struct seal_pass {
	XDR			*out;
	struct secctx_seal	*w;
	uint8_t			*ct;	/* XDRTAP_STAGE + SEAL_SLACK bytes */
};

/* Encrypted, then the ciphertext put: the piece never leaves the cache. */
static int
seal_pass(void *arg, const void *p, size_t n)
{
	struct seal_pass *sp = arg;
	size_t k;

	if (secctx_seal_feed(sp->w, p, n, sp->ct, &k) != 0)
		return -1;
	return k == 0 || XDR_PUTBYTES(sp->out, (const char *)sp->ct,
	    (u_int)k) ? 0 : -1;
}

/*
 * rpc_gss_priv_data for a long databody (plen bytes) on the fast path,
 * streamed: the token's length, its header and first ciphertext, each
 * staged piece of {seq, args} encrypted on its way to xdrs, then the CTS
 * tail and the tag.  Byte for byte secctx_wrap_into's token, without a
 * plaintext buffer the size of the body to fill and wipe.  *streamed is
 * 0 (and nothing was written) when the context is not on the fast path.
 */
static enum protect_result
encode_priv_stream(struct secctx *sc, uint32_t seq, XDR *xdrs,
    xdrproc_t proc, void *where, size_t plen, struct scratch *stage,
    struct scratch *ct, int *streamed, struct secctx_status *st)
{
	static const char zero[4];
	struct secctx_seal w;
	struct seal_pass sp = { xdrs, &w, NULL };
	enum protect_result r = PROTECT_E_ENCODE;
	size_t k, toklen;
	u_int tl;
	int b;

	*streamed = 0;
	if ((sp.ct = scratch_reserve(ct, XDRTAP_STAGE + SEAL_SLACK)) == NULL)
		return PROTECT_E_NOMEM;
	if ((b = secctx_seal_begin(sc, plen, &w, sp.ct, &k, &toklen,
	    st)) == 0)
		return PROTECT_OK;
	*streamed = 1;
	if (b < 0)
		return PROTECT_E_GSS;
	tl = (u_int)toklen;
	if (toklen > UINT32_MAX - 3)
		r = PROTECT_E_TOOBIG;
	else if (xdr_u_int(xdrs, &tl) &&
	    XDR_PUTBYTES(xdrs, (const char *)sp.ct, (u_int)k))
		r = stream_databody(seq, proc, where, plen, stage, seal_pass,
		    &sp);
	if (r != PROTECT_OK) {
		secctx_seal_abandon(&w);
		return r;
	}
	if (secctx_seal_end(sc, &w, sp.ct, &k, st) != 0)
		return PROTECT_E_GSS;
	/* opaque<> padding, as xdr_opaque writes it. */
	if (!XDR_PUTBYTES(xdrs, (const char *)sp.ct, (u_int)k) ||
	    (toklen % 4 != 0 &&
	    !XDR_PUTBYTES(xdrs, zero, (u_int)(4 - toklen % 4))))
		return PROTECT_E_ENCODE;
	return PROTECT_OK;
}

enum protect_result
protect_encode(struct secctx *sc, uint32_t service, uint32_t seq, XDR *xdrs,
    xdrproc_t proc, void *where, struct secctx_status *st)
{
	struct scratch *s, *plain, *tok;
	struct secctx_mic m;
	enum protect_result r;
	size_t body = 0, plen = 0, tlen = 0;
	int streamed = 0;

	if ((s = bodies(service, xdrs, proc, where, PROTECT_E_ENCODE,
	    &r)) == NULL)
		return r;
	plain = &s[SCRATCH_PLAIN];
	tok = &s[SCRATCH_TOKEN];
	/* Measured once, without lending the encoder a buffer (xdrtap.h). */
	if (xdrtap_sizeof(proc, where, &body) != 0) {
		r = PROTECT_E_ENCODE;
		goto out;
	}
	if (body > (size_t)UINT32_MAX - 8) {
		r = PROTECT_E_TOOBIG;
		goto out;
	}
	if (service == RPCAUTH_SVC_INTEGRITY) {
		if (secctx_mic_begin(sc, 1, &m)) {
			r = encode_integ_stream(sc, &m, seq, xdrs, proc, where,
			    body, plain, st);
			goto out;
		}
		/* Room for the databody's length in front of it. */
		if ((r = encode_plain(seq, proc, where, body, plain, 4,
		    &plen)) == PROTECT_OK)
			r = encode_integ(sc, plain, plen, xdrs, st);
		goto out;
	}
	/* A long body is sealed as it streams out when the context allows. */
	if (body >= XDRTAP_STAGE &&
	    ((r = encode_priv_stream(sc, seq, xdrs, proc, where, 4 + body,
	    plain, tok, &streamed, st)) != PROTECT_OK || streamed))
		goto out;
	if ((r = encode_plain(seq, proc, where, body, plain, 0, &plen)) !=
	    PROTECT_OK)
		goto out;
	if (secctx_wrap_into(sc, plain->p, plen, tok, &tlen, st) != 0) {
		r = PROTECT_E_GSS;
		goto out;
	}
	/* rpc_gss_priv_data; the token is not copied to be framed. */
	if (xdrstream_put_opaque(xdrs, tok->p, tlen) != 0)
		r = PROTECT_E_ENCODE;
out:
	/* The plaintext of a privacy body must not linger. */
	scratch_release(plain, service == RPCAUTH_SVC_PRIVACY);
	scratch_release(tok, 0);
	return r;
}

/*
 * A verified databody {seq_num, args} (RFC 2203 5.3.2.2): got is its
 * seq_num, args what follows.  Decode the arguments into *where.
 */
static enum protect_result
decode_args(size_t dblen, uint32_t got, const uint8_t *args, size_t argslen,
    uint32_t seq, xdrproc_t proc, void *where)
{
	XDR mx;
	bool_t ok;

	/* XDR bodies are whole 4-byte units (RFC 4506). */
	if (dblen % 4 != 0)
		return PROTECT_E_DECODE;
	if (got != seq)
		return PROTECT_E_SEQ;
	xdrmem_create(&mx, (caddr_t)(uintptr_t)args, (u_int)argslen,
	    XDR_DECODE);
	ok = (*proc)(&mx, where);
	XDR_DESTROY(&mx);
	/* rpcgen's dispatch never frees arguments that failed halfway: we do,
	 * once (xdr_free leaves NULLs behind for a later svc_freeargs). */
	if (!ok)
		xdr_free(proc, where);
	return ok ? PROTECT_OK : PROTECT_E_DECODE;
}

/*
 * rpc_gss_integ_data: framing and seq_num checked before the checksum.
 * m, when not NULL, already hashed the databody as it came off the
 * stream (the fast path); it is ended here either way.
 */
static enum protect_result
decode_integ(struct secctx *sc, const struct scratch *body, size_t max_body,
    uint32_t seq, xdrproc_t proc, void *where, struct secctx_mic *m,
    struct secctx_status *st)
{
	const uint8_t *db, *ck, *args;
	size_t dblen, cklen, argslen;
	uint32_t got;
	int bad;

	if (integ_body_parse(body->p, body->used, max_body, &db, &dblen,
	    &ck, &cklen) != 0 ||
	    databody_split(db, dblen, &got, &args, &argslen) != 0 ||
	    (m != NULL && m->fed != dblen)) {
		if (m != NULL)
			secctx_mic_abandon(m);
		return PROTECT_E_DECODE;
	}
	bad = m != NULL ? secctx_mic_check(sc, m, ck, cklen, st) :
	    secctx_verify_mic(sc, db, dblen, ck, cklen, st);
	if (bad != 0)
		return PROTECT_E_CHECKSUM;
	return decode_args(dblen, got, args, argslen, seq, proc, where);
}

/* rpc_gss_priv_data: the token, unwrapped into SCRATCH_OPEN. */
static enum protect_result
decode_priv(struct secctx *sc, const struct scratch *body,
    struct scratch *open, size_t max_body, uint32_t seq, xdrproc_t proc,
    void *where, struct secctx_status *st)
{
	const uint8_t *tok, *args;
	size_t toklen, plen = 0, argslen;
	uint32_t got;

	if (priv_body_parse(body->p, body->used, max_body, &tok,
	    &toklen) != 0)
		return PROTECT_E_DECODE;
	if (secctx_unwrap_into(sc, tok, toklen, open, &plen, st) != 0)
		return PROTECT_E_UNWRAP;
	if (databody_split(open->p, plen, &got, &args, &argslen) != 0)
		return PROTECT_E_DECODE;
	return decode_args(plen, got, args, argslen, seq, proc, where);
}

/* Opening a long privacy token as it arrives (read_priv). */
enum open_mode { OPEN_HEADER, OPEN_STREAM, OPEN_STORE, OPEN_REFUSED,
    OPEN_NOMEM };

struct open_pass {
	struct secctx		*sc;
	struct secctx_status	*st;
	struct secctx_open	 u;
	struct scratch		*body;	/* the token, when kept whole */
	struct scratch		*open;	/* the plaintext */
	size_t			 toklen;
	uint8_t			 hdr[16];
	size_t			 hfill;
	size_t			 written;	/* plaintext so far */
	enum open_mode		 mode;
};

/* The header decides; then each step is decrypted while in cache. */
static int
open_step(void *arg, const void *p, size_t n)
{
	struct open_pass *op = arg;
	const uint8_t *q = p;
	size_t k;

	if (op->mode == OPEN_HEADER) {
		k = sizeof(op->hdr) - op->hfill < n ?
		    sizeof(op->hdr) - op->hfill : n;
		memcpy(op->hdr + op->hfill, q, k);
		op->hfill += k;
		q += k;
		n -= k;
		if (op->hfill < sizeof(op->hdr))
			return 0;
		switch (secctx_open_begin(op->sc, op->hdr, op->toklen, &op->u,
		    op->st)) {
		case 1:
			/*
			 * All of it now (at most max_body, as the whole-token
			 * path reserves): growing later could move plaintext
			 * and leave it in freed memory.  All of it is wiped at
			 * release, the bytes the last step writes included.
			 */
			op->mode = OPEN_STREAM;
			if (scratch_reserve(op->open, op->toklen) == NULL) {
				secctx_open_abandon(&op->u);
				op->mode = OPEN_NOMEM;
				return -1;
			}
			op->open->used = op->toklen;
			break;
		case 0:
			/* GSS path or a rotated body: kept whole after all. */
			op->mode = OPEN_STORE;
			if (xdrstream_append(op->body, op->hdr,
			    sizeof(op->hdr)) != 0)
				return -1;
			break;
		default:
			op->mode = OPEN_REFUSED;
			return -1;
		}
	}
	if (op->mode == OPEN_STORE)
		return xdrstream_append(op->body, q, n);
	if (n > 0 && secctx_open_feed(&op->u, q, n,
	    op->open->p + op->written, &k) != 0)
		return -1;
	if (n > 0)
		op->written += k;
	return 0;
}

/*
 * rpc_gss_priv_data off the stream.  A long token on the fast path is
 * opened as it arrives, each step decrypted while in cache through a
 * bounce buffer (the thread's SCRATCH_TOKEN, idle while a body is read),
 * no copy of the ciphertext kept; nothing decrypted is used before the
 * tag and header copy verified.  Any other token is moved off whole and
 * opened by decode_priv.
 */
static enum protect_result
read_priv(struct secctx *sc, XDR *xdrs, struct scratch *s, size_t max_body,
    uint32_t seq, xdrproc_t proc, void *where, struct secctx_status *st)
{
	struct open_pass op;
	struct scratch *body = &s[SCRATCH_BODY], *open = &s[SCRATCH_OPEN];
	struct scratch *bounce = &s[SCRATCH_TOKEN];
	const uint8_t *args;
	size_t plen, argslen;
	uint32_t got;
	u_int len;

	if (!xdr_u_int(xdrs, &len) || len > max_body)
		return PROTECT_E_DECODE;
	if (len < XDRTAP_STAGE) {
		if (xdrstream_read_opaque_len(xdrs, len, body, NULL, NULL) != 0)
			return PROTECT_E_DECODE;
		return decode_priv(sc, body, open, max_body, seq, proc, where,
		    st);
	}
	op = (struct open_pass){ .sc = sc, .st = st, .body = body,
	    .open = open, .toklen = len, .mode = OPEN_HEADER };
	if (scratch_reserve(bounce, XDRTAP_STAGE) == NULL ||
	    xdrstream_append(body, (uint8_t[4]){ len >> 24, len >> 16,
	    len >> 8, len }, 4) != 0)
		return PROTECT_E_NOMEM;
	if (xdrstream_pass_bytes(xdrs, len, bounce->p, XDRTAP_STAGE, open_step,
	    &op) != 0) {
		if (op.mode == OPEN_STREAM)
			secctx_open_abandon(&op.u);
		return op.mode == OPEN_REFUSED ? PROTECT_E_UNWRAP :
		    op.mode == OPEN_NOMEM ? PROTECT_E_NOMEM : PROTECT_E_DECODE;
	}
	if (op.mode == OPEN_STORE) {
		if (xdrstream_append(body, NULL, XDR_RNDUP(len) - len) != 0)
			return PROTECT_E_NOMEM;
		return decode_priv(sc, body, open, max_body, seq, proc, where,
		    st);
	}
	if (secctx_open_end(sc, &op.u, open->p, op.written, &plen, st) != 0)
		return PROTECT_E_UNWRAP;
	if (databody_split(open->p, plen, &got, &args, &argslen) != 0)
		return PROTECT_E_DECODE;
	return decode_args(plen, got, args, argslen, seq, proc, where);
}

enum protect_result
protect_decode(struct secctx *sc, uint32_t service, uint32_t seq, XDR *xdrs,
    xdrproc_t proc, void *where, size_t max_body, struct secctx_status *st)
{
	struct scratch *s, *body;
	struct secctx_mic m, *mp = NULL;
	enum protect_result r;
	int bad;

	if ((s = bodies(service, xdrs, proc, where, PROTECT_E_DECODE,
	    &r)) == NULL)
		return r;
	body = &s[SCRATCH_BODY];
	if (service == RPCAUTH_SVC_PRIVACY) {
		r = read_priv(sc, xdrs, s, max_body, seq, proc, where, st);
		goto out;
	}
	/* The fast path hashes an integrity databody step by step as it
	 * arrives, while each step is in cache. */
	if (secctx_mic_begin(sc, 0, &m))
		mp = &m;
	/* Off the stream as it is encoded; judged by the codec below. */
	bad = xdrstream_read_opaque_tap(xdrs, max_body, body,
	    mp != NULL ? mic_tap : NULL, mp) != 0 ||
	    xdrstream_read_opaque(xdrs, RPCAUTH_MAX_CHECKSUM, body) != 0;
	if (bad) {
		if (mp != NULL)
			secctx_mic_abandon(mp);
		r = PROTECT_E_DECODE;
	} else
		r = decode_integ(sc, body, max_body, seq, proc, where, mp, st);
out:
	scratch_release(body, 0);
	scratch_release(&s[SCRATCH_OPEN], 1);
	/* SCRATCH_TOKEN lent its kept buffer as read_priv's bounce: not
	 * released here, so a large one the sends keep stays theirs. */
	return r;
}

const char *
protect_strerror(enum protect_result r)
{
	switch (r) {
	case PROTECT_OK:
		return "ok";
	case PROTECT_E_ENCODE:
		return "cannot encode the body";
	case PROTECT_E_DECODE:
		return "malformed or undecodable body";
	case PROTECT_E_TOOBIG:
		return "body larger than the configured limit";
	case PROTECT_E_CHECKSUM:
		return "integrity checksum does not verify";
	case PROTECT_E_UNWRAP:
		return "privacy body does not unwrap with confidentiality";
	case PROTECT_E_SEQ:
		return "sequence number inside the body differs from the credential's";
	case PROTECT_E_GSS:
		return "GetMIC or Wrap failed";
	case PROTECT_E_NOMEM:
		return "out of memory";
	}
	return "unknown error";
}

int
protect_err_set(struct rpcauth_err *err, enum protect_result r,
    const struct secctx_status *st, gss_OID mech, const char *what)
{
	if (r == PROTECT_E_GSS && st != NULL)
		return gsserr_set(err, RPCAUTH_E_GSS, what, st->major,
		    st->minor, mech);
	return rpcauth_err_set(err, r == PROTECT_E_NOMEM ? RPCAUTH_E_NOMEM :
	    RPCAUTH_E_PROTO, "%s: %s", what, protect_strerror(r));
}
