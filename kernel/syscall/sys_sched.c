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
 * Thread ids: `pid` may be 0 or the caller's process id, both meaning the
 * calling thread (system-wide Linux thread ids are not there yet); another
 * id is -ESRCH, a negative one -EINVAL where Linux says so. The affinity
 * mask is one unsigned long (8 bytes), bit h for hart h. */
#include "kernel/syscall/syscall.h"
#include "kernel/sched/sched.h"
#include "kernel/proc/process.h"
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

/* 0 if pid names the calling thread, else -ESRCH. */
static long check_self(long pid)
{
	return pid == 0 || pid == current_process()->pid ? 0 : -ESRCH;
}

SYSCALL_DEFINE3(sched_setaffinity, long, pid, unsigned int, len, unsigned long, user_mask)
{
	/* Linux: a shorter buffer is the low bytes of the mask, the rest zero;
	 * a longer one is cut to the kernel's mask. */
	unsigned long mask = 0;
	if (copy_from_user(current_process()->as, &mask, user_mask, len < MASK_BYTES ? len : MASK_BYTES))
		return -EFAULT;
	long err = check_self(pid);
	return err ? err : sched_set_affinity(mask);
}

SYSCALL_DEFINE3(sched_getaffinity, long, pid, unsigned int, len, unsigned long, user_mask)
{
	/* Linux: at least one bit per possible CPU, whole longs only. */
	if (len < MASK_BYTES || len % MASK_BYTES)
		return -EINVAL;
	long err = check_self(pid);
	if (err)
		return err;
	unsigned long mask = sched_get_affinity();
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
	long err = check_self(pid);
	return err ? err : SCHED_OTHER;
}

SYSCALL_DEFINE2(sched_getparam, long, pid, unsigned long, user_param)
{
	if (!user_param || pid < 0)
		return -EINVAL;
	long err = check_self(pid);
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
	long err = check_self(pid);
	if (err)
		return err;
	policy &= ~(long)SCHED_RESET_ON_FORK;
	if (is_rt(policy))
		return priority < 1 || priority > RT_PRIORITY_MAX ? -EINVAL : -EPERM;
	if (policy != SCHED_OTHER || priority != 0)
		return -EINVAL;
	return 0;
}
