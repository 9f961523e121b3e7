/* Dakota user library: raw system calls.
 *
 * Every wrapper returns what the kernel put in a0: a result, or a negative
 * errno value (-EINVAL, ...). There is no errno variable. Numbers, errno
 * values and shared structs come from <dakota/syscall.h>. */
#ifndef USER_SYSCALL_H
#define USER_SYSCALL_H

#include <stdint.h>
#include <dakota/syscall.h>

static inline long syscall0(long nr)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0");
	__asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long syscall1(long nr, long x0)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x0;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long syscall2(long nr, long x0, long x1)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1) : "memory");
	return a0;
}

static inline long syscall3(long nr, long x0, long x1, long x2)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a2 __asm__("a2") = x2;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
	return a0;
}

static inline long syscall4(long nr, long x0, long x1, long x2, long x3)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a2 __asm__("a2") = x2;
	register long a3 __asm__("a3") = x3;
	__asm__ volatile("ecall" : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3) : "memory");
	return a0;
}

static inline long syscall5(long nr, long x0, long x1, long x2, long x3, long x4)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a2 __asm__("a2") = x2;
	register long a3 __asm__("a3") = x3;
	register long a4 __asm__("a4") = x4;
	__asm__ volatile("ecall" : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4) : "memory");
	return a0;
}

static inline long syscall6(long nr, long x0, long x1, long x2, long x3, long x4,
			    long x5)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a2 __asm__("a2") = x2;
	register long a3 __asm__("a3") = x3;
	register long a4 __asm__("a4") = x4;
	register long a5 __asm__("a5") = x5;
	__asm__ volatile("ecall" : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
			 : "memory");
	return a0;
}

/* Wait status, Linux encoding: exit code << 8, or the signal in the low 7 bits. */
#define WIFEXITED(s)   (((s) & 0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define WTERMSIG(s)    ((s) & 0x7f)

/* mmap returns a negative errno as a pointer on failure. */
#define MMAP_FAILED(p) ((unsigned long)(p) >= (unsigned long)-4095L)

/* Files. fds 0, 1, 2 start on the console. */
long read(int fd, void *buf, unsigned long n);
long write(int fd, const void *buf, unsigned long n);
long close(int fd);
long pipe(int fd[2]);                     /* pipe2(fd, 0) */
long pipe2(int fd[2], int flags);
long dup(int fd);                         /* Linux 23: needs kernel support */
long dup3(int oldfd, int newfd, int flags); /* Linux 24: needs kernel support */
long dup2(int oldfd, int newfd);          /* dup3, or a check when equal */

/* Processes. */
_Noreturn void exit(int code);            /* flushes stdout, then exit_group */
_Noreturn void thread_exit(int code);     /* SYS_exit: this thread only (tid 0: all) */
long getpid(void);
long getppid(void);
long getuid(void);
long setuid(int uid);
long kill(int pid, int sig);
long fork(void);                          /* clone(SIGCHLD, 0): 0 in the child */
long execve(const char *path, char *const argv[], char *const envp[]);
long execv(const char *path, char *const argv[]); /* with the current environ */
long wait4(int pid, int *status, int options, void *rusage);
long waitpid(int pid, int *status, int options);
long wait(int *status);

/* Time. */
long nanosleep(const struct timespec *req, struct timespec *rem);
long clock_gettime(int clock, struct timespec *ts);
long sched_yield(void);

/* Memory. */
long brk(void *addr);                     /* returns the new (or current) break */
void *sbrk(long inc);                     /* old break, or (void *)-1 */
void *mmap(void *addr, unsigned long len, int prot, int flags, int fd, long off);
long munmap(void *addr, unsigned long len);

/* Threads (tid 0 is the main thread). */
long thread_create(void *entry, void *arg);
long gettid(void);
long waittid(long tid);                   /* code; -1 no such thread; -2 running */
long thread_join(long tid);               /* blocks until tid exits, then waittid */

/* Synchronisation objects, ids per process. */
long mutex_create(int blocking);
long mutex_lock(long id);
long mutex_unlock(long id);
long semaphore_create(int count);
long semaphore_up(long id);
long semaphore_down(long id);
long condvar_create(void);
long condvar_signal(long id);
long condvar_wait(long id, long mutex_id);

/* Linux futex (98), FUTEX_WAIT and FUTEX_WAKE (| FUTEX_PRIVATE_FLAG): WAIT
 * sleeps while *uaddr == val (-EAGAIN if not; timeout relative, NULL for
 * none: -ETIMEDOUT); WAKE wakes up to val waiters and returns how many.
 * Linux's last two arguments are for ops Dakota does not have. */
long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *timeout);

/* Dakota system calls. */
long thread_list(struct thread_info *buf, long max);
long kstat(struct kstat *out);
long programs(char *buf, long len);       /* NUL-separated program names */
long trace_ctl(long cmd);
long poweroff(long status);

/* The environment crt0 received. */
extern char **environ;

#endif
