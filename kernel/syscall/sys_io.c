/* I/O calls on file descriptors: the console, pipes (kernel/proc/file.c,
 * file_linux.c), tmpfs files (kernel/fs/tmpfs_file.c) and /dev's devices
 * (kernel/proc/file_device.c). Only tmpfs files can seek: lseek, pread64
 * and pwrite64 are -ESPIPE on the console and pipes, as on Linux for ttys
 * and pipes, and ignore the position on a device. Syncs succeed at once. */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/file.h"
#include <dakota/syscall.h>

SYSCALL_DEFINE3(read, int, fd, unsigned long, buf, unsigned long, count)
{
	return file_read(fd, buf, count);
}

SYSCALL_DEFINE3(write, int, fd, unsigned long, buf, unsigned long, count)
{
	return file_write(fd, buf, count);
}

SYSCALL_DEFINE1(close, int, fd)
{
	return file_close(fd);
}

SYSCALL_DEFINE2(pipe2, unsigned long, fds, int, flags)
{
	return file_pipe(fds, flags);
}

SYSCALL_DEFINE1(dup, int, fd)
{
	return file_dup(fd);
}

SYSCALL_DEFINE3(dup3, int, oldfd, int, newfd, int, flags)
{
	return file_dup3(oldfd, newfd, flags);
}

SYSCALL_DEFINE3(readv, int, fd, unsigned long, iov, int, iovcnt)
{
	return file_readv(fd, iov, iovcnt);
}

SYSCALL_DEFINE3(writev, int, fd, unsigned long, iov, int, iovcnt)
{
	return file_writev(fd, iov, iovcnt);
}

/* Linux's order: the fd, then whence, then whether the file can seek. */
SYSCALL_DEFINE3(lseek, int, fd, long, offset, unsigned, whence)
{
	return file_lseek(fd, offset, whence);
}

/* The fd, then -ESPIPE before the offset is looked at (Linux 6.x). */
SYSCALL_DEFINE4(pread64, int, fd, unsigned long, buf, unsigned long, count, long, pos)
{
	return file_pio(fd, buf, count, pos, false);
}

SYSCALL_DEFINE4(pwrite64, int, fd, unsigned long, buf, unsigned long, count, long, pos)
{
	return file_pio(fd, buf, count, pos, true);
}

SYSCALL_DEFINE2(ftruncate, int, fd, long, length)
{
	return file_truncate(fd, length);
}

SYSCALL_DEFINE3(ioctl, int, fd, unsigned long, req, unsigned long, arg)
{
	return file_ioctl(fd, req, arg);
}

SYSCALL_DEFINE3(fcntl, int, fd, int, cmd, unsigned long, arg)
{
	return file_fcntl(fd, cmd, arg);
}

/* tmpfs keeps everything in memory: there is nothing to write back, so
 * every sync succeeds at once on what can be synced (file_sync). */
SYSCALL_DEFINE1(fsync, int, fd)
{
	return file_sync(fd);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return file_sync(fd);
}

SYSCALL_DEFINE0(sync)
{
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	return file_check(fd);
}
