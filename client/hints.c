/* client/hints.c - the library's hints for C callers, said as command-line options */
/*
 * The library's messages name C settings ("opts.service =
 * RPCAUTH_SVC_PRIVACY", "allow_ntlm") because its callers are C programs.
 * The tools print the same messages to people who type options, so every
 * library message a tool prints goes through one of these tables first.
 * tests/tool_messages.sh runs each library message through them and fails
 * when a C setting is left over, so a new hint in the library needs a line
 * here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hints.h"

const struct hint hints_client[] = {
	/* clnt_errors.c: a DATA call refused with AUTH_TOOWEAK */
	{ "make the AUTH with a stronger service (opts.service = "
	    "RPCAUTH_SVC_PRIVACY)", "ask for a stronger service "
	    "(--service privacy)", 0 },
	/* clnt_errors.c: the handshake refused with AUTH_TOOWEAK */
	{ "ask for a stronger service", "ask for a stronger service "
	    "(--service privacy)", 0 },
	/* clnt_auth.c: an out-of-range opts.service */
	{ "use RPCAUTH_SVC_NONE, _INTEGRITY or _PRIVACY", "use --service "
	    "none, integrity or privacy", 0 },
	/* clnt_handshake.c: SPNEGO without Kerberos credentials */
	{ "(allow_ntlm, which does not authenticate the server): run kinit, "
	    "or allow NTLM", "(--allow-ntlm, which does not authenticate the "
	    "server): run kinit, or add --allow-ntlm", 0 },
	{ "(allow_ntlm)", "(--allow-ntlm)", 0 },
	{ "use the same flavor on both sides", "use the same flavor on both "
	    "sides (--flavor)", 0 },
	/* clnt_renew.c: the side connection for a new context */
	{ "cannot make a CLIENT to the server", "cannot connect to the server "
	    "again", 0 },
	/* clnt_renew.c: a new context must keep the AUTH's identity. */
	{ "make a new AUTH for the other client, or pin one with "
	    "rpcauth_client_opts.ccache", "run the command as the other "
	    "client (KRB5CCNAME)", 0 },
	{ "the client this AUTH was made as: refusing to make its new "
	    "context as anyone else; pin the AUTH to a ccache with "
	    "rpcauth_client_opts.ccache", "the client this command "
	    "authenticated as: refusing to go on as anyone else "
	    "(KRB5CCNAME)", 0 },
	{ "but this AUTH's server is", "but this command's server is", 0 },
	{ "but this AUTH was made as", "but this command authenticated as",
	    0 },
	{ "this AUTH's first context", "the first context", 0 },
	{ "for this AUTH before", "for this command before", 0 },
	{ "make a new AUTH", "run the command again", 0 },
	/* A new context was refused: a tool makes a new CLIENT per run. */
	{ "make a new CLIENT and AUTH", "run the command again", 0 },
	{ NULL, NULL, 0 }
};

const struct hint hints_server[] = {
	/* svc_register.c: rpcauth_svc_opts.window above the library's bound */
	{ "window ", "--window ", 1 },
	{ "unknown minimum service", "--min-service: unknown service", 1 },
	{ NULL, NULL, 0 }
};

char *
hints_apply(const struct hint *table, const char *msg)
{
	const struct hint *h;
	size_t cap = strlen(msg) + 1, len = 0, n;
	const char *p = msg;
	char *out, *grown;

	if ((out = malloc(cap)) == NULL)
		return NULL;
	while (*p != '\0') {
		for (h = table; h->lib != NULL; h++)
			if ((!h->at_start || p == msg) &&
			    strncmp(p, h->lib, strlen(h->lib)) == 0)
				break;
		n = h->lib != NULL ? strlen(h->tool) : 1;
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			if ((grown = realloc(out, cap)) == NULL) {
				free(out);
				return NULL;
			}
			out = grown;
		}
		if (h->lib != NULL) {
			memcpy(out + len, h->tool, n);
			p += strlen(h->lib);
		} else
			out[len] = *p++;
		len += n;
	}
	out[len] = '\0';
	return out;
}
