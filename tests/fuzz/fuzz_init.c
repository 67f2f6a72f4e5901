/* tests/fuzz/fuzz_init.c - libFuzzer target: init argument and init result decoding */
/*
 * The whole input is read four ways: as rpc_gss_init_arg and as
 * rpc_gss_init_res, each by the buffer codec alone (cred_xdr.c, strict:
 * no trailing bytes, zero padding) and by the production procedure
 * (init_xdr.c over xdrmem: what the server reads from a client's INIT,
 * and what the client reads from a possibly hostile server's reply),
 * which moves the fields off the stream (xdrstream.c: bounded, padding
 * skipped unread as libtirpc does) and then runs that same codec.
 * Bounds are the library's own: 64 KiB for a client's token (the server
 * default), 1 MiB for a server's token (the client's), handles of at most
 * 380 bytes.
 *
 * Invariants: what the buffer codec accepts re-encodes to the same bytes,
 * and the stream procedure reads the same values from it using every
 * byte; when the stream procedure's values re-encode to exactly the input,
 * the buffer codec accepts it too (the two agree on every canonical
 * message).  Nothing decoded exceeds its bound, and a forged length costs
 * no allocation beyond the bytes present (libFuzzer's -malloc_limit_mb
 * catches that).  Everything decoded is freed (LeakSanitizer).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <rpc/rpc.h>

#include "cred_xdr.h"
#include "fuzz.h"
#include "init_xdr.h"

/* The library's own bounds (bounds.h): a server's, then a client's. */
#define ARG_MAX_TOKEN	RPCAUTH_DEFAULT_MAX_TOKEN
#define RES_MAX_TOKEN	RPCAUTH_CLNT_MAX_TOKEN

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* An encoder of one codec: `what` into out (cap bytes); length, or -1. */
typedef int (*encode_fn)(const void *what, uint8_t *out, size_t cap);

/*
 * Encode `what` into enclen bytes (the codec's size for it).  canonical:
 * the strict codec accepted the input, so the output must be the input
 * exactly; else it refused it, so the output must differ from it.
 */
static void
reencode(encode_fn encode, const void *what, size_t enclen,
    const uint8_t *data, size_t size, int canonical)
{
	uint8_t *enc;
	int n;

	if (canonical)
		FUZZ_CHECK(enclen == size);
	FUZZ_CHECK(enclen != 0 && (enc = malloc(enclen)) != NULL);
	n = encode(what, enc, enclen);
	FUZZ_CHECK(n >= 0);
	FUZZ_CHECK(same_bytes(enc, (size_t)n, data, size) == canonical);
	free(enc);
}

/* The whole input through the stream procedure; *pos: the bytes it used. */
static int
stream_decode(xdrproc_t proc, void *obj, const uint8_t *data, size_t size,
    u_int *pos)
{
	XDR x;
	int ok;

	xdrmem_create(&x, (caddr_t)(uintptr_t)data, (u_int)size, XDR_DECODE);
	ok = proc(&x, obj);
	*pos = XDR_GETPOS(&x);
	XDR_DESTROY(&x);
	return ok;
}

/* A token to encode as rpc_gss_init_arg. */
struct tokref {
	const uint8_t	*tok;
	size_t		 len;
};

static int
arg_encode(const void *what, uint8_t *out, size_t cap)
{
	const struct tokref *t = what;

	return init_arg_encode(t->tok, t->len, out, cap);
}

static int
res_encode(const void *what, uint8_t *out, size_t cap)
{
	return init_res_encode(what, out, cap);
}

static void
check_arg(const uint8_t *data, size_t size)
{
	struct init_arg a;
	struct tokref t;
	int buf_ok, str_ok;
	u_int pos;

	buf_ok = init_arg_decode(data, size, ARG_MAX_TOKEN, &t.tok,
	    &t.len) == 0;
	if (buf_ok) {
		FUZZ_CHECK(t.len <= ARG_MAX_TOKEN);
		FUZZ_CHECK((t.tok == NULL) == (t.len == 0));
		reencode(arg_encode, &t, init_arg_size(t.len), data, size, 1);
	}

	memset(&a, 0, sizeof(a));
	a.max_token = ARG_MAX_TOKEN;
	str_ok = stream_decode((xdrproc_t)xdr_init_arg, &a, data, size, &pos);
	if (str_ok) {
		FUZZ_CHECK(a.token != NULL);
		FUZZ_CHECK(a.token_len <= ARG_MAX_TOKEN);
		FUZZ_CHECK(pos <= size);
	}
	if (buf_ok) {
		FUZZ_CHECK(str_ok && pos == size);
		FUZZ_CHECK(same_bytes(a.token, a.token_len, t.tok, t.len));
	}
	if (str_ok && pos == size && !buf_ok) {
		/* The strict codec may refuse only a non-canonical message. */
		t.tok = a.token;
		t.len = a.token_len;
		reencode(arg_encode, &t, init_arg_size(t.len), data, size, 0);
	}
	xdr_free((xdrproc_t)xdr_init_arg, (char *)&a);
	FUZZ_CHECK(a.token == NULL);
}

static void
check_res(const uint8_t *data, size_t size)
{
	struct rpcauth_init_res br, cr;
	struct init_res r;
	int buf_ok, str_ok;
	u_int pos;

	buf_ok = init_res_decode(data, size, RPCAUTH_CRED_MAX_HANDLE,
	    RES_MAX_TOKEN, &br) == 0;
	if (buf_ok) {
		FUZZ_CHECK(br.handle_len <= RPCAUTH_CRED_MAX_HANDLE);
		FUZZ_CHECK(br.token_len <= RES_MAX_TOKEN);
		reencode(res_encode, &br, init_res_size(&br), data, size, 1);
	}

	memset(&r, 0, sizeof(r));
	r.max_token = RES_MAX_TOKEN;
	str_ok = stream_decode((xdrproc_t)xdr_init_res, &r, data, size, &pos);
	if (str_ok) {
		FUZZ_CHECK(r.handle_len <= RPCAUTH_CRED_MAX_HANDLE);
		FUZZ_CHECK(r.token != NULL && r.token_len <= RES_MAX_TOKEN);
		FUZZ_CHECK(pos <= size);
	}
	if (buf_ok) {
		FUZZ_CHECK(str_ok && pos == size);
		FUZZ_CHECK(same_bytes(r.handle, r.handle_len, br.handle,
		    br.handle_len));
		FUZZ_CHECK(r.major == br.major && r.minor == br.minor &&
		    r.window == br.window);
		FUZZ_CHECK(same_bytes(r.token, r.token_len, br.token,
		    br.token_len));
	}
	if (str_ok && pos == size && !buf_ok) {
		memset(&cr, 0, sizeof(cr));
		cr.handle = r.handle;
		cr.handle_len = r.handle_len;
		cr.major = r.major;
		cr.minor = r.minor;
		cr.window = r.window;
		cr.token = r.token;
		cr.token_len = r.token_len;
		reencode(res_encode, &cr, init_res_size(&cr), data, size, 0);
	}
	xdr_free((xdrproc_t)xdr_init_res, (char *)&r);
	FUZZ_CHECK(r.token == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_arg(data, size);
	check_res(data, size);
	return 0;
}
