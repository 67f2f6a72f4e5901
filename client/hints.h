/* client/hints.h - the library's hints for C callers, said as command-line options */
#ifndef RPCAUTH_CLIENT_HINTS_H
#define RPCAUTH_CLIENT_HINTS_H

/*
 * One phrase of a library message and what a tool says instead.  With
 * at_start the phrase is replaced only where the message begins.
 */
struct hint {
	const char	*lib;
	const char	*tool;
	int		 at_start;
};

/* rpcauth-ping and rpcauth-demo-client (--service, --allow-ntlm, ...). */
extern const struct hint hints_client[];
/* rpcauth-demo-server (--window, --min-service, ...). */
extern const struct hint hints_server[];

/*
 * `msg` with each phrase of `table` (ended by a NULL lib) replaced, in a
 * string the caller frees; NULL when out of memory.  Text a replacement
 * put in is not searched again.
 */
char	*hints_apply(const struct hint *table, const char *msg);

#endif
