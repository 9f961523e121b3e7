/* s_fifo: the ready queue is first in, first out.
 *
 * Every thread here is pinned to one hart (new threads inherit the mask),
 * so exactly one queue order decides who runs. (1) Threads created one
 * after another first run in the order they were created. (2) Threads that
 * each log their number and yield, round after round, log in strict
 * rotation 0 1 2 ... n-1 0 1 2 ...: a yielding thread goes to the back. A
 * queue that runs the newest thread first shows at once: creation order
 * reversed, and one thread logging over and over. No thread here runs long
 * enough to use up a 10 ms slice, so the order is exact, unless the host
 * stops QEMU's hart for longer than a slice at the wrong moment (guest time
 * runs on meanwhile) and the timer preempts a thread. So each check gets
 * up to three attempts and passes if one of them is exact: a LIFO queue
 * fails every one.
 *
 * usage: s_fifo [THREADS [ROUNDS]]   (default 6 20) */
#include <stdio.h>
#include <test.h>
#include <thread.h>
#include "testutil.h"

#define MAX_THREADS 16
#define MAX_ROUNDS 64

static long nthreads = 6, nrounds = 20;
static int start_ticket;
static int start_order[MAX_THREADS];
static int log_pos;
static int rotation_log[MAX_THREADS * MAX_ROUNDS];

static long first_run(void *arg)
{
	start_order[__atomic_fetch_add(&start_ticket, 1, __ATOMIC_RELAXED)] = (int)(long)arg;
	return 0;
}

static long rotate(void *arg)
{
	for (long r = 0; r < nrounds; r++) {
		rotation_log[__atomic_fetch_add(&log_pos, 1, __ATOMIC_RELAXED)] = (int)(long)arg;
		sched_yield();
	}
	return 0;
}

/* Spawns nthreads threads at fn (argument: their index) and joins them. */
static void run_all(long (*fn)(void *))
{
	thread_t t[MAX_THREADS];
	for (long i = 0; i < nthreads; i++)
		thread_spawn(&t[i], fn, (void *)i);
	for (long i = 0; i < nthreads; i++)
		thread_wait(t[i]);
}

#define ATTEMPTS 3

/* attempt's result (-1: exact) from the first exact attempt, or from the
 * last of ATTEMPTS (a preempted run may be off once; a LIFO queue always). */
static long best_of_attempts(long (*attempt)(void))
{
	long wrong = -1;
	for (int a = 0; a < ATTEMPTS && (a == 0 || wrong >= 0); a++)
		wrong = attempt();
	return wrong;
}

/* First position in creation order that ran the wrong thread, or -1. */
static long creation_attempt(void)
{
	start_ticket = 0;
	run_all(first_run);
	for (long i = 0; i < nthreads; i++)
		if (start_order[i] != i)
			return i;
	return -1;
}

static void creation_order(void)
{
	long wrong = best_of_attempts(creation_attempt);
	if (!CHECK(wrong < 0, "threads first run in the order they were made ready"))
		test_note("position %ld ran thread %d; order: %d %d %d ... (a LIFO queue runs "
			  "the newest first)", wrong, start_order[wrong], start_order[0],
			  start_order[1], start_order[2]);
}

/* First log entry out of rotation, or -1 (log_pos: entries made). */
static long rotation_attempt(void)
{
	log_pos = 0;
	run_all(rotate);
	if (log_pos != nthreads * nrounds)
		return log_pos;
	for (long i = 0; i < log_pos; i++)
		if (rotation_log[i] != (int)(i % nthreads))
			return i;
	return -1;
}

static void yield_rotation(void)
{
	long wrong = best_of_attempts(rotation_attempt);
	CHECK_EQ(log_pos, nthreads * nrounds, "every thread logged every round");
	if (!CHECK(wrong < 0, "yielding threads run in strict rotation (a yield goes to the back)"))
		test_note("log entry %ld is thread %d, expected %ld; log starts %d %d %d %d",
			  wrong, rotation_log[wrong], wrong % nthreads, rotation_log[0],
			  rotation_log[1], rotation_log[2], rotation_log[3]);
}

int main(int argc, char **argv)
{
	nthreads = arg_long(argc, argv, 1, nthreads);
	nrounds = arg_long(argc, argv, 2, nrounds);
	if (nthreads < 4 || nthreads > MAX_THREADS || nrounds < 1 || nrounds > MAX_ROUNDS) {
		printf("Bail out! usage: s_fifo [THREADS 4..16 [ROUNDS 1..64]]\n");
		return 2;
	}
	TEST_PLAN();
	if (!CHECK_EQ(pin_to_harts(1), 0, "pinned to hart 0"))
		return test_done();
	creation_order();
	yield_rotation();
	return test_done();
}
