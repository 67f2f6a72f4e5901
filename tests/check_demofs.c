/* tests/check_demofs.c - the demo server and client over TCP and UDP */
/*
 * main() builds a temporary tree and starts one rpcauth-demo-server on a
 * free port before the suite runs, and stops it (checking that SIGTERM
 * ends it with status 0) after.  Check forks every test; the children
 * reach that server over 127.0.0.1, in-process through the generated
 * stubs or through the rpcauth-demo-client binary.  Tests that need a
 * server of their own start and stop it themselves.
 *
 *   base/root/            the --root
 *     hello.txt           "hello, world\n"
 *     sub/inner.txt       "inner\n"
 *     sub/deeper/
 *     link -> ../outside  relative symlink out of the root
 *     pw -> base/outside/secret.txt   absolute symlink out of the root
 *   base/outside/secret.txt           must never change
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "demofs.h"
#include "rpcauth/rpcauth.h"
#include "srvproc.h"
#include "testbed.h"
#include "cklist.h"
#include "e2e.h"

static struct testbed *bed;

#define SERVER_PATH	TOP_BUILDDIR "/server/rpcauth-demo-server"
#define CLIENT_PATH	TOP_BUILDDIR "/client/rpcauth-demo-client"
#define PRINCIPAL	"demo@localhost"
#define START_MS	20000
#define RUN_MS		60000
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char base_dir[PATH_MAX];
static char root_dir[PATH_MAX];
static char outside_dir[PATH_MAX];
static char port_str[16];
static struct srvproc server = { -1, -1 };

static int
write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

static int
make_tree(void)
{
	char path[PATH_MAX], target[PATH_MAX];

	snprintf(base_dir, sizeof(base_dir), "%s/demofs.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(base_dir) == NULL)
		return -1;
	snprintf(root_dir, sizeof(root_dir), "%s/root", base_dir);
	snprintf(outside_dir, sizeof(outside_dir), "%s/outside", base_dir);
	if (mkdir(root_dir, 0755) == -1 || mkdir(outside_dir, 0755) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/sub", root_dir);
	if (mkdir(path, 0755) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/sub/deeper", root_dir);
	if (mkdir(path, 0755) == -1)
		return -1;
	if (write_file(root_dir, "hello.txt", "hello, world\n") != 0 ||
	    write_file(root_dir, "sub/inner.txt", "inner\n") != 0 ||
	    write_file(outside_dir, "secret.txt", "secret\n") != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/link", root_dir);
	if (symlink("../outside", path) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/pw", root_dir);
	snprintf(target, sizeof(target), "%s/secret.txt", outside_dir);
	if (symlink(target, path) == -1)
		return -1;
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
remove_tree(void)
{
	if (base_dir[0] != '\0')
		nftw(base_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Start a server on a fresh port; root may be NULL. */
static int
start_server(struct srvproc *p, char *port_out, size_t portlen,
    const char *root, char *errbuf, size_t errlen)
{
	const char *argv[16], *with_root[] = { "--root", root, NULL };
	int port;

	if ((port = srvproc_free_port()) < 0) {
		snprintf(errbuf, errlen, "no free port");
		return -1;
	}
	snprintf(port_out, portlen, "%d", port);
	e2e_server_argv(argv, NELEM(argv), port_out, testbed_server_keytab(bed),
	    root != NULL ? with_root : NULL);
	return srvproc_start(p, (char *const *)argv, "ready", START_MS, errbuf,
	    errlen);
}

/* An in-process client of the generated stubs, no rpcbind, rpcauth integrity. */
static CLIENT *
client_to(const char *port, int udp)
{
	struct sockaddr_in sin;
	struct netbuf nb;
	struct timeval tv = { 25, 0 };
	CLIENT *clnt;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)atoi(port));
	nb.buf = &sin;
	nb.len = nb.maxlen = sizeof(sin);
	fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC,
	    0);
	ck_assert_msg(fd != -1, "socket: %s", strerror(errno));
	if (udp) {
		clnt = clnt_dg_create(fd, &nb, DEMOFS_PROG, DEMOFS_V1, 65536,
		    65536);
	} else {
		ck_assert_msg(connect(fd, (struct sockaddr *)&sin,
		    sizeof(sin)) == 0, "connect: %s", strerror(errno));
		clnt = clnt_vc_create(fd, &nb, DEMOFS_PROG, DEMOFS_V1, 0, 0);
	}
	ck_assert_msg(clnt != NULL, "%s", clnt_spcreateerror("client"));
	clnt_control(clnt, CLSET_FD_CLOSE, NULL);
	{
		struct rpcauth_err err = RPCAUTH_ERR_INIT;

		ck_assert_msg(rpcauth_client_create(clnt, PRINCIPAL, NULL,
		    &err) != NULL, "rpcauth: %s", err.msg);
	}
	clnt_control(clnt, CLSET_TIMEOUT, (char *)&tv);
	if (udp) {
		tv.tv_sec = 1;
		clnt_control(clnt, CLSET_RETRY_TIMEOUT, (char *)&tv);
	}
	return clnt;
}

static void
client_done(CLIENT *clnt)
{
	auth_destroy(clnt->cl_auth);
	clnt_destroy(clnt);
}

static uint64_t
stats(CLIENT *clnt)
{
	u_quad_t *res = demofs_stats_1(NULL, clnt);

	ck_assert_msg(res != NULL, "%s", clnt_sperror(clnt, "STATS"));
	return *res;
}

static unsigned char
pattern(size_t i)
{
	return (unsigned char)((i * 131u) ^ (i >> 11) ^ 0x5a);
}

/* ECHO n pattern bytes and compare the reply byte for byte. */
static void
echo_n(CLIENT *clnt, size_t n)
{
	demo_data arg, *res;
	size_t i;

	arg.demo_data_len = (u_int)n;
	arg.demo_data_val = malloc(n > 0 ? n : 1);
	ck_assert(arg.demo_data_val != NULL);
	for (i = 0; i < n; i++)
		arg.demo_data_val[i] = (char)pattern(i);
	res = demofs_echo_1(&arg, clnt);
	ck_assert_msg(res != NULL, "ECHO %zu: %s", n,
	    clnt_sperror(clnt, "ECHO"));
	ck_assert_msg(res->demo_data_len == n, "ECHO %zu: got %u bytes", n,
	    res->demo_data_len);
	ck_assert_msg(n == 0 || memcmp(res->demo_data_val, arg.demo_data_val,
	    n) == 0, "ECHO %zu: reply differs", n);
	xdr_free((xdrproc_t)xdr_demo_data, (char *)res);
	free(arg.demo_data_val);
}

static demo_stat
getattr(CLIENT *clnt, const char *path, demo_attr *attr_out)
{
	demo_attr_res *res;
	demo_path p = (char *)path;

	res = demofs_getattr_1(&p, clnt);
	ck_assert_msg(res != NULL, "GETATTR %s: %s", path,
	    clnt_sperror(clnt, "GETATTR"));
	if (attr_out != NULL && res->status == DEMO_OK)
		*attr_out = res->demo_attr_res_u.attr;
	return res->status;
}

/* READ into buf (cap bytes); returns the status, *len_out and *eof_out. */
static demo_stat
read_at(CLIENT *clnt, const char *path, uint64_t off, u_int count,
    char *buf, size_t cap, size_t *len_out, int *eof_out)
{
	demo_read_args arg;
	demo_read_res *res;
	demo_stat st;

	arg.path = (char *)path;
	arg.offset = off;
	arg.count = count;
	res = demofs_read_1(&arg, clnt);
	ck_assert_msg(res != NULL, "READ %s: %s", path,
	    clnt_sperror(clnt, "READ"));
	*len_out = 0;
	*eof_out = 0;
	if ((st = res->status) == DEMO_OK) {
		*len_out = res->demo_read_res_u.ok.data.demo_data_len;
		*eof_out = res->demo_read_res_u.ok.eof;
		ck_assert(*len_out <= cap);
		if (*len_out > 0)	/* XDR leaves val NULL for 0 bytes */
			memcpy(buf,
			    res->demo_read_res_u.ok.data.demo_data_val,
			    *len_out);
	}
	xdr_free((xdrproc_t)xdr_demo_read_res, (char *)res);
	return st;
}

static demo_stat
write_at(CLIENT *clnt, const char *path, uint64_t off, const void *data,
    size_t len, int create, u_int *count_out)
{
	demo_write_args arg;
	demo_write_res *res;

	arg.path = (char *)path;
	arg.offset = off;
	arg.create = create ? TRUE : FALSE;
	arg.data.demo_data_len = (u_int)len;
	arg.data.demo_data_val = (char *)data;
	res = demofs_write_1(&arg, clnt);
	ck_assert_msg(res != NULL, "WRITE %s: %s", path,
	    clnt_sperror(clnt, "WRITE"));
	if (count_out != NULL)
		*count_out = res->status == DEMO_OK ?
		    res->demo_write_res_u.count : 0;
	return res->status;
}

static demo_stat
lookup(CLIENT *clnt, const char *dir, const char *name, char *path_out,
    size_t cap, demo_attr *attr_out)
{
	demo_lookup_args arg;
	demo_lookup_res *res;
	demo_stat st;

	arg.dir = (char *)dir;
	arg.name = (char *)name;
	res = demofs_lookup_1(&arg, clnt);
	ck_assert_msg(res != NULL, "LOOKUP %s %s: %s", dir, name,
	    clnt_sperror(clnt, "LOOKUP"));
	if ((st = res->status) == DEMO_OK) {
		if (path_out != NULL)
			snprintf(path_out, cap, "%s",
			    res->demo_lookup_res_u.ok.path);
		if (attr_out != NULL)
			*attr_out = res->demo_lookup_res_u.ok.attr;
	}
	xdr_free((xdrproc_t)xdr_demo_lookup_res, (char *)res);
	return st;
}

/*
 * READDIR as "name type;" pairs, e.g. "deeper 2;inner.txt 1;", checking
 * on the way that the names come sorted.
 */
static demo_stat
readdir_str(CLIENT *clnt, const char *path, char *out, size_t cap)
{
	demo_readdir_res *res;
	demo_dirent *e;
	demo_path p = (char *)path;
	demo_stat st;
	size_t used = 0;

	out[0] = '\0';
	res = demofs_readdir_1(&p, clnt);
	ck_assert_msg(res != NULL, "READDIR %s: %s", path,
	    clnt_sperror(clnt, "READDIR"));
	if ((st = res->status) == DEMO_OK)
		for (e = res->demo_readdir_res_u.entries; e != NULL;
		    e = e->next) {
			ck_assert_msg(e->next == NULL ||
			    strcmp(e->name, e->next->name) < 0,
			    "READDIR %s: %s before %s", path, e->name,
			    e->next->name);
			ck_assert(used < cap);
			used += (size_t)snprintf(out + used, cap - used,
			    "%s %d;", e->name, (int)e->type);
		}
	xdr_free((xdrproc_t)xdr_demo_readdir_res, (char *)res);
	return st;
}

/* How many entries dir holds, "." and ".." aside. */
static int
dir_entries(const char *dir)
{
	struct dirent *de;
	int entries = 0;
	DIR *d;

	ck_assert((d = opendir(dir)) != NULL);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			entries++;
	closedir(d);
	return entries;
}

/* Nothing outside the root may ever change: one file, same bytes. */
static void
assert_outside_untouched(void)
{
	char path[PATH_MAX], buf[64];
	struct stat st;
	FILE *f;
	size_t n;

	ck_assert_int_eq(dir_entries(outside_dir), 1);
	snprintf(path, sizeof(path), "%s/secret.txt", outside_dir);
	ck_assert(lstat(path, &st) == 0 && S_ISREG(st.st_mode));
	ck_assert((f = fopen(path, "r")) != NULL);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "secret\n");
	/* and nothing new next to root/ and outside/ */
	ck_assert_int_eq(dir_entries(base_dir), 2);
}

/* Run the client binary; returns its exit status, -1 if it did not exit. */
static int
run_client(const char *port, const char *const extra[], char *out,
    size_t outcap, char *err, size_t errcap)
{
	const char *argv[32];
	int status;

	e2e_client_argv(argv, NELEM(argv), port, extra);
	ck_assert_msg(srvproc_run((char *const *)argv, out, outcap, err,
	    errcap, RUN_MS, &status) == 0, "%s did not finish", CLIENT_PATH);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Exactly one line, starting with the program's name. */
static void
assert_one_line(const char *err, const char *prefix, const char *needle)
{
	size_t len = strlen(err);

	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0,
	    "stderr does not start with '%s': '%s'", prefix, err);
	ck_assert_msg(len > 0 && err[len - 1] == '\n' &&
	    strchr(err, '\n') == err + len - 1, "not one line: '%s'", err);
	ck_assert_msg(strstr(err, needle) != NULL, "'%s' not in '%s'",
	    needle, err);
}

/* _i 0: TCP, up to the largest ECHO; 1: UDP, up to what a datagram holds. */
START_TEST(null_echo)
{
	static const size_t sizes[2][5] = {
		{ 0, 1, 4096, 65536, DEMO_MAXDATA }, { 0, 1, 4096, 32768 } };
	static const size_t count[2] = { 5, 4 };
	CLIENT *clnt = client_to(port_str, _i);
	size_t i;

	ck_assert_msg(demofs_null_1(NULL, clnt) != NULL, "%s",
	    clnt_sperror(clnt, "NULL"));
	for (i = 0; i < count[_i]; i++)
		echo_n(clnt, sizes[_i][i]);
	client_done(clnt);
}
END_TEST

/* Every procedure but STATS counts, NULL and refused paths included. */
START_TEST(stats_count)
{
	CLIENT *tcp = client_to(port_str, 0), *udp = client_to(port_str, 1);
	demo_whoami *who;
	char buf[256];
	uint64_t s0, s1;

	s0 = stats(tcp);
	ck_assert(stats(tcp) == s0);
	ck_assert(stats(udp) == s0);
	ck_assert(demofs_null_1(NULL, tcp) != NULL);		/* 1 */
	ck_assert(demofs_null_1(NULL, udp) != NULL);		/* 2 */
	echo_n(tcp, 10);					/* 3 */
	ck_assert((who = demofs_whoami_1(NULL, udp)) != NULL);	/* 4 */
	xdr_free((xdrproc_t)xdr_demo_whoami, (char *)who);
	ck_assert_int_eq(getattr(tcp, "hello.txt", NULL), DEMO_OK); /* 5 */
	ck_assert_int_eq(getattr(tcp, "../x", NULL), DEMO_ESCAPE);  /* 6 */
	ck_assert_int_eq(readdir_str(udp, "sub", buf, sizeof(buf)),
	    DEMO_OK);						/* 7 */
	s1 = stats(udp);
	ck_assert_msg(s1 - s0 == 7, "STATS moved by %llu, want 7",
	    (unsigned long long)(s1 - s0));
	ck_assert(stats(tcp) == s1);
	client_done(tcp);
	client_done(udp);
}
END_TEST

START_TEST(whoami_flavors)
{
	CLIENT *clnt = client_to(port_str, 0);
	demo_whoami *who;
	struct rpc_err re;
	AUTH *auth;

	/* rpcauth: the principal the KDC vouched for, at integrity. */
	ck_assert((who = demofs_whoami_1(NULL, clnt)) != NULL);
	ck_assert_str_eq(who->principal, "alice@" TESTBED_REALM);
	ck_assert_str_eq(who->mech, "krb5");
	ck_assert_uint_eq(who->service, 2);
	xdr_free((xdrproc_t)xdr_demo_whoami, (char *)who);

	/* AUTH_SYS: refused before any procedure runs. */
	ck_assert((auth = authunix_create_default()) != NULL);
	auth_destroy(clnt->cl_auth);
	clnt->cl_auth = auth;
	ck_assert(demofs_whoami_1(NULL, clnt) == NULL);
	clnt_geterr(clnt, &re);
	ck_assert_int_eq(re.re_status, RPC_AUTHERROR);
	ck_assert_int_eq(re.re_why, AUTH_TOOWEAK);
	client_done(clnt);
}
END_TEST

START_TEST(lookup_getattr)
{
	CLIENT *clnt = client_to(port_str, _i);
	demo_attr a;
	char path[DEMO_MAXPATH + 1];

	ck_assert_int_eq(lookup(clnt, "sub", "inner.txt", path, sizeof(path),
	    &a), DEMO_OK);
	ck_assert_str_eq(path, "sub/inner.txt");
	ck_assert_int_eq(a.type, DEMO_REG);
	ck_assert_uint_eq(a.size, 6);
	ck_assert_int_eq(lookup(clnt, "", "sub", path, sizeof(path), &a),
	    DEMO_OK);
	ck_assert_str_eq(path, "sub");
	ck_assert_int_eq(a.type, DEMO_DIR);
	ck_assert_int_eq(lookup(clnt, "./sub//", "deeper", path,
	    sizeof(path), &a), DEMO_OK);
	ck_assert_str_eq(path, "sub/deeper");
	ck_assert_int_eq(lookup(clnt, "sub", "nope", NULL, 0, NULL),
	    DEMO_ENOENT);
	ck_assert_int_eq(lookup(clnt, "hello.txt", "x", NULL, 0, NULL),
	    DEMO_ENOTDIR);

	ck_assert_int_eq(getattr(clnt, "hello.txt", &a), DEMO_OK);
	ck_assert_int_eq(a.type, DEMO_REG);
	ck_assert_uint_eq(a.size, 13);
	ck_assert_uint_eq(a.mode & 0777, 0644);
	ck_assert(a.mtime > 0);
	ck_assert_int_eq(getattr(clnt, "", &a), DEMO_OK);
	ck_assert_int_eq(a.type, DEMO_DIR);
	ck_assert_int_eq(getattr(clnt, ".//sub/./deeper/", &a), DEMO_OK);
	ck_assert_int_eq(a.type, DEMO_DIR);
	ck_assert_int_eq(getattr(clnt, "nope", NULL), DEMO_ENOENT);
	ck_assert_int_eq(getattr(clnt, "hello.txt/x", NULL), DEMO_ENOTDIR);
	client_done(clnt);
}
END_TEST

START_TEST(read_file)
{
	CLIENT *clnt = client_to(port_str, _i);
	char buf[64];
	size_t len;
	int eof;

	ck_assert_int_eq(read_at(clnt, "hello.txt", 0, 100, buf, sizeof(buf),
	    &len, &eof), DEMO_OK);
	ck_assert_uint_eq(len, 13);
	ck_assert(memcmp(buf, "hello, world\n", 13) == 0);
	ck_assert(eof);
	ck_assert_int_eq(read_at(clnt, "hello.txt", 7, 5, buf, sizeof(buf),
	    &len, &eof), DEMO_OK);
	ck_assert_uint_eq(len, 5);
	ck_assert(memcmp(buf, "world", 5) == 0);
	ck_assert(!eof);
	ck_assert_int_eq(read_at(clnt, "sub/inner.txt", 100, 5, buf,
	    sizeof(buf), &len, &eof), DEMO_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert(eof);
	ck_assert_int_eq(read_at(clnt, "hello.txt", 0, 0, buf, sizeof(buf),
	    &len, &eof), DEMO_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(read_at(clnt, "sub", 0, 5, buf, sizeof(buf), &len,
	    &eof), DEMO_EISDIR);
	ck_assert_int_eq(read_at(clnt, "nope", 0, 5, buf, sizeof(buf), &len,
	    &eof), DEMO_ENOENT);
	client_done(clnt);
}
END_TEST

START_TEST(write_then_read)
{
	CLIENT *clnt = client_to(port_str, _i);
	const char *name = _i ? "w_udp.txt" : "w_tcp.txt";
	char buf[64], path[PATH_MAX];
	struct stat st;
	size_t len;
	u_int count;
	int eof;

	ck_assert_int_eq(write_at(clnt, name, 0, "abc", 3, 0, NULL),
	    DEMO_ENOENT);
	ck_assert_int_eq(write_at(clnt, name, 0, "abcdef", 6, 1, &count),
	    DEMO_OK);
	ck_assert_uint_eq(count, 6);
	ck_assert_int_eq(write_at(clnt, name, 3, "XY", 2, 0, &count), DEMO_OK);
	ck_assert_uint_eq(count, 2);
	ck_assert_int_eq(read_at(clnt, name, 0, 64, buf, sizeof(buf), &len,
	    &eof), DEMO_OK);
	ck_assert_uint_eq(len, 6);
	ck_assert(memcmp(buf, "abcXYf", 6) == 0);
	/* and on disk, inside the root */
	snprintf(path, sizeof(path), "%s/%s", root_dir, name);
	ck_assert(lstat(path, &st) == 0 && S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_size, 6);
	ck_assert_int_eq(write_at(clnt, "sub", 0, "x", 1, 1, NULL),
	    DEMO_EISDIR);
	ck_assert_int_eq(write_at(clnt, "nodir/x", 0, "x", 1, 1, NULL),
	    DEMO_ENOENT);
	client_done(clnt);
}
END_TEST

/* READ caps count at DEMO_MAXREAD. */
START_TEST(read_cap)
{
	CLIENT *clnt = client_to(port_str, 0);
	size_t big = DEMO_MAXREAD + DEMO_MAXREAD / 2, len, i;
	char *data = malloc(big), *buf = malloc(big);
	int eof;

	ck_assert(data != NULL && buf != NULL);
	for (i = 0; i < big; i++)
		data[i] = (char)pattern(i);
	ck_assert_int_eq(write_at(clnt, "big.bin", 0, data, big, 1, NULL),
	    DEMO_OK);
	ck_assert_int_eq(read_at(clnt, "big.bin", 0, 2 * DEMO_MAXREAD, buf,
	    big, &len, &eof), DEMO_OK);
	ck_assert_uint_eq(len, DEMO_MAXREAD);
	ck_assert(!eof);
	ck_assert(memcmp(buf, data, len) == 0);
	ck_assert_int_eq(read_at(clnt, "big.bin", DEMO_MAXREAD, DEMO_MAXREAD,
	    buf, big, &len, &eof), DEMO_OK);
	ck_assert_uint_eq(len, big - DEMO_MAXREAD);
	ck_assert(eof);
	ck_assert(memcmp(buf, data + DEMO_MAXREAD, len) == 0);
	free(data);
	free(buf);
	client_done(clnt);
}
END_TEST

START_TEST(readdir_sorted)
{
	CLIENT *clnt = client_to(port_str, _i);
	char buf[1024];

	ck_assert_int_eq(readdir_str(clnt, "sub", buf, sizeof(buf)), DEMO_OK);
	ck_assert_str_eq(buf, "deeper 2;inner.txt 1;");
	ck_assert_int_eq(readdir_str(clnt, "sub/deeper", buf, sizeof(buf)),
	    DEMO_OK);
	ck_assert_str_eq(buf, "");
	/* The root holds files other tests write; check the fixed ones. */
	ck_assert_int_eq(readdir_str(clnt, "", buf, sizeof(buf)), DEMO_OK);
	ck_assert_msg(strstr(buf, "hello.txt 1;") != NULL &&
	    strstr(buf, "link 3;") != NULL && strstr(buf, "pw 3;") != NULL &&
	    strstr(buf, "sub 2;") != NULL, "%s", buf);
	ck_assert_int_eq(readdir_str(clnt, "hello.txt", buf, sizeof(buf)),
	    DEMO_ENOTDIR);
	ck_assert_int_eq(readdir_str(clnt, "nope", buf, sizeof(buf)),
	    DEMO_ENOENT);
	client_done(clnt);
}
END_TEST

static const char *const escapes[] = {
	"../x", "a/../../x", "sub/../hello.txt", "..", "sub/..",
	"/etc/passwd", "/", "link", "link/secret.txt", "link/new.txt",
	"sub/../../outside/secret.txt", "pw", "./link/", "sub//../link",
};

/* Every way out is DEMO_ESCAPE, and nothing outside the root changes. */
START_TEST(escape_refused)
{
	CLIENT *clnt = client_to(port_str, _i);
	char buf[256];
	size_t i, len;
	int eof;

	for (i = 0; i < NELEM(escapes); i++) {
		const char *p = escapes[i];

		ck_assert_msg(getattr(clnt, p, NULL) == DEMO_ESCAPE,
		    "GETATTR %s", p);
		ck_assert_msg(read_at(clnt, p, 0, 64, buf, sizeof(buf), &len,
		    &eof) == DEMO_ESCAPE, "READ %s", p);
		ck_assert_msg(write_at(clnt, p, 0, "pwned", 5, 1, NULL) ==
		    DEMO_ESCAPE, "WRITE %s", p);
		ck_assert_msg(readdir_str(clnt, p, buf, sizeof(buf)) ==
		    DEMO_ESCAPE, "READDIR %s", p);
		ck_assert_msg(lookup(clnt, p, "secret.txt", NULL, 0, NULL) ==
		    DEMO_ESCAPE, "LOOKUP %s secret.txt", p);
	}
	ck_assert_int_eq(lookup(clnt, "", "link", NULL, 0, NULL), DEMO_ESCAPE);
	ck_assert_int_eq(lookup(clnt, "", "pw", NULL, 0, NULL), DEMO_ESCAPE);
	ck_assert_int_eq(lookup(clnt, "", "..", NULL, 0, NULL), DEMO_ESCAPE);
	ck_assert_int_eq(lookup(clnt, "sub", "../hello.txt", NULL, 0, NULL),
	    DEMO_ESCAPE);
	ck_assert_int_eq(lookup(clnt, "", "sub/inner.txt", NULL, 0, NULL),
	    DEMO_ESCAPE);
	ck_assert_int_eq(lookup(clnt, "", "/etc", NULL, 0, NULL), DEMO_ESCAPE);
	assert_outside_untouched();
	client_done(clnt);
}
END_TEST

START_TEST(client_binary)
{
	static const char *const echo[] = { "echo", "hello there", NULL };
	static const char *const echo_udp[] = { "--udp", "echo", "-x y", NULL };
	static const char *const echo_size[] = { "echo-size", "70000", NULL };
	static const char *const stats_cmd[] = { "stats", NULL };
	static const char *const ls[] = { "ls", "sub", NULL };
	static const char *const rd[] = { "read", "hello.txt", "7", NULL };
	static const char *const who[] = { "whoami", NULL };
	char out[4096], err[4096], want[128];
	char *end;
	CLIENT *clnt;
	uint64_t before, shown;

	ck_assert_int_eq(run_client(port_str, echo, out, sizeof(out), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(out, "hello there\n");
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(run_client(port_str, echo_udp, out, sizeof(out),
	    err, sizeof(err)), 0);
	ck_assert_str_eq(out, "-x y\n");
	ck_assert_int_eq(run_client(port_str, echo_size, out, sizeof(out),
	    err, sizeof(err)), 0);
	ck_assert_str_eq(out, "echo 70000 bytes ok\n");
	ck_assert_int_eq(run_client(port_str, ls, out, sizeof(out), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(out, "deeper dir\ninner.txt reg\n");
	ck_assert_int_eq(run_client(port_str, rd, out, sizeof(out), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(out, "world\n");
	ck_assert_int_eq(run_client(port_str, who, out, sizeof(out), err,
	    sizeof(err)), 0);
	snprintf(want, sizeof(want), "principal=alice@%s mech=krb5 "
	    "service=integrity uid=none\n", TESTBED_REALM);
	ck_assert_str_eq(out, want);

	/* stats: the count as the server has it, nothing else */
	clnt = client_to(port_str, 0);
	before = stats(clnt);
	ck_assert_int_eq(run_client(port_str, stats_cmd, out, sizeof(out),
	    err, sizeof(err)), 0);
	shown = strtoull(out, &end, 10);
	ck_assert_str_eq(end, "\n");
	ck_assert(shown == before);
	ck_assert(stats(clnt) == before);
	client_done(clnt);
}
END_TEST

START_TEST(client_binary_errors)
{
	static const char *const null_tcp[] = { "null", NULL };
	static const char *const null_udp[] = { "--udp", "null", NULL };
	static const char *const esc[] = { "getattr", "../x", NULL };
	static const char *const esc_w[] = { "write", "link/new.txt", "x",
	    NULL };
	static const char *const enoent[] = { "read", "nope", NULL };
	static const char *const usage[] = { "frobnicate", NULL };
	char out[4096], err[4096], dead[16];
	int port;

	/* A port nothing listens on. */
	ck_assert((port = srvproc_free_port()) > 0);
	snprintf(dead, sizeof(dead), "%d", port);
	ck_assert_int_eq(run_client(dead, null_tcp, out, sizeof(out), err,
	    sizeof(err)), 1);
	ck_assert_str_eq(out, "");
	assert_one_line(err, "rpcauth-demo-client: ", "Connection refused");
	ck_assert_int_ne(run_client(dead, null_udp, out, sizeof(out), err,
	    sizeof(err)), 0);
	assert_one_line(err, "rpcauth-demo-client: ", "RPC");

	ck_assert_int_eq(run_client(port_str, esc, out, sizeof(out), err,
	    sizeof(err)), 1);
	ck_assert_str_eq(out, "");
	assert_one_line(err, "rpcauth-demo-client: ",
	    "path escapes the server root");
	ck_assert_int_eq(run_client(port_str, esc_w, out, sizeof(out), err,
	    sizeof(err)), 1);
	assert_one_line(err, "rpcauth-demo-client: ",
	    "path escapes the server root");
	ck_assert_int_eq(run_client(port_str, enoent, out, sizeof(out), err,
	    sizeof(err)), 1);
	assert_one_line(err, "rpcauth-demo-client: ", "no such file");
	ck_assert_int_eq(run_client(port_str, usage, out, sizeof(out), err,
	    sizeof(err)), 2);
	assert_one_line(err, "rpcauth-demo-client: ", "frobnicate");
	assert_outside_untouched();
}
END_TEST

START_TEST(server_sigterm)
{
	struct srvproc p = { -1, -1 };
	char port[16], errbuf[256];
	CLIENT *clnt;
	int status;

	ck_assert_msg(start_server(&p, port, sizeof(port), NULL, errbuf,
	    sizeof(errbuf)) == 0, "%s", errbuf);
	/* An open connection must not keep it alive. */
	clnt = client_to(port, 0);
	ck_assert(demofs_null_1(NULL, clnt) != NULL);
	/* Without --root the file procedures are refused. */
	ck_assert_int_eq(getattr(clnt, "", NULL), DEMO_EACCES);
	ck_assert_int_eq(srvproc_stop(&p, 5000, &status), 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "status %#x", status);
	client_done(clnt);
}
END_TEST

START_TEST(server_usage)
{
	static const char *const cases[][8] = {
		{ NULL },
		{ "--listen", "127.0.0.1", "--port", "1", NULL },
		{ "--listen", "no-such-addr", "--port", "1", "--principal",
		    PRINCIPAL, "--keytab", NULL },
		{ "--listen", "127.0.0.1", "--port", "1", "--principal",
		    "nohost", "--keytab", "k" },
		{ "--frobnicate", NULL },
	};
	static const char *const bad_opt[][2] = {
		{ "--flavor", "6" }, { "--flavor", "1" }, { "--window", "0" },
		{ "--min-service", "secret" }, { "--port", "65536" },
	};
	const char *argv[16], *opt[3] = { NULL };
	char out[1024], err[1024];
	size_t i, j;
	int status;

	for (i = 0; i < NELEM(cases) + NELEM(bad_opt); i++) {
		if (i < NELEM(cases)) {
			argv[0] = SERVER_PATH;
			for (j = 0; j < 8 && cases[i][j] != NULL; j++)
				argv[j + 1] = cases[i][j];
			argv[j + 1] = NULL;
		} else {
			/* A complete command line but for one bad option. */
			opt[0] = bad_opt[i - NELEM(cases)][0];
			opt[1] = bad_opt[i - NELEM(cases)][1];
			e2e_server_argv(argv, NELEM(argv), "1", "k", opt);
		}
		ck_assert(srvproc_run((char *const *)argv, out, sizeof(out),
		    err, sizeof(err), RUN_MS, &status) == 0);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2,
		    "case %zu: status %#x", i, status);
		ck_assert_msg(out[0] == '\0', "case %zu: stdout '%s'", i, out);
		assert_one_line(err, "rpcauth-demo-server: ", "usage");
	}
}
END_TEST

static Suite *
demofs_suite(void)
{
	Suite *s = suite_create("demofs");
	TCase *tc;

	CKLOOPS(cklist_tcase(s, "rpc", 0), { null_echo, 2 }, { stats_count, 1 },
	    { whoami_flavors, 1 });
	/* loop 0: TCP, 1: UDP */
	tc = cklist_tcase(s, "files", 0);
	CKLIST(tc, 2, lookup_getattr, read_file, write_then_read);
	tcase_add_test(tc, read_cap);
	tcase_add_loop_test(tc, readdir_sorted, 0, 2);
	tcase_add_loop_test(tc, escape_refused, 0, 2);
	CKLIST(cklist_tcase(s, "programs", 0), 1, client_binary,
	    client_binary_errors, server_sigterm, server_usage);
	return s;
}

int
main(void)
{
	SRunner *sr;
	char errbuf[512];
	int failed = 1, status;

	if (testbed_start(NULL, &bed, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "check_demofs: test bed: %s\n", errbuf);
		return EXIT_FAILURE;
	}
	if (make_tree() != 0) {
		fprintf(stderr, "check_demofs: temporary tree: %s\n",
		    strerror(errno));
		goto out;
	}
	if (start_server(&server, port_str, sizeof(port_str), root_dir,
	    errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "check_demofs: %s\n", errbuf);
		goto out;
	}
	sr = srunner_create(demofs_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
out:
	if (server.pid > 0) {
		/* The shared server must also end cleanly on SIGTERM. */
		if (srvproc_stop(&server, 5000, &status) != 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "check_demofs: server did not exit 0 "
			    "on SIGTERM (status %#x)\n", status);
			failed = 1;
		}
	}
	remove_tree();
	testbed_stop(bed);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
