/* tests/gssname.h - a host-based service name for the tests' own GSS-API calls */
#ifndef RPCAUTH_TESTS_GSSNAME_H
#define RPCAUTH_TESTS_GSSNAME_H

#include <stdint.h>
#include <string.h>

#include <gssapi/gssapi.h>

/*
 * gss_import_name() of `service` ("demo@localhost") as
 * GSS_C_NT_HOSTBASED_SERVICE into *out, which the caller releases; the
 * major status.  Header-only: gss_interop_server links nothing of the
 * tests or of rpcauth.
 */
static inline OM_uint32
hostbased_name(const char *service, gss_name_t *out)
{
	gss_buffer_desc nb;
	OM_uint32 min;

	nb.value = (void *)(uintptr_t)service;
	nb.length = strlen(service);
	*out = GSS_C_NO_NAME;
	return gss_import_name(&min, &nb, GSS_C_NT_HOSTBASED_SERVICE, out);
}

#endif
