/* The scheduler: each hart runs sched_loop(), which takes threads from the
 * global ready queue, runs each until it yields, blocks, exits or uses up
 * its time slice, and sleeps in wfi when there is nothing to run. */
#ifndef KERNEL_SCHED_SCHED_H
#define KERNEL_SCHED_SCHED_H

#include <stdbool.h>
#include "kernel/sched/processor.h"

struct thread;

__attribute__((noreturn)) void sched_loop(void);
/* Switches away from the current thread. Caller holds exactly one spinlock,
 * the current thread's own, and has set its state; returns (on whatever
 * hart) with that lock held again once the thread is scheduled. */
void sched_switch(void);
/* Gives the hart to the next ready thread this hart may run, if any.
 * Always 0, the yield system call's value, returned so that the system
 * call is a tail call (on the hot path of a yielding thread). */
long sched_yield(void);
/* The thread running on this hart; NULL in the scheduler loop. */
static inline struct thread *current_thread(void)
{
	return this_processor()->current;
}
/* Timer interrupt on this hart. */
void sched_timer_interrupt(void);
/* Software interrupt on this hart. */
void sched_ipi(void);
/* Asks every other hart to stop (panic). */
void sched_stop_other_harts(void);
/* Interrupts `hart` so it notices a kill or new work; while this hart holds
 * spinlocks, the IPI waits until it holds none. */
void sched_kick(unsigned hart);
/* Sets the calling thread's affinity to `mask` (bit h: hart h) less the
 * offline harts, and moves it to a hart in the mask before returning;
 * -EINVAL if no online hart is left. */
long sched_set_affinity(unsigned long mask);
/* The calling thread's affinity: always a non-empty set of online harts. */
unsigned long sched_get_affinity(void);
/* Another thread's: asks t to take `mask` (online harts only; -EINVAL if
 * none) the next time it returns to user mode, where it moves at once if
 * its hart is not in the mask; t is kicked if it is running. Caller holds
 * t->proc->lock, so t cannot be freed meanwhile. */
long sched_request_affinity(struct thread *t, unsigned long mask);
/* t's affinity as seen from outside: the request not yet applied, if any. */
unsigned long sched_affinity_of(const struct thread *t);
/* On the way to user mode: applies a mask another thread asked for. */
void sched_apply_affinity_request(void);
/* Scheduling policies, Linux's numbers (sched_setscheduler). BATCH and
 * IDLE are scheduled as OTHER: Dakota has no nice levels. */
enum sched_policy {
	SCHED_POLICY_OTHER = 0,
	SCHED_POLICY_FIFO = 1,
	SCHED_POLICY_RR = 2,
	SCHED_POLICY_BATCH = 3,
	SCHED_POLICY_IDLE = 5,
};
/* Gives t a policy and real-time priority (1..99 for FIFO and RR, else 0;
 * the caller has checked them and the permission): a queued t moves to its
 * new place, a raised one may preempt a lower-priority hart, a lowered one
 * gives way to a higher queued thread. Caller holds t->proc->lock (t cannot
 * be freed) or t is the calling thread, and no thread or queue lock. */
void sched_set_policy(struct thread *t, unsigned policy, unsigned priority, bool reset_on_fork);
/* The time slice in arch_time units; set as the first hart starts scheduling. */
extern unsigned long sched_slice;

#endif
