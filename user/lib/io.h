/* Whole reads and writes over pipes and the console, for programs that
 * send records between processes. */
#ifndef USER_IO_H
#define USER_IO_H

#include "syscall.h"

/* Reads until n bytes or end of file: the count (short only at end of
 * file), or a negative errno. */
static inline long read_full(int fd, void *buf, unsigned long n)
{
	unsigned long done = 0;
	while (done < n) {
		long r = read(fd, (char *)buf + done, n - done);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		done += (unsigned long)r;
	}
	return (long)done;
}

/* Writes all n bytes unless the reader goes away: the count, or a
 * negative errno. */
static inline long write_full(int fd, const void *buf, unsigned long n)
{
	unsigned long done = 0;
	while (done < n) {
		long r = write(fd, (const char *)buf + done, n - done);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		done += (unsigned long)r;
	}
	return (long)done;
}

#endif
