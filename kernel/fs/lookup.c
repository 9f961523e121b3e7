/* Path resolution over the fixed directories (lookup.h). */
#include "kernel/fs/lookup.h"
#include "kernel/proc/process.h"
#include "kernel/proc/file.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/lib/string.h"
#include "kernel/syscall/clock.h"
#include <dakota/syscall.h>
#include <dakota/stat.h>

struct fs_dir {
	const char *name;
	const struct fs_dir *parent;   /* the root's is itself */
	struct tmpfs *fs;              /* files in it: NULL, none */
	unsigned long ino;
};

static const struct fs_dir root = { "", &root, NULL, 1 };
static const struct fs_dir dev = { "dev", &root, NULL, 2 };
static const struct fs_dir dev_shm = { "shm", &dev, &tmpfs_dev_shm, 0 };
static const struct fs_dir tmp = { "tmp", &root, &tmpfs_tmp, 0 };
static const struct fs_dir *const dirs[] = { &dev, &dev_shm, &tmp };

#define ROOT_DEV 1UL

void fs_root_stat(struct stat *st)
{
	fs_dir_stat(&root, st);
}

bool fs_is_root(const struct fs_dir *dir)
{
	return dir == &root;
}

void fs_dir_stat(const struct fs_dir *dir, struct stat *st)
{
	if (dir->fs) {
		tmpfs_dir_stat(dir->fs, st);
		return;
	}
	memset(st, 0, sizeof *st);
	st->st_dev = ROOT_DEV;
	st->st_ino = dir->ino;
	st->st_mode = S_IFDIR | 0755;
	st->st_nlink = 2;
	st->st_blksize = 4096;
	st->st_atime = st->st_mtime = st->st_ctime =
		(long)(clock_boot_realtime_ns() / 1000000000UL);
}

static const struct fs_dir *subdir(const struct fs_dir *d, const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		if (dirs[i]->parent == d && strlen(dirs[i]->name) == len &&
		    !strncmp(dirs[i]->name, name, len))
			return dirs[i];
	return NULL;
}

/* A name in a tmpfs followed by more components: a file is no directory.
 * The name is in w->dir's tmpfs (w->fs is set only when the walk ends). */
static long beyond_file(struct fs_where *w)
{
	struct tmpfs_node *n;
	if (tmpfs_lookup(w->dir->fs, w->name, &n))
		return -ENOENT;
	tmpfs_node_put(n);
	return -ENOTDIR;
}

/* One component c[0, len) of the walk. */
static long step(struct fs_where *w, const char *c, size_t len)
{
	if (w->name[0])
		return beyond_file(w);
	if (w->device != CHARDEV_NONE)
		return -ENOTDIR;            /* a device is no directory either */
	if (len == 1 && c[0] == '.')
		return 0;
	if (len == 2 && c[0] == '.' && c[1] == '.') {
		w->dir = w->dir->parent;
		return 0;
	}
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	const struct fs_dir *d = subdir(w->dir, c, len);
	if (d) {
		w->dir = d;
		return 0;
	}
	if (w->dir == &dev && (w->device = chardev_find(c, len)) != CHARDEV_NONE)
		return 0;
	if (!w->dir->fs)
		return -ENOENT;
	memcpy(w->name, c, len);
	w->name[len] = 0;
	return 0;
}

static long walk(const char *path, struct fs_where *w)
{
	w->dir = &root;
	w->name[0] = 0;
	w->slash = false;
	w->device = CHARDEV_NONE;
	for (const char *s = path; *s;) {
		while (*s == '/')
			s++;
		const char *c = s;
		while (*s && *s != '/')
			s++;
		if (s == c)
			break;
		long err = step(w, c, (size_t)(s - c));
		if (err)
			return err;
		if (*s == '/' && (w->name[0] || w->device != CHARDEV_NONE))
			w->slash = true;
	}
	w->fs = w->dir->fs;
	return 0;
}

/* dirfd for a relative path: the working directory (the root) or an open
 * fd, which is never a directory. */
static long check_dirfd(int dirfd)
{
	if (dirfd == AT_FDCWD)
		return 0;
	return file_check(dirfd) ? -EBADF : -ENOTDIR;
}

long fs_lookup(int dirfd, unsigned long upath, struct fs_where *w)
{
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	long n = copy_string_from_user(current_process()->as, buf, upath, PATH_MAX);
	long err = n < 0 ? n : n == 0 ? -ENOENT : 0;
	if (!err && buf[0] != '/')
		err = check_dirfd(dirfd);
	if (!err)
		err = walk(buf, w);
	kfree(buf);
	return err;
}

long path_is_empty(unsigned long upath)
{
	char c;
	if (copy_from_user(current_process()->as, &c, upath, 1))
		return -EFAULT;
	return c == 0;
}
