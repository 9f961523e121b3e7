/* The character devices in /dev that programs open by name: null, zero,
 * full, random, urandom (memory devices, Linux's major 1) and tty (the
 * console). A file opened on one of them is a FILE_DEVICE (kernel/proc/
 * file_private.h) holding the device's number; /dev/tty opens the console
 * itself. Beside them, stdin, stdout and stderr, which on Linux are links
 * to /proc/self/fd/0, 1 and 2: opening one gives another fd on the file
 * behind fd 0, 1 or 2, and stat describes that file. */
#ifndef KERNEL_DEV_CHARDEV_H
#define KERNEL_DEV_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>

enum chardev {
	CHARDEV_NULL,
	CHARDEV_ZERO,
	CHARDEV_FULL,
	CHARDEV_RANDOM,
	CHARDEV_URANDOM,
	CHARDEV_TTY,
	CHARDEV_STDIN,
	CHARDEV_STDOUT,
	CHARDEV_STDERR,
	CHARDEVS,
	CHARDEV_NONE = -1
};

struct stat;

/* st_dev of /dev's nodes, the console's included (Linux's devtmpfs). */
#define DEVTMPFS_DEV 6UL

/* For stdin, stdout and stderr, the fd they stand for (0, 1, 2); -1 for
 * a device. */
static inline int chardev_stdio_fd(enum chardev d)
{
	return d >= CHARDEV_STDIN && d <= CHARDEV_STDERR ? (int)(d - CHARDEV_STDIN) : -1;
}

/* The device named name[0, len) in /dev, or CHARDEV_NONE. */
enum chardev chardev_find(const char *name, size_t len);
/* Linux's answers: a read of null is 0 (end of file), of zero and full n
 * zero bytes, of random and urandom n random bytes (kernel/lib/random.h:
 * not cryptographic); a write to full is -ENOSPC, to the others n bytes
 * taken and dropped. -EFAULT if nothing could be copied. Not for
 * CHARDEV_TTY, which is opened as the console. */
long chardev_read(enum chardev d, unsigned long ubuf, unsigned long n);
long chardev_write(enum chardev d, unsigned long ubuf, unsigned long n);
/* stat of the device node: S_IFCHR, mode 0666, Linux's device number (not
 * for stdin, stdout and stderr: the caller stats their fd). */
void chardev_stat(enum chardev d, struct stat *st);

#endif
