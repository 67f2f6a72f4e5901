/* rpcauth/clnt_auth.c - the client AUTH: credential, header MIC, protected bodies */
/*
 * libtirpc calls these ops under the CLIENT's per-fd lock, one call at a
 * time (docs/LIBTIRPC.md section 5), so seq_cur is the sequence number of the only
 * call in flight; a UDP retransmission resends the same bytes and seq.
 * ah_marshal runs once per attempt: first for a call, then again after
 * each ah_refresh that returned TRUE (in_retry tells the two apart).
 * Hence one AUTH per CLIENT; threads that share an identity get one each
 * from rpcauth_client_clone (docs/ARCHITECTURE.md, "Many threads, one
 * identity").
 */
#include "config.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "clnt_internal.h"
#include "cred_xdr.h"
#include "failover.h"
#include "gsserr.h"
#include "mech.h"
#include "protect.h"
#include "trace.h"

static struct clnt_state *
state_of(AUTH *a)
{
	return (struct clnt_state *)a->ah_private;
}

void
clnt_op_nextverf(AUTH *a)
{
	(void)a;
}

int
clnt_op_norefresh(AUTH *a, void *arg)
{
	(void)a;
	(void)arg;
	return FALSE;
}

void
clnt_op_nodestroy(AUTH *a)
{
	(void)a;
}

int
clnt_op_anyverf(AUTH *a, struct opaque_auth *v)
{
	(void)a;
	(void)v;
	return TRUE;
}

int
clnt_op_plain(AUTH *a, XDR *xdrs, xdrproc_t proc, caddr_t where)
{
	(void)a;
	return (*proc)(xdrs, where);
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
clnt_cred_write(struct clnt_state *st, XDR *xdrs, uint32_t gss_proc,
    struct rpcauth_err *err)
{
	struct rpcauth_cred cred;
	struct secctx_status sst;
	uint8_t mic[RPCAUTH_MAX_AUTH_BYTES];
	size_t miclen;
	struct opaque_auth oa;
	u_int pos;
	caddr_t hdr;
	int len, ret = -1;

	memset(&cred, 0, sizeof(cred));
	cred.version = RPCAUTH_GSS_VERS_1;
	cred.service = st->service;
	cred.handle = st->handle;
	cred.handle_len = st->handle_len;
	cred.gss_proc = gss_proc;
	/*
	 * The handshake's verifier is MIC(be32(seq_window)), and the reply
	 * to the call with seq S is verified as MIC(be32(S)) (its void
	 * integrity body too): for S == window, a MIC this server sent in
	 * clear during the handshake would pass as the reply, so an on-path
	 * attacker could answer that call himself.  That number is never
	 * used, by DATA, DESTROY or a retiring DESTROY; RFC 2203 5.3.3.1
	 * lets a client skip numbers and every server's window tolerates
	 * the gap (docs/SECURITY.md, 1).
	 */
	if (st->seq_next == st->window)
		st->seq_next++;
	if (st->seq_next > RPCAUTH_MAXSEQ)
		return rpcauth_err_set(err, RPCAUTH_E_PROTO,
		    "sequence numbers exhausted (MAXSEQ reached)");
	cred.seq = st->seq_cur = st->seq_next++;
	if ((len = cred_encode(&cred, st->credbuf, sizeof(st->credbuf))) < 0)
		return rpcauth_err_set(err, RPCAUTH_E_PROTO,
		    "credential does not fit in 400 bytes");
	oa.oa_flavor = (enum_t)st->flavor;
	oa.oa_base = (caddr_t)st->credbuf;
	oa.oa_length = (u_int)len;
	if (!xdr_opaque_auth(xdrs, &oa))
		return rpcauth_err_set(err, RPCAUTH_E_SYSTEM,
		    "cannot encode the credential");
	pos = XDR_GETPOS(xdrs);
	if (!XDR_SETPOS(xdrs, 0) || (hdr = (caddr_t)XDR_INLINE(xdrs,
	    (int)pos)) == NULL || pos < 24)
		return rpcauth_err_set(err, RPCAUTH_E_SYSTEM,
		    "cannot reach the encoded call header");
	/* The application may have changed them (CLSET_PROG, CLSET_VERS):
	 * a new context is made for what it calls now. */
	st->peer.prog = get_be32((uint8_t *)hdr + 12);
	st->peer.vers = get_be32((uint8_t *)hdr + 16);
	if (secctx_get_mic_into(&st->sc, hdr, pos, mic, sizeof(mic), &miclen,
	    &sst) != 0) {
		if (GSS_ROUTINE_ERROR(sst.major) == GSS_S_CONTEXT_EXPIRED)
			return 1;
		gsserr_set(err, RPCAUTH_E_GSS,
		    "cannot make the header checksum",
		    sst.major, sst.minor, st->mech);
		goto out;
	}
	oa.oa_base = (caddr_t)mic;
	oa.oa_length = (u_int)miclen;
	if (!xdr_opaque_auth(xdrs, &oa)) {
		rpcauth_err_set(err, RPCAUTH_E_SYSTEM,
		    "cannot encode the verifier");
		goto out;
	}
	ret = 0;
out:
	return ret;
}

/* The application's call (DATA) or auth_destroy's DESTROY. */
static int
marshal_once(struct clnt_state *st, XDR *xdrs)
{
	return clnt_cred_write(st, xdrs, st->mode == CLNT_MODE_DESTROY ?
	    RPCAUTH_GSS_DESTROY : RPCAUTH_GSS_DATA, &st->lasterr);
}

/*
 * The call cannot go out, but over TCP libtirpc still ends the record
 * with what was encoded, and a server that meets half a call closes the
 * connection.  So finish it as a call every RFC 2203 server refuses
 * before anything runs (credential version 0: AUTH_BADCRED); the next
 * call skips that reply by its xid.
 */
static void
abandon_call(struct clnt_state *st, XDR *xdrs, u_int start)
{
	static const uint8_t version0[4];
	struct opaque_auth oa;

	oa.oa_flavor = (enum_t)st->flavor;
	oa.oa_base = (caddr_t)version0;
	oa.oa_length = sizeof(version0);
	if (XDR_SETPOS(xdrs, start))
		(void)(xdr_opaque_auth(xdrs, &oa) &&
		    xdr_opaque_auth(xdrs, &_null_auth));
}

static int
cl_marshal(AUTH *a, XDR *xdrs)
{
	struct clnt_state *st = state_of(a);
	enum clnt_renew_why why;
	u_int start = XDR_GETPOS(xdrs);
	int r = -1, tries;

	if (st->mode == CLNT_MODE_DATA) {
		/* A new call (not libtirpc resending after a refresh). */
		if (!st->in_retry) {
			st->call_renewals = 0;
			rpcauth_err_clear(&st->lasterr);
		}
		st->in_retry = 0;
		why = clnt_renew_due(st);
		if (why != RENEW_NONE && clnt_renew(st, why) != 0) {
			if (why != RENEW_EXPIRING)
				goto out;
			/* The old one still works: use it, retry soon. */
			clnt_renew_later(st);
		}
	} else if (st->seq_next > RPCAUTH_MAXSEQ) {
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_PROTO,
		    "sequence numbers exhausted (MAXSEQ reached)");
		goto out;
	}
	for (tries = 0; tries < 2; tries++) {
		if ((r = marshal_once(st, xdrs)) != 1)
			goto out;
		/* GSS saw the end before our clock did: a new context, and
		 * the credential written again over the old one. */
		if (st->mode != CLNT_MODE_DATA || tries > 0)
			break;
		r = -1;
		if (clnt_renew(st, RENEW_GSS_EXPIRED) != 0)
			goto out;
		if (!XDR_SETPOS(xdrs, start)) {
			rpcauth_err_set(&st->lasterr, RPCAUTH_E_SYSTEM,
			    "cannot rewrite the call header");
			goto out;
		}
	}
	r = -1;
	rpcauth_err_set(&st->lasterr, RPCAUTH_E_GSS, "GSS-API says the "
	    "security context has ended%s: check the clocks and the ticket "
	    "lifetime", tries > 0 ? ", even one made a moment ago" : "");
out:
	if (r != 0)
		abandon_call(st, xdrs, start);
	return r == 0;
}

static int
cl_validate(AUTH *a, struct opaque_auth *v)
{
	struct clnt_state *st = state_of(a);
	struct secctx_status sst;
	uint8_t be[4];

	if ((uint32_t)v->oa_flavor != st->flavor) {
		TRACE("client: reply to seq %u refused: verifier flavor %d",
		    (unsigned)st->seq_cur, (int)v->oa_flavor);
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH,
		    "the reply verifier has flavor %d, not %u",
		    (int)v->oa_flavor, st->flavor);
		return FALSE;
	}
	/*
	 * Defence in depth behind the skipped seq (clnt_cred_write): the
	 * handshake's MIC(seq_window) is never a reply verifier.  A real
	 * server's later MIC differs (each token carries its own sequence
	 * number), so only a replay is refused.
	 */
	if (st->init_verf_len != 0 && v->oa_length == st->init_verf_len &&
	    CRYPTO_memcmp(v->oa_base, st->init_verf, st->init_verf_len) == 0) {
		TRACE("client: reply to seq %u refused: verifier is the "
		    "handshake's", (unsigned)st->seq_cur);
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH,
		    "the reply verifier is a replay of the handshake's MIC "
		    "over the sequence window: the reply is forged (someone "
		    "on the path answered the call)");
		return FALSE;
	}
	be[0] = st->seq_cur >> 24;
	be[1] = st->seq_cur >> 16;
	be[2] = st->seq_cur >> 8;
	be[3] = st->seq_cur;
	if (secctx_verify_mic(&st->sc, be, sizeof(be), v->oa_base,
	    v->oa_length, &sst) != 0) {
		TRACE("client: reply to seq %u refused: verifier does not "
		    "verify (major 0x%x)", (unsigned)st->seq_cur,
		    (unsigned)sst.major);
		rpcauth_err_set(&st->lasterr, RPCAUTH_E_AUTH,
		    "the reply verifier does not verify: the reply is not "
		    "from the authenticated server, or was altered");
		return FALSE;
	}
	clnt_renew_confirmed(st);
	return TRUE;
}

static int
cl_refresh(AUTH *a, void *arg)
{
	return clnt_refresh(state_of(a), arg);
}

/*
 * ah_wrap (an encoding stream: the arguments) and ah_unwrap (a decoding
 * one: the results) are one operation, told apart by the stream.
 */
static int
cl_body(AUTH *a, XDR *xdrs, xdrproc_t proc, caddr_t where)
{
	struct clnt_state *st = state_of(a);
	struct secctx_status sst;
	enum protect_result r;

	if (xdrs->x_op == XDR_ENCODE) {
		r = protect_encode(&st->sc, st->service, st->seq_cur, xdrs,
		    proc, where, &sst);
		if (r == PROTECT_OK)
			return TRUE;
		protect_err_set(&st->lasterr, r, &sst, st->mech,
		    "cannot protect the arguments");
		return FALSE;
	}
	r = protect_decode(&st->sc, st->service, st->seq_cur, xdrs, proc,
	    where, st->max_body, &sst);
	/*
	 * libtirpc's server (and, by its code, Linux's) answers DESTROY
	 * with a bare void body at every service.  The results of DESTROY
	 * are void and unused; cl_validate already checked the verifier,
	 * MIC(seq of this DESTROY), so the server did answer it.  A body
	 * that is there but fails its checksum or unwrap is still refused.
	 */
	if (r == PROTECT_E_DECODE && st->mode == CLNT_MODE_DESTROY) {
		TRACE("client: DESTROY seq %u answered with a bare body "
		    "(accepted on its verifier)", (unsigned)st->seq_cur);
		return TRUE;
	}
	if (r != PROTECT_OK) {
		TRACE("client: reply to seq %u refused: %s",
		    (unsigned)st->seq_cur, protect_strerror(r));
		protect_err_set(&st->lasterr, r, &sst, st->mech,
		    "reply refused");
		return FALSE;
	}
	return TRUE;
}

static void
state_free(struct clnt_state *st)
{
	OM_uint32 min;

	if (st == NULL)
		return;
	secctx_clear(&st->sc);
	if (st->target != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &st->target);
	if (st->pin_name != GSS_C_NO_NAME)
		(void)gss_release_name(&min, &st->pin_name);
	if (st->cred != GSS_C_NO_CREDENTIAL)
		(void)gss_release_cred(&min, &st->cred);
	free(st->target_str);
	free(st->ccache);
	free(st->mech_opt);
	free(st->client_keytab);
	clnt_names_drop(st);
	rpcauth_err_clear(&st->lasterr);
	OPENSSL_cleanse(st, sizeof(*st));
	free(st);
}

static void
cl_destroy(AUTH *a)
{
	struct clnt_state *st = state_of(a);
	struct timeval tv = { 2, 0 };
	AUTH *saved;

	/*
	 * RFC 2203 5.4: best effort, short timeout; an ended context is
	 * already gone on the server.  Not one-way over TCP: a CLIENT used
	 * again after auth_destroy would meet the unread reply, and libtirpc
	 * leaks the verifier of every reply it skips.
	 */
	if (st->mode == CLNT_MODE_DATA && st->clnt != NULL &&
	    (st->expiry == 0 || time(NULL) < st->expiry)) {
		saved = st->clnt->cl_auth;
		st->clnt->cl_auth = a;
		st->mode = CLNT_MODE_DESTROY;
		/* Its last token: not worth the move to the fast path. */
		secctx_accel_cancel(&st->sc);
		(void)clnt_call(st->clnt, NULLPROC, (xdrproc_t)xdr_nothing,
		    NULL, (xdrproc_t)xdr_nothing, NULL, tv);
		st->clnt->cl_auth = saved == a ? authnone_create() : saved;
	} else if (st->clnt != NULL && st->clnt->cl_auth == a)
		st->clnt->cl_auth = authnone_create();
	state_free(st);
}

static struct auth_ops cl_ops = {
	clnt_op_nextverf, cl_marshal, cl_validate, cl_refresh, cl_destroy,
	cl_body, cl_body
};

/* "1.2.3.4": digits and single dots, so a mechanism given by OID. */
static int
looks_dotted(const char *s)
{
	int prev_dot = 1;

	for (; *s != '\0'; s++) {
		if (*s == '.' && !prev_dot)
			prev_dot = 1;
		else if (*s >= '0' && *s <= '9')
			prev_dot = 0;
		else
			return 0;
	}
	return !prev_dot;
}

/* Everything but the handshake: options, mechanism, names, server address. */
static int
state_setup(struct clnt_state *st, CLIENT *clnt, const char *service,
    const struct rpcauth_client_opts *opts, struct rpcauth_err *err)
{
	const char *mname = opts->mech != NULL ? opts->mech : "krb5";
	char known[MECH_NAMES_LEN];
	gss_buffer_desc nbuf;
	OM_uint32 maj, min;

	st->clnt = clnt;
	st->flavor = opts->flavor != 0 ? opts->flavor : RPCAUTH_FLAVOR;
	st->service = opts->service != 0 ? opts->service :
	    RPCAUTH_SVC_INTEGRITY;
	st->timeout_ms = opts->handshake_timeout_ms > 0 ?
	    opts->handshake_timeout_ms : RPCAUTH_DEFAULT_HANDSHAKE_MS;
	st->max_body = opts->max_body != 0 ? opts->max_body :
	    RPCAUTH_DEFAULT_MAX_BODY;
	st->renew_before_s = opts->renew_before_s;
	clnt_renew_init(st);
	st->allow_ntlm = opts->allow_ntlm != 0;
	st->req_mech = mech_by_name(mname);
	if (st->req_mech == GSS_C_NO_OID && !looks_dotted(mname))
		return rpcauth_err_set(err, RPCAUTH_E_CONFIG, "unknown "
		    "mechanism \"%s\": use %s", mname, mech_names(known,
		    sizeof(known), "a dotted OID"));
	if (clnt_mech_check(mname, st->req_mech, err) != 0)
		return -1;
	if ((st->target_str = strdup(service)) == NULL ||
	    (st->mech_opt = strdup(mname)) == NULL ||
	    (opts->ccache != NULL &&
	    (st->ccache = strdup(opts->ccache)) == NULL) ||
	    (opts->client_keytab != NULL &&
	    (st->client_keytab = strdup(opts->client_keytab)) == NULL))
		return rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
	st->opts = *opts;
	st->opts.mech = st->mech_opt;
	st->opts.ccache = st->ccache;
	st->opts.client_keytab = st->client_keytab;
	nbuf.value = st->target_str;
	nbuf.length = strlen(st->target_str);
	maj = gss_import_name(&min, &nbuf, GSS_C_NT_HOSTBASED_SERVICE,
	    &st->target);
	if (GSS_ERROR(maj))
		return gsserr_set(err, RPCAUTH_E_GSS, "bad service name",
		    maj, min, GSS_C_NO_OID);
	/* Not fatal: the AUTH works, it just cannot make a new context. */
	if (clnt_peer_capture(st, clnt) != 0)
		TRACE("client: server address of the CLIENT unknown: no "
		    "re-establishment for %s", service);
	return 0;
}

/*
 * The work of rpcauth_client_create and rpcauth_client_clone; err is
 * never NULL here.  `pin` (may be GSS_C_NO_NAME; copied): the only
 * initiator the handshake may acquire credentials for.
 */
static AUTH *
client_create(CLIENT *clnt, const char *service,
    const struct rpcauth_client_opts *opts, gss_name_t pin,
    struct rpcauth_err *err)
{
	struct rpcauth_client_opts o;
	struct clnt_state *st = NULL;
	struct clnt_ctx c;
	const char *at;
	OM_uint32 min;
	AUTH *ret = NULL;

	/* Read once, in this library's layout, whatever header the caller
	 * was built with (docs/ABI.md); NULL gives the defaults. */
	if (abi_client_opts_import(opts, &o, err) != 0)
		return NULL;
	opts = &o;
	/* Name what is missing: a caller that passed one of them must not be
	 * told it lacks it. */
	if (clnt == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "no CLIENT: make one "
		    "with clnt_create() first");
		return NULL;
	}
	if (service == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "no service name: give "
		    "one of the form service@host (for example "
		    "\"nfs@server.example.org\")");
		return NULL;
	}
	if ((at = strchr(service, '@')) == NULL || at == service ||
	    at[1] == '\0') {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "service name \"%s\" is "
		    "not of the form service@host (for example "
		    "\"nfs@server.example.org\")", service);
		return NULL;
	}
	/* "kv/host@REALM" would be read as service "kv/host" on host
	 * "REALM": a Kerberos principal name, not a GSS host-based one. */
	if (memchr(service, '/', (size_t)(at - service)) != NULL) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "service name \"%s\" is "
		    "a Kerberos principal name: write it as service@host (the "
		    "principal kv/fs.example.org@REALM is \"kv@fs.example.org\")",
		    service);
		return NULL;
	}
	if (opts->service > RPCAUTH_SVC_PRIVACY) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "unknown service %d: "
		    "use RPCAUTH_SVC_NONE, _INTEGRITY or _PRIVACY",
		    (int)opts->service);
		return NULL;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		rpcauth_err_set(err, RPCAUTH_E_NOMEM, "out of memory");
		return NULL;
	}
	secctx_init(&st->sc);
	st->sc.pre_export = clnt_names_keep;
	st->sc.pre_export_arg = st;
	st->auth.ah_ops = &cl_ops;
	st->auth.ah_private = st;
	st->auth.ah_cred = _null_auth;
	st->auth.ah_verf = _null_auth;
	st->mode = CLNT_MODE_HANDSHAKE;
	if (state_setup(st, clnt, service, opts, err) != 0)
		goto out;
	if (pin != GSS_C_NO_NAME && GSS_ERROR(gss_duplicate_name(&min, pin,
	    &st->pin_name))) {
		rpcauth_err_set(err, RPCAUTH_E_NOMEM, "cannot copy the client's "
		    "name for the new AUTH");
		goto out;
	}
	/* Not inside an AUTH op yet: the application's CLIENT is free. */
	if (clnt_handshake(st, clnt, &c, err) != 0)
		goto out;
	clnt_install(st, &c);
	clnt->cl_auth = &st->auth;
	ret = &st->auth;
	st = NULL;
out:
	state_free(st);
	return ret;
}

AUTH *
rpcauth_client_create(CLIENT *clnt, const char *service,
    const struct rpcauth_client_opts *opts, struct rpcauth_err *err)
{
	struct rpcauth_err local = RPCAUTH_ERR_INIT;
	AUTH *ret;

	krb5conf_pin();
	/* Inside the library err is never NULL (docs/ARCHITECTURE.md,
	 * "Errors"), so a caller that declines the message declines only
	 * the message. */
	ret = client_create(clnt, service, opts, GSS_C_NO_NAME,
	    err != NULL ? err : &local);
	rpcauth_err_clear(&local);
	return ret;
}

/* What clone_pin_locked reads from, and its copy of the name. */
struct clone_op {
	struct clnt_state *st;
	gss_name_t	 pin;
};

/* The original's client name, taken in a section of its context's lock:
 * a renewal in another thread's call may be replacing it. */
static void
clone_pin_locked(void *arg, gss_ctx_id_t gctx)
{
	struct clone_op *op = arg;
	struct clnt_state *st = op->st;
	OM_uint32 min;

	clnt_names_keep(st, gctx);
	if (st->pin_name != GSS_C_NO_NAME)
		(void)gss_duplicate_name(&min, st->pin_name, &op->pin);
	else if (st->client_name != GSS_C_NO_NAME)
		(void)gss_duplicate_name(&min, st->client_name, &op->pin);
}

/*
 * Everything read from `from` is fixed at its creation (the options, the
 * target) or read in a section of its lock (the client's name), so a
 * clone may be made while other threads call through `from`.
 */
static AUTH *
client_clone(AUTH *from, CLIENT *clnt, struct rpcauth_err *err)
{
	struct clnt_state *st;
	struct clone_op op = { NULL, GSS_C_NO_NAME };
	OM_uint32 min;
	AUTH *ret;

	if (from == NULL || from->ah_ops != &cl_ops) {
		rpcauth_err_set(err, RPCAUTH_E_CONFIG, "no AUTH to clone: "
		    "give one made by rpcauth_client_create()");
		return NULL;
	}
	st = state_of(from);
	op.st = st;
	secctx_with_lock(&st->sc, clone_pin_locked, &op);
	/* One identity: the clone is made as the original's client, or not
	 * at all, whatever this thread's ccache names now. */
	if (op.pin == GSS_C_NO_NAME) {
		rpcauth_err_set(err, RPCAUTH_E_GSS, "cannot tell which client "
		    "the AUTH to clone was made as (the GSS-API does not name "
		    "it): make this AUTH with rpcauth_client_create()");
		return NULL;
	}
	ret = client_create(clnt, st->target_str, &st->opts, op.pin, err);
	(void)gss_release_name(&min, &op.pin);
	return ret;
}

AUTH *
rpcauth_client_clone(AUTH *auth, CLIENT *clnt, struct rpcauth_err *err)
{
	struct rpcauth_err local = RPCAUTH_ERR_INIT;
	AUTH *ret;

	krb5conf_pin();
	ret = client_clone(auth, clnt, err != NULL ? err : &local);
	rpcauth_err_clear(&local);
	return ret;
}

const char *
rpcauth_auth_error(AUTH *auth)
{
	if (failover_owns(auth))	/* rpcauth_clnt_create()'s cl_auth */
		return failover_auth_error(auth);
	if (auth == NULL || auth->ah_ops != &cl_ops)
		return NULL;
	return state_of(auth)->lasterr.msg;
}

/* What auth_info_locked copies out, and from where. */
struct info_op {
	struct clnt_state *st;
	struct rpcauth_auth_info *out;
};

/*
 * A renewal in another thread's call replaces the context and frees
 * these strings (clnt_install, in the same lock's section): everything
 * that describes the context is copied out in one section.
 */
static void
auth_info_locked(void *arg, gss_ctx_id_t gctx)
{
	struct info_op *op = arg;
	struct clnt_state *st = op->st;
	struct rpcauth_auth_info *out = op->out;

	clnt_names_keep(st, gctx);	/* unless exported already */
	if (st->client_principal == NULL)
		st->client_principal = clnt_name_string(st->client_name);
	if (st->server_principal == NULL)
		st->server_principal = clnt_name_string(st->server_name);
	snprintf(out->client_principal, sizeof(out->client_principal), "%s",
	    st->client_principal != NULL ? st->client_principal : "");
	snprintf(out->server_principal, sizeof(out->server_principal), "%s",
	    st->server_principal != NULL ? st->server_principal : "");
	snprintf(out->mech, sizeof(out->mech), "%s", mech_name(st->mech));
	out->window = st->window;
	out->expiry = st->expiry;
	out->mutual = st->mutual;
	out->contexts = st->contexts;
}

static int
auth_info(AUTH *auth, struct rpcauth_auth_info *out)
{
	struct info_op op;

	if (out == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	if (auth == NULL || auth->ah_ops != &cl_ops)
		return -1;
	op.st = state_of(auth);
	op.out = out;
	secctx_with_lock(&op.st->sc, auth_info_locked, &op);
	out->service = op.st->service;	/* fixed at creation */
	out->flavor = op.st->flavor;
	return 0;
}

int
rpcauth_auth_info_sized(AUTH *auth, struct rpcauth_auth_info *out,
    size_t size)
{
	struct rpcauth_auth_info info;
	int ret;

	if (failover_owns(auth))	/* rpcauth_clnt_create()'s cl_auth */
		return failover_auth_info(auth, out, size);
	ret = auth_info(auth, &info);

	if (abi_copy_out(out, size, &info, sizeof(info), AUTH_INFO_SIZE0,
	    ret == 0) != 0)
		return -1;
	return ret;
}
