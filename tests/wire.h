/* tests/wire.h - the raw-wire harness: hand-made RPCSEC_GSS calls at a demo server */
/*
 * A test makes a context with the library client (a "peer"), then builds
 * its own calls from it: credential fields as the case needs them, the
 * header MIC made with the client's GSS context over the bytes the server
 * rebuilds (and possibly spoiled), the body protected by hand (and possibly
 * spoiled).  The want_* calls assert the exact answer on the wire; the
 * procedure-run count (calls_now, assert_ran) says whether the application
 * ran.  check_conformance.c and the check_hostile program are built on it.
 *
 * "Dropped" is proven without waiting for a timeout: the dropped call is
 * followed on the same connection or socket by a fence, an AUTH_NONE
 * NULLPROC that the demo server always answers with AUTH_TOOWEAK.  The
 * server is single-threaded and reads one connection (or its one UDP
 * socket) in order, so when the fence's answer is the first thing that
 * comes back, the call before it got no answer and never will.
 */
#ifndef RPCAUTH_TESTS_WIRE_H
#define RPCAUTH_TESTS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "clnt_internal.h"
#include "rawrpc.h"

#define SEQ0		100u	/* first seq of a test's raw calls */
#define MAXSEQ		0x80000000u
#define WAIT_MS		15000	/* for an answer that must come */
#define ECHO_TEXT	"wire"	/* what every raw ECHO sends and gets back */
#define FENCE_XID	0xFE000000u

/* auth_stat and accept_stat values as numbers on the wire. */
#define WIRE_AUTH_BADCRED	1u
#define WIRE_AUTH_BADVERF	3u
#define WIRE_AUTH_TOOWEAK	5u
#define WIRE_CREDPROBLEM	13u
#define WIRE_CTXPROBLEM		14u
#define WIRE_SUCCESS		0u
#define WIRE_GARBAGE_ARGS	4u

/*
 * Bits of an RFC 4121 MIC token (16-byte header, then the checksum): the
 * low bit of the last SND_SEQ byte, and a bit of the first checksum byte.
 */
#define VERF_BIT_SNDSEQ	(15 * 8)
#define VERF_BIT_CKSUM	(16 * 8 + 3)

/* The demo server under test: set by the test's main (e2e_run fills it). */
extern int	 wire_port;
/* xids of calls made without a peer. */
extern uint32_t	 gxid;

/* ---- the wire ---------------------------------------------------------- */

/* A socket connected to 127.0.0.1:wire_port (UDP too: only its replies). */
struct conn {
	int	fd;
	int	udp;
};

enum wire_ev { WIRE_GOT, WIRE_TIMEOUT, WIRE_CLOSED };

void	conn_open(struct conn *c, int udp);
void	conn_close(struct conn *c);
/* One call: a datagram, or one record of one fragment. */
void	wire_send(const struct conn *c, const uint8_t *msg, size_t len);
/* The next reply on c, whatever its xid. */
enum wire_ev wire_recv(const struct conn *c, int timeout_ms,
	    struct raw_reply *out);
const char *ev_name(enum wire_ev ev);

/* ---- messages ---------------------------------------------------------- */

struct msg {
	uint32_t	 xid;
	uint32_t	 proc;
	uint32_t	 seq;	/* the credential's: the reply verifier's */
	size_t		 len;
	uint8_t		*buf;
};

void	msg_free(struct msg *m);
/* A DEMOFS call with our credential flavor, fields as given. */
void	msg_encode(struct msg *m, uint32_t xid, uint32_t proc,
	    const uint8_t *cred, size_t clen, uint32_t vflavor,
	    const uint8_t *verf, size_t vlen, const uint8_t *body, size_t blen);
/* The credential body, fields as given, not judged (may exceed 400). */
size_t	cred_body(uint8_t *buf, size_t cap, uint32_t version,
	    uint32_t gss_proc, uint32_t seq, uint32_t service, const uint8_t *h,
	    size_t hlen);
/* ECHO's argument: opaque<> ECHO_TEXT. */
size_t	echo_args(uint8_t *out, size_t cap);

/* ---- expected answers -------------------------------------------------- */

/* Send m and read the next reply, which must be m's. */
void	get_reply(const struct conn *c, const struct msg *m,
	    struct raw_reply *rep, const char *label);
/* MSG_DENIED / AUTH_ERROR with exactly this auth_stat. */
void	want_denied(const struct conn *c, const struct msg *m,
	    uint32_t auth_stat, const char *label);
/* MSG_ACCEPTED with exactly this accept_stat (verifier not judged). */
void	want_accepted_status(const struct conn *c, const struct msg *m,
	    uint32_t accept_stat, const char *label);
/* m gets no reply: the fence behind it is the first thing answered. */
void	want_drop(const struct conn *c, const struct msg *m,
	    const char *label);
/*
 * libtirpc itself refuses the call while decoding the RPC header (an auth
 * body over 400 bytes): on TCP it closes the connection, on UDP it drops
 * the datagram.
 */
void	want_refused_by_libtirpc(const struct conn *c, const struct msg *m,
	    const char *label);

/* ---- the application's view -------------------------------------------- */

/* DEMOFS STATS through a fresh library client: procedure runs so far. */
uint64_t calls_now(void);
/* The procedure ran exactly `ran` times since `before`, and no more. */
void	assert_ran(uint64_t before, uint64_t ran);
/* One ECHO of ECHO_TEXT through cl: served, text back. */
void	lib_echo_on(CLIENT *cl, const char *label);
/* The same through a fresh library client (privacy). */
void	lib_echo(const char *label);

/* ---- a context seen from the wire -------------------------------------- */

struct peer {
	CLIENT			*cl;
	struct clnt_state	*cs;
	uint32_t		 service;	/* the INIT's service */
	struct conn		 c;
	uint32_t		 xid;
	uint32_t		 hi;	/* highest legal seq sent */
	uint64_t		 ran;	/* procedure runs the server owes */
	uint64_t		 before;	/* calls_now() before the handshake */
	int			 gone;	/* destroyed by the test */
};

void	peer_open(struct peer *p, int udp, enum rpcauth_service svc);
/*
 * DESTROY through the library with a seq above every one used, so that it
 * is answered at once; none when the test destroyed the context itself.
 */
void	peer_close(struct peer *p);
/*
 * peer_close(), then: the procedure ran exactly p->ran times since
 * peer_open() (no refused call ran), and that was `ran` times.
 */
void	peer_done(struct peer *p, uint64_t ran);
/* Reconnect after the server closed a TCP connection on us. */
void	peer_reconnect(struct peer *p);

/* What to spoil in a protected body, after it was protected correctly. */
enum tamper {
	TAMPER_NONE,
	TAMPER_CHECKSUM,	/* integrity: a bit of checksum<> */
	TAMPER_DATABODY,	/* integrity: a bit of the arguments */
	TAMPER_TOKEN		/* privacy: a bit of the wrap token */
};

/*
 * {body_seq, args} protected as `service` would: the arguments as they are
 * (none), databody_integ<> + checksum<> (integrity), Wrap<> (privacy, with
 * confidentiality unless conf is 0).  extra bytes (0 to 3) are added to
 * the plaintext after args, and `cut` bytes removed from its end, before
 * the checksum or wrap is made: correctly signed, badly framed bodies.
 */
size_t	protect_args(struct peer *p, uint32_t service, uint32_t body_seq,
	    const uint8_t *args, size_t alen, int conf, size_t extra,
	    size_t cut, uint8_t *out, size_t cap);

/* How the call verifier is made. */
enum vmode {
	VM_MIC,		/* GetMIC over the header, as a client must */
	VM_MIC_FLIP,	/* the same with bit flip_bit inverted */
	VM_JUNK,	/* 32 bytes that are no MIC at all */
	VM_GIVEN	/* verf_flavor / verf / verf_len as given */
};

/* The fields of one DATA-path call; dspec() gives a legitimate ECHO. */
struct wspec {
	uint32_t	 proc;
	uint32_t	 version, gss_proc, seq, service;
	const uint8_t	*handle;
	size_t		 handle_len;
	const uint8_t	*cred;		/* non-NULL: this credential body */
	size_t		 cred_len;
	enum vmode	 vm;
	int		 flip_bit;	/* VM_MIC_FLIP: VERF_BIT_CKSUM ... */
	uint32_t	 verf_flavor;
	const uint8_t	*verf;
	size_t		 verf_len;
	int		 body_given;	/* else the args protected for p */
	const uint8_t	*body;
	size_t		 body_len;
	uint32_t	 body_seq;	/* seq_num inside a protected body */
	enum tamper	 tamper;
};

struct wspec dspec(const struct peer *p, uint32_t seq);
/* Build the call `s` on p's context, with a new xid. */
void	mk(struct peer *p, const struct wspec *s, struct msg *m);

/* An accepted reply's verifier must be MIC(seq) under the context. */
void	check_reply_verf(struct peer *p, const struct raw_reply *rep,
	    uint32_t seq, const char *label);
/*
 * SUCCESS with verifier MIC(seq), the service's envelope checked: ECHO's
 * text came back (and p->ran counts it), or STATS' counter is in *stats.
 */
void	want_success(struct peer *p, const struct msg *m, uint64_t *stats,
	    const char *label);
/* MSG_ACCEPTED / GARBAGE_ARGS, verifier MIC(seq): arguments refused. */
void	want_garbage(struct peer *p, const struct msg *m, const char *label);

/* Shorthands for one call of a spec. */
void	spec_success(struct peer *p, const struct wspec *s, const char *label);
void	spec_denied(struct peer *p, const struct wspec *s, uint32_t why,
	    const char *label);
void	spec_drop(struct peer *p, const struct wspec *s, const char *label);
void	spec_garbage(struct peer *p, const struct wspec *s, const char *label);
void	ok_echo(struct peer *p, uint32_t seq, const char *label);
void	drop_echo(struct peer *p, uint32_t seq, const char *label);

/* A DESTROY on p's context at seq, as a client sends it: NULLPROC, no body. */
struct wspec dspec_destroy(const struct peer *p, uint32_t seq);

/*
 * The last refusal of a case: s is denied with `why`, then the seq it
 * carried is served (a refused call does not use its seq up) with the
 * label `served`, and peer_done(p, 1).
 */
void	last_denied(struct peer *p, const struct wspec *s, uint32_t why,
	    const char *label, const char *served);

/* ---- scenarios: one context, calls in a table --------------------------- */

/* The answer a step's call must get. */
enum want {
	WANT_SUCCESS,	/* spec_success */
	WANT_DROP,	/* spec_drop */
	WANT_DENIED,	/* spec_denied with .why */
	WANT_GARBAGE	/* spec_garbage */
};

/*
 * One call: the legitimate ECHO dspec(seq) (dspec_destroy(seq) if destroy)
 * with the fields that are not zero put in, and the answer it must get.
 * Zero means "as dspec has it", which is why body_seq 0 is the call's seq.
 */
struct step {
	enum want	 want;
	uint32_t	 seq;
	uint32_t	 why;		/* WANT_DENIED: the auth_stat */
	enum vmode	 vm;
	int		 flip_bit;
	uint32_t	 body_seq;
	enum tamper	 tamper;
	int		 destroy;
	const char	*label;
};

/* The steps, in order, on p's context. */
void	steps_run(struct peer *p, const struct step *st, size_t n);

/*
 * A whole case on a fresh context of service svc: the steps, then
 * peer_done(ran).  name prefixes every label of its steps.
 */
struct scenario {
	const char		*name;
	enum rpcauth_service	 svc;
	const struct step	*steps;
	size_t			 n;
	uint64_t		 ran;
};

void	scenario_run(int udp, const struct scenario *sc);

/* The steps of a struct scenario initializer: SCENARIO_STEPS({ ... }, ...). */
#define SCENARIO_STEPS(...)						\
	(const struct step[]){ __VA_ARGS__ },				\
	sizeof((const struct step[]){ __VA_ARGS__ }) / sizeof(struct step)

/*
 * One credential field out of range, header MIC valid over it: each value
 * is AUTH_BADCRED, and none uses up the seq (the same seq with a correct
 * credential is then served).
 */
enum cred_field { FIELD_VERSION, FIELD_GSS_PROC, FIELD_SERVICE };

/* A field and the n (up to 4) values it is tried with. */
struct field_case {
	enum cred_field	 f;
	uint32_t	 vals[4];
	size_t		 n;
};

void	bad_field(int udp, const struct field_case *fc);
/* The same for n raw credential bodies (creds[i], lens[i] bytes). */
void	bad_cred_bodies(int udp, const uint8_t *const *creds,
	    const size_t *lens, size_t n, const char *what);

/* ---- handshake messages ------------------------------------------------ */

struct initres {
	uint32_t	 major, minor, window;
	uint8_t		 handle[400];
	size_t		 handle_len;
	size_t		 token_len;
	uint32_t	 verf_flavor;
};

/*
 * A SPNEGO NegTokenInit offering Kerberos without a token, and an NTLM
 * NEGOTIATE: each leaves a half-open context where the mechanism is allowed.
 */
extern const uint8_t	spnego_offer_krb5[29];
extern const uint8_t	ntlm_negotiate[40];

/* An INIT or CONTINUE_INIT as the wire carries it. */
void	mk_init(struct msg *m, uint32_t gss_proc, uint32_t proc,
	    const uint8_t *h, size_t hlen, uint32_t vflavor, const void *tok,
	    size_t toklen);
/* The init result of a SUCCESS reply to m. */
void	want_init_res(const struct conn *c, const struct msg *m,
	    struct initres *ir, const char *label);
/* A refused leg: a GSS error, no handle, no window, AUTH_NONE verifier. */
void	want_init_refused(const struct conn *c, const struct msg *m,
	    const char *label);
/* A half-open context on the server (SPNEGO offer): its handle in ir. */
void	half_open(const struct conn *c, struct initres *ir);
/* An INIT (NULLPROC, no handle, AUTH_NONE verifier) of tok: refused. */
void	init_refused(const struct conn *c, const void *tok, size_t toklen,
	    const char *label);
/* mk_init() with these fields: MSG_DENIED / AUTH_ERROR with auth_stat. */
void	init_denied(const struct conn *c, uint32_t gss_proc, uint32_t proc,
	    const uint8_t *h, size_t hlen, uint32_t vflavor, const void *tok,
	    size_t toklen, uint32_t auth_stat, const char *label);

#endif
