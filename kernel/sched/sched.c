/* Per-hart scheduler loop, switching, time slices and idle.
 *
 * Switch protocol: a thread leaves the CPU only through sched_switch(),
 * holding its own lock with its new state set. The scheduler loop on that
 * hart, now on its own stack, puts a READY thread back on the ready queue and
 * only then releases the lock. A thread picked from the queue is locked by
 * the picking hart before it is switched to, and the thread releases that
 * lock itself. So a thread's lock is held for the whole time its registers
 * are in flight, and no other hart can run or wake it meanwhile.
 *
 * Locks this file takes, and who may sleep holding them:
 *   - t->lock (LOCK_THREAD) guards t's state, waiting_on, affinity and the
 *     on-hart handover above. It is the one spinlock that crosses a switch:
 *     a switching thread holds exactly it (sched_switch checks), and the
 *     scheduler loop holds the next thread's lock while switching in. No
 *     thread blocks holding any other spinlock, and no one holds t->lock
 *     across anything but the switch itself.
 *   - the ready-queue lock (runqueue.c, LOCK_RUNQUEUE), taken inside a
 *     thread lock; never held across a switch or a wait.
 *   - the sleep-queue lock (sleep.c), from the timer interrupt.
 * Every spinlock keeps interrupts off while held (irq_save), and the
 * scheduler loop and idle() run with interrupts off throughout: an
 * interrupt there could push work between idle()'s last look at the queue
 * and its wfi. A processor's fields need no lock: only its own hart writes
 * them, with interrupts off (except `online`, and `idle_harts`, which is
 * atomic and follows the publish-fence-recheck protocol in idle()). */
#include "kernel/sched/sched.h"
#include "kernel/sched/processor.h"
#include "kernel/sched/runqueue.h"
#include "kernel/sched/sleep.h"
#include "kernel/sched/watchdog.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/process.h"
#include "kernel/proc/clone.h"
#include "kernel/panic.h"
#include "kernel/trace/trace.h"
#include "kernel/mm/layout.h"
#include "kernel/signal/itimer.h"
#include "kernel/debug/race_delay.h"
#include <dakota/syscall.h>

struct processor processors[CONFIG_MAX_HARTS];
unsigned processor_count;
_Atomic unsigned long idle_harts;

/* IPIs asked for while this hart held spinlocks go out when it holds none.
 * A kicked hart usually wants a lock the kicker still holds (the woken
 * thread's, an object's); kicked early it would only spin on it, and on a
 * host with fewer cores than harts it may take the core the holder needs. */
void irq_send_pending_kicks(struct processor *cpu)
{
	unsigned long harts = cpu->kick_pending;
	cpu->kick_pending = 0;
	for (unsigned h = 0; harts; h++, harts >>= 1)
		if (harts & 1)
			arch_send_ipi(h);
}

void irq_restore_broken(struct processor *cpu)
{
	if (arch_irq_enabled())
		panic("irq_restore: interrupts are on inside a spinlock section");
	panic("irq_restore without irq_save on hart %u", cpu->hart);
}

unsigned long sched_slice;

static unsigned long trace_id(const struct thread *t)
{
	return t ? ((unsigned long)t->proc->pid << 16 | (unsigned)t->tid) : 0;
}

/* Interrupt-nesting state (irq_depth, irq_was_on) belongs to the context
 * that built it up, not to the hart: each side of a switch keeps its own on
 * its stack across arch_switch and puts it back when it runs again, on
 * whatever hart that is. Inheriting the other side's state is the bug of
 * issue 18: the scheduler loop took over a thread's "interrupts were on",
 * and dropping the thread's lock then turned interrupts on in idle(), where
 * an interrupt between the last look at the queue and wfi lost its wakeup.
 * Both sides hold exactly one spinlock (the switching thread's) at a switch,
 * so the depth is 1 either way; a thread's first run (thread_first_run)
 * starts from the scheduler's state: depth 1, interrupts were off. */
static void switch_context(struct context *save, struct context *load)
{
	unsigned long irq_state = this_processor()->irq_state;
	arch_switch(save, load);
	this_processor()->irq_state = irq_state;
}

/* The scheduler loop and idle() run with interrupts off and no interrupt
 * nesting of their own: an interrupt taken between idle()'s last look at
 * the ready queue and its wfi would push work that this hart then sleeps
 * through. Checked in debug builds. */
static inline void assert_sched_irqs_off(struct processor *cpu, int depth, const char *where)
{
	if (CONFIG_LOCK_DEBUG && (arch_irq_enabled() || cpu->irq_depth != depth))
		panic("%s on hart %u: interrupts %s, irq_depth %d (must be off, %d)", where,
		      cpu->hart, arch_irq_enabled() ? "on" : "off", cpu->irq_depth, depth);
}

/* t, locked and READY, becomes this hart's running thread: the switch-in
 * bookkeeping of the scheduler loop and of a direct switch alike.
 * `tracing` is trace_on(), read once per switch by the caller. */
__attribute__((always_inline)) static inline void switch_in_prepare(struct processor *cpu,
								 struct thread *t,
								 unsigned long now,
								 bool tracing)
{
	t->state = THREAD_RUNNING;
	t->hart = (int)cpu->hart;
	t->switches++;
	t->run_start = now;
	t->need_resched = false;
	t->preempted = false;
	cpu->current = t;
	__atomic_store_n(&cpu->running_rank, 1u + t->rt_priority, __ATOMIC_RELAXED);
	cpu->slice_end = now + sched_slice;
	/* The timer may be a whole idle period away: arm the slice's end. */
	sleep_arm_timer_for_slice();
	__atomic_store_n(&cpu->switches, cpu->switches + 1, __ATOMIC_RELAXED);   /* read by thread_list */
	if (tracing)   /* before trace_id's loads, which only a trace needs */
		trace_event(TRACE_SWITCH, 0, trace_id(t));
	/* Kernel-stack slots are reused with new frames; a translation of this
	 * slot cached on this hart from an earlier owner must not survive the
	 * new owner's first run here. */
	unsigned long hart_bit = 1UL << cpu->hart;
	if (t->kstack_unflushed_harts & hart_bit) {
		t->kstack_unflushed_harts &= ~hart_bit;
		arch_tlb_flush_local(t->kstack_top - KSTACK_PAGES * PAGE_SIZE, KSTACK_PAGES * PAGE_SIZE);
	}
}

/* t has stopped running on this hart (its registers saved or about to be).
 * The hart's current thread and running rank are the caller's: the loop
 * clears them, a direct switch overwrites them (switch_in_prepare). */
static inline void switch_out_account(struct thread *t, unsigned long now, bool tracing)
{
	t->run_time += now - t->run_start;
	if (tracing)
		trace_event(TRACE_SWITCH, trace_id(t), 0);
}

/* Runs t on this hart until a thread switches back to the loop: t, or
 * another that t (or a successor of t) switched to directly. Called with
 * t->lock held; returns that thread, locked. */
static struct thread *run_thread(struct processor *cpu, struct thread *t)
{
	switch_in_prepare(cpu, t, arch_time(), trace_on());
	switch_context(&cpu->sched_ctx, &t->ctx);
	/* Back on this hart's scheduler stack. */
	cpu = this_processor();
	struct thread *prev = cpu->current;
	switch_out_account(prev, arch_time(), trace_on());
	cpu->current = NULL;
	__atomic_store_n(&cpu->running_rank, 0, __ATOMIC_RELAXED);
	return prev;
}

/* Direct switches. A thread that yields or blocks while the ready queue
 * holds a thread for this hart switches straight to it, without going
 * through the scheduler loop's context: one register switch instead of two,
 * and one visit to the queue's lock. The protocol above still holds with
 * the roles moved: the switching thread `prev` keeps its lock until its
 * registers are saved, and `next` is locked before it is switched to; the
 * thread switched to releases prev's lock (unlock_predecessor) once it runs
 * on its own stack. So for a moment the hart holds two thread locks. */

/* Takes next's lock while prev's is held: the one place two thread locks
 * are held at once, an exception to the lock order, and invisible to the
 * debug accounting (held_levels and irq_depth go on counting one thread
 * lock, the one the hart holds again once the switch is over). It cannot
 * deadlock. next was just taken off the queue by this hart, so no other
 * hart runs it or switches to it; its lock is held either by code that
 * takes no second thread lock (a waker, a signal sender, a scheduler loop
 * queueing it), which lets go, or by a hart that queued next in a direct
 * switch of its own and now waits, in turn, for the lock of the thread it
 * took off the queue. That hart's queue operation came before ours (it put
 * next there), so a chain of such waits runs back in queue order and ends
 * at a hart that waits for nothing. Interrupts are off (prev's lock). */
static void lock_successor(struct processor *cpu, struct thread *next)
{
	struct spinlock *l = &next->lock;
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		spin_lock_wait(l);
	l->owner = (int)cpu->hart;
}

/* Run by the thread that a direct switch switched to, on its own stack:
 * prev's registers are saved, so prev may now be woken, run or reaped. */
static inline void unlock_predecessor(struct processor *cpu)
{
	struct thread *prev = cpu->switched_from;
	if (!prev)
		return;
	cpu->switched_from = NULL;
	prev->lock.owner = -1;
	__atomic_store_n(&prev->lock.locked, 0, __ATOMIC_RELEASE);
}

/* prev (locked, READY or BLOCKED) leaves the hart to the thread the queue
 * gives this hart, or keeps it (READY, and nothing else may run here).
 * True once prev runs again; false when the caller must switch to the
 * scheduler loop instead: nothing queued for a BLOCKED prev, or a successor
 * that has never run (its first run starts from the loop's state,
 * thread_first_run), left to the loop in cpu->handoff. */
__attribute__((always_inline)) static inline bool switch_direct(struct processor *cpu,
								 struct thread *prev)
{
	bool tracing = trace_on();
	if (tracing)   /* the scheduler loop may not run for a while */
		trace_drain_if_full();
	struct thread *next;
	if (prev->state == THREAD_READY) {
		next = rq_push_pop(prev);
		if (next == prev) {
			unsigned long now = arch_time();
			switch_out_account(prev, now, tracing);
			switch_in_prepare(cpu, prev, now, tracing);
			return true;
		}
	} else {
		next = rq_pop();
		if (!next)
			return false;
	}
	if (!next || !next->switches) {
		cpu->handoff_set = true;   /* prev is queued, or not to be */
		cpu->handoff = next;
		return false;
	}
	lock_successor(cpu, next);
	if (next->state != THREAD_READY)
		panic("sched: thread %d:%d on the ready queue in state %d",
		      next->proc->pid, next->tid, next->state);
	unsigned long now = arch_time();
	switch_out_account(prev, now, tracing);
	cpu->switched_from = prev;
	switch_in_prepare(cpu, next, now, tracing);
	switch_context(&prev->ctx, &next->ctx);
	unlock_predecessor(this_processor());
	return true;
}

/* sched_switch's body for t, the current thread, locked; inline in sched_yield
 * too (the hottest caller). */
__attribute__((always_inline)) static inline void switch_locked(struct thread *t)
{
	struct processor *cpu = this_processor();
	/* Exactly one lock held, and it is t's own (the only thread-level lock
	 * a switching thread may hold). */
	if (t->lock.owner != (int)cpu->hart || cpu->held_levels != 1UL << LOCK_THREAD)
		panic("sched_switch: thread %d:%d holds %d spinlocks (must hold exactly its own)",
		      t->proc->pid, t->tid, spin_held_count());
	if (t->state == THREAD_RUNNING)
		panic("sched_switch: thread %d:%d is still marked running", t->proc->pid, t->tid);
	/* An exiting thread goes through the loop, which reaps it once off its
	 * stack. */
	if (t->state != THREAD_EXITED && switch_direct(cpu, t))
		return;
	switch_context(&t->ctx, &cpu->sched_ctx);
	unlock_predecessor(this_processor());
}

void sched_switch(void)
{
	switch_locked(current_thread());
}

long sched_yield(void)
{
	struct thread *t = current_thread();
	spin_lock(&t->lock);
	t->state = THREAD_READY;
	switch_locked(t);
	spin_unlock(&t->lock);
	return 0;
}

/* Publish "idle", re-check the queue, then wait for an interrupt. Interrupts
 * are off here; wfi still wakes on a pending one, which we then take. */
static void idle(struct processor *cpu)
{
	assert_sched_irqs_off(cpu, 0, "idle");
	unsigned long bit = 1UL << cpu->hart;
	__atomic_fetch_or(&idle_harts, bit, __ATOMIC_SEQ_CST);
	arch_fence();
	if (rq_empty()) {
		race_delay(RACE_IDLE_WFI);
		trace_event(TRACE_IDLE_ENTER, 0, 0);
		sleep_arm_timer_idle();
		unsigned long t0 = arch_time();
		arch_wait_for_interrupt();
		cpu->idle_time += arch_time() - t0;
		trace_event(TRACE_IDLE_EXIT, 0, 0);
	}
	__atomic_fetch_and(&idle_harts, ~bit, __ATOMIC_SEQ_CST);
	arch_irq_enable();
	arch_irq_disable();
}

/* The next thread for this hart, locked, or NULL when the queue is empty. */
static struct thread *pick_next(void)
{
	struct thread *t = rq_pop();
	if (t)
		spin_lock(&t->lock);
	return t;
}

/* prev, locked, has just switched out. A READY prev goes back on the queue
 * and the queue's head comes off in one visit to the queue lock; the head
 * is prev itself when nothing else was waiting. Returns the next thread,
 * locked, or NULL; prev is unlocked unless it is the one returned. A prev
 * that did its own queueing (switch_direct) left the result in handoff. */
static struct thread *after_switch(struct processor *cpu, struct thread *prev)
{
	race_delay(RACE_SWITCH_OUT);
	if (cpu->handoff_set) {
		struct thread *next = cpu->handoff;
		cpu->handoff_set = false;
		cpu->handoff = NULL;
		spin_unlock(&prev->lock);
		if (next)
			spin_lock(&next->lock);
		return next;
	}
	if (prev->state != THREAD_READY) {
		bool reap = prev->state == THREAD_EXITED && prev->reap_after_switch;
		spin_unlock(&prev->lock);
		if (reap)
			clone_reap(prev);   /* a Linux thread's end (clone.h) */
		return pick_next();
	}
	struct thread *next = rq_push_pop(prev);
	if (next != prev) {
		spin_unlock(&prev->lock);
		if (next)
			spin_lock(&next->lock);
	}
	return next;
}

void sched_loop(void)
{
	struct processor *cpu = this_processor();
	arch_irq_disable();
	/* arch_time_hz is final before any hart gets here; harts that race
	 * write the same value. */
	sched_slice = arch_time_hz / 1000 * CONFIG_TIME_SLICE_MS;
	struct thread *t = NULL;   /* the thread to run next, its lock held */
	for (;;) {
		assert_sched_irqs_off(cpu, t ? 1 : 0, "sched_loop");
		trace_drain_if_full();
		cpu->watchdog_mark = arch_time();
		if (!t)
			t = pick_next();
		if (!t) {
			idle(cpu);
			continue;
		}
		if (t->state != THREAD_READY)
			panic("sched: thread %d:%d on the ready queue in state %d",
			      t->proc->pid, t->tid, t->state);
		t = after_switch(cpu, run_thread(cpu, t));
	}
}

long sched_set_affinity(unsigned long mask)
{
	unsigned long harts = mask & sched_online_harts();
	if (!harts)
		return -EINVAL;
	struct thread *t = current_thread();
	spin_lock(&t->lock);
	t->affinity = harts;
	spin_unlock(&t->lock);
	/* Off a hart the mask excludes at once: a yield puts t back on the
	 * queue, where only a hart in its mask takes it (and an idle one is
	 * kicked). Kernel code is not preempted, so the hart read here is the
	 * one t runs on until it yields. */
	while (!(harts >> this_processor()->hart & 1))
		sched_yield();
	return 0;
}

unsigned long sched_get_affinity(void)
{
	return current_thread()->affinity & sched_online_harts();
}

long sched_request_affinity(struct thread *t, unsigned long mask)
{
	unsigned long harts = mask & sched_online_harts();
	if (!harts)
		return -EINVAL;
	__atomic_store_n(&t->affinity_request, harts, __ATOMIC_RELEASE);
	/* A running thread sees the request at its next trap; kick its hart
	 * so that is now. (A blocked or ready one meets it when it next runs.) */
	int hart = __atomic_load_n(&t->hart, __ATOMIC_RELAXED);
	if (hart >= 0 && hart != (int)this_processor()->hart)
		sched_kick((unsigned)hart);
	return 0;
}

unsigned long sched_affinity_of(const struct thread *t)
{
	unsigned long req = __atomic_load_n(&t->affinity_request, __ATOMIC_ACQUIRE);
	return (req ? req : t->affinity) & sched_online_harts();
}

void sched_apply_affinity_request(void)
{
	struct thread *t = current_thread();
	unsigned long req = __atomic_exchange_n(&t->affinity_request, 0, __ATOMIC_ACQ_REL);
	if (req)
		sched_set_affinity(req);
}

void sched_timer_interrupt(void)
{
	struct processor *cpu = this_processor();
	cpu->ticks++;
	watchdog_tick(cpu, arch_time());
	sleep_wake_expired(arch_time());
	itimer_expire(arch_time());
	struct thread *t = cpu->current;
	if (t && rq_outranks(t, arch_time() >= cpu->slice_end))
		t->need_resched = true;
	sleep_arm_timer(cpu->current != NULL);
}

void sched_ipi(void)
{
	if (panic_in_progress())
		arch_halt();
	/* The interrupted thread checks its kill flag on its way back to user
	 * mode, and an idle hart looks at the queue after wfi. A kick may also
	 * mean a higher-priority thread was queued (preempt_for), or this
	 * thread's priority changed (sched_set_policy). */
	struct processor *cpu = this_processor();
	struct thread *t = cpu->current;
	if (t) {
		__atomic_store_n(&cpu->running_rank,
				 1u + __atomic_load_n(&t->rt_priority, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
		if (rq_outranks(t, false))
			t->need_resched = true;
	}
}

void sched_set_policy(struct thread *t, unsigned policy, unsigned priority, bool reset_on_fork)
{
	spin_lock(&t->lock);
	unsigned old = t->rt_priority;
	t->reset_on_fork = reset_on_fork;
	rq_set_policy_locked(t, policy, priority);
	int hart = t->state == THREAD_RUNNING ? t->hart : -1;
	spin_unlock(&t->lock);
	struct processor *cpu = this_processor();
	if (t == cpu->current) {
		__atomic_store_n(&cpu->running_rank, 1u + priority, __ATOMIC_RELAXED);
		if (priority < old && rq_outranks(t, false))
			t->need_resched = true;
	} else if (hart >= 0 && priority != old) {
		sched_kick((unsigned)hart);   /* its sched_ipi looks again */
	}
}

void sched_kick(unsigned hart)
{
	struct processor *cpu = this_processor();
	if (cpu->irq_depth > 0)
		cpu->kick_pending |= 1UL << hart;
	else
		arch_send_ipi(hart);
}

void sched_stop_other_harts(void)
{
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++)
		if (processors[h].online && this_processor() != &processors[h])
			arch_send_ipi(h);
}
