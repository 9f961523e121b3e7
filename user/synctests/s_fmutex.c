/* s_fmutex: 8 threads increment one shared counter under a fast mutex
 * (user/lib/fmutex.h: user-space fast path, futex slow path).
 *
 * The total is exact, no two threads are ever inside the critical section
 * together, every lock and unlock returns 0, and the word is back at 0 (free)
 * at the end. The critical section yields now and then while holding the
 * lock, so that the others pile up on it and sleep in FUTEX_WAIT: the slow
 * path and its wakeups are exercised, at one hart too. Then trylock and
 * unlock report misuse.
 *
 * usage: s_fmutex [ITERATIONS_PER_THREAD] */
#include <fmutex.h>
#include <stdio.h>
#include <test.h>
#include <thread.h>
#include <time.h>
#include "testutil.h"

#define THREADS 8

static fmutex_t lock = FMUTEX_INIT;
static struct guarded_counter counter;
static long lock_errors;      /* non-zero results from lock or unlock */
static long contended;        /* entries that found the word not free */
static long iterations;
static int ready;

static long add_locked(void *arg)
{
	(void)arg;
	start_together(&ready, THREADS);
	for (long i = 0; i < iterations; i++) {
		if (__atomic_load_n(&lock.word, __ATOMIC_RELAXED))
			__atomic_add_fetch(&contended, 1, __ATOMIC_RELAXED);
		if (count_failure(&lock_errors, fmutex_lock(&lock)))
			continue;
		guarded_increment(&counter, i, 16);
		count_failure(&lock_errors, fmutex_unlock(&lock));
	}
	return 0;
}

static void counter_case(void)
{
	thread_t t[THREADS];
	int started = 0, clean = 0;
	long t0 = time_ns();
	for (int i = 0; i < THREADS; i++)
		if (thread_spawn(&t[i], add_locked, NULL) == 0)
			started++;
	CHECK_EQ(started, THREADS, "all threads started");
	for (int i = 0; i < started; i++)
		if (thread_wait(t[i]) == 0)
			clean++;
	test_note("fmutex: %ld ms, %ld of %ld entries found it taken",
		  (time_ns() - t0) / 1000000, contended, THREADS * iterations);
	CHECK_EQ(clean, THREADS, "all threads returned 0");
	CHECK_EQ(lock_errors, 0, "every fmutex_lock and fmutex_unlock returned 0");
	CHECK_EQ(counter.overlaps, 0, "never two threads inside the critical section");
	CHECK(counter.value == THREADS * iterations, "total is exactly %ld (got %ld)",
	      THREADS * iterations, counter.value);
	CHECK(contended > 0, "the lock was contended (%ld times)", contended);
	CHECK_EQ(lock.word, 0, "the word is 0 (free, no waiters) at the end");
}

static void misuse_case(void)
{
	fmutex_t m;
	fmutex_init(&m);
	CHECK_EQ(fmutex_unlock(&m), -EPERM, "unlocking a free fmutex is -EPERM");
	CHECK_EQ(m.word, 0, "... and leaves it free");
	CHECK_EQ(fmutex_trylock(&m), 0, "trylock of a free fmutex takes it");
	CHECK_EQ(m.word, 1, "the word is 1 (locked, no waiters)");
	CHECK_EQ(fmutex_trylock(&m), -EBUSY, "trylock of a held fmutex is -EBUSY");
	CHECK_EQ(fmutex_unlock(&m), 0, "unlock succeeds");
	CHECK_EQ(fmutex_lock(&m), 0, "uncontended lock succeeds");
	CHECK_EQ(fmutex_unlock(&m), 0, "uncontended unlock succeeds");
	CHECK_EQ(m.word, 0, "the word is free again");
}

int main(int argc, char **argv)
{
	iterations = arg_long(argc, argv, 1, 2000);
	TEST_PLAN();
	counter_case();
	misuse_case();
	return test_done();
}
