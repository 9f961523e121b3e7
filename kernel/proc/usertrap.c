/* User faults and the last checks before a thread returns to user mode. */
#include "kernel/proc/usertrap.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/addrspace.h"
#include "kernel/signal/signal.h"
#include "kernel/dev/console.h"
#include <dakota/syscall.h>

static const char *const fault_names[] = {
	[FAULT_LOAD] = "load page fault",
	[FAULT_STORE] = "store page fault",
	[FAULT_FETCH] = "instruction page fault",
	[FAULT_ILLEGAL] = "illegal instruction",
	[FAULT_MISALIGNED] = "misaligned access",
};

/* The page the access needs cannot be had: the process ends as Linux's
 * out-of-memory killer would end it (SIGKILL, which no handler sees), with
 * one console line however many of its threads get here. */
static void fault_out_of_memory(enum user_fault_kind kind, unsigned long pc, unsigned long addr)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	bool claimed = process_claim_end(W_SIGNALED(SIGKILL));
	if (claimed && p->exit_status == W_SIGNALED(SIGKILL))
		kprintf("dakota: pid %d tid %d (%s): out of memory at a %s at pc %lx addr %lx, "
			"killed by signal %d\n", p->pid, t->tid, p->name, fault_names[kind], pc,
			addr, SIGKILL);
	process_end_self(claimed);
}

void user_fault(enum user_fault_kind kind, unsigned long pc, unsigned long addr)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	static const unsigned access[] = { [FAULT_LOAD] = PERM_R, [FAULT_STORE] = PERM_W,
					   [FAULT_FETCH] = PERM_X };
	int err = kind <= FAULT_FETCH ? as_handle_fault(p->as, addr, access[kind]) : -EFAULT;
	if (err == 0)
		return;
	if (err == -ENOMEM) {
		fault_out_of_memory(kind, pc, addr);
		return;
	}
	int sig = kind == FAULT_ILLEGAL ? SIGILL : SIGSEGV;
	int code = kind == FAULT_ILLEGAL ? ILL_ILLOPC : SEGV_MAPERR;
	/* A handler that does not block the signal gets it (with si_addr); it
	 * runs on the way out. */
	if (signal_fault(sig, code, kind == FAULT_ILLEGAL ? pc : addr))
		return;
	/* One line per process: when threads fault at the same moment on
	 * several harts, or a kill or an exec owns the process already, only
	 * the fault that decides its end reports. */
	bool claimed = process_claim_end(W_SIGNALED(sig));
	if (claimed && p->exit_status == W_SIGNALED(sig))
		kprintf("dakota: pid %d tid %d (%s): %s at pc %lx addr %lx, killed by signal %d\n",
			p->pid, t->tid, p->name, fault_names[kind], pc, addr, sig);
	process_end_self(claimed);
}

void user_return_prepare(void)
{
	struct thread *t = current_thread();
	if (t->need_resched) {
		t->need_resched = false;
		sched_yield();
	}
	if (__builtin_expect(__atomic_load_n(&t->affinity_request, __ATOMIC_RELAXED) != 0, 0))
		sched_apply_affinity_request();
	/* Signals first: a thread held by a stop leaves it killed or continued. */
	if (signal_work(t))
		signal_deliver();
	/* Killed with its process, or alone (by an exec in a sibling). */
	if (thread_killed(t))
		process_exit_killed();
}
