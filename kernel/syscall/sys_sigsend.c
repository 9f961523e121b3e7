/* Sending signals: kill (pid, 0, -1, -pgid), tkill, tgkill,
 * rt_sigqueueinfo, rt_tgsigqueueinfo. Signal 0 checks existence and
 * permission only. */
#include "kernel/syscall/syscall.h"
#include "kernel/signal/signal.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/addrspace.h"
#include <dakota/syscall.h>
#include <dakota/signal.h>

/* The group kill(0) and kill(-pgid) reach (setpgid keeps it: fork
 * inherits the parent's, so a group is not only its leader). */
static int process_pgid(const struct process *p)
{
	return __atomic_load_n(&p->pgid, __ATOMIC_RELAXED);
}

static bool may_signal(const struct process *self, const struct process *p)
{
	return self->uid == 0 || self->uid == p->uid;
}

static struct k_siginfo user_info(int sig, int code)
{
	struct process *self = current_process();
	struct k_siginfo info = { .si_signo = sig, .si_code = code };
	info.u.kill.pid = self->pid;
	info.u.kill.uid = (unsigned)self->uid;
	return info;
}

/* Called with proc_tree_lock held. */
static long send_to(struct process *p, const struct k_siginfo *info)
{
	if (!may_signal(current_process(), p))
		return -EPERM;
	if (info->si_signo == 0 || p->state == PROC_ZOMBIE)
		return 0;
	return signal_send_process(p, info);
}

/* kill(-1) and kill(-pgid)/kill(0): every match, ESRCH when none, EPERM
 * when every match refused. Called with proc_tree_lock held. */
static long send_to_many(int pgid, const struct k_siginfo *info)
{
	struct process *self = current_process();
	long err = -ESRCH;
	int sent = 0;
	struct process *p;
	struct list_node *pos;
	for_each_live_process(p, pos) {
		if (pgid < 0 ? (p->pid == 1 || p == self) : process_pgid(p) != pgid)
			continue;
		long r = send_to(p, info);
		if (r == 0)
			sent++;
		else
			err = r;
	}
	return sent ? 0 : err;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	if (sig < 0 || sig > NSIG_LINUX)
		return -EINVAL;
	struct k_siginfo info = user_info(sig, SI_USER);
	struct process *self = current_process();
	if (pid == self->pid && sig != SIGCONT) {
		/* Alive while we run, and not stopped: no tree lock needed. */
		spin_lock(&self->lock);
		long r = sig == SIGKILL || !sig ? 0 : signal_send_process_locked(self, &info);
		spin_unlock(&self->lock);
		if (sig == SIGKILL)
			process_kill(self, W_SIGNALED(SIGKILL));
		return r;
	}
	spin_lock(&proc_tree_lock);
	long r;
	if (pid > 0) {
		struct process *p = process_find(pid);
		r = p ? send_to(p, &info) : -ESRCH;
	} else if (pid == -1) {
		r = send_to_many(-1, &info);
	} else {
		r = send_to_many(pid == 0 ? process_pgid(current_process()) : -pid, &info);
	}
	spin_unlock(&proc_tree_lock);
	return r;
}

/* To one thread: tgid < 0 for tkill. */
static long send_thread(int tgid, int tid, const struct k_siginfo *info)
{
	spin_lock(&proc_tree_lock);
	struct thread *t = signal_find_thread_lock(tgid, tid);
	if (!t) {
		spin_unlock(&proc_tree_lock);
		return -ESRCH;
	}
	struct process *p = t->proc;
	long r = may_signal(current_process(), p) ? 0 : -EPERM;
	bool kill = r == 0 && info->si_signo == SIGKILL;
	if (r == 0 && info->si_signo != 0 && !kill)
		r = signal_send_thread_locked(t, info);
	spin_unlock(&p->lock);
	if (kill)
		process_kill(p, W_SIGNALED(SIGKILL));
	else
		signal_report_continued(p);
	spin_unlock(&proc_tree_lock);
	return r;
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid <= 0 || tid <= 0 || sig < 0 || sig > NSIG_LINUX)
		return -EINVAL;
	struct k_siginfo info = user_info(sig, SI_TKILL);
	return send_thread(tgid, tid, &info);
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	if (tid <= 0 || sig < 0 || sig > NSIG_LINUX)
		return -EINVAL;
	struct k_siginfo info = user_info(sig, SI_TKILL);
	return send_thread(-1, tid, &info);
}

/* The caller's siginfo, which may not pose as the kernel or as kill()
 * when it goes to another process (Linux's rule). */
static long queued_info(int sig, unsigned long uinfo, bool self, struct k_siginfo *info)
{
	if (sig < 0 || sig > NSIG_LINUX)
		return -EINVAL;
	if (copy_from_user(current_process()->as, info, uinfo, sizeof *info))
		return -EFAULT;
	if (!self && (info->si_code >= 0 || info->si_code == SI_TKILL))
		return -EPERM;
	info->si_signo = sig;
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, tgid, int, sig, unsigned long, uinfo)
{
	struct k_siginfo info;
	long r = queued_info(sig, uinfo, tgid == current_process()->pid, &info);
	if (r)
		return r;
	spin_lock(&proc_tree_lock);
	struct process *p = tgid > 0 ? process_find(tgid) : NULL;
	r = p ? send_to(p, &info) : -ESRCH;
	spin_unlock(&proc_tree_lock);
	return r;
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig, unsigned long, uinfo)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	struct k_siginfo info;
	long r = queued_info(sig, uinfo, tgid == current_process()->pid, &info);
	return r ? r : send_thread(tgid, tid, &info);
}
