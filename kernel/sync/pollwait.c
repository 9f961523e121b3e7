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
_Atomic long poll_pollers;

void poll_begin(void)
{
	__atomic_fetch_add(&poll_pollers, 1, __ATOMIC_SEQ_CST);
}

void poll_end(void)
{
	__atomic_fetch_sub(&poll_pollers, 1, __ATOMIC_SEQ_CST);
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
		err = deadline == POLL_NO_DEADLINE ? wq_sleep(&pollers_wq, &poll_lock) :
		      wq_sleep_until(&pollers_wq, &poll_lock, deadline);
	spin_unlock(&poll_lock);
	return err;
}

/* A poller that read the generation before this bump either sees it
 * moved under poll_lock, or sleeps before we take poll_lock and is woken. */
void poll_notify_pollers(void)
{
	__atomic_fetch_add(&generation, 1, __ATOMIC_SEQ_CST);
	spin_lock(&poll_lock);
	wq_wake_all(&pollers_wq);
	spin_unlock(&poll_lock);
}
