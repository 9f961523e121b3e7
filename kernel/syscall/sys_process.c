/* Process calls: exit, getpid, fork, exec, wait, kill (the other ids are in
 * sys_identity.c). */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/exec.h"
#include "kernel/sched/sched.h"
#include <dakota/syscall.h>

long sys_exit(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
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

long sys_clone(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if (a0 != SIGCHLD || a1 != 0)
		return -EINVAL;     /* only fork: threads come from thread_create */
	return process_fork();
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
