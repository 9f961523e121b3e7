/* Paths. Dakota's name space is fixed: the root "/", "/dev" with its
 * character devices (kernel/dev/chardev.h: null, zero, full, random,
 * urandom, tty), and two tmpfs directories, "/dev/shm" and "/tmp", whose
 * files are the only other names below a directory (programs come from the
 * initramfs, which exec reads itself). The working directory is always the
 * root. */
#ifndef KERNEL_FS_LOOKUP_H
#define KERNEL_FS_LOOKUP_H

#include <stdbool.h>
#include "kernel/fs/tmpfs.h"
#include "kernel/dev/chardev.h"

struct stat;
struct fs_dir;

/* Where a path leads: a directory (name ""), a name in a tmpfs, which
 * may or may not exist, or a device in /dev (device, with name "" and dir
 * /dev: a caller that does not look at `device` sees the directory). */
struct fs_where {
	const struct fs_dir *dir;
	struct tmpfs *fs;           /* dir's tmpfs, or NULL */
	char name[NAME_MAX + 1];
	bool slash;                 /* name (or device) was followed by '/' */
	enum chardev device;        /* CHARDEV_NONE unless a device */
};

/* Resolves the user string upath relative to dirfd (AT_FDCWD or an fd):
 * 0, or -EFAULT, -ENAMETOOLONG (PATH_MAX, or a component over NAME_MAX),
 * -EBADF (relative path, dirfd not open), -ENOTDIR (relative path and
 * dirfd not a directory; a file's name followed by more), -ENOENT
 * (nothing by that name on the way, "" included). */
long fs_lookup(int dirfd, unsigned long upath, struct fs_where *w);
/* The stat of a directory. */
void fs_dir_stat(const struct fs_dir *dir, struct stat *st);
void fs_root_stat(struct stat *st);
/* True for the root ("/" and every path that comes back to it). */
bool fs_is_root(const struct fs_dir *dir);
/* Whether the user string at upath is "" (for AT_EMPTY_PATH); -EFAULT. */
long path_is_empty(unsigned long upath);

#endif
