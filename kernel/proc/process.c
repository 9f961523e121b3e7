/* Processes: creation, fork, wait4, kill and the exit of a whole process.
 *
 * Lock order here: proc_tree_lock, then a process lock, then its address
 * space lock, then thread locks (see kernel/sync/spinlock.h). */
#include "kernel/proc/process.h"
#include "kernel/trace/trace.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/file.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/proc/clone.h"
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

struct spinlock proc_tree_lock = SPINLOCK_INIT("proc-tree", LOCK_PROC_TREE);
struct list_node all_processes = { &all_processes, &all_processes };
static struct process *init_process;          /* proc_tree_lock */
static long live_processes;                   /* proc_tree_lock */

long process_count(void)
{
	return __atomic_load_n(&live_processes, __ATOMIC_RELAXED);
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
	}
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

long process_spawn_init(const char *path, char *const argv[])
{
	struct process *p = process_alloc(NULL);
	if (!p)
		return -ENOMEM;
	init_process = p;
	long err = file_open_console(p);
	if (err)
		return err;
	char *const envp[] = { "PATH=/bin", NULL };
	err = exec_first(p, path, argv, envp);
	return err;
}

long process_fork(void)
{
	return process_fork_prepared(NULL, NULL);
}

long process_fork_prepared(void (*prepare)(struct thread *child, void *arg), void *arg)
{
	struct thread *self = current_thread();
	struct process *parent = self->proc;
	struct process *child = process_alloc(parent);
	if (!child)
		return -EAGAIN;
	long err = -ENOMEM;
	child->as = as_clone(parent->as);
	if (!child->as)
		goto unlink;
	child->sync = sync_objects_create();
	if (!child->sync)
		goto destroy_as;
	struct thread *t;
	spin_lock(&child->lock);
	err = thread_alloc(child, &t);
	spin_unlock(&child->lock);
	if (err)
		goto free_sync;
	memcpy(t->tc, self->tc, sizeof *t->tc);
	tc_set_return(t->tc, 0);
	if (self->stack_slot != 0) {
		/* The child's tid 0 runs on the forker's stack (see stack_slot). */
		spin_lock(&child->lock);
		idalloc_get_at(&child->tids, self->stack_slot);
		t->stack_slot = self->stack_slot;
		spin_unlock(&child->lock);
	}
	spin_lock(&parent->lock);
	file_copy_table(child, parent);
	spin_unlock(&parent->lock);
	if (prepare)
		prepare(t, arg);
	int pid = child->pid;
	spin_lock(&t->lock);
	t->state = THREAD_READY;
	rq_push(t);
	spin_unlock(&t->lock);
	return pid;

free_sync:
	sync_objects_destroy(child->sync);
destroy_as:
	as_destroy(child->as);
unlink:
	process_unlink_free(child);
	return err;
}

/* Called with p->lock held: tell thread t to exit and make sure it notices. */
static void kill_thread(struct thread *t)
{
	__atomic_store_n(&t->killed, true, __ATOMIC_RELEASE);
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

bool process_kill(struct process *p, int status)
{
	spin_lock(&p->lock);
	bool first = !p->exiting;
	if (first) {
		p->exiting = true;
		p->exit_status = status;
	}
	for (int i = 0; i < CONFIG_MAX_THREADS; i++) {
		struct thread *t = p->threads[i];
		if (t && t->state != THREAD_EXITED)
			kill_thread(t);
	}
	spin_unlock(&p->lock);
	return first;
}

/* Called with p->lock held and every other thread told to exit: wait until
 * they have, then free them. */
static void reap_other_threads(struct process *p, struct thread *self)
{
	while (p->live_threads > 1)
		wq_sleep_uninterruptible(&p->thread_exited, &p->lock);
	for (int i = 0; i < CONFIG_MAX_THREADS; i++) {
		struct thread *t = p->threads[i];
		if (t && t != self) {
			thread_wait_off_hart(t);
			thread_free(t);
		}
	}
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

/* The claiming thread tears the process down: other threads, memory, files,
 * then becomes the zombie's last thread and leaves the CPU for good. */
__attribute__((noreturn)) static void process_teardown(struct process *p, struct thread *self)
{
	clone_vfork_release(p);   /* a vfork parent waits no longer */
	spin_lock(&p->lock);
	reap_other_threads(p, self);
	int status = p->exit_status;
	spin_unlock(&p->lock);
	file_close_all(p);
	sync_objects_destroy(p->sync);
	as_remove_thread(p->as, self->tid, self->stack_slot);
	as_destroy(p->as);
	p->as = NULL;

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
	wq_wake_all(&p->parent->child_exited);
	spin_lock(&self->lock);
	self->state = THREAD_EXITED;
	spin_unlock(&proc_tree_lock);
	sched_switch();
	panic("process %d: last thread ran after teardown", p->pid);
}

void process_exit_current(int status)
{
	struct thread *self = current_thread();
	struct process *p = self->proc;
	process_kill(p, status);
	spin_lock(&p->lock);
	bool claim = !p->teardown;
	p->teardown = true;
	spin_unlock(&p->lock);
	if (claim)
		process_teardown(p, self);
	thread_exit(0);
}

void process_reduce_to_current_thread(void)
{
	struct thread *self = current_thread();
	struct process *p = self->proc;
	spin_lock(&p->lock);
	for (int i = 0; i < CONFIG_MAX_THREADS; i++) {
		struct thread *t = p->threads[i];
		if (t && t != self && t->state != THREAD_EXITED)
			kill_thread(t);
	}
	reap_other_threads(p, self);
	spin_unlock(&p->lock);
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

/* Frees a zombie that its parent has unlinked. */
static void process_free_zombie(struct process *z)
{
	struct thread *last = z->last_thread;
	thread_wait_off_hart(last);
	spin_lock(&z->lock);
	thread_free(last);
	spin_unlock(&z->lock);
	spin_lock(&proc_tree_lock);
	pid_free(z->pid);
	live_processes--;
	spin_unlock(&proc_tree_lock);
	kfree(z);
}

/* Called with proc_tree_lock held. A matching zombie child, or NULL; sets
 * *any when some child matches at all. */
static struct process *find_zombie(struct process *p, int pid, bool *any)
{
	struct list_node *pos;
	*any = false;
	list_for_each(pos, &p->children) {
		struct process *c = list_entry(pos, struct process, sibling);
		if (pid != -1 && c->pid != pid)
			continue;
		*any = true;
		if (c->state == PROC_ZOMBIE)
			return c;
	}
	return NULL;
}

long process_wait(int pid, unsigned long status_uaddr, int options)
{
	struct process *p = current_process();
	if (pid < -1 || pid == 0 || (options & ~WNOHANG))
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	for (;;) {
		bool any;
		struct process *z = find_zombie(p, pid, &any);
		if (z) {
			list_remove(&z->sibling);
			list_remove(&z->all_link);
			spin_unlock(&proc_tree_lock);
			int status = z->exit_status, zpid = z->pid;
			process_free_zombie(z);
			if (status_uaddr && copy_to_user(p->as, status_uaddr, &status, sizeof status))
				return -EFAULT;
			return zpid;
		}
		long err = !any ? -ECHILD : (options & WNOHANG) ? 0 : 0;
		if (!any || (options & WNOHANG)) {
			spin_unlock(&proc_tree_lock);
			return err;
		}
		if (wq_sleep(&p->child_exited, &proc_tree_lock)) {
			spin_unlock(&proc_tree_lock);
			return -EINTR;
		}
	}
}

long process_kill_pid(int pid, int sig)
{
	if (sig != 0 && sig != SIGKILL)
		return -EINVAL;
	struct process *self = current_process();
	spin_lock(&proc_tree_lock);
	struct process *p = pid > 0 ? process_find(pid) : NULL;
	long err = 0;
	if (!p || p->state == PROC_ZOMBIE)
		err = -ESRCH;
	else if (self->uid != 0 && self->uid != p->uid)
		err = -EPERM;
	else if (sig == SIGKILL)
		process_kill(p, W_SIGNALED(SIGKILL));
	spin_unlock(&proc_tree_lock);
	return err;
}
