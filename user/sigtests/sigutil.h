/* Wrappers for the signal calls (Linux riscv64 ABI, include/dakota/signal.h)
 * for the raw Dakota-ABI signal tests. */
#ifndef USER_SIGTESTS_SIGUTIL_H
#define USER_SIGTESTS_SIGUTIL_H

#include <syscall.h>
#include <dakota/signal.h>

typedef void (*sig_handler)(int sig, struct k_siginfo *info, void *uc);

#define BIT(sig) (1UL << ((sig) - 1))

static inline long sig_action(int sig, const struct k_sigaction *act, struct k_sigaction *old)
{
	return syscall4(SYS_rt_sigaction, sig, (long)act, (long)old, SIGSET_SIZE);
}

/* Installs fn for sig with flags (SA_SIGINFO added) and mask. */
static inline long sig_handle(int sig, sig_handler fn, unsigned long flags, unsigned long mask)
{
	struct k_sigaction a = { (unsigned long)fn, flags | SA_SIGINFO, mask };
	return sig_action(sig, &a, 0);
}

static inline long sig_mask(int how, unsigned long set, unsigned long *old)
{
	return syscall4(SYS_rt_sigprocmask, how, (long)&set, (long)old, SIGSET_SIZE);
}

static inline unsigned long sig_blocked(void)
{
	unsigned long old = 0;
	syscall4(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&old, SIGSET_SIZE);
	return old;
}

static inline unsigned long sig_pending(void)
{
	unsigned long set = 0;
	syscall2(SYS_rt_sigpending, (long)&set, SIGSET_SIZE);
	return set;
}

static inline long sig_tgkill(long tgid, long tid, int sig)
{
	return syscall3(SYS_tgkill, tgid, tid, sig);
}

/* The system-wide Linux tid (what tgkill takes) of this process's thread
 * with Dakota tid `tid` (thread_spawn's), from the kernel's thread list;
 * -1 if it is not there. */
static inline long sig_linux_tid(long tid)
{
	static struct thread_info list[64];
	long n = thread_list(list, 64);
	for (long k = 0; k < n; k++)
		if (list[k].pid == getpid() && list[k].tid == tid)
			return list[k].linux_tid;
	return -1;
}

static inline long sig_queue(long pid, int sig, long value)
{
	struct k_siginfo info = { .si_signo = sig, .si_code = SI_QUEUE };
	info.u.kill.pid = (int)getpid();
	info.u.kill.value = value;
	return syscall3(SYS_rt_sigqueueinfo, pid, sig, (long)&info);
}

static inline long sig_suspend(unsigned long mask)
{
	return syscall2(SYS_rt_sigsuspend, (long)&mask, SIGSET_SIZE);
}

static inline long sig_timedwait(unsigned long set, struct k_siginfo *info,
				 const struct timespec *ts)
{
	return syscall4(SYS_rt_sigtimedwait, (long)&set, (long)info, (long)ts, SIGSET_SIZE);
}

static inline long sig_pause(void)
{
	return syscall5(SYS_ppoll, 0, 0, 0, 0, SIGSET_SIZE);
}

static inline long sig_setitimer(long sec, long usec, long isec, long iusec)
{
	struct k_itimerval v = { { isec, iusec }, { sec, usec } };
	return syscall3(SYS_setitimer, ITIMER_REAL, (long)&v, 0);
}

#endif
