/* tests/fuzz/fuzz_protect.c - libFuzzer target: integrity and privacy unwrapping */
/*
 * LLVMFuzzerInitialize starts the test bed and makes an established krb5
 * initiator/acceptor pair in-process.  Each input is then a body handed to
 * protect_decode() over xdrmem, as svc_getargs (acceptor side) or the
 * client's unwrap (initiator side) would hand it, with an application
 * argument of opaque<65536>.
 *
 * Input: byte 0 picks
 *	bit 0		service: integrity (0) or privacy (1)
 *	bit 1		direction: a call (the acceptor decodes what the
 *			initiator sealed) or a reply (the other way round)
 *	bits 2-3	mode: 0 RAW, 1 SEAL, 2 TAMPER, 3 RAW
 * bytes 1-4 are the sequence number the credential claimed (big-endian).
 *	RAW	the rest is the body exactly as it came off the wire.
 *	SEAL	the rest is the plaintext databody ({seq_num, args} as the
 *		peer would have encoded it, or anything else); the harness
 *		frames it and makes the MIC or wrap token with the peer's
 *		context, so the fuzzer reaches the code behind the checksum.
 *	TAMPER	bytes 5-6 a position, byte 7 an XOR mask, the rest a
 *		plaintext: sealed as in SEAL, then that byte of the body
 *		(position modulo the length) is changed.
 * protect_decode() is the production path: the body is moved off the
 * stream by xdrstream.c and framed by body_xdr.c, the codec that
 * check_body_xdr tests; the harness also runs that codec on the whole body
 * by itself, to hold the two to the same answers.
 *
 * Invariants: a RAW body never passes (nobody can make a MIC or wrap
 * token for keys made in this process); a RAW body that the framing codec
 * accepts whole reaches the GSS check (CHECKSUM or UNWRAP), having read
 * every byte of it; a SEALed body is read whole, always gets past the
 * checksum or unwrap, and fails only on its seq_num or its arguments; a
 * TAMPERed body that passes decodes to exactly the original arguments
 * (only XDR padding may change unnoticed: libtirpc skips it unread).
 */
#include "config.h"

#include <string.h>

#include <rpc/rpc.h>

#include "body_xdr.h"
#include "internal.h"
#include "fuzz.h"
#include "protect.h"

#define ARGS_MAX	65536
#define MAX_BODY	RPCAUTH_DEFAULT_MAX_BODY

enum { MODE_RAW, MODE_SEAL, MODE_TAMPER, MODE_RAW2 };

struct args {
	char	*val;
	u_int	 len;
};

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct secctx ini, acc;

static bool_t
xdr_args(XDR *xdrs, struct args *a)
{
	return xdr_bytes(xdrs, &a->val, &a->len, ARGS_MAX);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_bed();
	FUZZ_SETUP(fuzz_gss_pair(&ini, &acc) == 0);
	return 0;
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Frame plain as the peer would: opaque<> + MIC, or opaque<> of Wrap. */
static uint8_t *
seal(struct secctx *sc, uint32_t service, const uint8_t *plain, size_t plen,
    size_t *len_out)
{
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	struct secctx_status st;
	uint8_t *body;
	size_t blen;
	OM_uint32 min;
	int n;

	if (service == RPCAUTH_SVC_INTEGRITY) {
		FUZZ_CHECK(secctx_get_mic(sc, plain, plen, &tok, &st) == 0);
		blen = integ_body_size(plen, tok.length);
		FUZZ_CHECK(blen != 0 && (body = malloc(blen)) != NULL);
		n = integ_body_encode(plain, plen, tok.value, tok.length,
		    body, blen);
	} else {
		FUZZ_CHECK(secctx_wrap(sc, plain, plen, &tok, &st) == 0);
		blen = priv_body_size(tok.length);
		FUZZ_CHECK(blen != 0 && (body = malloc(blen)) != NULL);
		n = priv_body_encode(tok.value, tok.length, body, blen);
	}
	FUZZ_CHECK(n >= 0 && (size_t)n == blen);
	(void)gss_release_buffer(&min, &tok);
	*len_out = blen;
	return body;
}

/* protect_decode() over xdrmem, as svc_getargs would; *pos_out: bytes read. */
static enum protect_result
decode(struct secctx *sc, uint32_t service, uint32_t seq, const uint8_t *body,
    size_t blen, struct args *a, size_t *pos_out)
{
	struct secctx_status st;
	enum protect_result r;
	XDR x;

	memset(a, 0, sizeof(*a));
	xdrmem_create(&x, (caddr_t)(uintptr_t)body, (u_int)blen, XDR_DECODE);
	r = protect_decode(sc, service, seq, &x, (xdrproc_t)xdr_args, a,
	    MAX_BODY, &st);
	*pos_out = XDR_GETPOS(&x);
	XDR_DESTROY(&x);
	return r;
}

/*
 * Does the framing codec accept the whole body as a well-formed message
 * that must reach the GSS check?  Integrity: both opaques and a databody
 * holding at least the seq_num; privacy: a non-empty token.
 */
static int
framing_ok(uint32_t service, const uint8_t *body, size_t blen)
{
	const uint8_t *db, *ck, *tok, *args;
	size_t dblen, cklen, toklen, argslen;
	uint32_t seq;

	if (service == RPCAUTH_SVC_PRIVACY) {
		if (priv_body_parse(body, blen, MAX_BODY, &tok, &toklen) != 0)
			return 0;
		FUZZ_CHECK(toklen >= 1 && toklen + 4 <= blen);
		return 1;
	}
	if (integ_body_parse(body, blen, MAX_BODY, &db, &dblen, &ck,
	    &cklen) != 0)
		return 0;
	FUZZ_CHECK(cklen >= 1 && cklen <= RPCAUTH_MAX_CHECKSUM);
	if (databody_split(db, dblen, &seq, &args, &argslen) != 0)
		return 0;
	FUZZ_CHECK(args != NULL && argslen + 4 == dblen);
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secctx *sealer, *opener;
	struct args got, orig;
	enum protect_result r, r0;
	uint32_t service, seq;
	uint8_t *body = NULL;
	const uint8_t *plain;
	size_t blen, plen, pos, used;
	int mode;

	if (size < 5)
		return 0;
	service = (data[0] & 1) ? RPCAUTH_SVC_PRIVACY : RPCAUTH_SVC_INTEGRITY;
	sealer = (data[0] & 2) ? &acc : &ini;
	opener = (data[0] & 2) ? &ini : &acc;
	mode = (data[0] >> 2) & 3;
	seq = get_be32(data + 1);

	switch (mode) {
	case MODE_RAW:
	case MODE_RAW2:
		r = decode(opener, service, seq, data + 5, size - 5, &got,
		    &used);
		FUZZ_CHECK(r != PROTECT_OK);
		if (framing_ok(service, data + 5, size - 5)) {
			FUZZ_CHECK(used == size - 5);
			FUZZ_CHECK(r == (service == RPCAUTH_SVC_PRIVACY ?
			    PROTECT_E_UNWRAP : PROTECT_E_CHECKSUM));
		}
		xdr_free((xdrproc_t)xdr_args, (char *)&got);
		break;
	case MODE_SEAL:
		plain = data + 5;
		plen = size - 5;
		body = seal(sealer, service, plain, plen, &blen);
		r = decode(opener, service, seq, body, blen, &got, &used);
		FUZZ_CHECK(used == blen);
		FUZZ_CHECK(r == PROTECT_OK || r == PROTECT_E_SEQ ||
		    r == PROTECT_E_DECODE);
		/* Whole XDR units with another seq_num: always E_SEQ. */
		if (r == PROTECT_E_SEQ)
			FUZZ_CHECK(plen >= 4 && get_be32(plain) != seq);
		if (plen >= 4 && plen % 4 == 0 && get_be32(plain) != seq)
			FUZZ_CHECK(r == PROTECT_E_SEQ);
		if (r == PROTECT_OK)
			FUZZ_CHECK(get_be32(plain) == seq);
		xdr_free((xdrproc_t)xdr_args, (char *)&got);
		break;
	case MODE_TAMPER:
		if (size < 8)
			return 0;
		plain = data + 8;
		plen = size - 8;
		body = seal(sealer, service, plain, plen, &blen);
		r0 = decode(opener, service, seq, body, blen, &orig, &used);
		pos = ((size_t)data[5] << 8 | data[6]) % blen;
		body[pos] ^= data[7] != 0 ? data[7] : 1;
		r = decode(opener, service, seq, body, blen, &got, &used);
		if (r == PROTECT_OK) {
			/* Only XDR padding may change without notice. */
			FUZZ_CHECK(r0 == PROTECT_OK);
			FUZZ_CHECK(got.len == orig.len &&
			    (got.len == 0 ||
			    memcmp(got.val, orig.val, got.len) == 0));
		}
		xdr_free((xdrproc_t)xdr_args, (char *)&orig);
		xdr_free((xdrproc_t)xdr_args, (char *)&got);
		break;
	}
	free(body);
	return 0;
}
