/* rpcauth/abi.c - the caller's structs, whatever header they were built with */
/*
 * Every struct a program allocates and the library reads (options) or
 * fills (results) starts with `size_t size`, the program's sizeof as the
 * init and result macros of rpcauth.h passed it.  Fields are only ever
 * added at the end (docs/ABI.md), so:
 *  - a size below the first published layout (the *_SIZE0 below) is not
 *    one of ours: refused, nothing read past the size member;
 *  - a smaller, older layout is read as far as it goes, the rest defaults;
 *  - a larger, newer layout is accepted only when every byte this library
 *    does not know is zero: an option the program set and the library
 *    cannot honour must fail, not be ignored (the rule of Linux's
 *    copy_struct_from_user);
 *  - results are written only as far as the caller's size, and out->size
 *    tells the caller how much of its struct was filled.
 * The *_SIZE0 sizes (internal.h) end at the last field of the first
 * published layout and must never change.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Far above any layout: a size beyond it is garbage, not a newer header. */
#define SIZE_MAX_PLAUSIBLE	4096

/* Zero defaults, and the sizes the caller's program was built with. */
void
rpcauth_svc_opts_init_sized(struct rpcauth_svc_opts *opts, size_t size,
    size_t policy_size)
{
	if (opts == NULL)
		return;
	memset(opts, 0, size);
	/* Too small to be ours: left zero, rpcauth_svc_register refuses it. */
	if (size < SVC_OPTS_SIZE0)
		return;
	opts->size = size;
	opts->policy_size = policy_size;
}

void
rpcauth_client_opts_init_sized(struct rpcauth_client_opts *opts, size_t size)
{
	if (opts == NULL)
		return;
	memset(opts, 0, size);
	if (size >= CLIENT_OPTS_SIZE0)
		opts->size = size;
}

/* Bytes [from, to) of p are all zero. */
static int
tail_zero(const void *p, size_t from, size_t to)
{
	const unsigned char *b = p;

	for (; from < to; from++)
		if (b[from] != 0)
			return 0;
	return 1;
}

/*
 * Copy a caller's struct of `size` bytes into the zeroed `dst` of this
 * library's `known` bytes.  `what` names it and `init` the call that fills
 * it, for the message.
 */
static int
copy_in(void *dst, size_t known, const void *src, size_t size, size_t size0,
    const char *what, const char *init, struct rpcauth_err *err)
{
	memset(dst, 0, known);
	if (size < size0 || size > SIZE_MAX_PLAUSIBLE)
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG, "%s: size %zu is "
		    "not the size of a %s: fill it with %s() first", what,
		    size, what, init);
	if (size > known && !tail_zero(src, known, size))
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG, "%s sets fields "
		    "this librpcauth %s does not know (%zu bytes, it knows "
		    "%zu): the program needs a newer librpcauth", what,
		    PACKAGE_VERSION, size, known);
	memcpy(dst, src, size < known ? size : known);
	return 0;
}

int
abi_client_opts_import(const struct rpcauth_client_opts *opts,
    struct rpcauth_client_opts *out, struct rpcauth_err *err)
{
	if (opts == NULL) {
		rpcauth_client_opts_init(out);
		return 0;
	}
	if (copy_in(out, sizeof(*out), opts, opts->size, CLIENT_OPTS_SIZE0,
	    "struct rpcauth_client_opts", "rpcauth_client_opts_init",
	    err) != 0)
		return -1;
	out->size = sizeof(*out);
	return 0;
}

int
abi_svc_opts_import(const struct rpcauth_svc_opts *opts,
    struct rpcauth_svc_opts *out, struct rpcauth_svc_policy **policies_out,
    struct rpcauth_err *err)
{
	struct rpcauth_svc_policy *pol = NULL;
	const char *p;
	size_t i;

	*policies_out = NULL;
	if (opts == NULL) {
		rpcauth_svc_opts_init(out);
		return 0;
	}
	if (copy_in(out, sizeof(*out), opts, opts->size, SVC_OPTS_SIZE0,
	    "struct rpcauth_svc_opts", "rpcauth_svc_opts_init", err) != 0)
		return -1;
	out->size = sizeof(*out);
	if (out->npolicies == 0 || out->policies == NULL)
		return 0;	/* register names the inconsistency, if any */
	if (out->npolicies > SIZE_MAX / sizeof(*pol) ||
	    (pol = calloc(out->npolicies, sizeof(*pol))) == NULL)
		return rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
	/* The array was laid out with the caller's sizeof, not ours. */
	p = (const char *)out->policies;
	for (i = 0; i < out->npolicies; i++, p += out->policy_size)
		if (copy_in(&pol[i], sizeof(pol[i]), p, out->policy_size,
		    SVC_POLICY_SIZE0, "struct rpcauth_svc_policy",
		    "rpcauth_svc_opts_init", err) != 0) {
			free(pol);
			return -1;
		}
	out->policies = pol;
	out->policy_size = sizeof(*pol);
	*policies_out = pol;
	return 0;
}

int
abi_copy_out(void *dst, size_t dstlen, const void *src, size_t srclen,
    size_t minlen, int ok)
{
	size_t n = dstlen < srclen ? dstlen : srclen;

	if (dst == NULL || dstlen < minlen)
		return -1;
	memset(dst, 0, dstlen);
	if (!ok)
		return 0;
	memcpy(dst, src, n);
	memcpy(dst, &n, sizeof(n));	/* dst->size: the first member */
	return 0;
}
