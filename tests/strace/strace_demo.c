/* The workload of the strace tests: a fixed sequence of system calls with
 * no C library in between (tests/exec/raw.h), so that the trace is exact.
 * It checks its own results too, so that a run without tracing shows the
 * same output and status (the trace must change nothing). Exit status: the
 * number of calls whose result was not the expected one. Runs unchanged
 * under Linux (qemu-riscv64). */
#include "../exec/raw.h"

#define SYS_openat 56
#define SYS_close 57
#define SYS_getpid 172
#define SYS_mmap 222
#define SYS_munmap 215
#define SYS_mprotect 226
#define SYS_futex 98
#define SYS_clone 220
#define SYS_wait4 260
#define SYS_kill 129
#define SYS_rt_sigprocmask 135
#define SYS_nanosleep 101
#define AT_FDCWD (-100)
#define O_CLOEXEC 02000000
#define O_WRONLY_CREAT_TRUNC (01 | 0100 | 01000)
#define ENOENT 2
#define EFAULT 14
#define EINVAL 22
#define ECHILD 10
#define FUTEX_WAKE_PRIVATE 129
#define SIGCHLD 17

static long syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;
	register long a5 __asm__("a5") = f;
	register long a7 __asm__("a7") = nr;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
			 : "memory");
	return a0;
}

static int failures;

static void expect(long got, long want)
{
	if (got != want)
		failures++;
}

static void say(const char *s)
{
	raw_syscall3(SYS_write, 1, (long)s, (long)raw_strlen(s));
}

static const char long_path[] =
	"/a-path-longer-than-what-the-trace-shows/0123456789/0123456789/0123456789";

int main_raw(unsigned long *sp, unsigned long a0)
{
	(void)sp, (void)a0;
	say("demo: start\n");
	expect(syscall6(SYS_openat, AT_FDCWD, (long)"/no/such/file", O_CLOEXEC, 0, 0, 0), -ENOENT);
	expect(syscall6(SYS_openat, AT_FDCWD, 1, 0, 0, 0, 0), -EFAULT);
	expect(syscall6(SYS_openat, AT_FDCWD, (long)long_path, O_WRONLY_CREAT_TRUNC, 0644, 0, 0),
	       -ENOENT);
	expect(raw_syscall3(SYS_write, 1, (long)"tab\there \"q\" \x01\n", 15), 15);
	expect(raw_syscall3(SYS_write, 1, 8, 4), -EFAULT);
	expect(raw_syscall3(SYS_close, 99, 0, 0), -9 /* EBADF */);
	long page = syscall6(SYS_mmap, 0, 4096, 3, 0x22, -1, 0);
	expect(page > 0 && !(page & 4095), 1);
	expect(raw_syscall3(SYS_mprotect, page, 4096, 1), 0);
	expect(raw_syscall3(SYS_munmap, page, 4096, 0), 0);
	int word = 0;
	expect(syscall6(SYS_futex, (long)&word, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0), 0);
	expect(raw_syscall3(SYS_kill, raw_syscall3(SYS_getpid, 0, 0, 0), 0, 0), 0);
	expect(raw_syscall3(SYS_rt_sigprocmask, 7, 0, 0), -EINVAL);
	long child = syscall6(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
	if (child == 0) {
		say("demo: child\n");
		raw_exit(5);
	}
	int status = 0;
	expect(syscall6(SYS_wait4, child, (long)&status, 0, 0, 0, 0), child);
	expect(status, 5 << 8);
	expect(syscall6(SYS_wait4, -1, 0, 0, 0, 0, 0), -ECHILD);
	say(failures ? "demo: FAILED\n" : "demo: ok\n");
	return failures;
}
