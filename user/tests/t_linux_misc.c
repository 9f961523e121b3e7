/* t_linux_misc: the Linux calls on time, identity, limits and the system,
 * with Linux's answers: clocks (every id, getres, TIMER_ABSTIME sleeps,
 * gettimeofday near the RTC's date), times/getrusage, prlimit64 with
 * stored lower limits, uid/gid calls, process groups and sessions (in a
 * child), umask, uname, sysinfo, getrandom, prctl names, ppoll/pselect6 as
 * sleeps and on pipes, membarrier, and reboot's refusals. */
#include "tcommon.h"
#include <dakota/clock.h>
#include <dakota/resource.h>
#include <dakota/system.h>
#include <dakota/fcntl.h>

static long ts_ns(struct timespec t) { return t.tv_sec * 1000000000L + t.tv_nsec; }

static void test_clocks(void)
{
	static const long ids[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
				    CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW,
				    CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME };
	struct timespec t, r;
	for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		EXPECT_EQ(syscall2(SYS_clock_gettime, ids[i], (long)&t), 0, "clock_gettime(%ld)", ids[i]);
		EXPECT_EQ(syscall2(SYS_clock_getres, ids[i], (long)&r), 0, "clock_getres(%ld)", ids[i]);
		CHECK(ts_ns(r) > 0 && ts_ns(r) <= 1000000, "... resolution in (0, 1 ms]");
	}
	EXPECT_EQ(syscall2(SYS_clock_gettime, 100, (long)&t), -EINVAL, "clock 100: -EINVAL");
	EXPECT_EQ(syscall2(SYS_clock_gettime, -1, (long)&t), -EINVAL, "clock -1: -EINVAL");
	EXPECT_EQ(syscall2(SYS_clock_gettime, 0, 0), -EFAULT, "clock_gettime to NULL: -EFAULT");
	EXPECT_EQ(syscall2(SYS_clock_getres, 0, 0), 0, "clock_getres to NULL is allowed");
	syscall2(SYS_clock_gettime, CLOCK_REALTIME, (long)&t);
	CHECK(t.tv_sec > 1600000000L, "CLOCK_REALTIME is after 2020 (from the RTC): %ld", t.tv_sec);
	struct timeval tv;
	EXPECT_EQ(syscall2(SYS_gettimeofday, (long)&tv, 0), 0, "gettimeofday");
	CHECK(tv.tv_sec >= t.tv_sec && tv.tv_usec < 1000000, "... agrees with CLOCK_REALTIME");
	struct timespec a, b;
	syscall2(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, (long)&a);
	for (volatile long i = 0; i < 200000; i++)
		;
	syscall2(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, (long)&b);
	CHECK(ts_ns(b) > ts_ns(a), "the thread's CPU clock advances while it computes");
}

static void test_sleeps(void)
{
	struct timespec d, now, rel = { 0, 5000000 };
	syscall2(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&d);
	d.tv_nsec += 20000000;
	if (d.tv_nsec >= 1000000000L) {
		d.tv_sec++;
		d.tv_nsec -= 1000000000L;
	}
	EXPECT_EQ(syscall4(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&d, 0), 0,
		  "clock_nanosleep(MONOTONIC, TIMER_ABSTIME)");
	syscall2(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&now);
	CHECK(ts_ns(now) >= ts_ns(d), "... returns at or after the deadline");
	syscall2(SYS_clock_gettime, CLOCK_REALTIME, (long)&d);
	d.tv_sec -= 10;
	EXPECT_EQ(syscall4(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, (long)&d, 0), 0,
		  "an absolute REALTIME time in the past returns at once");
	EXPECT_EQ(syscall4(SYS_clock_nanosleep, CLOCK_BOOTTIME, 0, (long)&rel, 0), 0,
		  "a relative BOOTTIME sleep");
	EXPECT_EQ(syscall4(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, (long)&rel, 0),
		  -EOPNOTSUPP, "sleeping on the thread CPU clock: -EOPNOTSUPP");
	EXPECT_EQ(syscall4(SYS_clock_nanosleep, 100, 0, (long)&rel, 0), -EINVAL, "clock 100: -EINVAL");
	struct timespec bad = { 0, -1 };
	EXPECT_EQ(syscall4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)&bad, 0), -EINVAL,
		  "a negative tv_nsec: -EINVAL");
	EXPECT_EQ(syscall2(SYS_nanosleep, (long)&rel, 0), 0, "nanosleep 5 ms");
	EXPECT_EQ(syscall2(SYS_nanosleep, 0, 0), -EFAULT, "nanosleep of NULL: -EFAULT");
	EXPECT_EQ(syscall5(SYS_ppoll, 0, 0, (long)&rel, 0, 8), 0, "ppoll with no fds sleeps: 0");
	EXPECT_EQ(syscall6(SYS_pselect6, 0, 0, 0, 0, (long)&rel, 0), 0, "pselect6 with no fds: 0");
	CHECK(rel.tv_sec == 0 && rel.tv_nsec == 0, "... the time left is written back (0)");
}

static void test_poll_pipes(void)
{
	int p[2];
	pipe(p);
	struct pollfd f[3] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { 15, POLLIN, 0 } };
	struct timespec zero = { 0, 0 };
	EXPECT_EQ(syscall5(SYS_ppoll, (long)f, 3, (long)&zero, 0, 8), 2,
		  "ppoll: the write end and the closed fd are ready");
	EXPECT_EQ(f[0].revents, 0, "... the empty read end is not");
	EXPECT_EQ(f[1].revents, POLLOUT, "... the write end: POLLOUT");
	EXPECT_EQ(f[2].revents, POLLNVAL, "... fd 15: POLLNVAL");
	write(p[1], "x", 1);
	EXPECT_EQ(syscall5(SYS_ppoll, (long)f, 1, 0, 0, 8), 1, "after a write the read end is ready");
	EXPECT_EQ(f[0].revents, POLLIN, "... POLLIN");
	unsigned long rset = 1UL << p[0] | 1UL << 0, wset = 1UL << p[1];
	(void)rset;
	unsigned long r2 = 1UL << p[0];
	EXPECT_EQ(syscall6(SYS_pselect6, p[1] + 1, (long)&r2, (long)&wset, 0, (long)&zero, 0), 2,
		  "pselect6: both ends ready");
	EXPECT_EQ(r2, 1UL << p[0], "... the read set keeps the read end");
	unsigned long badset = 1UL << 14;
	EXPECT_EQ(syscall6(SYS_pselect6, 15, (long)&badset, 0, 0, (long)&zero, 0), -EBADF,
		  "pselect6 with a closed fd: -EBADF");
	EXPECT_EQ(syscall5(SYS_ppoll, 0, 1000, 0, 0, 8), -EINVAL, "ppoll of 1000 fds: -EINVAL");
	close(p[0]);
	close(p[1]);
}

static void test_limits(void)
{
	struct rlimit r;
	EXPECT_EQ(syscall4(SYS_prlimit64, 0, RLIMIT_STACK, 0, (long)&r), 0, "prlimit64 STACK");
	EXPECT_EQ(r.rlim_cur, 8L << 20, "... soft 8 MiB");
	EXPECT_EQ(r.rlim_max, -1L, "... hard unlimited");
	EXPECT_EQ(syscall2(SYS_getrlimit, RLIMIT_NOFILE, (long)&r), 0, "getrlimit NOFILE");
	EXPECT_EQ(r.rlim_cur * 1000 + r.rlim_max, 256256, "... 256 / 256 (the fd table)");
	EXPECT_EQ(syscall2(SYS_getrlimit, RLIMIT_AS, (long)&r), 0, "getrlimit AS");
	EXPECT_EQ(r.rlim_cur, -1L, "... unlimited");
	struct rlimit low = { 4096, 1L << 20 };
	EXPECT_EQ(syscall2(SYS_setrlimit, RLIMIT_CORE, (long)&low), 0, "setrlimit CORE lower");
	EXPECT_EQ(syscall4(SYS_prlimit64, getpid(), RLIMIT_CORE, 0, (long)&r), 0, "read it back");
	EXPECT_EQ(r.rlim_cur * 1 + r.rlim_max * 0, 4096, "... soft as set");
	EXPECT_EQ(r.rlim_max, 1L << 20, "... hard as set");
	struct rlimit inv = { 10, 5 };
	EXPECT_EQ(syscall2(SYS_setrlimit, RLIMIT_CORE, (long)&inv), -EINVAL, "soft > hard: -EINVAL");
	struct rlimit many = { 256, 1000 };
	EXPECT_EQ(syscall2(SYS_setrlimit, RLIMIT_NOFILE, (long)&many), -EPERM,
		  "NOFILE above the fd table: -EPERM");
	EXPECT_EQ(syscall2(SYS_getrlimit, 16, (long)&r), -EINVAL, "resource 16: -EINVAL");
	EXPECT_EQ(syscall4(SYS_prlimit64, 99999, 0, 0, (long)&r), -ESRCH, "pid 99999: -ESRCH");
	EXPECT_EQ(syscall2(SYS_getrlimit, 0, 0), -EFAULT, "to NULL: -EFAULT");
	struct rusage ru;
	EXPECT_EQ(syscall2(SYS_getrusage, RUSAGE_SELF, (long)&ru), 0, "getrusage SELF");
	CHECK(ru.ru_utime.tv_sec > 0 || ru.ru_utime.tv_usec > 0, "... some CPU time");
	EXPECT_EQ(syscall2(SYS_getrusage, RUSAGE_THREAD, (long)&ru), 0, "getrusage THREAD");
	EXPECT_EQ(syscall2(SYS_getrusage, RUSAGE_CHILDREN, (long)&ru), 0, "getrusage CHILDREN");
	EXPECT_EQ(syscall2(SYS_getrusage, 5, (long)&ru), -EINVAL, "who 5: -EINVAL");
	struct tms tm;
	CHECK(syscall1(SYS_times, (long)&tm) > 0, "times() is ticks since boot");
	CHECK(syscall1(SYS_times, 0) > 0, "... also without a buffer");
}

/* In a child (pid != 1, not a group leader at first): setsid, then groups. */
static int groups_child(void *arg)
{
	(void)arg;
	long pid = getpid();
	if (syscall1(SYS_getpgid, 0) != 1 || syscall1(SYS_getsid, 0) != 1)
		return 1;                                 /* inherited from init */
	if (syscall0(SYS_setsid) != pid)
		return 2;
	if (syscall1(SYS_getpgid, 0) != pid || syscall1(SYS_getsid, pid) != pid)
		return 3;
	if (syscall0(SYS_setsid) != -EPERM)
		return 4;                                 /* a group leader already */
	if (syscall2(SYS_setpgid, 0, 0) != -EPERM)
		return 5;                                 /* a session leader */
	if (syscall2(SYS_setpgid, 0, -1) != -EINVAL)
		return 6;
	if (syscall1(SYS_getpgid, 99999) != -ESRCH)
		return 7;
	return 0;
}

static void test_identity(void)
{
	EXPECT_EQ(syscall0(SYS_getuid), 0, "getuid 0");
	EXPECT_EQ(syscall0(SYS_geteuid), 0, "geteuid 0");
	EXPECT_EQ(syscall0(SYS_getgid), 0, "getgid 0");
	EXPECT_EQ(syscall0(SYS_getegid), 0, "getegid 0");
	unsigned r = 9, e = 9, s = 9;
	EXPECT_EQ(syscall3(SYS_getresuid, (long)&r, (long)&e, (long)&s), 0, "getresuid");
	EXPECT_EQ(r + e + s, 0, "... all 0");
	EXPECT_EQ(syscall3(SYS_getresgid, 0, 0, 0), -EFAULT, "getresgid to NULL: -EFAULT");
	EXPECT_EQ(syscall2(SYS_getgroups, 0, 0), 0, "getgroups: none");
	EXPECT_EQ(syscall2(SYS_getgroups, -1, 0), -EINVAL, "getgroups(-1): -EINVAL");
	EXPECT_EQ(syscall0(SYS_getppid), 0, "init's parent is 0");
	EXPECT_EQ(syscall1(SYS_getpgid, 0), 1, "init's group is 1");
	EXPECT_EQ(syscall1(SYS_getsid, 0), 1, "init's session is 1");
	EXPECT_EQ(run_child(groups_child, 0), W_EXIT(0), "setsid/setpgid/getpgid in a child");
	EXPECT_EQ(syscall1(SYS_umask, 077), 022, "umask starts at 022");
	EXPECT_EQ(syscall1(SYS_umask, 0777777), 077, "umask returns the old mask");
	EXPECT_EQ(syscall1(SYS_umask, 022), 0777, "... keeping only 0777");
}

static void test_system(void)
{
	struct utsname u;
	EXPECT_EQ(syscall1(SYS_uname, (long)&u), 0, "uname");
	CHECK(!strcmp(u.sysname, "Linux") && !strcmp(u.machine, "riscv64") &&
	      !strcmp(u.nodename, "dakota"), "... Linux, riscv64, dakota");
	CHECK(u.release[0] == '6' && !memcmp(u.version + 7, "Dakota", 6), "... a 6.x release, Dakota's version");
	EXPECT_EQ(syscall1(SYS_uname, 0), -EFAULT, "uname to NULL: -EFAULT");
	struct sysinfo si;
	EXPECT_EQ(syscall1(SYS_sysinfo, (long)&si), 0, "sysinfo");
	CHECK(si.totalram > si.freeram && si.freeram > 0 && si.mem_unit == 1 && si.procs >= 1,
	      "... RAM and processes");
	unsigned char b1[64], b2[64];
	memset(b1, 0, sizeof b1);
	memset(b2, 0, sizeof b2);
	EXPECT_EQ(syscall3(SYS_getrandom, (long)b1, 64, 0), 64, "getrandom 64 bytes");
	EXPECT_EQ(syscall3(SYS_getrandom, (long)b2, 64, GRND_NONBLOCK | GRND_RANDOM), 64,
		  "... with GRND_NONBLOCK|GRND_RANDOM");
	CHECK(memcmp(b1, b2, 64) != 0, "... two draws differ");
	EXPECT_EQ(syscall3(SYS_getrandom, (long)b1, 4, 8), -EINVAL, "an unknown flag: -EINVAL");
	EXPECT_EQ(syscall3(SYS_getrandom, (long)b1, 4, GRND_INSECURE | GRND_RANDOM), -EINVAL,
		  "INSECURE|RANDOM: -EINVAL");
	EXPECT_EQ(syscall3(SYS_getrandom, 0, 4, 0), -EFAULT, "to NULL: -EFAULT");
	char name[16];
	EXPECT_EQ(syscall2(SYS_prctl, PR_SET_NAME, (long)"abcdefghijklmnopqrstuvwxyz"), 0, "PR_SET_NAME");
	EXPECT_EQ(syscall2(SYS_prctl, PR_GET_NAME, (long)name), 0, "PR_GET_NAME");
	CHECK(!strcmp(name, "abcdefghijklmno"), "... cut to 15 characters: %s", name);
	syscall2(SYS_prctl, PR_SET_NAME, (long)"t_linux_misc");
	EXPECT_EQ(syscall2(SYS_prctl, 9999, 0), -EINVAL, "an unknown option: -EINVAL");
	EXPECT_EQ(syscall3(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0), 0x1f, "membarrier QUERY");
	EXPECT_EQ(syscall3(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), -EPERM,
		  "PRIVATE_EXPEDITED unregistered: -EPERM");
	EXPECT_EQ(syscall3(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0), 0,
		  "REGISTER_PRIVATE_EXPEDITED");
	EXPECT_EQ(syscall3(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), 0,
		  "PRIVATE_EXPEDITED registered");
	EXPECT_EQ(syscall3(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0), 0, "GLOBAL");
	EXPECT_EQ(syscall3(SYS_membarrier, MEMBARRIER_CMD_QUERY, 1, 0), -EINVAL, "flags: -EINVAL");
	EXPECT_EQ(syscall4(SYS_reboot, 1, 2, LINUX_REBOOT_CMD_POWER_OFF, 0), -EINVAL,
		  "reboot with bad magic: -EINVAL");
	EXPECT_EQ(syscall4(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, 0x1234, 0), -EINVAL,
		  "reboot with an unknown command: -EINVAL");
}

/* RLIMIT_AS and RLIMIT_DATA are enforced (in a child: the limits are its
 * own). The program's regions take well under 4 MiB, so with RLIMIT_AS at
 * 4 MiB an 8 MiB mmap is -ENOMEM and a 64 KiB one works; a brk past
 * RLIMIT_DATA returns the old break, as Linux's does. Exit code: the first
 * check that failed, 0 if none. */
static int limits_child(void *arg)
{
	(void)arg;
	struct rlimit as = { 4L << 20, -1L }, data = { 64 * 1024, -1L };
	if (syscall2(SYS_setrlimit, RLIMIT_AS, (long)&as))
		return 11;
	if (!MMAP_FAILED(mmap(0, 8L << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)))
		return 12;
	if (MMAP_FAILED(mmap(0, 64 * 1024, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)))
		return 13;
	if (syscall2(SYS_setrlimit, RLIMIT_DATA, (long)&data))
		return 14;
	long start = brk(0);
	if (brk((void *)(start + (1L << 20))) != start)
		return 15;
	return 0;
}

/* A child (pid != 1) may not power off. */
static int reboot_child(void *arg)
{
	(void)arg;
	return syscall4(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			LINUX_REBOOT_CMD_POWER_OFF, 0) == -EPERM ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct kstat before = kstat_now();
	test_clocks();
	test_sleeps();
	test_poll_pipes();
	test_limits();
	test_identity();
	test_system();
	EXPECT_EQ(run_child(reboot_child, 0), W_EXIT(0), "reboot from pid != 1: -EPERM");
	EXPECT_EQ(run_child(limits_child, 0), W_EXIT(0), "RLIMIT_AS limits mmap, RLIMIT_DATA limits brk");
	kstat_expect_back(&before, KSTAT_FRAMES | KSTAT_KMALLOC, "all cases");
	int status = test_done();
	/* "poweroff" as argument: init powers off through reboot(2) with 0,
	 * so the run's status is 0 only if reboot worked (tests/meson.build). */
	if (argc > 1 && !strcmp(argv[1], "poweroff") && status == 0)
		syscall4(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			 LINUX_REBOOT_CMD_POWER_OFF, 0);
	return argc > 1 ? 3 : status;
}
