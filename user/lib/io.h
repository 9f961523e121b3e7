/* Whole reads and writes over pipes and the console, for programs that
 * send records between processes. */
#ifndef USER_IO_H
#define USER_IO_H

#include "syscall.h"

/* The loop of read_full and write_full: system call nr (SYS_read or
 * SYS_write) until n bytes have moved, the other end is done (0), or an
 * error. */
static inline long transfer_full(long nr, int fd, char *buf, unsigned long n)
{
	unsigned long done = 0;
	while (done < n) {
		long r = syscall3(nr, fd, (long)(buf + done), (long)(n - done));
		if (r < 0)
			return r;
		if (r == 0)
			break;
		done += (unsigned long)r;
	}
	return (long)done;
}

/* Reads until n bytes or end of file: the count (short only at end of
 * file), or a negative errno. */
static inline long read_full(int fd, void *buf, unsigned long n)
{
	return transfer_full(SYS_read, fd, buf, n);
}

/* Writes all n bytes unless the reader goes away: the count, or a
 * negative errno. (write only reads the buffer: the cast drops nothing.) */
static inline long write_full(int fd, const void *buf, unsigned long n)
{
	return transfer_full(SYS_write, fd, (char *)buf, n);
}

/* pipe, then fork: in the child (return 0) and in the parent (the child's
 * pid) fds holds both ends, to close as each side needs. A negative errno
 * if either call fails, with nothing left open. */
static inline long fork_with_pipe(int fds[2])
{
	long err = pipe(fds);
	if (err)
		return err;
	long pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
	}
	return pid;
}

#endif
