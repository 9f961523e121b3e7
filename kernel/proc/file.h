/* Open files: the console, pipe ends and tmpfs files (kernel/fs/), shared
 * by fork with a refcount. */
#ifndef KERNEL_PROC_FILE_H
#define KERNEL_PROC_FILE_H

#include <stdbool.h>

struct process;

/* fds 0, 1, 2 on the console. */
long file_open_console(struct process *p);
/* Caller holds parent->lock. Child's table becomes a copy (refs taken). */
void file_copy_table(struct process *child, struct process *parent);
void file_close_all(struct process *p);

long file_read(int fd, unsigned long buf, unsigned long n);
long file_write(int fd, unsigned long buf, unsigned long n);
long file_close(int fd);
/* dup: the lowest free fd now shares fd's file. dup3: newfd does, closing
 * what newfd had; -EINVAL if they are equal or flags has bits other than
 * O_CLOEXEC (sets FD_CLOEXEC on newfd). */
long file_dup(int fd);
long file_dup3(int oldfd, int newfd, int flags);
/* pipe2: flags O_CLOEXEC (FD_CLOEXEC on both fds) and O_NONBLOCK (a read
 * of an empty pipe, a write to a full one are -EAGAIN). */
long file_pipe(unsigned long fds_uaddr, int flags);
/* exec: closes the fds marked FD_CLOEXEC. */
void file_close_on_exec(struct process *p);

/* The Linux views of fds (file_linux.c). */
struct stat;
/* fstat's answer for fd: the console is a character device (a tty), a
 * pipe end a FIFO; -EBADF. */
long file_stat(int fd, struct stat *st);
/* 0 if fd is open, else -EBADF. */
long file_check(int fd);
/* fsync/fdatasync: 0 for a tmpfs file (in memory: nothing to write back),
 * -EINVAL for the console, a pipe or a device (no fsync on Linux either);
 * -EBADF. */
long file_sync(int fd);

/* The calls only tmpfs files answer (kernel/fs/tmpfs_file.c); -EBADF for
 * an fd not open. lseek: SEEK_SET/CUR/END/DATA/HOLE (-EINVAL beyond, or
 * for a negative result; -ESPIPE on the console and pipes). */
long file_lseek(int fd, long off, unsigned whence);
/* pread64/pwrite64 at pos: -ESPIPE, -EBADF (not open for it), -EINVAL. */
long file_pio(int fd, unsigned long ubuf, unsigned long len, long pos, bool writing);
/* ftruncate: -EINVAL unless a tmpfs file open for writing and length >= 0. */
long file_truncate(int fd, long length);
/* mmap of fd (MAP_SHARED only; `how`, perm as for as_mmap): -ENODEV for
 * anything else, -EACCES without read access (or write access for a
 * writable mapping). */
long file_mmap(int fd, unsigned long addr, unsigned long len, unsigned perm, unsigned how,
	       unsigned long offset);
/* ioctl: TCGETS/TCSETS*, TIOCGWINSZ/TIOCSWINSZ, TIOCGPGRP/TIOCSPGRP on the
 * console; FIONREAD, FIONBIO, FIOCLEX, FIONCLEX on any fd; else -ENOTTY. */
long file_ioctl(int fd, unsigned long req, unsigned long arg);
/* fcntl: F_DUPFD(_CLOEXEC), F_GETFD/F_SETFD, F_GETFL/F_SETFL; -EINVAL. */
long file_fcntl(int fd, int cmd, unsigned long arg);
/* readv/writev over an iovec array in user memory. */
long file_readv(int fd, unsigned long uiov, int iovcnt);
long file_writev(int fd, unsigned long uiov, int iovcnt);
/* poll: the revents of fd for `events` now (POLLNVAL for a bad fd). */
short file_poll(int fd, short events);

#endif
