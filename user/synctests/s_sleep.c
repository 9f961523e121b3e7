/* s_sleep: nanosleep never wakes early, rejects bad arguments, and wakes
 * several sleepers in deadline order.
 *
 * Pass/fail is never about being fast: a sleep must last at least what was
 * asked (exact, measured with clock_gettime on the same clock the kernel
 * uses); how much longer it took is only printed as a TAP note. The order
 * check asks the kernel (thread_list), not the clock: when a sleeper runs
 * after its wakeup, every sleeper with an earlier deadline must already have
 * been woken, i.e. no longer be BLOCKED, however late the harts ran them. */
#include <stdio.h>
#include <test.h>
#include <thread.h>
#include <time.h>
#include "testutil.h"

#define SLEEPERS 8
#define SPACING_MS 50

static void sleep_at_least(long ms)
{
	struct timespec req = { ms / 1000, (ms % 1000) * 1000000L };
	struct timespec rem = { 99, 99 };
	long t0 = time_ns();
	long r = nanosleep(&req, &rem);
	long t1 = time_ns();
	long slept = t1 - t0, want = ms * 1000000L;
	CHECK_EQ(r, 0, "nanosleep returns 0");
	CHECK(slept >= want, "a %ld ms sleep lasts at least %ld ms (%ld ns)", ms, ms, slept);
	CHECK(rem.tv_sec == 99 && rem.tv_nsec == 99,
	      "rem is untouched after a full sleep (Linux writes it only when interrupted)");
	test_note("%ld ms sleep: overshoot %ld us", ms, (slept - want) / 1000);
}

static void bad_arguments(void)
{
	struct timespec neg_nsec = { 0, -1 }, big_nsec = { 0, 1000000000L };
	struct timespec neg_sec = { -1, 0 };
	CHECK_EQ(nanosleep(&neg_nsec, 0), -EINVAL, "tv_nsec < 0 is -EINVAL");
	CHECK_EQ(nanosleep(&big_nsec, 0), -EINVAL, "tv_nsec >= 10^9 is -EINVAL");
	CHECK_EQ(nanosleep(&neg_sec, 0), -EINVAL, "tv_sec < 0 is -EINVAL");
	CHECK_EQ(nanosleep((struct timespec *)8, 0), -EFAULT, "unmapped request is -EFAULT");
	struct timespec zero = { 0, 0 };
	CHECK_EQ(nanosleep(&zero, 0), 0, "a zero sleep returns 0");
	CHECK_EQ(clock_gettime(100, &zero), -EINVAL, "clock_gettime of an unknown clock is -EINVAL");
	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, (struct timespec *)8), -EFAULT,
		 "clock_gettime into unmapped memory is -EFAULT");
}

static long start_ns;                      /* common origin of all deadlines */
static long sleeper_tid[SLEEPERS];
static long woke_at[SLEEPERS];
static int wake_ticket[SLEEPERS];
static int next_ticket;
static int order_violations[SLEEPERS];    /* earlier sleepers still blocked */

static long deadline_of(int i)
{
	return start_ns + (long)(i + 1) * SPACING_MS * 1000000L;
}

static long sleeper(void *arg)
{
	int me = (int)(long)arg;
	__atomic_store_n(&sleeper_tid[me], gettid(), __ATOMIC_RELEASE);
	long wait = deadline_of(me) - time_ns();
	if (wait > 0) {
		struct timespec req = { wait / 1000000000L, wait % 1000000000L };
		if (nanosleep(&req, 0))
			return 1;
	}
	woke_at[me] = time_ns();
	wake_ticket[me] = __atomic_fetch_add(&next_ticket, 1, __ATOMIC_ACQ_REL);
	static struct thread_info list[64];
	static int list_lock;
	while (__atomic_exchange_n(&list_lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
	long n = thread_list(list, 64);
	long pid = getpid();
	for (long k = 0; k < n; k++) {
		if (list[k].pid != pid || list[k].state != THREAD_INFO_BLOCKED)
			continue;
		for (int j = 0; j < me; j++)
			if (list[k].tid == __atomic_load_n(&sleeper_tid[j], __ATOMIC_ACQUIRE))
				order_violations[me]++;
	}
	__atomic_store_n(&list_lock, 0, __ATOMIC_RELEASE);
	return n > 0 ? 0 : 2;
}

static void ordered_wakeups(void)
{
	for (int i = 0; i < SLEEPERS; i++)
		sleeper_tid[i] = -1;
	start_ns = time_ns() + 20 * 1000000L;   /* time for all to start */
	/* Started in a scrambled order, so creation order is not wake order. */
	static const int order[SLEEPERS] = { 5, 2, 7, 0, 3, 6, 1, 4 };
	thread_t t[SLEEPERS];
	int started = 0;
	for (int k = 0; k < SLEEPERS; k++)
		started += thread_spawn(&t[order[k]], sleeper, (void *)(long)order[k]) == 0;
	if (!CHECK_EQ(started, SLEEPERS, "all sleepers start"))
		return;
	int codes_ok = 1;
	for (int i = 0; i < SLEEPERS; i++)
		codes_ok &= thread_wait(t[i]) == 0;
	CHECK(codes_ok, "every sleeper slept and listed threads without error");
	int early = 0, violations = 0;
	for (int i = 0; i < SLEEPERS; i++) {
		early += woke_at[i] < deadline_of(i);
		violations += order_violations[i];
		test_note("sleeper %d: deadline +%d ms, woke %ld us late, ticket %d", i,
			  (i + 1) * SPACING_MS, (woke_at[i] - deadline_of(i)) / 1000,
			  wake_ticket[i]);
	}
	CHECK_EQ(early, 0, "no sleeper woke before its deadline");
	CHECK_EQ(violations, 0,
		 "every sleeper with an earlier deadline was woken before a later one ran");
}

int main(void)
{
	TEST_PLAN();
	warm_stack();
	bad_arguments();
	sleep_at_least(10);
	sleep_at_least(50);
	sleep_at_least(100);
	sleep_at_least(1);
	ordered_wakeups();
	return test_done();
}
