/* t_syscall: every system call of the ABI with good and bad arguments.
 *
 * Bad pointers must give -EFAULT whatever they point at (NULL, the kernel,
 * the trampoline, trap contexts, holes in the heap and the mmap area, and
 * read-only memory for calls that write); bad fds -EBADF; unknown numbers
 * -ENOSYS. Faults that must kill are provoked in forked children. The brk
 * tests run first, before anything can call malloc (which moves the break). */
#include "tcommon.h"


extern char _end[];                    /* end of bss, from user.ld */
static const char rodata_bytes[64] = "read-only data";

struct bad_ptr {
	unsigned long va;
	const char *what;
};

#define MAX_BAD 12
static struct bad_ptr bad[MAX_BAD];    /* filled in by collect_bad_pointers */
static int bad_count;

static void add_bad(unsigned long va, const char *what)
{
	bad[bad_count].va = va;
	bad[bad_count].what = what;
	bad_count++;
}

/* ---- unknown numbers ---- */

static void test_unknown_numbers(void)
{
	static const long nrs[] = { 999, 5000, -1, 4096, 65536, 0x7fffffff };
	for (unsigned i = 0; i < sizeof nrs / sizeof nrs[0]; i++)
		EXPECT_EQ(syscall0(nrs[i]), -ENOSYS, "syscall %ld is -ENOSYS", nrs[i]);
	/* The whole of a7 is the number: 2^32 + getpid is not getpid. */
	EXPECT_EQ(syscall0((1L << 32) | SYS_getpid), -ENOSYS,
		  "syscall 2^32+%d is -ENOSYS (no truncation)", SYS_getpid);
}

/* ---- brk ---- */

/* Touches *p; run in a child that must die. */
static int touch_byte(void *p)
{
	*(volatile char *)p = 1;
	return 0;
}

/* In the child: pages given back by brk and grown again come back zeroed. */
static int brk_regrow_is_zeroed(void *arg)
{
	long cur = (long)arg;
	long base = (long)(((unsigned long)cur + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	long top = base + 2 * (long)PAGE_SIZE;
	if (brk((void *)top) != top)
		return 1;
	memset((void *)base, 0xAA, 2 * PAGE_SIZE);
	if (brk((void *)cur) != cur)
		return 2;
	if (brk((void *)top) != top)
		return 3;
	for (long a = base; a < top; a++)
		if (*(volatile char *)a != 0)
			return 4;
	return 0;
}

static void test_brk(void)
{
	long cur = brk(0);
	CHECK(cur >= (long)_end, "brk(0) is at or above the end of bss (%lx >= %lx)",
	      cur, (unsigned long)_end);
	EXPECT_EQ(brk(0), cur, "brk(0) again gives the same break");
	long want = cur + 3 * (long)PAGE_SIZE + 100;
	EXPECT_EQ(brk((void *)want), want, "brk grows by 3 pages + 100 bytes");
	int zero = 1;
	for (long a = cur; a < want; a++)
		zero &= *(volatile char *)a == 0;
	CHECK(zero, "new heap memory reads as zero");
	memset((void *)cur, 0x5A, (unsigned long)(want - cur));
	CHECK(((volatile char *)want)[-1] == 0x5A, "new heap memory is writable");
	EXPECT_EQ(brk((void *)1), want, "brk below the heap start fails: returns the old break");
	EXPECT_EQ(brk((void *)0x3000000000000L), want, "brk far beyond user space fails");
	EXPECT_EQ(brk((void *)-4096L), want, "brk to a kernel address fails");
	EXPECT_EQ(brk((void *)cur), cur, "brk shrinks back to the start");

	unsigned long gone = ((unsigned long)cur + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	EXPECT_EQ(run_child(touch_byte, (void *)(gone + 8)), SIGSEGV,
		  "touching a page given back by brk kills with SIGSEGV");
	EXPECT_EQ(run_child(brk_regrow_is_zeroed, (void *)cur), W_EXIT(0),
		  "heap pages given back and grown again are zeroed");
	EXPECT_EQ(brk(0), cur, "the child's brk did not move the parent's");
}

/* ---- bad pointers ---- */

/* Called after test_brk, before malloc. */
static void collect_bad_pointers(void)
{
	add_bad(0, "NULL");
	add_bad(8, "page 0");
	add_bad(KERNEL_VA, "kernel image");
	add_bad(0xFFFFFFC000000000UL, "kernel half");
	add_bad(BEYOND_USER_VA, "beyond Sv39 user space");
	add_bad(TRAMPOLINE_VA, "trampoline");
	add_bad(TRAMPOLINE_VA + PAGE_SIZE - 8, "trampoline end");
	add_bad(TRAP_CONTEXT_VA(0), "own trap context");
	add_bad(TRAP_CONTEXT_VA(1), "trap context of tid 1");
	unsigned long brk_top = ((unsigned long)brk(0) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	add_bad(brk_top + 64 * PAGE_SIZE, "unmapped heap");
	char *m = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!MMAP_FAILED(m) && munmap(m, PAGE_SIZE) == 0)
		add_bad((unsigned long)m, "munmapped page");
}

/* A fresh pipe holding 16 bytes; read end in fds[0]. */
static int pipe_with_data(int fds[2])
{
	if (pipe(fds))
		return -1;
	if (write(fds[1], "0123456789abcdef", 16) != 16)
		return -1;
	return 0;
}

static void close_pair(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

static long read_into(unsigned long va)
{
	int fds[2];
	if (pipe_with_data(fds))
		return -9999;
	long r = read(fds[0], (void *)va, 16);
	close_pair(fds);
	return r;
}

static long wait4_into(unsigned long va)
{
	long pid = fork();
	if (pid == 0)
		exit(0);
	if (pid < 0)
		return pid;
	return wait4((int)pid, (int *)va, 0, 0);
}

static void test_bad_pointer(const struct bad_ptr *b)
{
	void *p = (void *)b->va;
	char *const argv[] = { "t_child", "exit", "3", NULL };
	char *const bad_argv[] = { "t_child", p, NULL };
	char *const envp[] = { "A=1", NULL };
	char *const bad_envp[] = { "A=1", p, NULL };
	EXPECT_EQ(write(1, p, 16), -EFAULT, "write from %s", b->what);
	EXPECT_EQ(read_into(b->va), -EFAULT, "read into %s", b->what);
	EXPECT_EQ(pipe2(p, 0), -EFAULT, "pipe2 into %s", b->what);
	if (b->va)     /* a NULL status pointer is allowed */
		EXPECT_EQ(wait4_into(b->va), -EFAULT, "wait4 status into %s", b->what);
	EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, p), -EFAULT, "clock_gettime into %s", b->what);
	EXPECT_EQ(nanosleep(p, NULL), -EFAULT, "nanosleep from %s", b->what);
	EXPECT_EQ(kstat(p), -EFAULT, "kstat into %s", b->what);
	EXPECT_EQ(thread_list(p, 4), -EFAULT, "thread_list into %s", b->what);
	EXPECT_EQ(programs(p, 4096), -EFAULT, "programs into %s", b->what);
	EXPECT_EQ(execve(p, argv, envp), -EFAULT, "execve path at %s", b->what);
	if (b->va) {   /* NULL argv and envp are allowed (empty) */
		EXPECT_EQ(execve("t_child", p, envp), -EFAULT, "execve argv at %s", b->what);
		EXPECT_EQ(execve("t_child", argv, p), -EFAULT, "execve envp at %s", b->what);
		EXPECT_EQ(execve("t_child", bad_argv, envp), -EFAULT,
			  "execve argv[1] at %s", b->what);
		EXPECT_EQ(execve("t_child", argv, bad_envp), -EFAULT,
			  "execve envp[1] at %s", b->what);
	}
}

/* Read-only memory: fine to read from, -EFAULT to write into. */
static void test_pointer_to_readonly(unsigned long va, const char *what)
{
	void *p = (void *)va;
	EXPECT_EQ(read_into(va), -EFAULT, "read into %s", what);
	EXPECT_EQ(pipe2(p, 0), -EFAULT, "pipe2 into %s", what);
	EXPECT_EQ(wait4_into(va), -EFAULT, "wait4 status into %s", what);
	EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, p), -EFAULT, "clock_gettime into %s", what);
	EXPECT_EQ(kstat(p), -EFAULT, "kstat into %s", what);
	EXPECT_EQ(thread_list(p, 4), -EFAULT, "thread_list into %s", what);
	int fds[2];
	long r = pipe(fds);
	EXPECT_EQ(r, 0, "pipe for writing from %s", what);
	EXPECT_EQ(write(fds[1], p, 16), 16, "write from %s succeeds", what);
	char back[16];
	EXPECT_EQ(read(fds[0], back, 16), 16, "read back what was written from %s", what);
	CHECK(memcmp(back, p, 16) == 0, "the bytes written from %s arrive intact", what);
	close_pair(fds);
}

/* A 16-byte struct that starts 8 bytes before the end of a writable page
 * and runs into the next page. */
static void test_straddling(void)
{
	char *m = mmap(0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(!MMAP_FAILED(m), "mmap two pages"))
		return;
	char *edge = m + PAGE_SIZE - 8;
	EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, (void *)edge), 0,
		  "clock_gettime across two writable pages works");
	EXPECT_EQ(munmap(m + PAGE_SIZE, PAGE_SIZE), 0, "munmap the second page");
	EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, (void *)edge), -EFAULT,
		  "clock_gettime running into an unmapped page is -EFAULT");
	EXPECT_EQ(kstat((void *)edge), -EFAULT, "kstat running into an unmapped page is -EFAULT");
	EXPECT_EQ(nanosleep((void *)edge, NULL), -EFAULT,
		  "nanosleep request running into an unmapped page is -EFAULT");
	munmap(m, PAGE_SIZE);
}

static void test_bad_pointers(void)
{
	for (int i = 0; i < bad_count; i++)
		test_bad_pointer(&bad[i]);
	test_pointer_to_readonly((unsigned long)test_bad_pointers, "text");
	test_pointer_to_readonly((unsigned long)rodata_bytes, "rodata");
	char *ro = mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (CHECK(!MMAP_FAILED(ro), "mmap a read-only page"))
		test_pointer_to_readonly((unsigned long)ro, "read-only mmap page");
	test_straddling();
	long st;
	EXPECT_EQ(wait4(-1, (int *)&st, WNOHANG, 0), -ECHILD,
		  "children of failed wait4 calls were reaped anyway");
	int fds[2];
	EXPECT_EQ(pipe(fds), 0, "pipe after all the failed calls");
	EXPECT_EQ(fds[0], 3, "failed pipe2 calls leaked no fd (read end is 3)");
	EXPECT_EQ(fds[1], 4, "write end is 4");
	close_pair(fds);
}

/* ---- file descriptors ---- */

static void test_bad_fds(void)
{
	char buf[8] = "x";
	static const int fds[] = { -1, 5, 15, 16, 1000, -1000 };
	for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		EXPECT_EQ(read(fds[i], buf, 1), -EBADF, "read fd %d", fds[i]);
		EXPECT_EQ(write(fds[i], buf, 1), -EBADF, "write fd %d", fds[i]);
		EXPECT_EQ(close(fds[i]), -EBADF, "close fd %d", fds[i]);
		EXPECT_EQ(dup(fds[i]), -EBADF, "dup fd %d", fds[i]);
	}
	int p[2];
	EXPECT_EQ(pipe(p), 0, "pipe");
	EXPECT_EQ(write(p[0], buf, 1), -EBADF, "write to a pipe's read end");
	EXPECT_EQ(read(p[1], buf, 1), -EBADF, "read from a pipe's write end");
	EXPECT_EQ(close(p[0]), 0, "close the read end");
	EXPECT_EQ(close(p[0]), -EBADF, "close it again");
	EXPECT_EQ(read(p[0], buf, 1), -EBADF, "read a closed fd");
	EXPECT_EQ(close(p[1]), 0, "close the write end");
	EXPECT_EQ(pipe2(p, 0x1234), -EINVAL, "pipe2 with unknown flags");
	EXPECT_EQ(write(1, NULL, 0), 0, "write of 0 bytes from NULL");
	EXPECT_EQ(write(1, "", 0), 0, "write of 0 bytes");
	long d = dup(1);
	EXPECT_EQ(d, 3, "dup(1) takes the lowest free fd");
	EXPECT_EQ(write((int)d, "", 0), 0, "write on the duplicate");
	EXPECT_EQ(close((int)d), 0, "close the duplicate");
	EXPECT_EQ(dup3(1, 1000, 0), -EBADF, "dup3 to fd 1000");
	EXPECT_EQ(dup3(1, 1, 0), -EINVAL, "dup3 onto itself");
}

/* ---- mmap / munmap ---- */

static int write_byte_at(void *p)
{
	*(volatile char *)p = 7;
	return 0;
}

static int read_byte_at(void *p)
{
	return *(volatile char *)p == 0x77 ? 10 : 11;
}

static void test_mmap(void)
{
	const int rw = PROT_READ | PROT_WRITE, fl = MAP_PRIVATE | MAP_ANONYMOUS;
	char *p = mmap(0, 3 * PAGE_SIZE, rw, fl, -1, 0);
	if (!CHECK(!MMAP_FAILED(p), "mmap 3 anonymous pages (%p)", (void *)p))
		return;
	EXPECT_EQ((unsigned long)p % PAGE_SIZE, 0, "the mapping is page-aligned");
	int zero = 1;
	for (unsigned long i = 0; i < 3 * PAGE_SIZE; i++)
		zero &= p[i] == 0;
	CHECK(zero, "anonymous pages are zero-filled");
	memset(p, 0x77, 3 * PAGE_SIZE);
	CHECK(p[3 * PAGE_SIZE - 1] == 0x77, "anonymous pages are writable");
	char *q = mmap(0, PAGE_SIZE + 1, rw, fl, -1, 0);
	CHECK(!MMAP_FAILED(q) && (q + 2 * PAGE_SIZE <= p || q >= p + 3 * PAGE_SIZE),
	      "a second mapping does not overlap the first");
	if (!MMAP_FAILED(q)) {
		q[2 * PAGE_SIZE - 1] = 1;   /* the length was rounded up to 2 pages */
		EXPECT_EQ(munmap(q, PAGE_SIZE + 1), 0, "munmap a length that is not a page multiple");
	}
	EXPECT_EQ((long)mmap(0, 0, rw, fl, -1, 0), -EINVAL, "mmap of length 0");
	EXPECT_EQ(munmap(p + 1, PAGE_SIZE), -EINVAL, "munmap of an unaligned address");
	EXPECT_EQ(munmap(p + PAGE_SIZE, PAGE_SIZE), 0, "munmap the middle page");
	EXPECT_EQ(run_child(write_byte_at, p + PAGE_SIZE), SIGSEGV,
		  "touching the munmapped middle page kills with SIGSEGV");
	EXPECT_EQ(run_child(read_byte_at, p), W_EXIT(10), "the first page survives (child)");
	EXPECT_EQ(run_child(read_byte_at, p + 2 * PAGE_SIZE), W_EXIT(10),
		  "the last page survives (child)");
	CHECK(p[0] == 0x77 && p[2 * PAGE_SIZE] == 0x77, "first and last pages keep their data");
	EXPECT_EQ(munmap(p, 3 * PAGE_SIZE), 0, "munmap the rest (with a hole in it)");
	EXPECT_EQ(run_child(write_byte_at, p), SIGSEGV, "touching a munmapped page kills");

	char *ro = mmap(0, PAGE_SIZE, PROT_READ, fl, -1, 0);
	if (CHECK(!MMAP_FAILED(ro), "mmap a PROT_READ page")) {
		CHECK(ro[100] == 0, "a PROT_READ page reads as zero");
		EXPECT_EQ(run_child(write_byte_at, ro), SIGSEGV,
			  "writing a PROT_READ page kills with SIGSEGV");
		munmap(ro, PAGE_SIZE);
	}

	/* Pages come on demand: mapping 64 MiB costs no frames for its pages,
	 * and unmapping it untouched gives back exactly what it took. */
	struct kstat before = kstat_now();
	char *big = mmap(0, 64UL << 20, rw, fl, -1, 0);
	struct kstat mapped = kstat_now();
	if (CHECK(!MMAP_FAILED(big), "mmap 64 MiB")) {
		CHECK(before.free_frames - mapped.free_frames < 16,
		      "mapping 64 MiB took %ld frames (< 16: pages on demand)",
		      (long)(before.free_frames - mapped.free_frames));
		EXPECT_EQ(munmap(big, 64UL << 20), 0, "munmap 64 MiB");
		EXPECT_EQ(kstat_now().free_frames, before.free_frames,
			  "free frames after mmap+munmap of 64 MiB untouched");
	}
}

/* ---- ids, uid, kill ---- */

static long report_ids(long *v, void *arg)
{
	(void)arg;
	v[0] = getpid();
	v[1] = getppid();
	v[2] = getuid();
	return 3;
}

static long report_uid_rules(long *v, void *arg)
{
	long parent = (long)arg;
	int n = 0;
	v[n++] = setuid(1000);
	v[n++] = getuid();
	v[n++] = setuid(1000);          /* to itself: allowed */
	v[n++] = setuid(0);             /* back to root: not allowed */
	v[n++] = setuid(2000);
	v[n++] = getuid();
	v[n++] = setuid(-1);
	v[n++] = kill((int)parent, 0);  /* root's process */
	v[n++] = kill((int)parent, SIGKILL);
	v[n++] = kill((int)getpid(), 0);
	v[n++] = poweroff(3);           /* init only */
	long pid = fork();
	if (pid == 0)
		exit((int)getuid() & 0xff);  /* 1000 & 0xff = 232 */
	v[n++] = wait_status(pid);
	return n;
}

static int block_on_pipe(void *arg)
{
	int fd = (int)(long)arg;
	char c;
	read(fd, &c, 1);
	return 1;
}

static _Noreturn int spin_forever(void *arg)
{
	(void)arg;
	for (volatile int i = 0;; i++)
		;
}

static long spawn(int (*fn)(void *), void *arg)
{
	long pid = fork();
	if (pid == 0)
		exit(fn(arg));
	return pid;
}

static void test_ids(void)
{
	long me = getpid();
	CHECK(me > 0, "getpid is positive (%ld)", me);
	if (me == 1) {
		EXPECT_EQ(getppid(), 0, "init's parent pid is 0");
		EXPECT_EQ(getuid(), 0, "init runs as uid 0");
	}
	EXPECT_EQ(getpid(), me, "getpid is stable");
	EXPECT_EQ(gettid(), 0, "the only thread is tid 0");
	struct report r;
	run_reporting(report_ids, NULL, &r);
	EXPECT_EQ(r.count, 3, "child reported its ids");
	CHECK(r.v[0] > 0 && r.v[0] != me, "child has its own pid (%ld)", r.v[0]);
	EXPECT_EQ(r.v[1], me, "child's getppid is the parent");
	EXPECT_EQ(r.v[2], getuid(), "child inherits the uid");

	if (getuid() != 0) {
		test_note("skipped uid rules: not running as root");
		return;
	}
	run_reporting(report_uid_rules, (void *)me, &r);
	EXPECT_EQ(r.status, W_EXIT(0), "uid child exited normally");
	EXPECT_EQ(r.count, 12, "uid child reported everything");
	EXPECT_EQ(r.v[0], 0, "setuid(1000) as root");
	EXPECT_EQ(r.v[1], 1000, "getuid is 1000");
	EXPECT_EQ(r.v[2], 0, "setuid to the same uid");
	EXPECT_EQ(r.v[3], -EPERM, "setuid(0) from uid 1000");
	EXPECT_EQ(r.v[4], -EPERM, "setuid(2000) from uid 1000");
	EXPECT_EQ(r.v[5], 1000, "uid unchanged by the refused calls");
	EXPECT_EQ(r.v[6], -EINVAL, "setuid(-1)");
	EXPECT_EQ(r.v[7], -EPERM, "kill(root's pid, 0) from uid 1000");
	EXPECT_EQ(r.v[8], -EPERM, "kill(root's pid, SIGKILL) from uid 1000");
	EXPECT_EQ(r.v[9], 0, "kill(self, 0)");
	EXPECT_EQ(r.v[10], -EPERM, "poweroff from a process that is not init");
	EXPECT_EQ(r.v[11], W_EXIT(1000 & 0xff), "a grandchild inherits uid 1000");
	EXPECT_EQ(getuid(), 0, "the parent is still root");
}

static void test_kill(void)
{
	EXPECT_EQ(kill(9999, SIGKILL), -ESRCH, "kill of a pid that does not exist");
	EXPECT_EQ(kill(30000, 0), -ESRCH, "kill(30000, 0)");
	EXPECT_EQ(kill((int)getpid(), 0), 0, "kill(self, 0) probes a live process");
	int fds[2];
	pipe(fds);
	long blocked = spawn(block_on_pipe, (void *)(long)fds[0]);
	EXPECT_EQ(kill((int)blocked, 999), -EINVAL, "kill with an unknown signal");
	EXPECT_EQ(kill((int)blocked, 0), 0, "kill(child, 0)");
	EXPECT_EQ(kill((int)blocked, SIGKILL), 0, "SIGKILL a child blocked in read");
	EXPECT_EQ(wait_status_within(blocked, 5000), SIGKILL, "it died of SIGKILL");
	EXPECT_EQ(kill((int)blocked, 0), -ESRCH, "kill of a reaped child");
	close_pair(fds);
	long spinner = spawn(spin_forever, NULL);
	sched_yield();
	EXPECT_EQ(kill((int)spinner, SIGKILL), 0, "SIGKILL a spinning child");
	EXPECT_EQ(wait_status_within(spinner, 5000), SIGKILL, "it died of SIGKILL");
}

/* ---- exit, wait4, clone ---- */

static int exit_259(void *arg)
{
	(void)arg;
	exit(259);
}

static int exit_group_77(void *arg)
{
	(void)arg;
	syscall1(SYS_exit_group, 77);
	return 1;
}

static int exit_main_thread_78(void *arg)
{
	(void)arg;
	syscall1(SYS_exit, 78);         /* from tid 0: ends the process */
	return 1;
}

static int return_5(void *arg)
{
	(void)arg;
	return 5;
}

static void test_exit_and_wait(void)
{
	int st = 12345;
	EXPECT_EQ(wait4(-1, &st, 0, 0), -ECHILD, "wait4 with no children");
	EXPECT_EQ(wait4(-1, &st, WNOHANG, 0), -ECHILD, "wait4 WNOHANG with no children");
	EXPECT_EQ(wait4((int)getpid(), &st, 0, 0), -ECHILD, "wait4 on itself");
	EXPECT_EQ(wait4(12345, &st, 0, 0), -ECHILD, "wait4 on a pid that does not exist");
	EXPECT_EQ(st, 12345, "failed wait4 calls leave the status alone");
	EXPECT_EQ(wait4(-1, &st, 0x100, 0), -EINVAL, "wait4 with unknown options");
	EXPECT_EQ(run_child(exit_259, NULL), W_EXIT(3), "exit(259) is status 3");
	EXPECT_EQ(run_child(exit_group_77, NULL), W_EXIT(77), "exit_group(77)");
	EXPECT_EQ(run_child(exit_main_thread_78, NULL), W_EXIT(78), "exit(78) from tid 0");
	EXPECT_EQ(run_child(return_5, NULL), W_EXIT(5), "a child returning 5");
	long pid = fork();
	if (pid == 0)
		exit(9);
	EXPECT_EQ(wait4((int)pid, NULL, 0, 0), pid, "wait4 with a NULL status pointer");
	EXPECT_EQ(syscall5(SYS_clone, CLONE_THREAD, 0, 0, 0, 0), -EINVAL,
		  "clone with flags other than SIGCHLD");
}

/* ---- time ---- */

static long ts_ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000L + t->tv_nsec;
}

static void test_time(void)
{
	struct timespec a, b;
	EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0, "clock_gettime(MONOTONIC)");
	EXPECT_EQ(clock_gettime(CLOCK_REALTIME, &b), 0, "clock_gettime(REALTIME)");
	EXPECT_EQ(clock_gettime(99, &a), -EINVAL, "clock_gettime of clock 99");
	EXPECT_EQ(clock_gettime(-1, &a), -EINVAL, "clock_gettime of clock -1");
	int ok = 1;
	long prev = 0;
	for (int i = 0; i < 2000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		ok &= a.tv_nsec >= 0 && a.tv_nsec < 1000000000L && ts_ns(&a) >= prev;
		prev = ts_ns(&a);
	}
	CHECK(ok, "2000 readings of CLOCK_MONOTONIC never go back, nsec in range");
	struct timespec req = { 0, 20 * 1000000L }, rem = { 5, 5 };
	clock_gettime(CLOCK_MONOTONIC, &a);
	EXPECT_EQ(nanosleep(&req, &rem), 0, "nanosleep 20 ms");
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK(ts_ns(&b) - ts_ns(&a) >= 20000000L, "nanosleep did not return early (%ld ns)",
	      ts_ns(&b) - ts_ns(&a));
	req.tv_nsec = 0;
	EXPECT_EQ(nanosleep(&req, NULL), 0, "nanosleep of 0");
	req.tv_nsec = 1000000000L;
	EXPECT_EQ(nanosleep(&req, NULL), -EINVAL, "nanosleep with nsec = 1e9");
	req.tv_nsec = -1;
	EXPECT_EQ(nanosleep(&req, NULL), -EINVAL, "nanosleep with nsec = -1");
	req.tv_sec = -1;
	req.tv_nsec = 0;
	EXPECT_EQ(nanosleep(&req, NULL), -EINVAL, "nanosleep with sec = -1");
	EXPECT_EQ(sched_yield(), 0, "sched_yield returns 0");
}

/* ---- system calls of Dakota's own ---- */

static int contains_name(const char *buf, long n, const char *name)
{
	for (long i = 0; i < n; i += (long)strlen(buf + i) + 1)
		if (!strcmp(buf + i, name))
			return 1;
	return 0;
}

static void test_dakota_calls(void)
{
	struct kstat k;
	EXPECT_EQ(kstat(&k), 0, "kstat");
	CHECK(k.free_frames > 0 && k.free_frames < k.total_frames, "kstat frame counts are sane");
	CHECK(k.harts >= 1 && k.harts <= 8, "kstat harts in 1..8 (%lu)", k.harts);
	EXPECT_EQ(k.time_hz, 10000000, "time_hz is QEMU virt's 10 MHz");
	CHECK(k.live_threads >= 1 && k.live_procs >= 1, "live threads and processes counted");
	static char names[4096];
	long n = programs(names, sizeof names);
	CHECK(n > 0 && names[n - 1] == 0, "programs returns NUL-terminated names (%ld bytes)", n);
	CHECK(n > 0 && contains_name(names, n, "t_syscall"), "programs lists t_syscall");
	CHECK(n > 0 && contains_name(names, n, "t_child"), "programs lists t_child");
	struct thread_info ti[4];
	EXPECT_EQ(thread_list(ti, -1), -EINVAL, "thread_list with a negative max");
	CHECK(thread_list(ti, 4) >= 1, "thread_list sees at least this thread");
	EXPECT_EQ(waittid(0), -1, "waittid on itself");
	EXPECT_EQ(waittid(77), -1, "waittid on a tid never created");
	EXPECT_EQ(thread_join(-3), -1, "thread_join on a negative tid");
	CHECK(mutex_lock(4242) < 0, "mutex_lock of a bad id is an error");
	CHECK(mutex_unlock(4242) < 0, "mutex_unlock of a bad id is an error");
	CHECK(semaphore_up(4242) < 0, "semaphore_up of a bad id is an error");
	CHECK(semaphore_down(4242) < 0, "semaphore_down of a bad id is an error");
	CHECK(condvar_signal(4242) < 0, "condvar_signal of a bad id is an error");
	CHECK(condvar_wait(4242, 4243) < 0, "condvar_wait of bad ids is an error");
}

static void test_execve_errors(void)
{
	char *const argv[] = { "no_such_program", NULL };
	EXPECT_EQ(execve("no_such_program", argv, NULL), -ENOENT, "execve of a missing program");
	EXPECT_EQ(execve("", argv, NULL), -ENOENT, "execve of an empty path");
	EXPECT_EQ(execve("/bin/", argv, NULL), -ENOENT, "execve of a directory-like path");
}

int main(void)
{
	TEST_PLAN();
	test_brk();             /* first: nothing has moved the break yet */
	collect_bad_pointers();
	test_unknown_numbers();
	test_bad_pointers();
	test_bad_fds();
	test_mmap();
	test_ids();
	test_kill();
	test_exit_and_wait();
	test_time();
	test_dakota_calls();
	test_execve_errors();
	return test_done();
}
