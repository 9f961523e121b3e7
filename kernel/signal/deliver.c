/* Delivery on the way back to user mode, on whichever hart the thread runs:
 * default actions, handler frames, and the restart-or-EINTR decision for a
 * call a signal interrupted (man 7 signal, "Interruption of system calls and
 * library functions by signal handlers"). */
#include "kernel/signal/signal.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/dev/console.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>

enum restart_policy {
	RESTART_NEVER,     /* EINTR whatever happens (nanosleep, sigtimedwait, ...) */
	RESTART_SYS,       /* restarted under SA_RESTART, or when no handler ran */
	RESTART_NOHAND,    /* restarted only when no handler ran (ppoll, sigsuspend) */
};

static enum restart_policy restart_policy(unsigned long nr)
{
	switch (nr) {
	case SYS_read: case SYS_write: case SYS_readv: case SYS_writev:
	case SYS_wait4: case SYS_futex:
	case SYS_mutex_lock: case SYS_semaphore_down: case SYS_condvar_wait:
	case SYS_thread_join:
		return RESTART_SYS;
	case SYS_ppoll: case SYS_pselect6: case SYS_rt_sigsuspend:
	case SYS_nanosleep: case SYS_clock_nanosleep:   /* to the same deadline */
		return RESTART_NOHAND;
	default:
		return RESTART_NEVER;
	}
}

void signal_syscall_interrupted(struct thread *t, unsigned long nr, unsigned long a0)
{
	t->sig.restart_nr = nr + 1;
	t->sig.restart_a0 = a0;
}

void signal_syscall_restart_always(void)
{
	current_thread()->sig.restart_always = true;
}

/* Before the first frame of this return (its registers go into the frame)
 * or, with handled false, when no handler ran at all. */
static void decide_restart(struct thread *t, bool handled, unsigned long flags)
{
	if (!t->sig.restart_nr)
		return;
	enum restart_policy r = restart_policy(t->sig.restart_nr - 1);
	bool again = r == RESTART_SYS ? (!handled || (flags & SA_RESTART))
				      : r == RESTART_NOHAND && !handled;
	again |= t->sig.restart_always;
	t->sig.restart_always = false;
	if (again)
		tc_restart_syscall(t->tc, t->sig.restart_a0);
	else
		t->sig.restart_deadline = 0;   /* the sleep returns EINTR */
	t->sig.restart_nr = 0;
}

/* Stops every thread of p (a stop signal's default action): each comes by
 * signal_deliver, where stop_wait holds it until SIGCONT or a kill. */
static void group_stop(struct thread *self, int sig)
{
	struct process *p = self->proc;
	spin_lock(&p->lock);
	bool first = !p->sig.stopped && !p->exiting;
	if (first) {
		__atomic_store_n(&p->sig.stopped, true, __ATOMIC_RELEASE);
		for (int i = 0; i < CONFIG_MAX_THREADS; i++) {
			struct thread *t = p->threads[i];
			if (t && t != self && t->state != THREAD_EXITED)
				signal_kick_locked(t);
		}
	}
	spin_unlock(&p->lock);
	if (first)
		signal_report_stopped(p, sig);
}

static void stop_wait(struct thread *t)
{
	struct process *p = t->proc;
	spin_lock(&p->lock);
	while (p->sig.stopped && !thread_killed(t))
		wq_sleep_uninterruptible(&p->sig.stop_wq, &p->lock);
	signal_recalc_locked(t);
	spin_unlock(&p->lock);
}

/* SIG_DFL: ignore, stop, or end the whole process with the signal in its
 * wait4 status (core-dump signals too: there are no core files, so no 0x80
 * bit, as on Linux with RLIMIT_CORE 0). */
static void default_action(struct thread *t, int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT:
		return;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		group_stop(t, sig);
		stop_wait(t);
		return;
	default:
		process_kill(t->proc, W_SIGNALED(sig));
		process_exit_current(W_SIGNALED(sig));
	}
}

__attribute__((noreturn)) static void bad_frame(struct thread *t)
{
	struct process *p = t->proc;
	if (process_kill(p, W_SIGNALED(SIGSEGV)))
		kprintf("dakota: pid %d tid %d (%s): cannot build a signal frame at sp %lx, killed by signal %d\n",
			p->pid, t->tid, p->name, tc_stack(t->tc), SIGSEGV);
	process_exit_current(W_SIGNALED(SIGSEGV));
}

/* Takes the next deliverable signal and, for a handler, switches to the
 * handler's mask. Returns 0 when none is left. */
static int next_signal(struct thread *t, struct k_siginfo *info, struct k_sigaction *ka,
		       sigset_k *oldmask)
{
	struct process *p = t->proc;
	spin_lock(&p->lock);
	int sig = signal_dequeue_locked(t, ~t->sig.blocked, info);
	if (sig) {
		*ka = p->sig.action[sig - 1];
		*oldmask = t->sig.restore_mask ? t->sig.saved_mask : t->sig.blocked;
		if (ka->handler != SIG_DFL && ka->handler != SIG_IGN) {
			t->sig.restore_mask = false;
			if (ka->flags & SA_RESETHAND)
				p->sig.action[sig - 1] = (struct k_sigaction){ 0 };
			sigset_k add = ka->mask | ((ka->flags & SA_NODEFER) ? 0 : SIGBIT(sig));
			signal_set_mask_locked(t, t->sig.blocked | add);
		}
	}
	spin_unlock(&p->lock);
	return sig;
}

void signal_deliver(void)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	bool handled = false;
	struct k_siginfo info;
	struct k_sigaction ka;
	sigset_k oldmask = 0;
	int sig;
	if (__atomic_load_n(&p->sig.stopped, __ATOMIC_ACQUIRE))
		stop_wait(t);
	if (thread_killed(t))
		return;
	/* The hint is rechecked without the lock: a sender that sets it
	 * after this check also kicks this hart, whose next trap comes back. */
	while (signal_pending(t) && (sig = next_signal(t, &info, &ka, &oldmask)) != 0) {
		if (ka.handler == SIG_IGN)
			continue;
		if (ka.handler == SIG_DFL) {
			default_action(t, sig);
			if (thread_killed(t))
				return;
			continue;
		}
		if (!handled)
			decide_restart(t, true, ka.flags);
		handled = true;
		if (arch_setup_sigframe(t, &info, &ka, oldmask))
			bad_frame(t);
	}
	if (!handled)
		decide_restart(t, false, 0);
	if (t->sig.restore_mask) {
		spin_lock(&p->lock);
		t->sig.restore_mask = false;
		signal_set_mask_locked(t, t->sig.saved_mask);
		spin_unlock(&p->lock);
	}
}

bool signal_fault(int sig, int code, unsigned long addr)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	spin_lock(&p->lock);
	unsigned long h = p->sig.action[sig - 1].handler;
	bool caught = h != SIG_DFL && h != SIG_IGN && !(t->sig.blocked & SIGBIT(sig));
	if (caught) {
		struct k_siginfo info = { .si_signo = sig, .si_code = code };
		info.u.fault.addr = addr;
		caught = signal_send_thread_locked(t, &info) == 0;
	}
	spin_unlock(&p->lock);
	return caught;
}
