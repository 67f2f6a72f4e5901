/* server/fsops.h - file operations confined to the served root */
/*
 * Every path is relative to the root given to fsops_root_set() and is
 * resolved one component at a time from a directory descriptor of that
 * root, with O_NOFOLLOW at every step.  An absolute path, a ".." component
 * or a symbolic link anywhere along the path is refused with FSOPS_ESCAPE
 * before anything is opened beyond it, so no operation can touch a file
 * outside the root.  Empty components and "." are skipped: "", "." and
 * "a//./b/" are the root, the root and "a/b".
 *
 * Calls return 0, a positive errno value, or FSOPS_ESCAPE.  Without a root
 * every call returns EACCES.
 */
#ifndef DEMO_FSOPS_H
#define DEMO_FSOPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define FSOPS_ESCAPE	(-1)	/* the path would leave the root */
#define FSOPS_MAXPATH	1024	/* longest path, as DEMO_MAXPATH */

struct fsops_dirent {
	char	*name;		/* owned by the array */
	mode_t	 mode;		/* st_mode of the entry itself (lstat) */
};

/*
 * Serve `dir` from now on (it is opened once; renaming it later does not
 * matter).  Returns 0 or an errno value; the previous root stays on failure.
 */
int	fsops_root_set(const char *dir);
/* Close the root; later calls return EACCES. */
void	fsops_root_close(void);

/* lstat-like attributes of `path` (symbolic links never reach the caller). */
int	fsops_getattr(const char *path, struct stat *st_out);

/*
 * `name` (one component, no '/') inside directory `dir`.  *path_out gets the
 * normalized "dir/name" (malloc'd, the caller frees), st_out its attributes.
 */
int	fsops_lookup(const char *dir, const char *name, char **path_out,
	    struct stat *st_out);

/*
 * Up to `count` bytes at `offset` into `buf` (which holds count bytes).
 * *len_out gets the number read, *eof_out whether the end was reached.
 */
int	fsops_read(const char *path, uint64_t offset, void *buf, size_t count,
	    size_t *len_out, int *eof_out);

/* Write `len` bytes at `offset`; with `create` the file is made (0644). */
int	fsops_write(const char *path, uint64_t offset, const void *buf,
	    size_t len, int create, size_t *len_out);

/*
 * The entries of directory `path`, "." and ".." left out, sorted by name
 * (strcmp).  *ents_out is malloc'd; release it with fsops_dirents_free().
 */
int	fsops_readdir(const char *path, struct fsops_dirent **ents_out,
	    size_t *n_out);
void	fsops_dirents_free(struct fsops_dirent *ents, size_t n);

#endif /* DEMO_FSOPS_H */
