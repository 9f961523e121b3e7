/* The portable half of user traps: faults and the checks before user mode. */
#ifndef KERNEL_PROC_USERTRAP_H
#define KERNEL_PROC_USERTRAP_H

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
 * take pending signals. */
void user_return_prepare(void);

#endif
