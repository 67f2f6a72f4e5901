/* rpcauth/err.c - errors as values: a code and an owned message */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

/* Returned when the message itself cannot be allocated; never freed. */
static char nomem_msg[] = "out of memory";

int
rpcauth_err_set(struct rpcauth_err *err, enum rpcauth_code code,
    const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	int n;

	if (err == NULL)
		return -1;
	rpcauth_err_clear(err);
	err->code = code;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		err->code = RPCAUTH_E_NOMEM;
		err->msg = nomem_msg;
	} else
		err->msg = msg;
	return -1;
}

void
rpcauth_err_clear(struct rpcauth_err *err)
{
	if (err == NULL)
		return;
	if (err->msg != NULL && err->msg != nomem_msg)
		free(err->msg);
	err->msg = NULL;
	err->code = RPCAUTH_OK;
}

void
rpcauth_zfree(void *p, size_t len)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, len);
	free(p);
}

const char *
rpcauth_version(void)
{
	return PACKAGE_VERSION;
}
