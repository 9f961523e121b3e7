/* fstat, newfstatat, statx: the console is a character device, a pipe a
 * FIFO (kernel/proc/file_linux.c), a tmpfs file a regular file; the fixed
 * directories (kernel/fs/lookup.h) are directories. */
#include "kernel/syscall/syscall.h"
#include "kernel/fs/lookup.h"
#include "kernel/fs/tmpfs.h"
#include "kernel/proc/process.h"
#include "kernel/proc/file.h"
#include "kernel/mm/addrspace.h"
#include "kernel/lib/string.h"
#include <dakota/syscall.h>
#include <dakota/stat.h>

/* The stat of what w names: -ENOENT, -ENOTDIR (a file's name and '/'). */
static long stat_where(const struct fs_where *w, struct stat *st)
{
	if (w->device != CHARDEV_NONE) {
		int fd = chardev_stdio_fd(w->device);
		if (fd >= 0)   /* a link to fd's file: stat follows it */
			return file_stat(fd, st) ? -ENOENT : w->slash ? -ENOTDIR : 0;
		if (w->slash)
			return -ENOTDIR;
		chardev_stat(w->device, st);
		return 0;
	}
	if (!w->name[0]) {
		fs_dir_stat(w->dir, st);
		return 0;
	}
	struct tmpfs_node *n;
	if (tmpfs_lookup(w->fs, w->name, &n))
		return -ENOENT;
	long err = w->slash ? -ENOTDIR : 0;
	if (!err)
		tmpfs_stat(n, st);
	tmpfs_node_put(n);
	return err;
}

/* The stat of fd, or with AT_EMPTY_PATH and "" of dirfd itself (AT_FDCWD:
 * the working directory), or of the path. */
static long stat_at(int dirfd, unsigned long upath, int flags, struct stat *st)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if (flags & AT_EMPTY_PATH) {
		long empty = path_is_empty(upath);
		if (empty < 0)
			return empty;
		if (empty && dirfd != AT_FDCWD)
			return file_stat(dirfd, st);
		if (empty) {
			fs_root_stat(st);   /* the working directory */
			return 0;
		}
	}
	struct fs_where w;
	long err = fs_lookup(dirfd, upath, &w);
	return err ? err : stat_where(&w, st);
}

SYSCALL_DEFINE2(fstat, int, fd, unsigned long, ubuf)
{
	struct stat st;
	long err = file_stat(fd, &st);
	return copy_result_to_user(err, current_process()->as, ubuf, &st, sizeof st);
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, unsigned long, upath, unsigned long, ubuf, int, flags)
{
	struct stat st;
	long err = stat_at(dirfd, upath, flags, &st);
	return copy_result_to_user(err, current_process()->as, ubuf, &st, sizeof st);
}

static struct statx_timestamp stx_time(long sec)
{
	struct statx_timestamp t = { .tv_sec = sec };
	return t;
}

/* Linux's new_encode_dev, undone. */
static uint32_t dev_major(unsigned long dev) { return (uint32_t)((dev & 0xfff00) >> 8); }
static uint32_t dev_minor(unsigned long dev)
{
	return (uint32_t)((dev & 0xff) | ((dev >> 12) & 0xfff00));
}

static void statx_from_stat(struct statx *sx, const struct stat *st)
{
	memset(sx, 0, sizeof *sx);
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = (uint32_t)st->st_blksize;
	sx->stx_nlink = st->st_nlink;
	sx->stx_uid = st->st_uid;
	sx->stx_gid = st->st_gid;
	sx->stx_mode = (uint16_t)st->st_mode;
	sx->stx_ino = st->st_ino;
	sx->stx_size = (uint64_t)st->st_size;
	sx->stx_blocks = (uint64_t)st->st_blocks;
	sx->stx_atime = stx_time(st->st_atime);
	sx->stx_ctime = stx_time(st->st_ctime);
	sx->stx_mtime = stx_time(st->st_mtime);
	sx->stx_rdev_major = dev_major(st->st_rdev);
	sx->stx_rdev_minor = dev_minor(st->st_rdev);
	sx->stx_dev_major = dev_major(st->st_dev);
	sx->stx_dev_minor = dev_minor(st->st_dev);
}

SYSCALL_DEFINE5(statx, int, dirfd, unsigned long, upath, int, flags, unsigned, mask,
		unsigned long, ubuf)
{
	if (mask & STATX__RESERVED)
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	struct stat st;
	long err = stat_at(dirfd, upath, flags, &st);
	if (err)
		return err;
	struct statx sx;
	statx_from_stat(&sx, &st);
	return copy_to_user(current_process()->as, ubuf, &sx, sizeof sx) ? -EFAULT : 0;
}
