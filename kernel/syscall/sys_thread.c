/* Thread calls: create, gettid, waittid, join, and the ts snapshot. */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/proc/clone.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/runqueue.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/layout.h"
#include "kernel/lib/string.h"
#include "kernel/trace/trace.h"
#include <dakota/syscall.h>

SYSCALL_DEFINE2(thread_create, unsigned long, entry, unsigned long, arg)
{
	struct thread *self = current_thread();
	struct process *p = self->proc;
	struct thread *t;
	spin_lock(&p->lock);
	long err = thread_alloc(p, &t);
	if (!err && p->linux_threads)
		clone_count_new_thread(p);
	spin_unlock(&p->lock);
	if (err)
		return err;
	err = as_add_thread_stack(p->as, t->stack_slot);
	if (err) {
		as_remove_thread_stack(p->as, t->stack_slot);
		spin_lock(&p->lock);
		p->live_threads--;
		if (p->linux_threads)
			p->linux_alive--;   /* counted by whoever set the mark */
		/* An exec or a teardown may be waiting for the count to drop. */
		wq_wake_all(&p->thread_exited);
		thread_free(t);
		spin_unlock(&p->lock);
		return err;
	}
	trap_context_init(t->tc, entry, USTACK_TOP(t->stack_slot), arg, EXIT_STUB);
	t->tc->regs[3] = self->tc->regs[3];      /* gp: the program's global pointer */
	trace_event(TRACE_CREATE, (unsigned long)p->pid << 16 | (unsigned)t->tid,
		    (unsigned long)p->pid << 16 | (unsigned)self->tid);
	long tid = t->tid;
	thread_start(t);
	return tid;
}

SYSCALL_DEFINE0(gettid)
{
	return current_thread()->tid;
}

/* Reaps tid if it has exited; -1 no such thread or the caller, -2 running,
 * -3 running and `block` set (the caller then sleeps and retries). */
static long reap(struct process *p, long tid, bool block)
{
	struct thread *self = current_thread();
	if (tid < 0 || tid >= CONFIG_MAX_THREADS || tid == self->tid)
		return -1;
	spin_lock(&p->lock);
	for (;;) {
		struct thread *t = p->threads[tid];
		/* Linux threads are never joined this way: clone_reap frees them. */
		if (!t || t->linux_clone || t->reap_after_switch) {
			spin_unlock(&p->lock);
			return -1;
		}
		if (t->state == THREAD_EXITED) {
			long code = t->exit_code;
			thread_wait_off_hart(t);
			thread_free(t);
			spin_unlock(&p->lock);
			return code;
		}
		if (!block) {
			spin_unlock(&p->lock);
			return -2;
		}
		if (wq_sleep(&p->thread_exited, &p->lock)) {
			spin_unlock(&p->lock);
			return -EINTR;
		}
	}
}

SYSCALL_DEFINE1(waittid, long, tid)
{
	return reap(current_process(), tid, false);
}

SYSCALL_DEFINE1(thread_join, long, tid)
{
	return reap(current_process(), tid, true);
}

static int info_state(enum thread_state s)
{
	switch (s) {
	case THREAD_READY: return THREAD_INFO_READY;
	case THREAD_RUNNING: return THREAD_INFO_RUNNING;
	case THREAD_BLOCKED: return THREAD_INFO_BLOCKED;
	default: return THREAD_INFO_EXITED;
	}
}

static unsigned long ticks_to_ns(unsigned long t)
{
	return t / arch_time_hz * 1000000000UL + t % arch_time_hz * 1000000000UL / arch_time_hz;
}

/* Called with p->lock and t->lock held: the thread's fields are read
 * together, not across one of its switches. */
static void describe(struct thread_info *ti, struct process *p, struct thread *t)
{
	ti->pid = p->pid;
	ti->tid = t->tid;
	ti->uid = p->uid;
	ti->state = info_state(t->state);
	ti->hart = t->hart;
	ti->linux_tid = linux_tid_of(t);
	memcpy(ti->name, p->name, sizeof ti->name);
	unsigned long run = t->run_time;
	if (t->state == THREAD_RUNNING)
		run += arch_time() - t->run_start;
	ti->run_ns = ticks_to_ns(run);
	ti->switches = t->switches;
}

/* Sum of every hart's switch-in count. run_thread bumps its hart's count
 * with the incoming thread's lock held, before that thread can release it,
 * so a snapshot that read that thread as RUNNING also sees the new count. */
static unsigned long switch_ins(void)
{
	unsigned long sum = 0;
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++)
		sum += __atomic_load_n(&processors[h].switches, __ATOMIC_ACQUIRE);
	return sum;
}

/* Fills snap[0..max) with every thread of the system; returns the count. */
static long snapshot_threads(struct thread_info *snap, long max)
{
	long n = 0;
	spin_lock(&proc_tree_lock);
	struct list_node *pos;
	list_for_each(pos, &all_processes) {
		struct process *p = list_entry(pos, struct process, all_link);
		spin_lock(&p->lock);
		for (int i = 0; i < CONFIG_MAX_THREADS && n < max; i++) {
			struct thread *t = p->threads[i];
			if (!t)
				continue;
			spin_lock(&t->lock);
			describe(&snap[n++], p, t);
			spin_unlock(&t->lock);
		}
		spin_unlock(&p->lock);
	}
	spin_unlock(&proc_tree_lock);
	return n;
}

/* A snapshot is consistent when no hart switched a thread in while it was
 * taken: then the RUNNING threads were all on their harts at one moment (at
 * most one per hart). Switches are rare next to a snapshot's length, so a
 * few attempts suffice; under a switch storm the call gives up with -EAGAIN
 * rather than return a picture that never existed. */
#define SNAPSHOT_ATTEMPTS 64

SYSCALL_DEFINE2(thread_list, unsigned long, buf, long, max)
{
	if (max < 0)
		return -EINVAL;
	if (max > CONFIG_SYSTEM_THREADS)
		max = CONFIG_SYSTEM_THREADS;
	struct thread_info *snap = kmalloc((unsigned long)(max ? max : 1) * sizeof *snap);
	if (!snap)
		return -ENOMEM;
	long n = -EAGAIN;
	for (int attempt = 0; attempt < SNAPSHOT_ATTEMPTS && n == -EAGAIN; attempt++) {
		unsigned long before = switch_ins();
		long count = snapshot_threads(snap, max);
		arch_fence();
		if (switch_ins() == before)
			n = count;
	}
	if (n < 0) {
		kfree(snap);
		return n;
	}
	long err = copy_to_user(current_process()->as, buf, snap, (unsigned long)n * sizeof *snap);
	kfree(snap);
	return err ? err : n;
}
