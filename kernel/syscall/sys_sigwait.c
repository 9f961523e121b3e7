/* Waiting for signals: rt_sigsuspend, rt_sigtimedwait (sigwait,
 * sigwaitinfo, sigtimedwait), ppoll with no descriptors (glibc's pause),
 * and the interval timers that make them fire (setitimer, getitimer; alarm
 * is setitimer). */
#include "kernel/syscall/syscall.h"
#include "kernel/signal/signal.h"
#include "kernel/signal/itimer.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/waitqueue.h"
#include "kernel/mm/addrspace.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>
#include <dakota/signal.h>

static struct addrspace *user_as(void)
{
	return current_process()->as;
}

/* A relative timeout as a deadline in arch_time units: 0 for none (ts 0),
 * -EFAULT/-EINVAL for a bad one. */
static long deadline_of(unsigned long uts, unsigned long *deadline)
{
	*deadline = 0;
	if (!uts)
		return 0;
	struct timespec ts;
	if (copy_from_user(user_as(), &ts, uts, sizeof ts))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	unsigned long ticks = (unsigned long)ts.tv_sec * arch_time_hz +
			      (unsigned long)ts.tv_nsec / (1000000000UL / arch_time_hz);
	*deadline = arch_time() + ticks;
	if (*deadline == 0)
		*deadline = 1;
	return 0;
}

/* Sleeps with p->lock held until a signal is deliverable (-EINTR) or the
 * deadline (0: none) passes (0). */
static long wait_for_signal(struct process *p, unsigned long deadline)
{
	struct waitqueue wq;
	wq_init(&wq);
	for (;;) {
		if (deadline && arch_time() >= deadline)
			return 0;
		int err = deadline ? wq_sleep_until(&wq, &p->lock, deadline)
				   : wq_sleep(&wq, &p->lock);
		if (err)
			return -EINTR;
	}
}

/* Installs a temporary mask that delivery swaps back (restore_mask). */
static void swap_mask_locked(struct thread *t, sigset_k mask)
{
	t->sig.saved_mask = t->sig.blocked;
	t->sig.restore_mask = true;
	signal_set_mask_locked(t, mask);
}

SYSCALL_DEFINE2(rt_sigsuspend, unsigned long, umask, unsigned long, setsize)
{
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	sigset_k mask;
	if (copy_from_user(user_as(), &mask, umask, sizeof mask))
		return -EFAULT;
	struct thread *t = current_thread();
	struct process *p = t->proc;
	spin_lock(&p->lock);
	swap_mask_locked(t, mask);
	long r = wait_for_signal(p, 0);
	spin_unlock(&p->lock);
	return r;
}

/* Takes a signal of `want` or waits for one: the signal number, -EAGAIN
 * at the deadline, -EINTR when another signal is to be delivered. The
 * signals waited for are unblocked meanwhile, so sending one wakes us. */
static long take_waited(struct thread *t, sigset_k want, unsigned long deadline,
			bool poll, struct k_siginfo *info)
{
	struct process *p = t->proc;
	spin_lock(&p->lock);
	int sig = signal_dequeue_locked(t, want, info);
	if (!sig && !poll) {
		sigset_k blocked = t->sig.blocked;
		signal_set_mask_locked(t, blocked & ~want);
		long r = wait_for_signal(p, deadline);
		(void)r;
		sig = signal_dequeue_locked(t, want, info);
		signal_set_mask_locked(t, blocked);
		if (!sig && r == -EINTR) {
			spin_unlock(&p->lock);
			return -EINTR;
		}
	}
	spin_unlock(&p->lock);
	return sig ? sig : -EAGAIN;
}

SYSCALL_DEFINE4(rt_sigtimedwait, unsigned long, uset, unsigned long, uinfo,
		unsigned long, uts, unsigned long, setsize)
{
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	sigset_k want;
	if (copy_from_user(user_as(), &want, uset, sizeof want))
		return -EFAULT;
	want &= ~SIG_UNCATCHABLE;
	unsigned long deadline;
	long r = deadline_of(uts, &deadline);
	if (r)
		return r;
	/* A zero timeout polls. */
	struct k_siginfo info;
	r = take_waited(current_thread(), want, deadline, uts && deadline <= arch_time(), &info);
	if (r > 0 && uinfo && copy_to_user(user_as(), uinfo, &info, sizeof info))
		return -EFAULT;
	return r;
}

static bool itimer_which_valid(int which)
{
	return which == ITIMER_REAL || which == ITIMER_VIRTUAL || which == ITIMER_PROF;
}

/* A NULL new value disarms, as Linux still accepts (with a warning). */
SYSCALL_DEFINE3(setitimer, int, which, unsigned long, unew, unsigned long, uold)
{
	struct k_itimerval val = { { 0, 0 }, { 0, 0 } }, old;
	if (unew && copy_from_user(user_as(), &val, unew, sizeof val))
		return -EFAULT;
	if (!itimer_which_valid(which))
		return -EINVAL;
	long r = itimer_set(current_process(), which, &val, uold ? &old : NULL);
	if (!r && uold && copy_to_user(user_as(), uold, &old, sizeof old))
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE2(getitimer, int, which, unsigned long, uval)
{
	if (!itimer_which_valid(which))
		return -EINVAL;
	struct k_itimerval val;
	itimer_get(current_process(), which, &val);
	return copy_to_user(user_as(), uval, &val, sizeof val) ? -EFAULT : 0;
}
