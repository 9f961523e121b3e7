/* l_sched_rt: real-time scheduling policies (SCHED_FIFO, SCHED_RR) as a
 * root process on Linux sees them.
 *
 *   - the calls: sched_setscheduler/getscheduler/setparam/getparam,
 *     sched_rr_get_interval, pthread_setschedparam/getschedparam,
 *     pthread_create with explicit attributes, inheritance, reset-on-fork,
 *     and Linux's errors;
 *   - the behaviour, with every thread pinned to one CPU:
 *       * of two queued FIFO threads the higher priority runs first;
 *       * a new higher-priority thread runs before pthread_create returns;
 *       * a SCHED_OTHER thread never runs while a FIFO thread is runnable;
 *       * two SCHED_RR threads of one priority share the CPU; two
 *         SCHED_FIFO ones do not (the first keeps it until it ends).
 *
 * The expected output is Linux 6.12's (shared/linux-ref/run-bin.sh): user-
 * mode QEMU runs as a user without CAP_SYS_NICE. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

static char order[16];
static int order_len;
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;

static void record(char c)
{
	pthread_mutex_lock(&order_lock);
	order[order_len++] = c;
	pthread_mutex_unlock(&order_lock);
}

static void *record_arg(void *arg)
{
	record((char)(long)arg);
	return NULL;
}

static int set_self(int policy, int priority)
{
	struct sched_param sp = { .sched_priority = priority };
	return sched_setscheduler(0, policy, &sp);
}

/* A thread with an explicit policy and priority running fn(arg). */
static int spawn(pthread_t *t, int policy, int priority, void *(*fn)(void *), void *arg)
{
	pthread_attr_t a;
	struct sched_param sp = { .sched_priority = priority };
	pthread_attr_init(&a);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&a, policy);
	pthread_attr_setschedparam(&a, &sp);
	int err = pthread_create(t, &a, fn, arg);
	pthread_attr_destroy(&a);
	return err;
}

static void test_calls(void)
{
	struct sched_param sp = { .sched_priority = 0 };
	CHECK_EQ(sched_getscheduler(0), SCHED_OTHER, "a process starts as SCHED_OTHER");
	CHECK_EQ(set_self(SCHED_FIFO, 10), 0, "sched_setscheduler(SCHED_FIFO, 10)");
	CHECK_EQ(sched_getscheduler(0), SCHED_FIFO, "sched_getscheduler says SCHED_FIFO");
	CHECK_EQ(sched_getparam(0, &sp), 0, "sched_getparam");
	CHECK_EQ(sp.sched_priority, 10, "the priority is 10");
	sp.sched_priority = 20;
	CHECK_EQ(sched_setparam(0, &sp), 0, "sched_setparam(20)");
	sched_getparam(0, &sp);
	CHECK_EQ(sp.sched_priority, 20, "the priority is 20, the policy kept");
	CHECK_EQ(sched_getscheduler(0), SCHED_FIFO, "still SCHED_FIFO");
	struct timespec ts = { 1, 1 };
	CHECK_EQ(sched_rr_get_interval(0, &ts), 0, "sched_rr_get_interval");
	check(ts.tv_sec == 0 && ts.tv_nsec == 0, "a SCHED_FIFO thread has no time slice");
	CHECK_EQ(set_self(SCHED_RR, 5), 0, "sched_setscheduler(SCHED_RR, 5)");
	sched_rr_get_interval(0, &ts);
	check(ts.tv_sec == 0 && ts.tv_nsec > 0, "a SCHED_RR thread has a time slice");
	errno = 0;
	check(set_self(SCHED_FIFO, 0) == -1 && errno == EINVAL, "SCHED_FIFO priority 0: EINVAL");
	errno = 0;
	check(set_self(SCHED_RR, 100) == -1 && errno == EINVAL, "SCHED_RR priority 100: EINVAL");
	errno = 0;
	check(set_self(SCHED_OTHER, 1) == -1 && errno == EINVAL, "SCHED_OTHER priority 1: EINVAL");
	errno = 0;
	check(set_self(77, 0) == -1 && errno == EINVAL, "an unknown policy: EINVAL");
	errno = 0;
	check(sched_setscheduler(-1, SCHED_OTHER, &sp) == -1 && errno == EINVAL, "pid -1: EINVAL");
	errno = 0;
	check(sched_getscheduler(0x3fffffff) == -1 && errno == ESRCH, "no such pid: ESRCH");
	CHECK_EQ(sched_getscheduler(0), SCHED_RR, "failed calls changed nothing");
	CHECK_EQ(set_self(SCHED_OTHER, 0), 0, "back to SCHED_OTHER");
}

static void *report_policy(void *arg)
{
	int *out = arg;
	struct sched_param sp;
	pthread_getschedparam(pthread_self(), &out[0], &sp);
	out[1] = sp.sched_priority;
	return NULL;
}

static void test_threads_and_fork(void)
{
	int got[2] = { -1, -1 };
	pthread_t t;
	CHECK_EQ(spawn(&t, SCHED_RR, 33, report_policy, got), 0,
		 "pthread_create with explicit SCHED_RR 33");
	pthread_join(t, NULL);
	check(got[0] == SCHED_RR && got[1] == 33, "the thread runs as SCHED_RR 33");
	CHECK_EQ(set_self(SCHED_FIFO, 12), 0, "the main thread goes SCHED_FIFO 12");
	pthread_create(&t, NULL, report_policy, got);
	pthread_join(t, NULL);
	check(got[0] == SCHED_FIFO && got[1] == 12, "a new thread inherits SCHED_FIFO 12");
	struct sched_param sp = { .sched_priority = 40 };
	pthread_create(&t, NULL, report_policy, got);
	CHECK_EQ(pthread_setschedparam(pthread_self(), SCHED_RR, &sp), 0,
		 "pthread_setschedparam(SCHED_RR, 40) on itself");
	pthread_join(t, NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(sched_getscheduler(0) == SCHED_RR ? 0 : 1);
	int st;
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a fork child inherits SCHED_RR");
	CHECK_EQ(set_self(SCHED_FIFO | SCHED_RESET_ON_FORK, 7), 0,
		 "SCHED_FIFO with SCHED_RESET_ON_FORK");
	CHECK_EQ(sched_getscheduler(0), SCHED_FIFO | SCHED_RESET_ON_FORK,
		 "sched_getscheduler shows the flag");
	pid = fork();
	if (pid == 0)
		_exit(sched_getscheduler(0) == SCHED_OTHER ? 0 : 1);
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "its fork child starts as SCHED_OTHER");
	CHECK_EQ(set_self(SCHED_OTHER, 0), 0, "back to SCHED_OTHER");
}

/* Main at FIFO 50 queues FIFO 10 ('a') and FIFO 20 ('b'), which cannot
 * run before it blocks; then 'b' runs first. */
static void test_priority_order(void)
{
	order_len = 0;
	set_self(SCHED_FIFO, 50);
	pthread_t a, b;
	spawn(&a, SCHED_FIFO, 10, record_arg, (void *)'a');
	spawn(&b, SCHED_FIFO, 20, record_arg, (void *)'b');
	record('m');
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	order[order_len] = 0;
	if (!check(!strcmp(order, "mba"), "queued FIFO threads run highest priority first"))
		note("order %s", order);
	set_self(SCHED_OTHER, 0);
}

/* Main at FIFO 10 creates FIFO 30 ('h'): it runs before pthread_create
 * returns to main ('m'). */
static void test_preemption(void)
{
	order_len = 0;
	set_self(SCHED_FIFO, 10);
	pthread_t h;
	spawn(&h, SCHED_FIFO, 30, record_arg, (void *)'h');
	record('m');
	pthread_join(h, NULL);
	order[order_len] = 0;
	if (!check(!strcmp(order, "hm"), "a higher-priority thread preempts its creator"))
		note("order %s", order);
	set_self(SCHED_OTHER, 0);
}

static volatile int stop;
static volatile long spins[2];

static void *spin(void *arg)
{
	long i = (long)arg;
	while (!stop)
		spins[i]++;
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Two spinners of `policy` and priority 5; main at FIFO 60 sleeps, then
 * stops them. Returns how many of the two ran before the stop. */
static int spinners_that_ran(int policy)
{
	stop = 0;
	spins[0] = spins[1] = 0;
	set_self(SCHED_FIFO, 60);
	pthread_t t[2];
	spawn(&t[0], policy, 5, spin, (void *)0);
	spawn(&t[1], policy, 5, spin, (void *)1);
	sleep_ms(300);
	long seen[2] = { spins[0], spins[1] };
	stop = 1;
	set_self(SCHED_OTHER, 0);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	return (seen[0] > 0) + (seen[1] > 0);
}

/* A SCHED_OTHER thread must not run while a FIFO thread spins. */
static void test_other_starves(void)
{
	stop = 0;
	spins[0] = spins[1] = 0;
	set_self(SCHED_FIFO, 60);
	pthread_t f, o;
	spawn(&f, SCHED_FIFO, 5, spin, (void *)0);
	spawn(&o, SCHED_OTHER, 0, spin, (void *)1);
	sleep_ms(200);
	long seen[2] = { spins[0], spins[1] };
	stop = 1;
	set_self(SCHED_OTHER, 0);
	pthread_join(f, NULL);
	pthread_join(o, NULL);
	check(seen[0] > 0, "the SCHED_FIFO spinner ran");
	CHECK_EQ(seen[1], 0, "the SCHED_OTHER spinner did not, while it spun");
}

int main(void)
{
	ltap_start();
	test_calls();
	test_threads_and_fork();
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	CHECK_EQ(sched_setaffinity(0, sizeof one, &one), 0, "pinned to CPU 0 (threads inherit)");
	test_priority_order();
	test_preemption();
	test_other_starves();
	CHECK_EQ(spinners_that_ran(SCHED_RR), 2, "two SCHED_RR spinners of one priority share the CPU");
	CHECK_EQ(spinners_that_ran(SCHED_FIFO), 1, "of two SCHED_FIFO spinners only the first runs");
	return ltap_done();
}
