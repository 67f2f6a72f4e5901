/* rpcauth/svc_caller.c - inside a procedure: who is calling, and how */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "mech.h"
#include "svc_internal.h"

int
rpcauth_svc_caller(const struct svc_req *req, struct rpcauth_caller *out)
{
	struct svc_reqstate rs;
	struct svcctx *c;

	memset(out, 0, sizeof(*out));
	if (req == NULL || !svc_g.registered ||
	    svc_reqstate_get(req, &rs) != 0 || rs.action != SVC_ACT_DATA)
		return -1;
	if ((c = ctxcache_find(svc_g.cc, rs.handle, sizeof(rs.handle))) == NULL)
		return -1;
	snprintf(out->principal, sizeof(out->principal), "%s",
	    c->principal != NULL ? c->principal : "");
	snprintf(out->mech, sizeof(out->mech), "%s", mech_name(c->mech));
	out->service = (enum rpcauth_service)rs.service;
	out->expiry = c->expiry;
	out->flavor = rs.flavor;
	ctxcache_put(svc_g.cc, c);
	return 0;
}
