/* s_barrier: a barrier built from one condition variable and one mutex,
 * used for ROUNDS rounds by 8 threads that arrive in a different order each
 * round. The kernel has only signal-one, so the last thread to arrive wakes
 * the THREADS-1 waiters with as many signals, all while holding the mutex:
 * every waiter of this round is queued on the condvar by then (condvar_wait
 * releases the mutex and queues atomically), and no thread of the next
 * round can be, so a lost or misdirected wakeup hangs the test.
 *
 * Per round, each thread counts its arrival before waiting; on leaving it
 * checks that all THREADS have arrived for that round and that nobody has
 * left the next round yet (we have not arrived there).
 *
 * usage: s_barrier [ROUNDS] */
#include <stdio.h>
#include <sync.h>
#include <test.h>
#include <thread.h>
#include "testutil.h"

#define THREADS    8
#define MAX_ROUNDS 5000

struct barrier {
	mutex_t lock;
	condvar_t cv;
	int waiting;                 /* lock */
	unsigned long generation;    /* lock: rounds completed */
};

static struct barrier bar;
static long rounds;
static int arrived[MAX_ROUNDS];      /* threads that reached round r */
static int left[MAX_ROUNDS];         /* threads that passed round r */
static long early_leaves;            /* passed round r before all arrived */
static long overtakes;               /* arrived at r+1 before all arrived at r */
static long call_errors;

static void barrier_wait(struct barrier *b)
{
	count_failure(&call_errors, mutex_acquire(&b->lock));
	unsigned long my_generation = b->generation;
	if (++b->waiting == THREADS) {
		b->waiting = 0;
		b->generation++;
		for (int i = 0; i < THREADS - 1; i++)
			count_failure(&call_errors, condvar_notify(&b->cv));
	} else {
		while (b->generation == my_generation)
			count_failure(&call_errors, condvar_block(&b->cv, &b->lock));
	}
	count_failure(&call_errors, mutex_release(&b->lock));
}

static long worker(void *arg)
{
	long me = (long)arg;
	unsigned long rng = 0xbadc0ffeeUL * (unsigned long)(me + 1);
	for (long r = 0; r < rounds; r++) {
		/* Different arrival orders: some threads dawdle. */
		for (unsigned long n = rng_below(&rng, 4); n; n--)
			sched_yield();
		/* Round r-1 must be complete: everyone arrived there before
		 * anyone could leave it, and we have left it. */
		if (r > 0 && __atomic_load_n(&arrived[r - 1], __ATOMIC_ACQUIRE) != THREADS)
			__atomic_add_fetch(&overtakes, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&arrived[r], 1, __ATOMIC_ACQ_REL);
		barrier_wait(&bar);
		if (__atomic_load_n(&arrived[r], __ATOMIC_ACQUIRE) != THREADS)
			__atomic_add_fetch(&early_leaves, 1, __ATOMIC_RELAXED);
		/* Nobody can have left round r+1 while we have not arrived there. */
		if (r + 1 < rounds && __atomic_load_n(&left[r + 1], __ATOMIC_ACQUIRE) != 0)
			__atomic_add_fetch(&early_leaves, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&left[r], 1, __ATOMIC_ACQ_REL);
	}
	return me;
}

int main(int argc, char **argv)
{
	rounds = arg_long(argc, argv, 1, 400);
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		printf("Bail out! ROUNDS must be 1..%d\n", MAX_ROUNDS);
		return 2;
	}
	TEST_PLAN();
	CHECK_EQ(mutex_init(&bar.lock, 1), 0, "barrier mutex created");
	CHECK_EQ(condvar_init(&bar.cv), 0, "barrier condvar created");
	thread_t t[THREADS];
	int started = 0;
	for (int i = 0; i < THREADS; i++)
		started += thread_spawn(&t[i], worker, (void *)(long)i) == 0;
	if (!CHECK_EQ(started, THREADS, "all threads start"))
		exit(test_done());      /* the barrier would never open */
	int codes_ok = 1;
	for (int i = 0; i < THREADS; i++)
		codes_ok &= thread_wait(t[i]) == i;
	CHECK(codes_ok, "every thread finished all rounds with its exit code");
	long wrong_rounds = 0;
	for (long r = 0; r < rounds; r++)
		wrong_rounds += arrived[r] != THREADS || left[r] != THREADS;
	CHECK_EQ(wrong_rounds, 0, "every round: 8 arrivals and 8 departures");
	CHECK_EQ(early_leaves, 0, "no thread passed a round before all 8 arrived");
	CHECK_EQ(overtakes, 0, "no thread reached a round before the previous one filled");
	CHECK_EQ(bar.generation, rounds, "the barrier opened exactly once per round");
	CHECK_EQ(call_errors, 0, "every mutex and condvar call returned 0");
	return test_done();
}
