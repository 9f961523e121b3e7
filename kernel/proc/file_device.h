/* Open files on /dev's character devices (kernel/dev/chardev.h): what
 * openat makes of /dev/null and its kin, and their read, write, pread,
 * pwrite and mmap. lseek on them is 0 (file_lseek), as on Linux. */
#ifndef KERNEL_PROC_FILE_DEVICE_H
#define KERNEL_PROC_FILE_DEVICE_H

#include "kernel/dev/chardev.h"

struct file;

/* openat of device d with Linux's open flags: the new fd; -ENOTDIR for
 * O_DIRECTORY, -EEXIST for O_CREAT|O_EXCL, -EMFILE, -ENOMEM. /dev/tty is
 * the console; /dev/stdin, stdout and stderr a new fd on the file of fd 0,
 * 1 or 2 (-ENOENT if that is closed, as Linux's dangling link). */
long device_file_open(enum chardev d, int flags);
/* -EBADF unless the file was opened for it. */
long device_file_read(struct file *f, unsigned long ubuf, unsigned long n);
long device_file_write(struct file *f, unsigned long ubuf, unsigned long n);
/* mmap of /dev/zero is anonymous memory (private, or shared with the
 * process's children for MAP_SHARED), as on Linux; -ENODEV for the others;
 * `how` and perm as for as_mmap. */
long device_file_mmap(struct file *f, unsigned long addr, unsigned long len, unsigned perm,
		      unsigned how);

#endif
