/* s_bounded_buffer: producers and consumers around a ring of SLOTS items,
 * synchronised only by semaphores: `empty` counts free slots, `full` counts
 * filled ones, and `guard` (count 1) makes the ring indices a critical
 * section. Every item carries (producer, sequence number); at the end every
 * item was consumed exactly once, per-producer order is kept by each
 * consumer, and the sums of what went in and came out agree.
 *
 * usage: s_bounded_buffer [ITEMS_PER_PRODUCER] */
#include <stdio.h>
#include <sync.h>
#include <test.h>
#include <thread.h>
#include "testutil.h"

#define PRODUCERS 4
#define CONSUMERS 4
#define SLOTS     8
#define MAX_ITEMS 20000

static semaphore_t empty, full, guard;
static unsigned long ring[SLOTS];
static unsigned in_pos, out_pos;          /* guard */
static long items_each;                   /* per producer */
static int seen[PRODUCERS][MAX_ITEMS];
static unsigned long sum_in, sum_out;
static long consumed_total;
static long sem_errors;
static long order_errors;                 /* a consumer saw a producer go back */
static long duplicates;

static long producer(void *arg)
{
	long me = (long)arg;
	unsigned long sum = 0;
	for (long i = 0; i < items_each; i++) {
		unsigned long v = item_value(me, i);
		count_failure(&sem_errors, semaphore_wait(&empty));
		count_failure(&sem_errors, semaphore_wait(&guard));
		ring[in_pos] = v;
		in_pos = (in_pos + 1) % SLOTS;
		count_failure(&sem_errors, semaphore_post(&guard));
		count_failure(&sem_errors, semaphore_post(&full));
		sum += v * 2654435761UL;
	}
	__atomic_add_fetch(&sum_in, sum, __ATOMIC_RELAXED);
	return 0;
}

static long consumer(void *arg)
{
	long share = (long)arg;     /* how many items this consumer takes */
	long last_seq[PRODUCERS];
	for (int p = 0; p < PRODUCERS; p++)
		last_seq[p] = -1;
	unsigned long sum = 0;
	for (long i = 0; i < share; i++) {
		count_failure(&sem_errors, semaphore_wait(&full));
		count_failure(&sem_errors, semaphore_wait(&guard));
		unsigned long v = ring[out_pos];
		out_pos = (out_pos + 1) % SLOTS;
		count_failure(&sem_errors, semaphore_post(&guard));
		count_failure(&sem_errors, semaphore_post(&empty));
		long p = (long)(v >> 32), seq = (long)(v & 0xffffffffUL);
		if (p < 0 || p >= PRODUCERS || seq >= items_each) {
			__atomic_add_fetch(&duplicates, 1, __ATOMIC_RELAXED);
			continue;
		}
		/* One producer's items enter the ring in order and the ring is
		 * FIFO, so any one consumer sees them in increasing order. */
		if (seq <= last_seq[p])
			__atomic_add_fetch(&order_errors, 1, __ATOMIC_RELAXED);
		last_seq[p] = seq;
		if (__atomic_exchange_n(&seen[p][seq], 1, __ATOMIC_RELAXED))
			__atomic_add_fetch(&duplicates, 1, __ATOMIC_RELAXED);
		sum += v * 2654435761UL;
		__atomic_add_fetch(&consumed_total, 1, __ATOMIC_RELAXED);
	}
	__atomic_add_fetch(&sum_out, sum, __ATOMIC_RELAXED);
	return 0;
}

int main(int argc, char **argv)
{
	items_each = arg_long(argc, argv, 1, 1500);
	if (items_each > MAX_ITEMS || items_each * PRODUCERS % CONSUMERS) {
		printf("Bail out! ITEMS_PER_PRODUCER must be <= %d and split evenly\n", MAX_ITEMS);
		return 2;
	}
	TEST_PLAN();
	CHECK_EQ(semaphore_init(&empty, SLOTS), 0, "empty semaphore created");
	CHECK_EQ(semaphore_init(&full, 0), 0, "full semaphore created");
	CHECK_EQ(semaphore_init(&guard, 1), 0, "guard semaphore created");

	thread_t t[PRODUCERS + CONSUMERS];
	int started = 0;
	long share = items_each * PRODUCERS / CONSUMERS;
	/* Consumers first, so they block on `full` before anything exists. */
	for (int i = 0; i < CONSUMERS; i++)
		started += thread_spawn(&t[i], consumer, (void *)share) == 0;
	for (int i = 0; i < PRODUCERS; i++)
		started += thread_spawn(&t[CONSUMERS + i], producer, (void *)(long)i) == 0;
	if (!CHECK_EQ(started, PRODUCERS + CONSUMERS, "all producers and consumers start"))
		return test_done();
	int codes_ok = 1;
	for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
		codes_ok &= thread_wait(t[i]) == 0;
	CHECK(codes_ok, "every producer and consumer returned 0");

	long missing = 0;
	for (int p = 0; p < PRODUCERS; p++)
		for (long s = 0; s < items_each; s++)
			missing += !seen[p][s];
	CHECK_EQ(consumed_total, PRODUCERS * items_each, "items consumed = items produced");
	CHECK_EQ(missing, 0, "no item lost");
	CHECK_EQ(duplicates, 0, "no item consumed twice or corrupted");
	CHECK_EQ(order_errors, 0, "each consumer saw each producer's items in order");
	CHECK(sum_in == sum_out, "checksum of consumed items equals produced (0x%lx, 0x%lx)",
	      sum_in, sum_out);
	CHECK_EQ(sem_errors, 0, "every semaphore call returned 0");
	/* Drained: the ring is back to SLOTS empty and 0 full. */
	CHECK_EQ(in_pos, out_pos, "ring indices meet");
	return test_done();
}
