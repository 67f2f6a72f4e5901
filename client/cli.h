/* client/cli.h - command-line pieces the demo client, server and rpcauth-ping share */
#ifndef RPCAUTH_CLIENT_CLI_H
#define RPCAUTH_CLIENT_CLI_H

#include <stdint.h>

#include "rpcauth/rpcauth.h"

/*
 * One line on stderr, "PROG: message (USAGE)", and exit 2: the contract
 * for every usage error of the demo programs.
 */
void	cli_usage_error(const char *prog, const char *usage, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4), noreturn));

/* Decimal digits only (no sign, no blanks, no 0x), in [min, max]: 0 or -1. */
int	cli_parse_num(const char *s, uint64_t min, uint64_t max,
	    uint64_t *out);

/* "none", "integrity" or "privacy" into *out: 0, or -1 for anything else. */
int	cli_parse_service(const char *s, enum rpcauth_service *out);

/* The same names back; "unknown" for a value outside the enum. */
const char *cli_service_name(unsigned int svc);

/*
 * --help (c 'h': the usage and "PROG --help | --version") or --version
 * (c 'V': this program's and the library's versions) on stdout, exit 0.
 * Any other c returns.
 */
void	cli_help_version(int c, const char *prog, const char *usage);

#endif
