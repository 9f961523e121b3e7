/* Linux thread calls: clone, clone3, set_tid_address, gettid (178),
 * set_robust_list, get_robust_list. */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/clone.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/mm/addrspace.h"
#include "kernel/lib/string.h"
#include <dakota/syscall.h>

/* riscv64 argument order: clone(flags, stack, parent_tid, tls, child_tid).
 * A thread's exit signal (the low byte) is ignored, as Linux does. */
SYSCALL_DEFINE5(clone, unsigned long, flags, unsigned long, stack, unsigned long, parent_tid,
		unsigned long, tls, unsigned long, child_tid)
{
	struct clone_req r = {
		.flags = flags & ~CSIGNAL,
		.exit_signal = (flags & CLONE_THREAD) ? 0 : flags & CSIGNAL,
		.stack = stack, .parent_tid = parent_tid, .tls = tls, .child_tid = child_tid,
	};
	return clone_do(&r);
}

/* The struct Dakota reads: the three sizes Linux knows (64, 80, 88);
 * larger ones must be zero past what we know (E2BIG otherwise). */
static long read_clone_args(unsigned long uargs, unsigned long size, struct clone_args *a)
{
	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	memset(a, 0, sizeof *a);
	unsigned long known = size < sizeof *a ? size : sizeof *a;
	if (copy_from_user(current_process()->as, a, uargs, known))
		return -EFAULT;
	for (unsigned long off = known; off < size; off++) {
		unsigned char c;
		if (copy_from_user(current_process()->as, &c, uargs + off, 1))
			return -EFAULT;
		if (c)
			return -E2BIG;
	}
	return 0;
}

SYSCALL_DEFINE2(clone3, unsigned long, uargs, unsigned long, size)
{
	struct clone_args a;
	long err = read_clone_args(uargs, size, &a);
	if (err)
		return err;
	/* Linux's clone3 checks: the signal is its own field, a thread has
	 * none, a stack comes with its size. Dakota has no set_tid, pidfd or
	 * cgroup: those flags fail in clone_do. */
	if ((a.flags & CSIGNAL) || a.exit_signal > 64 || a.set_tid || a.set_tid_size ||
	    ((a.flags & CLONE_THREAD) && a.exit_signal) || (!a.stack != !a.stack_size))
		return -EINVAL;
	struct clone_req r = {
		.flags = a.flags, .exit_signal = a.exit_signal,
		.stack = a.stack ? a.stack + a.stack_size : 0,
		.parent_tid = a.parent_tid, .tls = a.tls, .child_tid = a.child_tid,
	};
	return clone_do(&r);
}

SYSCALL_DEFINE1(set_tid_address, unsigned long, tidptr)
{
	struct thread *t = current_thread();
	t->clear_child_tid = tidptr;
	return linux_tid_of(t);
}

SYSCALL_DEFINE0(linux_gettid)
{
	return linux_tid_of(current_thread());
}

SYSCALL_DEFINE2(set_robust_list, unsigned long, head, unsigned long, len)
{
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	__atomic_store_n(&current_thread()->robust_list, head, __ATOMIC_RELAXED);
	return 0;
}

/* Another thread's head, by Linux tid (0: the caller). Same uid or root. */
static long robust_head_of(int ltid, unsigned long *head)
{
	struct thread *self = current_thread();
	if (ltid == 0) {
		*head = __atomic_load_n(&self->robust_list, __ATOMIC_RELAXED);
		return 0;
	}
	long err = 0;
	spin_lock(&proc_tree_lock);
	struct thread *t = thread_find_linux_tid(ltid);
	if (!t) {
		err = -ESRCH;
	} else {
		if (self->proc->uid != 0 && self->proc->uid != t->proc->uid)
			err = -EPERM;
		*head = __atomic_load_n(&t->robust_list, __ATOMIC_RELAXED);
		spin_unlock(&t->proc->lock);
	}
	spin_unlock(&proc_tree_lock);
	return err;
}

SYSCALL_DEFINE3(get_robust_list, int, pid, unsigned long, head_ptr, unsigned long, len_ptr)
{
	unsigned long head, len = sizeof(struct robust_list_head);
	long err = robust_head_of(pid, &head);
	if (err)
		return err;
	struct addrspace *as = current_process()->as;
	if (copy_to_user(as, head_ptr, &head, sizeof head) ||
	    copy_to_user(as, len_ptr, &len, sizeof len))
		return -EFAULT;
	return 0;
}
