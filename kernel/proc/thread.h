/* Threads: the unit the scheduler runs. A thread belongs to one process and
 * shares its address space; it has its own kernel stack, trap-context page
 * and user-stack slot, all found from its tid. */
#ifndef KERNEL_PROC_THREAD_H
#define KERNEL_PROC_THREAD_H

#include <stdbool.h>
#include "arch/riscv/arch.h"
#include "kernel/lib/list.h"
#include "kernel/sync/spinlock.h"
#include "kernel/signal/sigstate.h"

struct process;
struct waitqueue;

enum thread_state {
	THREAD_READY,      /* on the ready queue, or about to be */
	THREAD_RUNNING,    /* on a hart (possibly on its way off it) */
	THREAD_BLOCKED,    /* on a wait queue */
	THREAD_EXITED,     /* finished; its control block waits to be reaped */
};

struct thread {
	/* Guards state and waiting_on. Held across a context switch: a thread
	 * switching out holds it until the scheduler on its hart has saved its
	 * registers, so a waker or reaper on another hart that takes it can
	 * never see a half-switched thread. */
	struct spinlock lock;
	enum thread_state state;
	struct waitqueue *waiting_on;   /* lock; NULL unless queued */
	struct list_node wait_link;     /* lock of the queue's owner */
	struct list_node rq_link;       /* runqueue lock */
	/* Must exit at the next chance: set (never cleared) by whoever owns
	 * the end of its process, or by a SIGKILL (process.c). */
	_Atomic bool killed;
	bool need_resched;              /* own hart only: slice used up */
	/* Own hart only: it leaves the CPU for a higher real-time priority,
	 * so it goes back to the head of its priority's threads (Linux). */
	bool preempted;

	/* Scheduling class (sched_setscheduler): policy SCHED_OTHER (0),
	 * SCHED_FIFO (1) or SCHED_RR (2), and the real-time priority, 1..99
	 * for the last two, 0 for SCHED_OTHER. Inherited from the creating
	 * thread (SCHED_OTHER if it asked for reset-on-fork). Written under
	 * t->lock and the runqueue lock together (sched_set_policy), so the
	 * queue, which orders by priority, reads them under its own lock;
	 * other readers load them relaxed. */
	unsigned char policy;
	unsigned char rt_priority;
	bool reset_on_fork;

	/* Harts the thread may run on (bit h: hart h), before masking with
	 * the online harts; inherited from the creating thread, all ones for
	 * the first. Written only by the thread itself while it runs
	 * (sched_set_affinity), so it never changes while the thread is on the
	 * ready queue, which reads it under the queue lock. */
	unsigned long affinity;
	/* A mask another thread asked for (sched_setaffinity with this
	 * thread's Linux tid: glibc's pthread_create with a cpuset, and
	 * pthread_setaffinity_np), 0 for none. Only the thread itself applies
	 * it (sched_apply_affinity_request, on its way to user mode), so the
	 * rule above holds; atomic. */
	_Atomic unsigned long affinity_request;

	/* Set at creation, then read-only. */
	/* System-wide creation number, never reused (64 bits do not wrap):
	 * an identity that outlives the thread, for owners recorded by
	 * mutexes (kernel/sync/objects.c), where an address may be reused. */
	unsigned long serial;
	int tid;
	int slot;                       /* kernel-stack slot, system-wide */
	/* User stack at USTACK_TOP(stack_slot): the tid, except in a child
	 * forked from thread k > 0, whose tid 0 keeps running on slot k. Then
	 * tid k stays reserved in proc->tids (never given to a new thread, so
	 * no stack is mapped over this one) until exec or the process ends.
	 * Changed only by the thread itself: by exec, and by a vfork caller
	 * killed while its child may still run on this stack (clone.c:
	 * NO_STACK_SLOT, so its end leaves the stack in place). */
	int stack_slot;
	/* Trap-context page at TRAP_CONTEXT(trap_slot): the tid, except in a
	 * vfork child running in its parent's address space, whose tid 0 uses
	 * a tid its parent holds reserved meanwhile (clone.c), so that the page
	 * is no parent thread's. Changed only by exec, on the thread itself. */
	int trap_slot;
	struct process *proc;
	struct trap_context *tc;        /* kernel address of the trap-context page */
	unsigned long kstack_top;

	struct context ctx;             /* saved by arch_switch; its hart only */
	int exit_code;                  /* process lock; valid once EXITED */
	int hart;                       /* hart it runs on or last ran on, -1 never */
	int fp_hart;                    /* hart whose FP file holds its registers */
	/* Harts that have not yet flushed their TLB for this thread's reused
	 * kernel-stack slot (sched.c, run_thread). Thread lock. */
	unsigned long kstack_unflushed_harts;
	/* False until the thread's first FP instruction: until then it runs with
	 * the FP unit off and a switch to it neither loads nor saves FP state.
	 * Its own hart only. */
	bool fp_used;
	/* Set by an exiting thread before it wakes its joiner or parent: the
	 * first thread it wakes is left for this hart, which is about to be
	 * free, instead of kicking an idle hart to race it for the queue (a
	 * "sync" wakeup). Own hart only. */
	bool wake_sync;

	/* Accounting, written by the hart running it. */
	unsigned long run_time;         /* arch_time units */
	unsigned long switches;
	unsigned long run_start;

	/* Linux view (linux_tid.c, clone.c, robust.c). */
	int linux_tid;                  /* own id from the pid space; 0 for tid 0 */
	/* Made by clone(CLONE_THREAD): never joined with waittid. Fixed. */
	bool linux_clone;
	/* Left through Linux's exit while siblings live on: the scheduler frees
	 * it once it is off its hart (clone_reap). Set under the process and
	 * thread locks as it becomes EXITED. */
	bool reap_after_switch;
	/* set_tid_address / CLONE_CHILD_CLEARTID: cleared and woken at exit.
	 * Written by the thread itself (or before it first runs). */
	unsigned long clear_child_tid;
	/* set_robust_list head; atomic (get_robust_list reads another's). */
	_Atomic unsigned long robust_list;
	/* Its PI futexes are being or have been handed on at its end
	 * (futex_pi_exit): no PI waiter may start waiting for it as owner.
	 * Set under the process lock, cleared by exec (futex_pi_exec). */
	_Atomic bool futex_pi_gone;
	/* Mask, thread-directed pending signals, alternate stack: the
	 * process lock (kernel/signal/sigstate.h). */
	struct thread_signals sig;

	/* Timed sleeps, guarded by the sleep-queue lock. */
	struct list_node sleep_link;
	unsigned long wake_at;
};

/* stack_slot of a thread with no Dakota user stack (clone threads run on
 * the stack their creator gave). */
#define NO_STACK_SLOT (-1)

/* A mapped kernel stack (with its guard page) that belongs to no thread,
 * never returned: for the kernel self-test that overflows one. */
long thread_kstack_borrow(unsigned long *top);
/* Allocates a thread of `p` with a free tid, its kernel stack and its
 * trap-context page mapped at TRAP_CONTEXT(tid). Caller holds p->lock.
 * -EAGAIN over the per-process or system bound, while the process is
 * exiting or owned by an exec or its teardown (p->sole), and while it is a
 * vfork child sharing its parent's space (p->vfork_shared: the tid's page
 * may be a parent thread's); -ENOMEM. */
long thread_alloc(struct process *p, struct thread **out);
/* thread_alloc for the first thread (tid 0) of a process being built (a
 * fork child, or the init process), taking p->lock itself: the builder
 * holds no lock of p at that point. Its trap-context page is at
 * TRAP_CONTEXT(trap_slot) of p->as: 0, or for a vfork child sharing its
 * parent's space, the tid the parent reserved for it. */
long thread_alloc_first(struct process *p, int trap_slot, struct thread **out);
/* Frees what thread_alloc made. Caller holds p->lock; the thread is not on
 * any hart (its lock handover is complete). */
void thread_free(struct thread *t);
/* Hands a thread made by thread_alloc, its registers set, to the scheduler:
 * until now no hart could pick it. Caller holds no lock of t. */
void thread_start(struct thread *t);
/* The first time a new thread runs, the scheduler lands here. */
void thread_first_run(void);
/* Ends the calling thread with `code`; frees its user-side resources at once. */
__attribute__((noreturn)) void thread_exit(int code);
/* Makes t notice a flag its waker has just set (killed, a signal): a thread
 * blocked in an interruptible wait is made ready (the wait re-checks and
 * returns -EINTR), one running on another hart takes an IPI and so passes
 * the return-to-user checks at once; any other sees the flag at its next
 * return to user mode. Caller holds t->proc->lock (t cannot be freed). */
void thread_interrupt(struct thread *t);
/* Makes a blocked thread ready; false if it was not blocked. The caller
 * holds a spinlock that it keeps until after the call (the wait queue's
 * object lock, or the sleep queue's), so interrupts are off: t's lock is
 * taken without irq_save's nesting (spin_lock_irqs_off). */
bool thread_wake(struct thread *t);
/* Waits until t's last switch-out is complete (its lock handed back). */
void thread_wait_off_hart(struct thread *t);

static inline bool thread_killed(const struct thread *t)
{
	return __atomic_load_n(&t->killed, __ATOMIC_ACQUIRE);
}

extern _Atomic long thread_live_count;   /* system-wide, for kstat */

#endif
