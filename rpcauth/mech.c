/* rpcauth/mech.c - security mechanisms by name and OID */
/*
 * The three mechanisms rpcauth speaks, as one table: everything the rest
 * of the library knows about a mechanism (name, OID, whether it
 * authenticates the server, whether SPNEGO may negotiate it, whether the
 * OpenSSL fast path applies, where its GSS module comes from) is a column
 * here, asked for through the functions below, never by comparing names.
 * Also which mechanism a first context token belongs to.  No state.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mech.h"

static gss_OID_desc krb5_oid = { 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" };
static gss_OID_desc spnego_oid = { 6, (void *)"\x2b\x06\x01\x05\x05\x02" };
static gss_OID_desc ntlm_oid = { 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };

static const struct mech {
	const char	*name;		/* option and message spelling */
	const char	*title;		/* in sentences */
	const char	*dotted;
	gss_OID		 oid;
	unsigned	 bit;
	/* GSS_C_MUTUAL_FLAG proves the server: not NTLM's, which only shows
	 * that the server knows the session key (docs/SECURITY.md 4). */
	int		 mutual;
	int		 spnego_inner;	/* SPNEGO may negotiate it */
	int		 fastpath;	/* RFC 4121 tokens via OpenSSL (secctx.c) */
	const char	*package;	/* Debian package of its GSS module, when
					   not MIT's own */
} mechs[] = {
	{ "krb5", "Kerberos", "1.2.840.113554.1.2.2", &krb5_oid, MECH_KRB5,
	  1, 1, 1, NULL },
	{ "spnego", "SPNEGO", "1.3.6.1.5.5.2", &spnego_oid, MECH_SPNEGO,
	  1, 0, 0, NULL },
	{ "ntlm", "NTLM", "1.3.6.1.4.1.311.2.2.10", &ntlm_oid, MECH_NTLM,
	  0, 1, 0, "gss-ntlmssp" },
};
#define NMECHS	(sizeof(mechs) / sizeof(mechs[0]))

/* NTLM messages carry no GSS framing, only this signature (MS-NLMP 2.2). */
static const unsigned char ntlm_sig[8] = "NTLMSSP";

static int
oid_eq(const gss_OID a, const gss_OID b)
{
	return a != GSS_C_NO_OID && b != GSS_C_NO_OID &&
	    a->length == b->length &&
	    CRYPTO_memcmp(a->elements, b->elements, a->length) == 0;
}

static const struct mech *
lookup(const gss_OID oid)
{
	size_t i;

	for (i = 0; i < NMECHS; i++)
		if (oid_eq(oid, mechs[i].oid))
			return &mechs[i];
	return NULL;
}

gss_OID
mech_by_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return GSS_C_NO_OID;
	for (i = 0; i < NMECHS; i++)
		if (strcmp(name, mechs[i].name) == 0 ||
		    strcmp(name, mechs[i].dotted) == 0)
			return mechs[i].oid;
	return GSS_C_NO_OID;
}

const char *
mech_name(const gss_OID oid)
{
	const struct mech *m = lookup(oid);

	return m != NULL ? m->name : "unknown";
}

int
mech_has_mutual(const gss_OID oid)
{
	const struct mech *m = lookup(oid);

	/* A mechanism not in the table is judged by its flag alone. */
	return m == NULL || m->mutual;
}

int
mech_fastpath(const gss_OID oid)
{
	const struct mech *m = lookup(oid);

	return m != NULL && m->fastpath;
}

const char *
mech_package(const gss_OID oid, const char **title_out)
{
	const struct mech *m = lookup(oid);

	*title_out = m != NULL ? m->title : NULL;
	return m != NULL ? m->package : NULL;
}

unsigned
mech_bit(const gss_OID oid)
{
	const struct mech *m = lookup(oid);

	return m != NULL ? m->bit : 0;
}

unsigned
mech_spnego_inner(int with_nonmutual)
{
	unsigned set = 0;
	size_t i;

	for (i = 0; i < NMECHS; i++)
		if (mechs[i].spnego_inner && (with_nonmutual || mechs[i].mutual))
			set |= mechs[i].bit;
	return set;
}

const char *
mech_names(char *buf, size_t len, const char *or_also)
{
	size_t i, off = 0, last = or_also != NULL ? NMECHS : NMECHS - 1;
	int n;

	buf[0] = '\0';
	for (i = 0; i < NMECHS && off < len; i++) {
		n = snprintf(buf + off, len - off, "%s%s",
		    i == 0 ? "" : i == last ? " or " : ", ", mechs[i].name);
		off += n > 0 ? (size_t)n : 0;
	}
	if (or_also != NULL && off < len)
		(void)snprintf(buf + off, len - off, " or %s", or_also);
	return buf;
}

gss_OID
mech_of_bit(unsigned bit)
{
	size_t i;

	for (i = 0; i < NMECHS; i++)
		if (mechs[i].bit == bit)
			return mechs[i].oid;
	return GSS_C_NO_OID;
}

int
mech_set_parse(const char *const *names, unsigned *set_out,
    struct rpcauth_err *err)
{
	unsigned set = 0, bit;
	char known[MECH_NAMES_LEN];
	size_t i;

	*set_out = 0;
	if (names == NULL) {
		*set_out = MECH_KRB5 | MECH_SPNEGO;
		return 0;
	}
	for (i = 0; names[i] != NULL; i++) {
		if ((bit = mech_bit(mech_by_name(names[i]))) == 0)
			return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
			    "unknown mechanism \"%s\" (use %s)", names[i],
			    mech_names(known, sizeof(known), NULL));
		set |= bit;
	}
	if (set == 0)
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "the list of mechanisms is empty");
	*set_out = set;
	return 0;
}

int
mech_set_installed(unsigned set, struct rpcauth_err *err)
{
	gss_OID_set have = GSS_C_NO_OID_SET;
	OM_uint32 maj, min;
	size_t i, j;
	int found, ret = -1;

	maj = gss_indicate_mechs(&min, &have);
	if (GSS_ERROR(maj) || have == GSS_C_NO_OID_SET) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG,
		    "cannot list the GSS-API mechanisms installed here");
		goto out;
	}
	for (i = 0; i < NMECHS; i++) {
		if ((set & mechs[i].bit) == 0)
			continue;
		found = 0;
		for (j = 0; j < have->count; j++)
			if (oid_eq(&have->elements[j], mechs[i].oid))
				found = 1;
		if (!found) {
			rpcauth_err_set(err, RPCAUTH_E_CONFIG,
			    "mechanism %s (%s) is not installed: no GSS-API "
			    "module for it (see /etc/gss/mech.d%s%s)",
			    mechs[i].name, mechs[i].dotted,
			    mechs[i].package != NULL ? "; the package is " :
			    "", mechs[i].package != NULL ? mechs[i].package :
			    "");
			goto out;
		}
	}
	ret = 0;
out:
	if (have != GSS_C_NO_OID_SET)
		(void)gss_release_oid_set(&min, &have);
	return ret;
}

void
mech_set_oids(unsigned set, gss_OID_set_desc *out, gss_OID_desc elements[3])
{
	size_t i;

	out->count = 0;
	out->elements = elements;
	for (i = 0; i < NMECHS; i++)
		if (set & mechs[i].bit)
			elements[out->count++] = *mechs[i].oid;
}

gss_OID
mech_of_token(const void *tok, size_t len)
{
	const unsigned char *p = tok;
	gss_OID_desc oid;
	size_t off, body, n, i;

	if (p == NULL)
		return GSS_C_NO_OID;
	if (len >= sizeof(ntlm_sig) &&
	    CRYPTO_memcmp(p, ntlm_sig, sizeof(ntlm_sig)) == 0)
		return &ntlm_oid;
	/* RFC 2743 3.1: [APPLICATION 0] IMPLICIT SEQUENCE { thisMech, ... } */
	if (len < 2 || p[0] != 0x60)
		return GSS_C_NO_OID;
	if (p[1] < 0x80) {
		body = p[1];
		off = 2;
	} else {
		n = p[1] & 0x7f;
		if (n == 0 || n > 4 || len < 2 + n)
			return GSS_C_NO_OID;
		for (body = 0, i = 0; i < n; i++)
			body = (body << 8) | p[2 + i];
		off = 2 + n;
	}
	/* DER: the outer length must cover exactly what follows. */
	if (body != len - off || len - off < 2 || p[off] != 0x06 ||
	    p[off + 1] >= 0x80 || p[off + 1] > len - off - 2)
		return GSS_C_NO_OID;
	oid.length = p[off + 1];
	oid.elements = (void *)(uintptr_t)(p + off + 2);
	for (i = 0; i < NMECHS; i++)
		if (oid_eq(&oid, mechs[i].oid))
			return mechs[i].oid;
	return GSS_C_NO_OID;
}
