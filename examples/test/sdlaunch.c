/* examples/test/sdlaunch.c - start a program as socket activation does */
/*
 * sdlaunch PORTFILE PROGRAM [ARG]...: bind a listening TCP socket and a UDP
 * socket on 127.0.0.1 (ports the system picks), write "TCPPORT UDPPORT" to
 * PORTFILE, put the sockets at descriptors 3 and 4, set LISTEN_FDS=2 and
 * LISTEN_PID to our PID, and exec PROGRAM (which keeps the PID), as systemd
 * does for a .socket unit with ListenStream= and ListenDatagram=.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A socket on 127.0.0.1, port chosen by the system, at a descriptor >= 10. */
static int
loopback_socket(int type, unsigned *port_out)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, high;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, type, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    (type == SOCK_STREAM && listen(fd, SOMAXCONN) != 0) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		err(1, "socket on 127.0.0.1");
	/* Out of the way of 3 and 4, which dup2 fills below. */
	if ((high = fcntl(fd, F_DUPFD, 10)) == -1)
		err(1, "F_DUPFD");
	close(fd);
	*port_out = ntohs(sin.sin_port);
	return high;
}

int
main(int argc, char *argv[])
{
	char pid[32];
	unsigned tport, uport;
	int tcp, udp;
	FILE *f;

	if (argc < 3)
		errx(2, "usage: sdlaunch PORTFILE PROGRAM [ARG]...");
	tcp = loopback_socket(SOCK_STREAM, &tport);
	udp = loopback_socket(SOCK_DGRAM, &uport);
	if ((f = fopen(argv[1], "w")) == NULL ||
	    fprintf(f, "%u %u\n", tport, uport) < 0 || fclose(f) != 0)
		err(1, "%s", argv[1]);
	/* dup2 leaves FD_CLOEXEC clear: the descriptors survive exec. */
	if (dup2(tcp, 3) != 3 || dup2(udp, 4) != 4)
		err(1, "dup2");
	close(tcp);
	close(udp);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	if (setenv("LISTEN_PID", pid, 1) != 0 ||
	    setenv("LISTEN_FDS", "2", 1) != 0 ||
	    setenv("LISTEN_FDNAMES", "kv.socket:kv.socket", 1) != 0)
		err(1, "setenv");
	execvp(argv[2], argv + 2);
	err(127, "%s", argv[2]);
}
