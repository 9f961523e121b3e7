/* Wait queues: the one mechanism every blocking path is built on.
 *
 * A wait queue is guarded by the lock of the object that owns it (a pipe's
 * lock, a mutex's lock, ...), passed to every call. A sleeper holds that lock
 * while it checks its condition and calls wq_sleep(), which queues it and
 * takes its own thread lock before dropping the object lock; a waker on any
 * hart holds the object lock too. So no wakeup can fall between the check and
 * the sleep. */
#ifndef KERNEL_SYNC_WAITQUEUE_H
#define KERNEL_SYNC_WAITQUEUE_H

#include <stdbool.h>
#include "kernel/lib/list.h"
#include "kernel/sync/spinlock.h"

struct waitqueue {
	struct list_node waiters;   /* threads, through thread.wait_link */
};

void wq_init(struct waitqueue *wq);
/* Caller holds `lock` (and no other spinlock). Blocks the calling thread until
 * woken; returns with `lock` held again. Returns -EINTR if the thread has been
 * killed or has a signal to take (kernel/signal: the caller unwinds and
 * returns the error; the return to user mode delivers the signal and
 * restarts the call under SA_RESTART), else 0. Wakeups may be
 * spurious: callers re-check their condition in a loop. */
int wq_sleep(struct waitqueue *wq, struct spinlock *lock);
/* Like wq_sleep, but also wakes at time `deadline` (arch_time units). */
int wq_sleep_until(struct waitqueue *wq, struct spinlock *lock, unsigned long deadline);
/* Like wq_sleep, but only a kill ends the wait early (-EINTR), not a
 * signal: for waits that must finish before the thread may take a signal
 * (a condition variable's waiter getting its mutex back). */
int wq_sleep_killable(struct waitqueue *wq, struct spinlock *lock);
/* Like wq_sleep, but a kill does not end the wait: for the thread that
 * tears its own process down while waiting for the other threads. */
void wq_sleep_uninterruptible(struct waitqueue *wq, struct spinlock *lock);
/* Out of line: the wakeups of a queue with waiters. */
int wq_wake_one_queued(struct waitqueue *wq);
int wq_wake_all_queued(struct waitqueue *wq);

/* Caller holds the queue's lock. Return how many threads were made ready.
 * Inline up to the common answer of a busy object: nobody waits. */
static inline int wq_wake_one(struct waitqueue *wq)
{
	return list_empty(&wq->waiters) ? 0 : wq_wake_one_queued(wq);
}

static inline int wq_wake_all(struct waitqueue *wq)
{
	return list_empty(&wq->waiters) ? 0 : wq_wake_all_queued(wq);
}

bool wq_empty(const struct waitqueue *wq);

#endif
