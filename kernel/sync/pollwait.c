/* The poll generation (pollwait.h).
 *
 * Lock order: poll_lock is an object lock, taken with no other object lock
 * held (notifiers call in after releasing theirs); a waiting poller's
 * thread lock nests inside it (wq_sleep). */
#include "kernel/sync/pollwait.h"
#include "kernel/sync/spinlock.h"
#include "kernel/sync/waitqueue.h"

static struct spinlock poll_lock = SPINLOCK_INIT("poll", LOCK_OBJECT);
static struct waitqueue pollers_wq = {   /* poll_lock */
	.waiters = { &pollers_wq.waiters, &pollers_wq.waiters },
};
static _Atomic unsigned long generation;
static _Atomic long pollers;   /* in a ppoll or pselect6 call now */

void poll_begin(void)
{
	__atomic_fetch_add(&pollers, 1, __ATOMIC_SEQ_CST);
}

void poll_end(void)
{
	__atomic_fetch_sub(&pollers, 1, __ATOMIC_SEQ_CST);
}

unsigned long poll_generation(void)
{
	return __atomic_load_n(&generation, __ATOMIC_SEQ_CST);
}

long poll_wait_change(unsigned long seen, unsigned long deadline)
{
	long err = 0;
	spin_lock(&poll_lock);
	if (__atomic_load_n(&generation, __ATOMIC_SEQ_CST) == seen)
		err = deadline == ~0UL ? wq_sleep(&pollers_wq, &poll_lock) :
		      wq_sleep_until(&pollers_wq, &poll_lock, deadline);
	spin_unlock(&poll_lock);
	return err;
}

/* The generation moves before the pollers count is read, and a poller
 * counts itself before it reads the generation (both sequentially
 * consistent): a notifier that finds no poller made its change before any
 * poller's first scan could miss it. */
void poll_notify(void)
{
	__atomic_fetch_add(&generation, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&pollers, __ATOMIC_SEQ_CST))
		return;
	spin_lock(&poll_lock);
	wq_wake_all(&pollers_wq);
	spin_unlock(&poll_lock);
}
