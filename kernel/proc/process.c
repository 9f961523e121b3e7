/* Processes: creation, fork, wait4, kill, exec's takeover and the exit of a
 * whole process.
 *
 * Who ends a process. Four things can end a process's image: an exec in one
 * of its threads (the image), exit_group or the exit of tid 0, a fault, and
 * a SIGKILL from another process. Exactly one thread carries out an end: the
 * one that sets p->sole, under p->lock (claim_end for an exit, fault or
 * noticed kill; process_exec_take for an exec). Whoever sets it tells every
 * other thread to exit in the same lock hold (kill_threads), so by the time
 * another contender takes the lock it has already been told, and it ends
 * only itself. The others learn of it through their `killed` flag: it makes
 * every interruptible wait return -EINTR, a running thread is kicked into
 * the kernel, and user_return_prepare ends a killed thread before it can
 * reach user mode again. The owner waits on p->thread_exited until
 * live_threads is 1; each exiting thread wakes it.
 *
 * An exec owns the process only until it is alone (then p->sole is NULL
 * again and the new image runs); the teardown owns it for good. A SIGKILL
 * sets p->exiting without choosing an owner; an exec owning the process
 * then has its wait interrupted and becomes the teardown. No wait on these
 * paths is uninterruptible except the teardown's own wait for its killed
 * siblings (reap_other_threads says why it ends).
 *
 * Locks (order: proc_tree_lock, then a process lock, then its address-space
 * lock, then thread locks; kernel/sync/spinlock.h):
 *  - proc_tree_lock: parent/child links, the all_processes list, pids,
 *    zombie state, init_process, live_processes. wait4 sleeps on a parent's
 *    child_exited through wq_sleep, which drops it; nobody else sleeps
 *    holding it.
 *  - struct process.lock: see process.h. Dropped by wq_sleep while exec,
 *    join or the teardown sleeps on thread_exited; never held across a
 *    sleep otherwise.
 *  - struct thread.lock: see thread.h; held across a context switch only. */
#include "kernel/proc/process.h"
#include "kernel/trace/trace.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/file.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/proc/clone.h"
#include "kernel/signal/signal.h"
#include "kernel/signal/itimer.h"
#include "kernel/signal/posix_timer.h"
#include "kernel/sync/objects.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/runqueue.h"
#include "kernel/sched/processor.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/lib/string.h"
#include "kernel/dev/console.h"
#include "kernel/panic.h"
#include <dakota/syscall.h>
#include <dakota/signal.h>

struct spinlock proc_tree_lock = SPINLOCK_INIT("proc-tree", LOCK_PROC_TREE);
struct list_node all_processes = { &all_processes, &all_processes };
static struct process *init_process;          /* proc_tree_lock */
static long live_processes;                   /* proc_tree_lock */

long process_count(void)
{
	return __atomic_load_n(&live_processes, __ATOMIC_RELAXED);
}

/* The Linux per-process state a child takes from its parent. Called with
 * the tree lock held (it guards pgid and sid); gid and rlimits under the
 * parent's lock, which comes after it in the lock order. */
static void process_inherit_linux(struct process *p, struct process *parent)
{
	spin_lock(&parent->lock);
	p->gid = parent->gid;
	memcpy(p->rlim, parent->rlim, sizeof p->rlim);
	p->rlim_set = parent->rlim_set;
	spin_unlock(&parent->lock);
	p->pgid = parent->pgid;
	p->sid = parent->sid;
	p->umask = parent->umask;
	p->strace = parent->strace;
}

/* A new process with no threads, linked under `parent`. pid 0 is never
 * used, so the first process is pid 1. */
static struct process *process_alloc(struct process *parent)
{
	struct process *p = kmalloc(sizeof *p);
	if (!p)
		return NULL;
	spin_lock(&proc_tree_lock);
	/* Threads share the pid space (linux_tid.c): bound processes here. */
	int pid = live_processes < CONFIG_MAX_PROCS ? pid_alloc() : -1;
	if (pid < 0) {
		spin_unlock(&proc_tree_lock);
		kfree(p);
		return NULL;
	}
	spin_init(&p->lock, "process", LOCK_PROCESS);
	p->pid = pid;
	idalloc_init(&p->tids, p->tid_bits, CONFIG_MAX_THREADS);
	wq_init(&p->thread_exited);
	wq_init(&p->child_exited);
	list_init(&p->children);
	list_init(&p->sibling);
	p->parent = parent;
	__atomic_store_n(&p->ppid, parent ? parent->pid : 0, __ATOMIC_RELAXED);
	if (parent) {
		p->uid = parent->uid;
		memcpy(p->name, parent->name, sizeof p->name);
		list_push_back(&parent->children, &p->sibling);
		process_inherit_linux(p, parent);
	} else {
		p->pgid = p->sid = pid;
		p->umask = 022;
	}
	signal_process_init(p, parent);
	list_push_back(&all_processes, &p->all_link);
	live_processes++;
	spin_unlock(&proc_tree_lock);
	return p;
}

/* Undoes process_alloc for a process that never ran. */
static void process_unlink_free(struct process *p)
{
	spin_lock(&proc_tree_lock);
	list_remove(&p->sibling);
	list_remove(&p->all_link);
	pid_free(p->pid);
	live_processes--;
	spin_unlock(&proc_tree_lock);
	kfree(p);
}

long process_spawn_init(const char *path, const struct strvec *argv, const struct strvec *envp)
{
	struct process *p = process_alloc(NULL);
	if (!p)
		return -ENOMEM;
	init_process = p;
	long err = file_open_console(p);
	if (err)
		return err;
	return exec_first(p, path, argv, envp);
}

long process_fork(void)
{
	return process_fork_prepared(NULL, NULL);
}

/* The child's tid 0 and its stack slot. A fork child's runs on the
 * forker's stack (see stack_slot); a vfork child sharing the space has no
 * slot of its own: it runs on its parent's stack or on one clone gave, and
 * its end must not unmap the slot its parent runs on. */
static long fork_first_thread(struct process *child, struct thread *self, int trap_slot,
			      struct thread **out)
{
	long err = thread_alloc_first(child, trap_slot, out);
	if (err)
		return err;
	struct thread *t = *out;
	memcpy(t->tc, self->tc, sizeof *t->tc);
	tc_set_return(t->tc, 0);
	/* As Linux, a fork child keeps the alternate signal stack it is
	 * running beside (the same address in its memory, copied or shared).
	 * Only self writes its own altstack, and t cannot run yet: no lock. */
	t->sig.altstack = self->sig.altstack;
	spin_lock(&child->lock);
	if (child->as == self->proc->as) {
		child->vfork_shared = true;
		t->stack_slot = NO_STACK_SLOT;
	} else if (self->stack_slot != 0) {
		idalloc_get_at(&child->tids, self->stack_slot);
		t->stack_slot = self->stack_slot;
	}
	spin_unlock(&child->lock);
	return 0;
}

/* The caller's own space with one more user (a vfork child), or a copy
 * (NULL when memory ran out). The caller's space cannot go meanwhile: it
 * is replaced or put only once the caller has left it. */
static struct addrspace *child_space(bool share)
{
	struct addrspace *as = current_process()->as;
	if (!share)
		return as_clone(as);
	as_get(as);
	return as;
}

/* A child of the caller in a copy of its space, or sharing it (share). */
static long fork_child(bool share, int trap_slot,
		       void (*prepare)(struct thread *child, void *arg), void *arg)
{
	struct thread *self = current_thread();
	struct process *parent = self->proc;
	struct process *child = process_alloc(parent);
	if (!child)
		return -EAGAIN;
	long err = -ENOMEM;
	child->as = child_space(share);
	if (!child->as)
		goto unlink;
	child->sync = sync_objects_create();
	if (!child->sync)
		goto put_as;
	struct thread *t;
	err = fork_first_thread(child, self, trap_slot, &t);
	if (err)
		goto free_sync;
	spin_lock(&parent->lock);
	file_copy_table(child, parent);
	spin_unlock(&parent->lock);
	if (prepare)
		prepare(t, arg);
	int pid = child->pid;
	thread_start(t);
	return pid;

free_sync:
	sync_objects_destroy(child->sync);
put_as:
	as_put(child->as);
unlink:
	process_unlink_free(child);
	return err;
}

long process_fork_prepared(void (*prepare)(struct thread *child, void *arg), void *arg)
{
	return fork_child(false, 0, prepare, arg);
}

long process_vfork_prepared(int trap_slot, void (*prepare)(struct thread *child, void *arg),
			    void *arg)
{
	return fork_child(true, trap_slot, prepare, arg);
}

/* Called with p->lock held: tell thread t to exit and make sure it notices
 * (thread_interrupt): a blocked thread's wait returns -EINTR, a running one
 * is interrupted, any other sees the flag at its next return to user mode. */
static void kill_thread(struct thread *t)
{
	__atomic_store_n(&t->killed, true, __ATOMIC_RELEASE);
	thread_interrupt(t);
}

/* Called with p->lock held: tell every thread but `spare` to exit. */
static void kill_threads(struct process *p, struct thread *spare)
{
	for (int i = 0; i < CONFIG_MAX_THREADS; i++) {
		struct thread *t = p->threads[i];
		if (t && t != spare && t->state != THREAD_EXITED)
			kill_thread(t);
	}
}

bool process_kill(struct process *p, int status)
{
	spin_lock(&p->lock);
	bool first = !p->exiting;
	if (first) {
		p->exiting = true;
		p->exit_status = status;
	}
	kill_threads(p, NULL);
	spin_unlock(&p->lock);
	return first;
}

/* Called with p->lock held, by the sole thread once every sibling has
 * exited: frees them. */
static void free_other_threads(struct process *p, struct thread *self)
{
	for (int i = 0; i < CONFIG_MAX_THREADS; i++) {
		struct thread *t = p->threads[i];
		if (t && t != self) {
			thread_wait_off_hart(t);
			thread_free(t);
		}
	}
}

/* Called with p->lock held by the thread tearing p down: wait until every
 * other thread has exited, then free them. The wait ignores kills: the
 * waiter is killed itself (the kill is what it is carrying out), so an
 * interruptible wait would return at once. It cannot last: every sibling has
 * been told to exit, a killed thread leaves every interruptible wait, and
 * no sibling waits uninterruptibly (only the sole thread ever does). */
static void reap_other_threads(struct process *p, struct thread *self)
{
	while (p->live_threads > 1)
		wq_sleep_uninterruptible(&p->thread_exited, &p->lock);
	free_other_threads(p, self);
}

static int status_for_poweroff(int status)
{
	return (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
}

/* Called with proc_tree_lock held: hand p's children to init. */
static void reparent_children(struct process *p)
{
	bool zombie = false;
	while (!list_empty(&p->children)) {
		struct process *c = list_entry(list_pop_front(&p->children), struct process, sibling);
		c->parent = init_process;
		__atomic_store_n(&c->ppid, init_process->pid, __ATOMIC_RELAXED);
		list_push_back(&init_process->children, &c->sibling);
		zombie |= c->state == PROC_ZOMBIE;
	}
	if (zombie)
		wq_wake_all(&init_process->child_exited);
}

/* The sole thread tears the process down: other threads, memory, files,
 * then becomes the zombie's last thread and leaves the CPU for good. */
__attribute__((noreturn)) static void process_teardown(struct process *p, struct thread *self)
{
	spin_lock(&p->lock);
	reap_other_threads(p, self);
	int status = p->exit_status;
	spin_unlock(&p->lock);
	clone_image_end(self);
	itimer_release(p);
	posix_timer_release_all(p);
	signal_process_release(p);
	sync_objects_destroy(p->sync);
	/* The last user destroys the space, the thread's stack and
	 * trap-context page with it; a vfork child leaves it to its parent. */
	as_put(p->as);
	p->as = NULL;
	/* Only now, the child done with the shared space and its trap-context
	 * page, may a vfork parent go on (and give that page's tid away). */
	clone_vfork_release(p);
	/* Memory goes before files, as on Linux: a process that learns of
	 * this one's end from a pipe's end of file finds its memory back. */
	file_close_all(p);

	if (p == init_process) {
		trace_stop();   /* the trace leaves over the UART before power-off */
		kprintf("dakota: init (pid %d) exited with status %d, powering off\n",
			p->pid, status_for_poweroff(status));
		arch_poweroff(status_for_poweroff(status));
	}
	spin_lock(&proc_tree_lock);
	reparent_children(p);
	p->state = PROC_ZOMBIE;
	p->last_thread = self;
	self->wake_sync = true;
	p->autoreap = signal_child_exited(p, status);
	wq_wake_all(&p->parent->child_exited);
	spin_lock(&self->lock);
	self->state = THREAD_EXITED;
	spin_unlock(&proc_tree_lock);
	sched_switch();
	panic("process %d: last thread ran after teardown", p->pid);
}

/* Called with p->lock held. The one place that decides who ends p (see
 * struct process). An exec that owns p keeps it against exit_group and
 * faults of its siblings, as on Linux: they were told to exit by the exec
 * and end alone. Only a kill (exiting) takes p from an exec, and then the
 * exec itself, still sole, comes here to tear down. */
static bool claim_end(struct process *p, struct thread *self, int status)
{
	if (p->sole && p->sole != self)
		return false;
	if (!p->exiting) {
		p->exiting = true;
		p->exit_status = status;
	}
	p->sole = self;
	kill_threads(p, self);
	return true;
}

bool process_claim_end(int status)
{
	struct thread *self = current_thread();
	struct process *p = self->proc;
	spin_lock(&p->lock);
	bool claimed = claim_end(p, self, status);
	spin_unlock(&p->lock);
	return claimed;
}

void process_end_self(bool claimed)
{
	struct thread *self = current_thread();
	if (claimed)
		process_teardown(self->proc, self);
	thread_exit(0);
}

void process_exit_current(int status)
{
	process_end_self(process_claim_end(status));
}

/* A killed thread of a process that is not exiting was killed by an exec,
 * which owns the process until this thread is gone: it ends alone. */
void process_exit_killed(void)
{
	struct thread *self = current_thread();
	struct process *p = self->proc;
	spin_lock(&p->lock);
	bool claimed = p->exiting && claim_end(p, self, p->exit_status);
	spin_unlock(&p->lock);
	process_end_self(claimed);
}

/* Called with p->lock held by the exec that owns p. True once every sibling
 * has exited and p is not being killed: the re-check under the same lock
 * hold that finds the caller alone, so no kill can slip between them (a
 * later kill finds one thread, the caller, and ends it normally). False when
 * a kill came first; the caller stays sole and tears down. */
static bool wait_for_siblings(struct process *p)
{
	while (p->live_threads > 1)
		if (wq_sleep(&p->thread_exited, &p->lock))
			return false;
	return !p->exiting;
}

long process_exec_take(void)
{
	struct thread *self = current_thread();
	struct process *p = self->proc;
	spin_lock(&p->lock);
	if (p->sole || p->exiting) {
		/* Lost: whoever owns p has already told this thread to exit. */
		spin_unlock(&p->lock);
		return -EINTR;
	}
	p->sole = self;
	kill_threads(p, self);
	bool alone = wait_for_siblings(p);
	if (alone) {
		free_other_threads(p, self);
		p->sole = NULL;     /* threads may be created again, by this one */
	}
	spin_unlock(&p->lock);
	return alone ? 0 : -EINTR;
}

/* Called with p->lock held, on the only thread: it becomes tid 0 on user
 * stack slot 0 and trap slot 0 of the new image, whatever tid and slots it
 * had. */
static void become_tid0(struct process *p, struct thread *self)
{
	if (self->stack_slot != self->tid)
		idalloc_put(&p->tids, self->stack_slot);   /* the reservation ends */
	self->stack_slot = 0;
	self->trap_slot = 0;
	if (self->tid != 0) {
		p->threads[self->tid] = NULL;
		if (p->threads[0])   /* an entry replaced: one fewer in use */
			__atomic_store_n(&p->table_threads, p->table_threads - 1,
					 __ATOMIC_RELAXED);
		idalloc_put(&p->tids, self->tid);
		idalloc_get_at(&p->tids, 0);
		self->tid = 0;
		p->threads[0] = self;
	}
}

void process_exec_switch(struct addrspace *as, struct trap_context *tc,
			 struct sync_objects *sync)
{
	struct thread *self = current_thread();
	struct process *p = self->proc;
	sync_objects_destroy(p->sync);
	p->sync = sync;
	struct addrspace *old = p->as;
	spin_lock(&p->lock);
	p->as = as;
	p->vfork_shared = false;
	become_tid0(p, self);
	self->tc = tc;
	self->fp_hart = -1;
	spin_unlock(&p->lock);
	as_put(old);
}

struct process *process_find(int pid)
{
	struct list_node *pos;
	list_for_each(pos, &all_processes) {
		struct process *p = list_entry(pos, struct process, all_link);
		if (p->pid == pid)
			return p;
	}
	return NULL;
}

/* Frees a zombie that its parent has unlinked. Returns the CPU time it and
 * its waited-for children used, for the parent's children_ticks. */
static unsigned long process_free_zombie(struct process *z)
{
	struct thread *last = z->last_thread;
	thread_wait_off_hart(last);
	spin_lock(&z->lock);
	thread_free(last);
	unsigned long used = z->dead_thread_ticks + z->children_ticks;
	spin_unlock(&z->lock);
	spin_lock(&proc_tree_lock);
	pid_free(z->pid);
	live_processes--;
	spin_unlock(&proc_tree_lock);
	kfree(z);
	return used;
}

/* Which children a wait4 looks at: Linux's pid argument, decoded once at
 * the call (a later setpgid of the caller does not move the group waited
 * for), and whether __WCLONE without __WALL excludes them all. */
struct wait_filter {
	int pid;            /* > 0: that child; 0: any, or by pgid */
	int pgid;           /* > 0: children in this process group */
	bool clone_only;    /* every Dakota child reports with SIGCHLD */
};

/* Called with proc_tree_lock held (pgid is written under it). */
static bool wait_matches(const struct process *c, const struct wait_filter *f)
{
	if (f->clone_only)
		return false;
	if (f->pid > 0)
		return c->pid == f->pid;
	return f->pgid <= 0 || c->pgid == f->pgid;
}

/* Called with proc_tree_lock held. A matching child with something to
 * report: a zombie, or with WUNTRACED/WCONTINUED a stop or a continue not
 * yet reported (*status set, and the report consumed, for those). NULL if
 * none; sets *any when some child matches at all. */
static struct process *find_reportable(struct process *p, const struct wait_filter *f,
				       int options, bool *any, int *status)
{
	struct list_node *pos;
	*any = false;
	list_for_each(pos, &p->children) {
		struct process *c = list_entry(pos, struct process, sibling);
		if (!wait_matches(c, f))
			continue;
		if (c->autoreap)
			continue;       /* the caller frees these first */
		*any = true;
		if (c->state == PROC_ZOMBIE) {
			*status = c->exit_status;
			return c;
		}
		if ((options & WUNTRACED) && c->sig.stop_report) {
			*status = W_STOPCODE(c->sig.stop_report);
			c->sig.stop_report = 0;
			return c;
		}
		if ((options & WCONTINUED) && c->sig.cont_report) {
			*status = W_CONTINUED_STATUS;
			c->sig.cont_report = false;
			return c;
		}
	}
	return NULL;
}

/* Called with proc_tree_lock held, which it drops and takes again: frees
 * p's zombies that nobody is to be told about. */
static void free_autoreaped(struct process *p)
{
	for (;;) {
		struct process *z = NULL;
		struct list_node *pos;
		list_for_each(pos, &p->children) {
			struct process *c = list_entry(pos, struct process, sibling);
			if (c->autoreap) {
				z = c;
				break;
			}
		}
		if (!z)
			return;
		list_remove(&z->sibling);
		list_remove(&z->all_link);
		spin_unlock(&proc_tree_lock);
		process_free_zombie(z);
		spin_lock(&proc_tree_lock);
	}
}

/* Linux's checks and meaning of wait4's pid: -1 any child, 0 the caller's
 * process group, < -1 the group -pid, > 0 that child. */
static long wait_filter_of(int pid, int options, struct wait_filter *f)
{
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | W_NOTHREAD | W_CLONE | W_ALL))
		return -EINVAL;
	if (pid == -2147483647 - 1)
		return -ESRCH;       /* INT_MIN: -pid is no group id */
	f->pid = pid > 0 ? pid : 0;
	f->pgid = pid == 0 ? current_process()->pgid : pid < -1 ? -pid : 0;
	f->clone_only = (options & W_CLONE) && !(options & W_ALL);
	return 0;
}

long process_wait(int pid, unsigned long status_uaddr, int options, unsigned long *used)
{
	struct process *p = current_process();
	if (used)
		*used = 0;
	struct wait_filter filter;
	long bad = wait_filter_of(pid, options, &filter);
	if (bad)
		return bad;
	/* As Linux: after a wakeup the children are looked at once more before
	 * a pending signal ends the wait, so a parent whose last SA_NOCLDWAIT
	 * child just went gets -ECHILD, not -EINTR. */
	bool interrupted = false;
	spin_lock(&proc_tree_lock);
	for (;;) {
		free_autoreaped(p);
		bool any;
		int status = 0;
		struct process *z = find_reportable(p, &filter, options, &any, &status);
		if (z) {
			int zpid = z->pid;
			bool reap = z->state == PROC_ZOMBIE;
			if (reap) {
				list_remove(&z->sibling);
				list_remove(&z->all_link);
			}
			spin_unlock(&proc_tree_lock);
			if (reap) {
				/* Two threads of p may reap at once: an
				 * atomic add, no lock. */
				unsigned long ticks = process_free_zombie(z);
				__atomic_fetch_add(&p->children_ticks, ticks, __ATOMIC_RELAXED);
				if (used)
					*used = ticks;
			}
			if (status_uaddr && copy_to_user(p->as, status_uaddr, &status, sizeof status))
				return -EFAULT;
			return zpid;
		}
		long err = !any ? -ECHILD : (options & WNOHANG) ? 0 : 0;
		if (!any || (options & WNOHANG)) {
			spin_unlock(&proc_tree_lock);
			return err;
		}
		if (interrupted) {
			spin_unlock(&proc_tree_lock);
			return -EINTR;
		}
		interrupted = wq_sleep(&p->child_exited, &proc_tree_lock) != 0;
	}
}
