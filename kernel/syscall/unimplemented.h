/* System calls Dakota does not implement: -ENOSYS, reported once. */
#ifndef KERNEL_SYSCALL_UNIMPLEMENTED_H
#define KERNEL_SYSCALL_UNIMPLEMENTED_H

/* For the calling thread's system call, which has no handler: prints
 * "dakota: pid P (name) system call N not implemented" the first time this
 * process makes it (unless it is a quiet probe, see unimplemented.c) and
 * returns -ENOSYS. It takes no argument and reads the number from the trap
 * context itself, so that the dispatcher's fast path moves no register to
 * call it. */
__attribute__((cold)) long syscall_unimplemented(void);

#endif
