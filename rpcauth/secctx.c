/* rpcauth/secctx.c - one established security context and its per-message calls */
/*
 * Two paths behind one lock: the GSS library, or for krb5 contexts with
 * an AES token key, RFC 4121 tokens made with OpenSSL (krb5_token.c)
 * after the context was exported (lucid.c).  The fast path is in use
 * exactly when `fast` is set and gctx is GSS_C_NO_CONTEXT.  Token buffers
 * of either path come from malloc, which is what gss_release_buffer()
 * frees in MIT's mechglue.
 *
 * Every function here takes the lock once and lets it go before it
 * returns; the static *_locked helpers run inside such a section.  The
 * field notes in secctx.h say what the lock guards.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "krb5_token.h"
#include "lucid.h"
#include "mech.h"
#include "scratch.h"
#include "secctx.h"
#include "seqwin.h"
#include "trace.h"

void
secctx_init(struct secctx *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->gctx = GSS_C_NO_CONTEXT;
	sc->fast = NULL;
	pthread_mutex_init(&sc->lock, NULL);
}

void
secctx_clear(struct secctx *sc)
{
	OM_uint32 min;

	if (sc->gctx != GSS_C_NO_CONTEXT)
		(void)gss_delete_sec_context(&min, &sc->gctx, GSS_C_NO_BUFFER);
	sc->gctx = GSS_C_NO_CONTEXT;
	k5ctx_free(sc->fast);		/* wipes the key schedules */
	sc->fast = NULL;
	pthread_mutex_destroy(&sc->lock);
}

static int
fastpath_allowed(void)
{
	/* Not from the environment of a setuid caller's user. */
	const char *v = secure_getenv("RPCAUTH_KRB5_FASTPATH");

	return v == NULL || strcmp(v, "0") != 0;
}

/* Under the lock: export a krb5 context to the fast path (see secctx.h). */
static int
accel_locked(struct secctx *sc)
{
	struct k5ctx *fast = NULL;
	int r;

	sc->accel_pending = 0;
	if (sc->fast != NULL && sc->gctx == GSS_C_NO_CONTEXT)
		return 1;
	if (sc->gctx == GSS_C_NO_CONTEXT || sc->mech == GSS_C_NO_OID ||
	    !mech_fastpath(sc->mech) || !fastpath_allowed())
		return 0;
	k5ctx_free(sc->fast);	/* of a context that gctx replaced */
	sc->fast = NULL;
	if (sc->pre_export != NULL)
		sc->pre_export(sc->pre_export_arg, sc->gctx);
	if ((r = lucid_export(&sc->gctx, &fast)) == 1) {
		sc->fast = fast;
		sc->fast_gen++;
		TRACE("krb5 per-message tokens now made with OpenSSL "
		    "(enctype %d)", (int)k5ctx_enctype(fast));
	} else if (r < 0)
		TRACE("krb5 context lost: exported but the keys could not be "
		    "set up (out of memory)");
	return r;
}

/* Under the lock: the fast state, unless a new GSS context replaced it. */
static struct k5ctx *
fast_locked(struct secctx *sc)
{
	if (sc->accel_pending)
		(void)accel_locked(sc);	/* on failure gctx is gone: calls fail */
	if (sc->fast != NULL && sc->gctx != GSS_C_NO_CONTEXT) {
		k5ctx_free(sc->fast);
		sc->fast = NULL;
	}
	return sc->fast;
}

int
secctx_accel(struct secctx *sc)
{
	int r;

	pthread_mutex_lock(&sc->lock);
	r = accel_locked(sc);
	pthread_mutex_unlock(&sc->lock);
	return r;
}

static void
set_pending(struct secctx *sc, int pending)
{
	pthread_mutex_lock(&sc->lock);
	sc->accel_pending = pending;
	pthread_mutex_unlock(&sc->lock);
}

void
secctx_accel_later(struct secctx *sc)
{
	set_pending(sc, 1);
}

void
secctx_accel_cancel(struct secctx *sc)
{
	set_pending(sc, 0);
}

void
secctx_with_lock(struct secctx *sc, secctx_locked_fn *fn, void *arg)
{
	pthread_mutex_lock(&sc->lock);
	fn(arg, sc->gctx);
	pthread_mutex_unlock(&sc->lock);
}

OM_uint32
secctx_accept(struct secctx *sc, gss_cred_id_t acceptor, gss_buffer_t in,
    gss_name_t *src, gss_OID *mech, gss_buffer_t out, OM_uint32 *flags,
    OM_uint32 *lifetime, OM_uint32 *minor)
{
	OM_uint32 maj;

	pthread_mutex_lock(&sc->lock);
	maj = gss_accept_sec_context(minor, &sc->gctx, acceptor, in,
	    GSS_C_NO_CHANNEL_BINDINGS, src, mech, out, flags, lifetime, NULL);
	pthread_mutex_unlock(&sc->lock);
	return maj;
}

gss_ctx_id_t
secctx_replace(struct secctx *sc, gss_ctx_id_t gctx, gss_OID mech,
    secctx_locked_fn *fn, void *arg)
{
	gss_ctx_id_t old;

	pthread_mutex_lock(&sc->lock);
	old = sc->gctx;
	sc->gctx = gctx;
	sc->mech = mech;
	k5ctx_free(sc->fast);	/* the old context's keys, wiped */
	sc->fast = NULL;
	if (fn != NULL)
		fn(arg, gctx);
	pthread_mutex_unlock(&sc->lock);
	return old;
}

static int
verify_mic_locked(struct secctx *sc, const void *msg, size_t len,
    const void *mic, size_t miclen, struct secctx_status *st)
{
	gss_buffer_desc in = { len, (void *)(uintptr_t)msg };
	gss_buffer_desc tok = { miclen, (void *)(uintptr_t)mic };
	gss_qop_t qop = GSS_C_QOP_DEFAULT;
	struct k5ctx *f;

	st->minor = 0;
	if ((f = fast_locked(sc)) != NULL)
		st->major = k5tok_verify_mic(f, msg, len, mic, miclen);
	else
		st->major = gss_verify_mic(&st->minor, sc->gctx, &in, &tok,
		    &qop);
	/*
	 * Only GSS_ERROR() fails a message.  Supplementary bits (GAP_TOKEN,
	 * UNSEQ_TOKEN, OLD_TOKEN, DUPLICATE_TOKEN) report the mechanism's own
	 * sequencing, which a peer that asked for GSS_C_SEQUENCE_FLAG or
	 * GSS_C_REPLAY_FLAG turns on (JGSS does by default): a lost, reordered
	 * or rejected call would otherwise cost the context.  RPC's window
	 * (RFC 2203 5.3.3.1) and the seq bound into every MIC do that job.
	 */
	if (GSS_ERROR(st->major))
		return -1;
	if (qop != GSS_C_QOP_DEFAULT) {
		st->major = GSS_S_BAD_QOP;
		return -1;
	}
	return 0;
}

int
secctx_verify_mic(struct secctx *sc, const void *msg, size_t len,
    const void *mic, size_t miclen, struct secctx_status *st)
{
	int r;

	pthread_mutex_lock(&sc->lock);
	r = verify_mic_locked(sc, msg, len, mic, miclen, st);
	pthread_mutex_unlock(&sc->lock);
	return r;
}

/* Under the lock: the header MIC of a call the window admitted. */
static enum secctx_verdict
verify_call_locked(struct secctx *sc, const struct secctx_call *call,
    struct secctx_status *st)
{
	int pending = sc->accel_pending;

	/* A context about to be destroyed is not worth moving to the fast
	 * path; a forged DESTROY must not keep it off that path either. */
	if (call->last)
		sc->accel_pending = 0;
	if (verify_mic_locked(sc, call->hdr, call->hdrlen, call->mic,
	    call->miclen, st) == 0)
		return SECCTX_CALL_OK;
	if (sc->gctx != GSS_C_NO_CONTEXT)
		sc->accel_pending = pending;
	return SECCTX_CALL_BAD_MIC;
}

enum secctx_verdict
secctx_check_call(struct secctx *sc, struct seqwin *win,
    const struct secctx_call *call, struct secctx_status *st)
{
	enum secctx_verdict v;

	st->major = st->minor = 0;
	pthread_mutex_lock(&sc->lock);
	/* RFC 2203 5.3.3.1: a drop verifies nothing (NTLM would count it). */
	switch (seqwin_check(win, call->seq)) {
	case SEQWIN_TOO_OLD:
		v = SECCTX_CALL_TOO_OLD;
		break;
	case SEQWIN_REPLAY:
		v = SECCTX_CALL_REPLAY;
		break;
	case SEQWIN_BEYOND_MAXSEQ:
		v = SECCTX_CALL_BEYOND_MAXSEQ;
		break;
	default:
		v = !call->admit ? SECCTX_CALL_REFUSED :
		    verify_call_locked(sc, call, st);
		/* Only now: a forged header must not slide the window. */
		if (v == SECCTX_CALL_OK)
			seqwin_record(win, call->seq);
		break;
	}
	pthread_mutex_unlock(&sc->lock);
	return v;
}

/* Under the lock: remember the fast state f a message in steps begins on. */
static void
pin_locked(struct secctx *sc, struct k5ctx *f, struct secctx_pin *pin)
{
	pin->f = f;
	pin->gen = sc->fast_gen;
}

/*
 * Under the lock: that state, still the context's (its keys, which the
 * end of a message reads, are alive), or NULL.
 */
static struct k5ctx *
pinned_locked(struct secctx *sc, const struct secctx_pin *pin)
{
	if (pin->f == NULL || sc->fast != pin->f ||
	    sc->gctx != GSS_C_NO_CONTEXT || sc->fast_gen != pin->gen)
		return NULL;
	return sc->fast;
}

int
secctx_mic_begin(struct secctx *sc, int sending, struct secctx_mic *m)
{
	struct k5ctx *f;
	int r = 0;

	memset(m, 0, sizeof(*m));
	pthread_mutex_lock(&sc->lock);
	if ((f = fast_locked(sc)) != NULL &&
	    k5tok_mic_begin(f, sending, &m->hc) == 0) {
		pin_locked(sc, f, &m->pin);
		r = 1;
	}
	pthread_mutex_unlock(&sc->lock);
	return r;
}

void
secctx_mic_feed(struct secctx_mic *m, const void *p, size_t n)
{
	hmacpad_update(&m->hc, p, n);
	m->fed += n;
}

/* Under the lock: the fast state m began with, or NULL (m wiped). */
static struct k5ctx *
mic_state_locked(struct secctx *sc, struct secctx_mic *m)
{
	struct k5ctx *f = pinned_locked(sc, &m->pin);

	if (f == NULL)
		secctx_mic_abandon(m);
	return f;
}

int
secctx_mic_make(struct secctx *sc, struct secctx_mic *m, uint8_t *buf,
    size_t cap, size_t *outlen, struct secctx_status *st)
{
	struct k5ctx *f;

	*outlen = 0;
	st->minor = 0;
	pthread_mutex_lock(&sc->lock);
	if ((f = mic_state_locked(sc, m)) == NULL)
		st->major = GSS_S_NO_CONTEXT;
	else if (k5tok_mic_len(f) > cap) {
		secctx_mic_abandon(m);
		st->major = GSS_S_FAILURE;
	} else if ((st->major = k5tok_mic_make(f, &m->hc, buf)) ==
	    GSS_S_COMPLETE)
		*outlen = k5tok_mic_len(f);
	pthread_mutex_unlock(&sc->lock);
	/* Ended: a second make or check finds no state to use. */
	secctx_mic_abandon(m);
	return GSS_ERROR(st->major) ? -1 : 0;
}

int
secctx_mic_check(struct secctx *sc, struct secctx_mic *m, const void *mic,
    size_t miclen, struct secctx_status *st)
{
	struct k5ctx *f;

	st->minor = 0;
	pthread_mutex_lock(&sc->lock);
	if ((f = mic_state_locked(sc, m)) == NULL)
		st->major = GSS_S_NO_CONTEXT;
	else
		st->major = k5tok_mic_check(f, &m->hc, mic, miclen);
	pthread_mutex_unlock(&sc->lock);
	secctx_mic_abandon(m);
	return GSS_ERROR(st->major) ? -1 : 0;
}

void
secctx_mic_abandon(struct secctx_mic *m)
{
	OPENSSL_cleanse(m, sizeof(*m));
}

int
secctx_seal_begin(struct secctx *sc, size_t msglen, struct secctx_seal *w,
    uint8_t *out, size_t *outlen, size_t *toklen, struct secctx_status *st)
{
	struct k5ctx *f;
	int r = 0;

	memset(w, 0, sizeof(*w));
	*outlen = *toklen = 0;
	st->major = st->minor = 0;
	pthread_mutex_lock(&sc->lock);
	if ((f = fast_locked(sc)) != NULL) {
		if ((st->major = k5tok_wrap_begin(f, msglen, &w->w, out,
		    outlen)) == GSS_S_COMPLETE) {
			pin_locked(sc, f, &w->pin);
			*toklen = k5tok_wrap_len(f, msglen);
			r = 1;
		} else
			r = -1;
	}
	pthread_mutex_unlock(&sc->lock);
	return r;
}

int
secctx_seal_feed(struct secctx_seal *w, const void *p, size_t n,
    uint8_t *out, size_t *outlen)
{
	return k5_seal_update(&w->w.s, p, n, out, outlen);
}

int
secctx_seal_end(struct secctx *sc, struct secctx_seal *w, uint8_t *out,
    size_t *outlen, struct secctx_status *st)
{
	*outlen = 0;
	st->minor = 0;
	pthread_mutex_lock(&sc->lock);
	/* The tag's HMAC reads the key: only while the state begun on lives. */
	st->major = pinned_locked(sc, &w->pin) == NULL ? GSS_S_NO_CONTEXT :
	    k5tok_wrap_end(&w->w, out, outlen);
	pthread_mutex_unlock(&sc->lock);
	secctx_seal_abandon(w);
	return GSS_ERROR(st->major) ? -1 : 0;
}

void
secctx_seal_abandon(struct secctx_seal *w)
{
	k5tok_wrap_abandon(&w->w);
	OPENSSL_cleanse(w, sizeof(*w));
}

int
secctx_open_begin(struct secctx *sc, const uint8_t hdr[16], size_t toklen,
    struct secctx_open *u, struct secctx_status *st)
{
	struct k5ctx *f;
	int r = 0;

	memset(u, 0, sizeof(*u));
	st->major = st->minor = 0;
	pthread_mutex_lock(&sc->lock);
	if ((f = fast_locked(sc)) != NULL) {
		st->major = k5tok_unwrap_begin(f, hdr, toklen, &u->u);
		if (st->major == GSS_S_COMPLETE) {
			pin_locked(sc, f, &u->pin);
			r = 1;
		} else if (st->major != GSS_S_UNAVAILABLE)
			r = -1;
		else
			st->major = 0;
	}
	pthread_mutex_unlock(&sc->lock);
	return r;
}

int
secctx_open_feed(struct secctx_open *u, const void *p, size_t n,
    uint8_t *out, size_t *outlen)
{
	return k5_open_update(&u->u.o, p, n, out, outlen);
}

int
secctx_open_end(struct secctx *sc, struct secctx_open *u, uint8_t *out,
    size_t written, size_t *outlen, struct secctx_status *st)
{
	*outlen = 0;
	st->minor = 0;
	pthread_mutex_lock(&sc->lock);
	/* The tag's HMAC reads the key: only while the state begun on lives. */
	st->major = pinned_locked(sc, &u->pin) == NULL ? GSS_S_NO_CONTEXT :
	    k5tok_unwrap_end(&u->u, out, written, outlen);
	pthread_mutex_unlock(&sc->lock);
	secctx_open_abandon(u);
	return GSS_ERROR(st->major) ? -1 : 0;
}

void
secctx_open_abandon(struct secctx_open *u)
{
	k5tok_unwrap_abandon(&u->u);
	OPENSSL_cleanse(u, sizeof(*u));
}

int
secctx_get_mic_into(struct secctx *sc, const void *msg, size_t len,
    uint8_t *buf, size_t cap, size_t *outlen, struct secctx_status *st)
{
	gss_buffer_desc in = { len, (void *)(uintptr_t)msg };
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	struct k5ctx *f;
	OM_uint32 min;

	*outlen = 0;
	st->minor = 0;
	pthread_mutex_lock(&sc->lock);
	if ((f = fast_locked(sc)) == NULL)
		st->major = gss_get_mic(&st->minor, sc->gctx,
		    GSS_C_QOP_DEFAULT, &in, &tok);
	else if (k5tok_mic_len(f) > cap)
		st->major = GSS_S_FAILURE;
	else if ((st->major = k5tok_get_mic(f, msg, len, buf)) ==
	    GSS_S_COMPLETE)
		*outlen = k5tok_mic_len(f);
	pthread_mutex_unlock(&sc->lock);
	if (f == NULL && !GSS_ERROR(st->major)) {
		if (tok.length > 0 && tok.length <= cap) {
			memcpy(buf, tok.value, tok.length);
			*outlen = tok.length;
		} else
			st->major = GSS_S_FAILURE;
	}
	(void)gss_release_buffer(&min, &tok);
	return GSS_ERROR(st->major) ? -1 : 0;
}

/* Copy a GSS-API output into s and release it (wiped first if secret). */
static int
take_gss_buffer(gss_buffer_t b, struct scratch *s, size_t *outlen, int secret)
{
	OM_uint32 min;
	int r = 0;

	if (scratch_reserve(s, b->length > 0 ? b->length : 1) == NULL)
		r = -1;
	else {
		if (b->length > 0)	/* an empty output may have no value */
			memcpy(s->p, b->value, b->length);
		s->used = b->length;
		*outlen = b->length;
	}
	if (secret && b->value != NULL)
		OPENSSL_cleanse(b->value, b->length);
	(void)gss_release_buffer(&min, b);
	return r;
}

int
secctx_wrap_into(struct secctx *sc, const void *msg, size_t len,
    struct scratch *s, size_t *outlen, struct secctx_status *st)
{
	gss_buffer_desc in = { len, (void *)(uintptr_t)msg };
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	struct k5ctx *f;
	size_t n = 0;
	int conf = 0;

	*outlen = 0;
	st->minor = 0;
	pthread_mutex_lock(&sc->lock);
	if ((f = fast_locked(sc)) == NULL)
		st->major = gss_wrap(&st->minor, sc->gctx, 1,
		    GSS_C_QOP_DEFAULT, &in, &conf, &tok);
	else if ((n = k5tok_wrap_len(f, len)) == 0 ||
	    scratch_reserve(s, n) == NULL)
		st->major = GSS_S_FAILURE;
	else if ((st->major = k5tok_wrap(f, msg, len, s->p)) ==
	    GSS_S_COMPLETE) {
		s->used = n;
		*outlen = n;
		conf = 1;	/* fast Wrap tokens are always sealed */
	}
	pthread_mutex_unlock(&sc->lock);
	if (f == NULL && !GSS_ERROR(st->major) && conf &&
	    take_gss_buffer(&tok, s, outlen, 0) != 0)
		st->major = GSS_S_FAILURE;
	if (tok.value != NULL) {
		OM_uint32 min;

		(void)gss_release_buffer(&min, &tok);
	}
	if (GSS_ERROR(st->major))
		return -1;
	if (!conf) {
		/* Never send privacy data that was not sealed. */
		*outlen = 0;
		st->major = GSS_S_FAILURE;
		return -1;
	}
	return 0;
}

int
secctx_unwrap_into(struct secctx *sc, const void *tok, size_t len,
    struct scratch *s, size_t *outlen, struct secctx_status *st)
{
	gss_buffer_desc in = { len, (void *)(uintptr_t)tok };
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	gss_qop_t qop = GSS_C_QOP_DEFAULT;
	struct k5ctx *f;
	size_t n = 0;
	int conf = 0;
	OM_uint32 min;

	*outlen = 0;
	st->minor = 0;
	/* No Wrap token is empty; an empty body may also come with no buffer
	 * at all (tok NULL), which neither path should see. */
	if (len == 0 || tok == NULL) {
		st->major = GSS_S_DEFECTIVE_TOKEN;
		return -1;
	}
	pthread_mutex_lock(&sc->lock);
	if ((f = fast_locked(sc)) == NULL)
		st->major = gss_unwrap(&st->minor, sc->gctx, &in, &out, &conf,
		    &qop);
	else if (scratch_reserve(s, len) == NULL)
		st->major = GSS_S_FAILURE;
	else {
		s->used = len;	/* wiped at release, whatever happens */
		if ((st->major = k5tok_unwrap(f, tok, len, s->p, &n)) ==
		    GSS_S_COMPLETE) {
			*outlen = n;
			conf = 1;	/* k5tok_unwrap refuses unsealed ones */
		}
	}
	pthread_mutex_unlock(&sc->lock);
	/* Supplementary bits are no failure (see verify_mic_locked). */
	if (f == NULL && !GSS_ERROR(st->major) && conf &&
	    qop == GSS_C_QOP_DEFAULT) {
		if (take_gss_buffer(&out, s, outlen, 1) != 0)
			st->major = GSS_S_FAILURE;
	} else if (out.value != NULL) {
		OPENSSL_cleanse(out.value, out.length);
		(void)gss_release_buffer(&min, &out);
	}
	if (GSS_ERROR(st->major))
		return -1;
	if (!conf || qop != GSS_C_QOP_DEFAULT) {
		*outlen = 0;
		st->major = conf ? GSS_S_BAD_QOP : GSS_S_FAILURE;
		st->minor = 0;
		return -1;
	}
	return 0;
}

/*
 * The allocating forms, for callers that keep the token: a scratch of
 * their own, whose single buffer (malloc'd) becomes the gss_buffer.
 */
int
secctx_get_mic(struct secctx *sc, const void *msg, size_t len,
    gss_buffer_t mic_out, struct secctx_status *st)
{
	uint8_t buf[1024];
	size_t n;

	mic_out->value = NULL;
	mic_out->length = 0;
	if (secctx_get_mic_into(sc, msg, len, buf, sizeof(buf), &n, st) != 0)
		return -1;
	if ((mic_out->value = malloc(n > 0 ? n : 1)) == NULL) {
		st->major = GSS_S_FAILURE;
		return -1;
	}
	memcpy(mic_out->value, buf, n);
	mic_out->length = n;
	return 0;
}

/* The output of a *_into call as a gss_buffer of its own (secret: wipe
 * it on failure). */
typedef int	into_fn(struct secctx *, const void *, size_t, struct scratch *,
		    size_t *, struct secctx_status *);

static int
into_buffer(into_fn *fn, int secret, struct secctx *sc, const void *in,
    size_t len, gss_buffer_t out, struct secctx_status *st)
{
	struct scratch s;
	size_t n;

	memset(&s, 0, sizeof(s));
	out->value = NULL;
	out->length = 0;
	if (fn(sc, in, len, &s, &n, st) != 0) {
		scratch_discard(&s, secret);
		return -1;
	}
	out->value = scratch_take(&s);
	out->length = n;
	return 0;
}

int
secctx_wrap(struct secctx *sc, const void *msg, size_t len, gss_buffer_t out,
    struct secctx_status *st)
{
	return into_buffer(secctx_wrap_into, 0, sc, msg, len, out, st);
}

int
secctx_unwrap(struct secctx *sc, const void *tok, size_t len,
    gss_buffer_t out, struct secctx_status *st)
{
	return into_buffer(secctx_unwrap_into, 1, sc, tok, len, out, st);
}
