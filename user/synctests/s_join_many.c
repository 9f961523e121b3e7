/* s_join_many: a thread's exit wakes every thread blocked in thread_join,
 * whichever thread each of them waits for.
 *
 * Joiners of all threads sleep on one per-process queue. (1) Four joiners
 * each join their own target, queued in order 0..3; the targets then exit
 * in reverse order, so the joiner that must wake is never the first one
 * queued: an exit that wakes only one waiter wakes the wrong one and the
 * right one sleeps on. (2) Three joiners join the same target: when it
 * exits, one reaps its exit code and the others get -1 (already reaped);
 * all three must return. A joiner still blocked 5 s after its target
 * exited fails the test with a message (the guard is a hang guard, not a
 * timing check: an honest wakeup takes microseconds).
 *
 * usage: s_join_many */
#include <stdio.h>
#include <sync.h>
#include <test.h>
#include <thread.h>
#include "testutil.h"

#define PAIRS 4
#define SAME 3

static semaphore_t release[PAIRS];
static long target_tid[PAIRS];
static long joined[PAIRS + SAME];

static long target(void *arg)
{
	long i = (long)arg;
	semaphore_wait(&release[i]);
	return 100 + i;
}

static long joiner(void *arg)
{
	long i = (long)arg;
	long who = i < PAIRS ? target_tid[i] : target_tid[0];
	joined[i] = thread_join(who);
	return 0;
}

/* Starts joiner i and waits until it is blocked, so the queue order is
 * the start order. */
static int start_joiner(long i, thread_t *t)
{
	return thread_spawn(t, joiner, (void *)i) == 0 &&
	       wait_thread_state(t->tid, THREAD_INFO_BLOCKED);
}

static void own_targets(void)
{
	thread_t tg[PAIRS], jn[PAIRS];
	for (long i = 0; i < PAIRS; i++) {
		semaphore_init(&release[i], 0);
		thread_spawn(&tg[i], target, (void *)i);
		target_tid[i] = tg[i].tid;
	}
	int started = 1;
	for (long i = 0; i < PAIRS; i++)
		started &= start_joiner(i, &jn[i]);
	if (!CHECK(started, "four joiners blocked, one per target"))
		exit(test_done());
	for (long i = PAIRS - 1; i >= 0; i--) {
		semaphore_post(&release[i]);
		if (!CHECK(wait_thread_state(jn[i].tid, THREAD_INFO_EXITED),
			   "target %ld exits: its joiner (queued %ld of 4) wakes", i, i + 1)) {
			test_note("joiner %ld still blocked 5 s after its target exited: the exit "
				  "woke only one of several joiners", i);
			exit(test_done());
		}
		CHECK_EQ(joined[i], 100 + i, "the joiner got its target's exit code");
		thread_wait(jn[i]);
	}
}

static void same_target(void)
{
	thread_t tg, jn[SAME];
	semaphore_init(&release[0], 0);
	thread_spawn(&tg, target, 0);
	target_tid[0] = tg.tid;
	int started = 1;
	for (long i = 0; i < SAME; i++)
		started &= start_joiner(PAIRS + i, &jn[i]);
	if (!CHECK(started, "three joiners blocked on one target"))
		exit(test_done());
	semaphore_post(&release[0]);
	long codes = 0, gone = 0;
	for (long i = 0; i < SAME; i++) {
		if (!CHECK(wait_thread_state(jn[i].tid, THREAD_INFO_EXITED),
			   "joiner %ld of one target wakes when it exits", i)) {
			test_note("a joiner of the same target still blocked 5 s after it exited");
			exit(test_done());
		}
		codes += joined[PAIRS + i] == 100;
		gone += joined[PAIRS + i] == -1;
		thread_wait(jn[i]);
	}
	CHECK_EQ(codes, 1, "exactly one joiner reaped the exit code");
	CHECK_EQ(gone, SAME - 1, "the others were told it is gone (-1)");
}

int main(void)
{
	TEST_PLAN();
	own_targets();
	same_target();
	return test_done();
}
