/* examples/kv_proc.c - the KV procedures: an in-memory store, and who calls */
/*
 * rpcgen's dispatch routine (kv_svc.c, generated) decodes the arguments,
 * calls these and sends what they return; the results are static because
 * it sends them after we return.  The server is single-threaded
 * (svc_run-style loop), so the store needs no lock.
 *
 * Nothing here checks who is calling: kv-server registers KV_PROG through
 * rpcauth_svc_register_prog(), so only callers that rpcauth authenticated,
 * at min_service or above, get this far (docs/SECURITY.md section 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rpcauth/rpcauth.h>

#include "kv.h"

#define KV_SLOTS	256

static struct {
	char	*key;
	char	*val;
} store[KV_SLOTS];

static int
slot_of(const char *key)
{
	int i;

	for (i = 0; i < KV_SLOTS; i++)
		if (store[i].key != NULL && strcmp(store[i].key, key) == 0)
			return i;
	return -1;
}

kv_stat *
kv_put_1_svc(kv_pair *arg, struct svc_req *rq)
{
	static kv_stat res;
	char *val;
	int i;

	(void)rq;
	res = KV_FULL;
	if ((i = slot_of(arg->key)) == -1)
		for (i = 0; i < KV_SLOTS && store[i].key != NULL; i++)
			continue;
	if (i == KV_SLOTS || (val = strdup(arg->val)) == NULL)
		return &res;
	if (store[i].key == NULL && (store[i].key = strdup(arg->key)) == NULL) {
		free(val);
		return &res;
	}
	free(store[i].val);
	store[i].val = val;
	res = KV_OK;
	return &res;
}

kv_getres *
kv_get_1_svc(kv_key *key, struct svc_req *rq)
{
	static kv_getres res;
	int i;

	(void)rq;
	memset(&res, 0, sizeof(res));
	res.stat = KV_NOTFOUND;
	if ((i = slot_of(*key)) != -1) {
		res.stat = KV_OK;
		res.kv_getres_u.val = store[i].val;	/* sent, then kept */
	}
	return &res;
}

/* What rpcauth established for this call: "alice@EXAMPLE.ORG krb5 privacy". */
kv_val *
kv_whoami_1_svc(void *arg, struct svc_req *rq)
{
	static char line[KV_MAXVAL + 1];
	static char *res = line;
	struct rpcauth_caller who;

	(void)arg;
	if (rpcauth_svc_caller(rq, &who) != 0)	/* not an rpcauth caller */
		snprintf(line, sizeof(line), "unauthenticated");
	else
		snprintf(line, sizeof(line), "%s %s %s", who.principal, who.mech,
		    who.service == RPCAUTH_SVC_PRIVACY ? "privacy" :
		    who.service == RPCAUTH_SVC_INTEGRITY ? "integrity" : "none");
	return &res;
}
