/* Paths with no file system: the only thing that exists is the root
 * directory "/" (also the working directory). */
#ifndef KERNEL_SYSCALL_PATH_H
#define KERNEL_SYSCALL_PATH_H

/* Looks up the user string upath relative to dirfd (AT_FDCWD or an fd):
 * 0 if it names the root directory; -EFAULT, -ENAMETOOLONG (PATH_MAX),
 * -EBADF (a relative path and dirfd not open), -ENOTDIR (a relative path
 * and dirfd not a directory), -ENOENT (anything else, "" included). */
long path_lookup(int dirfd, unsigned long upath);
/* Whether the user string at upath is "" (for AT_EMPTY_PATH); -EFAULT. */
long path_is_empty(unsigned long upath);

#endif
