/* rpcauth/trace.h - a short debug trace of handshakes and rejections */
#ifndef RPCAUTH_TRACE_H
#define RPCAUTH_TRACE_H

#include "rename.h"

/*
 * Off unless RPCAUTH_TRACE is set in the environment (any value but "0"),
 * or the application installed a callback with rpcauth_set_trace().
 * Lines go to stderr or to that callback.  Trace lengths, names and
 * outcomes only: NEVER token, checksum, handle or key bytes.
 */
int	trace_enabled(void);
void	trace_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define TRACE(...)	do { if (trace_enabled()) trace_line(__VA_ARGS__); } while (0)

#endif
