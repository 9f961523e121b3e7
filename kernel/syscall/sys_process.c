/* Process calls: exit, getpid, fork, exec, wait (the other ids are in
 * sys_identity.c, kill in sys_sigsend.c). */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/clone.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/addrspace.h"
#include "kernel/syscall/clock.h"
#include <dakota/syscall.h>
#include <dakota/resource.h>

/* Ends the calling thread; from tid 0 the whole process (rCore). */
SYSCALL_DEFINE1(exit, int, code)
{
	/* Linux-threaded processes: Linux's meaning (clone.h). */
	if (__atomic_load_n(&current_process()->linux_threads, __ATOMIC_RELAXED))
		clone_exit(code);
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

SYSCALL_DEFINE3(execve, unsigned long, path, unsigned long, argv, unsigned long, envp)
{
	return exec_current(path, argv, envp);
}

/* The rusage of a reported child: its CPU time and its waited-for
 * children's, as ru_utime (Dakota does not split off system time; the
 * other fields are 0). Linux writes it only when a child was reported. */
SYSCALL_DEFINE4(wait4, int, pid, unsigned long, status, int, options, unsigned long, uru)
{
	unsigned long used;
	long r = process_wait(pid, status, options, &used);
	struct rusage ru = { .ru_utime = ticks_to_timeval(used) };
	if (r > 0 && uru && copy_to_user(current_process()->as, uru, &ru, sizeof ru))
		return -EFAULT;
	return r;
}
