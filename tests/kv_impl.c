/* tests/kv_impl.c - kv.x's procedures, in place of rpcgen -a's kv_server.c */
/*
 * A fixed store of two keys.  Every GET and LIST run, in any version, is
 * counted; KV_CALLS (version 1: rpcauth callers only) reads the count, so
 * a test can tell whether a refused call ran a procedure.
 */
#include <stdint.h>
#include <string.h>

#include "kv.h"

static const char *const keys[] = { "alpha", "beta" };
static const char *const vals[] = { "one", "two" };
static u_quad_t runs;

static kv_val *
get(kv_key *key)
{
	static kv_val result;
	size_t i;

	runs++;
	result = (char *)"";
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(*key, keys[i]) == 0)
			result = (char *)vals[i];
	return &result;
}

static kv_keys *
list(void)
{
	static kv_keys result;

	runs++;
	result.kv_keys_len = sizeof(keys) / sizeof(keys[0]);
	result.kv_keys_val = (kv_key *)(uintptr_t)keys;
	return &result;
}

/*
 * Every version's GET and LIST are the same two procedures under rpcgen's
 * per-version names; the request itself is not needed.
 */
#define KV_GET_LIST(getname, listname)					\
	kv_val *							\
	getname(kv_key *key, struct svc_req *rq)			\
	{								\
		(void)rq;						\
		return get(key);					\
	}								\
									\
	kv_keys *							\
	listname(void *arg, struct svc_req *rq)				\
	{								\
		(void)arg;						\
		(void)rq;						\
		return list();						\
	}

KV_GET_LIST(kv_get_1_svc, kv_list_1_svc)
KV_GET_LIST(kv2_get_2_svc, kv2_list_2_svc)
KV_GET_LIST(kv3_get_3_svc, kv3_list_3_svc)

/*
 * Version 1 only: how many GET and LIST ran, in any version.  The count
 * is the result: the dispatcher encodes it before the next call runs.
 */
u_quad_t *
kv_calls_1_svc(void *arg, struct svc_req *rq)
{
	(void)arg;
	(void)rq;
	return &runs;
}
