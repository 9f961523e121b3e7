/* Process calls: exit, getpid, fork, exec, wait (the other ids are in
 * sys_identity.c, kill in sys_sigsend.c). */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/exec.h"
#include "kernel/sched/sched.h"
#include <dakota/syscall.h>

/* Ends the calling thread; from tid 0 the whole process (rCore). */
SYSCALL_DEFINE1(exit, int, code)
{
	if (current_thread()->tid == 0)
		process_exit_current(W_EXITCODE(code));
	thread_exit(code);
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	process_exit_current(W_EXITCODE(code));
}

SYSCALL_DEFINE0(getpid)
{
	return current_process()->pid;
}

long sys_clone(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if (a0 != SIGCHLD || a1 != 0)
		return -EINVAL;     /* only fork: threads come from thread_create */
	return process_fork();
}

SYSCALL_DEFINE3(execve, unsigned long, path, unsigned long, argv, unsigned long, envp)
{
	return exec_current(path, argv, envp);
}

/* Linux's fourth argument, struct rusage *, is not filled in. */
SYSCALL_DEFINE3(wait4, int, pid, unsigned long, status, int, options)
{
	return process_wait(pid, status, options);
}
