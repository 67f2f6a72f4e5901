/* tools/testbed.c - a private MIT KDC in a temporary directory, for tests */
/*
 * Invariant: while the starting process holds a struct testbed, the
 * guardian's socket is open in it (guard_fd) and the guardian knows the pid
 * of the running KDC, or 0.  The guardian is told to forget a KDC before
 * that KDC is reaped, so it can never kill a recycled pid.  Every file the
 * bed makes lives in tb->dir; the tools and the KDC see only the bed's
 * configuration through KRB5_CONFIG and KRB5_KDC_PROFILE.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <krb5.h>

#include "srvproc.h"
#include "testbed.h"

#define PORT_TRIES	3	/* another bed may grab the port we picked */
#define READY_MS	15000	/* for the KDC to answer a kinit */
#define STOP_MS		2000	/* for the KDC or guardian to go after a hint */
#define PW_LEN		24
#define LOG_TAIL	700	/* bytes of the tools' log put into errors */

#define USER_NAME	"alice"
#define SERVICE_NAME	"demo/localhost"
#define NTLM_DOMAIN	"RPCAUTH"

extern char **environ;

/* Saved by testbed_start(), put back by testbed_stop(). */
enum { ENV_CONFIG, ENV_KDC_PROFILE, ENV_RCACHEDIR, ENV_CCNAME, ENV_KTNAME,
    ENV_CLIENT_KTNAME, ENV_NTLM, NENV };
static const char *const env_names[NENV] = {
	"KRB5_CONFIG", "KRB5_KDC_PROFILE", "KRB5RCACHEDIR", "KRB5CCNAME",
	"KRB5_KTNAME", "KRB5_CLIENT_KTNAME", "NTLM_USER_FILE",
};

struct testbed {
	pid_t		 owner;		/* the process that started the bed */
	pid_t		 kdc_pid;	/* 0 when no KDC runs */
	pid_t		 guard_pid;
	int		 guard_fd;	/* our end of the guardian's socket */
	int		 port;
	unsigned int	 lifetime_s;
	unsigned int	 clockskew_s;
	char		*dir;
	char		*krb5_conf;
	char		*kdc_conf;
	char		*log;		/* tools' and KDC's stdout/stderr */
	char		*server_kt;
	char		*user_kt;
	char		*client_kt;	/* default_client_keytab_name's file */
	char		*wrong_kt;	/* NULL unless asked for */
	char		*ccache;
	char		*ccache_name;
	char		*ntlm_file;	/* NULL unless asked for */
	char		*user_princ;
	char		*service_princ;
	char		 ntlm_pw[PW_LEN + 1];
	char		 errmsg[1024];
	bool		 env_set[NENV];
	char		*env_old[NENV];	/* NULL: was unset */
};

static int
seterr(struct testbed *tb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
seterr(struct testbed *tb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tb->errmsg, sizeof(tb->errmsg), fmt, ap);
	va_end(ap);
	return -1;
}

/* asprintf that returns the string, or NULL (never an undefined pointer). */
static char *
xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xprintf(const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : p;
}

static char *
path_in(const char *dir, const char *name)
{
	return xprintf("%s/%s", dir, name);
}

/* Random letters and digits; test passwords only, bias does not matter. */
static int
random_pw(char *buf, size_t len)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char raw[64];
	size_t i;

	if (len == 0 || len - 1 > sizeof(raw) ||
	    getrandom(raw, len - 1, 0) != (ssize_t)(len - 1))
		return -1;
	for (i = 0; i < len - 1; i++)
		buf[i] = set[raw[i] % (sizeof(set) - 1)];
	buf[len - 1] = '\0';
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

/*
 * Close every descriptor from 3 up except `keep` (-1: none), so that exec'd
 * tools and the guardian hold no pipe that someone waits on for EOF.
 */
static void
close_fds(int keep)
{
	long max, fd;

	if (keep < 0 && close_range(3, ~0U, 0) == 0)
		return;
	if (keep >= 3 && (keep == 3 || close_range(3, keep - 1, 0) == 0) &&
	    close_range(keep + 1, ~0U, 0) == 0)
		return;
	max = sysconf(_SC_OPEN_MAX);
	for (fd = 3; fd < (max > 0 ? max : 1024); fd++)
		if (fd != keep)
			(void)close((int)fd);
}

static int
rmtree_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

/* 0 once dir is gone (or never was). */
static int
rmtree(const char *dir)
{
	struct stat st;

	(void)nftw(dir, rmtree_one, 16, FTW_DEPTH | FTW_PHYS);
	return lstat(dir, &st) != 0 && errno == ENOENT ? 0 : -1;
}

/*
 * The guardian: reads KDC pids (int32_t, 0 = none) until EOF, which comes
 * when every holder of the other end has closed it, i.e. the starting
 * process and any children it forked are gone, or testbed_stop() ran.
 * Then it kills the KDC it was last told about and removes the directory.
 * It leaves the session and ignores terminal signals so that a Ctrl-C to
 * the test's process group cannot stop it before it has cleaned up.
 */
static void __attribute__((noreturn))
guardian(int sock, const char *dir)
{
	static const int ignore[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE };
	int32_t msg;
	pid_t kdc = 0;
	ssize_t n;
	size_t i, got;
	int fd;

	/* Out of the way of the /dev/null dups below, should we have been
	 * started with stdin or stdout closed. */
	if (sock <= STDERR_FILENO && (fd = fcntl(sock, F_DUPFD, 3)) >= 0)
		sock = fd;
	(void)setsid();
	(void)prctl(PR_SET_NAME, "testbed-guard");
	for (i = 0; i < sizeof(ignore) / sizeof(ignore[0]); i++)
		(void)signal(ignore[i], SIG_IGN);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		(void)dup2(fd, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO && fd != sock)
			(void)close(fd);
	}
	close_fds(sock);
	for (got = 0;;) {
		n = read(sock, (char *)&msg + got, sizeof(msg) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if ((got += (size_t)n) == sizeof(msg)) {
			kdc = (pid_t)msg;
			got = 0;
		}
	}
	if (kdc > 0)
		(void)kill(kdc, SIGKILL);
	/* The KDC may still be writing its log while the signal lands. */
	for (i = 0; i < 40 && rmtree(dir) != 0; i++)
		usleep(50000);
	_exit(0);
}

/*
 * A socket rather than a pipe only so that telling a dead guardian about
 * a pid gives EPIPE (MSG_NOSIGNAL) instead of killing us with SIGPIPE.
 */
static int
start_guardian(struct testbed *tb)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return seterr(tb, "socketpair: %s", strerror(errno));
	/* sv[0] stays with us; the guardian must not hold it, or it would
	 * never see EOF. */
	if ((pid = fork()) < 0) {
		(void)close(sv[0]);
		(void)close(sv[1]);
		return seterr(tb, "fork: %s", strerror(errno));
	}
	if (pid == 0)
		guardian(sv[1], tb->dir);
	(void)close(sv[1]);
	tb->guard_fd = sv[0];
	tb->guard_pid = pid;
	return 0;
}

static void
guard_tell(struct testbed *tb, pid_t kdc)
{
	int32_t msg = (int32_t)kdc;
	ssize_t n;

	do
		n = send(tb->guard_fd, &msg, sizeof(msg), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
}

static void
env_set(struct testbed *tb, int which, const char *value)
{
	const char *old;

	if (!tb->env_set[which]) {
		old = getenv(env_names[which]);
		tb->env_old[which] = old != NULL ? strdup(old) : NULL;
		tb->env_set[which] = true;
	}
	(void)setenv(env_names[which], value, 1);
}

static void
env_unset(struct testbed *tb, int which)
{
	const char *old;

	if (!tb->env_set[which]) {
		old = getenv(env_names[which]);
		tb->env_old[which] = old != NULL ? strdup(old) : NULL;
		tb->env_set[which] = true;
	}
	(void)unsetenv(env_names[which]);
}

static void
env_restore(struct testbed *tb)
{
	int i;

	for (i = 0; i < NENV; i++) {
		if (!tb->env_set[i])
			continue;
		if (tb->env_old[i] != NULL)
			(void)setenv(env_names[i], tb->env_old[i], 1);
		else
			(void)unsetenv(env_names[i]);
		free(tb->env_old[i]);
		tb->env_old[i] = NULL;
		tb->env_set[i] = false;
	}
}

/* Last LOG_TAIL bytes of the log, from a line start where possible. */
static void
log_tail(const struct testbed *tb, char *buf, size_t len)
{
	char *nl;
	ssize_t n;
	off_t size;
	int fd;

	buf[0] = '\0';
	if (len < 2 || (fd = open(tb->log, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > 0) {
		if ((size_t)size > len - 1)
			size = (off_t)(len - 1);
		n = pread(fd, buf, (size_t)size, lseek(fd, 0, SEEK_END) - size);
		buf[n > 0 ? n : 0] = '\0';
		if (n == (ssize_t)(len - 1) && (nl = strchr(buf, '\n')) != NULL)
			memmove(buf, nl + 1, strlen(nl + 1) + 1);
	}
	(void)close(fd);
}

/* One "+ argv" line per tool, so the log reads as a transcript. */
static void
log_argv(const struct testbed *tb, char *const argv[])
{
	FILE *f;
	int i;

	if ((f = fopen(tb->log, "ae")) == NULL)
		return;
	fputs("+", f);
	for (i = 0; argv[i] != NULL; i++)
		/* kdb5_util -P takes the master password: keep it out. */
		fprintf(f, " %s", i > 0 && strcmp(argv[i - 1], "-P") == 0 ?
		    "(hidden)" : argv[i]);
	fputs("\n", f);
	(void)fclose(f);
}

/*
 * fork and execve argv[0] (a full path) with stdin on /dev/null and
 * stdout/stderr appended to the log.  The child dies with us
 * (PR_SET_PDEATHSIG; the getppid check covers our dying before the prctl).
 */
static pid_t
spawn(const struct testbed *tb, char *const argv[], bool own_group)
{
	sigset_t none;
	pid_t parent = getpid(), pid;
	int fd;

	log_argv(tb, argv);
	if ((pid = fork()) != 0)
		return pid;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
	/* Out of the test's process group: a Ctrl-C meant for a command
	 * run under rpcauth-testbed must not take its KDC away first. */
	if (own_group)
		(void)setpgid(0, 0);
	if ((fd = open("/dev/null", O_RDONLY)) >= 0 && fd != STDIN_FILENO) {
		(void)dup2(fd, STDIN_FILENO);
		(void)close(fd);
	}
	if ((fd = open(tb->log, O_WRONLY | O_APPEND | O_CREAT, 0600)) < 0)
		_exit(127);
	(void)dup2(fd, STDOUT_FILENO);
	(void)dup2(fd, STDERR_FILENO);
	close_fds(-1);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)signal(SIGPIPE, SIG_DFL);
	execve(argv[0], argv, environ);
	_exit(127);
}

static int
wait_child(pid_t pid, int *status)
{
	pid_t r;

	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	return r == pid ? 0 : -1;
}

/* Run a tool to completion; -1 with the log's tail in errmsg if it fails. */
static int
run_tool(struct testbed *tb, char *const argv[])
{
	char tail[LOG_TAIL];
	pid_t pid;
	int status = 0;

	if (argv[0][0] == '\0')
		return seterr(tb, "a KDC tool was not found at configure time "
		    "(install krb5-kdc, krb5-admin-server and krb5-user)");
	if ((pid = spawn(tb, argv, false)) < 0)
		return seterr(tb, "fork: %s", strerror(errno));
	if (wait_child(pid, &status) != 0)
		return seterr(tb, "waitpid %s: %s", argv[0], strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	log_tail(tb, tail, sizeof(tail));
	if (WIFEXITED(status))
		return seterr(tb, "%s exited with %d; end of %s:\n%s", argv[0],
		    WEXITSTATUS(status), tb->log, tail);
	return seterr(tb, "%s killed by signal %d; end of %s:\n%s", argv[0],
	    WTERMSIG(status), tb->log, tail);
}

static int
kadmin(struct testbed *tb, const char *query)
{
	char *argv[] = { (char *)KADMIN_LOCAL_PATH, (char *)"-r",
	    (char *)TESTBED_REALM, (char *)"-q", (char *)query, NULL };

	return run_tool(tb, argv);
}

static int
write_file(struct testbed *tb, const char *path, mode_t mode,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
write_file(struct testbed *tb, const char *path, mode_t mode,
    const char *fmt, ...)
{
	va_list ap;
	FILE *f = NULL;
	int fd, ret = -1;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		seterr(tb, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		goto out;
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (ferror(f)) {
		seterr(tb, "writing %s failed", path);
		goto out;
	}
	ret = 0;
out:
	if (f != NULL && fclose(f) != 0 && ret == 0)
		ret = seterr(tb, "%s: %s", path, strerror(errno));
	return ret;
}

/* Both profiles depend on the port, so each port attempt rewrites them. */
static int
write_configs(struct testbed *tb)
{
	unsigned int life = tb->lifetime_s != 0 ? tb->lifetime_s : 36000;
	unsigned int renew = tb->lifetime_s != 0 ? tb->lifetime_s : 604800;
	char skew[64] = "";

	if (tb->clockskew_s != 0)
		snprintf(skew, sizeof(skew), "\tclockskew = %u\n",
		    tb->clockskew_s);
	/* qualify_shortname = "": with dns_canonicalize_hostname off, krb5
	 * would otherwise append the resolver's search domain to
	 * "localhost" and ask for a service the KDC does not know. */
	if (write_file(tb, tb->krb5_conf, 0644,
	    "[libdefaults]\n"
	    "\tdefault_realm = %s\n"
	    "\tdns_lookup_kdc = false\n"
	    "\tdns_lookup_realm = false\n"
	    "\tdns_canonicalize_hostname = false\n"
	    "\tqualify_shortname = \"\"\n"
	    "\trdns = false\n"
	    "\tticket_lifetime = %us\n"
	    "%s"
	    "\tdefault_ccache_name = FILE:%s\n"
	    "\tdefault_keytab_name = FILE:%s\n"
	    "\tdefault_client_keytab_name = FILE:%s\n"
	    "\n[realms]\n"
	    "\t%s = {\n"
	    "\t\tkdc = 127.0.0.1:%d\n"
	    "\t}\n"
	    "\n[domain_realm]\n"
	    "\tlocalhost = %s\n"
	    "\t.localhost = %s\n",
	    TESTBED_REALM, life, skew, tb->ccache, tb->server_kt, tb->client_kt,
	    TESTBED_REALM, tb->port, TESTBED_REALM, TESTBED_REALM) != 0)
		return -1;
	return write_file(tb, tb->kdc_conf, 0644,
	    "[kdcdefaults]\n"
	    "\tkdc_listen = 127.0.0.1:%d\n"
	    "\tkdc_tcp_listen = 127.0.0.1:%d\n"
	    "\n[realms]\n"
	    "\t%s = {\n"
	    "\t\tdatabase_name = %s/principal\n"
	    "\t\tkey_stash_file = %s/stash\n"
	    "\t\tacl_file = %s/kadm5.acl\n"
	    "\t\tkdc_listen = 127.0.0.1:%d\n"
	    "\t\tkdc_tcp_listen = 127.0.0.1:%d\n"
	    "\t\tmax_life = %us\n"
	    "\t\tmax_renewable_life = %us\n"
	    "\t}\n"
	    "\n[logging]\n"
	    "\tkdc = FILE:%s/kdc.log\n"
	    "\tadmin_server = FILE:%s/kadmin.log\n"
	    "\tdefault = FILE:%s/krb5.log\n",
	    tb->port, tb->port, TESTBED_REALM, tb->dir, tb->dir, tb->dir,
	    tb->port, tb->port, life, renew, tb->dir, tb->dir, tb->dir);
}

/* 0 if keytab `path` holds a key for `princ`; -1 with the reason. */
static int
keytab_has(struct testbed *tb, const char *path, const char *princ)
{
	krb5_context ctx = NULL;
	krb5_keytab kt = NULL;
	krb5_principal p = NULL;
	krb5_keytab_entry ent;
	krb5_error_code code;
	const char *msg;
	char *name = NULL;
	int ret = -1;

	if ((code = krb5_init_context(&ctx)) != 0) {
		ctx = NULL;
		seterr(tb, "krb5_init_context failed (%d)", (int)code);
		goto out;
	}
	if ((name = xprintf("FILE:%s", path)) == NULL) {
		seterr(tb, "out of memory");
		goto out;
	}
	if ((code = krb5_parse_name(ctx, princ, &p)) != 0 ||
	    (code = krb5_kt_resolve(ctx, name, &kt)) != 0 ||
	    (code = krb5_kt_get_entry(ctx, kt, p, 0, 0, &ent)) != 0) {
		msg = krb5_get_error_message(ctx, code);
		seterr(tb, "%s", msg);
		krb5_free_error_message(ctx, msg);
		goto out;
	}
	krb5_free_keytab_entry_contents(ctx, &ent);
	ret = 0;
out:
	if (kt != NULL)
		(void)krb5_kt_close(ctx, kt);
	if (ctx != NULL) {
		krb5_free_principal(ctx, p);
		krb5_free_context(ctx);
	}
	free(name);
	return ret;
}

int
testbed_add_principal(struct testbed *tb, const char *name,
    const char *keytab_path)
{
	char *full = NULL, *query = NULL;
	const char *kt = keytab_path != NULL ? keytab_path : tb->server_kt;
	int ret = -1;

	tb->errmsg[0] = '\0';
	/* kadmin.local splits its query at blanks and quotes. */
	if (name == NULL || *name == '\0' || strpbrk(name, " \t\n\"'") != NULL ||
	    strpbrk(kt, " \t\n\"'") != NULL) {
		seterr(tb, "bad principal or keytab name");
		goto out;
	}
	if ((full = xprintf("%s%s", name, strchr(name, '@') != NULL ? "" :
	    "@" TESTBED_REALM)) == NULL ||
	    (query = xprintf("addprinc -randkey %s", full)) == NULL) {
		seterr(tb, "out of memory");
		goto out;
	}
	if (kadmin(tb, query) != 0)
		goto out;
	free(query);
	if ((query = xprintf("ktadd -k %s %s", kt, full)) == NULL) {
		seterr(tb, "out of memory");
		goto out;
	}
	if (kadmin(tb, query) != 0)
		goto out;
	/* kadmin.local -q exits 0 even when the query failed: look. */
	if (keytab_has(tb, kt, full) != 0) {
		char tail[LOG_TAIL], why[sizeof(tb->errmsg)];

		snprintf(why, sizeof(why), "%s", tb->errmsg);
		log_tail(tb, tail, sizeof(tail));
		seterr(tb, "adding %s to %s: %s; end of %s:\n%s", full, kt, why,
		    tb->log, tail);
		goto out;
	}
	ret = 0;
out:
	free(query);
	free(full);
	return ret;
}

/* kinit for alice into `ccname`; quiet about failure (caller decides). */
static int
kinit_into(struct testbed *tb, const char *ccname)
{
	char *argv[] = { (char *)KINIT_PATH, (char *)"-k", (char *)"-t",
	    tb->user_kt, (char *)"-c", (char *)ccname, tb->user_princ, NULL };

	return run_tool(tb, argv);
}

int
testbed_kinit(struct testbed *tb)
{
	tb->errmsg[0] = '\0';
	return kinit_into(tb, tb->ccache_name);
}

int
testbed_set_session_enctypes(struct testbed *tb, const char *name,
    const char *enctypes)
{
	const char *realm;
	char *query;
	int ret;

	tb->errmsg[0] = '\0';
	/* kadmin.local splits its query at blanks and keeps quotes in the
	 * value: several enctypes go comma-separated, as MIT parses them. */
	if (name == NULL || *name == '\0' || strpbrk(name, " \t\n\"'") != NULL ||
	    enctypes == NULL || *enctypes == '\0' ||
	    strpbrk(enctypes, " \t\n\"'") != NULL)
		return seterr(tb, "bad principal name or enctype list");
	realm = strchr(name, '@') != NULL ? "" : "@" TESTBED_REALM;
	if ((query = xprintf("setstr %s%s session_enctypes %s", name, realm,
	    enctypes)) == NULL)
		return seterr(tb, "out of memory");
	ret = kadmin(tb, query);
	free(query);
	return ret;
}

/* True if the KDC has exited; it is not reaped (WNOWAIT). */
static bool
kdc_gone(const struct testbed *tb)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)tb->kdc_pid, &si,
	    WEXITED | WNOHANG | WNOWAIT) != 0)
		return errno != EINTR;
	return si.si_pid != 0;
}

/* SIGTERM, then SIGKILL after STOP_MS; the guardian forgets before reaping. */
static void
kdc_stop(struct testbed *tb)
{
	long long end = srvproc_now_ms() + STOP_MS;
	siginfo_t si;

	if (tb->kdc_pid <= 0)
		return;
	(void)kill(tb->kdc_pid, SIGTERM);
	while (!kdc_gone(tb) && srvproc_now_ms() < end)
		usleep(10000);
	if (!kdc_gone(tb)) {
		(void)kill(tb->kdc_pid, SIGKILL);
		while (waitid(P_PID, (id_t)tb->kdc_pid, &si,
		    WEXITED | WNOWAIT) != 0 && errno == EINTR)
			;
	}
	guard_tell(tb, 0);
	(void)wait_child(tb->kdc_pid, NULL);
	tb->kdc_pid = 0;
}

/*
 * Sockets in a /proc/net table bound to `port` in state `st` (07: UDP
 * unconnected, 0A: TCP listening), or -1 if the table is unreadable.
 */
static int
port_sockets(const char *table, int port, unsigned int st)
{
	char line[512], local[64], *colon;
	unsigned int state;
	FILE *f;
	int n = 0;

	if ((f = fopen(table, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, " %*s %63s %*s %x", local, &state) != 2 ||
		    (colon = strchr(local, ':')) == NULL)
			continue;	/* the header */
		if (strtol(colon + 1, NULL, 16) == port && state == st)
			n++;
	}
	(void)fclose(f);
	return n;
}

/*
 * krb5kdc binds with SO_REUSEPORT, so a second KDC on our port starts
 * happily and the kernel then splits requests between the two.  Whoever
 * looks last after binding sees both; it moves to another port.
 */
static bool
port_shared(const struct testbed *tb)
{
	return port_sockets("/proc/net/udp", tb->port, 0x07) > 1 ||
	    port_sockets("/proc/net/tcp", tb->port, 0x0A) > 1;
}

/*
 * Start the KDC and wait until a kinit gets an answer.  Returns 0 when it
 * answers, 1 if the port turned out to be taken (the KDC exited, or
 * another one shares the port): try another; -1 on any other failure.
 */
static int
kdc_start(struct testbed *tb)
{
	char *argv[] = { (char *)KRB5KDC_PATH, (char *)"-n", (char *)"-r",
	    (char *)TESTBED_REALM, NULL };
	char *probe = NULL;
	long long end;
	int ret = -1;

	if (argv[0][0] == '\0')
		return seterr(tb, "krb5kdc was not found at configure time");
	if ((tb->kdc_pid = spawn(tb, argv, true)) < 0) {
		tb->kdc_pid = 0;
		return seterr(tb, "fork: %s", strerror(errno));
	}
	guard_tell(tb, tb->kdc_pid);
	if ((probe = xprintf("FILE:%s/probe.ccache", tb->dir)) == NULL) {
		seterr(tb, "out of memory");
		goto out;
	}
	for (end = srvproc_now_ms() + READY_MS;; usleep(50000)) {
		if (kdc_gone(tb)) {
			char tail[LOG_TAIL];

			log_tail(tb, tail, sizeof(tail));
			seterr(tb, "krb5kdc exited at start (port %d); end "
			    "of %s:\n%s", tb->port, tb->log, tail);
			ret = 1;
			goto out;
		}
		if (kinit_into(tb, probe) == 0) {
			if (port_shared(tb)) {
				seterr(tb, "another process listens on "
				    "127.0.0.1:%d too", tb->port);
				ret = 1;
				goto out;
			}
			break;
		}
		if (srvproc_now_ms() >= end) {
			char msg[sizeof(tb->errmsg)];

			memcpy(msg, tb->errmsg, sizeof(msg));
			seterr(tb, "KDC on 127.0.0.1:%d did not answer in "
			    "%d ms; last kinit: %s", tb->port, READY_MS, msg);
			goto out;
		}
	}
	ret = 0;
out:
	if (probe != NULL)
		(void)unlink(probe + strlen("FILE:"));
	free(probe);
	if (ret != 0)
		kdc_stop(tb);
	return ret;
}

/*
 * wrong.keytab: for each demo/localhost entry of server.keytab, the same
 * kvno and enctype with a fresh random key, so that the acceptor finds a
 * key and fails only at decryption.
 */
static int
write_wrong_keytab(struct testbed *tb)
{
	krb5_context ctx = NULL;
	krb5_keytab real = NULL, wrong = NULL;
	krb5_principal svc = NULL;
	krb5_kt_cursor cur;
	krb5_keytab_entry ent, fake;
	krb5_error_code code;
	char *name = NULL;
	const char *msg;
	bool iterating = false;
	int n = 0, ret = -1;

	if ((code = krb5_init_context(&ctx)) != 0) {
		ctx = NULL;
		seterr(tb, "krb5_init_context failed (%d)", (int)code);
		goto out;
	}
	if ((code = krb5_parse_name(ctx, tb->service_princ, &svc)) != 0 ||
	    (code = krb5_kt_resolve(ctx, tb->server_kt, &real)) != 0)
		goto kerr;
	if ((name = xprintf("FILE:%s", tb->wrong_kt)) == NULL) {
		seterr(tb, "out of memory");
		goto out;
	}
	if ((code = krb5_kt_resolve(ctx, name, &wrong)) != 0 ||
	    (code = krb5_kt_start_seq_get(ctx, real, &cur)) != 0)
		goto kerr;
	iterating = true;
	while ((code = krb5_kt_next_entry(ctx, real, &ent, &cur)) == 0) {
		if (krb5_principal_compare(ctx, ent.principal, svc)) {
			memset(&fake, 0, sizeof(fake));
			fake.principal = ent.principal;
			fake.vno = ent.vno;
			code = krb5_c_make_random_key(ctx, ent.key.enctype,
			    &fake.key);
			if (code == 0) {
				code = krb5_kt_add_entry(ctx, wrong, &fake);
				krb5_free_keyblock_contents(ctx, &fake.key);
			}
			n++;
		}
		krb5_free_keytab_entry_contents(ctx, &ent);
		if (code != 0)
			goto kerr;
	}
	if (code != KRB5_KT_END)
		goto kerr;
	if (n == 0) {
		seterr(tb, "no %s in %s", tb->service_princ, tb->server_kt);
		goto out;
	}
	ret = 0;
	goto out;
kerr:
	msg = krb5_get_error_message(ctx, code);
	seterr(tb, "writing %s: %s", tb->wrong_kt, msg);
	krb5_free_error_message(ctx, msg);
out:
	if (iterating)
		(void)krb5_kt_end_seq_get(ctx, real, &cur);
	if (wrong != NULL)
		(void)krb5_kt_close(ctx, wrong);
	if (real != NULL)
		(void)krb5_kt_close(ctx, real);
	krb5_free_principal(ctx, svc);
	if (ctx != NULL)
		krb5_free_context(ctx);
	free(name);
	return ret;
}

static int
make_paths(struct testbed *tb, const struct testbed_opts *opts)
{
	if ((tb->krb5_conf = path_in(tb->dir, "krb5.conf")) == NULL ||
	    (tb->kdc_conf = path_in(tb->dir, "kdc.conf")) == NULL ||
	    (tb->log = path_in(tb->dir, "tools.log")) == NULL ||
	    (tb->server_kt = path_in(tb->dir, "server.keytab")) == NULL ||
	    (tb->user_kt = path_in(tb->dir, "user.keytab")) == NULL ||
	    (tb->client_kt = path_in(tb->dir, opts->no_client_keytab ?
	    "no-client.keytab" : "user.keytab")) == NULL ||
	    (tb->ccache = path_in(tb->dir, "ccache")) == NULL ||
	    (tb->ccache_name = xprintf("FILE:%s", tb->ccache)) == NULL ||
	    (tb->user_princ = xprintf("%s@%s", USER_NAME,
	    TESTBED_REALM)) == NULL ||
	    (tb->service_princ = xprintf("%s@%s", SERVICE_NAME,
	    TESTBED_REALM)) == NULL)
		return seterr(tb, "out of memory");
	return 0;
}

/*
 * configure falls back to Debian's paths when the KDC tools were absent at
 * build time (a package build): say which one is missing before starting.
 */
static int
tools_present(struct testbed *tb)
{
	static const char *const paths[] = { KRB5KDC_PATH, KDB5_UTIL_PATH,
	    KADMIN_LOCAL_PATH, KINIT_PATH };
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (paths[i][0] == '\0' || access(paths[i], X_OK) != 0)
			return seterr(tb, "%s: %s (install krb5-kdc, "
			    "krb5-admin-server and krb5-user)",
			    paths[i][0] != '\0' ? paths[i] : "a KDC tool",
			    paths[i][0] != '\0' ? strerror(errno) :
			    "not found at configure time");
	return 0;
}

/* Everything after the directory and guardian exist; errors in errmsg. */
static int
build(struct testbed *tb, const struct testbed_opts *opts)
{
	char master[PW_LEN + 1];
	char *create[] = { (char *)KDB5_UTIL_PATH, (char *)"create",
	    (char *)"-s", (char *)"-r", (char *)TESTBED_REALM, (char *)"-P",
	    master, NULL };
	char *ktname = NULL, *cktname = NULL, *acl = NULL;
	const char *const *p;
	int i, r, ret = -1;

	if (tools_present(tb) != 0)
		return -1;
	if ((ktname = xprintf("FILE:%s", tb->server_kt)) == NULL ||
	    (cktname = xprintf("FILE:%s", tb->user_kt)) == NULL ||
	    (acl = path_in(tb->dir, "kadm5.acl")) == NULL)
		goto nomem;
	env_set(tb, ENV_CONFIG, tb->krb5_conf);
	env_set(tb, ENV_KDC_PROFILE, tb->kdc_conf);
	/* MIT's acceptor keeps a replay cache, by default in /var/tmp. */
	env_set(tb, ENV_RCACHEDIR, tb->dir);
	if (!opts->no_env) {
		env_set(tb, ENV_CCNAME, tb->ccache_name);
		env_set(tb, ENV_KTNAME, ktname);
		if (opts->no_client_keytab)
			env_unset(tb, ENV_CLIENT_KTNAME);
		else
			env_set(tb, ENV_CLIENT_KTNAME, cktname);
	}
	if (random_pw(master, sizeof(master)) != 0) {
		seterr(tb, "getrandom: %s", strerror(errno));
		goto out;
	}
	/* The database does not care about the port: write any one first. */
	if ((tb->port = srvproc_free_port()) < 0) {
		seterr(tb, "no free port on 127.0.0.1");
		goto out;
	}
	if (write_configs(tb) != 0 || write_file(tb, acl, 0600, "%s", "") != 0)
		goto out;
	if (run_tool(tb, create) != 0)
		goto out;
	if (testbed_add_principal(tb, USER_NAME, tb->user_kt) != 0 ||
	    testbed_add_principal(tb, SERVICE_NAME, tb->server_kt) != 0)
		goto out;
	for (p = opts->extra_principals; p != NULL && *p != NULL; p++)
		if (testbed_add_principal(tb, *p, tb->server_kt) != 0)
			goto out;
	for (i = 0, r = 1; i < PORT_TRIES && r == 1; i++) {
		if (i > 0 && (tb->port = srvproc_free_port()) < 0) {
			seterr(tb, "no free port on 127.0.0.1");
			goto out;
		}
		if (i > 0 && write_configs(tb) != 0)
			goto out;
		r = kdc_start(tb);
	}
	if (r != 0)
		goto out;
	if (!opts->no_ccache && testbed_kinit(tb) != 0)
		goto out;
	if (opts->wrong_key_keytab) {
		if ((tb->wrong_kt = path_in(tb->dir, "wrong.keytab")) == NULL)
			goto nomem;
		if (write_wrong_keytab(tb) != 0)
			goto out;
	}
	if (opts->ntlm_user_file) {
		if ((tb->ntlm_file = path_in(tb->dir, "ntlm_users")) == NULL)
			goto nomem;
		if (random_pw(tb->ntlm_pw, sizeof(tb->ntlm_pw)) != 0) {
			seterr(tb, "getrandom: %s", strerror(errno));
			goto out;
		}
		if (write_file(tb, tb->ntlm_file, 0600, "%s:%s:%s\n",
		    NTLM_DOMAIN, USER_NAME, tb->ntlm_pw) != 0)
			goto out;
		env_set(tb, ENV_NTLM, tb->ntlm_file);
	}
	ret = 0;
	goto out;
nomem:
	seterr(tb, "out of memory");
out:
	free(ktname);
	free(cktname);
	free(acl);
	explicit_bzero(master, sizeof(master));
	return ret;
}

int
testbed_start(const struct testbed_opts *opts, struct testbed **out,
    char *errbuf, size_t errlen)
{
	static const struct testbed_opts defaults;
	struct testbed *tb = NULL;
	const char *tmp = getenv("TMPDIR");
	int ret = -1;

	*out = NULL;
	if (errlen > 0)
		errbuf[0] = '\0';
	if (opts == NULL)
		opts = &defaults;
	if ((tb = calloc(1, sizeof(*tb))) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		goto out;
	}
	tb->owner = getpid();
	tb->guard_fd = -1;
	tb->lifetime_s = opts->ticket_lifetime_s;
	tb->clockskew_s = opts->clockskew_s;
	if ((tb->dir = xprintf("%s/rpcauth-testbed.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp")) == NULL) {
		seterr(tb, "out of memory");
		goto out;
	}
	if (mkdtemp(tb->dir) == NULL) {
		seterr(tb, "mkdtemp %s: %s", tb->dir, strerror(errno));
		free(tb->dir);
		tb->dir = NULL;
		goto out;
	}
	if (start_guardian(tb) != 0) {
		(void)rmtree(tb->dir);
		goto out;
	}
	if (make_paths(tb, opts) != 0 || build(tb, opts) != 0)
		goto out;
	*out = tb;
	tb = NULL;
	ret = 0;
out:
	if (tb != NULL) {
		snprintf(errbuf, errlen, "%s", tb->errmsg);
		testbed_stop(tb);
	}
	return ret;
}

/* The guardian exits once it sees EOF; if another holder (a forked child
 * still running) keeps it waiting, we have cleaned up already: kill it. */
static void
guardian_stop(struct testbed *tb)
{
	long long end = srvproc_now_ms() + STOP_MS;
	pid_t r;

	if (tb->guard_fd >= 0)
		(void)close(tb->guard_fd);
	tb->guard_fd = -1;
	if (tb->guard_pid <= 0)
		return;
	while ((r = waitpid(tb->guard_pid, NULL, WNOHANG)) == 0 &&
	    srvproc_now_ms() < end)
		usleep(5000);
	if (r == 0) {
		(void)kill(tb->guard_pid, SIGKILL);
		(void)wait_child(tb->guard_pid, NULL);
	}
	tb->guard_pid = 0;
}

/* The strings tb owns (its paths and names; not the fixed buffers). */
static void
free_strings(struct testbed *tb)
{
	char **const owned[] = { &tb->dir, &tb->krb5_conf, &tb->kdc_conf,
	    &tb->log, &tb->server_kt, &tb->user_kt, &tb->client_kt,
	    &tb->wrong_kt, &tb->ccache, &tb->ccache_name, &tb->ntlm_file,
	    &tb->user_princ, &tb->service_princ };
	size_t i;

	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		free(*owned[i]);
}

void
testbed_stop(struct testbed *tb)
{
	int i;

	if (tb == NULL)
		return;
	if (getpid() == tb->owner) {
		kdc_stop(tb);
		if (tb->dir != NULL)
			(void)rmtree(tb->dir);
		env_restore(tb);
		guardian_stop(tb);
	} else if (tb->guard_fd >= 0)
		(void)close(tb->guard_fd);	/* only our copy */
	for (i = 0; i < NENV; i++)
		free(tb->env_old[i]);
	explicit_bzero(tb->ntlm_pw, sizeof(tb->ntlm_pw));
	free_strings(tb);
	free(tb);
}

/* The getters of testbed.h: each returns one field of tb as it is. */
#define GETTER(type, name, field)					\
	type testbed_##name(const struct testbed *tb) { return tb->field; }

GETTER(const char *, errmsg, errmsg)
GETTER(const char *, dir, dir)
GETTER(int, port, port)
GETTER(pid_t, kdc_pid, kdc_pid)
GETTER(const char *, krb5_conf, krb5_conf)
GETTER(const char *, kdc_conf, kdc_conf)
GETTER(const char *, server_keytab, server_kt)
GETTER(const char *, user_keytab, user_kt)
GETTER(const char *, ccache, ccache)
GETTER(const char *, ccache_name, ccache_name)
GETTER(const char *, user_principal, user_princ)
GETTER(const char *, service_principal, service_princ)
GETTER(const char *, wrong_keytab, wrong_kt)
GETTER(const char *, ntlm_user_file, ntlm_file)

const char *
testbed_realm(const struct testbed *tb)
{
	(void)tb;
	return TESTBED_REALM;
}

const char *
testbed_service(const struct testbed *tb)
{
	(void)tb;
	return "demo@localhost";
}

const char *
testbed_ntlm_password(const struct testbed *tb)
{
	return tb->ntlm_file != NULL ? tb->ntlm_pw : NULL;
}
