/* rpcauth/svc_gate.c - programs registered through rpcauth refuse others */
/*
 * libtirpc authenticates AUTH_NONE, AUTH_SYS and AUTH_SHORT (and runs its
 * own RPCSEC_GSS) by itself and hands those calls to the program's
 * dispatch: a svc_auth_reg handler never sees them, so min_service alone
 * cannot keep them out (docs/LIBTIRPC.md section 1, docs/SECURITY.md 2).
 * The one place left is between libtirpc and the application's dispatch.
 * rpcauth_svc_register_prog() and rpcauth_svc_reg() register gate_dispatch
 * in the application's place and remember its routine per program and
 * version.  The gate passes a call on only when rpcauth's handler
 * authenticated it, or when the program/version's policy opens it to
 * that unauthenticated flavor; anything else gets AUTH_TOOWEAK before the
 * application's code runs or any argument is read.  Until
 * rpcauth_svc_register() has succeeded nothing is authenticated and no
 * policy is known, so every call is refused: the gate fails closed.
 *
 * Invariant: a program and version in the table keeps one dispatch
 * routine; the table is read and written under svc_g.lock only, and the
 * routine is copied out before the lock is released, so the application's
 * dispatch never runs under the lock.
 */
#include "config.h"

#include <stdlib.h>

#include "svc_internal.h"
#include "trace.h"

typedef void	(*gate_fn)(struct svc_req *, SVCXPRT *);

struct gate {
	uint32_t	 prog, vers;
	gate_fn		 dispatch;
};

static struct gate	*gates;		/* under svc_g.lock */
static size_t		 ngates, capgates;

/* The entry for prog/vers, or NULL.  Caller holds svc_g.lock. */
static struct gate *
gate_find(uint32_t prog, uint32_t vers)
{
	size_t i;

	for (i = 0; i < ngates; i++)
		if (gates[i].prog == prog && gates[i].vers == vers)
			return &gates[i];
	return NULL;
}

/*
 * Remember `fn` for prog/vers.  0 (*added_out set when the entry is new),
 * or -1: another routine holds prog/vers, or no memory.
 */
static int
gate_add(uint32_t prog, uint32_t vers, gate_fn fn, int *added_out)
{
	struct gate *g, *grown;
	size_t cap;
	int ret = -1;

	*added_out = 0;
	pthread_mutex_lock(&svc_g.lock);
	if ((g = gate_find(prog, vers)) != NULL) {
		if (g->dispatch == fn)
			ret = 0;
		else
			TRACE("svc: program %u version %u is registered "
			    "already, with another dispatch routine", prog,
			    vers);
		goto out;
	}
	if (ngates == capgates) {
		cap = capgates != 0 ? 2 * capgates : 8;
		if ((grown = reallocarray(gates, cap, sizeof(*gates))) == NULL)
			goto out;
		gates = grown;
		capgates = cap;
	}
	gates[ngates].prog = prog;
	gates[ngates].vers = vers;
	gates[ngates].dispatch = fn;
	ngates++;
	*added_out = 1;
	ret = 0;
out:
	pthread_mutex_unlock(&svc_g.lock);
	return ret;
}

/* Undo a gate_add whose libtirpc registration failed. */
static void
gate_remove(uint32_t prog, uint32_t vers)
{
	struct gate *g;

	pthread_mutex_lock(&svc_g.lock);
	if ((g = gate_find(prog, vers)) != NULL)
		*g = gates[--ngates];
	pthread_mutex_unlock(&svc_g.lock);
}

/* Does the caller of rq get through?  Caller holds svc_g.lock. */
static int
admitted(const struct svc_req *rq)
{
	struct svc_reqstate rs;
	uint32_t flavor = (uint32_t)rq->rq_cred.oa_flavor;

	if (!svc_g.registered)
		return 0;
	/*
	 * The flavor is the proof: libtirpc hands rpcauth's flavor to our
	 * handler only, and a call it let through is an authenticated DATA
	 * call (control messages went to the private program).  The state
	 * it left is checked too; rq_clntcred alone proves nothing, since it
	 * may hold what an earlier request left on the same stack.
	 */
	if (flavor == svc_g.flavor)
		return svc_reqstate_get(rq, &rs) == 0 &&
		    rs.action == SVC_ACT_DATA;
	if (flavor != AUTH_NONE && flavor != AUTH_SYS)
		return 0;
	switch (svc_unauth_for((uint32_t)rq->rq_prog,
	    (uint32_t)rq->rq_vers)) {
	case RPCAUTH_UNAUTH_ALL:
		return 1;
	case RPCAUTH_UNAUTH_NULLPROC:
		return rq->rq_proc == NULLPROC;
	case RPCAUTH_UNAUTH_REFUSE:
		break;
	}
	return 0;
}

static void
gate_dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	struct gate *g;
	gate_fn fn = NULL;
	int ok = 0;

	pthread_mutex_lock(&svc_g.lock);
	if ((g = gate_find((uint32_t)rq->rq_prog,
	    (uint32_t)rq->rq_vers)) != NULL) {
		fn = g->dispatch;
		ok = admitted(rq);
	}
	pthread_mutex_unlock(&svc_g.lock);
	if (fn == NULL) {
		/* Registered through us but not in the table: cannot happen;
		 * answer as if the program were not there. */
		svcerr_noprog(xprt);
		return;
	}
	if (!ok) {
		TRACE("svc: call refused (AUTH_TOOWEAK): flavor %d to program "
		    "%u version %u procedure %u, not authenticated by rpcauth",
		    (int)rq->rq_cred.oa_flavor, (unsigned)rq->rq_prog,
		    (unsigned)rq->rq_vers, (unsigned)rq->rq_proc);
		SVC_EVENT(xprt, (uint32_t)rq->rq_prog, (uint32_t)rq->rq_vers,
		    RPCAUTH_SVC_EV_CALL_REJECTED, AUTH_TOOWEAK, 0, 0, NULL,
		    "flavor %d call to procedure %u refused: the program is "
		    "protected by rpcauth", (int)rq->rq_cred.oa_flavor,
		    (unsigned)rq->rq_proc);
		svcerr_weakauth(xprt);
		return;
	}
	fn(rq, xprt);
}

/* Common checks; 0 and the table entry made, or -1. */
static int
gate_prepare(SVCXPRT *xprt, uint32_t prog, uint32_t vers, gate_fn fn,
    int *added_out)
{
	*added_out = 0;
	if (xprt == NULL || fn == NULL || prog == SVC_PRIV_PROG) {
		TRACE("svc: registration of program %u version %u refused: "
		    "%s", prog, vers, prog == SVC_PRIV_PROG ?
		    "the program number is rpcauth's" :
		    "no transport or no dispatch routine");
		return -1;
	}
	return gate_add(prog, vers, fn, added_out);
}

bool_t
rpcauth_svc_register_prog(SVCXPRT *xprt, u_long prog, u_long vers,
    void (*dispatch)(struct svc_req *, SVCXPRT *), int protocol)
{
	int added;

	if (prog > UINT32_MAX || vers > UINT32_MAX ||
	    gate_prepare(xprt, (uint32_t)prog, (uint32_t)vers, dispatch,
	    &added) != 0)
		return FALSE;
	if (!svc_register(xprt, prog, vers, gate_dispatch, protocol)) {
		TRACE("svc: svc_register of program %lu version %lu failed",
		    prog, vers);
		if (added)
			gate_remove((uint32_t)prog, (uint32_t)vers);
		return FALSE;
	}
	return TRUE;
}

bool_t
rpcauth_svc_reg(SVCXPRT *xprt, rpcprog_t prog, rpcvers_t vers,
    void (*dispatch)(struct svc_req *, SVCXPRT *),
    const struct netconfig *nconf)
{
	int added;

	if (gate_prepare(xprt, (uint32_t)prog, (uint32_t)vers, dispatch,
	    &added) != 0)
		return FALSE;
	if (!svc_reg(xprt, prog, vers, gate_dispatch, nconf)) {
		TRACE("svc: svc_reg of program %u version %u failed",
		    (unsigned)prog, (unsigned)vers);
		if (added)
			gate_remove((uint32_t)prog, (uint32_t)vers);
		return FALSE;
	}
	return TRUE;
}
