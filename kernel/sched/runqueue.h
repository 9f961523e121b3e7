/* The global ready queue: FIFO, one spinlock, shared by every hart. A hart
 * takes only threads whose affinity mask holds it (runqueue.c says how).
 * Every call but rq_outranks and sched_online_harts is made with interrupts
 * off: under the lock of the thread queued or switched from, or in the
 * scheduler loop (debug builds check it). */
#ifndef KERNEL_SCHED_RUNQUEUE_H
#define KERNEL_SCHED_RUNQUEUE_H

#include <stdbool.h>

struct thread;

/* Appends t (state READY). Then wakes one idle hart that may run t, if any,
 * with an IPI, after dropping the queue lock. */
void rq_push(struct thread *t);
/* Appends t like rq_push but wakes no idle hart: for a caller whose hart
 * is about to switch and take the queue's head itself (an exiting waker).
 * If t may not run on this hart, it wakes an idle hart that may. */
void rq_push_for_this_hart(struct thread *t);
/* Appends t (state READY, its lock held) and takes off the first thread this
 * hart may run, in one critical section: t itself when nothing else was
 * waiting, NULL when t may not run here and nothing else may. Wakes an idle
 * hart only if work is left over for other harts. */
struct thread *rq_push_pop(struct thread *t);
/* The first queued thread this hart may run, taken off; NULL if none. */
struct thread *rq_pop(void);
/* True when nothing queued may run on this hart. */
bool rq_empty(void);
/* Whether t, running on this hart, should give way now: a queued thread it
 * may hand this hart to has a higher priority (t->preempted is then set),
 * or, with `slice_over`, the same priority and t is not SCHED_FIFO
 * (SCHED_OTHER: anything queued for this hart). */
bool rq_outranks(struct thread *t, bool slice_over);
/* Sets t's policy and priority (sched_set_policy): t->lock held. A queued
 * t moves to its new place; a raised one may preempt a hart. */
void rq_set_policy_locked(struct thread *t, unsigned policy, unsigned priority);
/* Harts online now (bit h: hart h). */
unsigned long sched_online_harts(void);
unsigned long rq_lock_wait_time(void);

#endif
