/* s_wake_idle: making a thread ready wakes an idle hart that may run it.
 *
 * Two threads pinned to different harts hand a token back and forth with
 * two semaphores, so at every hand-over the receiver's hart is idle in wfi
 * and only an IPI from the waker's push can start it at once. A push that
 * forgets the IPI leaves the receiver queued until its hart's next timer
 * interrupt, the one-second idle heartbeat; every hand-over must instead
 * take well under 200 ms (honest ones take microseconds; 200 ms is five
 * times below the heartbeat, so host speed does not decide the result).
 * Without pinning the bug hides: the waker's own hart would take the
 * thread as soon as the waker blocks.
 *
 * usage: s_wake_idle [ROUNDS]   (default 50; needs 2 harts or more) */
#include <stdio.h>
#include <sync.h>
#include <test.h>
#include <thread.h>
#include <time.h>
#include "testutil.h"

#define LIMIT_NS 200000000L

static semaphore_t to_worker, to_main;
static long rounds = 50;

static long worker(void *arg)
{
	(void)arg;
	if (pin_to_harts(2) || current_hart() != 1)
		return 1;
	for (long i = 0; i < rounds; i++) {
		if (semaphore_wait(&to_worker) || semaphore_post(&to_main))
			return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	rounds = arg_long(argc, argv, 1, rounds);
	TEST_PLAN();
	if (!CHECK_EQ(pin_to_harts(1), 0, "main thread pinned to hart 0"))
		return test_done();
	semaphore_init(&to_worker, 0);
	semaphore_init(&to_main, 0);
	thread_t t;
	CHECK_EQ(thread_spawn(&t, worker, 0), 0, "worker (pinned to hart 1) starts");
	long worst = 0, slow_round = -1;
	for (long i = 0; i < rounds; i++) {
		long t0 = time_ns();
		semaphore_post(&to_worker);
		semaphore_wait(&to_main);
		long took = time_ns() - t0;
		if (took > worst)
			worst = took;
		if (took >= LIMIT_NS) {
			slow_round = i;
			break;
		}
	}
	if (!CHECK(slow_round < 0, "every hand-over to a thread pinned to an idle hart takes under 200 ms")) {
		test_note("round %ld took %ld ms: the idle hart was not woken by the push "
			  "(it waited for its heartbeat)", slow_round, worst / 1000000);
		return test_done();     /* the worker is still mid-protocol */
	}
	CHECK_EQ(thread_wait(t), 0, "worker ran every round on hart 1");
	test_note("%ld rounds, slowest %ld us", rounds, worst / 1000);
	return test_done();
}
