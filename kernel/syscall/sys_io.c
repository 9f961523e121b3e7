/* I/O calls on file descriptors: the console and pipes (kernel/proc/file.c,
 * file_linux.c). No file can seek: lseek, pread64 and pwrite64 are -ESPIPE
 * on every open fd, as on Linux for ttys and pipes. */
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

#define SEEK_MAX 4     /* SEEK_HOLE */

/* Linux's order: the fd, then whence, then whether the file can seek. */
SYSCALL_DEFINE3(lseek, int, fd, long, offset, unsigned, whence)
{
	(void)offset;
	long err = file_seek(fd);
	return err == -ESPIPE && whence > SEEK_MAX ? -EINVAL : err;
}

/* The fd, then -ESPIPE before the offset is looked at (Linux 6.x). */
SYSCALL_DEFINE4(pread64, int, fd, unsigned long, buf, unsigned long, count, long, pos)
{
	(void)buf, (void)count, (void)pos;
	return file_seek(fd);
}

SYSCALL_DEFINE4(pwrite64, int, fd, unsigned long, buf, unsigned long, count, long, pos)
{
	(void)buf, (void)count, (void)pos;
	return file_seek(fd);
}

SYSCALL_DEFINE3(ioctl, int, fd, unsigned long, req, unsigned long, arg)
{
	return file_ioctl(fd, req, arg);
}

SYSCALL_DEFINE3(fcntl, int, fd, int, cmd, unsigned long, arg)
{
	return file_fcntl(fd, cmd, arg);
}
