/* Global FIFO ready queue with per-thread affinity and real-time priorities.
 *
 * Priorities: SCHED_OTHER threads (priority 0) go to the tail, in FIFO
 * order, as before real-time policies existed. A SCHED_FIFO or SCHED_RR
 * thread (priority 1..99) goes after every queued thread of its priority or
 * higher and before every lower one, so the queue is always sorted by
 * priority and a hart's first eligible thread is the highest-priority one
 * it may run. Once a real-time thread is queued, the hart running the
 * lowest priority below it (that the thread may use) is asked to give way:
 * this hart's thread directly, another by an IPI, after which sched_ipi
 * compares the queue with its thread (rq_outranks). The timer tick asks the
 * same question, so a missed IPI costs at most a tick. Real-time threads
 * are not throttled: like Linux with sched_rt_runtime_us = -1, a SCHED_FIFO
 * thread that never blocks keeps its hart from every lower priority.
 *
 * Lock order: thread lock, then rq_lock. rq_lock guards the list and the
 * per-hart counts; it is held for a few list operations only, and nobody
 * sleeps or switches while holding it. Every operation is entered with
 * interrupts off (rq_lock_acquire), except rq_outranks.
 *
 * Affinity: the queue stays one FIFO. A hart takes the first thread in
 * queue order that may run on it (rq_pop scans past threads pinned to other
 * harts), so among the threads a hart may run, FIFO order holds. The
 * queued threads a hart may run are counted: `ready_any` counts those that
 * may run on every online hart (the common case, one increment), and
 * pinned[h] those with a narrower mask that includes hart h. An idle hart
 * looks at its own count (runnable_on), not at the queue length, so it
 * sleeps in wfi rather than spinning when everything queued is pinned
 * elsewhere, and a busy hart's timer preempts its thread only for work it
 * could run. A push (and a switch that leaves work queued) kicks an idle
 * hart that has work it may run by those counts (wake_idle_hart), so a
 * pinned thread's push wakes an idle hart from its mask; a hart that keeps
 * a pushed thread for itself (rq_push_for_this_hart) kicks another instead
 * when the thread may not run here. A thread's mask does not change while
 * it is queued (thread.h), so the counts a push added are the counts its
 * pop takes away. */
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
/* Queued threads that may run on any online hart, and per hart those with
 * a narrower mask. Written under rq_lock, read without it (relaxed): a
 * reader that sees work takes the lock before believing it, and the idle
 * protocol orders the counts against idle_harts with its own fences. */
static long ready_any;
static long pinned[CONFIG_MAX_HARTS];
/* Queued real-time threads: rq_lock; read relaxed to skip the priority
 * checks while there are none (the common case). */
static long rt_queued;
static _Atomic unsigned long lock_wait;               /* time spent spinning */
static unsigned next_idle_probe;                      /* racy hint: fine */

/* The online harts, cached once the boot hart has stopped waiting for the
 * others (processor_count set): no hart comes or goes after that. */
static unsigned long online_cache;

static __attribute__((noinline)) unsigned long online_harts_slow(void)
{
	unsigned long mask = 0;
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++)
		if (__atomic_load_n(&processors[h].online, __ATOMIC_ACQUIRE))
			mask |= 1UL << h;
	if (__atomic_load_n(&processor_count, __ATOMIC_ACQUIRE))
		__atomic_store_n(&online_cache, mask, __ATOMIC_RELAXED);
	return mask;
}

static inline unsigned long online_harts(void)
{
	unsigned long mask = __atomic_load_n(&online_cache, __ATOMIC_RELAXED);
	return mask ? mask : online_harts_slow();
}

unsigned long sched_online_harts(void)
{
	return online_harts();
}

/* Harts t may run on now: its mask, less the harts that are not online.
 * The queue's functions read `online` once, before taking the lock, so that
 * nothing inside their critical sections makes a call. */
static inline unsigned long thread_harts(const struct thread *t, unsigned long online)
{
	return t->affinity & online;
}

/* rq_lock_acquire's wait, out of line: the free lock is the common case. */
static __attribute__((noinline)) void rq_lock_wait(void)
{
	unsigned long t0 = arch_time();
	spin_lock_irqs_off(&rq_lock);
	unsigned long waited = arch_time() - t0;
	if (waited) {
		__atomic_fetch_add(&lock_wait, waited, __ATOMIC_RELAXED);
		trace_event(TRACE_RQ_WAIT, waited, 0);
	}
}

/* Takes the queue lock and accounts the time spent waiting for it.
 * Interrupts are off: every queue operation but rq_outranks runs under the
 * lock of the thread it queues or switches from (a thread lock's section
 * outlives the queue's), or in the scheduler loop, so the queue lock skips
 * irq_save's nesting (spin_lock_irqs_off; checked in debug builds). */
static inline void rq_lock_acquire(void)
{
	if (!spin_trylock_irqs_off(&rq_lock))
		rq_lock_wait();
}

static inline void rq_lock_release(void)
{
	spin_unlock_irqs_off(&rq_lock);
}

static __attribute__((noinline)) void count_pinned(unsigned long harts, long delta)
{
	for (unsigned h = 0; harts; h++, harts >>= 1)
		if (harts & 1)
			__atomic_store_n(&pinned[h], pinned[h] + delta, __ATOMIC_RELAXED);
}

/* Adds `delta` to the counts of the harts in `harts`. rq_lock held. */
static inline void count_harts(unsigned long harts, long delta, unsigned long online)
{
	if (harts == online)
		__atomic_store_n(&ready_any, ready_any + delta, __ATOMIC_RELAXED);
	else
		count_pinned(harts, delta);
}

/* Queued threads that hart h may run. */
static inline long runnable_on(unsigned h)
{
	return __atomic_load_n(&ready_any, __ATOMIC_RELAXED) +
	       __atomic_load_n(&pinned[h], __ATOMIC_RELAXED);
}

/* A real-time thread's place: after the queued threads of a higher
 * priority, and after those of its own too unless a higher priority
 * preempted it (Linux keeps such a thread at the head of its priority).
 * rq_lock held. */
static __attribute__((noinline)) void insert_by_priority(struct thread *t)
{
	unsigned priority = t->rt_priority;
	bool at_head = t->preempted;
	struct list_node *pos = ready.prev;
	for (; pos != &ready; pos = pos->prev) {
		const struct thread *q = list_entry(pos, struct thread, rq_link);
		if (q->rt_priority > priority || (!at_head && q->rt_priority == priority))
			break;
	}
	list_insert_between(&t->rq_link, pos, pos->next);
	__atomic_store_n(&rt_queued, rt_queued + 1, __ATOMIC_RELAXED);
}

/* rq_lock held. */
static inline void queue_insert(struct thread *t)
{
	if (__builtin_expect(t->rt_priority != 0, 0))
		insert_by_priority(t);
	else
		list_push_back(&ready, &t->rq_link);
}

/* rq_lock held: t leaves the list (the counts are the caller's). */
static inline void queue_remove(struct thread *t)
{
	list_remove(&t->rq_link);
	if (__builtin_expect(t->rt_priority != 0, 0))
		__atomic_store_n(&rt_queued, rt_queued - 1, __ATOMIC_RELAXED);
}

static inline void enqueue(struct thread *t, unsigned long online)
{
	queue_insert(t);
	count_harts(thread_harts(t, online), 1, online);
}

/* The first queued thread that may run on `hart`, taken off the list with
 * its harts in *harts, the counts left to the caller; NULL if none.
 * rq_lock held. */
static inline struct thread *take_first_for(unsigned hart, unsigned long online,
					    unsigned long *harts)
{
	struct list_node *pos;
	list_for_each(pos, &ready) {
		struct thread *t = list_entry(pos, struct thread, rq_link);
		*harts = thread_harts(t, online);
		if (*harts >> hart & 1) {
			queue_remove(t);
			return t;
		}
	}
	return NULL;
}

static inline struct thread *dequeue_for(unsigned hart, unsigned long online)
{
	unsigned long harts;
	struct thread *t = take_first_for(hart, online, &harts);
	if (t)
		count_harts(harts, -1, online);
	return t;
}

/* Wakes one of the idle harts in `others` that has queued work it may run. */
static __attribute__((noinline)) void wake_one_of(unsigned long others)
{
	for (unsigned long rest = others; rest; rest &= rest - 1) {
		unsigned long bit = rest & -rest;
		unsigned h = 0;
		while (!(bit >> h & 1))
			h++;
		if (!runnable_on(h))
			others &= ~bit;   /* nothing queued that it may run */
	}
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

/* The pusher's side of the idle protocol: the queue store is ordered before
 * reading the idle flags (fence), and an idle hart publishes its flag before
 * re-checking its count (fence), so at least one side sees the other.
 * Wakes one idle hart, other than this one, that has queued work it may
 * run. Inline up to the usual answer on a busy machine: no other hart idle. */
static inline void wake_idle_hart(void)
{
	arch_fence();
	unsigned long others = __atomic_load_n(&idle_harts, __ATOMIC_RELAXED) &
			       ~(1UL << this_processor()->hart);
	if (others)
		wake_one_of(others);
}

void rq_push_for_this_hart(struct thread *t)
{
	unsigned long online = online_harts();
	rq_lock_acquire();
	enqueue(t, online);
	unsigned long harts = thread_harts(t, online);
	rq_lock_release();
	/* Kept for this hart only if it may run here. */
	if (!(harts >> this_processor()->hart & 1))
		wake_idle_hart();
}

/* After a real-time thread of `priority` was queued for `harts`: the hart
 * among them running the lowest priority below it gives way, this one's
 * thread at its next return to user mode, another through sched_ipi. Idle
 * harts are wake_idle_hart's. Racy reads of running_rank: a hart that
 * changed meanwhile finds nothing better queued, or its next tick does. */
static __attribute__((noinline)) void preempt_for(unsigned priority, unsigned long harts)
{
	unsigned lowest = priority + 1, target = CONFIG_MAX_HARTS;
	for (unsigned h = 0; harts; h++, harts >>= 1) {
		unsigned rank = __atomic_load_n(&processors[h].running_rank, __ATOMIC_RELAXED);
		if ((harts & 1) && rank && rank < lowest) {
			lowest = rank;
			target = h;
		}
	}
	struct processor *cpu = this_processor();
	if (target == cpu->hart && cpu->current) {
		cpu->current->need_resched = true;
		cpu->current->preempted = true;
	} else if (target < CONFIG_MAX_HARTS && target != cpu->hart) {
		sched_kick(target);
	}
}

void rq_push(struct thread *t)
{
	unsigned long online = online_harts();
	rq_lock_acquire();
	enqueue(t, online);
	unsigned priority = t->rt_priority;
	unsigned long harts = thread_harts(t, online);
	rq_lock_release();
	race_delay(RACE_RQ_PUSH);
	wake_idle_hart();
	if (__builtin_expect(priority != 0, 0))
		preempt_for(priority, harts);
}

/* The priority of the first queued thread `hart` may run, -1 if none.
 * rq_lock held. */
static int best_priority_locked(unsigned hart, unsigned long online)
{
	struct list_node *pos;
	list_for_each(pos, &ready) {
		const struct thread *t = list_entry(pos, struct thread, rq_link);
		if (thread_harts(t, online) >> hart & 1)
			return t->rt_priority;
	}
	return -1;
}

bool rq_outranks(struct thread *t, bool slice_over)
{
	unsigned hart = this_processor()->hart;
	/* Nothing real-time queued: only a used-up slice of a SCHED_OTHER
	 * thread gives way (a real-time one outranks everything queued). */
	if (!__atomic_load_n(&rt_queued, __ATOMIC_RELAXED))
		return slice_over && t->rt_priority == 0 && !rq_empty();
	unsigned long online = online_harts();
	irq_save();   /* from system calls too, interrupts on */
	rq_lock_acquire();
	int best = best_priority_locked(hart, online);
	rq_lock_release();
	irq_restore();
	if (best > (int)t->rt_priority) {
		t->preempted = true;
		return true;
	}
	return slice_over && best == (int)t->rt_priority && t->policy != SCHED_POLICY_FIFO;
}

void rq_set_policy_locked(struct thread *t, unsigned policy, unsigned priority)
{
	unsigned long online = online_harts();
	rq_lock_acquire();
	bool queued = list_linked(&t->rq_link);
	if (queued)
		queue_remove(t);
	__atomic_store_n(&t->policy, (unsigned char)policy, __ATOMIC_RELAXED);
	__atomic_store_n(&t->rt_priority, (unsigned char)priority, __ATOMIC_RELAXED);
	if (queued)
		queue_insert(t);
	unsigned long harts = thread_harts(t, online);
	rq_lock_release();
	if (queued && priority)
		preempt_for(priority, harts);
}

struct thread *rq_push_pop(struct thread *t)
{
	unsigned hart = this_processor()->hart;
	unsigned long online = online_harts();
	rq_lock_acquire();
	queue_insert(t);
	unsigned long t_harts = thread_harts(t, online), next_harts = 0;
	struct thread *next = take_first_for(hart, online, &next_harts);
	/* The counts change only if t stays and next leaves with another
	 * mask: a yield between two unpinned threads touches no count. */
	if (!next) {
		count_harts(t_harts, 1, online);
	} else if (next != t && next_harts != t_harts) {
		count_harts(t_harts, 1, online);
		count_harts(next_harts, -1, online);
	}
	bool left = !list_empty(&ready);
	rq_lock_release();
	if (left && (online & ~(1UL << hart)))   /* another hart to wake */
		wake_idle_hart();
	return next;
}

struct thread *rq_pop(void)
{
	unsigned hart = this_processor()->hart;
	if (!runnable_on(hart))
		return NULL;
	unsigned long online = online_harts();
	rq_lock_acquire();
	struct thread *t = dequeue_for(hart, online);
	rq_lock_release();
	return t;
}

bool rq_empty(void)
{
	unsigned hart = this_processor()->hart;
	/* A hart that came online after the boot hart stopped waiting (and so
	 * is in no thread's hart set) must not spin on work it cannot take. */
	return !(online_harts() >> hart & 1) || runnable_on(hart) == 0;
}

unsigned long rq_lock_wait_time(void)
{
	return lock_wait;
}
