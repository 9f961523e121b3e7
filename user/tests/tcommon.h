/* Helpers shared by the process and thread test programs in user/tests.
 *
 * The tests run as init (pid 1) under tools/qemu.py. Results are printed as
 * TAP by the process that started first: test.h numbers its results per
 * process, so a forked child never prints results itself; it sends values
 * back through a pipe (run_reporting) or in its exit status, and the parent
 * checks them. */
#ifndef USER_TESTS_TCOMMON_H
#define USER_TESTS_TCOMMON_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>
#include <io.h>
#include <leakcheck.h>
#include <test.h>
#include <time.h>

#define PAGE_SIZE 4096UL

/* Addresses a user pointer must never reach (DESIGN.md, "Memory"): the
 * kernel image, the shared trampoline at the top of every address space and
 * the per-thread trap-context pages below it (tid t at TRAMPOLINE - (t+1)
 * pages). None of them is user-accessible, whatever is mapped there. */
#define KERNEL_VA          0x80200000UL
#define TRAMPOLINE_VA      0x3FFFFFF000UL
#define TRAP_CONTEXT_VA(t) (TRAMPOLINE_VA - PAGE_SIZE - (unsigned long)(t) * PAGE_SIZE)
/* Above Sv39's user half: not a valid user address at all. */
#define BEYOND_USER_VA     0x4000000000UL

/* Status meaning "the child did not finish in time and was killed"; no
 * real wait4 status has bits above 16. */
#define STATUS_HUNG (-1000)
/* wait4 for one pid answered with another: never expected. */
#define STATUS_OTHER_PID (-1001)
/* poll_status: the child is still running at the deadline. */
#define STATUS_RUNNING (-1002)

#define W_EXIT(code) (((code) & 0xff) << 8)
#define W_KILLED(sig) ((sig) & 0x7f)   /* wait status of a process a signal ended */

/* CHECK_EQ with a formatted name. */
#define EXPECT_EQ(got, want, ...) \
	expect_eq_((long)(got), (long)(want), __FILE__, __LINE__, __VA_ARGS__)

static inline __attribute__((format(printf, 5, 6)))
int expect_eq_(long got, long want, const char *file, int line, const char *fmt, ...)
{
	char name[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	return test_check_eq(got, want, file, line, name);
}

/* The wait4 status of child pid (blocking), or a negative errno. */
static inline long wait_status(long pid)
{
	int status = -1;
	long r = wait4((int)pid, &status, 0, 0);
	if (r < 0)
		return r;
	if (r != pid)
		return STATUS_OTHER_PID;
	return status;
}

/* Polls pid's status for `ms` milliseconds: its wait4 status, STATUS_RUNNING
 * if it is still there then, or a negative errno. Between polls it sleeps
 * 1 ms; with yield_only it just yields instead, for a one-hart run where the
 * wakeup of a sleeping parent on an idle hart can be late (issue 18,
 * defect 1, costs such a wakeup up to a second). */
static inline long poll_status(long pid, long ms, int yield_only)
{
	long deadline = time_ns() + ms * 1000000L;
	for (;;) {
		int status = -1;
		long r = wait4((int)pid, &status, WNOHANG, 0);
		if (r == pid)
			return status;
		if (r != 0)
			return r < 0 ? r : STATUS_OTHER_PID;
		if (time_ns() > deadline)
			return STATUS_RUNNING;
		if (yield_only)
			sched_yield();
		else
			sleep_ms(1);
	}
}

/* Like wait_status, but a child still running after `ms` milliseconds is a
 * hang: it is killed, reaped, and STATUS_HUNG returned. The bound only
 * catches "blocked forever"; it is far above any correct run time. */
static inline long wait_status_within(long pid, long ms)
{
	long s = poll_status(pid, ms, 0);
	if (s != STATUS_RUNNING)
		return s;
	kill((int)pid, SIGKILL);
	wait_status(pid);
	return STATUS_HUNG;
}

/* The kernel counters after one fork and wait: a process's first fork
 * makes one-time allocations (page-table pages that stay), which must not
 * count as a leak of the test that follows. */
static inline struct kstat kstat_after_warm_fork(void)
{
	long warm = fork();
	if (warm == 0)
		exit(0);
	wait_status(warm);
	return kstat_now();
}

/* Threads of process pid in the kernel's thread list (any state). One
 * static buffer: call it from one thread at a time. */
static inline long threads_of(long pid)
{
	static struct thread_info ti[1024];
	long n = thread_list(ti, 1024), mine = 0;
	for (long i = 0; i < n; i++)
		mine += ti[i].pid == pid;
	return mine;
}

/* A child's report: the values its function stored, and how it ended. */
#define REPORT_MAX 64
struct report {
	long status;             /* wait4 status, or a negative errno */
	long count;              /* values received */
	long v[REPORT_MAX];
};

/* Runs fn(v, arg) in a forked child. fn stores up to REPORT_MAX values in v
 * and returns how many; the child sends them to the parent through a pipe
 * and exits with 0. The parent gets the values, and the child's status
 * (r->count is short if the child died early). 0, or a negative errno when
 * pipe or fork fails. */
static inline long run_reporting(long (*fn)(long *v, void *arg), void *arg, struct report *r)
{
	int fds[2];
	memset(r, 0, sizeof *r);
	long pid = fork_with_pipe(fds);
	if (pid < 0)
		return pid;
	if (pid == 0) {
		close(fds[0]);
		long v[REPORT_MAX];
		long n = fn(v, arg);
		if (n < 0 || n > REPORT_MAX)
			n = 0;
		write_full(fds[1], v, (unsigned long)n * sizeof v[0]);
		exit(0);
	}
	close(fds[1]);
	long got = read_full(fds[0], r->v, sizeof r->v);
	close(fds[0]);
	r->count = got < 0 ? got : got / (long)sizeof r->v[0];
	r->status = wait_status(pid);
	return 0;
}

/* fork, with the child held until the parent calls release_child(*go_fd):
 * the child's pid in the parent, 0 in the child once it is released (a
 * byte or the closing of the pipe releases it). */
static inline long fork_held(int *go_fd)
{
	int go[2];
	pipe(go);
	long pid = fork();
	if (pid == 0) {
		char c;
		close(go[1]);
		read(go[0], &c, 1);
		return 0;
	}
	close(go[0]);
	*go_fd = go[1];
	return pid;
}

static inline void release_child(int go_fd)
{
	write(go_fd, "g", 1);
	close(go_fd);
}

/* Runs fn(arg) in a forked child that exits with fn's return value;
 * returns the child's wait4 status (or a negative errno). */
static inline long run_child(int (*fn)(void *arg), void *arg)
{
	long pid = fork();
	if (pid < 0)
		return pid;
	if (pid == 0)
		exit(fn(arg));
	return wait_status(pid);
}

#endif
