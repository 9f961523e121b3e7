/* Dakota-only checks of the time calls. clock_settime and the CPU-time clocks of a given process or thread:
 * setting CLOCK_REALTIME (processes run as root on Dakota, so Dakota only:
 * under qemu-riscv64 a user gets EPERM) moves absolute REALTIME timers and
 * clock_nanosleep(TIMER_ABSTIME) sleepers with it; the other clocks refuse
 * as Linux does; clock_getcpuclockid and pthread_getcpuclockid give clocks
 * that clock_gettime reads. And the bound on POSIX timers per process
 * (1024, -EAGAIN beyond; Linux's is RLIMIT_SIGPENDING). */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static struct timespec plus(struct timespec t, long sec)
{
	t.tv_sec += sec;
	return t;
}

static void test_errors(void)
{
	struct timespec ts = { 1000, 0 };
	errno = 0;
	CHECK_EQ(clock_settime(9999, &ts), -1, "clock_settime of an unknown clock");
	CHECK_EQ(errno, EINVAL, "... EINVAL");
	errno = 0;
	CHECK_EQ(clock_settime(CLOCK_MONOTONIC, &ts), -1, "clock_settime(CLOCK_MONOTONIC)");
	CHECK_EQ(errno, EINVAL, "... EINVAL");
	errno = 0;
	CHECK_EQ(clock_settime(CLOCK_PROCESS_CPUTIME_ID, &ts), -1, "clock_settime(CLOCK_PROCESS_CPUTIME_ID)");
	CHECK_EQ(errno, EINVAL, "... EINVAL");
	clockid_t c;
	clock_getcpuclockid(getpid(), &c);
	errno = 0;
	CHECK_EQ(clock_settime(c, &ts), -1, "clock_settime of a process's CPU clock");
	CHECK_EQ(errno, EPERM, "... EPERM");
	struct timespec bad = { 1000, 1000000000 };
	errno = 0;
	CHECK_EQ(clock_settime(CLOCK_REALTIME, &bad), -1, "tv_nsec of 10^9");
	CHECK_EQ(errno, EINVAL, "... EINVAL");
	errno = 0;
	CHECK_EQ(syscall(SYS_clock_settime, CLOCK_REALTIME, (void *)8), -1, "bad pointer");
	CHECK_EQ(errno, EFAULT, "... EFAULT");
}

static void test_cpu_clocks(void)
{
	clockid_t c;
	struct timespec ts;
	CHECK_EQ(clock_getcpuclockid(getpid(), &c), 0, "clock_getcpuclockid(getpid())");
	CHECK_EQ(clock_gettime(c, &ts), 0, "... a clock clock_gettime reads");
	CHECK_EQ(clock_getcpuclockid(0, &c), 0, "clock_getcpuclockid(0)");
	CHECK_EQ(clock_getcpuclockid(getppid(), &c), 0, "clock_getcpuclockid(parent)");
	CHECK_EQ(clock_gettime(c, &ts), 0, "... readable");
	CHECK_EQ(clock_getcpuclockid(999999, &c), ESRCH, "clock_getcpuclockid(no such pid): ESRCH");
	CHECK_EQ(pthread_getcpuclockid(pthread_self(), &c), 0, "pthread_getcpuclockid(self)");
	CHECK_EQ(clock_gettime(c, &ts), 0, "... readable");
}

static void *abs_sleeper(void *arg)
{
	struct timespec *until = arg;
	return (void *)(long)clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, until, NULL);
}

static void test_set(void)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_REALTIME, &t0);
	CHECK_EQ(clock_settime(CLOCK_REALTIME, &(struct timespec){ plus(t0, 1000).tv_sec, 0 }), 0,
		 "clock_settime(CLOCK_REALTIME, now + 1000 s)");
	clock_gettime(CLOCK_REALTIME, &t1);
	check(t1.tv_sec >= t0.tv_sec + 1000 && t1.tv_sec <= t0.tv_sec + 1002, "the clock reads it");

	/* An absolute timer 1000 s ahead fires once the clock is set past it. */
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	timer_t t;
	CHECK_EQ(timer_create(CLOCK_REALTIME, &ev, &t), 0, "timer_create(CLOCK_REALTIME)");
	struct itimerspec its = { { 0, 0 }, plus(t1, 1000) };
	CHECK_EQ(timer_settime(t, TIMER_ABSTIME, &its, NULL), 0, "absolute timer 1000 s ahead");
	pthread_t th;
	struct timespec until = plus(t1, 1000);
	pthread_create(&th, NULL, abs_sleeper, &until);
	struct timespec nap = { 0, 20000000 };
	nanosleep(&nap, NULL);   /* the sleeper is asleep (or it wakes at once below) */
	CHECK_EQ(clock_settime(CLOCK_REALTIME, &(struct timespec){ plus(t1, 2000).tv_sec, 0 }), 0,
		 "the clock jumps 1000 s further");
	siginfo_t si;
	CHECK_EQ(sigwaitinfo(&usr1, &si), SIGUSR1, "the absolute timer fires");
	void *r;
	pthread_join(th, &r);
	CHECK_EQ((long)r, 0, "the absolute clock_nanosleep ends");
	struct itimerspec cur;
	timer_gettime(t, &cur);
	check(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "the timer is spent");
	CHECK_EQ(timer_delete(t), 0, "timer_delete");
	clock_gettime(CLOCK_REALTIME, &t1);
	CHECK_EQ(clock_settime(CLOCK_REALTIME, &(struct timespec){ t1.tv_sec - 2000, t1.tv_nsec }), 0,
		 "the clock is set back");
}

static void test_timer_bound(void)
{
	static timer_t ids[1100];
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	int n = 0;
	while (n < 1100 && timer_create(CLOCK_MONOTONIC, &ev, &ids[n]) == 0)
		n++;
	CHECK_EQ(n, 1024, "1024 timers per process");
	CHECK_EQ(errno, EAGAIN, "... then EAGAIN");
	int deleted = 0;
	for (int i = 0; i < n; i++)
		deleted += timer_delete(ids[i]) == 0;
	CHECK_EQ(deleted, n, "all deleted");
	CHECK_EQ(timer_create(CLOCK_MONOTONIC, &ev, &ids[0]), 0, "a timer can be made again");
	CHECK_EQ(timer_delete(ids[0]), 0, "... and deleted");
}

int main(void)
{
	ltap_start();
	test_errors();
	test_timer_bound();
	test_cpu_clocks();
	test_set();
	return ltap_done();
}
