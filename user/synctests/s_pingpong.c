/* s_pingpong: 32 threads hand control back and forth through semaphores,
 * first as 16 ping/pong pairs, then as one ring that passes a single token
 * around. Every hand-over is a semaphore_up that must wake a thread blocked
 * (or about to block) in semaphore_down, usually on another hart; one lost
 * wakeup stops a pair or the whole ring, and the test hangs into its timeout.
 * Each thread counts its own hand-overs, and the counts must be exact.
 *
 * usage: s_pingpong [PAIR_ROUNDS] [RING_LAPS] */
#include <stdio.h>
#include <sync.h>
#include <test.h>
#include <thread.h>
#include <time.h>
#include "testutil.h"

#define THREADS 32
#define PAIRS   (THREADS / 2)

static long pair_rounds, ring_laps;
static semaphore_t ping[PAIRS], pong[PAIRS];
static semaphore_t ring[THREADS];
static long count[THREADS];           /* hand-overs seen by thread i */
static unsigned long token;           /* passed around the ring */
static long sem_errors;
static long token_errors;

static long pinger(void *arg)
{
	long pair = (long)arg;
	for (long r = 0; r < pair_rounds; r++) {
		count_failure(&sem_errors, semaphore_post(&ping[pair]));
		count_failure(&sem_errors, semaphore_wait(&pong[pair]));
		count[2 * pair]++;
	}
	return 0;
}

static long ponger(void *arg)
{
	long pair = (long)arg;
	for (long r = 0; r < pair_rounds; r++) {
		count_failure(&sem_errors, semaphore_wait(&ping[pair]));
		count[2 * pair + 1]++;
		count_failure(&sem_errors, semaphore_post(&pong[pair]));
	}
	return 0;
}

/* Thread i waits for the token, checks it came from i-1, passes it on. */
static long ring_member(void *arg)
{
	long me = (long)arg;
	for (long lap = 0; lap < ring_laps; lap++) {
		count_failure(&sem_errors, semaphore_wait(&ring[me]));
		unsigned long expect = (unsigned long)(lap * THREADS + me);
		if (__atomic_load_n(&token, __ATOMIC_ACQUIRE) != expect)
			__atomic_add_fetch(&token_errors, 1, __ATOMIC_RELAXED);
		count[me]++;
		__atomic_store_n(&token, expect + 1, __ATOMIC_RELEASE);
		count_failure(&sem_errors, semaphore_post(&ring[(me + 1) % THREADS]));
	}
	return me;
}

static int start_all(thread_t *t, long (*fn)(void *), long (*fn2)(void *))
{
	int started = 0;
	for (long i = 0; i < THREADS; i++) {
		long (*f)(void *) = fn2 && (i & 1) ? fn2 : fn;
		void *arg = (void *)(fn2 ? i / 2 : i);
		started += thread_spawn(&t[i], f, arg) == 0;
	}
	return started;
}

static void check_counts(long expect, const char *what)
{
	int wrong = 0;
	for (int i = 0; i < THREADS; i++) {
		if (count[i] != expect) {
			wrong++;
			test_note("%s: thread %d counted %ld", what, i, count[i]);
		}
	}
	CHECK(wrong == 0, "%s: each of %d threads counted exactly %ld hand-overs", what,
	      THREADS, expect);
}

static void pairs(void)
{
	for (int p = 0; p < PAIRS; p++)
		if (semaphore_init(&ping[p], 0) || semaphore_init(&pong[p], 0))
			sem_errors++;
	memset(count, 0, sizeof count);
	thread_t t[THREADS];
	int started = start_all(t, pinger, ponger);
	if (!CHECK_EQ(started, THREADS, "pairs: all 32 threads start"))
		exit(test_done());
	int codes_ok = 1;
	for (int i = 0; i < THREADS; i++)
		codes_ok &= thread_wait(t[i]) == 0;
	CHECK(codes_ok, "pairs: every thread returned 0");
	check_counts(pair_rounds, "pairs");
}

static void ring_of_threads(void)
{
	for (int i = 0; i < THREADS; i++)
		if (semaphore_init(&ring[i], 0))
			sem_errors++;
	memset(count, 0, sizeof count);
	token = 0;
	thread_t t[THREADS];
	int started = start_all(t, ring_member, NULL);
	if (!CHECK_EQ(started, THREADS, "ring: all 32 threads start"))
		exit(test_done());
	count_failure(&sem_errors, semaphore_post(&ring[0]));        /* the token enters at thread 0 */
	int codes_ok = 1;
	for (int i = 0; i < THREADS; i++)
		codes_ok &= thread_wait(t[i]) == i;
	CHECK(codes_ok, "ring: every thread returned its index");
	check_counts(ring_laps, "ring");
	CHECK_EQ(token, THREADS * ring_laps, "ring: the token made every hop");
	CHECK_EQ(token_errors, 0, "ring: the token always came from the previous thread");
	/* The last hop posted ring[0] once more, after thread 0 had finished. */
	CHECK_EQ(semaphore_down(ring[0].id), 0, "ring: the final hand-over to thread 0 is there");
}

int main(int argc, char **argv)
{
	pair_rounds = arg_long(argc, argv, 1, 800);
	ring_laps = arg_long(argc, argv, 2, 60);
	TEST_PLAN();
	long t0 = time_ns();
	pairs();
	long t1 = time_ns();
	ring_of_threads();
	test_note("pairs %ld ms, ring %ld ms", (t1 - t0) / 1000000, (time_ns() - t1) / 1000000);
	CHECK_EQ(sem_errors, 0, "every semaphore call returned 0");
	return test_done();
}
