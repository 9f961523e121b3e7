/* Raw system-call wrappers: each passes its arguments to ecall and returns a0. */
#include "syscall.h"
#include "sync.h"
#include "private.h"

/* SYSCALL_WRAPPERn(name, nr, types...) defines long name(types...), which
 * passes its n arguments, each as a long, to system call nr: the common
 * shape of most wrappers, written once. */
#define SYSCALL_WRAPPER0(name, nr) \
	long name(void) { return syscall0(nr); }
#define SYSCALL_WRAPPER1(name, nr, T1) \
	long name(T1 a1) { return syscall1(nr, (long)a1); }
#define SYSCALL_WRAPPER2(name, nr, T1, T2) \
	long name(T1 a1, T2 a2) { return syscall2(nr, (long)a1, (long)a2); }
#define SYSCALL_WRAPPER3(name, nr, T1, T2, T3) \
	long name(T1 a1, T2 a2, T3 a3) { return syscall3(nr, (long)a1, (long)a2, (long)a3); }
#define SYSCALL_WRAPPER4(name, nr, T1, T2, T3, T4) \
	long name(T1 a1, T2 a2, T3 a3, T4 a4) \
	{ return syscall4(nr, (long)a1, (long)a2, (long)a3, (long)a4); }

SYSCALL_WRAPPER3(read, SYS_read, int, void *, unsigned long)
SYSCALL_WRAPPER3(write, SYS_write, int, const void *, unsigned long)
SYSCALL_WRAPPER1(close, SYS_close, int)

long pipe2(int fd[2], int flags)
{
	return syscall2(SYS_pipe2, (long)fd, flags);
}

long pipe(int fd[2])
{
	return pipe2(fd, 0);
}

SYSCALL_WRAPPER1(dup, SYS_dup, int)
SYSCALL_WRAPPER3(dup3, SYS_dup3, int, int, int)

/* Linux riscv64 has no dup2; dup3 rejects oldfd == newfd, dup2 allows it. */
long dup2(int oldfd, int newfd)
{
	if (oldfd == newfd)
		return oldfd < 0 ? -EBADF : newfd;
	return dup3(oldfd, newfd, 0);
}

_Noreturn void exit(int code)
{
	stdout_flush_pending();
	for (;;)
		syscall1(SYS_exit_group, code);
}

_Noreturn void thread_exit(int code)
{
	stdout_flush_pending();
	for (;;)
		syscall1(SYS_exit, code);
}

SYSCALL_WRAPPER0(getpid, SYS_getpid)
SYSCALL_WRAPPER0(getppid, SYS_getppid)
SYSCALL_WRAPPER0(getuid, SYS_getuid)
SYSCALL_WRAPPER1(setuid, SYS_setuid, int)
SYSCALL_WRAPPER2(kill, SYS_kill, int, int)

long fork(void)
{
	/* Pending putchar output would otherwise be printed twice. */
	stdout_flush_pending();
	malloc_lock_for_fork();
	stdout_lock_for_fork();
	long r = syscall5(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	stdout_unlock_after_fork();
	malloc_unlock_after_fork();
	return r;
}

long execve(const char *path, char *const argv[], char *const envp[])
{
	stdout_flush_pending();
	return syscall3(SYS_execve, (long)path, (long)argv, (long)envp);
}

long execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

SYSCALL_WRAPPER4(wait4, SYS_wait4, int, int *, int, void *)

long waitpid(int pid, int *status, int options)
{
	return wait4(pid, status, options, 0);
}

long wait(int *status)
{
	return wait4(-1, status, 0, 0);
}

SYSCALL_WRAPPER2(nanosleep, SYS_nanosleep, const struct timespec *, struct timespec *)
SYSCALL_WRAPPER2(clock_gettime, SYS_clock_gettime, int, struct timespec *)
SYSCALL_WRAPPER0(sched_yield, SYS_sched_yield)
SYSCALL_WRAPPER1(brk, SYS_brk, void *)

/* Guards cur_brk: threads may call sbrk concurrently (malloc holds its own
 * lock, but programs may call sbrk directly). */
static spinlock_t brk_lock;
static unsigned long cur_brk;

void *sbrk(long inc)
{
	spin_lock(&brk_lock);
	if (!cur_brk)
		cur_brk = (unsigned long)brk(0);
	unsigned long old = cur_brk;
	void *result = (void *)old;
	if (inc) {
		unsigned long want = old + (unsigned long)inc;
		if ((inc > 0 && want < old) || (inc < 0 && want > old))
			result = (void *)-1;
		else if ((unsigned long)brk((void *)want) != want)
			result = (void *)-1;
		else
			cur_brk = want;
	}
	spin_unlock(&brk_lock);
	return result;
}

void *mmap(void *addr, unsigned long len, int prot, int flags, int fd, long off)
{
	return (void *)syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
}

SYSCALL_WRAPPER2(munmap, SYS_munmap, void *, unsigned long)
SYSCALL_WRAPPER2(thread_create, SYS_thread_create, void *, void *)
SYSCALL_WRAPPER0(gettid, SYS_gettid)
SYSCALL_WRAPPER1(waittid, SYS_waittid, long)
SYSCALL_WRAPPER1(thread_join, SYS_thread_join, long)
SYSCALL_WRAPPER1(mutex_create, SYS_mutex_create, int)
SYSCALL_WRAPPER1(mutex_lock, SYS_mutex_lock, long)
SYSCALL_WRAPPER1(mutex_unlock, SYS_mutex_unlock, long)
SYSCALL_WRAPPER1(semaphore_create, SYS_semaphore_create, int)
SYSCALL_WRAPPER1(semaphore_up, SYS_semaphore_up, long)
SYSCALL_WRAPPER1(semaphore_down, SYS_semaphore_down, long)
SYSCALL_WRAPPER0(condvar_create, SYS_condvar_create)
SYSCALL_WRAPPER1(condvar_signal, SYS_condvar_signal, long)
SYSCALL_WRAPPER2(condvar_wait, SYS_condvar_wait, long, long)
SYSCALL_WRAPPER4(futex, SYS_futex, uint32_t *, int, uint32_t, const struct timespec *)
SYSCALL_WRAPPER2(thread_list, SYS_thread_list, struct thread_info *, long)
SYSCALL_WRAPPER1(kstat, SYS_kstat, struct kstat *)
SYSCALL_WRAPPER2(programs, SYS_programs, char *, long)
SYSCALL_WRAPPER1(trace_ctl, SYS_trace_ctl, long)

long poweroff(long status)
{
	stdout_flush_pending();
	return syscall1(SYS_poweroff, status);
}
