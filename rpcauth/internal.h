/* rpcauth/internal.h - helpers shared by the library's files; not installed */
#ifndef RPCAUTH_INTERNAL_H
#define RPCAUTH_INTERNAL_H

#include "rename.h"

#include <stddef.h>
#include <stdint.h>
#include "rpcauth.h"

#include "bounds.h"	/* wire limits and defaults */

/*
 * The one error setter.  Returns -1 so that code can fail in one statement.
 * Never put token or key bytes in fmt's arguments.
 */
int	rpcauth_err_set(struct rpcauth_err *err, enum rpcauth_code code,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Wipe len bytes, then free.  NULL-safe. */
void	rpcauth_zfree(void *p, size_t len);
/* krb5conf.c: keep krb5.conf parsed between GSS calls (once per process). */
void	krb5conf_pin(void);

/*
 * The first published layout of each struct callers allocate ends at these
 * fields: a size below is refused.  Never change them; new fields go after
 * the last one (docs/ABI.md).
 */
#define RPCAUTH_END_OF(type, field)	(offsetof(type, field) + \
	sizeof(((type *)NULL)->field))
#define SVC_OPTS_SIZE0		RPCAUTH_END_OF(struct rpcauth_svc_opts, \
	cookie_free)
#define SVC_POLICY_SIZE0	RPCAUTH_END_OF(struct rpcauth_svc_policy, unauth)
#define CLIENT_OPTS_SIZE0	RPCAUTH_END_OF(struct rpcauth_client_opts, \
	allow_ntlm)
#define CALLER_SIZE0		RPCAUTH_END_OF(struct rpcauth_caller, cookie)
#define AUTH_INFO_SIZE0		RPCAUTH_END_OF(struct rpcauth_auth_info, \
	contexts)

/*
 * abi.c: the structs callers allocate, as this library knows them
 * (docs/ABI.md).  The imports copy the caller's options (NULL: defaults)
 * into *out, refusing a size below the first published layout and a
 * larger struct whose extra bytes are not all zero.  The svc import also
 * copies the policies (stride opts->policy_size) into *policies_out, an
 * array the caller frees, which out->policies points to.
 */
int	abi_svc_opts_import(const struct rpcauth_svc_opts *opts,
	    struct rpcauth_svc_opts *out,
	    struct rpcauth_svc_policy **policies_out, struct rpcauth_err *err);
int	abi_client_opts_import(const struct rpcauth_client_opts *opts,
	    struct rpcauth_client_opts *out, struct rpcauth_err *err);
/*
 * Hand the library's result `src` (srclen bytes, its first member the
 * size_t size) to the caller's `dst` of dstlen bytes: zero dst, copy what
 * both know and set dst->size to that.  `ok` 0: dst is only zeroed.
 * Returns -1 when dstlen is below minlen (then nothing is written).
 */
int	abi_copy_out(void *dst, size_t dstlen, const void *src, size_t srclen,
	    size_t minlen, int ok);

#endif /* RPCAUTH_INTERNAL_H */
