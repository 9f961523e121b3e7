/* Signal state: pending sets and their queues, masks, and sending. The
 * process lock guards all of it (sigstate.h); see signal.h for the order. */
#include "kernel/signal/signal.h"
#include "kernel/signal/posix_timer.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/runqueue.h"
#include "kernel/sched/processor.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/lib/string.h"
#include <dakota/syscall.h>

static void pending_init(struct sigpending *sp)
{
	sp->set = 0;
	list_init(&sp->queue);
}

static struct sigqueue_entry *entry_alloc(struct process *p)
{
	if (!p->sig.inline_busy) {
		p->sig.inline_busy = true;
		return &p->sig.inline_entry;
	}
	return kmalloc(sizeof(struct sigqueue_entry));
}

static void entry_free(struct process *p, struct sigqueue_entry *e)
{
	if (e->timer)
		posix_timer_signal_gone_locked(e->timer);   /* its own entry */
	else if (e == &p->sig.inline_entry)
		p->sig.inline_busy = false;
	else
		kfree(e);
}

/* Frees every entry; returns how many there were. */
static int pending_flush(struct process *p, struct sigpending *sp)
{
	int n = 0;
	while (!list_empty(&sp->queue)) {
		entry_free(p, list_entry(list_pop_front(&sp->queue), struct sigqueue_entry, link));
		n++;
	}
	sp->set = 0;
	return n;
}

void signal_process_init(struct process *p, struct process *parent)
{
	pending_init(&p->sig.pending);
	list_init(&p->sig.itimer.link);
	list_init(&p->sig.timers);
	wq_init(&p->sig.stop_wq);
	if (parent) {
		spin_lock(&parent->lock);
		memcpy(p->sig.action, parent->sig.action, sizeof p->sig.action);
		spin_unlock(&parent->lock);
	}
}

void signal_thread_init(struct thread *t, const struct thread *creator)
{
	pending_init(&t->sig.pending);
	t->sig.altstack.ss_flags = SS_DISABLE;
	if (creator)
		t->sig.blocked = creator->sig.blocked;
}

void signal_exec_reset(struct process *p)
{
	spin_lock(&p->lock);
	for (int i = 0; i < NSIG_LINUX; i++) {
		struct k_sigaction *ka = &p->sig.action[i];
		if (ka->handler != SIG_IGN)
			ka->handler = SIG_DFL;
		ka->flags = 0;
		ka->mask = 0;
	}
	struct thread *t = current_thread();
	t->sig.altstack = (k_stack_t){ .ss_flags = SS_DISABLE };
	spin_unlock(&p->lock);
}

void signal_process_release(struct process *p)
{
	spin_lock(&p->lock);
	p->sig.queued -= pending_flush(p, &p->sig.pending);
	spin_unlock(&p->lock);
}

/* Called with p->lock held (thread_free's contract). */
void signal_thread_release(struct thread *t)
{
	t->proc->sig.queued -= pending_flush(t->proc, &t->sig.pending);
}

void signal_recalc_locked(struct thread *t)
{
	sigset_k ready = (t->sig.pending.set | t->proc->sig.pending.set) & ~t->sig.blocked;
	/* A stopping process's threads must all come by signal_deliver. */
	__atomic_store_n(&t->sig.hint, ready != 0 || t->proc->sig.stopped, __ATOMIC_RELEASE);
}

static bool thread_live(const struct thread *t)
{
	return t && t->state != THREAD_EXITED && !thread_killed(t);
}

/* A live thread of p other than `except` that does not block sig, the
 * main thread first. */
static struct thread *pick_thread_except(struct process *p, int sig, const struct thread *except)
{
	for (int i = 0; i < CONFIG_MAX_THREADS; i++) {
		struct thread *t = p->threads[i];
		if (t != except && thread_live(t) && !(t->sig.blocked & SIGBIT(sig)))
			return t;
	}
	return NULL;
}

static struct thread *pick_thread(struct process *p, int sig)
{
	return pick_thread_except(p, sig, NULL);
}

/* Process-directed signals in `set` go to threads other than `from` that
 * do not block them. */
static void retarget(struct process *p, sigset_k set, const struct thread *from)
{
	while (set) {
		int sig = sigset_first(set);
		set &= set - 1;
		struct thread *other = pick_thread_except(p, sig, from);
		if (other) {
			signal_recalc_locked(other);
			thread_interrupt(other);
		}
	}
}

void signal_thread_exiting_locked(struct thread *t)
{
	retarget(t->proc, t->proc->sig.pending.set & ~t->sig.blocked, t);
}

static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

/* Linux discards a signal that is ignored when sent, unless it is blocked
 * (a handler may be installed before it is unblocked, or sigwait takes it). */
static bool discard(struct process *p, struct thread *t, int sig)
{
	unsigned long h = p->sig.action[sig - 1].handler;
	if (!(h == SIG_IGN || (h == SIG_DFL && default_ignored(sig))))
		return false;
	if (t)
		return !(t->sig.blocked & SIGBIT(sig));
	for (int i = 0; i < CONFIG_MAX_THREADS; i++)
		if (thread_live(p->threads[i]) && (p->threads[i]->sig.blocked & SIGBIT(sig)))
			return false;
	return true;
}

/* Drops every pending signal of `set` from sp. */
static void pending_discard(struct process *p, struct sigpending *sp, sigset_k set)
{
	if (!(sp->set & set))
		return;
	struct list_node *pos, *next;
	for (pos = sp->queue.next; pos != &sp->queue; pos = next) {
		next = pos->next;
		struct sigqueue_entry *e = list_entry(pos, struct sigqueue_entry, link);
		if (SIGBIT(e->info.si_signo) & set) {
			list_remove(&e->link);
			entry_free(p, e);
			p->sig.queued--;
		}
	}
	sp->set &= ~set;
}

#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

/* What sending does before queueing (Linux's prepare_signal): a stop
 * signal cancels a pending SIGCONT; SIGCONT cancels pending stop signals
 * and continues a stopped process, even when it is then discarded. */
static void prepare(struct process *p, int sig)
{
	sigset_k cancel = sig == SIGCONT ? STOP_SIGNALS
			: (SIGBIT(sig) & STOP_SIGNALS) ? SIGBIT(SIGCONT) : 0;
	if (!cancel)
		return;
	pending_discard(p, &p->sig.pending, cancel);
	for (int i = 0; i < CONFIG_MAX_THREADS; i++)
		if (p->threads[i])
			pending_discard(p, &p->threads[i]->sig.pending, cancel);
	if (sig == SIGCONT && p->sig.stopped) {
		__atomic_store_n(&p->sig.stopped, false, __ATOMIC_RELEASE);
		p->sig.cont_notify = true;
		wq_wake_all(&p->sig.stop_wq);
	}
}

/* Adds info to sp: 1 if newly pending, 0 if it coalesced, -EAGAIN. `pre`:
 * a POSIX timer's own entry (holding info), queued beyond the bound as
 * Linux's preallocated timer signals are; else NULL. */
static long enqueue(struct process *p, struct sigpending *sp, const struct k_siginfo *info,
		    struct sigqueue_entry *pre)
{
	int sig = info->si_signo;
	bool rt = sig >= SIGRTMIN_KERNEL;
	if (!rt && (sp->set & SIGBIT(sig)))
		return 0;
	struct sigqueue_entry *e = pre;
	if (!e && p->sig.queued < SIGQUEUE_MAX)
		e = entry_alloc(p);
	if (!e && rt)
		return -EAGAIN;
	if (e) {
		if (!pre) {
			e->info = *info;
			e->timer = NULL;
		}
		list_push_back(&sp->queue, &e->link);
		p->sig.queued++;
	}
	/* A standard signal with no memory for its entry is still pending;
	 * it is delivered with a minimal siginfo. */
	sp->set |= SIGBIT(sig);
	return 1;
}

long signal_send_thread_locked(struct thread *t, const struct k_siginfo *info)
{
	struct process *p = t->proc;
	int sig = info->si_signo;
	if (p->exiting || !thread_live(t))
		return 0;
	prepare(p, sig);
	if (discard(p, t, sig))
		return 0;
	long r = enqueue(p, &t->sig.pending, info, NULL);
	if (r > 0 && !(t->sig.blocked & SIGBIT(sig))) {
		signal_recalc_locked(t);
		thread_interrupt(t);
	}
	return r < 0 ? r : 0;
}

/* 1 if queued, 0 if discarded or coalesced, -EAGAIN. */
static long send_process(struct process *p, const struct k_siginfo *info,
			 struct sigqueue_entry *pre)
{
	int sig = info->si_signo;
	if (p->exiting)
		return 0;
	prepare(p, sig);
	if (discard(p, NULL, sig))
		return 0;
	long r = enqueue(p, &p->sig.pending, info, pre);
	if (r <= 0)
		return r;
	struct thread *t = pick_thread(p, sig);
	if (t) {
		signal_recalc_locked(t);
		thread_interrupt(t);
	}
	return 1;
}

long signal_send_process_locked(struct process *p, const struct k_siginfo *info)
{
	long r = send_process(p, info, NULL);
	return r < 0 ? r : 0;
}

bool signal_send_entry_locked(struct process *p, struct thread *t, struct sigqueue_entry *e)
{
	int sig = e->info.si_signo;
	if (!t)
		return send_process(p, &e->info, e) > 0;
	if (p->exiting || !thread_live(t))
		return false;
	prepare(p, sig);
	if (discard(p, t, sig) || enqueue(p, &t->sig.pending, &e->info, e) <= 0)
		return false;
	if (!(t->sig.blocked & SIGBIT(sig))) {
		signal_recalc_locked(t);
		thread_interrupt(t);
	}
	return true;
}

long signal_send_process(struct process *p, const struct k_siginfo *info)
{
	if (info->si_signo == SIGKILL) {
		process_kill(p, W_SIGNALED(SIGKILL));
		return 0;
	}
	spin_lock(&p->lock);
	long r = signal_send_process_locked(p, info);
	spin_unlock(&p->lock);
	signal_report_continued(p);
	return r;
}

/* Called with proc_tree_lock held: the wait4 report, a wakeup of the
 * parent's wait4, and SIGCHLD unless the parent asked for SA_NOCLDSTOP. */
static void report_to_parent(struct process *p, int code, int sig)
{
	struct process *parent = p->parent;
	if (!parent || p->state == PROC_ZOMBIE)
		return;
	p->sig.stop_report = code == CLD_STOPPED ? sig : 0;
	p->sig.cont_report = code == CLD_CONTINUED;
	wq_wake_all(&parent->child_exited);
	struct k_siginfo info = { .si_signo = SIGCHLD, .si_code = code };
	info.u.child.pid = p->pid;
	info.u.child.uid = (unsigned)p->uid;
	info.u.child.status = sig;
	spin_lock(&parent->lock);
	if (!(parent->sig.action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		signal_send_process_locked(parent, &info);
	spin_unlock(&parent->lock);
}

void signal_report_continued(struct process *p)
{
	spin_lock(&p->lock);
	bool continued = p->sig.cont_notify;
	p->sig.cont_notify = false;
	spin_unlock(&p->lock);
	if (continued)
		report_to_parent(p, CLD_CONTINUED, SIGCONT);
}

void signal_report_stopped(struct process *p, int sig)
{
	spin_lock(&proc_tree_lock);
	report_to_parent(p, CLD_STOPPED, sig);
	spin_unlock(&proc_tree_lock);
}

void signal_kick_locked(struct thread *t)
{
	__atomic_store_n(&t->sig.hint, true, __ATOMIC_RELEASE);
	thread_interrupt(t);
}

void signal_set_mask_locked(struct thread *t, sigset_k mask)
{
	struct process *p = t->proc;
	sigset_k newly = mask & ~SIG_UNCATCHABLE & ~t->sig.blocked;
	t->sig.blocked = mask & ~SIG_UNCATCHABLE;
	signal_recalc_locked(t);
	/* Process-directed signals this thread now blocks go to another. */
	retarget(p, newly & p->sig.pending.set, NULL);
}

void signal_temp_mask_begin(sigset_k mask)
{
	struct thread *t = current_thread();
	spin_lock(&t->proc->lock);
	t->sig.saved_mask = t->sig.blocked;
	t->sig.restore_mask = true;
	signal_set_mask_locked(t, mask);
	spin_unlock(&t->proc->lock);
}

void signal_temp_mask_end(long result)
{
	struct thread *t = current_thread();
	if (result == -EINTR)
		return;                 /* delivery restores it after the handler */
	spin_lock(&t->proc->lock);
	t->sig.restore_mask = false;
	signal_set_mask_locked(t, t->sig.saved_mask);
	spin_unlock(&t->proc->lock);
}

/* Removes sig's first entry from sp into *info; clears its bit when no
 * entry of sig is left. */
static void take(struct sigpending *sp, int sig, struct process *p, struct k_siginfo *info)
{
	bool found = false, more = false;
	struct list_node *pos, *next;
	for (pos = sp->queue.next; pos != &sp->queue; pos = next) {
		next = pos->next;
		struct sigqueue_entry *e = list_entry(pos, struct sigqueue_entry, link);
		if (e->info.si_signo != sig)
			continue;
		if (found) {
			more = true;
			break;
		}
		*info = e->info;
		if (e->timer)
			posix_timer_dequeued_locked(e->timer, info);
		list_remove(&e->link);
		entry_free(p, e);
		p->sig.queued--;
		found = true;
	}
	if (!found)
		*info = (struct k_siginfo){ .si_signo = sig, .si_code = SI_KERNEL };
	if (!more)
		sp->set &= ~SIGBIT(sig);
}

int signal_dequeue_locked(struct thread *t, sigset_k want, struct k_siginfo *info)
{
	struct process *p = t->proc;
	struct sigpending *sp = &t->sig.pending;
	sigset_k ready = sp->set & want;
	if (!ready) {
		sp = &p->sig.pending;
		ready = sp->set & want;
	}
	if (!ready)
		return 0;
	/* Faults (synchronous) first, then the lowest number. */
	sigset_k sync = ready & (SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) |
				 SIGBIT(SIGTRAP) | SIGBIT(SIGFPE) | SIGBIT(SIGSYS));
	int sig = sigset_first(sync ? sync : ready);
	take(sp, sig, p, info);
	signal_recalc_locked(t);
	return sig;
}

struct thread *signal_find_thread_lock(int tgid, int tid)
{
	if (tid <= 0)
		return NULL;
	/* The Linux tid (system-wide, linux_tid.h); tgkill's thread must be
	 * in tgid, else Linux's -ESRCH, unless the rCore meaning below fits. */
	struct thread *t = thread_find_linux_tid(tid);
	if (t) {
		bool named = tgid <= 0 || t->proc->pid == tgid;
		if (named && thread_live(t))
			return t;
		spin_unlock(&t->proc->lock);
		if (named)
			return NULL;
	}
	/* tgkill only: Dakota's per-process tid (thread_create's), where no
	 * thread of tgid has that Linux tid, so the name is unambiguous. */
	struct process *p = tgid > 0 && tid < CONFIG_MAX_THREADS ? process_find(tgid) : NULL;
	if (!p || p->state == PROC_ZOMBIE)
		return NULL;
	spin_lock(&p->lock);
	t = p->threads[tid];
	if (thread_live(t))
		return t;
	spin_unlock(&p->lock);
	return NULL;
}

bool signal_child_exited(struct process *child, int status)
{
	struct process *parent = child->parent;
	struct k_siginfo info = { .si_signo = SIGCHLD };
	info.si_code = (status & 0x7f) ? CLD_KILLED : CLD_EXITED;
	info.u.child.pid = child->pid;
	info.u.child.uid = (unsigned)child->uid;
	info.u.child.status = (status & 0x7f) ? (status & 0x7f) : (status >> 8) & 0xff;
	spin_lock(&parent->lock);
	const struct k_sigaction *act = &parent->sig.action[SIGCHLD - 1];
	bool discard = act->handler == SIG_IGN || (act->flags & SA_NOCLDWAIT);
	signal_send_process_locked(parent, &info);
	spin_unlock(&parent->lock);
	return discard;
}

void signal_console_interrupt(void)
{
	struct k_siginfo info = { .si_signo = SIGINT, .si_code = SI_KERNEL };
	spin_lock(&proc_tree_lock);
	struct process *p;
	struct list_node *pos;
	for_each_live_process(p, pos) {
		spin_lock(&p->lock);
		signal_send_process_locked(p, &info);
		spin_unlock(&p->lock);
	}
	spin_unlock(&proc_tree_lock);
}
