/* x_procs: PROCS processes created and reaped while their threads run.
 *
 * Up to AT_ONCE children live at a time; the parent forks a new one as soon
 * as wait4(-1) reaps one. Child i starts 3 threads and ends in one of four
 * ways (i % 4), each with an exit code the parent can predict:
 *   0  the threads compute a sum; main joins them and exits with it;
 *   1  the threads spin; main exits while they run on other harts;
 *   2  the threads block on a semaphore; main returns from main;
 *   3  main blocks; a thread ends the whole process with exit_group.
 * Every status must be exactly the predicted one.
 *
 * usage: x_procs [PROCS] [AT_ONCE] */
#include "stress.h"
#include <sync.h>
#include <thread.h>

#define THREADS_PER_CHILD 3
#define MAX_AT_ONCE 48

static long child_index;
static volatile unsigned long spin_sink;

static long work_sum(long i, long k)
{
	long s = 0;
	for (long n = 0; n < 2000; n++)
		s += (n * (i + 1) + k) % 1009;
	return s;
}

static int expected_code(long i)
{
	switch (i % 4) {
	case 0: {
		long s = 0;
		for (long k = 0; k < THREADS_PER_CHILD; k++)
			s += work_sum(i, k);
		return (int)(s % 200) + 1;
	}
	default:
		return (int)((i * 7 + i % 4) % 200) + 1;
	}
}

static long summer(void *arg)
{
	return work_sum(child_index, (long)arg);
}

static long spinner(void *arg)
{
	(void)arg;
	unsigned long n = 0;
	for (;;) {
		spin_sink += n++;
		if (n % 4096 == 0)
			sched_yield();
	}
	return 0;      /* not reached */
}

static long ender(void *arg)
{
	(void)arg;
	sched_yield();
	syscall1(SYS_exit_group, expected_code(child_index));
	return 0;
}

static int child(long i)
{
	child_index = i;
	int mode = (int)(i % 4);
	if (semaphore_init(&never, 0))
		return 250;
	thread_t t[THREADS_PER_CHILD];
	long (*fn)(void *) = mode == 0 ? summer : mode == 1 ? spinner : block_on_never;
	for (long k = 0; k < THREADS_PER_CHILD; k++) {
		long (*f)(void *) = mode == 3 && k == THREADS_PER_CHILD - 1 ? ender : fn;
		if (thread_spawn(&t[k], f, (void *)k))
			return 251;
	}
	switch (mode) {
	case 0: {
		long s = 0;
		for (int k = 0; k < THREADS_PER_CHILD; k++)
			s += thread_wait(t[k]);
		return (int)(s % 200) + 1;
	}
	case 1:
		for (int n = 0; n < 3; n++)
			sched_yield();      /* let the spinners get going */
		exit(expected_code(i));
	case 2:
		return expected_code(i);
	default:
		semaphore_wait(&never);
		return 252;
	}
}

int main(int argc, char **argv)
{
	long procs = arg_long(argc, argv, 1, 1000);
	long at_once = arg_long_in(argc, argv, 2, 16, 1, MAX_AT_ONCE, "AT_ONCE");
	TEST_PLAN();
	struct kstat before = stress_begin("x_procs");
	long pid_of[MAX_AT_ONCE], index_of[MAX_AT_ONCE];
	int live = 0;
	long started = 0, reaped = 0, right = 0, fork_errors = 0, strays = 0;
	long t0 = time_ns();
	while (reaped < procs) {
		while (live < at_once && started < procs) {
			long pid = fork();
			if (pid == 0)
				exit(child(started));
			if (pid < 0) {
				fork_errors++;
				break;
			}
			pid_of[live] = pid;
			index_of[live] = started++;
			live++;
		}
		if (live == 0)
			break;
		int status = 0;
		long pid = wait4(-1, &status, 0, 0);
		int slot = -1;
		for (int s = 0; s < live; s++)
			if (pid_of[s] == pid)
				slot = s;
		if (slot < 0) {
			strays++;
			if (pid < 0)
				break;
			continue;
		}
		long i = index_of[slot];
		int want = expected_code(i) << 8;
		if (status == want) {
			right++;
		} else if (reaped - right < 10) {
			test_note("child %ld (mode %ld): status 0x%x, expected 0x%x", i, i % 4,
				  status, want);
		}
		reaped++;
		live--;
		pid_of[slot] = pid_of[live];
		index_of[slot] = index_of[live];
	}
	test_note("%ld processes in %ld ms", reaped, (time_ns() - t0) / 1000000);
	CHECK_EQ(fork_errors, 0, "every fork succeeded");
	CHECK_EQ(strays, 0, "wait4 never returned an unknown pid or an error");
	CHECK_EQ(reaped, procs, "every child was reaped");
	CHECK_EQ(right, procs, "every child's status is exactly the predicted one");
	stress_end(&before, "x_procs");
	return test_done();
}
