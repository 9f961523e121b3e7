/* x_churn: thread create/join churn over all harts, and the per-process
 * thread bound.
 *
 * In one child process, SPAWNERS threads each create and join short-lived
 * threads (IN_FLIGHT at a time) until CYCLES create/join pairs are done in
 * total; every joined thread's exit value must be the one it was given.
 * Between segments of churn the main thread fills the process up to the
 * thread bound: exactly MAX_THREADS - 1 more threads start (128 counting the
 * main thread), the next thread_create is -EAGAIN, and all of them are
 * released and joined again.
 *
 * usage: x_churn [CYCLES] [SEGMENTS] */
#include "stress.h"
#include <sync.h>
#include <thread.h>

#define SPAWNERS     8
#define IN_FLIGHT    4
#define MAX_THREADS  128          /* per process, counting the main thread */

struct churn_result {
	long cycles;              /* create/join pairs completed */
	long create_errors;
	long wrong_values;        /* a joined thread returned something else */
	long peaks;               /* times the bound was reached exactly */
	long peak_created;        /* threads created in the last peak */
	long peak_error;          /* the refused create's result */
	long peak_wrong;          /* peak threads that returned a wrong value */
	long sem_errors;
};

static long cycles_per_spawner_segment;
static long segments;
static struct churn_result *res;

static long short_lived(void *arg)
{
	return (long)arg * 3 + 1;
}

static long spawner(void *arg)
{
	long base = (long)arg * 1000003L;
	for (long done = 0; done < cycles_per_spawner_segment; done += IN_FLIGHT) {
		thread_t t[IN_FLIGHT];
		long value[IN_FLIGHT];
		int n = 0;
		for (int k = 0; k < IN_FLIGHT; k++) {
			value[k] = base + done + k;
			if (thread_spawn(&t[n], short_lived, (void *)value[k]) == 0)
				value[n++] = value[k];
			else
				__atomic_add_fetch(&res->create_errors, 1, __ATOMIC_RELAXED);
		}
		for (int k = 0; k < n; k++) {
			if (thread_wait(t[k]) != value[k] * 3 + 1)
				__atomic_add_fetch(&res->wrong_values, 1, __ATOMIC_RELAXED);
			__atomic_add_fetch(&res->cycles, 1, __ATOMIC_RELAXED);
		}
	}
	return 0;
}

static semaphore_t gate;

static long peak_thread(void *arg)
{
	if (semaphore_wait(&gate))
		__atomic_add_fetch(&res->sem_errors, 1, __ATOMIC_RELAXED);
	return (long)arg + 7;
}

/* Fills the process to the bound, checks the refusal, releases, joins. */
static void peak(void)
{
	static thread_t t[MAX_THREADS];
	long n = 0, err = 0;
	while (n < MAX_THREADS + 8) {
		err = thread_spawn(&t[n], peak_thread, (void *)n);
		if (err)
			break;
		n++;
	}
	res->peak_created = n;
	res->peak_error = err;
	if (n == MAX_THREADS - 1 && err == -EAGAIN)
		res->peaks++;
	for (long i = 0; i < n; i++)
		if (semaphore_post(&gate))
			res->sem_errors++;
	for (long i = 0; i < n; i++)
		if (thread_wait(t[i]) != i + 7)
			res->peak_wrong++;
}

static int churn(void *arg, void *out)
{
	(void)arg;
	res = out;
	if (semaphore_init(&gate, 0))
		return 10;
	for (long s = 0; s < segments; s++) {
		thread_t t[SPAWNERS];
		int n = 0;
		for (long i = 0; i < SPAWNERS; i++)
			n += thread_spawn(&t[n], spawner, (void *)(s * SPAWNERS + i)) == 0;
		for (int i = 0; i < n; i++)
			thread_wait(t[i]);
		if (n != SPAWNERS)
			return 11;
		peak();
	}
	return 0;
}

int main(int argc, char **argv)
{
	long cycles = arg_long(argc, argv, 1, 100000);
	segments = arg_long(argc, argv, 2, 10);
	TEST_PLAN();
	struct kstat before = stress_begin("x_churn");
	long per_segment = SPAWNERS * IN_FLIGHT * segments;
	cycles_per_spawner_segment = (cycles + per_segment - 1) / per_segment * IN_FLIGHT;
	long expected = cycles_per_spawner_segment * SPAWNERS * segments;
	test_note("%ld create/join cycles by %d spawners in %ld segments, %d in flight each",
		  expected, SPAWNERS, segments, IN_FLIGHT);

	struct churn_result r;
	int complete;
	long t0 = time_ns();
	long status = run_child_report(churn, NULL, &r, sizeof r, &complete);
	test_note("churn took %ld ms", (time_ns() - t0) / 1000000);
	CHECK_EQ(status, 0, "the churning child exits 0");
	CHECK(complete, "the churning child reports its counts");
	CHECK_EQ(r.cycles, expected, "every create/join cycle completed");
	CHECK(expected >= cycles, "at least the requested %ld cycles", cycles);
	CHECK_EQ(r.create_errors, 0, "no thread_create failed during churn");
	CHECK_EQ(r.wrong_values, 0, "every joined thread returned its own value");
	CHECK_EQ(r.peak_created, MAX_THREADS - 1,
		 "the last peak started 127 threads next to the main thread");
	CHECK_EQ(r.peak_error, -EAGAIN, "the 129th thread is refused with -EAGAIN");
	CHECK_EQ(r.peaks, segments, "every segment reached the bound exactly");
	CHECK_EQ(r.peak_wrong, 0, "every peak thread returned its own value");
	CHECK_EQ(r.sem_errors, 0, "every semaphore call returned 0");
	stress_end(&before, "x_churn");
	return test_done();
}
