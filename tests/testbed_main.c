/* tests/testbed_main.c - rpcauth-testbed: a command next to a private KDC */
/*
 * rpcauth-testbed [--lifetime S] [--clockskew S] [--wrong-keytab] [--ntlm]
 *     -- COMMAND [ARGS...]
 *
 * Starts the test bed, runs COMMAND with the bed's environment, stops the
 * bed and exits with COMMAND's status (128 + signal if it was killed).
 * Our own failures exit with 125, like env(1) and timeout(1); 126 and 127
 * mean COMMAND could not be run or was not found.  SIGINT, SIGTERM and
 * SIGHUP sent to us go to COMMAND; the bed is stopped when it ends.
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
usage(void)
{
	fprintf(stderr, "usage: rpcauth-testbed [--lifetime S] [--clockskew S] "
	    "[--wrong-keytab] [--ntlm] -- COMMAND [ARGS...]\n");
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

/* RPCAUTH_TESTBED_* for COMMAND; the krb5 variables come from the bed. */
static int
export_bed(const struct testbed *tb)
{
	char port[16];

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
	static const struct option longopts[] = {
		{ "lifetime", required_argument, NULL, 'l' },
		{ "clockskew", required_argument, NULL, 'c' },
		{ "wrong-keytab", no_argument, NULL, 'w' },
		{ "ntlm", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct testbed_opts opts;
	struct testbed *tb = NULL;
	char errbuf[1024];
	int c, status = 0, ret = EXIT_OWN;

	memset(&opts, 0, sizeof(opts));
	/* "+": options end at COMMAND even without "--". */
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (parse_secs(optarg, &opts.ticket_lifetime_s) != 0)
				goto badarg;
			break;
		case 'c':
			if (parse_secs(optarg, &opts.clockskew_s) != 0)
				goto badarg;
			break;
		case 'w':
			opts.wrong_key_keytab = true;
			break;
		case 'n':
			opts.ntlm_user_file = true;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return EXIT_OWN;
		}
	}
	if (optind >= argc) {
		usage();
		return EXIT_OWN;
	}
	if (testbed_start(&opts, &tb, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "rpcauth-testbed: %s\n", errbuf);
		goto out;
	}
	if (export_bed(tb) != 0) {
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
	return ret;
badarg:
	fprintf(stderr, "rpcauth-testbed: --%s wants a positive number of "
	    "seconds\n", longopts[c == 'l' ? 0 : 1].name);
	return EXIT_OWN;
}
