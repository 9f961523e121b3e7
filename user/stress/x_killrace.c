/* x_killrace: SIGKILL and exit racing with threads that are running,
 * blocked, sleeping, being created and exiting, on other harts.
 *
 * Children are started in batches of BATCH. Each has threads in every
 * state: spinning, blocked on a semaphore, sleeping short sleeps, creating
 * and joining threads, and creating threads that exit at once. Child i also
 * tries to end itself, depending on i % 3:
 *   0  never: its main thread blocks, only the kill ends it;
 *   1  its main thread calls exit(41) after a short while;
 *   2  one of its threads calls exit_group(42) after a short while.
 * The parent kills each child after a delay that varies with i (from
 * "at once, before it has run" to a few milliseconds). Outcomes allowed:
 *   kill returned 0       status killed-by-9, or (modes 1, 2) the child's
 *                         own exit, which may have begun first;
 *   kill returned -ESRCH  only once the child had already exited by itself:
 *                         status is its own exit code.
 * Anything else (another status, another kill result, a hang) fails.
 *
 * usage: x_killrace [CHILDREN] [BATCH] */
#include "stress.h"
#include <sync.h>
#include <thread.h>

#define MAX_BATCH 8      /* 8 children of ~51 threads stay under 512 system-wide */

static long index_i;
static volatile unsigned long sink;

static long spin_forever(void *arg)
{
	(void)arg;
	for (unsigned long n = 0;; n++)
		sink += n;
	return 0;      /* not reached */
}

static long sleep_loop(void *arg)
{
	long ms = (long)arg;
	for (;;) {
		struct timespec ts = { 0, ms * 300000L + 100000L };
		nanosleep(&ts, 0);
	}
	return 0;      /* not reached */
}

static long quick_exit(void *arg)
{
	return (long)arg;
}

static long churner(void *arg)
{
	(void)arg;
	for (long n = 0;; n++) {
		thread_t t;
		if (thread_spawn(&t, quick_exit, (void *)n) == 0)
			thread_wait(t);
		else
			sched_yield();
	}
	return 0;      /* not reached */
}

/* Creates threads that exit by themselves and are never joined: their
 * corpses wait for the process teardown. Stops short of the thread bound. */
static long exiter(void *arg)
{
	(void)arg;
	for (int n = 0; n < 40; n++) {
		thread_t t;
		thread_spawn(&t, quick_exit, (void *)(long)n);
		sched_yield();
	}
	semaphore_wait(&never);
	return 0;
}

static long group_exit_later(void *arg)
{
	(void)arg;
	pause_ms(index_i % 4);
	syscall1(SYS_exit_group, 42);
	return 0;
}

static int child(long i)
{
	index_i = i;
	if (semaphore_init(&never, 0))
		return 10;
	long (*const fns[])(void *) = {
		spin_forever, spin_forever, block_on_never, block_on_never,
		sleep_loop, sleep_loop, churner, exiter,
	};
	for (long k = 0; k < (long)(sizeof fns / sizeof fns[0]); k++) {
		thread_t t;
		if (thread_spawn(&t, fns[k], (void *)k))
			return 11;
	}
	int mode = (int)(i % 3);
	if (mode == 2) {
		thread_t t;
		if (thread_spawn(&t, group_exit_later, NULL))
			return 12;
	}
	if (mode == 1) {
		pause_ms(i % 5);
		exit(41);
	}
	semaphore_wait(&never);
	return 13;
}

struct tally {
	long killed, exited_before, exited_raced, wrong, kill_errors;
};

/* Judges one child's kill result and status, as described at the top. */
static void judge(long i, long kill_result, int status, struct tally *t)
{
	int mode = (int)(i % 3);
	int own = mode == 1 ? 41 << 8 : mode == 2 ? 42 << 8 : -1;
	if (kill_result == 0 && status == SIGKILL) {
		t->killed++;
	} else if (kill_result == 0 && status == own) {
		t->exited_raced++;
	} else if (kill_result == -ESRCH && status == own) {
		t->exited_before++;
	} else {
		t->wrong++;
		if (t->wrong <= 10)
			test_note("child %ld (mode %d): kill %ld, status 0x%x", i, mode,
				  kill_result, status);
	}
}

int main(int argc, char **argv)
{
	long children = arg_long(argc, argv, 1, 300);
	long batch = arg_long_in(argc, argv, 2, 4, 1, MAX_BATCH, "BATCH");
	TEST_PLAN();
	struct kstat before = stress_begin("x_killrace");
	struct tally t = { 0, 0, 0, 0, 0 };
	long fork_errors = 0, wait_errors = 0;
	long t0 = time_ns(), reap_ns = 0, reap_max_ns = 0;
	for (long first = 0; first < children; first += batch) {
		long pid[MAX_BATCH], kill_result[MAX_BATCH];
		long n = children - first < batch ? children - first : batch;
		for (long k = 0; k < n; k++) {
			pid[k] = fork();
			if (pid[k] == 0)
				exit(child(first + k));
			if (pid[k] < 0)
				fork_errors++;
		}
		for (long k = 0; k < n; k++) {
			long i = first + k;
			/* 0 ms (often before the child has run at all) to 6 ms, in
			 * steps of about 0.5 ms. */
			long delay_us = (i * 7919) % 13 * 500;
			if (delay_us) {
				struct timespec ts = { 0, delay_us * 1000 };
				nanosleep(&ts, 0);
			}
			kill_result[k] = pid[k] > 0 ? kill((int)pid[k], SIGKILL) : -1;
		}
		long reap_start = time_ns();
		for (long k = 0; k < n; k++) {
			if (pid[k] <= 0)
				continue;
			int status = -1;
			if (waitpid((int)pid[k], &status, 0) != pid[k]) {
				wait_errors++;
				continue;
			}
			judge(first + k, kill_result[k], status, &t);
		}
		long took = time_ns() - reap_start;
		reap_ns += took;
		reap_max_ns = took > reap_max_ns ? took : reap_max_ns;
	}
	test_note("%ld children in %ld ms: %ld killed, %ld exited first, %ld exited while "
		  "being killed", children, (time_ns() - t0) / 1000000, t.killed,
		  t.exited_before, t.exited_raced);
	test_note("from the last kill of a batch to its last reap: %ld us on average, %ld us "
		  "at most", reap_ns / ((children + batch - 1) / batch) / 1000, reap_max_ns / 1000);
	CHECK_EQ(fork_errors, 0, "every fork succeeded");
	CHECK_EQ(wait_errors, 0, "every child was reaped by waitpid");
	CHECK_EQ(t.wrong, 0, "every kill result and status is an allowed outcome");
	CHECK_EQ(t.killed + t.exited_before + t.exited_raced, children,
		 "outcomes add up to the number of children");
	stress_end(&before, "x_killrace");
	return test_done();
}
