/* Thread control blocks, kernel stacks, first run, exit and wakeup. */
#include "kernel/proc/thread.h"
#include "kernel/debug/race_delay.h"
#include "kernel/signal/signal.h"
#include "kernel/proc/process.h"
#include "kernel/proc/clone.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/runqueue.h"
#include "kernel/sched/processor.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/layout.h"
#include "kernel/lib/idalloc.h"
#include "kernel/panic.h"
#include "kernel/trace/trace.h"

#include <dakota/syscall.h>

/* Kernel-stack slots bound the number of threads in the whole system.
 * slot_lock guards `slots` only; it is a leaf taken under process locks
 * (LOCK_ALLOC level) and nobody sleeps or takes another lock holding it.
 *
 * The other locks here: a thread's own lock (thread.h: state and wait
 * link, handed over across a context switch; nobody sleeps holding it
 * except through that switch), and its process's lock (process.h: the
 * thread table, tids and live_threads; thread_alloc and thread_free are
 * called with it held, and nobody sleeps holding it but through wq_sleep,
 * which drops it). thread_live_count is atomic. */
static struct spinlock slot_lock = SPINLOCK_INIT("kstack-slots", LOCK_ALLOC);
static unsigned long slot_bits[IDALLOC_WORDS(CONFIG_SYSTEM_THREADS)];
static struct idalloc slots = { .bits = slot_bits, .size = CONFIG_SYSTEM_THREADS };
_Atomic long thread_live_count;

static int slot_get(void)
{
	spin_lock(&slot_lock);
	int s = idalloc_get(&slots);
	spin_unlock(&slot_lock);
	return s;
}

static void slot_put(int s)
{
	spin_lock(&slot_lock);
	idalloc_put(&slots, s);
	spin_unlock(&slot_lock);
}

static void kstack_unmap(int slot)
{
	for (unsigned i = 1; i <= KSTACK_PAGES; i++) {
		unsigned long pa = mmu_unmap(kernel_pagetable, KSTACK_TOP(slot) - i * PAGE_SIZE);
		if (pa)
			frame_free((void *)pa);
	}
}

/* Maps fresh pages below KSTACK_TOP(slot); the page under them stays
 * unmapped as the guard. The page-table pages exist already (mmu.c). */
static int kstack_map(int slot)
{
	for (unsigned i = 1; i <= KSTACK_PAGES; i++) {
		void *page = frame_alloc_dirty();   /* a stack: never read before written */
		if (!page || mmu_map(kernel_pagetable, KSTACK_TOP(slot) - i * PAGE_SIZE,
				     (unsigned long)page, PERM_R | PERM_W)) {
			if (page)
				frame_free(page);
			kstack_unmap(slot);
			return -ENOMEM;
		}
	}
	return 0;
}

long thread_kstack_borrow(unsigned long *top)
{
	int slot = slot_get();
	if (slot < 0)
		return -EAGAIN;
	if (kstack_map(slot)) {
		slot_put(slot);
		return -ENOMEM;
	}
	*top = KSTACK_TOP(slot);
	return 0;
}

/* Serials start at 1: 0 means "no thread" to their users. */
static _Atomic unsigned long thread_next_serial;

/* A fresh control block (kmalloc zeroed it) for tid in p, on kernel-stack
 * slot `slot` with its trap-context page at TRAP_CONTEXT(trap_slot), blocked until its creator pushes it onto the ready queue. It
 * inherits its creator's affinity (all harts for the first thread) and
 * scheduling class (SCHED_OTHER after a reset-on-fork one), and gets
 * a serial number no other thread ever has (mutex owners use it). */
static void thread_init(struct thread *t, struct process *p, int tid, int trap_slot, int slot)
{
	spin_init(&t->lock, "thread", LOCK_THREAD);
	list_init(&t->wait_link);
	list_init(&t->rq_link);
	list_init(&t->sleep_link);
	t->state = THREAD_BLOCKED;          /* not runnable until rq_push */
	t->tid = tid;
	t->stack_slot = tid;
	t->trap_slot = trap_slot;
	t->slot = slot;
	t->proc = p;
	t->hart = -1;
	t->fp_hart = -1;
	t->fp_used = false;
	t->kstack_unflushed_harts = ~0UL;
	struct thread *creator = current_thread();
	t->affinity = creator ? creator->affinity : ~0UL;
	if (creator && !creator->reset_on_fork) {
		t->policy = __atomic_load_n(&creator->policy, __ATOMIC_RELAXED);
		t->rt_priority = __atomic_load_n(&creator->rt_priority, __ATOMIC_RELAXED);
	}
	t->serial = __atomic_add_fetch(&thread_next_serial, 1, __ATOMIC_RELAXED);
	t->kstack_top = KSTACK_TOP(slot);
	t->ctx.ra = (unsigned long)thread_first_run;
	t->ctx.sp = t->kstack_top;
}

/* thread_alloc with the trap-context page at TRAP_CONTEXT(trap_slot);
 * trap_slot < 0: at the new tid's. */
static long thread_alloc_at(struct process *p, int trap_slot, struct thread **out)
{
	/* A process being killed, or owned by an exec or its teardown, gets
	 * no new thread: the new image starts with exactly one, and the
	 * teardown's count of threads to wait for only goes down. */
	if (p->exiting || p->sole)
		return -EAGAIN;
	int tid = idalloc_get(&p->tids);
	if (tid < 0)
		return -EAGAIN;
	long err = -EAGAIN;
	int slot = slot_get();
	if (slot < 0)
		goto put_tid;
	err = -ENOMEM;
	struct thread *t = kmalloc(sizeof *t);
	if (!t)
		goto put_slot;
	t->tid = tid;
	t->proc = p;
	err = linux_tid_assign(t);
	if (err)
		goto free_thread;
	err = -ENOMEM;
	if (kstack_map(slot))
		goto put_linux_tid;
	if (trap_slot < 0)
		trap_slot = tid;
	t->tc = as_map_trap_context(p->as, trap_slot);
	if (!t->tc)
		goto unmap_kstack;
	thread_init(t, p, tid, trap_slot, slot);
	signal_thread_init(t, current_thread());   /* the creator's mask */
	p->threads[tid] = t;
	__atomic_store_n(&p->table_threads, p->table_threads + 1, __ATOMIC_RELAXED);
	p->live_threads++;
	thread_live_count++;
	*out = t;
	return 0;

unmap_kstack:
	kstack_unmap(slot);
put_linux_tid:
	linux_tid_release(t);
free_thread:
	kfree(t);
put_slot:
	slot_put(slot);
put_tid:
	idalloc_put(&p->tids, tid);
	return err;
}

long thread_alloc(struct process *p, struct thread **out)
{
	/* A vfork child's new tids would take trap-context pages of the space
	 * it shares with its parent, which the parent's threads may hold. */
	if (p->vfork_shared)
		return -EAGAIN;
	return thread_alloc_at(p, -1, out);
}

long thread_alloc_first(struct process *p, int trap_slot, struct thread **out)
{
	spin_lock(&p->lock);
	long err = thread_alloc_at(p, trap_slot, out);
	spin_unlock(&p->lock);
	return err;
}

void thread_start(struct thread *t)
{
	spin_lock(&t->lock);
	t->state = THREAD_READY;
	rq_push(t);
	spin_unlock(&t->lock);
}

void thread_free(struct thread *t)
{
	struct process *p = t->proc;
	if (p->threads[t->tid] == t) {
		p->threads[t->tid] = NULL;
		__atomic_store_n(&p->table_threads, p->table_threads - 1, __ATOMIC_RELAXED);
	}
	p->dead_thread_ticks += t->run_time;   /* off every hart: final */
	idalloc_put(&p->tids, t->tid);
	linux_tid_release(t);
	signal_thread_release(t);
	kstack_unmap(t->slot);
	slot_put(t->slot);
	thread_live_count--;
	kfree(t);
}

void thread_first_run(void)
{
	/* The scheduler locked us before switching here. */
	spin_unlock(&current_thread()->lock);
	user_return();
}

/* Ends the calling thread alone. Whoever must learn of it (a joiner, an
 * exec or teardown waiting for live_threads to reach 1) sleeps on
 * p->thread_exited, woken here under p->lock, so the count it re-checks has
 * already gone down. The control block stays until a joiner, an exec or the
 * teardown frees it once the switch-out is complete. */
void thread_exit(int code)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	/* Before live_threads goes down: until then no exec or teardown
	 * replaces or destroys p->as under this call. */
	clone_exit_notify(t);
	/* The user stack only (it needs a shootdown before its frames go);
	 * the trap-context page stays mapped for the tid's next thread. */
	as_remove_thread_stack(p->as, t->stack_slot);
	spin_lock(&p->lock);
	t->exit_code = code;
	p->live_threads--;
	signal_thread_exiting_locked(t);
	t->wake_sync = true;
	wq_wake_all(&p->thread_exited);
	spin_lock(&t->lock);
	t->state = THREAD_EXITED;
	spin_unlock(&p->lock);
	/* A joiner on another hart may try to reap this thread from here on;
	 * the thread lock it must take holds it off until the switch is done. */
	race_delay(RACE_EXIT_REAP);
	trace_event(TRACE_EXIT, (unsigned long)p->pid << 16 | (unsigned)t->tid, (unsigned long)code);
	sched_switch();
	panic("thread %d:%d ran after its exit", p->pid, t->tid);
}

void thread_interrupt(struct thread *t)
{
	spin_lock(&t->lock);
	if (t->state == THREAD_BLOCKED && t->waiting_on) {
		t->state = THREAD_READY;
		rq_push(t);
	} else if (t->state == THREAD_RUNNING && t->hart >= 0 &&
		   t->hart != (int)this_processor()->hart) {
		sched_kick((unsigned)t->hart);
	}
	spin_unlock(&t->lock);
}

bool thread_wake(struct thread *t)
{
	spin_lock_irqs_off(&t->lock);   /* inside the caller's lock (thread.h) */
	bool blocked = t->state == THREAD_BLOCKED;
	if (blocked) {
		t->state = THREAD_READY;
		struct thread *self = current_thread();
		trace_event(TRACE_WAKE, (unsigned long)t->proc->pid << 16 | (unsigned)t->tid,
			    self ? ((unsigned long)self->proc->pid << 16 | (unsigned)self->tid) : 0);
		if (self && self->wake_sync) {
			self->wake_sync = false;
			rq_push_for_this_hart(t);
		} else {
			rq_push(t);
		}
	}
	spin_unlock_irqs_off(&t->lock);
	return blocked;
}

/* A thread switching out holds its lock until its hart has saved its
 * registers (thread.h), so taking the lock once is enough: after that its
 * kernel stack is no longer in use and may be freed. */
void thread_wait_off_hart(struct thread *t)
{
	spin_lock(&t->lock);
	spin_unlock(&t->lock);
}
