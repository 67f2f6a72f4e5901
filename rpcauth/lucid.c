/* rpcauth/lucid.c - hand an established krb5 GSS context over to the OpenSSL path */
/*
 * gss_krb5_export_lucid_sec_context() is one-way: once it succeeds, MIT
 * has deleted the context and there is no GSS path to fall back to.  So
 * the enctype is learnt first, without touching the context, through the
 * session-key inquiry (the key MIT inquires about is the one its tokens
 * use: the acceptor subkey if any, else the initiator's subkey); only the
 * four AES enctypes go on to the export.
 */
#include "config.h"

#include <string.h>

#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <openssl/crypto.h>

#include "krb5_crypto.h"
#include "lucid.h"

/* 1.2.840.113554.1.2.2.4: MIT's prefix of the enctype OID in the answer. */
static const uint8_t enctype_oid_prefix[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x04
};

/* The token key's enctype, or -1 when it cannot be learnt. */
static int32_t
probe_enctype(gss_ctx_id_t gctx)
{
	gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
	const uint8_t *p;
	OM_uint32 maj, min;
	int32_t et = 0;
	size_t i, len;

	maj = gss_inquire_sec_context_by_oid(&min, gctx,
	    GSS_C_INQ_SSPI_SESSION_KEY, &set);
	if (GSS_ERROR(maj) || set == GSS_C_NO_BUFFER_SET) {
		et = -1;
		goto out;
	}
	/* elements[0] is the key itself: wipe it now, only [1] is wanted. */
	if (set->count >= 1 && set->elements[0].value != NULL)
		OPENSSL_cleanse(set->elements[0].value,
		    set->elements[0].length);
	if (set->count < 2 ||
	    (len = set->elements[1].length) <= sizeof(enctype_oid_prefix) ||
	    len > sizeof(enctype_oid_prefix) + 4 ||
	    CRYPTO_memcmp(set->elements[1].value, enctype_oid_prefix,
	    sizeof(enctype_oid_prefix)) != 0) {
		et = -1;
		goto out;
	}
	/* The last arc, base 128 (X.690 8.19). */
	p = set->elements[1].value;
	for (i = sizeof(enctype_oid_prefix); i < len; i++) {
		et = et << 7 | (p[i] & 0x7f);
		if ((p[i] & 0x80) == 0 && i + 1 != len) {
			et = -1;
			goto out;
		}
	}
out:
	if (set != GSS_C_NO_BUFFER_SET)
		(void)gss_release_buffer_set(&min, &set);
	return et;
}

static void
wipe_key(gss_krb5_lucid_key_t *k)
{
	if (k->data != NULL)
		OPENSSL_cleanse(k->data, k->length);
}

int
lucid_export(gss_ctx_id_t *gctx, struct k5ctx **out)
{
	gss_krb5_lucid_context_v1_t *lc = NULL;
	const gss_krb5_lucid_key_t *key;
	void *v = NULL;
	OM_uint32 maj, min;
	int32_t et;
	int ret = -1;

	*out = NULL;
	if (*gctx == GSS_C_NO_CONTEXT)
		return 0;
	if ((et = probe_enctype(*gctx)) < 0 || k5_enctype_keylen(et) == 0)
		return 0;
	maj = gss_krb5_export_lucid_sec_context(&min, gctx, 1, &v);
	if (GSS_ERROR(maj))
		/* MIT deletes the context only after a successful export. */
		return *gctx == GSS_C_NO_CONTEXT ? -1 : 0;
	*gctx = GSS_C_NO_CONTEXT;
	lc = v;
	/* Protocol 1 is RFC 4121 (CFX); after the probe, 0 is unexpected. */
	if (lc == NULL || lc->version != 1 || lc->protocol != 1)
		goto out;
	key = lc->cfx_kd.have_acceptor_subkey ? &lc->cfx_kd.acceptor_subkey :
	    &lc->cfx_kd.ctx_key;
	if (key->data == NULL || (int32_t)key->type != et)
		goto out;
	*out = k5ctx_new(lc->initiate != 0,
	    lc->cfx_kd.have_acceptor_subkey != 0, (int32_t)key->type,
	    key->data, key->length, lc->send_seq);
	ret = *out != NULL ? 1 : -1;
out:
	if (lc != NULL) {
		if (lc->version == 1) {
			wipe_key(&lc->cfx_kd.ctx_key);
			wipe_key(&lc->cfx_kd.acceptor_subkey);
			wipe_key(&lc->rfc1964_kd.ctx_key);
		}
		(void)gss_krb5_free_lucid_sec_context(&min, lc);
	}
	return ret;
}
