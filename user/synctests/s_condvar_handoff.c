/* s_condvar_handoff: condvar_wait releases the mutex and queues the waiter
 * as one step, so no signal falls between.
 *
 * Two threads on different harts take turns through one mutex and one
 * condition variable (wait while it is not my turn; pass the turn; signal).
 * If the mutex were released before the waiter is on the condvar's queue,
 * the other thread could pass the turn and signal in between; the signal
 * finds nobody, both threads end up waiting, and the hand-over stops. The
 * main thread watches the turn counter: no progress for 5 s (an honest
 * hand-over takes microseconds) fails the test with a message.
 *
 * usage: s_condvar_handoff [ROUNDS]   (default 2000) */
#include <stdio.h>
#include <sync.h>
#include <test.h>
#include <thread.h>
#include <time.h>
#include "testutil.h"

static mutex_t lock;
static condvar_t turn_changed;
static int turn;                /* whose turn: 0 or 1 (lock) */
static long handovers;          /* completed turns (read racily by main) */
static long rounds = 2000;
static long errors;

static long player(void *arg)
{
	int me = (int)(long)arg;
	pin_to_harts(1UL << me);     /* fails (harmlessly) at one hart */
	for (long i = 0; i < rounds; i++) {
		errors += mutex_acquire(&lock) != 0;
		while (turn != me)
			errors += condvar_block(&turn_changed, &lock) != 0;
		turn = !me;
		__atomic_add_fetch(&handovers, 1, __ATOMIC_RELAXED);
		errors += condvar_notify(&turn_changed) != 0;
		errors += mutex_release(&lock) != 0;
	}
	return 0;
}

int main(int argc, char **argv)
{
	rounds = arg_long(argc, argv, 1, rounds);
	TEST_PLAN();
	mutex_init(&lock, 1);
	condvar_init(&turn_changed);
	thread_t t[2];
	for (long i = 0; i < 2; i++)
		CHECK_EQ(thread_spawn(&t[i], player, (void *)i), 0, "player starts");
	long last = -1, since = time_ns();
	while (__atomic_load_n(&handovers, __ATOMIC_RELAXED) < 2 * rounds) {
		long now = __atomic_load_n(&handovers, __ATOMIC_RELAXED);
		if (now != last) {
			last = now;
			since = time_ns();
		} else if (time_ns() - since > 5000000000L) {
			CHECK(0, "the players keep handing the turn over");
			test_note("stuck after %ld of %ld hand-overs with both players waiting: "
				  "a signal was lost between releasing the mutex and queueing "
				  "the waiter", now, 2 * rounds);
			exit(test_done());
		}
		pause_ms(1);
	}
	for (long i = 0; i < 2; i++)
		CHECK_EQ(thread_wait(t[i]), 0, "player ends");
	CHECK_EQ(handovers, 2 * rounds, "every turn was taken");
	CHECK_EQ(errors, 0, "every mutex and condvar call returned 0");
	return test_done();
}
