/* Scheduling-policy calls with Linux's meaning: affinity, getcpu, and the
 * policy queries.
 *
 * Dakota has one policy, SCHED_OTHER with priority 0, and no real-time
 * class: sched_setscheduler accepts SCHED_OTHER (priority 0) and refuses
 * SCHED_FIFO and SCHED_RR with -EPERM, whoever asks (Linux's answer to a
 * caller without CAP_SYS_NICE and with RLIMIT_RTPRIO 0; Dakota's init runs
 * as uid 0, but granting root a class that does not exist would only hide
 * it). SCHED_BATCH, SCHED_IDLE and SCHED_DEADLINE are -EINVAL (not
 * supported). The priority range calls report Linux's ranges (0..0 for the
 * normal policies, 1..99 for the real-time ones), which describe the API.
 *
 * Thread ids: `pid` is a Linux thread id (0: the calling thread; a
 * process's id names its main thread), as on Linux; an id no live thread
 * has is -ESRCH, a negative one -EINVAL where Linux says so. Setting
 * another thread's affinity needs the same uid or uid 0 (-EPERM); the
 * thread takes the new mask itself on its way to user mode
 * (sched_request_affinity). The affinity mask is one unsigned long
 * (8 bytes), bit h for hart h. */
#include "kernel/syscall/syscall.h"
#include "kernel/sched/sched.h"
#include "kernel/proc/process.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/mm/addrspace.h"
#include <dakota/syscall.h>

#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6
#define SCHED_RESET_ON_FORK 0x40000000
#define RT_PRIORITY_MAX 99

#define MASK_BYTES ((unsigned)sizeof(unsigned long))

static bool names_self(long pid)
{
	return pid == 0 || pid == linux_tid_of(current_thread());
}

/* 0 if Linux thread id `pid` names a live thread (0: the caller), else
 * -ESRCH. */
static long check_thread(long pid)
{
	if (names_self(pid))
		return 0;
	if (pid < 0 || pid > __INT_MAX__)
		return -ESRCH;
	spin_lock(&proc_tree_lock);
	struct thread *t = thread_find_linux_tid((int)pid);
	if (t)
		spin_unlock(&t->proc->lock);
	spin_unlock(&proc_tree_lock);
	return t ? 0 : -ESRCH;
}

/* Another thread's affinity: sets it (set) or reads it into *mask. */
static long other_affinity(long pid, bool set, unsigned long *mask)
{
	if (pid < 0 || pid > __INT_MAX__)
		return -ESRCH;
	int uid = current_process()->uid;
	spin_lock(&proc_tree_lock);
	struct thread *t = thread_find_linux_tid((int)pid);
	long err = t ? 0 : -ESRCH;
	if (t && set && uid != 0 && uid != t->proc->uid)
		err = -EPERM;
	else if (t && set)
		err = sched_request_affinity(t, *mask);
	else if (t)
		*mask = sched_affinity_of(t);
	if (t)
		spin_unlock(&t->proc->lock);
	spin_unlock(&proc_tree_lock);
	return err;
}

SYSCALL_DEFINE3(sched_setaffinity, long, pid, unsigned int, len, unsigned long, user_mask)
{
	/* Linux: a shorter buffer is the low bytes of the mask, the rest zero;
	 * a longer one is cut to the kernel's mask. */
	unsigned long mask = 0;
	if (copy_from_user(current_process()->as, &mask, user_mask, len < MASK_BYTES ? len : MASK_BYTES))
		return -EFAULT;
	return names_self(pid) ? sched_set_affinity(mask) : other_affinity(pid, true, &mask);
}

SYSCALL_DEFINE3(sched_getaffinity, long, pid, unsigned int, len, unsigned long, user_mask)
{
	/* Linux: at least one bit per possible CPU, whole longs only. */
	if (len < MASK_BYTES || len % MASK_BYTES)
		return -EINVAL;
	unsigned long mask = 0;
	long err = 0;
	if (names_self(pid))
		mask = sched_get_affinity();
	else
		err = other_affinity(pid, false, &mask);
	if (err)
		return err;
	if (copy_to_user(current_process()->as, user_mask, &mask, MASK_BYTES))
		return -EFAULT;
	return MASK_BYTES;   /* the raw call returns the bytes written */
}

SYSCALL_DEFINE3(getcpu, unsigned long, user_cpu, unsigned long, user_node, unsigned long, cache)
{
	(void)cache;   /* unused since Linux 2.6.24 */
	unsigned cpu = this_processor()->hart, node = 0;
	struct addrspace *as = current_process()->as;
	if (user_cpu && copy_to_user(as, user_cpu, &cpu, sizeof cpu))
		return -EFAULT;
	if (user_node && copy_to_user(as, user_node, &node, sizeof node))
		return -EFAULT;
	return 0;
}

static bool is_rt(long policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

SYSCALL_DEFINE1(sched_get_priority_max, long, policy)
{
	if (is_rt(policy))
		return RT_PRIORITY_MAX;
	bool known = policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ||
		     policy == SCHED_DEADLINE;
	return known ? 0 : -EINVAL;
}

SYSCALL_DEFINE1(sched_get_priority_min, long, policy)
{
	if (is_rt(policy))
		return 1;
	bool known = policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ||
		     policy == SCHED_DEADLINE;
	return known ? 0 : -EINVAL;
}

SYSCALL_DEFINE1(sched_getscheduler, long, pid)
{
	if (pid < 0)
		return -EINVAL;
	long err = check_thread(pid);
	return err ? err : SCHED_OTHER;
}

SYSCALL_DEFINE2(sched_getparam, long, pid, unsigned long, user_param)
{
	if (!user_param || pid < 0)
		return -EINVAL;
	long err = check_thread(pid);
	if (err)
		return err;
	int priority = 0;   /* struct sched_param { int sched_priority; } */
	return copy_to_user(current_process()->as, user_param, &priority, sizeof priority)
	       ? -EFAULT : 0;
}

SYSCALL_DEFINE3(sched_setscheduler, long, pid, long, policy, unsigned long, user_param)
{
	if (!user_param || pid < 0)
		return -EINVAL;
	int priority;
	if (copy_from_user(current_process()->as, &priority, user_param, sizeof priority))
		return -EFAULT;
	long err = check_thread(pid);
	if (err)
		return err;
	policy &= ~(long)SCHED_RESET_ON_FORK;
	if (is_rt(policy))
		return priority < 1 || priority > RT_PRIORITY_MAX ? -EINVAL : -EPERM;
	if (policy != SCHED_OTHER || priority != 0)
		return -EINVAL;
	return 0;
}
