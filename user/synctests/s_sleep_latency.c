/* s_sleep_latency: many short sleeps (10 us to 3 ms) from several threads;
 * no single sleep may take 500 ms or more.
 *
 * A hart that goes idle must not miss a wakeup: if an interrupt wakes a
 * sleeper between the idle hart's last look at the ready queue and its
 * wfi, the sleeper waits for the next interrupt, which on an otherwise idle
 * machine is the one-second heartbeat (issue 18, defect 1: one sleep of
 * 1.002 s in a few thousand). 500 ms is far above any honest overshoot
 * (a few time slices) and half the heartbeat. It is not 200 ms: the clock
 * is the host's, and with the host overloaded (stress runs beside the
 * quick suite on two cores) a vCPU thread was seen descheduled for 399 ms,
 * which the guest can only see as a long sleep.
 *
 * Then the same with a long sleeper (60 s) asleep throughout, so the sleep
 * queue always holds a later deadline than the short sleeps: a timer armed
 * for a later sleeper than the earliest leaves a short sleeper waiting for
 * the heartbeat, or for the long sleeper. Here the main thread watches
 * instead of sleeping (a hart of its own, yielding), so that a short
 * sleeper that is never woken fails the test at once rather than hanging
 * it; the short sleeper runs on another hart when there is one, so that
 * its hart goes idle. The long sleeper ends with the process.
 *
 * usage: s_sleep_latency [sleeps_per_thread [threads]]   (default 1000 2) */
#include <stdio.h>
#include <test.h>
#include <thread.h>
#include <time.h>
#include "testutil.h"

#define MIN_NS 10000L            /* 10 us */
#define MAX_NS 3000000L          /* 3 ms */
#define LIMIT_NS 500000000L      /* 500 ms */
#define MAX_THREADS 8
#define WATCHED_SLEEPS 300

static long sleeps = 1000;
static long worst_ns[MAX_THREADS];
static long worst_asked[MAX_THREADS];
static long over_limit[MAX_THREADS];
static long errors[MAX_THREADS];

/* Durations spread over the whole range on a log scale, so that half the
 * sleeps are under 200 us: the short ones end while their hart is still on
 * its way into idle, which is where a lost wakeup happens. */
static long pick_duration(unsigned long *rng)
{
	long d = MIN_NS;
	long steps = (long)rng_below(rng, 9);     /* 10 us * 2^0 .. 2^8 = 2.56 ms */
	d <<= steps;
	d += (long)rng_below(rng, (unsigned long)d);
	return d < MAX_NS ? d : MAX_NS;
}

static long long_sleeper(void *arg)
{
	(void)arg;
	struct timespec req = { 60, 0 };
	return nanosleep(&req, 0);
}

static long online_harts;      /* from sched_getaffinity: harts 0..n-1 */

static long sleeper(void *arg)
{
	int me = (int)(long)arg;
	unsigned long rng = 0x5eed0000UL + (unsigned long)me;
	/* Each sleeper on a hart of its own choosing: a wakeup lost on one
	 * hart must not be rescued by another idle hart taking the thread. */
	if (online_harts > 0)
		pin_to_harts(1UL << (me % online_harts));
	for (long i = 0; i < sleeps; i++) {
		long want = pick_duration(&rng);
		struct timespec req = { 0, want };
		long t0 = time_ns();
		if (nanosleep(&req, 0))
			errors[me]++;
		long took = time_ns() - t0;
		if (took > worst_ns[me]) {
			worst_ns[me] = took;
			worst_asked[me] = want;
		}
		if (took >= LIMIT_NS) {
			over_limit[me]++;
			break;        /* one is proof enough; fail in seconds */
		}
	}
	return 0;
}

static long watched_start;      /* time_ns when the watched sleep began; 0: awake */
static int watched_done;

static long watched_sleeper(void *arg)
{
	unsigned long rng = 0x1a7e;
	pin_to_harts((unsigned long)arg);
	for (long i = 0; i < WATCHED_SLEEPS; i++) {
		struct timespec req = { 0, pick_duration(&rng) };
		__atomic_store_n(&watched_start, time_ns(), __ATOMIC_RELEASE);
		nanosleep(&req, 0);
		__atomic_store_n(&watched_start, 0, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&watched_done, 1, __ATOMIC_RELEASE);
	return 0;
}

/* The last phase: the long sleeper still asleep, and now every hart may go
 * idle (the main thread blocks in join), so only the timer armed for the
 * earliest sleeper wakes the short one in time; armed for a later one, the
 * heartbeat does, a second later. A timer that never fires for the short
 * sleeper would hang here, but the watched phase before has caught that. */
static void all_harts_idle_behind_a_long_sleeper(void)
{
	pin_to_harts(~0UL);
	sleeps = WATCHED_SLEEPS;
	int me = MAX_THREADS - 1;
	worst_ns[me] = over_limit[me] = errors[me] = 0;
	thread_t t;
	CHECK_EQ(thread_spawn(&t, sleeper, (void *)(long)me), 0, "short sleeper starts");
	CHECK_EQ(thread_wait(t), 0, "short sleeper ends");
	CHECK_EQ(errors[me], 0, "every nanosleep returns 0");
	CHECK(over_limit[me] == 0,
	      "with a 60 s sleeper queued and the harts idle, no short sleep takes 500 ms or more");
	if (over_limit[me])
		test_note("asked %ld us, took %ld us: a lost wakeup (the idle timer armed for a "
			  "later sleeper than the earliest?)", worst_asked[me] / 1000, worst_ns[me] / 1000);
	else
		test_note("%d short sleeps, harts idle, behind a long sleeper; longest %ld us",
			  WATCHED_SLEEPS, worst_ns[me] / 1000);
}

static void behind_a_long_sleeper(void)
{
	unsigned long online = 0;
	syscall3(SYS_sched_getaffinity, 0, sizeof online, (long)&online);
	thread_t sleepy, watched;
	CHECK_EQ(thread_spawn(&sleepy, long_sleeper, 0), 0, "long sleeper starts");
	CHECK(wait_thread_state(sleepy.tid, THREAD_INFO_BLOCKED), "long sleeper is asleep");
	pin_to_harts(1);
	unsigned long other = online & ~1UL ? online & ~1UL : 1;
	CHECK_EQ(thread_spawn(&watched, watched_sleeper, (void *)other), 0, "short sleeper starts");
	long longest = 0;
	while (!__atomic_load_n(&watched_done, __ATOMIC_ACQUIRE)) {
		long start = __atomic_load_n(&watched_start, __ATOMIC_ACQUIRE);
		long took = start ? time_ns() - start : 0;
		if (took > longest)
			longest = took;
		if (took >= LIMIT_NS) {
			CHECK(0, "with a 60 s sleeper queued, no short sleep takes 500 ms or more");
			test_note("a short sleep has lasted %ld ms: a lost wakeup (the timer armed "
				  "for a later sleeper than the earliest?)", took / 1000000);
			exit(test_done());
		}
		sched_yield();
	}
	CHECK_EQ(thread_wait(watched), 0, "short sleeper ends");
	CHECK(1, "with a 60 s sleeper queued, no short sleep takes 500 ms or more");
	test_note("%d short sleeps behind a long sleeper; longest %ld us", WATCHED_SLEEPS,
		  longest / 1000);
	all_harts_idle_behind_a_long_sleeper();
}

int main(int argc, char **argv)
{
	sleeps = arg_long(argc, argv, 1, sleeps);
	long threads = arg_long(argc, argv, 2, 2);
	if (threads < 1 || threads > MAX_THREADS || sleeps < 1) {
		printf("Bail out! usage: s_sleep_latency [sleeps_per_thread [threads 1..8]]\n");
		return 2;
	}
	TEST_PLAN();
	unsigned long mask = 0;
	syscall3(SYS_sched_getaffinity, 0, sizeof mask, (long)&mask);
	for (; mask & 1; mask >>= 1)
		online_harts++;
	thread_t t[MAX_THREADS];
	for (long i = 0; i < threads; i++)
		CHECK_EQ(thread_spawn(&t[i], sleeper, (void *)i), 0, "sleeper thread starts");
	for (long i = 0; i < threads; i++)
		CHECK_EQ(thread_wait(t[i]), 0, "sleeper thread ends normally");
	long worst = 0, asked = 0, over = 0, errs = 0;
	for (long i = 0; i < threads; i++) {
		if (worst_ns[i] > worst) {
			worst = worst_ns[i];
			asked = worst_asked[i];
		}
		over += over_limit[i];
		errs += errors[i];
	}
	CHECK_EQ(errs, 0, "every nanosleep returns 0");
	CHECK(over == 0, "no sleep of 10 us .. 3 ms takes 500 ms or more");
	if (over)
		test_note("%ld of %ld threads had one; the longest, asked %ld us, took %ld us: "
			  "a lost wakeup left the sleeper waiting for the idle heartbeat",
			  over, threads, asked / 1000, worst / 1000);
	test_note("%ld threads x %ld sleeps; longest took %ld us (asked %ld us)",
		  threads, sleeps, worst / 1000, asked / 1000);
	behind_a_long_sleeper();
	return test_done();
}
