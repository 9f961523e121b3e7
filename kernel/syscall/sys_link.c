/* Names of tmpfs files: linkat, unlinkat and renameat2 (kernel/fs/tmpfs.c).
 * The fixed directories and /dev's devices (kernel/fs/lookup.h) cannot be
 * removed, linked or renamed. */
#include "kernel/syscall/syscall.h"
#include "kernel/fs/lookup.h"
#include "kernel/fs/tmpfs.h"
#include <dakota/syscall.h>
#include <dakota/stat.h>

/* For a name followed by '/': -ENOTDIR if the file exists, else -ENOENT. */
static long slash_error(const struct fs_where *w)
{
	struct tmpfs_node *n;
	if (tmpfs_lookup(w->fs, w->name, &n))
		return -ENOENT;
	tmpfs_node_put(n);
	return -ENOTDIR;
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, unsigned long, upath, int, flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	struct fs_where w;
	long err = fs_lookup(dirfd, upath, &w);
	if (err)
		return err;
	if (w.device != CHARDEV_NONE)   /* /dev is part of the read-only name space */
		return (flags & AT_REMOVEDIR) || w.slash ? -ENOTDIR : -EROFS;
	if (flags & AT_REMOVEDIR) {
		/* The directories are fixed (mount points on Linux); a file
		 * is no directory. */
		return w.name[0] ? slash_error(&w) : -EBUSY;
	}
	if (!w.name[0])
		return -EISDIR;
	if (w.slash)
		return slash_error(&w);
	return tmpfs_unlink(w.fs, w.name);
}

SYSCALL_DEFINE5(linkat, int, olddirfd, unsigned long, oldpath, int, newdirfd,
		unsigned long, newpath, int, flags)
{
	if (flags & ~AT_SYMLINK_FOLLOW)
		return -EINVAL;
	struct fs_where from, to;
	long err = fs_lookup(olddirfd, oldpath, &from);
	if (err)
		return err;
	if (from.device != CHARDEV_NONE)
		return from.slash ? -ENOTDIR : -EXDEV;   /* devtmpfs on Linux */
	if (!from.name[0])
		return -EPERM;          /* no hard links to directories */
	if (from.slash)
		return slash_error(&from);
	struct tmpfs_node *n;
	if (tmpfs_lookup(from.fs, from.name, &n))
		return -ENOENT;
	err = fs_lookup(newdirfd, newpath, &to);
	if (!err)
		err = !to.name[0] ? -EEXIST : to.slash ? -ENOENT : tmpfs_link(to.fs, n, to.name);
	tmpfs_node_put(n);
	return err;
}

/* What renaming `from` to `to` would break before the names are looked at:
 * a device (another file system: devtmpfs on Linux), a fixed directory
 * (a mount point on Linux), a directory as the target, another tmpfs. */
static long rename_error(const struct fs_where *from, const struct fs_where *to)
{
	if (from->device != CHARDEV_NONE || to->device != CHARDEV_NONE)
		return -EXDEV;
	if (!from->name[0])
		return -EBUSY;
	if (!to->name[0])
		return -EISDIR;
	if (from->fs != to->fs)
		return -EXDEV;
	if (from->slash)
		return slash_error(from);
	return to->slash ? -ENOTDIR : 0;
}

SYSCALL_DEFINE5(renameat2, int, olddirfd, unsigned long, oldpath, int, newdirfd,
		unsigned long, newpath, unsigned, flags)
{
	if ((flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
	    (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE))
		return -EINVAL;
	struct fs_where from, to;
	long err = fs_lookup(olddirfd, oldpath, &from);
	if (!err)
		err = fs_lookup(newdirfd, newpath, &to);
	if (!err)
		err = rename_error(&from, &to);
	return err ? err : tmpfs_rename(from.fs, from.name, to.name, flags);
}
