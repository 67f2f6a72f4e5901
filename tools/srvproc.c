/* tools/srvproc.c - start, watch and stop helper processes for the tests */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "srvproc.h"

long long
srvproc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
bind_lo(int type, int port)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd, one = 1;

	if ((fd = socket(AF_INET, type | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
srvproc_free_port(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int i, tfd, ufd, port;

	/* The kernel picks a TCP port; keep it only if UDP is free there too. */
	for (i = 0; i < 50; i++) {
		if ((tfd = bind_lo(SOCK_STREAM, 0)) < 0)
			return -1;
		if (getsockname(tfd, (struct sockaddr *)&sin, &sl) < 0) {
			close(tfd);
			return -1;
		}
		port = ntohs(sin.sin_port);
		ufd = bind_lo(SOCK_DGRAM, port);
		close(tfd);
		if (ufd >= 0) {
			close(ufd);
			if (port >= 1024)
				return port;
		}
	}
	return -1;
}

static pid_t
spawn(char *const argv[], int outfd, int errfd)
{
	pid_t pid;

	if ((pid = fork()) != 0)
		return pid;
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (outfd >= 0)
		(void)dup2(outfd, STDOUT_FILENO);
	if (errfd >= 0)
		(void)dup2(errfd, STDERR_FILENO);
	(void)signal(SIGPIPE, SIG_DFL);
	execv(argv[0], argv);
	_exit(127);
}

/* waitpid with a deadline; returns 1 if reaped. */
static int
reap(pid_t pid, int timeout_ms, int *status)
{
	long long end = srvproc_now_ms() + timeout_ms;
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return 1;
		if (srvproc_now_ms() >= end)
			return 0;
		usleep(5000);
	}
}

int
srvproc_start(struct srvproc *p, char *const argv[], const char *ready,
    int timeout_ms, char *errbuf, size_t errlen)
{
	char line[4096];
	size_t used = 0;
	long long end = srvproc_now_ms() + timeout_ms;
	int pfd[2], status;
	ssize_t n;

	p->pid = -1;
	p->out_fd = -1;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(errbuf, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	p->pid = spawn(argv, pfd[1], -1);
	close(pfd[1]);
	if (p->pid < 0) {
		close(pfd[0]);
		snprintf(errbuf, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	p->out_fd = pfd[0];
	for (;;) {
		struct pollfd pf = { p->out_fd, POLLIN, 0 };
		long long left = end - srvproc_now_ms();

		if (left <= 0) {
			snprintf(errbuf, errlen, "%s: no '%s' line within %d ms",
			    argv[0], ready, timeout_ms);
			break;
		}
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		n = read(p->out_fd, line + used, sizeof(line) - 1 - used);
		if (n <= 0) {
			snprintf(errbuf, errlen, "%s exited before '%s'",
			    argv[0], ready);
			break;
		}
		used += (size_t)n;
		line[used] = '\0';
		if (strstr(line, ready) != NULL)
			return 0;
		if (used == sizeof(line) - 1)
			used = 0;
	}
	srvproc_stop(p, 2000, &status);
	return -1;
}

int
srvproc_stop(struct srvproc *p, int timeout_ms, int *status_out)
{
	int status = 0, ret = -1;

	if (p->pid > 0) {
		(void)kill(p->pid, SIGTERM);
		if (reap(p->pid, timeout_ms, &status))
			ret = 0;
		else {
			(void)kill(p->pid, SIGKILL);
			(void)reap(p->pid, 5000, &status);
		}
		p->pid = -1;
	}
	if (p->out_fd >= 0) {
		close(p->out_fd);
		p->out_fd = -1;
	}
	if (status_out != NULL)
		*status_out = status;
	return ret;
}

int
srvproc_stop_clean(struct srvproc *p, int timeout_ms, int *status_out)
{
	int st = 0, ret;

	ret = srvproc_stop(p, timeout_ms, &st);
	if (status_out != NULL)
		*status_out = st;
	return ret == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

long
srvproc_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * Move len bytes through fd: read into p, or (writing) write from it, again
 * after EINTR.  A read waits for data until `deadline` (srvproc_now_ms()
 * time; -1: for ever).  1 once all moved, 0 at the deadline, -1 on an
 * error or end of file.
 */
static int
transfer(int fd, char *p, size_t len, int writing, long long deadline)
{
	struct pollfd pf;
	long long left = -1;
	ssize_t r;

	while (len > 0) {
		if (!writing) {
			if (deadline >= 0 &&
			    (left = deadline - srvproc_now_ms()) <= 0)
				return 0;
			pf.fd = fd;
			pf.events = POLLIN;
			pf.revents = 0;
			r = poll(&pf, 1, (int)left);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return 0;
		}
		r = writing ? write(fd, p, len) : read(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 1;
}

int
srvproc_write_all(int fd, const void *buf, size_t len)
{
	/* transfer() only reads from p when writing. */
	return transfer(fd, (char *)(uintptr_t)buf, len, 1, -1) == 1 ? 0 : -1;
}

int
srvproc_read_by(int fd, void *buf, size_t len, long long deadline)
{
	return transfer(fd, buf, len, 0, deadline);
}

int
srvproc_read_all(int fd, void *buf, size_t len)
{
	return srvproc_read_by(fd, buf, len, -1) == 1 ? 0 : -1;
}

/* Append what is readable on fd to buf (NUL-terminated); 0 at EOF. */
static int
drain(int fd, char *buf, size_t cap, size_t *used)
{
	char tmp[4096];
	ssize_t n = read(fd, tmp, sizeof(tmp));
	size_t take;

	if (n <= 0)
		return 0;
	take = (size_t)n;
	if (cap > 0 && *used + take > cap - 1)
		take = cap - 1 - *used;
	if (cap > 0) {
		memcpy(buf + *used, tmp, take);
		*used += take;
		buf[*used] = '\0';
	}
	return 1;
}

int
srvproc_run(char *const argv[], char *out, size_t outcap, char *err,
    size_t errcap, int timeout_ms, int *status_out)
{
	long long end = srvproc_now_ms() + timeout_ms;
	int opipe[2] = { -1, -1 }, epipe[2] = { -1, -1 }, status = 0, ret = -1;
	size_t oused = 0, eused = 0;
	int open_o = 1, open_e = 1;
	pid_t pid = -1;

	if (outcap > 0)
		out[0] = '\0';
	if (errcap > 0)
		err[0] = '\0';
	if (pipe2(opipe, O_CLOEXEC) < 0 || pipe2(epipe, O_CLOEXEC) < 0)
		goto out;
	if ((pid = spawn(argv, opipe[1], epipe[1])) < 0)
		goto out;
	close(opipe[1]);
	close(epipe[1]);
	opipe[1] = epipe[1] = -1;
	while (open_o || open_e) {
		struct pollfd pf[2] = { { opipe[0], POLLIN, 0 },
		    { epipe[0], POLLIN, 0 } };
		long long left = end - srvproc_now_ms();

		if (!open_o)
			pf[0].fd = -1;
		if (!open_e)
			pf[1].fd = -1;
		if (left <= 0)
			break;
		if (poll(pf, 2, (int)left) <= 0)
			continue;
		if (pf[0].revents && !drain(opipe[0], out, outcap, &oused))
			open_o = 0;
		if (pf[1].revents && !drain(epipe[0], err, errcap, &eused))
			open_e = 0;
	}
	if (open_o || open_e) {
		(void)kill(pid, SIGKILL);
		(void)reap(pid, 5000, &status);
		goto out;
	}
	if (!reap(pid, (int)(end - srvproc_now_ms() > 0 ? end - srvproc_now_ms() : 0) + 1000,
	    &status)) {
		(void)kill(pid, SIGKILL);
		(void)reap(pid, 5000, &status);
		goto out;
	}
	ret = 0;
out:
	if (status_out != NULL)
		*status_out = status;
	if (opipe[0] >= 0)
		close(opipe[0]);
	if (opipe[1] >= 0)
		close(opipe[1]);
	if (epipe[0] >= 0)
		close(epipe[0]);
	if (epipe[1] >= 0)
		close(epipe[1]);
	return ret;
}
