/* The insides of open files, shared by file.c (read, write, pipes, fd
 * table), file_linux.c (stat, ioctl, fcntl, poll, readv) and
 * kernel/fs/tmpfs_file.c (tmpfs files). Nothing else includes this. */
#ifndef KERNEL_PROC_FILE_PRIVATE_H
#define KERNEL_PROC_FILE_PRIVATE_H

#include <stdbool.h>
#include "kernel/sync/spinlock.h"
#include "kernel/sync/waitqueue.h"
#include <dakota/fcntl.h>

struct process;

#define PIPE_SIZE 4096

struct pipe {
	struct spinlock lock;     /* guards everything below but ino */
	char *buf;
	unsigned long read_pos, write_pos;   /* free-running */
	int readers, writers;                /* open ends */
	struct waitqueue can_read, can_write;
	unsigned long ino;                   /* fixed: fstat's st_ino */
};

enum file_kind { FILE_CONSOLE, FILE_PIPE_READ, FILE_PIPE_WRITE, FILE_TMPFS, FILE_DEVICE };

struct tmpfs_node;

struct file {
	_Atomic int refs;
	enum file_kind kind;
	struct pipe *pipe;
	_Atomic int status;       /* O_NONBLOCK | O_APPEND, set by fcntl */
	/* FILE_TMPFS (kernel/fs/tmpfs_file.c): the node (one reference), the
	 * access mode it was opened with (O_RDONLY, O_WRONLY, O_RDWR) and the
	 * file position. Threads sharing the file that read or write it at
	 * once may each use the same position (Linux before 3.14 did too). */
	struct tmpfs_node *node;
	int access;                  /* FILE_DEVICE too */
	_Atomic unsigned long pos;
	int device;                  /* FILE_DEVICE: its enum chardev (kernel/dev/chardev.h) */
};

/* A reference to fd's file of the calling process, or NULL. */
struct file *file_get(int fd);
void file_put(struct file *f);
/* A call on an open file: fd is passed on for the calls that need the
 * number too (fcntl's F_DUPFD, ioctl); a and b are the call's arguments. */
typedef long (*file_op)(int fd, struct file *f, unsigned long a, unsigned long b);
/* op(fd, f, a, b) with a reference to fd's file f held across it (a close
 * on another thread cannot free f meanwhile); -EBADF if fd is not open. */
long file_call(int fd, file_op op, unsigned long a, unsigned long b);
/* The access mode of f as F_GETFL reports it (O_RDONLY, O_WRONLY, O_RDWR). */
static inline int file_access_mode(const struct file *f)
{
	return f->kind == FILE_CONSOLE ? O_RDWR : f->kind == FILE_PIPE_READ ? O_RDONLY :
	       f->kind == FILE_TMPFS || f->kind == FILE_DEVICE ? f->access : O_WRONLY;
}

/* read/write on a file held by reference; `nonblock` adds to O_NONBLOCK.
 * The caller has checked the buffer with user_range_ok (Linux's access_ok,
 * after the access mode: -EBADF before -EFAULT). */
long file_read_from(struct file *f, unsigned long buf, unsigned long n, bool nonblock);
long file_write_to(struct file *f, unsigned long buf, unsigned long n);
/* Installs f (the caller's reference) at the lowest free fd >= min with
 * fd_flags; -EMFILE if none. */
int fd_install_from(struct process *p, struct file *f, int min, unsigned char fd_flags);
/* A new open file of `kind` (one reference) with the access mode,
 * O_APPEND and O_NONBLOCK of open flags, position 0; NULL if out of memory.
 * The caller fills in what its kind needs, then installs it. */
struct file *file_open_new(enum file_kind kind, int flags);
/* Installs f (the caller's reference) at the lowest free fd, with
 * FD_CLOEXEC if flags has O_CLOEXEC: the fd, or -EMFILE (f put). */
long file_install_opened(struct file *f, int flags);
/* /dev/stdout and its kin: another fd (lowest free, FD_CLOEXEC from
 * flags' O_CLOEXEC) on the file of fd, sharing it as dup does; -ENOENT if
 * fd is not open, -EMFILE. */
long file_reopen(int fd, int flags);
/* A new open file on the console (/dev/tty) at the lowest free fd, with
 * O_NONBLOCK and O_CLOEXEC from flags: the fd, -EMFILE or -ENOMEM. */
long file_install_console(int flags);
/* A fresh inode number for a pipe. */
unsigned long pipe_new_ino(void);

#endif
