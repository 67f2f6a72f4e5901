/* rpcauth/protect.c - call and reply bodies under none, integrity or privacy */
/*
 * Integrity: opaque databody_integ<> (XDR of {seq_num, body}) followed by
 * opaque checksum<> = GetMIC(databody_integ).  Privacy: opaque
 * databody_priv<> = Wrap(conf, XDR of {seq_num, body}).  The inner body is
 * decoded from memory only after its checksum or unwrap succeeded.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <rpc/xdr.h>
#include <openssl/crypto.h>

#include "internal.h"
#include "protect.h"
#include "scratch.h"

/* Read at most this much per step so a forged length costs nothing. */
#define READ_STEP	(64 * 1024)
/* GetMIC tokens are small; anything larger is malformed. */
#define MAX_CHECKSUM	1024

extern u_long xdr_sizeof(xdrproc_t, void *);

/* An opaque into a scratch buffer, grown as the bytes arrive. */
static int
read_opaque_into(XDR *xdrs, size_t max, struct scratch *s, size_t *len_out)
{
	u_int len;
	size_t off = 0, step;

	*len_out = 0;
	if (!xdr_u_int(xdrs, &len) || len > max)
		return -1;
	while (off < len) {
		step = len - off;
		if (step > READ_STEP)
			step = READ_STEP;
		if (scratch_reserve(s, off + step) == NULL)
			return -1;
		s->used = off + step;
		/* Steps are multiples of 4 but the last: padding is read once. */
		if (!xdr_opaque(xdrs, (caddr_t)s->p + off, (u_int)step))
			return -1;
		off += step;
	}
	*len_out = len;
	return 0;
}

int
protect_read_opaque(XDR *xdrs, size_t max, uint8_t **buf_out, size_t *len_out)
{
	struct scratch s;	/* of its own: its one buffer goes to the caller */

	memset(&s, 0, sizeof(s));
	*buf_out = NULL;
	if (read_opaque_into(xdrs, max, &s, len_out) != 0 ||
	    (s.p == NULL && scratch_reserve(&s, 1) == NULL)) {
		scratch_discard(&s, 0);
		*len_out = 0;
		return -1;
	}
	*buf_out = scratch_take(&s);
	return 0;
}

/* XDR {seq, *where} into the thread's SCRATCH_PLAIN buffer. */
static enum protect_result
encode_plain(uint32_t seq, xdrproc_t proc, void *where, struct scratch *s,
    size_t *len_out)
{
	XDR mx;
	u_long body = xdr_sizeof(proc, where);
	size_t len;
	u_int useq = seq;

	*len_out = 0;
	if (body > (u_long)UINT32_MAX - 8)
		return PROTECT_E_TOOBIG;
	len = 4 + (size_t)body;
	if (scratch_reserve(s, len) == NULL)
		return PROTECT_E_NOMEM;
	s->used = len;
	xdrmem_create(&mx, (caddr_t)s->p, (u_int)len, XDR_ENCODE);
	if (!xdr_u_int(&mx, &useq) || !(*proc)(&mx, where)) {
		XDR_DESTROY(&mx);
		return PROTECT_E_ENCODE;
	}
	*len_out = XDR_GETPOS(&mx);
	XDR_DESTROY(&mx);
	return PROTECT_OK;
}

static int
put_opaque(XDR *xdrs, const void *p, size_t len)
{
	u_int n = (u_int)len;

	return xdr_u_int(xdrs, &n) && xdr_opaque(xdrs, (caddr_t)(uintptr_t)p, n);
}

enum protect_result
protect_encode(struct secctx *sc, uint32_t service, uint32_t seq, XDR *xdrs,
    xdrproc_t proc, void *where, struct secctx_status *st)
{
	struct scratch *plain = NULL, *tok = NULL;
	uint8_t mic[MAX_CHECKSUM];
	enum protect_result r;
	size_t plen = 0, tlen = 0;

	if (service == RPCAUTH_SVC_NONE)
		return (*proc)(xdrs, where) ? PROTECT_OK : PROTECT_E_ENCODE;
	if ((plain = scratch_get(SCRATCH_PLAIN)) == NULL ||
	    (tok = scratch_get(SCRATCH_TOKEN)) == NULL) {
		r = PROTECT_E_NOMEM;
		goto out;
	}
	if ((r = encode_plain(seq, proc, where, plain, &plen)) != PROTECT_OK)
		goto out;
	if (service == RPCAUTH_SVC_INTEGRITY) {
		if (secctx_get_mic_into(sc, plain->p, plen, mic, sizeof(mic),
		    &tlen, st) != 0) {
			r = PROTECT_E_GSS;
			goto out;
		}
		if (!put_opaque(xdrs, plain->p, plen) ||
		    !put_opaque(xdrs, mic, tlen))
			r = PROTECT_E_ENCODE;
	} else {
		if (secctx_wrap_into(sc, plain->p, plen, tok, &tlen, st) != 0) {
			r = PROTECT_E_GSS;
			goto out;
		}
		if (!put_opaque(xdrs, tok->p, tlen))
			r = PROTECT_E_ENCODE;
	}
out:
	/* The plaintext of a privacy body must not linger. */
	scratch_release(plain, service == RPCAUTH_SVC_PRIVACY);
	scratch_release(tok, 0);
	return r;
}

/* Check the leading seq_num, then decode the rest into *where. */
static enum protect_result
decode_plain(const uint8_t *p, size_t len, uint32_t seq, xdrproc_t proc,
    void *where)
{
	XDR mx;
	u_int got;
	bool_t ok;

	/* XDR bodies are whole 4-byte units (RFC 4506). */
	if (len < 4 || len % 4 != 0)
		return PROTECT_E_DECODE;
	xdrmem_create(&mx, (caddr_t)(uintptr_t)p, (u_int)len, XDR_DECODE);
	if (!xdr_u_int(&mx, &got)) {
		XDR_DESTROY(&mx);
		return PROTECT_E_DECODE;
	}
	if (got != seq) {
		XDR_DESTROY(&mx);
		return PROTECT_E_SEQ;
	}
	ok = (*proc)(&mx, where);
	XDR_DESTROY(&mx);
	/* rpcgen's dispatch never frees arguments that failed halfway: we do,
	 * once (xdr_free leaves NULLs behind for a later svc_freeargs). */
	if (!ok)
		xdr_free(proc, where);
	return ok ? PROTECT_OK : PROTECT_E_DECODE;
}

/* An opaque of at most cap bytes into buf (checksums: small). */
static int
read_small_opaque(XDR *xdrs, uint8_t *buf, size_t cap, size_t *len_out)
{
	u_int len;

	*len_out = 0;
	if (!xdr_u_int(xdrs, &len) || len > cap ||
	    !xdr_opaque(xdrs, (caddr_t)buf, len))
		return -1;
	*len_out = len;
	return 0;
}

enum protect_result
protect_decode(struct secctx *sc, uint32_t service, uint32_t seq, XDR *xdrs,
    xdrproc_t proc, void *where, size_t max_body, struct secctx_status *st)
{
	struct scratch *body = NULL, *open = NULL;
	uint8_t ck[MAX_CHECKSUM];
	enum protect_result r;
	size_t blen = 0, cklen = 0, plen = 0;

	if (service == RPCAUTH_SVC_NONE)
		return (*proc)(xdrs, where) ? PROTECT_OK : PROTECT_E_DECODE;
	if ((body = scratch_get(SCRATCH_BODY)) == NULL ||
	    (open = scratch_get(SCRATCH_OPEN)) == NULL) {
		r = PROTECT_E_NOMEM;
		goto out;
	}
	if (read_opaque_into(xdrs, max_body, body, &blen) != 0) {
		r = PROTECT_E_DECODE;
		goto out;
	}
	/* Nothing to check a MIC over or to unwrap: an empty opaque leaves
	 * no buffer (body->p may be NULL), and an integrity databody holds at
	 * least the seq_num.  Refused before any GSS call. */
	if (blen == 0 || (service == RPCAUTH_SVC_INTEGRITY && blen < 4)) {
		r = PROTECT_E_DECODE;
		goto out;
	}
	if (service == RPCAUTH_SVC_INTEGRITY) {
		if (read_small_opaque(xdrs, ck, sizeof(ck), &cklen) != 0 ||
		    cklen == 0) {
			r = PROTECT_E_DECODE;
			goto out;
		}
		if (secctx_verify_mic(sc, body->p, blen, ck, cklen, st) != 0) {
			r = PROTECT_E_CHECKSUM;
			goto out;
		}
		r = decode_plain(body->p, blen, seq, proc, where);
	} else {
		if (secctx_unwrap_into(sc, body->p, blen, open, &plen,
		    st) != 0) {
			r = PROTECT_E_UNWRAP;
			goto out;
		}
		r = decode_plain(open->p, plen, seq, proc, where);
	}
out:
	scratch_release(body, 0);
	scratch_release(open, 1);
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
