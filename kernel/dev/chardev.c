/* The memory character devices (chardev.h). They keep no state: every
 * read and write is answered from the device number alone, so an open
 * file needs no lock beyond its reference. */
#include "kernel/dev/chardev.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/signal/signal.h"
#include "kernel/mm/addrspace.h"
#include "kernel/lib/random.h"
#include "kernel/lib/string.h"
#include "kernel/syscall/clock.h"
#include <dakota/syscall.h>
#include <dakota/stat.h>


static const struct {
	const char *name;
	unsigned major, minor;   /* Linux's numbers (Documentation/admin-guide/devices.txt) */
} nodes[CHARDEVS] = {
	[CHARDEV_NULL] = { "null", 1, 3 },
	[CHARDEV_ZERO] = { "zero", 1, 5 },
	[CHARDEV_FULL] = { "full", 1, 7 },
	[CHARDEV_RANDOM] = { "random", 1, 8 },
	[CHARDEV_URANDOM] = { "urandom", 1, 9 },
	[CHARDEV_TTY] = { "tty", 5, 0 },
	[CHARDEV_STDIN] = { "stdin", 0, 0 },     /* links: no numbers of their own */
	[CHARDEV_STDOUT] = { "stdout", 0, 0 },
	[CHARDEV_STDERR] = { "stderr", 0, 0 },
};

enum chardev chardev_find(const char *name, size_t len)
{
	for (int d = 0; d < CHARDEVS; d++)
		if (strlen(nodes[d].name) == len && !strncmp(nodes[d].name, name, len))
			return (enum chardev)d;
	return CHARDEV_NONE;
}

/* Copies n bytes of zeroes or random bytes to ubuf, a chunk at a time:
 * the count copied, or -EFAULT if the first chunk could not be. A fault
 * later ends the read short, as on Linux; so does a kill or a signal to
 * take, once something was copied (a read of a gigabyte must not hold its
 * thread past a SIGKILL). */
static long fill_user(unsigned long ubuf, unsigned long n, bool random)
{
	struct addrspace *as = current_process()->as;
	struct thread *self = current_thread();
	char chunk[256];
	if (!random)
		memset(chunk, 0, sizeof chunk);
	unsigned long done = 0;
	while (done < n) {
		if (done && (thread_killed(self) || signal_pending(self)))
			break;
		unsigned long want = n - done < sizeof chunk ? n - done : sizeof chunk;
		if (random)
			random_bytes(chunk, want);
		if (copy_to_user(as, ubuf + done, chunk, want))
			return done ? (long)done : -EFAULT;
		done += want;
	}
	return (long)done;
}

/* Reads and writes report at most this much at once, so that the count
 * stays a positive long. */
#define CHARDEV_IO_MAX (1UL << 30)

long chardev_read(enum chardev d, unsigned long ubuf, unsigned long n)
{
	if (n > CHARDEV_IO_MAX)
		n = CHARDEV_IO_MAX;
	switch (d) {
	case CHARDEV_NULL:
		return 0;
	case CHARDEV_ZERO:
	case CHARDEV_FULL:
		return fill_user(ubuf, n, false);
	case CHARDEV_RANDOM:
	case CHARDEV_URANDOM:
		return fill_user(ubuf, n, true);
	default:
		return -EINVAL;
	}
}

long chardev_write(enum chardev d, unsigned long ubuf, unsigned long n)
{
	(void)ubuf;   /* Linux does not read what it drops either */
	if (d == CHARDEV_FULL)
		return -ENOSPC;
	return (long)(n > CHARDEV_IO_MAX ? CHARDEV_IO_MAX : n);
}

void chardev_stat(enum chardev d, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_dev = DEVTMPFS_DEV;
	st->st_ino = 100 + (unsigned long)d;
	st->st_mode = S_IFCHR | 0666;
	st->st_nlink = 1;
	st->st_rdev = ((unsigned long)nodes[d].major << 8) | nodes[d].minor;
	st->st_blksize = 4096;
	st->st_atime = st->st_mtime = st->st_ctime =
		(long)(clock_boot_realtime_ns() / 1000000000UL);
}
