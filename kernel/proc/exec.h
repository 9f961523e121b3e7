/* Program loading: ELF images from the initramfs into a new address space. */
#ifndef KERNEL_PROC_EXEC_H
#define KERNEL_PROC_EXEC_H

struct process;

/* Records where the initramfs is (physical = kernel address). */
void initramfs_init(const void *start, unsigned long size);
/* Writes the NUL-separated names of every program into buf; bytes used. */
long initramfs_list(char *buf, unsigned long len);
/* First process: load `path` into p, which has no threads yet, and make its
 * main thread ready. */
long exec_first(struct process *p, const char *path, char *const argv[], char *const envp[]);
/* execve for the calling thread, with user pointers. */
long exec_current(unsigned long path, unsigned long argv, unsigned long envp);

#endif
