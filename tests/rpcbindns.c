/* tests/rpcbindns.c - private network+mount namespaces with an rpcbind of their own */
/*
 * The namespaces are this process's for good (unshare, no setns back):
 * every child it starts, servers and clients alike, sees only loopback
 * and the rpcbind started here.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rpcbindns.h"

static int
lo_up(void)
{
	struct ifreq ifr;
	int fd, ret = -1;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		goto out;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		goto out;
	ret = 0;
out:
	close(fd);
	return ret;
}

int
rpcbindns_enter(char *msg, size_t len)
{
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0) {
		snprintf(msg, len, "unshare(CLONE_NEWNET|CLONE_NEWNS): %s",
		    strerror(errno));
		return -1;
	}
	/* Our mounts must not propagate to the host. */
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV,
	    "mode=0755") != 0) {
		snprintf(msg, len, "private tmpfs on /run: %s",
		    strerror(errno));
		return -1;
	}
	if (lo_up() != 0) {
		snprintf(msg, len, "loopback up: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static const char *
rpcbind_path(void)
{
	static const char *const paths[] = { "/usr/sbin/rpcbind",
	    "/sbin/rpcbind", "/usr/bin/rpcbind" };
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* Does rpcbind answer on its TCP port and its unix socket? */
static int
rpcbind_ready(void)
{
	struct sockaddr_in sin;
	struct stat st;
	int fd, ok;

	if (stat("/run/rpcbind.sock", &st) != 0 || !S_ISSOCK(st.st_mode))
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(111);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}

pid_t
rpcbindns_start(char *msg, size_t len)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	const char *path;
	pid_t pid;
	int i, st;

	if ((path = rpcbind_path()) == NULL) {
		snprintf(msg, len, "rpcbind is not installed (scripts/deps.sh "
		    "installs it)");
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(msg, len, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(path, "rpcbind", "-f", "-w", (char *)NULL);
		_exit(127);
	}
	/* Bounded wait for readiness (not a timing assertion). */
	for (i = 0; i < 1000; i++) {
		if (rpcbind_ready())
			return pid;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			snprintf(msg, len, "%s exited (status 0x%x)", path, st);
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	snprintf(msg, len, "%s did not come up", path);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

void
rpcbindns_stop(pid_t *pid)
{
	int st;

	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	waitpid(*pid, &st, 0);
	*pid = -1;
}

int
rpcbindns_setup(const char *prog, pid_t *pid_out)
{
	const char *ci = getenv("CI");
	char msg[512];

	*pid_out = -1;
	if (rpcbindns_enter(msg, sizeof(msg)) != 0) {
		/* CI runs as root: there a skip would hide a broken test. */
		if (ci != NULL && strcmp(ci, "true") == 0) {
			fprintf(stderr, "%s: FAIL (CI=true): no private network "
			    "and mount namespace: %s\n", prog, msg);
			return 99;
		}
		fprintf(stderr, "SKIP: %s: no private network and mount "
		    "namespace (run as root): %s\n", prog, msg);
		return 77;
	}
	if ((*pid_out = rpcbindns_start(msg, sizeof(msg))) < 0) {
		fprintf(stderr, "%s: rpcbind: %s\n", prog, msg);
		return 99;
	}
	return 0;
}
