/* Resource limits and usage: prlimit64, getrlimit, setrlimit, getrusage,
 * times.
 *
 * Limits: RLIMIT_STACK 8 MiB soft (hard unlimited), RLIMIT_NOFILE MAX_FDS
 * (the fd table's size, soft and hard), every other RLIM_INFINITY. A
 * process may lower them (and root raise the hard ones, NOFILE never above
 * MAX_FDS); values are stored per process, inherited by fork, and only
 * reported: Dakota enforces its own fixed bounds whatever they say.
 *
 * Usage: CPU time is the run time of the threads (all of it counted as
 * user time), from the threads still in the table; time of exited and
 * reaped threads and of children is not kept (reported as 0). */
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/resource.h"
#include "kernel/syscall/clock.h"
#include "kernel/proc/process.h"
#include "kernel/mm/addrspace.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>
#include <dakota/clock.h>
#include <dakota/resource.h>

#define STACK_DEFAULT (8UL << 20)

static struct rlimit rlimit_default(int res)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
	if (res == RLIMIT_STACK)
		r.rlim_cur = STACK_DEFAULT;
	if (res == RLIMIT_NOFILE)
		r.rlim_cur = r.rlim_max = MAX_FDS;
	return r;
}

/* Under p->lock. */
static struct rlimit rlimit_get(struct process *p, int res)
{
	return p->rlim_set & (1U << res) ? p->rlim[res] : rlimit_default(res);
}

/* Under p->lock: Linux's checks, then the store. */
static long rlimit_set(struct process *p, int res, const struct rlimit *new)
{
	struct rlimit old = rlimit_get(p, res);
	if (new->rlim_cur > new->rlim_max)
		return -EINVAL;
	if (res == RLIMIT_NOFILE && new->rlim_max > MAX_FDS)
		return -EPERM;
	if (new->rlim_max > old.rlim_max && p->uid != 0)
		return -EPERM;
	p->rlim[res] = *new;
	p->rlim_set |= 1U << res;
	return 0;
}

unsigned long rlimit_current(struct process *p, int res)
{
	if (!(__atomic_load_n(&p->rlim_set, __ATOMIC_RELAXED) & (1U << res)))
		return rlimit_default(res).rlim_cur;
	spin_lock(&p->lock);
	unsigned long cur = rlimit_get(p, res).rlim_cur;
	spin_unlock(&p->lock);
	return cur;
}

/* prlimit64(pid, resource, new, old): pid 0 or the caller's own; another
 * live process only for root or the same uid. */
SYSCALL_DEFINE4(prlimit64, int, pid, unsigned, res, unsigned long, unew, unsigned long, uold)
{
	struct process *self = current_process(), *p = self;
	struct rlimit new, old;
	if (res >= RLIMIT_NLIMITS)
		return -EINVAL;
	if (unew && copy_from_user(self->as, &new, unew, sizeof new))
		return -EFAULT;
	spin_lock(&proc_tree_lock);
	if (pid && pid != self->pid)
		p = process_find(pid);
	long err = !p || p->state != PROC_ALIVE ? -ESRCH
		 : self->uid != 0 && self->uid != p->uid ? -EPERM : 0;
	if (!err) {
		spin_lock(&p->lock);
		old = rlimit_get(p, (int)res);
		if (unew)
			err = rlimit_set(p, (int)res, &new);
		spin_unlock(&p->lock);
	}
	spin_unlock(&proc_tree_lock);
	if (!err && uold && copy_to_user(self->as, uold, &old, sizeof old))
		err = -EFAULT;
	return err;
}

/* Unlike prlimit64's, their pointer is not optional. */
SYSCALL_DEFINE2(getrlimit, unsigned, res, unsigned long, uold)
{
	return uold ? sys_prlimit64(0, res, 0, uold, 0, 0) : -EFAULT;
}

SYSCALL_DEFINE2(setrlimit, unsigned, res, unsigned long, unew)
{
	return unew ? sys_prlimit64(0, res, unew, 0, 0, 0) : -EFAULT;
}

static unsigned long cpu_ticks(long clockid)
{
	struct timespec ts;
	clock_now(clockid, &ts);
	return timespec_to_ticks(&ts);
}

/* The CPU time of the caller's waited-for children (all counted as user
 * time, as the rest: Dakota does not split user and system time). */
static unsigned long children_ticks(void)
{
	return __atomic_load_n(&current_process()->children_ticks, __ATOMIC_RELAXED);
}

SYSCALL_DEFINE2(getrusage, int, who, unsigned long, uru)
{
	struct rusage ru = { 0 };
	if (who == RUSAGE_SELF)
		ru.ru_utime = ticks_to_timeval(cpu_ticks(CLOCK_PROCESS_CPUTIME_ID));
	else if (who == RUSAGE_THREAD)
		ru.ru_utime = ticks_to_timeval(cpu_ticks(CLOCK_THREAD_CPUTIME_ID));
	else if (who == RUSAGE_CHILDREN)
		ru.ru_utime = ticks_to_timeval(children_ticks());
	else
		return -EINVAL;
	return copy_to_user(current_process()->as, uru, &ru, sizeof ru) ? -EFAULT : 0;
}

static long ticks_to_clock_t(unsigned long ticks)
{
	return (long)(ticks / (arch_time_hz / USER_HZ));
}

/* Returns clock ticks (USER_HZ) since boot. */
SYSCALL_DEFINE1(times, unsigned long, ubuf)
{
	if (ubuf) {
		struct tms t = {
			.tms_utime = ticks_to_clock_t(cpu_ticks(CLOCK_PROCESS_CPUTIME_ID)),
			.tms_cutime = ticks_to_clock_t(children_ticks()),
		};
		if (copy_to_user(current_process()->as, ubuf, &t, sizeof t))
			return -EFAULT;
	}
	return ticks_to_clock_t(arch_time());
}
