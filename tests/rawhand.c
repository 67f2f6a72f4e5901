/* tests/rawhand.c - RPCSEC_GSS handshakes and DATA calls made by hand */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <rpc/rpc.h>

#include "body_xdr.h"
#include "gssname.h"
#include "hdrmic.h"
#include "rawhand.h"
#include "rpcauth/rpcauth.h"

void
rawhand_open(struct rawhand *h, int fd, int port, uint32_t prog,
    uint32_t vers, uint32_t xid0)
{
	memset(h, 0, sizeof(*h));
	h->ctx = GSS_C_NO_CONTEXT;
	h->fd = fd;
	h->port = port;
	h->prog = prog;
	h->vers = vers;
	h->xid = xid0;
	ck_assert_int_eq(hostbased_name("demo@localhost", &h->target),
	    GSS_S_COMPLETE);
}

void
rawhand_close(struct rawhand *h)
{
	OM_uint32 min;

	if (h->ctx != GSS_C_NO_CONTEXT)
		(void)gss_delete_sec_context(&min, &h->ctx, GSS_C_NO_BUFFER);
	(void)gss_release_name(&min, &h->target);
	close(h->fd);
}

size_t
rawhand_init_call(uint32_t xid, uint32_t prog, uint32_t vers,
    const uint8_t *handle, size_t hlen, const void *tok, size_t toklen,
    uint8_t *msg, size_t cap)
{
	struct rpcauth_cred cred = { RPCAUTH_GSS_VERS_1, hlen == 0 ?
	    RPCAUTH_GSS_INIT : RPCAUTH_GSS_CONTINUE_INIT, 0,
	    RPCAUTH_SVC_INTEGRITY, hlen ? handle : NULL, hlen };
	uint8_t cbuf[400], *body;
	struct raw_call rc;
	size_t blen = init_arg_size(toklen), mlen;
	int clen = cred_encode(&cred, cbuf, sizeof(cbuf));

	ck_assert_int_gt(clen, 0);
	/* NTLM and SPNEGO tokens can be large: no fixed buffer. */
	ck_assert_ptr_nonnull(body = malloc(blen));
	ck_assert_int_eq(init_arg_encode(tok, toklen, body, blen), (int)blen);
	rc = (struct raw_call){ xid, prog, vers, NULLPROC, RPCAUTH_FLAVOR,
	    cbuf, (size_t)clen, AUTH_NONE, NULL, 0, body, blen };
	mlen = raw_encode_call(&rc, msg, cap);
	free(body);
	ck_assert_uint_gt(mlen, 0);
	return mlen;
}

void
rawhand_leg(struct rawhand *h, const gss_buffer_t tok, struct raw_reply *rep,
    struct rpcauth_init_res *res)
{
	size_t cap = init_arg_size(tok->length) + 1024, mlen;
	uint8_t *msg = malloc(cap);

	ck_assert_ptr_nonnull(msg);
	h->xid++;
	mlen = rawhand_init_call(h->xid, h->prog, h->vers, h->handle,
	    h->handle_len, tok->value, tok->length, msg, cap);
	raw_exchange(h->fd, 0, h->port, msg, mlen, h->xid, 5000, rep);
	free(msg);
	ck_assert_int_eq(rep->kind, RAW_ACCEPTED);
	ck_assert_uint_eq(rep->accept_stat, SUCCESS);
	ck_assert_int_eq(init_res_decode(rep->body, rep->body_len,
	    RPCAUTH_CRED_MAX_HANDLE, 65536, res), 0);
	if (res->handle_len > 0) {
		memcpy(h->handle, res->handle, res->handle_len);
		h->handle_len = res->handle_len;
	}
}

/* {seq} and its MIC (spoiled for RAWHAND_INTEG_BAD) into buf. */
static size_t
integ_body(struct rawhand *h, uint32_t seq, enum rawhand_body bk,
    uint8_t *buf, size_t cap)
{
	uint8_t db[4] = { seq >> 24, seq >> 16, seq >> 8, seq };
	gss_buffer_desc dbb = { 4, db }, ck = GSS_C_EMPTY_BUFFER;
	OM_uint32 min;
	int n;

	ck_assert_uint_eq(gss_get_mic(&min, h->ctx, GSS_C_QOP_DEFAULT, &dbb,
	    &ck), GSS_S_COMPLETE);
	if (bk == RAWHAND_INTEG_BAD)
		((uint8_t *)ck.value)[ck.length - 1] ^= 0x01;
	n = integ_body_encode(db, 4, ck.value, ck.length, buf, cap);
	ck_assert_int_gt(n, 0);
	(void)gss_release_buffer(&min, &ck);
	return (size_t)n;
}

size_t
rawhand_data_call(struct rawhand *h, uint32_t proc, uint32_t seq,
    size_t junk_len, enum rawhand_body bk, uint8_t *msg, size_t cap)
{
	struct rpcauth_cred cred = { RPCAUTH_GSS_VERS_1, RPCAUTH_GSS_DATA, seq,
	    bk == RAWHAND_NONE ? RPCAUTH_SVC_NONE : RPCAUTH_SVC_INTEGRITY,
	    h->handle, h->handle_len };
	uint8_t cbuf[400], hdr[HDRMIC_MAX_LEN], bad[64], body[256];
	gss_buffer_desc hb, mic = GSS_C_EMPTY_BUFFER;
	struct hdrmic_call hc;
	struct raw_call rc;
	OM_uint32 min;
	size_t blen = 0, mlen;
	int clen, hlen;

	clen = cred_encode(&cred, cbuf, sizeof(cbuf));
	ck_assert_int_gt(clen, 0);
	h->xid++;
	hc = (struct hdrmic_call){ h->xid, h->prog, h->vers, proc,
	    RPCAUTH_FLAVOR, cbuf, (size_t)clen };
	hlen = hdrmic_build(&hc, hdr, sizeof(hdr));
	ck_assert_int_gt(hlen, 0);
	if (junk_len > 0) {
		ck_assert_uint_le(junk_len, sizeof(bad));
		memset(bad, 0x5a, junk_len);
		mic.value = bad;
		mic.length = junk_len;
	} else {
		hb.value = hdr;
		hb.length = (size_t)hlen;
		ck_assert_int_eq(gss_get_mic(&min, h->ctx, GSS_C_QOP_DEFAULT,
		    &hb, &mic), GSS_S_COMPLETE);
	}
	if (bk != RAWHAND_NONE)
		blen = integ_body(h, seq, bk, body, sizeof(body));
	rc = (struct raw_call){ h->xid, h->prog, h->vers, proc,
	    RPCAUTH_FLAVOR, cbuf, (size_t)clen, RPCAUTH_FLAVOR, mic.value,
	    mic.length, blen > 0 ? body : NULL, blen };
	mlen = raw_encode_call(&rc, msg, cap);
	if (junk_len == 0)
		(void)gss_release_buffer(&min, &mic);
	ck_assert_uint_gt(mlen, 0);
	return mlen;
}

int
rawhand_verf_ok(const struct rawhand *h, const struct raw_reply *rep,
    uint32_t value)
{
	uint8_t be[4] = { value >> 24, value >> 16, value >> 8, value };
	gss_buffer_desc m = { 4, be }, t = { rep->verf_len,
	    (void *)(uintptr_t)rep->verf };
	OM_uint32 min;

	return rep->verf_flavor == RPCAUTH_FLAVOR &&
	    gss_verify_mic(&min, h->ctx, &m, &t, NULL) == GSS_S_COMPLETE;
}
