/* Open files: the console and pipe ends, shared by fork with a refcount. */
#ifndef KERNEL_PROC_FILE_H
#define KERNEL_PROC_FILE_H

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
 * O_CLOEXEC (accepted, no exec-close yet). */
long file_dup(int fd);
long file_dup3(int oldfd, int newfd, int flags);
long file_pipe(unsigned long fds_uaddr, int flags);

#endif
