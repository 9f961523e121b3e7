/* Odd but legal arguments that the probe programs found Dakota answering
 * differently from Linux (each check failed on Dakota before its fix;
 * l_rawargs has those that user-mode QEMU cannot run):
 *
 * wait4: pid 0 (the caller's process group) and pid < -1 (the group
 * -pid), INT_MIN (ESRCH), the options __WALL and __WCLONE, and a bad
 * rusage pointer (EFAULT after the child is reaped).
 * poll: revents written back on a timeout too (zeroes over whatever the
 * caller left there), a pollfd array the kernel cannot write back (EFAULT).
 * read/pread: a buffer reaching past user space is
 * EFAULT before any byte moves, pos + count past LLONG_MAX EINVAL.
 * sigaltstack: fork and vfork children keep the caller's alternate signal
 * stack (Dakota gave them none).
 * mmap: a file offset whose mapping would end past LLONG_MAX is EOVERFLOW. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

/* A child that waits on the pipe before exiting 7; optionally in its own
 * process group (set in the child and the parent, so neither races). */
static pid_t spawn(int own_group)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (own_group)
			setpgid(0, 0);
		_exit(7);
	}
	if (pid > 0 && own_group)
		setpgid(pid, pid);
	return pid;
}

static long raw_wait4(long pid, int *status, long options, void *ru)
{
	return syscall(SYS_wait4, pid, status, options, ru);
}

static int err_of(long r)
{
	return r < 0 ? errno : 0;
}

static void wait_groups(void)
{
	int st = 0;
	pid_t a = spawn(0);
	CHECK_EQ(waitpid(0, &st, 0) == a && WIFEXITED(st) && WEXITSTATUS(st) == 7, 1,
		 "waitpid(0) reaps a child in the caller's process group");
	a = spawn(0);
	CHECK_EQ(waitpid(-getpgrp(), &st, 0), a, "waitpid(-pgid of the caller) reaps that child");
	pid_t b = spawn(1);
	errno = 0;
	CHECK_EQ(err_of(waitpid(0, &st, WNOHANG)), ECHILD,
		 "waitpid(0): a child in another group is not the caller's: ECHILD");
	CHECK_EQ(waitpid(-b, &st, 0), b, "waitpid(-pgid of the child's own group) reaps it");
	errno = 0;
	CHECK_EQ(err_of(waitpid(-99999, &st, WNOHANG)), ECHILD, "waitpid(-(a group with no child)): ECHILD");
	errno = 0;
	CHECK_EQ(err_of(waitpid(INT_MIN, &st, 0)), ESRCH, "waitpid(INT_MIN): ESRCH");
}

static void wait_options(void)
{
	int st = 0;
	pid_t a = spawn(0);
	errno = 0;
	CHECK_EQ(err_of(waitpid(a, &st, __WCLONE)), ECHILD,
		 "__WCLONE: a child that reports with SIGCHLD is no clone child: ECHILD");
	CHECK_EQ(waitpid(a, &st, __WALL), a, "__WALL reaps a fork child");
	a = spawn(0);
	CHECK_EQ(waitpid(-1, &st, __WALL | __WCLONE | __WNOTHREAD), a,
		 "__WALL | __WCLONE | __WNOTHREAD: any child");
	a = spawn(0);
	errno = 0;
	int fault = err_of(raw_wait4(a, NULL, 0, (void *)16));
	errno = 0;
	int gone = err_of(waitpid(a, &st, WNOHANG));
	CHECK_EQ(fault == EFAULT && gone == ECHILD, 1,
		 "wait4 with a bad rusage pointer: EFAULT, the child reaped all the same");
}

static void poll_writeback(void)
{
	int p[2];
	if (pipe(p))
		BAIL("pipe: %s", strerror(errno));
	struct pollfd pf = { .fd = p[0], .events = POLLIN, .revents = 0x7fff };
	int n = poll(&pf, 1, 0);
	CHECK_EQ(n == 0 && pf.revents == 0, 1, "poll of an empty pipe times out and writes revents back as 0");
	struct pollfd *ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		BAIL("mmap: %s", strerror(errno));
	ro->fd = p[0];
	ro->events = POLLIN;
	mprotect(ro, PAGE, PROT_READ);
	errno = 0;
	CHECK_EQ(err_of(poll(ro, 1, 0)), EFAULT, "poll with the pollfds in read-only memory: EFAULT");
	munmap(ro, PAGE);
	close(p[0]);
	close(p[1]);
}

/* Linux checks the whole buffer against the top of user space before any
 * byte moves (access_ok), and pos + count against LLONG_MAX. */
static void rw_ranges(void)
{
	/* volatile: the compiler would refuse these sizes for an 8-byte buffer */
	volatile size_t size_max = (size_t)-1;
	char buf[8];
	int f = open("/tmp/l_badargs", O_CREAT | O_TRUNC | O_RDWR, 0600);
	int p[2];
	if (f < 0 || pipe(p))
		BAIL("open/pipe: %s", strerror(errno));
	write(p[1], "abc", 3);
	errno = 0;
	CHECK_EQ(err_of(read(p[0], buf, size_max)), EFAULT,
		 "read of a pipe with data into a buffer of SIZE_MAX bytes: EFAULT");
	errno = 0;
	CHECK_EQ(err_of(read(f, buf, size_max)), EFAULT, "read at the end of a file, SIZE_MAX bytes: EFAULT");
	errno = 0;
	CHECK_EQ(err_of(pread(f, buf, 1, LLONG_MAX)), EINVAL, "pread of 1 byte at LLONG_MAX: EINVAL");
	errno = 0;
	CHECK_EQ(err_of(pwrite(f, buf, 2, LLONG_MAX - 1)), EINVAL, "pwrite of 2 bytes at LLONG_MAX - 1: EINVAL");
	errno = 0;
	CHECK_EQ(err_of(pread(f, buf, size_max, 0)), EFAULT, "pread of SIZE_MAX bytes: EFAULT");
	close(p[0]);
	close(p[1]);
	close(f);
	unlink("/tmp/l_badargs");
}

/* Linux's overflow check on mmap's offset: a file mapping must end by
 * LLONG_MAX, so a negative offset is EOVERFLOW (Dakota: ENOMEM). */
static void mmap_offsets(void)
{
	int f = open("/tmp/l_badargs", O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (f < 0 || ftruncate(f, PAGE))
		BAIL("open/ftruncate: %s", strerror(errno));
	errno = 0;
	void *m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, f, -PAGE);
	CHECK_EQ(m == MAP_FAILED ? errno : 0, EOVERFLOW, "mmap of a file at offset -4096: EOVERFLOW");
	errno = 0;
	m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, f, -2 * PAGE);
	CHECK_EQ(m == MAP_FAILED ? errno : 0, EOVERFLOW,
		 "mmap of a file at offset -8192 (the page number does not wrap): EOVERFLOW");
	close(f);
	unlink("/tmp/l_badargs");
}

static char alt_stack[65536];
static volatile sig_atomic_t handled_on_alt;

static void on_usr1(int signo)
{
	(void)signo;
	stack_t now;
	sigaltstack(NULL, &now);
	handled_on_alt = now.ss_flags == SS_ONSTACK;
}

/* 1 if the calling child still has the parent's alternate signal stack. */
static int has_parent_altstack(void)
{
	stack_t now;
	sigaltstack(NULL, &now);
	return now.ss_sp == alt_stack && now.ss_size == sizeof alt_stack && now.ss_flags == 0;
}

/* sigaltstack(2): fork and vfork children inherit the settings. */
static void altstack_inherited(void)
{
	stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof alt_stack };
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_ONSTACK };
	if (sigaltstack(&ss, NULL) || sigaction(SIGUSR1, &sa, NULL))
		BAIL("sigaltstack/sigaction: %s", strerror(errno));
	int st = 0;
	pid_t pid = fork();
	if (pid == 0) {
		int kept = has_parent_altstack();
		raise(SIGUSR1);
		_exit(kept && handled_on_alt ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	CHECK_EQ(WIFEXITED(st) && WEXITSTATUS(st) == 0, 1,
		 "a fork child keeps the alternate signal stack; its SA_ONSTACK handler runs on it");
	pid = vfork();
	if (pid == 0)
		_exit(has_parent_altstack() ? 0 : 1);
	waitpid(pid, &st, 0);
	CHECK_EQ(WIFEXITED(st) && WEXITSTATUS(st) == 0, 1, "a vfork child keeps the alternate signal stack");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
	ltap_start();
	wait_groups();
	wait_options();
	poll_writeback();
	rw_ranges();
	altstack_inherited();
	mmap_offsets();
	return ltap_done();
}
