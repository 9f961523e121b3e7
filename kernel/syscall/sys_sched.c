/* Scheduling-policy calls with Linux's meaning: affinity, getcpu, and the
 * policies.
 *
 * Policies: SCHED_OTHER, and the real-time SCHED_FIFO and SCHED_RR with
 * priorities 1..99, scheduled as on Linux (runqueue.c: a higher priority
 * runs first and preempts a lower one at once; SCHED_FIFO keeps its hart
 * until it blocks or yields, SCHED_RR shares it with its own priority one
 * time slice at a time). SCHED_BATCH and SCHED_IDLE are accepted and run
 * as SCHED_OTHER (Dakota has no nice levels); SCHED_DEADLINE is -EINVAL
 * (not supported). SCHED_RESET_ON_FORK is kept and honoured: threads and
 * processes the thread creates start as SCHED_OTHER. Permission as on Linux
 * for a caller with RLIMIT_RTPRIO 0: uid 0 may do anything; another uid may
 * not choose a real-time policy (-EPERM) and may change only threads of its
 * own uid.
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
#include "kernel/proc/thread.h"
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

/* fn(t, arg) on the live thread with Linux tid `pid`, t->proc->lock held
 * (t cannot be freed meanwhile); -ESRCH if there is none. */
static long on_thread(long pid, long (*fn)(struct thread *t, void *arg), void *arg)
{
	if (pid < 0 || pid > __INT_MAX__)
		return -ESRCH;
	spin_lock(&proc_tree_lock);
	struct thread *t = thread_find_linux_tid((int)pid);
	long err = t ? fn(t, arg) : -ESRCH;
	if (t)
		spin_unlock(&t->proc->lock);
	spin_unlock(&proc_tree_lock);
	return err;
}

struct affinity_request {
	bool set;
	unsigned long mask;
};

/* Another thread's affinity: sets it (set) or reads it into mask. */
static long other_affinity(struct thread *t, void *arg)
{
	struct affinity_request *r = arg;
	int uid = current_process()->uid;
	if (r->set && uid != 0 && uid != t->proc->uid)
		return -EPERM;
	if (r->set)
		return sched_request_affinity(t, r->mask);
	r->mask = sched_affinity_of(t);
	return 0;
}

SYSCALL_DEFINE3(sched_setaffinity, long, pid, unsigned int, len, unsigned long, user_mask)
{
	/* Linux: a shorter buffer is the low bytes of the mask, the rest zero;
	 * a longer one is cut to the kernel's mask. */
	unsigned long mask = 0;
	if (copy_from_user(current_process()->as, &mask, user_mask, len < MASK_BYTES ? len : MASK_BYTES))
		return -EFAULT;
	struct affinity_request r = { .set = true, .mask = mask };
	return names_self(pid) ? sched_set_affinity(mask) : on_thread(pid, other_affinity, &r);
}

SYSCALL_DEFINE3(sched_getaffinity, long, pid, unsigned int, len, unsigned long, user_mask)
{
	/* Linux: at least one bit per possible CPU, whole longs only. */
	if (len < MASK_BYTES || len % MASK_BYTES)
		return -EINVAL;
	struct affinity_request r = { .set = false };
	long err = 0;
	if (names_self(pid))
		r.mask = sched_get_affinity();
	else
		err = on_thread(pid, other_affinity, &r);
	if (err)
		return err;
	if (copy_to_user(current_process()->as, user_mask, &r.mask, MASK_BYTES))
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

/* What a policy call does to (or reads from) its thread. */
struct policy_request {
	bool set;
	long policy;             /* -1: keep the thread's (sched_setparam) */
	int priority;
	bool reset_on_fork;
	/* Read back. */
	long old_policy;
	int old_priority;
	bool old_reset_on_fork;
};

static bool policy_known(long policy)
{
	return policy == SCHED_OTHER || is_rt(policy) || policy == SCHED_BATCH ||
	       policy == SCHED_IDLE;
}

/* Linux's checks of a new setting for a caller of `uid` on a thread of
 * `owner`: 0, -EINVAL or -EPERM. */
static long policy_check(const struct policy_request *r, int uid, int owner)
{
	if (!policy_known(r->policy))
		return -EINVAL;
	if (is_rt(r->policy) ? r->priority < 1 || r->priority > RT_PRIORITY_MAX : r->priority)
		return -EINVAL;
	if (uid != 0 && (is_rt(r->policy) || uid != owner))
		return -EPERM;
	return 0;
}

/* Reads and, if asked, sets t's policy. Caller holds t->proc->lock, or t is
 * the calling thread. */
static long policy_apply(struct thread *t, void *arg)
{
	struct policy_request *r = arg;
	r->old_policy = __atomic_load_n(&t->policy, __ATOMIC_RELAXED);
	r->old_priority = __atomic_load_n(&t->rt_priority, __ATOMIC_RELAXED);
	r->old_reset_on_fork = t->reset_on_fork;
	if (!r->set)
		return 0;
	if (r->policy < 0)
		r->policy = r->old_policy;
	long err = policy_check(r, current_process()->uid, t->proc->uid);
	if (!err)
		sched_set_policy(t, (unsigned)r->policy, (unsigned)r->priority, r->reset_on_fork);
	return err;
}

/* policy_apply on the thread with Linux tid `pid` (0: the caller). */
static long policy_call(long pid, struct policy_request *r)
{
	return names_self(pid) ? policy_apply(current_thread(), r) : on_thread(pid, policy_apply, r);
}

SYSCALL_DEFINE1(sched_getscheduler, long, pid)
{
	if (pid < 0)
		return -EINVAL;
	struct policy_request r = { .set = false };
	long err = policy_call(pid, &r);
	return err ? err : r.old_policy | (r.old_reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

SYSCALL_DEFINE2(sched_getparam, long, pid, unsigned long, user_param)
{
	if (!user_param || pid < 0)
		return -EINVAL;
	struct policy_request r = { .set = false };
	long err = policy_call(pid, &r);
	if (err)
		return err;
	int priority = r.old_priority;   /* struct sched_param { int sched_priority; } */
	return copy_to_user(current_process()->as, user_param, &priority, sizeof priority)
	       ? -EFAULT : 0;
}

/* sched_setscheduler (policy >= 0) and sched_setparam (policy -1). */
static long set_policy(long pid, long policy, unsigned long user_param)
{
	if (!user_param || pid < 0)
		return -EINVAL;
	struct policy_request r = { .set = true, .policy = policy };
	if (copy_from_user(current_process()->as, &r.priority, user_param, sizeof r.priority))
		return -EFAULT;
	if (policy >= 0) {
		r.reset_on_fork = policy & SCHED_RESET_ON_FORK;
		r.policy = policy & ~(long)SCHED_RESET_ON_FORK;
	}
	return policy_call(pid, &r);
}

SYSCALL_DEFINE3(sched_setscheduler, long, pid, long, policy, unsigned long, user_param)
{
	if (policy < 0)
		return -EINVAL;
	return set_policy(pid, policy, user_param);
}

SYSCALL_DEFINE2(sched_setparam, long, pid, unsigned long, user_param)
{
	return set_policy(pid, -1, user_param);
}

/* The SCHED_RR time slice; 0 for SCHED_FIFO, which has none; the slice
 * that SCHED_OTHER threads get too (Linux gives its estimate for them). */
SYSCALL_DEFINE2(sched_rr_get_interval, long, pid, unsigned long, user_ts)
{
	if (pid < 0)
		return -EINVAL;
	struct policy_request r = { .set = false };
	long err = policy_call(pid, &r);
	if (err)
		return err;
	struct { long sec, nsec; } ts = { 0, 0 };
	if (r.old_policy != SCHED_FIFO)
		ts.nsec = CONFIG_TIME_SLICE_MS * 1000000L;
	return copy_to_user(current_process()->as, user_ts, &ts, sizeof ts) ? -EFAULT : 0;
}
