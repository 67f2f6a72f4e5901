/* client/cli.c - command-line pieces the demo client, server and rpcauth-ping share */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void
cli_usage_error(const char *prog, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (%s)\n", usage);
	exit(2);
}

int
cli_parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static const char *const service_names[] = { "none", "integrity", "privacy" };

int
cli_parse_service(const char *s, enum rpcauth_service *out)
{
	static const enum rpcauth_service svc[] = { RPCAUTH_SVC_NONE,
	    RPCAUTH_SVC_INTEGRITY, RPCAUTH_SVC_PRIVACY };
	size_t i;

	for (i = 0; i < sizeof(svc) / sizeof(svc[0]); i++)
		if (strcmp(s, service_names[i]) == 0) {
			*out = svc[i];
			return 0;
		}
	return -1;
}

const char *
cli_service_name(unsigned int svc)
{
	switch (svc) {
	case RPCAUTH_SVC_NONE:		return service_names[0];
	case RPCAUTH_SVC_INTEGRITY:	return service_names[1];
	case RPCAUTH_SVC_PRIVACY:	return service_names[2];
	}
	return "unknown";
}

void
cli_help_version(int c, const char *prog, const char *usage)
{
	if (c == 'h')
		printf("%s\n       %s --help | --version\n", usage, prog);
	else if (c == 'V')
		printf("%s (rpcauth) %s\nlibrpcauth %s\n", prog,
		    PACKAGE_VERSION, rpcauth_version());
	else
		return;
	exit(0);
}

int
cli_service_at_host(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at != s && at[1] != '\0';
}

uint16_t
cli_opt_port(const char *prog, const char *usage, const char *arg)
{
	uint64_t v;

	if (cli_parse_num(arg, 1, 65535, &v) != 0)
		cli_usage_error(prog, usage, "--port: '%s' is not a port "
		    "(1-65535)", arg);
	return (uint16_t)v;
}

enum rpcauth_service
cli_opt_service(const char *prog, const char *usage, const char *opt,
    const char *arg)
{
	enum rpcauth_service svc;

	if (cli_parse_service(arg, &svc) != 0)
		cli_usage_error(prog, usage, "%s: '%s' is not none, integrity "
		    "or privacy", opt, arg);
	return svc;
}

void
cli_opt_other(int c, const char *prog, const char *usage, char *const argv[])
{
	cli_help_version(c, prog, usage);
	if (c == ':')
		cli_usage_error(prog, usage, "%s needs an argument",
		    argv[optind - 1]);
	cli_usage_error(prog, usage, "unknown option %s", argv[optind - 1]);
}
