/* tools/testbed_main.c - rpcauth-testbed: a command next to a private KDC */
/*
 * rpcauth-testbed [--principal NAME]... [--user-keytab] [--lifetime S]
 *     [--clockskew S] [--wrong-keytab] [--ntlm] -- COMMAND [ARGS...]
 *
 * Starts the test bed, runs COMMAND with the bed's environment, stops the
 * bed and exits with COMMAND's status (128 + signal if it was killed).
 * Our own failures exit with 125, like env(1) and timeout(1); 126 and 127
 * mean COMMAND could not be run or was not found.  SIGINT, SIGTERM and
 * SIGHUP sent to us go to COMMAND; the bed is stopped when it ends.
 *
 * Installed (man/rpcauth-testbed.1) so that a service built on rpcauth
 * can be tested against a KDC of its own: --principal adds its service
 * principal to the keytab KRB5_KTNAME names.  A client keytab is used
 * only with --user-keytab, so that kdestroy inside really leaves the
 * client without credentials.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliopts.h"
#include "testbed.h"

#define EXIT_OWN	125

static const int fwd_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NFWD	(sizeof(fwd_signals) / sizeof(fwd_signals[0]))

/* Written with the forwarded signals blocked, read in the handler. */
static volatile pid_t child_pid;

static void
forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/*
	 * A Ctrl-C from the terminal (si_code SI_KERNEL) has already gone to
	 * the whole foreground process group, COMMAND included; only what
	 * was sent to us alone (kill(2): si_code <= 0) needs passing on.
	 */
	if (child_pid > 0 && si->si_code <= 0)
		(void)kill(child_pid, sig);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: rpcauth-testbed [--principal NAME]... [--user-keytab] "
	    "[--lifetime S]\n"
	    "           [--clockskew S] [--wrong-keytab] [--ntlm] "
	    "-- COMMAND [ARGS...]\n"
	    "       rpcauth-testbed --help | --version\n");
}

/* --help: the options and every variable COMMAND gets (as the man page). */
static void
help(void)
{
	usage(stdout);
	fputs("\n"
	    "Run COMMAND next to a private MIT KDC (realm " TESTBED_REALM ", "
	    "127.0.0.1, a free port,\n"
	    "a temporary directory; nothing under /etc is read or written), "
	    "then stop the KDC\n"
	    "and remove the directory.  Exit status: COMMAND's (128 + signal "
	    "if killed);\n"
	    "125 when the bed could not start, 126/127 when COMMAND could not "
	    "run / was not found.\n"
	    "\n"
	    "The bed has alice@" TESTBED_REALM " (a ticket in KRB5CCNAME) and "
	    "demo/localhost@" TESTBED_REALM "\n"
	    "(in the keytab KRB5_KTNAME names).\n"
	    "\n"
	    "  --principal NAME  also add NAME (e.g. kv/localhost; realm "
	    "optional, " TESTBED_REALM "\n"
	    "                    only) with a random key to that keytab; "
	    "repeatable\n"
	    "  --user-keytab     give the client alice's keytab too "
	    "(KRB5_CLIENT_KTNAME): MIT then\n"
	    "                    gets new tickets by itself; without it, "
	    "kdestroy leaves the\n"
	    "                    client with no credentials\n"
	    "  --lifetime S      longest ticket, in seconds (default 36000)\n"
	    "  --clockskew S     allowed clock skew, in seconds (default 300)\n"
	    "  --wrong-keytab    also write a keytab with other keys for "
	    "demo/localhost\n"
	    "  --ntlm            also write a gss-ntlmssp user file for alice\n"
	    "  --help            this text\n"
	    "\n"
	    "Environment given to COMMAND:\n"
	    "  KRB5_CONFIG                   the bed's krb5.conf\n"
	    "  KRB5_KDC_PROFILE              the bed's kdc.conf\n"
	    "  KRB5RCACHEDIR                 the bed's directory "
	    "(acceptor replay cache)\n"
	    "  KRB5CCNAME                    FILE: ccache holding alice's "
	    "ticket\n"
	    "  KRB5_KTNAME                   FILE: server keytab "
	    "(demo/localhost and --principal)\n"
	    "  KRB5_CLIENT_KTNAME            FILE: alice's keytab; only with "
	    "--user-keytab\n"
	    "                                (otherwise unset)\n"
	    "  NTLM_USER_FILE                only with --ntlm\n"
	    "  RPCAUTH_TESTBED_DIR           the temporary directory\n"
	    "  RPCAUTH_TESTBED_PORT          the KDC's port on 127.0.0.1 "
	    "(UDP and TCP)\n"
	    "  RPCAUTH_TESTBED_REALM         " TESTBED_REALM "\n"
	    "  RPCAUTH_TESTBED_SERVER_KEYTAB the server keytab's path\n"
	    "  RPCAUTH_TESTBED_USER_PRINC    alice@" TESTBED_REALM "\n"
	    "  RPCAUTH_TESTBED_SERVICE       demo@localhost\n"
	    "  RPCAUTH_TESTBED_PRINCIPALS    the --principal names, "
	    "NAME@REALM, space-separated\n"
	    "                                (only with --principal)\n"
	    "  RPCAUTH_TESTBED_USER_KEYTAB   alice's keytab's path; only with "
	    "--user-keytab\n"
	    "  RPCAUTH_TESTBED_WRONG_KEYTAB  only with --wrong-keytab\n"
	    "\n"
	    "Example: rpcauth-testbed --principal kv/localhost -- "
	    "./run-my-tests.sh\n", stdout);
}

static int
parse_secs(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || v > INT_MAX ||
	    s[0] == '-')
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/*
 * A --principal NAME: the bed's kadmin.local serves only its own realm, and
 * splits its query at blanks and quotes.  0, or -1 after saying why.
 */
static int
check_principal(const char *name)
{
	const char *at = strchr(name, '@');

	if (*name == '\0' || *name == '@' ||
	    strpbrk(name, " \t\n\"'\\") != NULL) {
		fprintf(stderr, "rpcauth-testbed: --principal '%s': want a "
		    "name such as kv/localhost\n", name);
		return -1;
	}
	if (at != NULL && strcmp(at + 1, TESTBED_REALM) != 0) {
		fprintf(stderr, "rpcauth-testbed: --principal %s: the bed's "
		    "realm is %s\n", name, TESTBED_REALM);
		return -1;
	}
	return 0;
}

/* "a@R b@R": the --principal names with the realm; NULL if out of memory. */
static char *
principal_list(const char *const *princs)
{
	size_t len = 1, i;
	char *list;

	for (i = 0; princs[i] != NULL; i++)
		len += strlen(princs[i]) + sizeof("@" TESTBED_REALM) + 1;
	if ((list = calloc(1, len)) == NULL)
		return NULL;
	for (i = 0; princs[i] != NULL; i++) {
		if (i > 0)
			strcat(list, " ");
		strcat(list, princs[i]);
		if (strchr(princs[i], '@') == NULL)
			strcat(list, "@" TESTBED_REALM);
	}
	return list;
}

/* RPCAUTH_TESTBED_* for COMMAND; the krb5 variables come from the bed. */
static int
export_bed(const struct testbed *tb, const struct testbed_opts *opts)
{
	char port[16];
	char *list;
	int r;

	snprintf(port, sizeof(port), "%d", testbed_port(tb));
	if (setenv("RPCAUTH_TESTBED_DIR", testbed_dir(tb), 1) != 0 ||
	    setenv("RPCAUTH_TESTBED_PORT", port, 1) != 0 ||
	    setenv("RPCAUTH_TESTBED_REALM", testbed_realm(tb), 1) != 0 ||
	    setenv("RPCAUTH_TESTBED_SERVER_KEYTAB",
	    testbed_server_keytab(tb), 1) != 0 ||
	    setenv("RPCAUTH_TESTBED_USER_PRINC",
	    testbed_user_principal(tb), 1) != 0 ||
	    setenv("RPCAUTH_TESTBED_SERVICE", testbed_service(tb), 1) != 0)
		return -1;
	if (testbed_wrong_keytab(tb) != NULL &&
	    setenv("RPCAUTH_TESTBED_WRONG_KEYTAB", testbed_wrong_keytab(tb),
	    1) != 0)
		return -1;
	if (!opts->no_client_keytab &&
	    setenv("RPCAUTH_TESTBED_USER_KEYTAB", testbed_user_keytab(tb),
	    1) != 0)
		return -1;
	if (opts->extra_principals != NULL &&
	    opts->extra_principals[0] != NULL) {
		if ((list = principal_list(opts->extra_principals)) == NULL)
			return -1;
		r = setenv("RPCAUTH_TESTBED_PRINCIPALS", list, 1);
		free(list);
		if (r != 0)
			return -1;
	}
	return 0;
}

/* Run argv with the forwarded signals passed on; its wait status. */
static int
run_command(char *const argv[], int *status)
{
	struct sigaction sa;
	sigset_t block, old;
	size_t i;
	pid_t pid, r;
	int e;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < NFWD; i++)
		sigaddset(&block, fwd_signals[i]);
	(void)sigprocmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < NFWD; i++)
		(void)sigaction(fwd_signals[i], &sa, NULL);
	if ((pid = fork()) < 0) {
		e = errno;
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		fprintf(stderr, "rpcauth-testbed: fork: %s\n", strerror(e));
		return -1;
	}
	if (pid == 0) {
		for (i = 0; i < NFWD; i++)
			(void)signal(fwd_signals[i], SIG_DFL);
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[0], argv);
		e = errno;
		fprintf(stderr, "rpcauth-testbed: %s: %s\n", argv[0],
		    strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	child_pid = pid;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	(void)sigprocmask(SIG_BLOCK, &block, NULL);
	child_pid = 0;
	for (i = 0; i < NFWD; i++)
		(void)signal(fwd_signals[i], SIG_DFL);
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	return r == pid ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	struct option longopts[CLIOPTS_MAX];
	struct testbed_opts opts;
	struct testbed *tb = NULL;
	const char **princs = NULL;
	size_t nprinc = 0;
	char errbuf[1024];
	int c, status = 0, ret = EXIT_OWN;

	memset(&opts, 0, sizeof(opts));
	/* Without --user-keytab, kdestroy must leave the client with nothing. */
	opts.no_client_keytab = true;
	/* At most one --principal per argument, plus the NULL. */
	if ((princs = calloc((size_t)argc + 1, sizeof(*princs))) == NULL) {
		fprintf(stderr, "rpcauth-testbed: out of memory\n");
		return EXIT_OWN;
	}
	opts.extra_principals = princs;
	cliopts_table(CLI_TESTBED, longopts);
	/* "+": options end at COMMAND even without "--". */
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'T':
			if (parse_secs(optarg, &opts.ticket_lifetime_s) != 0)
				goto badarg;
			break;
		case 'c':
			if (parse_secs(optarg, &opts.clockskew_s) != 0)
				goto badarg;
			break;
		case 'K':
			opts.wrong_key_keytab = true;
			break;
		case 'n':
			opts.ntlm_user_file = true;
			break;
		case 'P':
			if (check_principal(optarg) != 0)
				goto out;
			princs[nprinc++] = optarg;
			break;
		case 'U':
			opts.no_client_keytab = false;
			break;
		case 'h':
			help();
			ret = 0;
			goto out;
		case 'V':
			printf("rpcauth-testbed (rpcauth) %s\n", PACKAGE_VERSION);
			ret = 0;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		goto out;
	}
	if (testbed_start(&opts, &tb, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "rpcauth-testbed: %s\n", errbuf);
		goto out;
	}
	if (export_bed(tb, &opts) != 0) {
		fprintf(stderr, "rpcauth-testbed: setenv: %s\n",
		    strerror(errno));
		goto out;
	}
	fprintf(stderr, "rpcauth-testbed: KDC for %s on 127.0.0.1:%d "
	    "(dir %s)\n", testbed_realm(tb), testbed_port(tb),
	    testbed_dir(tb));
	if (run_command(argv + optind, &status) != 0)
		goto out;
	if (WIFEXITED(status))
		ret = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		ret = 128 + WTERMSIG(status);
out:
	testbed_stop(tb);
	free(princs);
	return ret;
badarg:
	fprintf(stderr, "rpcauth-testbed: --%s wants a positive number of "
	    "seconds\n", c == 'T' ? "lifetime" : "clockskew");
	free(princs);
	return EXIT_OWN;
}
