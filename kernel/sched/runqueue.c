/* Global FIFO ready queue. Lock order: thread lock, then this lock. */
#include "kernel/sched/runqueue.h"
#include "kernel/sched/processor.h"
#include "kernel/sched/sched.h"
#include "kernel/proc/thread.h"
#include "kernel/lib/list.h"
#include "kernel/sync/spinlock.h"
#include "kernel/trace/trace.h"
#include "kernel/debug/race_delay.h"

static struct spinlock rq_lock = SPINLOCK_INIT("runqueue", LOCK_RUNQUEUE);
static struct list_node ready = { &ready, &ready };   /* rq_lock */
static _Atomic long ready_count;                      /* rq_lock to write */
static _Atomic unsigned long lock_wait;               /* time spent spinning */
static unsigned next_idle_probe;                      /* racy hint: fine */

/* Takes the queue lock and accounts the time spent waiting for it. */
static void rq_lock_acquire(void)
{
	if (spin_trylock(&rq_lock))
		return;
	unsigned long t0 = arch_time();
	spin_lock(&rq_lock);
	unsigned long waited = arch_time() - t0;
	if (waited) {
		__atomic_fetch_add(&lock_wait, waited, __ATOMIC_RELAXED);
		trace_event(TRACE_RQ_WAIT, waited, 0);
	}
}

/* The pusher's side of the idle protocol: the queue store is ordered before
 * reading the idle flags (fence), and an idle hart publishes its flag before
 * re-checking the queue (fence), so at least one side sees the other. */
static void wake_idle_hart(void)
{
	arch_fence();
	unsigned long others = __atomic_load_n(&idle_harts, __ATOMIC_RELAXED) &
			       ~(1UL << this_processor()->hart);
	while (others) {
		/* Round-robin over idle harts, starting after the last one woken. */
		unsigned long later = others & (~0UL << next_idle_probe);
		unsigned long pick = (later ? later : others) & -(later ? later : others);
		unsigned h = 0;
		while (!(pick >> h & 1))
			h++;
		if (__atomic_fetch_and(&idle_harts, ~pick, __ATOMIC_SEQ_CST) & pick) {
			next_idle_probe = (h + 1) % CONFIG_MAX_HARTS;
			sched_kick(h);
			return;
		}
		others &= ~pick;   /* it woke by itself meanwhile: try another */
	}
}

void rq_push_for_this_hart(struct thread *t)
{
	rq_lock_acquire();
	list_push_back(&ready, &t->rq_link);
	ready_count++;
	spin_unlock(&rq_lock);
}

void rq_push(struct thread *t)
{
	rq_push_for_this_hart(t);
	race_delay(RACE_RQ_PUSH);
	wake_idle_hart();
}

struct thread *rq_push_pop(struct thread *t)
{
	rq_lock_acquire();
	list_push_back(&ready, &t->rq_link);
	struct list_node *n = list_pop_front(&ready);
	long left = ready_count;
	spin_unlock(&rq_lock);
	if (left)
		wake_idle_hart();
	return list_entry(n, struct thread, rq_link);
}

struct thread *rq_pop(void)
{
	if (!__atomic_load_n(&ready_count, __ATOMIC_ACQUIRE))
		return NULL;
	rq_lock_acquire();
	struct list_node *n = list_pop_front(&ready);
	if (n)
		ready_count--;
	spin_unlock(&rq_lock);
	return n ? list_entry(n, struct thread, rq_link) : NULL;
}

bool rq_empty(void)
{
	return __atomic_load_n(&ready_count, __ATOMIC_ACQUIRE) == 0;
}

unsigned long rq_lock_wait_time(void)
{
	return lock_wait;
}
