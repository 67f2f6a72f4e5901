/* tests/check_krb5_token.c - OpenSSL RFC 4121 tokens against MIT's, on real contexts */
/*
 * The test bed's KDC gets one more service, k5tok/localhost, with keys of
 * the four AES enctypes (kadmin.local addprinc -e, then ktadd -norandkey
 * into k5tok.keytab in the bed's directory).  Each test establishes an
 * in-process context pair whose initiator credential is limited to one
 * enctype (gss_krb5_set_allowable_enctypes), so the session key, the
 * initiator subkey and the acceptor subkey all have that enctype.
 *
 * One side is then copied (gss_export_sec_context, imported twice): the
 * "twin" stays with MIT, the "fast" copy goes to lucid_export().  Twin and
 * fast start from the same state, so their MICs must be identical byte
 * for byte; the other side, the "peer", stays with MIT and must accept
 * every fast token, and the fast side every peer token.
 */
#include "config.h"

#include <sys/time.h>

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "clnt_internal.h"
#include "demofs.h"
#include "e2e.h"
#include "krb5_crypto.h"
#include "krb5_token.h"
#include "lucid.h"
#include "body_xdr.h"
#include "protect.h"
#include "scratch.h"
#include "secctx.h"
#include "cklist.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define SERVICE		"k5tok@localhost"
#define PRINCIPAL	"k5tok/localhost"

static struct testbed *bed;
static struct srvproc server;
static int port;
static char ktpath[1024];

static gss_OID_desc krb5_mech =
    { 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" };
static gss_OID_set_desc krb5_set = { 1, &krb5_mech };

static const int32_t enctypes[] = {
	K5_AES256_CTS_HMAC_SHA1_96, K5_AES128_CTS_HMAC_SHA1_96,
	K5_AES128_CTS_HMAC_SHA256_128, K5_AES256_CTS_HMAC_SHA384_192,
};
static const size_t sizes[] = { 0, 1, 15, 16, 17, 4096, 65537 };

/* Which side leaves MIT, per loop index: enctype = i / 2, side = i % 2. */
#define FAST_INITIATOR(i)	((i) % 2 == 0)

struct pair {
	gss_ctx_id_t	 peer;		/* MIT, the other side */
	gss_ctx_id_t	 twin;		/* MIT, a copy of fast */
	struct k5ctx	*fast;
	int32_t		 enctype;
};

static void
gss_check(OM_uint32 maj, OM_uint32 min, const char *what)
{
	gss_buffer_desc msg = GSS_C_EMPTY_BUFFER;
	OM_uint32 m2, ctx = 0;

	if (!GSS_ERROR(maj))
		return;
	(void)gss_display_status(&m2, min, GSS_C_MECH_CODE, &krb5_mech, &ctx,
	    &msg);
	ck_abort_msg("%s: major 0x%x: %.*s", what, maj, (int)msg.length,
	    msg.value != NULL ? (char *)msg.value : "");
}

/* Establish initiator and acceptor in process; one enctype for everything. */
static void
establish(int32_t enctype, OM_uint32 req, gss_ctx_id_t *ini,
    gss_ctx_id_t *acc)
{
	gss_key_value_element_desc iel = { "ccache", testbed_ccache_name(bed) };
	gss_key_value_element_desc ael = { "keytab", ktpath };
	gss_key_value_set_desc istore = { 1, &iel }, astore = { 1, &ael };
	gss_buffer_desc nbuf = { strlen(SERVICE), (void *)SERVICE };
	gss_buffer_desc itok = GSS_C_EMPTY_BUFFER, atok = GSS_C_EMPTY_BUFFER;
	gss_cred_id_t icred = GSS_C_NO_CREDENTIAL, acred = GSS_C_NO_CREDENTIAL;
	gss_name_t target = GSS_C_NO_NAME;
	OM_uint32 maj, min, imaj = GSS_S_CONTINUE_NEEDED, amaj = 0;
	OM_uint32 iflags = 0, aflags = 0;
	krb5_enctype et = enctype;
	int rounds = 0;

	*ini = *acc = GSS_C_NO_CONTEXT;
	maj = gss_import_name(&min, &nbuf, GSS_C_NT_HOSTBASED_SERVICE, &target);
	gss_check(maj, min, "import name");
	maj = gss_acquire_cred_from(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE,
	    &krb5_set, GSS_C_INITIATE, &istore, &icred, NULL, NULL);
	gss_check(maj, min, "initiator cred");
	maj = gss_krb5_set_allowable_enctypes(&min, icred, 1, &et);
	gss_check(maj, min, "allowable enctypes");
	maj = gss_acquire_cred_from(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE,
	    &krb5_set, GSS_C_ACCEPT, &astore, &acred, NULL, NULL);
	gss_check(maj, min, "acceptor cred");
	while (imaj == GSS_S_CONTINUE_NEEDED) {
		ck_assert_int_lt(++rounds, 5);
		imaj = gss_init_sec_context(&min, icred, ini, target,
		    &krb5_mech, req, 0, GSS_C_NO_CHANNEL_BINDINGS, &atok, NULL,
		    &itok, &iflags, NULL);
		(void)gss_release_buffer(&min, &atok);
		gss_check(imaj, min, "init_sec_context");
		if (itok.length == 0)
			break;
		amaj = gss_accept_sec_context(&min, acc, acred, &itok,
		    GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &atok, &aflags, NULL,
		    NULL);
		(void)gss_release_buffer(&min, &itok);
		gss_check(amaj, min, "accept_sec_context");
	}
	ck_assert_uint_eq(imaj, GSS_S_COMPLETE);
	ck_assert_uint_eq(amaj, GSS_S_COMPLETE);
	ck_assert(iflags & GSS_C_CONF_FLAG);
	ck_assert(aflags & GSS_C_INTEG_FLAG);
	ck_assert_uint_eq(iflags & GSS_C_MUTUAL_FLAG, req & GSS_C_MUTUAL_FLAG);
	(void)gss_release_name(&min, &target);
	(void)gss_release_cred(&min, &icred);
	(void)gss_release_cred(&min, &acred);
}

/* Copy *ctx (consumed) into two independent MIT contexts. */
static void
clone_ctx(gss_ctx_id_t *ctx, gss_ctx_id_t *a, gss_ctx_id_t *b)
{
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;

	maj = gss_export_sec_context(&min, ctx, &tok);
	gss_check(maj, min, "export_sec_context");
	maj = gss_import_sec_context(&min, &tok, a);
	gss_check(maj, min, "import_sec_context");
	maj = gss_import_sec_context(&min, &tok, b);
	gss_check(maj, min, "import_sec_context again");
	OPENSSL_cleanse(tok.value, tok.length);	/* it holds the keys */
	(void)gss_release_buffer(&min, &tok);
}

static void
pair_make(int32_t enctype, int fast_initiator, OM_uint32 req, struct pair *p)
{
	gss_ctx_id_t ini, acc, copy = GSS_C_NO_CONTEXT;

	memset(p, 0, sizeof(*p));
	p->enctype = enctype;
	establish(enctype, req, &ini, &acc);
	p->peer = fast_initiator ? acc : ini;
	clone_ctx(fast_initiator ? &ini : &acc, &p->twin, &copy);
	ck_assert_int_eq(lucid_export(&copy, &p->fast), 1);
	ck_assert_ptr_eq(copy, GSS_C_NO_CONTEXT);	/* MIT deleted it */
	ck_assert_ptr_nonnull(p->fast);
	ck_assert_int_eq(k5ctx_enctype(p->fast), enctype);
}

static void
pair_free(struct pair *p)
{
	OM_uint32 min;

	(void)gss_delete_sec_context(&min, &p->peer, GSS_C_NO_BUFFER);
	(void)gss_delete_sec_context(&min, &p->twin, GSS_C_NO_BUFFER);
	k5ctx_free(p->fast);
}

static uint8_t *
pattern(size_t n)
{
	uint8_t *m = malloc(n + 1);

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(RAND_bytes(m, (int)n + 1), 1);
	return m;
}

/* Both directions of MIC tokens, one message. */
static void
mic_both_ways(struct pair *p, uint8_t *m, size_t n, int initiator,
    int subkey)
{
	gss_buffer_desc msg = { n, (void *)(uintptr_t)m };
	gss_buffer_desc twin = GSS_C_EMPTY_BUFFER, peer = GSS_C_EMPTY_BUFFER;
	gss_buffer_desc tok;
	uint8_t fast[64];
	size_t flen = k5tok_mic_len(p->fast);
	OM_uint32 maj, min;

	ck_assert_uint_le(flen, sizeof(fast));
	ck_assert_uint_eq(k5tok_get_mic(p->fast, m, n, fast), GSS_S_COMPLETE);
	maj = gss_get_mic(&min, p->twin, GSS_C_QOP_DEFAULT, &msg, &twin);
	gss_check(maj, min, "twin get_mic");
	/* Same key, same sequence number: MIT's token, byte for byte. */
	ck_assert_uint_eq(twin.length, flen);
	ck_assert_msg(memcmp(twin.value, fast, flen) == 0,
	    "enctype %d, %zu bytes: MIC differs from MIT's", (int)p->enctype,
	    n);
	/* Flags: direction, and the acceptor subkey MIT asserted (mutual). */
	ck_assert_uint_eq(fast[2] & 0x01, initiator ? 0 : 1);
	ck_assert_uint_eq(fast[2] & 0x04, subkey ? 0x04 : 0);
	tok.value = fast;
	tok.length = flen;
	maj = gss_verify_mic(&min, p->peer, &msg, &tok, NULL);
	ck_assert_msg(maj == GSS_S_COMPLETE, "MIT refused our MIC: 0x%x", maj);
	/* Reflection: our own token does not verify with our peer keys. */
	ck_assert_uint_eq(k5tok_verify_mic(p->fast, m, n, fast, flen),
	    GSS_S_BAD_SIG);
	/* Tampering, byte by byte kind: checksum, header, message. */
	fast[flen - 1] ^= 0x01;
	ck_assert(GSS_ERROR(gss_verify_mic(&min, p->peer, &msg, &tok, NULL)));
	fast[flen - 1] ^= 0x01;
	fast[15] ^= 0x01;
	ck_assert(GSS_ERROR(gss_verify_mic(&min, p->peer, &msg, &tok, NULL)));
	fast[15] ^= 0x01;

	maj = gss_get_mic(&min, p->peer, GSS_C_QOP_DEFAULT, &msg, &peer);
	gss_check(maj, min, "peer get_mic");
	ck_assert_uint_eq(k5tok_verify_mic(p->fast, m, n, peer.value,
	    peer.length), GSS_S_COMPLETE);
	((uint8_t *)peer.value)[peer.length - 1] ^= 0x20;
	ck_assert_uint_eq(k5tok_verify_mic(p->fast, m, n, peer.value,
	    peer.length), GSS_S_BAD_SIG);
	((uint8_t *)peer.value)[peer.length - 1] ^= 0x20;
	((uint8_t *)peer.value)[12] ^= 0x80;	/* sequence number */
	ck_assert_uint_eq(k5tok_verify_mic(p->fast, m, n, peer.value,
	    peer.length), GSS_S_BAD_SIG);
	((uint8_t *)peer.value)[12] ^= 0x80;
	((uint8_t *)peer.value)[2] ^= 0x04;	/* acceptor subkey flag */
	ck_assert_uint_eq(k5tok_verify_mic(p->fast, m, n, peer.value,
	    peer.length), GSS_S_BAD_SIG);
	((uint8_t *)peer.value)[2] ^= 0x04;
	if (n > 0) {
		m[n / 2] ^= 0x01;
		ck_assert_uint_eq(k5tok_verify_mic(p->fast, m, n, peer.value,
		    peer.length), GSS_S_BAD_SIG);
		m[n / 2] ^= 0x01;
	}
	ck_assert_uint_eq(k5tok_verify_mic(p->fast, m, n, peer.value,
	    peer.length - 1), GSS_S_DEFECTIVE_TOKEN);
	ck_assert_uint_eq(k5tok_verify_mic(p->fast, m, n, peer.value,
	    peer.length), GSS_S_COMPLETE);
	(void)gss_release_buffer(&min, &twin);
	(void)gss_release_buffer(&min, &peer);
}

/* Unwrap with the fast side, expecting `want` for message m. */
static OM_uint32
fast_unwrap(struct pair *p, const uint8_t *tok, size_t len, const uint8_t *m,
    size_t n)
{
	uint8_t *out = malloc(len + 1);
	size_t outlen = 12345;
	OM_uint32 maj;

	ck_assert_ptr_nonnull(out);
	maj = k5tok_unwrap(p->fast, tok, len, out, &outlen);
	if (maj == GSS_S_COMPLETE) {
		ck_assert_uint_eq(outlen, n);
		ck_assert_msg(n == 0 || memcmp(out, m, n) == 0,
		    "unwrapped %zu bytes differ", n);
	} else
		ck_assert_uint_eq(outlen, 0);
	free(out);
	return maj;
}

static void
wrap_both_ways(struct pair *p, const uint8_t *m, size_t n)
{
	gss_buffer_desc msg = { n, (void *)(uintptr_t)m };
	gss_buffer_desc twin = GSS_C_EMPTY_BUFFER, peer = GSS_C_EMPTY_BUFFER;
	gss_buffer_desc tok, out = GSS_C_EMPTY_BUFFER;
	size_t flen = k5tok_wrap_len(p->fast, n), blen;
	uint8_t *fast = malloc(flen), *rot = malloc(flen + 64), *b;
	OM_uint32 maj, min;
	int conf = 0;

	ck_assert(fast != NULL && rot != NULL);
	ck_assert_uint_eq(k5tok_wrap(p->fast, m, n, fast), GSS_S_COMPLETE);
	maj = gss_wrap(&min, p->twin, 1, GSS_C_QOP_DEFAULT, &msg, &conf, &twin);
	gss_check(maj, min, "twin wrap");
	/* Random confounders differ; the size and the header do not. */
	ck_assert_uint_eq(twin.length, flen);
	ck_assert_msg(memcmp(twin.value, fast, 16) == 0,
	    "enctype %d, %zu bytes: Wrap header differs from MIT's",
	    (int)p->enctype, n);
	tok.value = fast;
	tok.length = flen;
	conf = 0;
	maj = gss_unwrap(&min, p->peer, &tok, &out, &conf, NULL);
	ck_assert_msg(maj == GSS_S_COMPLETE, "MIT refused our Wrap: 0x%x", maj);
	ck_assert_int_eq(conf, 1);
	ck_assert_uint_eq(out.length, n);
	ck_assert(n == 0 || memcmp(out.value, m, n) == 0);
	(void)gss_release_buffer(&min, &out);
	fast[16 + (flen - 16) / 2] ^= 0x08;
	ck_assert(GSS_ERROR(gss_unwrap(&min, p->peer, &tok, &out, NULL, NULL)));
	(void)gss_release_buffer(&min, &out);
	fast[16 + (flen - 16) / 2] ^= 0x08;
	ck_assert_uint_eq(fast_unwrap(p, fast, flen, m, n), GSS_S_BAD_SIG);

	maj = gss_wrap(&min, p->peer, 1, GSS_C_QOP_DEFAULT, &msg, &conf, &peer);
	gss_check(maj, min, "peer wrap");
	b = peer.value;
	ck_assert_uint_eq(b[6] << 8 | b[7], 0);	/* MIT sends RRC 0 */
	ck_assert_uint_eq(fast_unwrap(p, b, peer.length, m, n),
	    GSS_S_COMPLETE);
	/* Any RRC: rotate the body right as a DCE-style sender would. */
	blen = peer.length - 16;
	memcpy(rot, b, 16);
	rot[6] = 0;
	rot[7] = 28;
	memcpy(rot + 16, b + 16 + blen - 28 % blen, 28 % blen);
	memcpy(rot + 16 + 28 % blen, b + 16, blen - 28 % blen);
	ck_assert_uint_eq(fast_unwrap(p, rot, peer.length, m, n),
	    GSS_S_COMPLETE);
	rot[7] = 27;
	ck_assert_uint_eq(fast_unwrap(p, rot, peer.length, m, n),
	    GSS_S_BAD_SIG);
	/* Tampering: ciphertext, tag, outer sequence number, outer EC. */
	b[16 + blen / 3] ^= 0x40;
	ck_assert_uint_eq(fast_unwrap(p, b, peer.length, m, n), GSS_S_BAD_SIG);
	b[16 + blen / 3] ^= 0x40;
	b[peer.length - 1] ^= 0x01;
	ck_assert_uint_eq(fast_unwrap(p, b, peer.length, m, n), GSS_S_BAD_SIG);
	b[peer.length - 1] ^= 0x01;
	b[9] ^= 0x01;
	ck_assert_uint_eq(fast_unwrap(p, b, peer.length, m, n), GSS_S_BAD_SIG);
	b[9] ^= 0x01;
	b[5] = 1;	/* would cut the message short if EC were trusted */
	ck_assert(fast_unwrap(p, b, peer.length, m, n) != GSS_S_COMPLETE);
	b[5] = 0;
	b[2] &= ~0x02;	/* unsealed: never accepted as privacy */
	ck_assert_uint_eq(fast_unwrap(p, b, peer.length, m, n), GSS_S_FAILURE);
	b[2] |= 0x02;
	b[2] ^= 0x01;	/* the direction flag */
	ck_assert_uint_eq(fast_unwrap(p, b, peer.length, m, n), GSS_S_BAD_SIG);
	b[2] ^= 0x01;
	ck_assert_uint_eq(fast_unwrap(p, b, 16 + 16 + 16, m, n),
	    GSS_S_DEFECTIVE_TOKEN);
	ck_assert_uint_eq(fast_unwrap(p, b, peer.length, m, n),
	    GSS_S_COMPLETE);
	(void)gss_release_buffer(&min, &twin);
	(void)gss_release_buffer(&min, &peer);
	free(fast);
	free(rot);
}

START_TEST(interop_mutual)
{
	int32_t et = enctypes[_i / 2];
	int ini = FAST_INITIATOR(_i);
	struct pair p;
	size_t i;

	pair_make(et, ini, GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG |
	    GSS_C_INTEG_FLAG, &p);
	for (i = 0; i < NELEM(sizes); i++) {
		uint8_t *m = pattern(sizes[i]);

		/* With mutual authentication MIT asserts an acceptor subkey. */
		mic_both_ways(&p, m, sizes[i], ini, 1);
		wrap_both_ways(&p, m, sizes[i]);
		free(m);
	}
	pair_free(&p);
}
END_TEST

/* Without mutual authentication there is no AP-REP, so no acceptor subkey. */
START_TEST(interop_no_subkey)
{
	int ini = FAST_INITIATOR(_i);
	struct pair p;
	uint8_t *m = pattern(1000);

	pair_make(K5_AES256_CTS_HMAC_SHA1_96, ini, GSS_C_CONF_FLAG |
	    GSS_C_INTEG_FLAG, &p);
	mic_both_ways(&p, m, 1000, ini, 0);
	wrap_both_ways(&p, m, 1000);
	free(m);
	pair_free(&p);
}
END_TEST

/*
 * MIT always sends EC = 0 and RRC = 0; other implementations may pad (EC)
 * and rotate (RRC).  Craft such a Wrap token from raw keys and check that
 * the acceptor's k5ctx takes it, and that the outer EC cannot lie.
 */
START_TEST(crafted_ec_rrc)
{
	int32_t et = enctypes[_i];
	uint8_t key[32], conf[K5_BLOCK], hdr[16], fill[7], tok[256], body[256];
	uint8_t msg[40], out[256];
	struct k5_iov iov[3];
	struct k5_key *seal;
	struct k5ctx *acc;
	size_t keylen = k5_enctype_keylen(et), blen, outlen, rrc = 3;

	ck_assert_int_eq(RAND_bytes(key, sizeof(key)), 1);
	ck_assert_int_eq(RAND_bytes(msg, sizeof(msg)), 1);
	ck_assert_int_eq(RAND_bytes(conf, sizeof(conf)), 1);
	memset(fill, 'x', sizeof(fill));
	acc = k5ctx_new(0, 1, et, key, keylen, 1000);
	/* The initiator's sealing key: usage 24. */
	seal = k5_key_new(et, key, keylen, 24, K5_KEY_CRYPT);
	ck_assert(acc != NULL && seal != NULL);
	memcpy(hdr, "\x05\x04\x06\xff\x00\x07\x00\x00", 8);	/* EC 7 */
	memcpy(hdr + 8, "\x00\x00\x00\x00\x01\x02\x03\x04", 8);
	iov[0].p = msg;
	iov[0].len = sizeof(msg);
	iov[1].p = fill;
	iov[1].len = sizeof(fill);
	iov[2].p = hdr;
	iov[2].len = sizeof(hdr);
	ck_assert_int_eq(k5_encrypt(seal, conf, iov, 3, body), 0);
	blen = K5_BLOCK + sizeof(msg) + sizeof(fill) + 16 +
	    k5_key_cksum_len(seal);
	/* RFC 4121 4.2.5: rotate right by RRC; the copy inside keeps RRC 0. */
	memcpy(tok, hdr, 16);
	tok[7] = (uint8_t)rrc;
	memcpy(tok + 16, body + blen - rrc, rrc);
	memcpy(tok + 16 + rrc, body, blen - rrc);
	ck_assert_uint_eq(k5tok_unwrap(acc, tok, 16 + blen, out, &outlen),
	    GSS_S_COMPLETE);
	ck_assert_uint_eq(outlen, sizeof(msg));
	ck_assert(memcmp(out, msg, sizeof(msg)) == 0);
	tok[5] = 6;	/* the outer EC differs from the encrypted copy */
	ck_assert_uint_eq(k5tok_unwrap(acc, tok, 16 + blen, out, &outlen),
	    GSS_S_BAD_SIG);
	ck_assert_uint_eq(outlen, 0);
	k5_key_free(seal);
	k5ctx_free(acc);
}
END_TEST

/* A context that is not established is not exported, and stays usable. */
START_TEST(export_refused)
{
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	struct k5ctx *f = (struct k5ctx *)&f;

	ck_assert_int_eq(lucid_export(&ctx, &f), 0);
	ck_assert_ptr_null(f);
}
END_TEST

/* secctx: accel once established, then every per-message call is fast. */
START_TEST(secctx_paths)
{
	struct secctx sc;
	struct secctx_status st;
	gss_ctx_id_t ini, acc;
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
	gss_buffer_desc msg;
	uint8_t *m = pattern(3000);
	OM_uint32 min;

	establish(K5_AES128_CTS_HMAC_SHA256_128, GSS_C_MUTUAL_FLAG |
	    GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG, &ini, &acc);
	secctx_init(&sc);
	sc.gctx = acc;
	ck_assert_int_eq(secctx_accel(&sc), 0);	/* no mechanism set */
	sc.mech = &krb5_mech;
	ck_assert_int_eq(secctx_accel(&sc), 1);
	ck_assert_ptr_eq(sc.gctx, GSS_C_NO_CONTEXT);
	ck_assert_ptr_nonnull(sc.fast);
	ck_assert_int_eq(secctx_accel(&sc), 1);		/* idempotent */
	ck_assert_int_eq(secctx_wrap(&sc, m, 3000, &tok, &st), 0);
	msg.value = tok.value;
	msg.length = tok.length;
	ck_assert_uint_eq(gss_unwrap(&min, ini, &msg, &out, NULL, NULL),
	    GSS_S_COMPLETE);
	ck_assert_uint_eq(out.length, 3000);
	ck_assert(memcmp(out.value, m, 3000) == 0);
	(void)gss_release_buffer(&min, &out);
	(void)gss_release_buffer(&min, &tok);
	msg.value = m;
	msg.length = 3000;
	ck_assert_uint_eq(gss_wrap(&min, ini, 1, 0, &msg, NULL, &tok),
	    GSS_S_COMPLETE);
	ck_assert_int_eq(secctx_unwrap(&sc, tok.value, tok.length, &out, &st),
	    0);
	ck_assert_uint_eq(out.length, 3000);
	ck_assert(memcmp(out.value, m, 3000) == 0);
	(void)gss_release_buffer(&min, &out);
	((uint8_t *)tok.value)[40] ^= 1;
	ck_assert_int_eq(secctx_unwrap(&sc, tok.value, tok.length, &out, &st),
	    -1);
	ck_assert_uint_eq(st.major, GSS_S_BAD_SIG);
	ck_assert_ptr_null(out.value);
	(void)gss_release_buffer(&min, &tok);
	ck_assert_uint_eq(gss_get_mic(&min, ini, 0, &msg, &tok),
	    GSS_S_COMPLETE);
	ck_assert_int_eq(secctx_verify_mic(&sc, m, 3000, tok.value, tok.length,
	    &st), 0);
	ck_assert_int_eq(secctx_verify_mic(&sc, m, 2999, tok.value, tok.length,
	    &st), -1);
	ck_assert_uint_eq(st.major, GSS_S_BAD_SIG);
	(void)gss_release_buffer(&min, &tok);
	ck_assert_int_eq(secctx_get_mic(&sc, m, 3000, &tok, &st), 0);
	ck_assert_uint_eq(gss_verify_mic(&min, ini, &msg, &tok, NULL),
	    GSS_S_COMPLETE);
	(void)gss_release_buffer(&min, &tok);
	/* A new GSS context installed over a fast one retires it. */
	pthread_mutex_lock(&sc.lock);
	sc.gctx = ini;
	pthread_mutex_unlock(&sc.lock);
	ck_assert_int_eq(secctx_get_mic(&sc, m, 10, &tok, &st), 0);
	ck_assert_ptr_null(sc.fast);
	(void)gss_release_buffer(&min, &tok);
	secctx_clear(&sc);			/* deletes ini */
	free(m);
}
END_TEST

/* The fast path can be switched off for comparison. */
START_TEST(secctx_disabled)
{
	struct secctx sc;
	gss_ctx_id_t ini, acc;
	OM_uint32 min;

	establish(K5_AES256_CTS_HMAC_SHA1_96, GSS_C_MUTUAL_FLAG |
	    GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG, &ini, &acc);
	secctx_init(&sc);
	sc.gctx = ini;
	sc.mech = &krb5_mech;
	setenv("RPCAUTH_KRB5_FASTPATH", "0", 1);
	ck_assert_int_eq(secctx_accel(&sc), 0);
	unsetenv("RPCAUTH_KRB5_FASTPATH");
	ck_assert_ptr_eq(sc.gctx, ini);
	secctx_clear(&sc);
	(void)gss_delete_sec_context(&min, &acc, GSS_C_NO_BUFFER);
}
END_TEST

static void
echo_check(CLIENT *cl, size_t n)
{
	demo_data in, *out;
	uint8_t *buf = pattern(n);

	in.demo_data_len = (u_int)n;
	in.demo_data_val = (char *)buf;
	out = demofs_echo_1(&in, cl);
	ck_assert_msg(out != NULL, "echo %zu bytes failed: %s (%s)", n,
	    clnt_sperror(cl, "echo"), rpcauth_auth_error(cl->cl_auth) ?
	    rpcauth_auth_error(cl->cl_auth) : "");
	ck_assert_uint_eq(out->demo_data_len, n);
	ck_assert(n == 0 || memcmp(out->demo_data_val, buf, n) == 0);
	xdr_free((xdrproc_t)xdr_demo_data, (char *)out);
	free(buf);
}

/* A real client AUTH on the fast path against the demo server (MIT). */
START_TEST(e2e_client_fast)
{
	static const size_t n[] = { 0, 1, 4096, 65536, 17 };
	/* 0: TCP integrity, 1: TCP privacy, 2: UDP privacy. */
	enum rpcauth_service svc = _i == 0 ? RPCAUTH_SVC_INTEGRITY :
	    RPCAUTH_SVC_PRIVACY;
	struct rpcauth_err err = RPCAUTH_ERR_INIT;
	struct clnt_state *st;
	CLIENT *cl;
	size_t i;

	cl = e2e_secure_clnt(port, _i == 2, svc, 0, &err);
	ck_assert_msg(cl != NULL, "handshake: %s", err.msg ? err.msg : "?");
	st = (struct clnt_state *)cl->cl_auth->ah_private;
	ck_assert_int_eq(secctx_accel(&st->sc), 1);
	ck_assert_ptr_eq(st->sc.gctx, GSS_C_NO_CONTEXT);
	for (i = 0; i < NELEM(n); i++)
		echo_check(cl, _i == 2 && n[i] > 60000 ? 60000 : n[i]);
	ck_assert_ptr_nonnull(st->sc.fast);
	e2e_secure_destroy(cl);
}
END_TEST

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define BENCH_MAX	65536
#define BENCH_ROUNDS	5
#define BENCH_SLICE	0.05	/* seconds per round and side */

/* One message size at a time; tokens made by the peer beforehand. */
static size_t bench_len;

typedef int (*bench_fn)(struct pair *, const uint8_t *, const gss_buffer_t);

/* Operations per second of op() over one slice. */
static double
ops_per_s(bench_fn op, struct pair *p, const uint8_t *m,
    const gss_buffer_t tok)
{
	double t0 = now_s(), t;
	long n = 0;

	do {
		ck_assert_int_eq(op(p, m, tok), 0);
		n++;
	} while ((t = now_s() - t0) < BENCH_SLICE);
	return (double)n / t;
}

/*
 * MIT and OpenSSL in alternating slices, best slice of each: the machine
 * is shared, and the best slice is the one least disturbed.  Printed for
 * the report, never asserted.
 */
static void
best_of(bench_fn mit, bench_fn fast, struct pair *p, const uint8_t *m,
    const gss_buffer_t tok, double *mit_out, double *fast_out)
{
	double r;
	int i;

	*mit_out = *fast_out = 0;
	for (i = 0; i < BENCH_ROUNDS; i++) {
		if ((r = ops_per_s(mit, p, m, tok)) > *mit_out)
			*mit_out = r;
		if ((r = ops_per_s(fast, p, m, tok)) > *fast_out)
			*fast_out = r;
	}
}

static int
op_mit_wrap(struct pair *p, const uint8_t *m, const gss_buffer_t tok)
{
	gss_buffer_desc in = { bench_len, (void *)(uintptr_t)m }, out;
	OM_uint32 min, maj;

	(void)tok;
	maj = gss_wrap(&min, p->twin, 1, 0, &in, NULL, &out);
	(void)gss_release_buffer(&min, &out);
	return maj == GSS_S_COMPLETE ? 0 : -1;
}

static int
op_fast_wrap(struct pair *p, const uint8_t *m, const gss_buffer_t tok)
{
	static uint8_t out[BENCH_MAX + 128];

	(void)tok;
	return k5tok_wrap(p->fast, m, bench_len, out) == GSS_S_COMPLETE ?
	    0 : -1;
}

static int
op_mit_unwrap(struct pair *p, const uint8_t *m, const gss_buffer_t tok)
{
	gss_buffer_desc out;
	OM_uint32 min, maj;

	(void)m;
	maj = gss_unwrap(&min, p->twin, tok, &out, NULL, NULL);
	(void)gss_release_buffer(&min, &out);
	return maj == GSS_S_COMPLETE ? 0 : -1;
}

static int
op_fast_unwrap(struct pair *p, const uint8_t *m, const gss_buffer_t tok)
{
	static uint8_t out[BENCH_MAX + 128];
	size_t n;

	(void)m;
	return k5tok_unwrap(p->fast, tok->value, tok->length, out, &n) ==
	    GSS_S_COMPLETE ? 0 : -1;
}

static int
op_mit_mic(struct pair *p, const uint8_t *m, const gss_buffer_t tok)
{
	gss_buffer_desc in = { bench_len, (void *)(uintptr_t)m }, out;
	OM_uint32 min, maj;

	(void)tok;
	maj = gss_get_mic(&min, p->twin, 0, &in, &out);
	(void)gss_release_buffer(&min, &out);
	return maj == GSS_S_COMPLETE ? 0 : -1;
}

static int
op_fast_mic(struct pair *p, const uint8_t *m, const gss_buffer_t tok)
{
	uint8_t out[64];

	(void)tok;
	return k5tok_get_mic(p->fast, m, bench_len, out) == GSS_S_COMPLETE ?
	    0 : -1;
}

static int
op_mit_verify(struct pair *p, const uint8_t *m, const gss_buffer_t tok)
{
	gss_buffer_desc in = { bench_len, (void *)(uintptr_t)m };
	OM_uint32 min;

	return gss_verify_mic(&min, p->twin, &in, tok, NULL) ==
	    GSS_S_COMPLETE ? 0 : -1;
}

static int
op_fast_verify(struct pair *p, const uint8_t *m, const gss_buffer_t tok)
{
	return k5tok_verify_mic(p->fast, m, bench_len, tok->value,
	    tok->length) == GSS_S_COMPLETE ? 0 : -1;
}

static const struct {
	const char	*name;
	bench_fn	 mit, fast;
	int		 tok;		/* 1: Wrap, 2: MIC token */
} bench_ops[] = {
	{ "wrap", op_mit_wrap, op_fast_wrap, 0 },
	{ "unwrap", op_mit_unwrap, op_fast_unwrap, 1 },
	{ "get_mic", op_mit_mic, op_fast_mic, 0 },
	{ "verify_mic", op_mit_verify, op_fast_verify, 2 },
};

/* 64 KiB throughput and 128-byte rates (header MICs), MIT vs OpenSSL. */
START_TEST(bench_64k)
{
	static const size_t lens[] = { BENCH_MAX, 128 };
	int32_t et = enctypes[_i];
	gss_buffer_desc in, tok[3];
	uint8_t *m = pattern(BENCH_MAX);
	double mit, fast;
	struct pair p;
	OM_uint32 min;
	size_t i, j;

	pair_make(et, 1, GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG |
	    GSS_C_INTEG_FLAG, &p);
	for (j = 0; j < NELEM(lens); j++) {
		bench_len = lens[j];
		in.value = m;
		in.length = bench_len;
		memset(tok, 0, sizeof(tok));
		/* From the peer: both the twin and the fast copy check them. */
		ck_assert_uint_eq(gss_wrap(&min, p.peer, 1, 0, &in, NULL,
		    &tok[1]), GSS_S_COMPLETE);
		ck_assert_uint_eq(gss_get_mic(&min, p.peer, 0, &in, &tok[2]),
		    GSS_S_COMPLETE);
		for (i = 0; i < NELEM(bench_ops); i++) {
			best_of(bench_ops[i].mit, bench_ops[i].fast, &p, m,
			    &tok[bench_ops[i].tok], &mit, &fast);
			if (bench_len == BENCH_MAX)
				fprintf(stderr, "bench enctype %d, 64 KiB %s: "
				    "MIT %.0f MB/s, OpenSSL %.0f MB/s "
				    "(x%.1f)\n",
				    (int)et, bench_ops[i].name,
				    mit * bench_len / 1e6,
				    fast * bench_len / 1e6, fast / mit);
			else
				fprintf(stderr, "bench enctype %d, %zu B %s: "
				    "MIT %.0f k/s, OpenSSL %.0f k/s (x%.1f)\n",
				    (int)et, bench_len, bench_ops[i].name,
				    mit / 1e3, fast / 1e3, fast / mit);
		}
		(void)gss_release_buffer(&min, &tok[1]);
		(void)gss_release_buffer(&min, &tok[2]);
	}
	pair_free(&p);
	free(m);
}
END_TEST


/*
 * protect.c on the fast path makes an integrity body's MIC while the body
 * streams out (xdrtap.c), and checks a received one step by step as it
 * arrives: MIT must agree both ways, at lengths across the 64 KiB steps.
 */
struct blob {
	char	*p;
	u_int	 n;
};

static bool_t
xdr_blob(XDR *x, void *v)
{
	struct blob *b = v;

	return xdr_bytes(x, &b->p, &b->n, ~0U);
}

static const u_int integ_lens[] = { 0, 100, 65536 + 5, 300001 };

#define INTEG_FLAGS	(GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG)

/* The fast side of p as a secctx (p keeps the MIT peer and twin). */
static void
sc_from_pair(struct secctx *sc, struct pair *p)
{
	secctx_init(sc);
	sc->mech = &krb5_mech;
	sc->fast = p->fast;
	p->fast = NULL;
}

/* protect_encode of *in into wire (cap bytes): the body's length. */
static size_t
body_out(struct secctx *sc, uint32_t service, uint32_t seq, struct blob *in,
    uint8_t *wire, size_t cap)
{
	struct secctx_status st;
	size_t len;
	XDR x;

	xdrmem_create(&x, (caddr_t)wire, (u_int)cap, XDR_ENCODE);
	ck_assert_int_eq(protect_encode(sc, service, seq, &x,
	    (xdrproc_t)xdr_blob, in, &st), PROTECT_OK);
	len = XDR_GETPOS(&x);
	XDR_DESTROY(&x);
	return len;
}

START_TEST(protect_integ_streamed)
{
	u_int n = integ_lens[_i / NELEM(enctypes)];
	struct blob in = { NULL, n }, back = { NULL, 0 };
	size_t cap = (size_t)n + 256, len, dblen, cklen, argslen;
	uint8_t *wire = malloc(cap), *body = malloc(cap);
	const uint8_t *db, *ck, *args;
	gss_buffer_desc msg, tok, twin = GSS_C_EMPTY_BUFFER;
	gss_buffer_desc mic = GSS_C_EMPTY_BUFFER;
	struct secctx_status st;
	struct secctx sc;
	struct pair p;
	uint32_t seq;
	OM_uint32 min;
	XDR x;
	int blen;

	in.p = (char *)pattern(n);
	pair_make(enctypes[_i % NELEM(enctypes)], 1, INTEG_FLAGS, &p);
	sc_from_pair(&sc, &p);
	len = body_out(&sc, RPCAUTH_SVC_INTEGRITY, 7, &in, wire, cap);
	ck_assert_int_eq(integ_body_parse(wire, len, cap, &db, &dblen, &ck,
	    &cklen), 0);
	ck_assert_int_eq(databody_split(db, dblen, &seq, &args, &argslen), 0);
	ck_assert_uint_eq(seq, 7);
	ck_assert_uint_eq(argslen, 4 + ((n + 3) & ~3U));
	ck_assert(n == 0 || memcmp(args + 4, in.p, n) == 0);
	msg.value = (void *)(uintptr_t)db;
	msg.length = dblen;
	tok.value = (void *)(uintptr_t)ck;
	tok.length = cklen;
	ck_assert_uint_eq(gss_verify_mic(&min, p.peer, &msg, &tok, NULL),
	    GSS_S_COMPLETE);
	/* The twin, one MIC behind as the fast copy was: the same bytes. */
	ck_assert_uint_eq(gss_get_mic(&min, p.twin, 0, &msg, &twin),
	    GSS_S_COMPLETE);
	ck_assert_uint_eq(twin.length, cklen);
	ck_assert(memcmp(twin.value, ck, cklen) == 0);

	/* Received: the peer's MIC over the same databody. */
	ck_assert_uint_eq(gss_get_mic(&min, p.peer, 0, &msg, &mic),
	    GSS_S_COMPLETE);
	blen = integ_body_encode(db, dblen, mic.value, mic.length, body, cap);
	ck_assert_int_gt(blen, 0);
	xdrmem_create(&x, (caddr_t)body, (u_int)blen, XDR_DECODE);
	ck_assert_int_eq(protect_decode(&sc, RPCAUTH_SVC_INTEGRITY, 7, &x,
	    (xdrproc_t)xdr_blob, &back, cap, &st), PROTECT_OK);
	XDR_DESTROY(&x);
	ck_assert_uint_eq(back.n, n);
	ck_assert(n == 0 || memcmp(back.p, in.p, n) == 0);
	xdr_free((xdrproc_t)xdr_blob, (char *)&back);
	/* One bit in the databody's last step: refused, nothing decoded. */
	body[4 + dblen - 1] ^= 0x10;
	xdrmem_create(&x, (caddr_t)body, (u_int)blen, XDR_DECODE);
	ck_assert_int_eq(protect_decode(&sc, RPCAUTH_SVC_INTEGRITY, 7, &x,
	    (xdrproc_t)xdr_blob, &back, cap, &st), PROTECT_E_CHECKSUM);
	XDR_DESTROY(&x);
	ck_assert_ptr_null(back.p);

	(void)gss_release_buffer(&min, &twin);
	(void)gss_release_buffer(&min, &mic);
	secctx_clear(&sc);
	pair_free(&p);
	free(in.p);
	free(wire);
	free(body);
}
END_TEST

/* An encoder whose length changes after xdr_sizeof measured it. */
static int shifty_calls;

static bool_t
xdr_shifty(XDR *x, void *v)
{
	u_int a = 1, k = (u_int)(shifty_calls++ % 2) + 1;

	(void)v;
	while (k-- > 0)
		if (!xdr_u_int(x, &a))
			return FALSE;
	return TRUE;
}

START_TEST(protect_integ_length_changed)
{
	uint8_t wire[256];
	struct secctx_status st;
	struct secctx sc;
	struct pair p;
	XDR x;

	pair_make(K5_AES256_CTS_HMAC_SHA1_96, 1, INTEG_FLAGS, &p);
	sc_from_pair(&sc, &p);
	/* _i 0: measured 4 bytes, then gives 8; _i 1: measured 8, gives 4. */
	shifty_calls = _i;
	xdrmem_create(&x, (caddr_t)wire, sizeof(wire), XDR_ENCODE);
	ck_assert_int_eq(protect_encode(&sc, RPCAUTH_SVC_INTEGRITY, 1, &x,
	    (xdrproc_t)xdr_shifty, NULL, &st), PROTECT_E_ENCODE);
	XDR_DESTROY(&x);
	ck_assert_int_eq(shifty_calls, _i + 2);
	secctx_clear(&sc);
	pair_free(&p);
}
END_TEST

/* A MIC in steps ends on the fast state it began on, or not at all. */
START_TEST(mic_steps_need_their_state)
{
	struct secctx_status st;
	struct secctx_mic m;
	struct secctx sc;
	struct pair p;
	uint8_t tok[64];
	size_t tlen;
	gss_ctx_id_t old;

	pair_make(K5_AES128_CTS_HMAC_SHA256_128, 1, INTEG_FLAGS, &p);
	sc_from_pair(&sc, &p);
	ck_assert_int_eq(secctx_mic_begin(&sc, 1, &m), 1);
	secctx_mic_feed(&m, "abc", 3);
	ck_assert_int_eq(secctx_mic_make(&sc, &m, tok, sizeof(tok), &tlen,
	    &st), 0);
	ck_assert_uint_eq(tlen, 16 + 16);
	/* Ended means ended: a second make finds nothing (it crashed). */
	ck_assert_int_eq(secctx_mic_make(&sc, &m, tok, sizeof(tok), &tlen,
	    &st), -1);
	ck_assert_uint_eq(st.major, GSS_S_NO_CONTEXT);
	/* Begun, then the context renewed (a GSS context installed, which
	 * the next call exports to a new fast state): refused both times. */
	ck_assert_int_eq(secctx_mic_begin(&sc, 1, &m), 1);
	old = secctx_replace(&sc, p.twin, &krb5_mech, NULL, NULL);
	ck_assert_ptr_eq(old, GSS_C_NO_CONTEXT);
	p.twin = GSS_C_NO_CONTEXT;		/* sc owns it now */
	ck_assert_int_eq(secctx_mic_make(&sc, &m, tok, sizeof(tok), &tlen,
	    &st), -1);
	ck_assert_uint_eq(st.major, GSS_S_NO_CONTEXT);
	ck_assert_int_eq(secctx_accel(&sc), 1);
	ck_assert_int_eq(secctx_mic_begin(&sc, 0, &m), 1);
	pthread_mutex_lock(&sc.lock);
	sc.fast_gen++;				/* as another install would */
	pthread_mutex_unlock(&sc.lock);
	ck_assert_int_eq(secctx_mic_check(&sc, &m, tok, tlen, &st), -1);
	ck_assert_uint_eq(st.major, GSS_S_NO_CONTEXT);
	secctx_clear(&sc);
	pair_free(&p);
}
END_TEST


/*
 * A long privacy body is sealed as it streams out (protect.c
 * encode_priv_stream): MIT's peer unwraps it to the databody; lengths put
 * the CTS tail in every position.
 */
static const u_int priv_lens[] = { 65536 - 8, 65536 + 5, 300001, 300002 };

/* protect_decode at privacy over the len bytes of wire. */
static enum protect_result
priv_decode(struct secctx *sc, uint8_t *wire, int len, size_t max,
    struct blob *back)
{
	struct secctx_status st;
	enum protect_result r;
	XDR x;

	memset(back, 0, sizeof(*back));
	xdrmem_create(&x, (caddr_t)wire, (u_int)len, XDR_DECODE);
	r = protect_decode(sc, RPCAUTH_SVC_PRIVACY, 9, &x,
	    (xdrproc_t)xdr_blob, back, max, &st);
	XDR_DESTROY(&x);
	return r;
}

/* Rotate a Wrap token's body right by rrc and say so in its header. */
static void
rotate_body(uint8_t *tok, size_t toklen, size_t rrc)
{
	size_t blen = toklen - 16;
	uint8_t *tmp = malloc(blen);

	memcpy(tmp, tok + 16 + blen - rrc, rrc);
	memcpy(tmp + rrc, tok + 16, blen - rrc);
	memcpy(tok + 16, tmp, blen);
	tok[6] = (uint8_t)(rrc >> 8);
	tok[7] = (uint8_t)rrc;
	free(tmp);
}

/* The thread's plaintext buffers hold nothing after a call (SECURITY 18). */
static void
open_wiped(const char *when)
{
	const struct scratch *o = &scratch_thread()[SCRATCH_OPEN];
	size_t i;

	for (i = 0; o->keep != NULL && i < o->keep_cap; i++)
		ck_assert_msg(o->keep[i] == 0, "%s: plaintext byte %zu of %zu "
		    "left in the kept buffer", when, i, o->keep_cap);
	for (i = 0; o->big != NULL && i < o->big_cap; i++)
		ck_assert_msg(o->big[i] == 0, "%s: plaintext byte %zu of %zu "
		    "left in the large buffer", when, i, o->big_cap);
}

static const size_t flips[] = { 0, 15, 16, 65535, 65536, 65537, 200000,
    ~(size_t)0 };

START_TEST(protect_priv_streamed)
{
	u_int n = priv_lens[_i / NELEM(enctypes)];
	struct blob in = { NULL, n }, back;
	size_t cap = (size_t)n + 256, len, toklen, i;
	uint8_t *wire = malloc(cap + 64);
	gss_buffer_desc peer = GSS_C_EMPTY_BUFFER;
	int blen;
	const uint8_t *tok;
	gss_buffer_desc msg, out = GSS_C_EMPTY_BUFFER;
	struct secctx sc;
	struct pair p;
	OM_uint32 min;
	int conf = 0;

	in.p = (char *)pattern(n);
	pair_make(enctypes[_i % NELEM(enctypes)], 1, INTEG_FLAGS, &p);
	sc_from_pair(&sc, &p);
	len = body_out(&sc, RPCAUTH_SVC_PRIVACY, 9, &in, wire, cap);
	ck_assert_int_eq(priv_body_parse(wire, len, cap, &tok, &toklen), 0);
	msg.value = (void *)(uintptr_t)tok;
	msg.length = toklen;
	ck_assert_uint_eq(gss_unwrap(&min, p.peer, &msg, &out, &conf, NULL),
	    GSS_S_COMPLETE);
	ck_assert_int_eq(conf, 1);
	ck_assert_uint_eq(out.length, 4 + 4 + ((n + 3) & ~3U));
	ck_assert_uint_eq(((uint8_t *)out.value)[3], 9);	/* seq_num */
	ck_assert(memcmp((uint8_t *)out.value + 8, in.p, n) == 0);

	/* Received: MIT's Wrap of the same databody, opened as it streams. */
	msg.value = out.value;
	msg.length = out.length;
	ck_assert_uint_eq(gss_wrap(&min, p.peer, 1, 0, &msg, NULL, &peer),
	    GSS_S_COMPLETE);
	blen = priv_body_encode(peer.value, peer.length, wire, cap + 64);
	ck_assert_int_gt(blen, 0);
	ck_assert_int_eq(priv_decode(&sc, wire, blen, cap + 64, &back),
	    PROTECT_OK);
	ck_assert_uint_eq(back.n, n);
	ck_assert(memcmp(back.p, in.p, n) == 0);
	xdr_free((xdrproc_t)xdr_blob, (char *)&back);
	open_wiped("after a good token");
	/* The right tag, the wrong sequence number: refused, wiped too. */
	{
		struct secctx_status st2;
		XDR x2;

		xdrmem_create(&x2, (caddr_t)wire, (u_int)blen, XDR_DECODE);
		ck_assert_int_eq(protect_decode(&sc, RPCAUTH_SVC_PRIVACY, 10,
		    &x2, (xdrproc_t)xdr_blob, &back, cap + 64, &st2),
		    PROTECT_E_SEQ);
		XDR_DESTROY(&x2);
		open_wiped("after a token of another call");
	}
	/* One bit anywhere after the header, the tag included: refused,
	 * nothing decoded. */
	for (i = 0; i < NELEM(flips); i++) {
		size_t at = 4 + 16 + (flips[i] % (peer.length - 16));

		wire[at] ^= 0x04;
		ck_assert_msg(priv_decode(&sc, wire, blen, cap + 64, &back) ==
		    PROTECT_E_UNWRAP, "bit at %zu of %zu accepted", at,
		    peer.length);
		ck_assert_ptr_null(back.p);
		wire[at] ^= 0x04;
	}
	/* The direction flag: the header is refused before any decryption. */
	wire[4 + 2] ^= 0x01;
	ck_assert_int_eq(priv_decode(&sc, wire, blen, cap + 64, &back),
	    PROTECT_E_UNWRAP);
	wire[4 + 2] ^= 0x01;
	/* A rotated body (RRC 28, as a DCE-style sender would) is kept
	 * whole and opened the old way. */
	rotate_body(wire + 4, peer.length, 28);
	ck_assert_int_eq(priv_decode(&sc, wire, blen, cap + 64, &back),
	    PROTECT_OK);
	ck_assert_uint_eq(back.n, n);
	xdr_free((xdrproc_t)xdr_blob, (char *)&back);
	/* Cut short: a decoding error, nothing decoded. */
	ck_assert_int_eq(priv_decode(&sc, wire, blen - 100, cap + 64, &back),
	    PROTECT_E_DECODE);
	ck_assert_ptr_null(back.p);

	(void)gss_release_buffer(&min, &peer);
	(void)gss_release_buffer(&min, &out);
	secctx_clear(&sc);
	pair_free(&p);
	free(in.p);
	free(wire);
}
END_TEST

/* A Wrap in steps ends on the fast state it began on, or not at all. */
START_TEST(seal_steps_need_their_state)
{
	uint8_t out[256], msg[40] = { 0 };
	struct secctx_status st;
	struct secctx_seal w;
	struct secctx sc;
	struct pair p;
	size_t k, toklen;

	pair_make(K5_AES256_CTS_HMAC_SHA1_96, 1, INTEG_FLAGS, &p);
	sc_from_pair(&sc, &p);
	ck_assert_int_eq(secctx_seal_begin(&sc, sizeof(msg), &w, out, &k,
	    &toklen, &st), 1);
	ck_assert_uint_eq(toklen, 16 + 16 + sizeof(msg) + 16 + 12);
	ck_assert_int_eq(secctx_seal_feed(&w, msg, sizeof(msg), out, &k), 0);
	pthread_mutex_lock(&sc.lock);
	sc.fast_gen++;				/* as a renewal's install would */
	pthread_mutex_unlock(&sc.lock);
	ck_assert_int_eq(secctx_seal_end(&sc, &w, out, &k, &st), -1);
	ck_assert_uint_eq(st.major, GSS_S_NO_CONTEXT);
	ck_assert_ptr_null(w.w.s.c.ctx);		/* wiped and freed */
	/* Not on the fast path: 0, nothing begun. */
	(void)secctx_replace(&sc, p.twin, &krb5_mech, NULL, NULL);
	p.twin = GSS_C_NO_CONTEXT;
	setenv("RPCAUTH_KRB5_FASTPATH", "0", 1);
	ck_assert_int_eq(secctx_seal_begin(&sc, sizeof(msg), &w, out, &k,
	    &toklen, &st), 0);
	unsetenv("RPCAUTH_KRB5_FASTPATH");
	secctx_clear(&sc);
	pair_free(&p);
}
END_TEST


/*
 * Every buffer XDR_INLINE lends an encoder during a privacy call is one of
 * the thread's scratch buffers, which the call wipes: libtirpc's
 * xdr_sizeof lent one of its own and freed it unwiped, with the arguments
 * in it (docs/SECURITY.md 18).
 */
struct inl {
	u_int	 words[4];
	char	*data;
	u_int	 n;
};

static const void	*lent[8];
static size_t		 nlent;

static bool_t
xdr_inl(XDR *x, void *v)
{
	struct inl *m = v;
	int32_t *q = XDR_INLINE(x, 4 * BYTES_PER_XDR_UNIT);
	int i;

	if (q != NULL) {
		if (nlent < NELEM(lent))
			lent[nlent++] = q;
		for (i = 0; i < 4; i++)
			IXDR_PUT_U_INT32(q, m->words[i]);
	} else
		for (i = 0; i < 4; i++)
			if (!xdr_u_int(x, &m->words[i]))
				return FALSE;
	return xdr_bytes(x, &m->data, &m->n, ~0U);
}

START_TEST(protect_inline_stays_in_scratch)
{
	struct inl m = { { 1, 2, 3, 4 }, NULL, _i == 0 ? 100 : 200000 };
	size_t cap = m.n + 512, i, j;
	uint8_t *wire = malloc(cap);
	struct secctx_status st;
	struct scratch *sc_bufs;
	struct secctx sc;
	struct pair p;
	XDR x;
	int inside;

	m.data = calloc(1, m.n);
	pair_make(K5_AES256_CTS_HMAC_SHA1_96, 1, INTEG_FLAGS, &p);
	sc_from_pair(&sc, &p);
	nlent = 0;
	xdrmem_create(&x, (caddr_t)wire, (u_int)cap, XDR_ENCODE);
	ck_assert_int_eq(protect_encode(&sc, RPCAUTH_SVC_PRIVACY, 3, &x,
	    (xdrproc_t)xdr_inl, &m, &st), PROTECT_OK);
	XDR_DESTROY(&x);
	ck_assert_uint_ge(nlent, 1);
	sc_bufs = scratch_thread();
	for (i = 0; i < nlent; i++) {
		inside = 0;
		for (j = 0; j < SCRATCH_COUNT; j++) {
			const uint8_t *a = sc_bufs[j].keep;

			if (a != NULL && (const uint8_t *)lent[i] >= a &&
			    (const uint8_t *)lent[i] < a + sc_bufs[j].keep_cap)
				inside = 1;
		}
		ck_assert_msg(inside, "XDR_INLINE lent the encoder %p, not a "
		    "scratch buffer the call wipes", lent[i]);
	}
	secctx_clear(&sc);
	pair_free(&p);
	free(m.data);
	free(wire);
}
END_TEST

/* k5tok/localhost with all four AES keys, into its own keytab. */
static int
add_service(char *errbuf, size_t errlen)
{
	char q1[512], q2[1536], out[8192], err[4096];
	char *argv[] = { (char *)KADMIN_LOCAL_PATH, (char *)"-r",
	    (char *)TESTBED_REALM, (char *)"-q", NULL, NULL };
	const char *p;
	int status, added = 0;

	snprintf(ktpath, sizeof(ktpath), "%s/k5tok.keytab", testbed_dir(bed));
	snprintf(q1, sizeof(q1), "addprinc -randkey -e "
	    "aes256-cts-hmac-sha1-96:normal,aes128-cts-hmac-sha1-96:normal,"
	    "aes128-cts-hmac-sha256-128:normal,"
	    "aes256-cts-hmac-sha384-192:normal " PRINCIPAL);
	snprintf(q2, sizeof(q2), "ktadd -k %s -norandkey " PRINCIPAL, ktpath);
	argv[4] = q1;
	if (srvproc_run(argv, out, sizeof(out), err, sizeof(err), 20000,
	    &status) != 0 || strstr(out, "created") == NULL) {
		snprintf(errbuf, errlen, "addprinc: %s %s", out, err);
		return -1;
	}
	argv[4] = q2;
	if (srvproc_run(argv, out, sizeof(out), err, sizeof(err), 20000,
	    &status) != 0) {
		snprintf(errbuf, errlen, "ktadd: %s", err);
		return -1;
	}
	/* kadmin.local exits 0 on failure: count the keys it wrote. */
	for (p = out; (p = strstr(p, "added to keytab")) != NULL; p++)
		added++;
	if (added != 4) {
		snprintf(errbuf, errlen, "ktadd wrote %d keys: %s %s", added,
		    out, err);
		return -1;
	}
	return 0;
}

static Suite *
krb5_token_suite(void)
{
	Suite *s = suite_create("krb5_token");

	CKLOOPS(cklist_tcase(s, "interop", 120),
	    { interop_mutual, 2 * NELEM(enctypes) }, { interop_no_subkey, 2 },
	    { crafted_ec_rrc, NELEM(enctypes) }, { export_refused, 1 },
	    { secctx_paths, 1 }, { secctx_disabled, 1 },
	    { e2e_client_fast, 3 }, { bench_64k, NELEM(enctypes) },
	    { protect_integ_streamed, NELEM(enctypes) * NELEM(integ_lens) },
	    { protect_integ_length_changed, 2 },
	    { mic_steps_need_their_state, 1 },
	    { protect_priv_streamed, NELEM(enctypes) * NELEM(priv_lens) },
	    { seal_steps_need_their_state, 1 },
	    { protect_inline_stays_in_scratch, 2 });
	return s;
}

/* The k5tok service principal, then the demo server. */
static int
setup(void)
{
	char errbuf[8192];

	if (add_service(errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "k5tok service: %s\n", errbuf);
		return -1;
	}
	return e2e_server_start(&server, &port, testbed_server_keytab(bed),
	    NULL);
}

static int
teardown(void)
{
	e2e_server_stop(&server);
	return 0;
}

int
main(void)
{
	return e2e_main(krb5_token_suite(), NULL, &bed, setup, teardown);
}
