/* Linux clone: flag checks, thread, fork and vfork creation, and the Linux
 * end of a thread (see clone.h, which also says how a vfork child shares its
 * parent's address space).
 *
 * Lock order as everywhere (kernel/sync/spinlock.h): the process-tree lock,
 * a process lock, its address-space lock, an object lock (a vfork wait's,
 * a futex bucket), thread locks. clone_reap runs in the scheduler loop with
 * no lock held. */
#include "kernel/proc/clone.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/proc/robust.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/mm/addrspace.h"
#include "kernel/sync/futex.h"
#include "kernel/sync/futex_pi.h"
#include "kernel/signal/signal.h"
#include "kernel/sync/waitqueue.h"
#include "kernel/sched/runqueue.h"
#include "kernel/trace/trace.h"
#include "kernel/panic.h"
#include <dakota/syscall.h>

#define THREAD_SET (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
/* Optional with either kind. CLONE_SYSVSEM: Dakota has no System V
 * semaphores, so sharing their undo lists is trivially true. CLONE_DETACHED
 * is ignored by Linux too. */
#define OPTIONAL (CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | \
		  CLONE_CHILD_CLEARTID | CLONE_SYSVSEM | CLONE_DETACHED)

enum clone_kind { CLONE_KIND_THREAD = 1, CLONE_KIND_FORK, CLONE_KIND_VFORK };

/* A vfork parent's wait, on its kernel stack. The child's proc->vfork
 * points here until the child releases it or the parent detaches. */
struct vfork_wait {
	struct spinlock lock;     /* guards done and wq; level LOCK_OBJECT */
	bool done;
	struct waitqueue wq;
};

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
	if (rest == (CLONE_VM | CLONE_VFORK) && r->exit_signal == SIGCHLD)
		return CLONE_KIND_VFORK;
	return -EINVAL;
}

/* Linux ignores a fault on these writes (the clone has happened). */
static void put_tid(struct addrspace *as, unsigned long uaddr, int tid)
{
	(void)copy_to_user(as, uaddr, &tid, sizeof tid);
}

void clone_count_new_thread(struct process *p)
{
	if (p->linux_threads) {
		p->linux_alive++;
		return;
	}
	/* Marking: every live thread (the new one included) is still alive in
	 * the sense of exit, none having left while the mark was unset. */
	p->linux_threads = true;
	p->linux_alive = p->live_threads;
}

/* What a new thread or fork child takes from the request before it first
 * runs: its stack, its TLS pointer (tp), and the tid word its exit clears;
 * the thread and fork paths differ only in where the tid words live. */
static void clone_set_child_context(struct thread *t, const struct clone_req *r)
{
	if (r->stack)
		tc_set_stack(t->tc, r->stack);
	if (r->flags & CLONE_SETTLS)
		t->tc->regs[4] = r->tls;
	if (r->flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = r->child_tid;
}

static long clone_thread(const struct clone_req *r)
{
	struct thread *self = current_thread(), *t;
	struct process *p = self->proc;
	spin_lock(&p->lock);
	long err = thread_alloc(p, &t);
	if (!err)
		clone_count_new_thread(p);
	spin_unlock(&p->lock);
	if (err)
		return err;
	t->stack_slot = NO_STACK_SLOT;
	t->linux_clone = true;
	/* The caller's registers, resuming after its ecall with a0 = 0. */
	*t->tc = *self->tc;
	tc_set_return(t->tc, 0);
	clone_set_child_context(t, r);
	int ltid = linux_tid_of(t);
	if (r->flags & CLONE_PARENT_SETTID)
		put_tid(p->as, r->parent_tid, ltid);
	if (r->flags & CLONE_CHILD_SETTID)
		put_tid(p->as, r->child_tid, ltid);
	trace_event(TRACE_CREATE, (unsigned long)p->pid << 16 | (unsigned)t->tid,
		    (unsigned long)p->pid << 16 | (unsigned)self->tid);
	thread_start(t);
	return ltid;
}

/* Runs before the fork child's only thread can run: its copy of the
 * caller's registers gets the stack and TLS asked for, and its tid words
 * live in its own (copied) memory. */
static void fork_prepare(struct thread *t, void *arg)
{
	const struct clone_req *r = arg;
	clone_set_child_context(t, r);
	if (r->flags & CLONE_CHILD_SETTID)
		put_tid(t->proc->as, r->child_tid, t->proc->pid);
}

struct vfork_req {
	const struct clone_req *r;
	struct vfork_wait *w;
};

/* The child runs in the caller's own memory: the tid words, the parent's
 * included, are written before it can run, as Linux does. */
static void vfork_prepare(struct thread *t, void *arg)
{
	struct vfork_req *v = arg;
	fork_prepare(t, (void *)v->r);
	if (v->r->flags & CLONE_PARENT_SETTID)
		put_tid(t->proc->as, v->r->parent_tid, t->proc->pid);
	t->proc->vfork = v->w;        /* not running yet: no lock needed */
}

/* Killed while waiting: unhook w from the child unless the child already
 * did. The child cannot be freed while it is on our children list (wait4
 * unlinks under proc_tree_lock first), and it releases w (setting done)
 * before it can become a zombie. */
static void vfork_detach(struct process *parent, int pid, struct vfork_wait *w)
{
	spin_lock(&proc_tree_lock);
	struct list_node *pos;
	list_for_each(pos, &parent->children) {
		struct process *c = list_entry(pos, struct process, sibling);
		if (c->pid != pid)
			continue;
		spin_lock(&c->lock);
		if (c->vfork == w)
			c->vfork = NULL;
		spin_unlock(&c->lock);
	}
	spin_unlock(&proc_tree_lock);
}

/* Sleeps until the child has let go of the shared space (exec, end) or
 * the caller is killed (true); as Linux, a signal does not end the wait:
 * the caller's stack and memory are the child's until then. */
static bool vfork_wait_child(struct process *p, int pid, struct vfork_wait *w)
{
	spin_lock(&w->lock);
	bool killed = false;
	while (!w->done && !killed)
		killed = wq_sleep_killable(&w->wq, &w->lock) != 0;
	spin_unlock(&w->lock);
	if (killed)
		vfork_detach(p, pid, w);
	/* Detached, or the child set done under w->lock and is past it. */
	spin_lock(&w->lock);
	spin_unlock(&w->lock);
	return killed;
}

/* A tid of the caller's process held for the child's trap-context page
 * while the child may use it: no thread of the parent gets that tid, so
 * none maps its page over the child's. -1 where thread_alloc would refuse
 * (and in a vfork child still sharing: its tids are not its space's). */
static int vfork_slot_reserve(struct process *p)
{
	spin_lock(&p->lock);
	int slot = (p->exiting || p->sole || p->vfork_shared) ? -1 : idalloc_get(&p->tids);
	spin_unlock(&p->lock);
	return slot;
}

/* The child has let go, or the caller was killed (then its process ends
 * or an exec replaces its space: no thread of it is made in the shared
 * space again, so the child may keep using the page). */
static void vfork_slot_release(struct process *p, int slot)
{
	spin_lock(&p->lock);
	idalloc_put(&p->tids, slot);
	spin_unlock(&p->lock);
}

static long clone_vfork(const struct clone_req *r)
{
	struct process *p = current_process();
	int slot = vfork_slot_reserve(p);
	if (slot < 0)
		return -EAGAIN;
	struct vfork_wait w = { .done = false };
	spin_init(&w.lock, "vfork", LOCK_OBJECT);
	wq_init(&w.wq);
	struct vfork_req v = { .r = r, .w = &w };
	long pid = process_vfork_prepared(slot, vfork_prepare, &v);
	if (pid > 0 && vfork_wait_child(p, (int)pid, &w)) {
		/* Killed: this thread ends, but the child may still run on its
		 * stack (vfork's child does). The stack slot's region stays in
		 * the shared space, freed with it; only this thread reads it. */
		current_thread()->stack_slot = NO_STACK_SLOT;
	}
	vfork_slot_release(p, slot);
	return pid;
}

long clone_do(const struct clone_req *r)
{
	long kind = clone_kind(r);
	if (kind < 0)
		return kind;
	if (kind == CLONE_KIND_THREAD)
		return clone_thread(r);
	if (kind == CLONE_KIND_VFORK)
		return clone_vfork(r);
	long pid = process_fork_prepared(fork_prepare, (void *)r);
	if (pid > 0 && (r->flags & CLONE_PARENT_SETTID))
		put_tid(current_process()->as, r->parent_tid, (int)pid);
	return pid;
}

void clone_vfork_release(struct process *p)
{
	spin_lock(&p->lock);
	struct vfork_wait *w = p->vfork;
	p->vfork = NULL;
	if (w) {
		spin_lock(&w->lock);
		w->done = true;
		wq_wake_all(&w->wq);
		spin_unlock(&w->lock);
	}
	spin_unlock(&p->lock);
}

void clone_exec_done(struct thread *t)
{
	struct process *p = t->proc;
	spin_lock(&p->lock);
	p->linux_threads = false;
	spin_unlock(&p->lock);
	t->clear_child_tid = 0;
	__atomic_store_n(&t->robust_list, 0, __ATOMIC_RELAXED);
	futex_pi_exec(t);
	clone_vfork_release(p);
}

/* Writes 0 to the clear-child-tid word and wakes one waiter on it, keyed
 * by address space and address (pthread_join waits without the private
 * flag, lock waiters with it: both meet here). */
static void clear_and_wake(struct addrspace *as, unsigned long uaddr)
{
	int zero = 0;
	if (copy_to_user(as, uaddr, &zero, sizeof zero) == 0)
		futex_wake_addr(as, uaddr, 1);
}

void clone_exit_notify(struct thread *t)
{
	robust_list_exit(t);
	if (t->clear_child_tid) {
		clear_and_wake(t->proc->as, t->clear_child_tid);
		t->clear_child_tid = 0;
	}
}

void clone_image_end(struct thread *t)
{
	robust_list_exit(t);
	struct addrspace *as = t->proc->as;
	if (t->clear_child_tid && as_shared(as)) {
		clear_and_wake(as, t->clear_child_tid);
		t->clear_child_tid = 0;
	}
}

/* Leaves the CPU for good without being joinable: clone_reap frees t once
 * it is off its hart. */
__attribute__((noreturn)) static void exit_detached(struct thread *t, int code)
{
	struct process *p = t->proc;
	robust_list_exit(t);
	/* Nothing is unmapped, so no other hart is asked to fence: the
	 * trap-context page stays mapped until the tid is reused or the
	 * process ends (as_map_trap_context), and a main thread's stack stays,
	 * as on Linux (its siblings may hold pointers into it). */
	spin_lock(&p->lock);
	t->exit_code = code;
	signal_thread_exiting_locked(t);
	spin_lock(&t->lock);
	t->reap_after_switch = true;
	t->state = THREAD_EXITED;
	spin_unlock(&p->lock);
	trace_event(TRACE_EXIT, (unsigned long)p->pid << 16 | (unsigned)t->tid, (unsigned long)code);
	sched_switch();
	panic("thread %d:%d ran after its exit", p->pid, t->tid);
}

void clone_exit(int code)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	spin_lock(&p->lock);
	/* The last thread out (or any, once the process is being killed) ends
	 * the process; deciding and counting under one hold of the lock keeps
	 * two threads leaving together from both thinking another remains. */
	bool last = p->exiting || --p->linux_alive == 0;
	spin_unlock(&p->lock);
	if (last)
		process_exit_current(W_EXITCODE(code));
	/* A thread_create thread stays joinable with waittid (rCore). */
	if (!t->linux_clone && t->tid != 0)
		thread_exit(code);
	exit_detached(t, code);
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
	wq_wake_all(&p->thread_exited);
	spin_unlock(&p->lock);
}
