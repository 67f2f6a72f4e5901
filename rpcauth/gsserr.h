/* rpcauth/gsserr.h - GSS major/minor status as text, in one place */
#ifndef RPCAUTH_GSSERR_H
#define RPCAUTH_GSSERR_H

#include <gssapi/gssapi.h>
#include "internal.h"

/*
 * Write "<major text>: <minor text>" (gss_display_status) into buf.
 * mech may be GSS_C_NO_OID.  Always NUL-terminates.
 */
void	gsserr_text(OM_uint32 major, OM_uint32 minor, gss_OID mech,
	    char *buf, size_t len);

/* rpcauth_err_set(RPCAUTH_E_GSS, "<what>: <gss text>"); returns -1. */
int	gsserr_set(struct rpcauth_err *err, const char *what,
	    OM_uint32 major, OM_uint32 minor, gss_OID mech);

#endif
