/* The portable half of user traps: faults and the checks before user mode. */
#ifndef KERNEL_PROC_USERTRAP_H
#define KERNEL_PROC_USERTRAP_H

#include <stdbool.h>
#include "kernel/proc/thread.h"

enum user_fault_kind {
	FAULT_LOAD,
	FAULT_STORE,
	FAULT_FETCH,
	FAULT_ILLEGAL,
	FAULT_MISALIGNED,
};

/* A user access that trapped. Page faults inside a region get a page;
 * anything else goes to the thread's SIGSEGV (or SIGILL) handler, or kills
 * the process with one console line when there is none. */
void user_fault(enum user_fault_kind kind, unsigned long pc, unsigned long addr);
/* Before returning to user mode: exit if killed, yield if the slice is over,
 * take pending signals. Only needed when user_return_pending(t). */
void user_return_prepare(void);

/* Whether t has anything for user_return_prepare: the flags it acts on,
 * read relaxed and OR'ed into one branch, because nearly every return has
 * none. A flag set after this read is no loss: whoever sets killed, a
 * signal hint or an affinity request also kicks t's hart (or t is not
 * running), so the kick's trap comes back here; need_resched is set by t's
 * own hart's timer interrupt, seen at the next return as before. The slow
 * path reads each flag again with the ordering it needs. */
__attribute__((always_inline)) static inline bool user_return_pending(const struct thread *t)
{
	unsigned long flags = t->need_resched | __atomic_load_n(&t->killed, __ATOMIC_RELAXED) |
			      __atomic_load_n(&t->sig.hint, __ATOMIC_RELAXED);
	return (flags | __atomic_load_n(&t->affinity_request, __ATOMIC_RELAXED) |
		t->sig.restart_nr) != 0;
}

#endif
