/* tests/fuzz/svcpipe.h - the server's request path in-process, without a socket */
/*
 * What libtirpc's svc_getreq_common does with one call, minus the
 * transport: xdr_callmsg over xdrmem with 400-byte credential, verifier
 * and rq_clntcred areas, _gss_authenticate (which runs rpcauth's handler
 * for its flavor), then dispatch by the possibly redirected rq_prog: the
 * library's private program (INIT, CONTINUE_INIT, DESTROY, silent drops)
 * or a test application that reads an opaque<> argument with svc_getargs
 * and echoes it with svc_sendreply.  The transport is a fake SVCXPRT
 * whose getargs unwraps the bytes after the call header through
 * SVC_XP_AUTH, as svc_vc does, and whose reply encodes into a buffer,
 * wrapping results through SVC_XP_AUTH.
 *
 * The "live" context is one established through this path with a real
 * AP-REQ: the fuzz target uses its client half to sign calls.
 */
#ifndef RPCAUTH_TESTS_FUZZ_SVCPIPE_H
#define RPCAUTH_TESTS_FUZZ_SVCPIPE_H

#include <stddef.h>
#include <stdint.h>

#include <rpc/rpc.h>

#include "internal.h"
#include "secctx.h"

/* The application program; DATA calls to it need at least integrity. */
#define SVCPIPE_PROG		0x20000C0Fu
#define SVCPIPE_VERS		1u
/* Any other program has no minimum service. */
#define SVCPIPE_OPEN_PROG	0x20000C10u
#define SVCPIPE_WINDOW		128u
/* Before each fuzz input, the live window holds exactly this seq. */
#define SVCPIPE_LIVE_TOP	1000u
#define SVCPIPE_ARGS_MAX	65536u
/* Largest call accepted by svcpipe_run (libFuzzer inputs are smaller). */
#define SVCPIPE_MSG_MAX		(256 * 1024)

struct svcpipe_result {
	int		 decoded;	/* xdr_callmsg accepted the header */
	uint32_t	 flavor;	/* of the credential */
	uint32_t	 prog;		/* as called */
	int		 skipped;	/* neither rpcauth's flavor nor AUTH_NONE */
	enum auth_stat	 why;		/* _gss_authenticate's answer */
	int		 redirected;	/* rq_prog became the private program */
	int		 app_ran;	/* the application's dispatch ran */
	int		 args_ok;	/* its svc_getargs succeeded */
	int		 replies;	/* SVC_REPLY calls */
	/* Of the last reply: */
	int		 wrap_ok;	/* encoded, results wrapped */
	uint32_t	 reply_stat;	/* MSG_ACCEPTED or MSG_DENIED */
	uint32_t	 reply_why;	/* accept_stat, or rj_why when denied */
	uint32_t	 reply_verf_flavor;	/* when accepted */
};

/* The client half of the live context. */
struct svcpipe_live {
	struct secctx	 sc;
	uint8_t		 handle[RPCAUTH_HANDLE_LEN];
	uint32_t	 window;
};

/*
 * Start the bed, register the flavor (rpcauth_svc_register) with a
 * policy of integrity for SVCPIPE_PROG, and set up the fake transport.
 * Exits the process when any of it fails.  Call once.
 */
void	svcpipe_init(void);

/* Run one call message (no record mark) through the server path. */
void	svcpipe_run(const uint8_t *msg, size_t len, struct svcpipe_result *out);

/* The bytes of the last reply (no record mark); NULL when none was sent. */
const uint8_t *svcpipe_reply(size_t *len_out);

/*
 * The results part of the last reply if it was accepted with SUCCESS (the
 * bytes after accept_stat, still protected as the server sent them).
 * 0 or -1.
 */
int	svcpipe_reply_results(const uint8_t **res_out, size_t *len_out);

/*
 * Make sure the live context exists (handshake through svcpipe_run when
 * it does not, e.g. after a DESTROY) and reset its server-side window to
 * hold only SVCPIPE_LIVE_TOP.  Returns the live context.
 */
struct svcpipe_live *svcpipe_live(void);

/*
 * The header MIC for these call fields, made with the live client
 * context: verf (at least 400 bytes) and *verf_len.  0 or -1.
 */
int	svcpipe_sign(uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc,
	    uint32_t cred_flavor, const uint8_t *cred, size_t cred_len,
	    uint8_t *verf, size_t *verf_len);

/*
 * An INIT call (procedure 0 of prog, AUTH_NONE verifier) carrying token,
 * into buf; returns its length or 0.
 */
size_t	svcpipe_init_call(uint32_t xid, uint32_t prog, const void *token,
	    size_t toklen, uint32_t service, uint8_t *buf, size_t cap);

#endif
