/* Open tmpfs files: what the fd-level calls do on them (tmpfs_file.c). The
 * calls on any fd are in kernel/proc/file.h; these are their tmpfs cases. */
#ifndef KERNEL_FS_TMPFS_FILE_H
#define KERNEL_FS_TMPFS_FILE_H

struct file;
struct tmpfs_node;

/* A new open file of n at the lowest free fd, taking over the caller's
 * reference to n: the access mode, O_APPEND, O_NONBLOCK and O_CLOEXEC of
 * `flags` apply. The fd, or -EMFILE/-ENOMEM (the reference is dropped). */
long tmpfs_file_install(struct tmpfs_node *n, int flags);
/* read/write at the file position; -EBADF if not open for it. */
long tmpfs_file_read(struct file *f, unsigned long ubuf, unsigned long len);
long tmpfs_file_write(struct file *f, unsigned long ubuf, unsigned long len);

#endif
