/* rpcauth/lucid.h - hand an established krb5 GSS context over to the OpenSSL path */
#ifndef RPCAUTH_LUCID_H
#define RPCAUTH_LUCID_H

#include "rename.h"

#include <gssapi/gssapi.h>

#include "krb5_token.h"

/*
 * If *gctx is an established krb5 context whose token key is one of the
 * AES enctypes, export it as a version 1 lucid context (MIT deletes the
 * GSS context then) and build the token state from its keys.
 *
 * Returns 1: *out is set and owned by the caller; *gctx is
 *	GSS_C_NO_CONTEXT (exported contexts must not be used again).
 * Returns 0: not applicable (other enctype, not krb5, not established) or
 *	the export was refused; *gctx is untouched and still usable.
 * Returns -1: the export went through but the keys could not be set up
 *	(out of memory); *gctx is GSS_C_NO_CONTEXT and the context is lost.
 * The lucid copy of the keys is wiped before it is freed.
 */
int	lucid_export(gss_ctx_id_t *gctx, struct k5ctx **out);

#endif
