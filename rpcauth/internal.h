/* rpcauth/internal.h - helpers shared by the library's files; not installed */
#ifndef RPCAUTH_INTERNAL_H
#define RPCAUTH_INTERNAL_H

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

#endif /* RPCAUTH_INTERNAL_H */
