/* rpcauth/bounds.h - every wire limit and every default, in one place */
/*
 * Wire limits are what a peer's length field is compared with before any
 * byte is copied or any buffer is reserved; the codecs (cred_xdr.c,
 * body_xdr.c, hdrmic.c) and the stream step (xdrstream.c) all take them
 * from here, so a bound cannot drift between the reader that tests and
 * fuzzers exercise and the one on the wire: they are the same reader.
 * Defaults are what a 0 in the public option structs means (rpcauth.h
 * documents the same numbers).
 */
#ifndef RPCAUTH_BOUNDS_H
#define RPCAUTH_BOUNDS_H

/* ---- wire limits ------------------------------------------------------ */

/* RFC 5531: credential and verifier bodies are at most 400 bytes. */
#define RPCAUTH_MAX_AUTH_BYTES	400
/* RFC 2203 5.3.3.1: the largest legal sequence number. */
#define RPCAUTH_MAXSEQ		0x80000000u
/* Our handles: random bytes, compared in constant time. */
#define RPCAUTH_HANDLE_LEN	16
/* A credential's version, gss_proc, seq_num, service, handle length. */
#define RPCAUTH_CRED_MIN_LEN	20
/*
 * The longest handle a 400-byte credential can carry: the bound on the
 * handle a server hands out in rpc_gss_init_res, since we must be able to
 * send it back in every later credential.
 */
#define RPCAUTH_CRED_MAX_HANDLE	(RPCAUTH_MAX_AUTH_BYTES - RPCAUTH_CRED_MIN_LEN)
/*
 * Largest checksum (MIC token) in an integrity body.  Kerberos MICs are 28
 * to 40 bytes, NTLM's 16; the slack covers other mechanisms without
 * letting a peer make us hash megabytes.
 */
#define RPCAUTH_MAX_CHECKSUM	1024
/*
 * A body or token is read off a stream at most this many bytes at a time,
 * so that a forged length costs a reservation of this size, not its own.
 */
#define RPCAUTH_READ_STEP	(64 * 1024)

/* ---- defaults (0 in the options) --------------------------------------- */

/* rpcauth_svc_opts.max_body and rpcauth_client_opts.max_body */
#define RPCAUTH_DEFAULT_MAX_BODY	(64u * 1024 * 1024)
/* rpcauth_svc_opts.max_token: the largest INIT token a server accepts */
#define RPCAUTH_DEFAULT_MAX_TOKEN	65536
/* rpcauth_svc_opts.max_contexts */
#define RPCAUTH_DEFAULT_MAX_CONTEXTS	16384
/* Seconds a half-open server context (INIT without COMPLETE) is kept. */
#define RPCAUTH_HALF_OPEN_TTL_S		30
/* rpcauth_client_opts.handshake_timeout_ms */
#define RPCAUTH_DEFAULT_HANDSHAKE_MS	25000
/*
 * The largest token a client accepts in a server's rpc_gss_init_res: a
 * server, unlike a client, is not expected to send tickets with PACs.
 */
#define RPCAUTH_CLNT_MAX_TOKEN		(1024 * 1024)

#endif /* RPCAUTH_BOUNDS_H */
