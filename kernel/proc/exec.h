/* Program loading: ELF images from the initramfs into a new address space. */
#ifndef KERNEL_PROC_EXEC_H
#define KERNEL_PROC_EXEC_H

struct process;
struct strvec;

/* Longest path execve takes, its NUL included (longer: -ENAMETOOLONG). */
#define EXEC_PATH_MAX 256

/* First process: load `path` into p, which has no threads yet, and make its
 * main thread ready. Errors as exec_current's. */
long exec_first(struct process *p, const char *path, const struct strvec *argv,
		const struct strvec *envp);
/* execve for the calling thread, with user pointers: 0 (the new image runs
 * on return to user mode), -ENOENT (no such program), -E2BIG (argv + envp
 * over initstack.h's limits), -ENOEXEC (not a static RISC-V executable: the
 * console says why), -ENOMEM, -EFAULT, -ENAMETOOLONG. */
long exec_current(unsigned long path, unsigned long argv, unsigned long envp);

#endif
