/* Signal calls with Linux riscv64's meaning: actions, masks, the alternate
 * stack, sigreturn, sending (kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo), waiting (rt_sigsuspend, rt_sigtimedwait, ppoll with
 * no descriptors, which is glibc's pause) and ITIMER_REAL. */
#include "kernel/syscall/syscall.h"
#include "kernel/signal/signal.h"
#include "kernel/signal/itimer.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/addrspace.h"
#include "kernel/dev/console.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>
#include <dakota/signal.h>

static struct addrspace *user_as(void)
{
	return current_process()->as;
}

SYSCALL_DEFINE4(rt_sigaction, int, sig, unsigned long, act, unsigned long, oact,
		unsigned long, setsize)
{
	if (setsize != SIGSET_SIZE || !signal_valid(sig))
		return -EINVAL;
	struct k_sigaction new;
	if (act && copy_from_user(user_as(), &new, act, sizeof new))
		return -EFAULT;
	if (act && (SIGBIT(sig) & SIG_UNCATCHABLE))
		return -EINVAL;
	struct process *p = current_process();
	spin_lock(&p->lock);
	struct k_sigaction old = p->sig.action[sig - 1];
	if (act) {
		new.mask &= ~SIG_UNCATCHABLE;
		p->sig.action[sig - 1] = new;
	}
	spin_unlock(&p->lock);
	/* An ignored signal that is pending is discarded (POSIX); here that
	 * happens when it is taken: delivery of SIG_IGN does nothing. */
	if (oact && copy_to_user(user_as(), oact, &old, sizeof old))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, unsigned long, set, unsigned long, oset,
		unsigned long, setsize)
{
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	sigset_k arg = 0;
	if (set && copy_from_user(user_as(), &arg, set, sizeof arg))
		return -EFAULT;
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	struct thread *t = current_thread();
	struct process *p = t->proc;
	spin_lock(&p->lock);
	sigset_k old = t->sig.blocked;
	if (set) {
		sigset_k mask = how == SIG_BLOCK ? old | arg : how == SIG_UNBLOCK ? old & ~arg : arg;
		signal_set_mask_locked(t, mask);
	}
	spin_unlock(&p->lock);
	if (oset && copy_to_user(user_as(), oset, &old, sizeof old))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, unsigned long, set, unsigned long, setsize)
{
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	struct thread *t = current_thread();
	struct process *p = t->proc;
	spin_lock(&p->lock);
	sigset_k pending = (t->sig.pending.set | p->sig.pending.set) & t->sig.blocked;
	spin_unlock(&p->lock);
	return copy_to_user(user_as(), set, &pending, sizeof pending) ? -EFAULT : 0;
}

static bool on_stack(const k_stack_t *ss, unsigned long sp)
{
	return !(ss->ss_flags & SS_DISABLE) && sp > ss->ss_sp && sp - ss->ss_sp <= ss->ss_size;
}

SYSCALL_DEFINE2(sigaltstack, unsigned long, uss, unsigned long, uoss)
{
	struct thread *t = current_thread();
	k_stack_t old = t->sig.altstack, ss;
	bool on = on_stack(&old, tc_stack(t->tc));
	if (on)
		old.ss_flags = SS_ONSTACK;
	if (uss) {
		if (copy_from_user(user_as(), &ss, uss, sizeof ss))
			return -EFAULT;
		if (on)
			return -EPERM;
		int mode = ss.ss_flags & ~(int)0x80000000;   /* SS_AUTODISARM: accepted */
		if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
			return -EINVAL;
		if (mode == SS_DISABLE)
			ss = (k_stack_t){ .ss_flags = SS_DISABLE };
		else if (ss.ss_size < MINSIGSTKSZ)
			return -ENOMEM;
		else
			ss.ss_flags = 0;
		struct process *p = t->proc;
		spin_lock(&p->lock);
		t->sig.altstack = ss;
		spin_unlock(&p->lock);
	}
	if (uoss && copy_to_user(user_as(), uoss, &old, sizeof old))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	sigset_k mask;
	if (arch_restore_sigframe(t, &mask)) {
		if (process_kill(p, W_SIGNALED(SIGSEGV)))
			kprintf("dakota: pid %d tid %d (%s): bad signal frame at sp %lx, killed by signal %d\n",
				p->pid, t->tid, p->name, tc_stack(t->tc), SIGSEGV);
		process_exit_current(W_SIGNALED(SIGSEGV));
	}
	spin_lock(&p->lock);
	signal_set_mask_locked(t, mask);
	spin_unlock(&p->lock);
	/* The restored a0: syscall_dispatch stores it back unchanged. */
	return (long)tc_arg(t->tc, 0);
}
