/* t_thread_basic: thread_create, gettid, waittid, thread_join, exit codes.
 *
 * waittid: -1 for the caller itself, a tid never created, or one already
 * reaped; -2 while the thread has not exited; its exit code once (reaping
 * it). A thread ends with its entry's return value or thread_exit's code.
 * Tids of reaped threads are reused (they are bounded by the per-process
 * thread limit, so a long-running program needs that). */
#include "tcommon.h"
#include <sync.h>
#include <thread.h>

#define NOT_EXITED (-2)
#define NO_THREAD  (-1)

static volatile int release;          /* spinners wait for this */
static volatile long seen_tid[16];    /* gettid() as each thread saw it */
static long shared_counter;

static long return_arg(void *arg)
{
	return (long)arg;
}

static long exit_with_arg(void *arg)
{
	thread_exit((int)(long)arg);
}

static long spin_until_released(void *arg)
{
	while (!release)
		;
	return (long)arg;
}

static long record_tid(void *arg)
{
	long slot = (long)arg;
	seen_tid[slot] = gettid();
	__atomic_fetch_add(&shared_counter, 1, __ATOMIC_SEQ_CST);
	return 100 + slot;
}

static long sleep_then_return_9(void *arg)
{
	(void)arg;
	sleep_ms(20);
	return 9;
}

/* Called in a secondary thread: what it sees of the main thread and itself. */
static long probe_from_thread(void *arg)
{
	long *out = arg;
	out[0] = gettid();
	out[1] = waittid(0);             /* main is blocked in join: not exited */
	out[2] = waittid(out[0]);        /* itself */
	out[3] = thread_join(out[0]);    /* joining itself */
	return 0;
}

/* Uses most of a thread's stack: each thread has at least 512 KiB. */
static long use_big_stack(void *arg)
{
	volatile char big[512 * 1024 - 8192];
	for (unsigned long i = 0; i < sizeof big; i += PAGE_SIZE)
		big[i] = (char)i;
	long sum = 0;
	for (unsigned long i = 0; i < sizeof big; i += PAGE_SIZE)
		sum += big[i] == (char)i;
	return sum == (long)((sizeof big + PAGE_SIZE - 1) / PAGE_SIZE) ? (long)arg : -5;
}

/* Floating-point registers belong to each thread: four accumulators live
 * across sched_yield calls and timer preemptions come out exactly (every
 * partial sum is a multiple of 0.25 below 2^20: no rounding anywhere). */
static long float_work(void *arg)
{
	long k = (long)arg;
	double a = 0.0, b = 0.0, c = 0.0, d = 0.0;
	long ia = 0, ib = 0, ic = 0, id = 0;
	for (int i = 1; i <= 20000; i++) {
		long v = i % 7 + k;
		a += (double)v * 0.5;
		b += (double)(v + 1) * 0.25;
		c -= (double)v;
		d += (double)(i % 3) * 0.75;
		ia += v;
		ib += v + 1;
		ic -= v;
		id += (i % 3) * 3;
		if (i % 1000 == 0)
			sched_yield();
	}
	return a == (double)ia * 0.5 && b == (double)ib * 0.25 && c == (double)ic &&
	       d == (double)id * 0.25;
}

static void test_waittid_codes(void)
{
	EXPECT_EQ(gettid(), 0, "the main thread is tid 0");
	EXPECT_EQ(waittid(0), NO_THREAD, "waittid on itself is -1");
	EXPECT_EQ(waittid(77), NO_THREAD, "waittid on a tid never created is -1");
	EXPECT_EQ(waittid(-1), NO_THREAD, "waittid(-1) is -1");
	EXPECT_EQ(waittid(1 << 20), NO_THREAD, "waittid on a huge tid is -1");

	release = 0;
	long tid = thread_create(spin_until_released, (void *)42);
	CHECK(tid > 0, "thread_create returns a positive tid (%ld)", tid);
	EXPECT_EQ(waittid(tid), NOT_EXITED, "waittid while the thread runs is -2");
	EXPECT_EQ(waittid(tid), NOT_EXITED, "and again");
	release = 1;
	long code;
	while ((code = waittid(tid)) == NOT_EXITED)
		sched_yield();
	EXPECT_EQ(code, 42, "waittid after it exited gives its code");
	EXPECT_EQ(waittid(tid), NO_THREAD, "waittid on a reaped thread is -1");
	EXPECT_EQ(thread_join(tid), NO_THREAD, "thread_join on a reaped thread is -1");
}

static void test_exit_codes(void)
{
	long tids[8];
	for (long i = 0; i < 8; i++)
		tids[i] = thread_create(i % 2 ? exit_with_arg : return_arg, (void *)(100 + i));
	int ok = 1;
	for (int i = 7; i >= 0; i--)
		ok &= thread_join(tids[i]) == 100 + i;
	CHECK(ok, "8 threads: returning and thread_exit give each its own code (joined in reverse)");
	EXPECT_EQ(thread_join(thread_create(return_arg, (void *)0)), 0, "exit code 0");
	EXPECT_EQ(thread_join(thread_create(return_arg, (void *)255)), 255, "exit code 255");
	EXPECT_EQ(thread_join(thread_create(return_arg, (void *)-7)), -7,
		  "a negative exit code comes back as it was");
	EXPECT_EQ(thread_join(thread_create(sleep_then_return_9, NULL)), 9,
		  "thread_join blocks until a sleeping thread exits");
}

static void test_gettid_and_sharing(void)
{
	long tids[4];
	shared_counter = 0;
	for (long i = 0; i < 4; i++)
		tids[i] = thread_create(record_tid, (void *)i);
	int ok = 1, distinct = 1;
	for (int i = 0; i < 4; i++) {
		ok &= thread_join(tids[i]) == 100 + i && seen_tid[i] == tids[i];
		for (int j = 0; j < i; j++)
			distinct &= tids[i] != tids[j];
	}
	CHECK(ok, "each thread's gettid() is the tid thread_create returned");
	CHECK(distinct, "four live threads have four distinct tids");
	EXPECT_EQ(shared_counter, 4, "threads share globals with the main thread");

	long probe[4] = { 0 };
	long tid = thread_create(probe_from_thread, probe);
	EXPECT_EQ(thread_join(tid), 0, "the probing thread ran");
	EXPECT_EQ(probe[0], tid, "its gettid");
	EXPECT_EQ(probe[1], NOT_EXITED, "from a thread, waittid(0) while main lives is -2");
	EXPECT_EQ(probe[2], NO_THREAD, "a thread's waittid on itself is -1");
	EXPECT_EQ(probe[3], NO_THREAD, "a thread's thread_join on itself is -1");
}

/* The state of thread tid of this process in a thread_list snapshot, or -1. */
static int state_of(long tid)
{
	static struct thread_info ti[256];
	long n = thread_list(ti, 256);
	for (long i = 0; i < n; i++)
		if (ti[i].pid == getpid() && ti[i].tid == tid)
			return ti[i].state;
	return -1;
}

static void test_tid_reuse(void)
{
	/* An exited thread that is not reaped keeps its tid. */
	long a = thread_create(return_arg, (void *)1);
	while (state_of(a) != THREAD_INFO_EXITED)
		sched_yield();
	long b = thread_create(return_arg, (void *)2);
	CHECK(a > 0 && b > 0 && a != b, "a tid is not reused before it is reaped (%ld, %ld)", a, b);
	EXPECT_EQ(thread_join(a), 1, "join the first");
	EXPECT_EQ(thread_join(b), 2, "join the second");

	/* 160 threads one after the other: far more than the per-process
	 * bound (128), so reaped tids must be reused, and all stay below it. */
	int created = 0, joined = 0, in_range = 1;
	for (int i = 0; i < 160; i++) {
		long t = thread_create(return_arg, (void *)(long)(i & 0x7f));
		if (t < 0)
			break;
		created++;
		in_range &= t > 0 && t < 128;
		joined += thread_join(t) == (i & 0x7f);
	}
	EXPECT_EQ(created, 160, "160 create+join rounds all succeed");
	EXPECT_EQ(joined, 160, "and each thread's code comes back");
	CHECK(in_range, "every tid is in 1..127");
}

static void test_stacks_and_fp(void)
{
	long t = thread_create(use_big_stack, (void *)31);
	EXPECT_EQ(thread_join(t), 31, "a thread can use 504 KiB of its stack");
	long tids[6];
	for (long i = 0; i < 6; i++)
		tids[i] = thread_create(float_work, (void *)i);
	int ok = 0;
	for (int i = 0; i < 6; i++)
		ok += thread_join(tids[i]) == 1;
	EXPECT_EQ(ok, 6, "6 threads doing floating point while yielding all get exact sums");
}

static void test_thread_wrappers(void)
{
	thread_t t;
	EXPECT_EQ(thread_spawn(&t, return_arg, (void *)17), 0, "thread_spawn");
	EXPECT_EQ(thread_wait(t), 17, "thread_wait returns the code");
	EXPECT_EQ(thread_wait(t), NO_THREAD, "thread_wait again is -1");
	EXPECT_EQ(thread_self(), 0, "thread_self in main is 0");
}

int main(void)
{
	TEST_PLAN();
	struct kstat start = kstat_now();
	test_waittid_codes();
	test_exit_codes();
	test_gettid_and_sharing();
	test_tid_reuse();
	test_stacks_and_fp();
	test_thread_wrappers();
	kstat_expect_back(&start, KSTAT_THREADS, "all cases");
	return test_done();
}
