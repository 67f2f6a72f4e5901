/* client/cliopts.c - the command-line contract: each option of the programs, once */
#include "config.h"

#include <string.h>

#include "cliopts.h"

#define ALL	(CLI_DEMO_CLIENT | CLI_PING | CLI_DEMO_SERVER | CLI_TESTBED)
#define CLIENTS	(CLI_DEMO_CLIENT | CLI_PING)

/*
 * The man pages (man/rpcauth-demo-client.1, rpcauth-ping.1,
 * rpcauth-demo-server.1, rpcauth-testbed.1) say what each option does;
 * this says which program takes it.  A new option gets a value no other
 * row uses.
 */
static const struct {
	const char	*name;
	int		 has_arg;
	int		 val;
	unsigned int	 progs;
} contract[] = {
	{ "host",	  required_argument, 'H', CLI_DEMO_CLIENT },
	{ "port",	  required_argument, 'p', CLIENTS | CLI_DEMO_SERVER },
	{ "udp",	  no_argument,	     'u', CLIENTS },
	{ "principal",	  required_argument, 'P',
	    CLI_DEMO_CLIENT | CLI_DEMO_SERVER | CLI_TESTBED },
	{ "flavor",	  required_argument, 'f', CLIENTS | CLI_DEMO_SERVER },
	{ "service",	  required_argument, 's', CLIENTS },
	{ "mech",	  required_argument, 'm', CLIENTS },
	{ "allow-ntlm",	  no_argument,	     'N', CLIENTS },
	{ "repeat",	  required_argument, 'r', CLI_DEMO_CLIENT },
	{ "timeout",	  required_argument, 't', CLI_PING },
	{ "listen",	  required_argument, 'l', CLI_DEMO_SERVER },
	{ "keytab",	  required_argument, 'k', CLI_DEMO_SERVER },
	{ "min-service",  required_argument, 'S', CLI_DEMO_SERVER },
	{ "window",	  required_argument, 'w', CLI_DEMO_SERVER },
	{ "root",	  required_argument, 'R', CLI_DEMO_SERVER },
	{ "mechs",	  required_argument, 'M', CLI_DEMO_SERVER },
	{ "log-events",	  no_argument,	     'L', CLI_DEMO_SERVER },
	{ "workers",	  required_argument, 'W', CLI_DEMO_SERVER },
	{ "lifetime",	  required_argument, 'T', CLI_TESTBED },
	{ "clockskew",	  required_argument, 'c', CLI_TESTBED },
	{ "wrong-keytab", no_argument,	     'K', CLI_TESTBED },
	{ "ntlm",	  no_argument,	     'n', CLI_TESTBED },
	{ "user-keytab",  no_argument,	     'U', CLI_TESTBED },
	{ "help",	  no_argument,	     'h', ALL },
	{ "version",	  no_argument,	     'V', ALL },
};

_Static_assert(sizeof(contract) / sizeof(contract[0]) < CLIOPTS_MAX,
    "CLIOPTS_MAX leaves no room for the zero entry");

void
cliopts_table(unsigned int prog, struct option *out)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(contract) / sizeof(contract[0]); i++) {
		if ((contract[i].progs & prog) == 0)
			continue;
		out[n].name = contract[i].name;
		out[n].has_arg = contract[i].has_arg;
		out[n].flag = NULL;
		out[n].val = contract[i].val;
		n++;
	}
	memset(&out[n], 0, sizeof(out[n]));
}
