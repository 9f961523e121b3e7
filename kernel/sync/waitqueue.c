/* Wait queues. See waitqueue.h for the protocol; the lock order is object
 * lock, then sleep-queue lock, then thread lock, then ready queue. */
#include "kernel/sync/waitqueue.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleep.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/process.h"
#include "kernel/signal/signal.h"
#include "kernel/trace/trace.h"
#include "kernel/debug/race_delay.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>

void wq_init(struct waitqueue *wq)
{
	list_init(&wq->waiters);
}

bool wq_empty(const struct waitqueue *wq)
{
	return list_empty(&wq->waiters);
}

/* What may end a wait early: nothing, a kill, or a kill and a signal to
 * deliver. */
enum wait_kind { WAIT_UNINTERRUPTIBLE, WAIT_KILLABLE, WAIT_INTERRUPTIBLE };

static bool interrupted(const struct thread *t, enum wait_kind kind)
{
	if (kind == WAIT_UNINTERRUPTIBLE)
		return false;
	return thread_killed(t) || (kind == WAIT_INTERRUPTIBLE && signal_pending(t));
}

static int sleep_on(struct waitqueue *wq, struct spinlock *lock, unsigned long deadline,
		    enum wait_kind kind)
{
	struct thread *t = current_thread();
	bool killed = interrupted(t, kind);
	if (killed)
		return -EINTR;
	list_push_back(&wq->waiters, &t->wait_link);
	if (deadline)
		sleep_queue_add(t, deadline);
	race_delay(RACE_WAIT_QUEUED);
	spin_lock(&t->lock);
	/* A killer, a signal sender or the sleep-queue timer that ran before
	 * we took t->lock saw us not yet blocked: then do not block now. */
	bool block = !interrupted(t, kind) && !(deadline && arch_time() >= deadline);
	if (block) {
		t->waiting_on = wq;
		t->state = THREAD_BLOCKED;
		trace_event(TRACE_BLOCK, (unsigned long)t->proc->pid << 16 | (unsigned)t->tid, 0);
		spin_unlock(lock);
		sched_switch();
		/* Running again: whoever woke us is done with waiting_on. */
		t->waiting_on = NULL;
	}
	spin_unlock(&t->lock);
	if (block)
		spin_lock(lock);
	/* Woken by a kill or a timeout, we may still be queued. */
	if (list_linked(&t->wait_link))
		list_remove(&t->wait_link);
	if (deadline)
		sleep_queue_remove(t);
	return interrupted(t, kind) ? -EINTR : 0;
}

int wq_sleep(struct waitqueue *wq, struct spinlock *lock)
{
	return sleep_on(wq, lock, 0, WAIT_INTERRUPTIBLE);
}

int wq_sleep_killable(struct waitqueue *wq, struct spinlock *lock)
{
	return sleep_on(wq, lock, 0, WAIT_KILLABLE);
}

int wq_sleep_until(struct waitqueue *wq, struct spinlock *lock, unsigned long deadline)
{
	return sleep_on(wq, lock, deadline ? deadline : 1, WAIT_INTERRUPTIBLE);
}

void wq_sleep_uninterruptible(struct waitqueue *wq, struct spinlock *lock)
{
	sleep_on(wq, lock, 0, WAIT_UNINTERRUPTIBLE);
}

int wq_wake_one_queued(struct waitqueue *wq)
{
	while (!list_empty(&wq->waiters)) {
		struct list_node *n = list_pop_front(&wq->waiters);
		if (thread_wake(list_entry(n, struct thread, wait_link)))
			return 1;
	}
	return 0;
}

int wq_wake_all_queued(struct waitqueue *wq)
{
	int woken = 0;
	while (!list_empty(&wq->waiters))
		woken += thread_wake(list_entry(list_pop_front(&wq->waiters),
						struct thread, wait_link));
	return woken;
}
