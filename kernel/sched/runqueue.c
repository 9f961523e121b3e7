/* Global FIFO ready queue with per-thread affinity.
 *
 * Lock order: thread lock, then rq_lock. rq_lock guards the list and the
 * per-hart counts; it is held for a few list operations only, and nobody
 * sleeps or switches while holding it.
 *
 * Affinity: the queue stays one FIFO. A hart takes the first thread in
 * queue order that may run on it (rq_pop scans past threads pinned to other
 * harts), so among the threads a hart may run, FIFO order holds. Each hart
 * also has a count of queued threads it may run (runnable[h]): an idle hart
 * looks at its own count, not at the queue length, so it sleeps in wfi
 * rather than spinning when everything queued is pinned elsewhere, and a
 * busy hart's timer preempts its thread only for work it could run. A push
 * wakes an idle hart from the pushed thread's mask (wake_idle_hart), and a
 * hart that keeps a pushed thread for itself (rq_push_for_this_hart) kicks
 * another hart instead when the thread may not run here. A thread's mask
 * does not change while it is queued (thread.h), so the counts a push added
 * are the counts its pop takes away. */
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
/* Queued threads hart h may run; rq_lock to write, read without it. */
static _Atomic long runnable[CONFIG_MAX_HARTS];
static _Atomic unsigned long lock_wait;               /* time spent spinning */
static unsigned next_idle_probe;                      /* racy hint: fine */

/* The online harts, cached once the boot hart has stopped waiting for the
 * others (processor_count set): no hart comes or goes after that. */
static unsigned long online_cache;

unsigned long sched_online_harts(void)
{
	unsigned long mask = __atomic_load_n(&online_cache, __ATOMIC_RELAXED);
	if (mask)
		return mask;
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++)
		if (__atomic_load_n(&processors[h].online, __ATOMIC_ACQUIRE))
			mask |= 1UL << h;
	if (__atomic_load_n(&processor_count, __ATOMIC_ACQUIRE))
		__atomic_store_n(&online_cache, mask, __ATOMIC_RELAXED);
	return mask;
}

/* Harts t may run on now: its mask, less the harts that are not online. */
static unsigned long thread_harts(const struct thread *t)
{
	return t->affinity & sched_online_harts();
}

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

/* Adds `delta` to the count of every hart in `harts`. rq_lock held. */
static void count_harts(unsigned long harts, long delta)
{
	for (unsigned h = 0; harts; h++, harts >>= 1)
		if (harts & 1)
			__atomic_fetch_add(&runnable[h], delta, __ATOMIC_RELEASE);
}

static void enqueue(struct thread *t)
{
	list_push_back(&ready, &t->rq_link);
	count_harts(thread_harts(t), 1);
}

/* The first queued thread that may run on `hart`, taken off; NULL if none.
 * rq_lock held. */
static struct thread *dequeue_for(unsigned hart)
{
	struct list_node *pos;
	list_for_each(pos, &ready) {
		struct thread *t = list_entry(pos, struct thread, rq_link);
		unsigned long harts = thread_harts(t);
		if (harts >> hart & 1) {
			list_remove(&t->rq_link);
			count_harts(harts, -1);
			return t;
		}
	}
	return NULL;
}

/* Harts that have queued work they may run. */
static unsigned long harts_with_work(void)
{
	unsigned long harts = 0;
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++)
		if (__atomic_load_n(&runnable[h], __ATOMIC_ACQUIRE))
			harts |= 1UL << h;
	return harts;
}

/* The pusher's side of the idle protocol: the queue store is ordered before
 * reading the idle flags (fence), and an idle hart publishes its flag before
 * re-checking its count (fence), so at least one side sees the other.
 * Wakes one idle hart among `harts`, other than this one. */
static void wake_idle_hart(unsigned long harts)
{
	arch_fence();
	unsigned long others = __atomic_load_n(&idle_harts, __ATOMIC_RELAXED) & harts &
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
	enqueue(t);
	unsigned long harts = thread_harts(t);
	spin_unlock(&rq_lock);
	/* Kept for this hart only if it may run here. */
	if (!(harts >> this_processor()->hart & 1))
		wake_idle_hart(harts);
}

void rq_push(struct thread *t)
{
	rq_lock_acquire();
	enqueue(t);
	unsigned long harts = thread_harts(t);
	spin_unlock(&rq_lock);
	race_delay(RACE_RQ_PUSH);
	wake_idle_hart(harts);
}

struct thread *rq_push_pop(struct thread *t)
{
	unsigned hart = this_processor()->hart;
	rq_lock_acquire();
	enqueue(t);
	struct thread *next = dequeue_for(hart);
	unsigned long left = harts_with_work() & ~(1UL << hart);
	spin_unlock(&rq_lock);
	if (left)
		wake_idle_hart(left);
	return next;
}

struct thread *rq_pop(void)
{
	unsigned hart = this_processor()->hart;
	if (!__atomic_load_n(&runnable[hart], __ATOMIC_ACQUIRE))
		return NULL;
	rq_lock_acquire();
	struct thread *t = dequeue_for(hart);
	spin_unlock(&rq_lock);
	return t;
}

bool rq_empty(void)
{
	return __atomic_load_n(&runnable[this_processor()->hart], __ATOMIC_ACQUIRE) == 0;
}

unsigned long rq_lock_wait_time(void)
{
	return lock_wait;
}
