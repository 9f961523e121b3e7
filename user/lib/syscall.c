/* Raw system-call wrappers: each passes its arguments to ecall and returns a0. */
#include "syscall.h"
#include "sync.h"
#include "private.h"

long read(int fd, void *buf, unsigned long n)
{
	return syscall3(SYS_read, fd, (long)buf, (long)n);
}

long write(int fd, const void *buf, unsigned long n)
{
	return syscall3(SYS_write, fd, (long)buf, (long)n);
}

long close(int fd)
{
	return syscall1(SYS_close, fd);
}

long pipe2(int fd[2], int flags)
{
	return syscall2(SYS_pipe2, (long)fd, flags);
}

long pipe(int fd[2])
{
	return pipe2(fd, 0);
}

long dup(int fd)
{
	return syscall1(SYS_dup, fd);
}

long dup3(int oldfd, int newfd, int flags)
{
	return syscall3(SYS_dup3, oldfd, newfd, flags);
}

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

long getpid(void)
{
	return syscall0(SYS_getpid);
}

long getppid(void)
{
	return syscall0(SYS_getppid);
}

long getuid(void)
{
	return syscall0(SYS_getuid);
}

long setuid(int uid)
{
	return syscall1(SYS_setuid, uid);
}

long kill(int pid, int sig)
{
	return syscall2(SYS_kill, pid, sig);
}

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

long wait4(int pid, int *status, int options, void *rusage)
{
	return syscall4(SYS_wait4, pid, (long)status, options, (long)rusage);
}

long waitpid(int pid, int *status, int options)
{
	return wait4(pid, status, options, 0);
}

long wait(int *status)
{
	return wait4(-1, status, 0, 0);
}

long nanosleep(const struct timespec *req, struct timespec *rem)
{
	return syscall2(SYS_nanosleep, (long)req, (long)rem);
}

long clock_gettime(int clock, struct timespec *ts)
{
	return syscall2(SYS_clock_gettime, clock, (long)ts);
}

long sched_yield(void)
{
	return syscall0(SYS_sched_yield);
}

long brk(void *addr)
{
	return syscall1(SYS_brk, (long)addr);
}

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

long munmap(void *addr, unsigned long len)
{
	return syscall2(SYS_munmap, (long)addr, (long)len);
}

long thread_create(void *entry, void *arg)
{
	return syscall2(SYS_thread_create, (long)entry, (long)arg);
}

long gettid(void)
{
	return syscall0(SYS_gettid);
}

long waittid(long tid)
{
	return syscall1(SYS_waittid, tid);
}

long thread_join(long tid)
{
	return syscall1(SYS_thread_join, tid);
}

long mutex_create(int blocking)
{
	return syscall1(SYS_mutex_create, blocking);
}

long mutex_lock(long id)
{
	return syscall1(SYS_mutex_lock, id);
}

long mutex_unlock(long id)
{
	return syscall1(SYS_mutex_unlock, id);
}

long semaphore_create(int count)
{
	return syscall1(SYS_semaphore_create, count);
}

long semaphore_up(long id)
{
	return syscall1(SYS_semaphore_up, id);
}

long semaphore_down(long id)
{
	return syscall1(SYS_semaphore_down, id);
}

long condvar_create(void)
{
	return syscall0(SYS_condvar_create);
}

long condvar_signal(long id)
{
	return syscall1(SYS_condvar_signal, id);
}

long condvar_wait(long id, long mutex_id)
{
	return syscall2(SYS_condvar_wait, id, mutex_id);
}

long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *timeout)
{
	return syscall4(SYS_futex, (long)uaddr, op, (long)val, (long)timeout);
}

long thread_list(struct thread_info *buf, long max)
{
	return syscall2(SYS_thread_list, (long)buf, max);
}

long kstat(struct kstat *out)
{
	return syscall1(SYS_kstat, (long)out);
}

long programs(char *buf, long len)
{
	return syscall2(SYS_programs, (long)buf, len);
}

long trace_ctl(long cmd)
{
	return syscall1(SYS_trace_ctl, cmd);
}

long poweroff(long status)
{
	stdout_flush_pending();
	return syscall1(SYS_poweroff, status);
}
