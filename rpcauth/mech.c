/* rpcauth/mech.c - security mechanisms by name and OID */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "mech.h"

static gss_OID_desc krb5_oid = { 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" };
static gss_OID_desc spnego_oid = { 6, (void *)"\x2b\x06\x01\x05\x05\x02" };
static gss_OID_desc ntlm_oid = { 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };

static const struct {
	const char	*name;
	const char	*dotted;
	gss_OID		 oid;
} mechs[] = {
	{ "krb5", "1.2.840.113554.1.2.2", &krb5_oid },
	{ "spnego", "1.3.6.1.5.5.2", &spnego_oid },
	{ "ntlm", "1.3.6.1.4.1.311.2.2.10", &ntlm_oid },
};

static int
oid_eq(const gss_OID a, const gss_OID b)
{
	return a != GSS_C_NO_OID && b != GSS_C_NO_OID &&
	    a->length == b->length &&
	    CRYPTO_memcmp(a->elements, b->elements, a->length) == 0;
}

gss_OID
mech_by_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return GSS_C_NO_OID;
	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++)
		if (strcmp(name, mechs[i].name) == 0 ||
		    strcmp(name, mechs[i].dotted) == 0)
			return mechs[i].oid;
	return GSS_C_NO_OID;
}

const char *
mech_name(const gss_OID oid)
{
	size_t i;

	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++)
		if (oid_eq(oid, mechs[i].oid))
			return mechs[i].name;
	return "unknown";
}

int
mech_has_mutual(const gss_OID oid)
{
	return !oid_eq(oid, &ntlm_oid);
}
