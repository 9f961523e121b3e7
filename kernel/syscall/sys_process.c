/* Process calls: exit, ids, fork, exec, wait, kill. */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/clone.h"
#include "kernel/sched/sched.h"
#include <dakota/syscall.h>

long sys_exit(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	/* Linux-threaded processes: Linux's meaning (clone.h). */
	if (__atomic_load_n(&current_process()->linux_threads, __ATOMIC_RELAXED))
		clone_exit((int)a0);
	if (current_thread()->tid == 0)
		process_exit_current(W_EXITCODE((int)a0));
	thread_exit((int)a0);
}

long sys_exit_group(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	process_exit_current(W_EXITCODE((int)a0));
}

long sys_getpid(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return current_process()->pid;
}

long sys_getppid(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return __atomic_load_n(&current_process()->ppid, __ATOMIC_RELAXED);
}

long sys_getuid(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return current_process()->uid;
}

long sys_setuid(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct process *p = current_process();
	long uid = (long)a0;
	if (uid < 0 || uid > 65535)
		return -EINVAL;
	spin_lock(&p->lock);
	long err = 0;
	if (p->uid == 0 || p->uid == uid)
		p->uid = (int)uid;
	else
		err = -EPERM;
	spin_unlock(&p->lock);
	return err;
}

long sys_execve(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return exec_current(a0, a1, a2);
}

long sys_wait4(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return process_wait((int)a0, a1, (int)a2);
}

long sys_kill(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return process_kill_pid((int)a0, (int)a1);
}
