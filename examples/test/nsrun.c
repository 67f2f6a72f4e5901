/* examples/test/nsrun.c - run a command in private network+mount namespaces */
/*
 * nsrun PROGRAM [ARG]...: what `unshare -n -m` does, plus loopback up and a
 * tmpfs over /run (where rpcbind keeps its socket and state), then exec
 * PROGRAM.  A private rpcbind started inside sees nothing of the host's
 * network or rpcbind, and nothing of it reaches the host.  Exits 77 (the
 * automake test harness's SKIP) when the namespaces cannot be made, e.g.
 * without root.
 */
#define _GNU_SOURCE	/* unshare(2) */
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <net/if.h>

#include <err.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int
loopback_up(void)
{
	struct ifreq ifr;
	int fd, ret = -1;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0)
			ret = 0;
	}
	close(fd);
	return ret;
}

int
main(int argc, char *argv[])
{
	if (argc < 2)
		errx(2, "usage: nsrun PROGRAM [ARG]...");
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0) {
		printf("SKIP: no private network and mount namespace "
		    "(unshare: %s; run as root)\n", strerror(errno));
		return 77;
	}
	/* Our mounts must not propagate to the host. */
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV,
	    "mode=0755") != 0)
		err(1, "private tmpfs on /run");
	if (loopback_up() != 0)
		err(1, "loopback up");
	execvp(argv[1], argv + 1);
	err(127, "%s", argv[1]);
}
