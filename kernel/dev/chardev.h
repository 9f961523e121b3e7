/* The character devices in /dev that programs open by name: null, zero,
 * full, random, urandom (memory devices, Linux's major 1) and tty (the
 * console). A file opened on one of them is a FILE_DEVICE (kernel/proc/
 * file_private.h) holding the device's number; /dev/tty opens the console
 * itself. */
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
	CHARDEVS,
	CHARDEV_NONE = -1
};

struct stat;

/* The device named name[0, len) in /dev, or CHARDEV_NONE. */
enum chardev chardev_find(const char *name, size_t len);
/* Linux's answers: a read of null is 0 (end of file), of zero and full n
 * zero bytes, of random and urandom n random bytes (kernel/lib/random.h:
 * not cryptographic); a write to full is -ENOSPC, to the others n bytes
 * taken and dropped. -EFAULT if nothing could be copied. Not for
 * CHARDEV_TTY, which is opened as the console. */
long chardev_read(enum chardev d, unsigned long ubuf, unsigned long n);
long chardev_write(enum chardev d, unsigned long ubuf, unsigned long n);
/* stat of the device node: S_IFCHR, mode 0666, Linux's device number. */
void chardev_stat(enum chardev d, struct stat *st);

#endif
