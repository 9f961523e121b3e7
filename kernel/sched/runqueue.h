/* The global ready queue: FIFO, one spinlock, shared by every hart. */
#ifndef KERNEL_SCHED_RUNQUEUE_H
#define KERNEL_SCHED_RUNQUEUE_H

#include <stdbool.h>

struct thread;

/* Appends t (state READY). Then wakes one idle hart, if any, with an IPI,
 * after dropping the queue lock. */
void rq_push(struct thread *t);
/* Appends t like rq_push but wakes no idle hart: for a caller whose hart
 * is about to switch and take the queue's head itself (an exiting waker). */
void rq_push_for_this_hart(struct thread *t);
/* Appends t (state READY, its lock held) and takes the head off, in one
 * critical section; the head is t when the queue was empty. Wakes an idle
 * hart only if work is left over. */
struct thread *rq_push_pop(struct thread *t);
/* NULL when empty. */
struct thread *rq_pop(void);
bool rq_empty(void);
unsigned long rq_lock_wait_time(void);

#endif
