/* System-call dispatch, inline into the trap path (arch/riscv/trap.c): the
 * call through a separate function cost a frame of its own on every call. */
#ifndef KERNEL_SYSCALL_DISPATCH_H
#define KERNEL_SYSCALL_DISPATCH_H

#include "kernel/syscall/syscall.h"
#include "kernel/syscall/unimplemented.h"
#include "kernel/trace/trace.h"
#include "kernel/proc/thread.h"
#include "kernel/sched/sched.h"
#include <dakota/syscall.h>

/* Room for every call number; a number in calls.def at or past it fails to
 * compile (the table's initializer would exceed its bounds). */
#define SYSCALL_SLOTS 1120
extern const syscall_fn syscall_table[SYSCALL_SLOTS];

/* The slow paths (syscall.c), out of line so that the fast one keeps only
 * the call number live across the handler. */
void syscall_dispatch_traced(struct trap_context *tc);
void syscall_interrupted(unsigned long nr);

/* Runs the call in the trap context's a7 with a0-a5 and stores the result
 * in a0; t is the calling (current) thread. */
static inline void syscall_dispatch(struct thread *t)
{
	struct trap_context *tc = t->tc;
	if (trace_hint_any()) {
		syscall_dispatch_traced(tc);
		return;
	}
	unsigned long nr = tc_syscall_nr(tc);
	syscall_fn fn = nr < SYSCALL_SLOTS ? syscall_table[nr] : NULL;
	long r = __builtin_expect(fn != NULL, 1)
		 ? fn(tc_arg(tc, 0), tc_arg(tc, 1), tc_arg(tc, 2), tc_arg(tc, 3), tc_arg(tc, 4),
		      tc_arg(tc, 5))
		 : syscall_unimplemented();
	if (__builtin_expect(r == -EINTR, 0)) {
		syscall_interrupted(nr);
		return;
	}
	/* exec may have replaced the trap context: store into the current one.
	 * t is still the current thread, on whatever hart it now runs. */
	tc_set_return(t->tc, r);
}

#endif
