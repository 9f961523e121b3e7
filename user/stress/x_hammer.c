/* x_hammer: 64 threads hammer a blocking mutex, a spinning mutex, a
 * counting semaphore and a condition-variable queue, with exact invariants:
 *   mutexes    the shared counter ends at exactly THREADS * N, and no two
 *              threads are ever inside together;
 *   semaphore  with PERMITS permits, never more than PERMITS threads inside,
 *              exactly THREADS * N entries, and all permits back at the end;
 *   condvars   32 producers and 32 consumers through a QUEUE-slot ring
 *              guarded by one mutex and two condvars (not full, not empty):
 *              every item arrives exactly once, checksums agree.
 * Everything runs in one child process; the parent checks the counts and
 * the kernel's counters.
 *
 * usage: x_hammer [ITERATIONS] */
#include "stress.h"
#include <sync.h>
#include <thread.h>

#define THREADS  64
#define PERMITS  4
#define QUEUE    16
#define PRODUCERS (THREADS / 2)

struct hammer_result {
	long mutex_count[2];      /* blocking, spinning */
	long mutex_overlaps[2];
	long sem_entries;
	long sem_max_inside;
	long sem_over;            /* entries that found PERMITS others inside */
	long permits_back;        /* downs that succeeded at the end */
	long items;
	long duplicates;
	unsigned long sum_in, sum_out;
	long call_errors;
	long thread_errors;
	long phase_ms[4];         /* blocking, spinning, semaphore, condvar */
};

static struct hammer_result *res;
static long iterations;
static mutex_t mtx;
static volatile long counter;
static int inside;
static semaphore_t permits;
static mutex_t qlock;
static condvar_t not_full, not_empty;
static unsigned long queue[QUEUE];
static int q_head, q_count;                    /* qlock */
static int *seen;                              /* PRODUCERS * iterations */

static long mutex_hammer(void *arg)
{
	int kind = (int)(long)arg;
	for (long i = 0; i < iterations; i++) {
		count_failure(&res->call_errors, mutex_acquire(&mtx));
		if (__atomic_exchange_n(&inside, 1, __ATOMIC_ACQ_REL))
			__atomic_add_fetch(&res->mutex_overlaps[kind], 1, __ATOMIC_RELAXED);
		long v = counter;
		if (i % 16 == 0)
			sched_yield();
		counter = v + 1;
		__atomic_store_n(&inside, 0, __ATOMIC_RELEASE);
		count_failure(&res->call_errors, mutex_release(&mtx));
	}
	return 0;
}

static long semaphore_hammer(void *arg)
{
	(void)arg;
	for (long i = 0; i < iterations; i++) {
		count_failure(&res->call_errors, semaphore_wait(&permits));
		int now = __atomic_add_fetch(&inside, 1, __ATOMIC_ACQ_REL);
		if (now > PERMITS)
			__atomic_add_fetch(&res->sem_over, 1, __ATOMIC_RELAXED);
		long max = __atomic_load_n(&res->sem_max_inside, __ATOMIC_RELAXED);
		while (now > max &&
		       !__atomic_compare_exchange_n(&res->sem_max_inside, &max, now, 0,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
		__atomic_add_fetch(&res->sem_entries, 1, __ATOMIC_RELAXED);
		if (i % 8 == 0)
			sched_yield();
		__atomic_sub_fetch(&inside, 1, __ATOMIC_ACQ_REL);
		count_failure(&res->call_errors, semaphore_post(&permits));
	}
	return 0;
}

static long producer(void *arg)
{
	long me = (long)arg;
	unsigned long sum = 0;
	for (long i = 0; i < iterations; i++) {
		unsigned long v = item_value(me, i);
		count_failure(&res->call_errors, mutex_acquire(&qlock));
		while (q_count == QUEUE)
			count_failure(&res->call_errors, condvar_block(&not_full, &qlock));
		queue[(q_head + q_count) % QUEUE] = v;
		q_count++;
		count_failure(&res->call_errors, condvar_notify(&not_empty));
		count_failure(&res->call_errors, mutex_release(&qlock));
		sum += v * 0x9e3779b97f4a7c15UL;
	}
	__atomic_add_fetch(&res->sum_in, sum, __ATOMIC_RELAXED);
	return 0;
}

static long consumer(void *arg)
{
	(void)arg;
	unsigned long sum = 0;
	for (long i = 0; i < iterations; i++) {
		count_failure(&res->call_errors, mutex_acquire(&qlock));
		while (q_count == 0)
			count_failure(&res->call_errors, condvar_block(&not_empty, &qlock));
		unsigned long v = queue[q_head];
		q_head = (q_head + 1) % QUEUE;
		q_count--;
		count_failure(&res->call_errors, condvar_notify(&not_full));
		count_failure(&res->call_errors, mutex_release(&qlock));
		long p = (long)(v >> 32), seq = (long)(v & 0xffffffffUL);
		if (p >= PRODUCERS || seq >= iterations ||
		    __atomic_exchange_n(&seen[p * iterations + seq], 1, __ATOMIC_RELAXED))
			__atomic_add_fetch(&res->duplicates, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&res->items, 1, __ATOMIC_RELAXED);
		sum += v * 0x9e3779b97f4a7c15UL;
	}
	__atomic_add_fetch(&res->sum_out, sum, __ATOMIC_RELAXED);
	return 0;
}

/* Starts THREADS threads (fn for the first half, fn2 or fn for the second)
 * and joins them; a failure to start or a non-zero return is counted. */
static void run_all(long (*fn)(void *), long (*fn2)(void *), long arg)
{
	thread_t t[THREADS];
	int n = 0;
	for (long i = 0; i < THREADS; i++) {
		long (*f)(void *) = fn2 && i >= THREADS / 2 ? fn2 : fn;
		void *a = (void *)(fn2 ? i % (THREADS / 2) : arg);
		if (thread_spawn(&t[n], f, a) == 0)
			n++;
		else
			res->thread_errors++;
	}
	for (int i = 0; i < n; i++)
		if (thread_wait(t[i]) != 0)
			res->thread_errors++;
}

static int hammer(void *arg, void *out)
{
	(void)arg;
	res = out;
	seen = calloc((unsigned long)(PRODUCERS * iterations), sizeof *seen);
	if (!seen)
		return 10;
	for (int kind = 0; kind < 2; kind++) {
		if (mutex_init(&mtx, kind == 0))
			return 11;
		counter = 0;
		inside = 0;
		long t0 = time_ns();
		run_all(mutex_hammer, NULL, kind);
		res->phase_ms[kind] = (time_ns() - t0) / 1000000;
		res->mutex_count[kind] = counter;
	}
	inside = 0;
	if (semaphore_init(&permits, PERMITS))
		return 12;
	long t0 = time_ns();
	run_all(semaphore_hammer, NULL, 0);
	res->phase_ms[2] = (time_ns() - t0) / 1000000;
	for (int i = 0; i < PERMITS; i++)
		res->permits_back += semaphore_wait(&permits) == 0;
	if (mutex_init(&qlock, 1) || condvar_init(&not_full) || condvar_init(&not_empty))
		return 13;
	t0 = time_ns();
	run_all(producer, consumer, 0);
	res->phase_ms[3] = (time_ns() - t0) / 1000000;
	return 0;
}

int main(int argc, char **argv)
{
	iterations = arg_long(argc, argv, 1, 2000);
	TEST_PLAN();
	struct kstat before = stress_begin("x_hammer");
	struct hammer_result r;
	int complete;
	long t0 = time_ns();
	long status = run_child_report(hammer, NULL, &r, sizeof r, &complete);
	test_note("%d threads, %ld iterations each, %ld ms", THREADS, iterations,
		  (time_ns() - t0) / 1000000);
	test_note("phases: blocking mutex %ld ms, spinning mutex %ld ms, semaphore %ld ms, "
		  "condvar queue %ld ms", r.phase_ms[0], r.phase_ms[1], r.phase_ms[2],
		  r.phase_ms[3]);
	long total = THREADS * iterations;
	CHECK_EQ(status, 0, "the hammering child exits 0");
	CHECK(complete, "the hammering child reports its counts");
	CHECK_EQ(r.thread_errors, 0, "every thread started and returned 0");
	CHECK_EQ(r.call_errors, 0, "every mutex, semaphore and condvar call returned 0");
	CHECK_EQ(r.mutex_count[0], total, "blocking mutex: counter exact");
	CHECK_EQ(r.mutex_overlaps[0], 0, "blocking mutex: never two inside");
	CHECK_EQ(r.mutex_count[1], total, "spinning mutex: counter exact");
	CHECK_EQ(r.mutex_overlaps[1], 0, "spinning mutex: never two inside");
	CHECK_EQ(r.sem_entries, total, "semaphore: every entry counted");
	CHECK_EQ(r.sem_over, 0, "semaphore: never more than 4 inside");
	CHECK(r.sem_max_inside >= 1 && r.sem_max_inside <= PERMITS,
	      "semaphore: most inside at once is 1..4 (%ld)", r.sem_max_inside);
	CHECK_EQ(r.permits_back, PERMITS, "semaphore: all 4 permits back at the end");
	CHECK_EQ(r.items, PRODUCERS * iterations, "condvar queue: every item consumed");
	CHECK_EQ(r.duplicates, 0, "condvar queue: no item twice or corrupted");
	CHECK(r.sum_in == r.sum_out, "condvar queue: checksums agree (0x%lx, 0x%lx)",
	      r.sum_in, r.sum_out);
	stress_end(&before, "x_hammer");
	return test_done();
}
