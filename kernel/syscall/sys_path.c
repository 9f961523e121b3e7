/* Calls on paths: openat, readlinkat, faccessat, faccessat2, getcwd,
 * chdir. The name space is fixed (kernel/fs/lookup.h): the root, /dev with
 * its character devices, and the tmpfs directories /dev/shm and /tmp,
 * whose files are the only other files a path can name (programs come from
 * the initramfs, which exec reads itself; glibc's start-up probe of
 * /proc/self/exe gets -ENOENT and copes).
 * There is no directory object to open, and no symbolic link. */
#include "kernel/syscall/syscall.h"
#include "kernel/fs/lookup.h"
#include "kernel/fs/tmpfs.h"
#include "kernel/fs/tmpfs_file.h"
#include "kernel/proc/file_device.h"
#include "kernel/proc/process.h"
#include "kernel/mm/addrspace.h"
#include <dakota/syscall.h>
#include <dakota/stat.h>
#include <dakota/fcntl.h>

/* A directory named by openat: there is nothing to open it as. */
static long open_dir(int flags)
{
	if ((flags & O_CREAT) || (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	return -EACCES;
}

SYSCALL_DEFINE4(openat, int, dirfd, unsigned long, upath, int, flags, unsigned, mode)
{
	struct fs_where w;
	long err = fs_lookup(dirfd, upath, &w);
	if (err)
		return err;
	if (w.device != CHARDEV_NONE)
		return w.slash ? -ENOTDIR : device_file_open(w.device, flags);
	if (!w.name[0])
		return open_dir(flags);
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -ENOTDIR;        /* O_TMPFILE wants a directory */
	struct tmpfs_node *n;
	err = tmpfs_open(w.fs, w.name, w.slash, flags, mode, &n);
	return err ? err : tmpfs_file_install(n, flags);
}

/* 0 if the path names something, else the error: -ENOENT, -ENOTDIR (a
 * file's name followed by '/'). */
static long exists(const struct fs_where *w)
{
	if (w->device != CHARDEV_NONE)
		return w->slash ? -ENOTDIR : 0;
	if (!w->name[0])
		return 0;
	struct tmpfs_node *n;
	if (tmpfs_lookup(w->fs, w->name, &n))
		return -ENOENT;
	tmpfs_node_put(n);
	return w->slash ? -ENOTDIR : 0;
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, unsigned long, upath, unsigned long, buf, long, size)
{
	(void)buf;
	if (size <= 0)
		return -EINVAL;
	struct fs_where w;
	long err = fs_lookup(dirfd, upath, &w);
	if (!err)
		err = exists(&w);
	return err ? err : -EINVAL;           /* nothing is a symbolic link */
}

/* The fixed directories are read-only (the initramfs), the tmpfs ones
 * writable by everyone (mode 01777). */
static long access_dir(const struct fs_where *w, int mode)
{
	return (mode & W_OK) && !w->fs ? -EROFS : 0;
}

static long access_at(int dirfd, unsigned long upath, int mode, int flags)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct fs_where w;
	long err = fs_lookup(dirfd, upath, &w);
	if (err)
		return err;
	if (w.device != CHARDEV_NONE)   /* mode 0666 */
		return w.slash ? -ENOTDIR : (mode & X_OK) ? -EACCES : 0;
	if (!w.name[0])
		return access_dir(&w, mode);
	struct tmpfs_node *n;
	if (tmpfs_lookup(w.fs, w.name, &n))
		return -ENOENT;
	err = w.slash ? -ENOTDIR : tmpfs_permits(n, mode) ? 0 : -EACCES;
	tmpfs_node_put(n);
	return err;
}

SYSCALL_DEFINE3(faccessat, int, dirfd, unsigned long, upath, int, mode)
{
	return access_at(dirfd, upath, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, unsigned long, upath, int, mode, int, flags)
{
	return access_at(dirfd, upath, mode, flags);
}

/* The raw call returns the length with the NUL. */
SYSCALL_DEFINE2(getcwd, unsigned long, buf, unsigned long, size)
{
	if (size < 2)
		return -ERANGE;
	return copy_to_user(current_process()->as, buf, "/", 2) ? -EFAULT : 2;
}

/* The working directory stays the root: another directory is -ENOENT. */
SYSCALL_DEFINE1(chdir, unsigned long, upath)
{
	struct fs_where w;
	long err = fs_lookup(AT_FDCWD, upath, &w);
	if (!err && (w.name[0] || w.device != CHARDEV_NONE) && !(err = exists(&w)))
		err = -ENOTDIR;
	return err ? err : fs_is_root(w.dir) ? 0 : -ENOENT;
}
