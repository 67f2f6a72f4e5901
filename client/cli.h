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

/* "service@host" with both parts non-empty: 1, else 0. */
int	cli_service_at_host(const char *s);

/* --port's argument (1-65535), or the usage error that says so. */
uint16_t cli_opt_port(const char *prog, const char *usage, const char *arg);

/* A service level option's argument (`opt` is its name, "--service"),
 * or the usage error that says so. */
enum rpcauth_service cli_opt_service(const char *prog, const char *usage,
	    const char *opt, const char *arg);

/*
 * The cases every program's getopt_long loop ends with (opterr 0, ":" at
 * the start of its short options): --help and --version as
 * cli_help_version, and the usage errors for a missing argument (':')
 * and an unknown option (any other c).  Does not return.
 */
void	cli_opt_other(int c, const char *prog, const char *usage,
	    char *const argv[]) __attribute__((noreturn));

/*
 * --help (c 'h': the usage and "PROG --help | --version") or --version
 * (c 'V': this program's and the library's versions) on stdout, exit 0.
 * Any other c returns.
 */
void	cli_help_version(int c, const char *prog, const char *usage);

#endif
