/* client/cliopts.h - the command-line contract: each option of the programs, once */
#ifndef RPCAUTH_CLIENT_CLIOPTS_H
#define RPCAUTH_CLIENT_CLIOPTS_H

#include <getopt.h>

/*
 * The programs that take options.  An option's name means one thing and
 * has one getopt value in all of them, so a program's switch reads the
 * same as another's for the options they share.  No library calls here:
 * rpcauth-testbed does not link the library.
 */
#define CLI_DEMO_CLIENT		0x1u	/* rpcauth-demo-client */
#define CLI_PING		0x2u	/* rpcauth-ping */
#define CLI_DEMO_SERVER		0x4u	/* rpcauth-demo-server */
#define CLI_TESTBED		0x8u	/* rpcauth-testbed */

/* Room a program's table needs: every option, and the zero entry. */
#define CLIOPTS_MAX		32

/*
 * Fills out[CLIOPTS_MAX] with the options `prog` (one CLI_* bit) accepts,
 * followed by the zero entry getopt_long(3) ends on.
 */
void	cliopts_table(unsigned int prog, struct option *out);

#endif
