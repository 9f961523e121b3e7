/* System-call dispatch: numbers and meanings are in include/dakota/syscall.h. */
#ifndef KERNEL_SYSCALL_SYSCALL_H
#define KERNEL_SYSCALL_SYSCALL_H

struct trap_context;

/* Runs the call in tc's a7 with a0-a5 and stores the result in a0. */
void syscall_dispatch(struct trap_context *tc);

#define SYSCALL_ARGS unsigned long a0, unsigned long a1, unsigned long a2, \
	unsigned long a3, unsigned long a4, unsigned long a5
#define SYSCALL_UNUSED (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5
typedef long (*syscall_fn)(SYSCALL_ARGS);

#define X(name) long sys_##name(SYSCALL_ARGS);
#include "kernel/syscall/calls.def"
#undef X

#endif
