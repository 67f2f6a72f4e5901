/* rpcauth/secctx.c - one established security context and its per-message calls */
#include "config.h"

#include <string.h>

#include "secctx.h"

void
secctx_init(struct secctx *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->gctx = GSS_C_NO_CONTEXT;
	pthread_mutex_init(&sc->lock, NULL);
}

void
secctx_clear(struct secctx *sc)
{
	OM_uint32 min;

	if (sc->gctx != GSS_C_NO_CONTEXT)
		(void)gss_delete_sec_context(&min, &sc->gctx, GSS_C_NO_BUFFER);
	sc->gctx = GSS_C_NO_CONTEXT;
	pthread_mutex_destroy(&sc->lock);
}

int
secctx_get_mic(struct secctx *sc, const void *msg, size_t len,
    gss_buffer_t mic_out, struct secctx_status *st)
{
	gss_buffer_desc in = { len, (void *)(uintptr_t)msg };

	pthread_mutex_lock(&sc->lock);
	st->major = gss_get_mic(&st->minor, sc->gctx, GSS_C_QOP_DEFAULT, &in,
	    mic_out);
	pthread_mutex_unlock(&sc->lock);
	return GSS_ERROR(st->major) ? -1 : 0;
}

int
secctx_verify_mic(struct secctx *sc, const void *msg, size_t len,
    const void *mic, size_t miclen, struct secctx_status *st)
{
	gss_buffer_desc in = { len, (void *)(uintptr_t)msg };
	gss_buffer_desc tok = { miclen, (void *)(uintptr_t)mic };
	gss_qop_t qop = GSS_C_QOP_DEFAULT;

	pthread_mutex_lock(&sc->lock);
	st->major = gss_verify_mic(&st->minor, sc->gctx, &in, &tok, &qop);
	pthread_mutex_unlock(&sc->lock);
	/* Supplementary bits (old token, gap) are errors here: RPC has its own window. */
	if (st->major != GSS_S_COMPLETE)
		return -1;
	if (qop != GSS_C_QOP_DEFAULT) {
		st->major = GSS_S_BAD_QOP;
		return -1;
	}
	return 0;
}

int
secctx_wrap(struct secctx *sc, const void *msg, size_t len, gss_buffer_t out,
    struct secctx_status *st)
{
	gss_buffer_desc in = { len, (void *)(uintptr_t)msg };
	int conf = 0;
	OM_uint32 min;

	pthread_mutex_lock(&sc->lock);
	st->major = gss_wrap(&st->minor, sc->gctx, 1, GSS_C_QOP_DEFAULT, &in,
	    &conf, out);
	pthread_mutex_unlock(&sc->lock);
	if (GSS_ERROR(st->major))
		return -1;
	if (!conf) {
		/* Never send privacy data that was not sealed. */
		(void)gss_release_buffer(&min, out);
		st->major = GSS_S_FAILURE;
		st->minor = 0;
		return -1;
	}
	return 0;
}

int
secctx_unwrap(struct secctx *sc, const void *tok, size_t len,
    gss_buffer_t out, struct secctx_status *st)
{
	gss_buffer_desc in = { len, (void *)(uintptr_t)tok };
	gss_qop_t qop = GSS_C_QOP_DEFAULT;
	int conf = 0;
	OM_uint32 min;

	pthread_mutex_lock(&sc->lock);
	st->major = gss_unwrap(&st->minor, sc->gctx, &in, out, &conf, &qop);
	pthread_mutex_unlock(&sc->lock);
	if (st->major != GSS_S_COMPLETE)
		return -1;
	if (!conf || qop != GSS_C_QOP_DEFAULT) {
		(void)gss_release_buffer(&min, out);
		st->major = conf ? GSS_S_BAD_QOP : GSS_S_FAILURE;
		st->minor = 0;
		return -1;
	}
	return 0;
}
