/* The timed-sleep queue. Lock order: object lock, sleep-queue lock, thread. */
#include "kernel/sched/sleep.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/processor.h"
#include "kernel/proc/thread.h"
#include "kernel/sync/waitqueue.h"
#include "kernel/lib/list.h"
#include "kernel/signal/itimer.h"

static struct spinlock lock = SPINLOCK_INIT("sleep-queue", LOCK_SLEEPQ);
static struct list_node sleepers = { &sleepers, &sleepers };   /* by wake_at, lock */
static _Atomic unsigned long earliest = ~0UL;                  /* lock to write */

static void update_earliest(void)
{
	unsigned long e = list_empty(&sleepers) ? ~0UL
		: list_entry(list_front(&sleepers), struct thread, sleep_link)->wake_at;
	__atomic_store_n(&earliest, e, __ATOMIC_RELEASE);
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
	if (__atomic_load_n(&earliest, __ATOMIC_ACQUIRE) > now)
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
	unsigned long e = __atomic_load_n(&earliest, __ATOMIC_ACQUIRE);
	unsigned long i = itimer_earliest();
	return i < e ? i : e;
}

static void program(struct processor *cpu, unsigned long when)
{
	arch_timer_set(when);
	cpu->timer_at = when;
}

void sleep_arm_timer(bool busy)
{
	struct processor *cpu = this_processor();
	unsigned long now = arch_time();
	unsigned long next = now + arch_time_hz;     /* idle: a heartbeat for the watchdog */
	if (busy)
		next = cpu->slice_end > now ? cpu->slice_end : now + sched_slice;
	unsigned long e = next_deadline();
	program(cpu, e < next ? e : next);
}

void sleep_arm_timer_for_slice(void)
{
	struct processor *cpu = this_processor();
	unsigned long want = cpu->slice_end;
	unsigned long e = next_deadline();
	if (e < want)
		want = e;
	if (cpu->timer_at > want)
		program(cpu, want);
}

void sleep_arm_timer_idle(void)
{
	sleep_arm_timer(false);
}

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
