/* The timed-sleep queue.
 *
 * `lock` (LOCK_SLEEPQ) guards the `sleepers` list (ordered by deadline),
 * each queued thread's sleep_link and wake_at, and every write of
 * `sleep_earliest`. Lock order: object lock, sleep-queue lock, thread lock,
 * ready queue. It is taken by a sleeper in wq_sleep_until (holding its
 * object lock, before it blocks), by the timer interrupt of any hart
 * (sleep_wake_expired, which wakes threads under it), and by a woken
 * sleeper taking itself off. Nobody sleeps or switches holding it: a
 * sleeper is queued here, and blocks only after dropping it; the
 * interrupt path never blocks.
 *
 * `sleep_earliest` is read without the lock (the timer-arming paths and the
 * interrupt's early return): a stale value at worst arms a timer too soon
 * (a spurious interrupt) or makes the interrupt take the lock to find
 * nothing due; it never arms one too late, because every add that makes a
 * new earliest deadline stores it before the sleeper blocks, and the
 * sleeper's own hart re-arms its timer on the way to idle. */
#include "kernel/sched/sleep.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/processor.h"
#include "kernel/proc/thread.h"
#include "kernel/sync/waitqueue.h"
#include "kernel/lib/list.h"
#include "kernel/signal/itimer.h"

static struct spinlock lock = SPINLOCK_INIT("sleep-queue", LOCK_SLEEPQ);
static struct list_node sleepers = { &sleepers, &sleepers };   /* by wake_at, lock */
_Atomic unsigned long sleep_earliest = ~0UL;                   /* lock to write */

static void update_earliest(void)
{
	unsigned long e = list_empty(&sleepers) ? ~0UL
		: list_entry(list_front(&sleepers), struct thread, sleep_link)->wake_at;
	__atomic_store_n(&sleep_earliest, e, __ATOMIC_RELEASE);
}

void sleep_queue_add(struct thread *t, unsigned long wake_at)
{
	spin_lock(&lock);
	t->wake_at = wake_at;
	struct list_node *pos;
	list_for_each(pos, &sleepers)
		if (list_entry(pos, struct thread, sleep_link)->wake_at > wake_at)
			break;
	/* insert before pos */
	t->sleep_link.next = pos;
	t->sleep_link.prev = pos->prev;
	pos->prev->next = &t->sleep_link;
	pos->prev = &t->sleep_link;
	update_earliest();
	spin_unlock(&lock);
}

void sleep_queue_remove(struct thread *t)
{
	spin_lock(&lock);
	if (list_linked(&t->sleep_link)) {
		list_remove(&t->sleep_link);
		update_earliest();
	}
	spin_unlock(&lock);
}

void sleep_wake_expired(unsigned long now)
{
	if (__atomic_load_n(&sleep_earliest, __ATOMIC_ACQUIRE) > now)
		return;
	spin_lock(&lock);
	while (!list_empty(&sleepers)) {
		struct thread *t = list_entry(list_front(&sleepers), struct thread, sleep_link);
		if (t->wake_at > now)
			break;
		list_remove(&t->sleep_link);
		thread_wake(t);
	}
	update_earliest();
	spin_unlock(&lock);
}

/* The next time a hart's timer must fire for: a sleeper or an itimer. */
static unsigned long next_deadline(void)
{
	unsigned long e = __atomic_load_n(&sleep_earliest, __ATOMIC_ACQUIRE);
	unsigned long i = itimer_earliest();
	return i < e ? i : e;
}

void sleep_program_timer(unsigned long when)
{
	arch_timer_set(when);
	this_processor()->timer_at = when;
}

void sleep_arm_timer(bool busy)
{
	struct processor *cpu = this_processor();
	unsigned long now = arch_time();
	unsigned long next = now + arch_time_hz;     /* idle: a heartbeat for the watchdog */
	if (busy)
		next = cpu->slice_end > now ? cpu->slice_end : now + sched_slice;
	unsigned long e = next_deadline();
	sleep_program_timer(e < next ? e : next);
}

void sleep_arm_timer_idle(void)
{
	sleep_arm_timer(false);
}

/* The lock here is the sleeper's own, on its stack, guarding a wait queue
 * nobody else can reach: the sleep needs the object-lock protocol of
 * wq_sleep_until, not sharing. It is dropped inside wq_sleep_until before
 * the thread blocks, as every object lock is. */
int sleep_until(unsigned long deadline)
{
	struct spinlock l = SPINLOCK_INIT("nanosleep", LOCK_OBJECT);
	struct waitqueue wq;
	wq_init(&wq);
	int err = 0;
	spin_lock(&l);
	while (!err && arch_time() < deadline)
		err = wq_sleep_until(&wq, &l, deadline);
	spin_unlock(&l);
	return err;
}
