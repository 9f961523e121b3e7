/* Calls on paths: openat, readlinkat, faccessat, faccessat2, getcwd,
 * chdir. Dakota has no file system (programs come from the initramfs,
 * which exec reads itself), so a path names the root directory or nothing:
 * openat and readlinkat are -ENOENT (glibc's start-up probes
 * /proc/self/exe and copes), faccessat answers for "/" only. */
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/path.h"
#include "kernel/proc/process.h"
#include "kernel/proc/file.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/kmalloc.h"
#include <dakota/syscall.h>
#include <dakota/stat.h>
#include <dakota/fcntl.h>

/* Every component "." or ".." (or empty between slashes): the root. */
static bool names_root(const char *s)
{
	for (;;) {
		while (*s == '/')
			s++;
		if (!*s)
			return true;
		if (s[0] == '.' && (s[1] == '/' || !s[1]))
			s += 1;
		else if (s[0] == '.' && s[1] == '.' && (s[2] == '/' || !s[2]))
			s += 2;
		else
			return false;
	}
}

/* dirfd for a relative path: the working directory ("/") or an open fd,
 * which is never a directory. */
static long check_dirfd(int dirfd)
{
	if (dirfd == AT_FDCWD)
		return 0;
	long err = file_seek(dirfd);          /* -EBADF, or open (-ESPIPE) */
	return err == -EBADF ? -EBADF : -ENOTDIR;
}

long path_lookup(int dirfd, unsigned long upath)
{
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	long n = copy_string_from_user(current_process()->as, buf, upath, PATH_MAX);
	long err = n < 0 ? n : n == 0 ? -ENOENT : 0;
	if (!err && buf[0] != '/')
		err = check_dirfd(dirfd);
	if (!err && !names_root(buf))
		err = -ENOENT;
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

SYSCALL_DEFINE4(openat, int, dirfd, unsigned long, upath, int, flags, unsigned, mode)
{
	(void)mode;
	long err = path_lookup(dirfd, upath);
	if (err)
		return err;
	/* The root exists but there is no directory object to open. */
	return flags & (O_WRONLY | O_RDWR | O_CREAT) ? -EISDIR : -EACCES;
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, unsigned long, upath, unsigned long, buf, long, size)
{
	(void)buf;
	if (size <= 0)
		return -EINVAL;
	long err = path_lookup(dirfd, upath);
	return err ? err : -EINVAL;           /* "/" is no symbolic link */
}

static long access_root(int dirfd, unsigned long upath, int mode, int flags)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	long err = path_lookup(dirfd, upath);
	if (err)
		return err;
	return mode & W_OK ? -EROFS : 0;      /* the root is the read-only initramfs */
}

SYSCALL_DEFINE3(faccessat, int, dirfd, unsigned long, upath, int, mode)
{
	return access_root(dirfd, upath, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, unsigned long, upath, int, mode, int, flags)
{
	return access_root(dirfd, upath, mode, flags);
}

/* The raw call returns the length with the NUL. */
SYSCALL_DEFINE2(getcwd, unsigned long, buf, unsigned long, size)
{
	if (size < 2)
		return -ERANGE;
	return copy_to_user(current_process()->as, buf, "/", 2) ? -EFAULT : 2;
}

SYSCALL_DEFINE1(chdir, unsigned long, upath)
{
	return path_lookup(AT_FDCWD, upath);
}
