/* server/fsops.c - file operations confined to the served root */
/*
 * Invariant: root_fd is -1 or an O_DIRECTORY descriptor of the root, and
 * every descriptor this file opens was reached from it by openat() one
 * component at a time with O_NOFOLLOW.  Path strings are never handed to
 * the kernel whole, so ".." and symbolic links cannot be resolved by it
 * behind our back; both are refused instead (see fsops.h).
 */
#include "config.h"

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsops.h"

/* LOOKUP joins a path and a name, so parsing takes a little more. */
#define PARSE_MAX	(FSOPS_MAXPATH + NAME_MAX + 2)

struct parsed {
	char		 buf[PARSE_MAX];
	const char	*comp[PARSE_MAX / 2 + 1];
	size_t		 n;
};

static int root_fd = -1;

/*
 * Split `path` into its components, dropping empty ones and ".".  Refuses
 * absolute paths and ".." before anything touches the file system.
 */
static int
parse_path(const char *path, struct parsed *p)
{
	size_t len = strlen(path);
	char *s, *slash;

	p->n = 0;
	if (len >= sizeof(p->buf))
		return ENAMETOOLONG;
	if (path[0] == '/')
		return FSOPS_ESCAPE;
	memcpy(p->buf, path, len + 1);
	for (s = p->buf; *s != '\0'; s = slash + 1) {
		if ((slash = strchr(s, '/')) != NULL)
			*slash = '\0';
		if (strcmp(s, "..") == 0)
			return FSOPS_ESCAPE;
		if (*s != '\0' && strcmp(s, ".") != 0)
			p->comp[p->n++] = s;
		if (slash == NULL)
			break;
	}
	return 0;
}

/* Is `name` in `dfd` a symbolic link?  Used to explain a failed open. */
static int
is_symlink(int dfd, const char *name)
{
	struct stat st;

	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode);
}

/*
 * Open one component.  O_NOFOLLOW makes a symbolic link fail (ELOOP, or
 * ENOTDIR with O_DIRECTORY) or, with O_PATH, open the link itself; either
 * way the caller sees FSOPS_ESCAPE.
 */
static int
open_step(int dfd, const char *name, int flags, mode_t mode, int *fd_out,
    struct stat *st_out)
{
	struct stat st;
	int fd, e;

	*fd_out = -1;
	fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd == -1) {
		e = errno;
		return is_symlink(dfd, name) ? FSOPS_ESCAPE : e;
	}
	if (fstat(fd, &st) == -1) {
		e = errno;
		close(fd);
		return e;
	}
	if (S_ISLNK(st.st_mode)) {
		close(fd);
		return FSOPS_ESCAPE;
	}
	if (st_out != NULL)
		*st_out = st;
	*fd_out = fd;
	return 0;
}

/*
 * Resolve every component of `path` but the last.  *dirfd_out gets a
 * descriptor of the containing directory (the caller closes it) and
 * *name_out the last component, "." when the path is the root itself;
 * *name_out points into *p.
 */
static int
walk_parent(const char *path, struct parsed *p, int *dirfd_out,
    const char **name_out)
{
	size_t i;
	int cur = -1, next, ret;

	*dirfd_out = -1;
	*name_out = NULL;
	if (root_fd == -1)
		return EACCES;
	if ((ret = parse_path(path, p)) != 0)
		return ret;
	if ((cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 0)) == -1)
		return errno;
	for (i = 0; i + 1 < p->n; i++) {
		ret = open_step(cur, p->comp[i], O_PATH | O_DIRECTORY, 0,
		    &next, NULL);
		if (ret != 0)
			goto out;
		close(cur);
		cur = next;
	}
	*name_out = p->n > 0 ? p->comp[p->n - 1] : ".";
	*dirfd_out = cur;
	cur = -1;
	ret = 0;
out:
	if (cur != -1)
		close(cur);
	return ret;
}

/* Close what a call opened: -1 means not open. */
static void
close_fds(int dfd, int fd)
{
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
}

/*
 * Open the regular file `name` in `dfd` for I/O.  It is looked at through
 * O_PATH first so that opening a device or a FIFO for real never happens;
 * the second open must find the same inode.
 */
static int
open_regular(int dfd, const char *name, int flags, int create, int *fd_out,
    struct stat *st_out)
{
	struct stat st, st2;
	int pfd = -1, fd = -1, ret;

	*fd_out = -1;
	ret = open_step(dfd, name, O_PATH, 0, &pfd, &st);
	if (ret == ENOENT && create) {
		/* O_EXCL: if something appeared meanwhile, do not open it. */
		if ((ret = open_step(dfd, name, flags | O_CREAT | O_EXCL, 0644,
		    &fd, &st2)) != 0)
			goto out;
	} else {
		if (ret != 0)
			goto out;
		if (S_ISDIR(st.st_mode)) {
			ret = EISDIR;
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			ret = EINVAL;
			goto out;
		}
		if ((ret = open_step(dfd, name, flags | O_NOCTTY | O_NONBLOCK,
		    0, &fd, &st2)) != 0)
			goto out;
		if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
			ret = EAGAIN;
			goto out;
		}
	}
	*st_out = st2;
	*fd_out = fd;
	fd = -1;
out:
	close_fds(pfd, fd);
	return ret;
}

/* The regular file at path, its parent directory held in *dfd. */
static int
open_file(const char *path, int flags, int create, int *dfd, int *fd,
    struct stat *st)
{
	struct parsed p;
	const char *name;
	int ret;

	if ((ret = walk_parent(path, &p, dfd, &name)) != 0)
		return ret;
	return open_regular(*dfd, name, flags, create, fd, st);
}

/*
 * count bytes at offset, read into rbuf or written from wbuf (the other
 * NULL), through EINTR and short transfers; *done stops short at the end
 * of the file.  0 or an errno value.
 */
static int
transfer(int fd, void *rbuf, const void *wbuf, size_t count,
    uint64_t offset, size_t *done)
{
	ssize_t n;

	for (*done = 0; *done < count; *done += (size_t)n) {
		n = rbuf != NULL ?
		    pread(fd, (char *)rbuf + *done, count - *done,
		    (off_t)(offset + *done)) :
		    pwrite(fd, (const char *)wbuf + *done, count - *done,
		    (off_t)(offset + *done));
		if (n == -1 && errno == EINTR)
			n = 0;
		else if (n == -1)
			return errno;
		else if (n == 0)
			break;
	}
	return 0;
}

int
fsops_root_set(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno;
	fsops_root_close();
	root_fd = fd;
	return 0;
}

void
fsops_root_close(void)
{
	if (root_fd != -1)
		close(root_fd);
	root_fd = -1;
}

int
fsops_getattr(const char *path, struct stat *st_out)
{
	struct parsed p;
	const char *name;
	int dfd = -1, fd = -1, ret;

	memset(st_out, 0, sizeof(*st_out));
	if ((ret = walk_parent(path, &p, &dfd, &name)) != 0)
		goto out;
	ret = open_step(dfd, name, O_PATH, 0, &fd, st_out);
out:
	close_fds(dfd, fd);
	return ret;
}

int
fsops_lookup(const char *dir, const char *name, char **path_out,
    struct stat *st_out)
{
	struct parsed p;
	char joined[PARSE_MAX], *norm = NULL, *s;
	size_t i, len, dlen = strlen(dir), nlen = strlen(name);
	int ret;

	*path_out = NULL;
	memset(st_out, 0, sizeof(*st_out));
	if (dir[0] == '/' || strchr(name, '/') != NULL ||
	    strcmp(name, "..") == 0)
		return FSOPS_ESCAPE;
	if (nlen == 0)
		return EINVAL;
	if (nlen > NAME_MAX || dlen > FSOPS_MAXPATH)
		return ENAMETOOLONG;
	/* "" is the root: joining it with '/' would look absolute. */
	memcpy(joined, dir, dlen);
	if (dlen > 0)
		joined[dlen++] = '/';
	memcpy(joined + dlen, name, nlen + 1);
	if ((ret = parse_path(joined, &p)) != 0)
		goto out;

	/* The reply carries the normalized path: it must fit DEMO_MAXPATH. */
	for (i = 0, len = 0; i < p.n; i++)
		len += strlen(p.comp[i]) + (i > 0);
	if (len > FSOPS_MAXPATH) {
		ret = ENAMETOOLONG;
		goto out;
	}
	if ((norm = malloc(len + 1)) == NULL) {
		ret = ENOMEM;
		goto out;
	}
	for (i = 0, s = norm; i < p.n; i++) {
		if (i > 0)
			*s++ = '/';
		len = strlen(p.comp[i]);
		memcpy(s, p.comp[i], len);
		s += len;
	}
	*s = '\0';
	if ((ret = fsops_getattr(norm, st_out)) != 0)
		goto out;
	*path_out = norm;
	norm = NULL;
out:
	free(norm);
	return ret;
}

int
fsops_read(const char *path, uint64_t offset, void *buf, size_t count,
    size_t *len_out, int *eof_out)
{
	struct stat st;
	int dfd = -1, fd = -1, ret;

	*len_out = 0;
	*eof_out = 0;
	if (offset > INT64_MAX - (uint64_t)count)
		return EINVAL;
	if ((ret = open_file(path, O_RDONLY, 0, &dfd, &fd, &st)) == 0 &&
	    (ret = transfer(fd, buf, NULL, count, offset, len_out)) == 0)
		*eof_out = *len_out < count ||
		    offset + *len_out >= (uint64_t)st.st_size;
	else
		*len_out = 0;
	close_fds(dfd, fd);
	return ret;
}

int
fsops_write(const char *path, uint64_t offset, const void *buf, size_t len,
    int create, size_t *len_out)
{
	struct stat st;
	int dfd = -1, fd = -1, ret;

	*len_out = 0;
	if (offset > INT64_MAX - (uint64_t)len)
		return EFBIG;
	if ((ret = open_file(path, O_WRONLY, create, &dfd, &fd, &st)) == 0 &&
	    (ret = transfer(fd, NULL, buf, len, offset, len_out)) != 0)
		*len_out = 0;
	close_fds(dfd, fd);
	return ret;
}

static int
dirent_cmp(const void *a, const void *b)
{
	const struct fsops_dirent *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int
fsops_readdir(const char *path, struct fsops_dirent **ents_out,
    size_t *n_out)
{
	struct parsed p;
	struct fsops_dirent *ents = NULL, *grown;
	struct dirent *de;
	struct stat st;
	const char *name;
	DIR *d = NULL;
	size_t n = 0, cap = 0;
	int dfd = -1, fd = -1, ret;

	*ents_out = NULL;
	*n_out = 0;
	if ((ret = walk_parent(path, &p, &dfd, &name)) != 0)
		goto out;
	if ((ret = open_step(dfd, name, O_RDONLY | O_DIRECTORY, 0, &fd,
	    NULL)) != 0)
		goto out;
	if ((d = fdopendir(fd)) == NULL) {
		ret = errno;
		goto out;
	}
	fd = -1;			/* the DIR owns it now */
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			ret = errno;
			if (ret != 0)
				goto out;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		/* An entry removed since readdir saw it is simply left out. */
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((grown = reallocarray(ents, cap,
			    sizeof(*ents))) == NULL) {
				ret = ENOMEM;
				goto out;
			}
			ents = grown;
		}
		if ((ents[n].name = strdup(de->d_name)) == NULL) {
			ret = ENOMEM;
			goto out;
		}
		ents[n++].mode = st.st_mode;
	}
	if (n > 0)
		qsort(ents, n, sizeof(*ents), dirent_cmp);
	*ents_out = ents;
	*n_out = n;
	ents = NULL;
	n = 0;
	ret = 0;
out:
	fsops_dirents_free(ents, n);
	if (d != NULL)
		closedir(d);
	close_fds(dfd, fd);
	return ret;
}

void
fsops_dirents_free(struct fsops_dirent *ents, size_t n)
{
	size_t i;

	if (ents == NULL)
		return;
	for (i = 0; i < n; i++)
		free(ents[i].name);
	free(ents);
}
