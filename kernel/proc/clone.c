/* Linux clone: flag checks, thread and fork creation, and the Linux end of
 * a thread (see clone.h).
 *
 * Lock order as everywhere (kernel/sync/spinlock.h): a process lock, then
 * its address-space lock, then thread locks. clone_reap runs in the
 * scheduler loop with no lock held. */
#include "kernel/proc/clone.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/proc/robust.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/mm/addrspace.h"
#include "kernel/sync/futex.h"
#include "kernel/sched/runqueue.h"
#include "kernel/dev/console.h"
#include "kernel/trace/trace.h"
#include "kernel/panic.h"
#include <dakota/syscall.h>

#define THREAD_SET (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
/* Optional with either kind. CLONE_SYSVSEM: Dakota has no System V
 * semaphores, so sharing their undo lists is trivially true. CLONE_DETACHED
 * is ignored by Linux too. */
#define OPTIONAL (CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | \
		  CLONE_CHILD_CLEARTID | CLONE_SYSVSEM | CLONE_DETACHED)

enum clone_kind { CLONE_KIND_THREAD = 1, CLONE_KIND_FORK };

/* Linux's own EINVAL rules first, then what Dakota supports. */
static long clone_kind(const struct clone_req *r)
{
	unsigned long f = r->flags;
	if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
		return -EINVAL;
	if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
		return -EINVAL;
	unsigned long rest = f & ~OPTIONAL;
	if (rest == THREAD_SET && r->exit_signal == 0)
		return CLONE_KIND_THREAD;
	if (rest == 0 && r->exit_signal == SIGCHLD)
		return CLONE_KIND_FORK;
	struct process *p = current_process();
	if ((rest & CLONE_VFORK) && !__atomic_exchange_n(&p->vfork_warned, 1, __ATOMIC_RELAXED))
		kprintf("dakota: pid %d (%s): clone with CLONE_VFORK is not supported\n",
			p->pid, p->name);
	return -EINVAL;
}

/* Linux ignores a fault on these writes (the clone has happened). */
static void put_tid(struct addrspace *as, unsigned long uaddr, int tid)
{
	if (copy_to_user(as, uaddr, &tid, sizeof tid))
		return;
}

static long clone_thread(const struct clone_req *r)
{
	struct thread *self = current_thread(), *t;
	struct process *p = self->proc;
	spin_lock(&p->lock);
	long err = thread_alloc(p, &t);
	if (!err)
		p->linux_threads = true;
	spin_unlock(&p->lock);
	if (err)
		return err;
	t->stack_slot = NO_STACK_SLOT;
	t->linux_clone = true;
	/* The caller's registers, resuming after its ecall with a0 = 0. */
	*t->tc = *self->tc;
	tc_set_return(t->tc, 0);
	if (r->stack)
		tc_set_stack(t->tc, r->stack);
	if (r->flags & CLONE_SETTLS)
		t->tc->regs[4] = r->tls;
	if (r->flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = r->child_tid;
	int ltid = linux_tid_of(t);
	if (r->flags & CLONE_PARENT_SETTID)
		put_tid(p->as, r->parent_tid, ltid);
	if (r->flags & CLONE_CHILD_SETTID)
		put_tid(p->as, r->child_tid, ltid);
	trace_event(TRACE_CREATE, (unsigned long)p->pid << 16 | (unsigned)t->tid,
		    (unsigned long)p->pid << 16 | (unsigned)self->tid);
	spin_lock(&t->lock);
	t->state = THREAD_READY;
	rq_push(t);
	spin_unlock(&t->lock);
	return ltid;
}

/* Runs before the fork child's only thread can run: its copy of the
 * caller's registers gets the stack and TLS asked for, and its tid words
 * live in its own (copied) memory. */
static void fork_prepare(struct thread *t, void *arg)
{
	const struct clone_req *r = arg;
	if (r->stack)
		tc_set_stack(t->tc, r->stack);
	if (r->flags & CLONE_SETTLS)
		t->tc->regs[4] = r->tls;
	if (r->flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = r->child_tid;
	if (r->flags & CLONE_CHILD_SETTID)
		put_tid(t->proc->as, r->child_tid, t->proc->pid);
}

long clone_do(const struct clone_req *r)
{
	long kind = clone_kind(r);
	if (kind < 0)
		return kind;
	if (kind == CLONE_KIND_THREAD)
		return clone_thread(r);
	long pid = process_fork_prepared(fork_prepare, (void *)r);
	if (pid > 0 && (r->flags & CLONE_PARENT_SETTID))
		put_tid(current_process()->as, r->parent_tid, (int)pid);
	return pid;
}

/* Writes 0 to the clear-child-tid word and wakes one waiter on it, keyed
 * by address space and address (pthread_join waits without the private
 * flag, lock waiters with it: both meet here). */
static void clear_and_wake(struct addrspace *as, unsigned long uaddr)
{
	int zero = 0;
	if (copy_to_user(as, uaddr, &zero, sizeof zero) == 0)
		futex_wake_key(as, uaddr, 1);
}

void clone_exit_notify(struct thread *t)
{
	robust_list_exit(t);
	if (t->clear_child_tid) {
		clear_and_wake(t->proc->as, t->clear_child_tid);
		t->clear_child_tid = 0;
	}
}

void clone_exit(int code)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	spin_lock(&p->lock);
	/* The last thread out (or any, once the process is being killed) ends
	 * the process; deciding and counting under one hold of the lock keeps
	 * two threads leaving together from both thinking another remains. */
	bool last = p->exiting || p->live_threads - p->exiting_threads == 1;
	if (!last)
		p->exiting_threads++;
	spin_unlock(&p->lock);
	if (last)
		process_exit_current(W_EXITCODE(code));
	robust_list_exit(t);
	/* The trap-context page only: a main thread's stack stays mapped, as
	 * on Linux (its siblings may hold pointers into it). */
	as_remove_thread(p->as, t->tid, NO_STACK_SLOT);
	spin_lock(&p->lock);
	t->exit_code = code;
	spin_lock(&t->lock);
	t->reap_after_switch = true;
	t->state = THREAD_EXITED;
	spin_unlock(&p->lock);
	trace_event(TRACE_EXIT, (unsigned long)p->pid << 16 | (unsigned)t->tid, (unsigned long)code);
	sched_switch();
	panic("thread %d:%d ran after its exit", p->pid, t->tid);
}

void clone_reap(struct thread *t)
{
	struct process *p = t->proc;
	unsigned long ctid = t->clear_child_tid;
	int tid = t->tid;
	spin_lock(&p->lock);
	thread_free(t);
	/* The leader's rCore tid stays taken while the process lives: tid 0's
	 * Linux tid is the pid, which no other thread may have. */
	if (tid == 0)
		idalloc_get_at(&p->tids, 0);
	spin_unlock(&p->lock);
	/* The process cannot end before live_threads drops below: its address
	 * space is still there. */
	if (ctid)
		clear_and_wake(p->as, ctid);
	spin_lock(&p->lock);
	p->live_threads--;
	p->exiting_threads--;
	wq_wake_all(&p->thread_exited);
	spin_unlock(&p->lock);
}
