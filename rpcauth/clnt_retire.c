/* rpcauth/clnt_retire.c - DESTROY of a client context that is being replaced */
/*
 * A context the client replaces is still held by the server unless the
 * server itself said it is gone, and a rejection that says so carries no
 * verifier: anyone on the path can forge it.  Left there, replaced
 * contexts fill the server's cache and push out other clients' contexts
 * (docs/SECURITY.md section 9).  So the renewal sends RPCSEC_GSS_DESTROY
 * (RFC 2203 5.4) for the old context over its side CLIENT, once the new
 * context exists and before it is installed.
 *
 * Best effort and bounded: one call with a short timeout; its outcome
 * changes nothing (a server that forgot the context answers CREDPROBLEM;
 * nothing in the reply is trusted, so it is not verified and in
 * particular does not count as proof that the server knows the AUTH's
 * context).  The call has an AUTH of its own, so the application's
 * AUTH state (its last error, the back-off) is left alone.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clnt_internal.h"
#include "cred_xdr.h"
#include "protect.h"
#include "trace.h"

/* Long enough for a loopback or LAN round trip, short enough that the
 * call that needed the new context hardly notices a silent server. */
#define RETIRE_WAIT_MS	1000

struct clnt_retiring {
	AUTH		 auth;		/* first */
	struct clnt_state *st;
	struct rpcauth_err err;
};

/* ah_private points back at the struct (clnt_retire sets it). */
#define RT_OF(a)	((struct clnt_retiring *)(a)->ah_private)

static int
rt_marshal(AUTH *a, XDR *xdrs)
{
	struct clnt_retiring *rt = RT_OF(a);

	return clnt_cred_write(rt->st, xdrs, RPCAUTH_GSS_DESTROY,
	    &rt->err) == 0;
}

/* The (empty) arguments under the context's service, as auth_destroy's. */
static int
rt_wrap(AUTH *a, XDR *xdrs, xdrproc_t proc, caddr_t where)
{
	struct clnt_retiring *rt = RT_OF(a);
	struct secctx_status sst;

	return protect_encode(&rt->st->sc, rt->st->service, rt->st->seq_cur,
	    xdrs, proc, where, &sst) == PROTECT_OK;
}

/* Nothing in the reply is used (see the top): any verifier is taken, and
 * the NULL procedure's empty result is read as it is. */
static struct auth_ops rt_ops = {
	clnt_op_nextverf, rt_marshal, clnt_op_anyverf, clnt_op_norefresh,
	clnt_op_nodestroy, rt_wrap, clnt_op_plain
};

void
clnt_retire(struct clnt_state *st, CLIENT *side)
{
	struct clnt_retiring rt;
	struct timeval tv;
	enum clnt_stat stat;
	AUTH *saved = side->cl_auth;

	/* Ended: the server drops it by itself (as auth_destroy does).  At
	 * MAXSEQ no sequence number is left for the DESTROY. */
	if (st->mode != CLNT_MODE_DATA || st->handle_len == 0 ||
	    st->seq_next >= RPCAUTH_MAXSEQ ||
	    (st->expiry != 0 && time(NULL) >= st->expiry))
		return;
	memset(&rt, 0, sizeof(rt));
	clnt_aux_auth(&rt.auth, &rt_ops, &rt);
	rt.st = st;
	/* Its last token: not worth the move to the fast path. */
	secctx_accel_cancel(&st->sc);
	tv.tv_sec = RETIRE_WAIT_MS / 1000;
	tv.tv_usec = (RETIRE_WAIT_MS % 1000) * 1000;
	side->cl_auth = &rt.auth;
	stat = clnt_call(side, NULLPROC, (xdrproc_t)xdr_nothing, NULL,
	    (xdrproc_t)xdr_nothing, NULL, tv);
	side->cl_auth = saved;
	TRACE("client: DESTROY of the replaced context (seq %u): %s%s%s",
	    (unsigned)st->seq_cur, stat == RPC_SUCCESS ? "answered" :
	    clnt_sperrno(stat), rt.err.msg != NULL ? ": " : "",
	    rt.err.msg != NULL ? rt.err.msg : "");
	rpcauth_err_clear(&rt.err);
}
