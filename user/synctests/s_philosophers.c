/* s_philosophers: five dining philosophers, one mutex per fork, each
 * philosopher picking up the lower-numbered fork first (so there is no cycle
 * of waiting and no deadlock). Each eats MEALS times; every meal is counted
 * and every fork is checked to have exactly one user while in use.
 * Run with blocking mutexes, then with spinning ones.
 *
 * usage: s_philosophers [MEALS] */
#include <stdio.h>
#include <sync.h>
#include <test.h>
#include <thread.h>
#include "testutil.h"

#define PHILOSOPHERS 5

static mutex_t forks[PHILOSOPHERS];
static int fork_user[PHILOSOPHERS];      /* -1 on the table, else the philosopher */
static long meals[PHILOSOPHERS];
static long fork_conflicts;              /* a fork found in someone else's hand */
static long lock_errors;
static long meals_each;

static void take(int f, int who)
{
	if (mutex_acquire(&forks[f]))
		__atomic_add_fetch(&lock_errors, 1, __ATOMIC_RELAXED);
	int was = __atomic_exchange_n(&fork_user[f], who, __ATOMIC_ACQ_REL);
	if (was != -1)
		__atomic_add_fetch(&fork_conflicts, 1, __ATOMIC_RELAXED);
}

static void put(int f, int who)
{
	int was = __atomic_exchange_n(&fork_user[f], -1, __ATOMIC_ACQ_REL);
	if (was != who)
		__atomic_add_fetch(&fork_conflicts, 1, __ATOMIC_RELAXED);
	if (mutex_release(&forks[f]))
		__atomic_add_fetch(&lock_errors, 1, __ATOMIC_RELAXED);
}

static long philosopher(void *arg)
{
	int me = (int)(long)arg;
	int left = me, right = (me + 1) % PHILOSOPHERS;
	int first = left < right ? left : right;
	int second = left < right ? right : left;
	unsigned long rng = 0x1234567UL + (unsigned long)me;
	for (long i = 0; i < meals_each; i++) {
		take(first, me);
		take(second, me);
		meals[me]++;            /* only this philosopher writes it */
		if (rng_below(&rng, 4) == 0)
			sched_yield();  /* eat slowly now and then: neighbours wait */
		put(second, me);
		put(first, me);
		if (rng_below(&rng, 4) == 0)
			sched_yield();  /* think */
	}
	return me + 100;
}

static void dinner(int blocking)
{
	const char *kind = blocking ? "blocking" : "spinning";
	fork_conflicts = 0;
	lock_errors = 0;
	for (int i = 0; i < PHILOSOPHERS; i++) {
		meals[i] = 0;
		fork_user[i] = -1;
		if (!CHECK_EQ(mutex_init(&forks[i], blocking), 0, "fork mutex created"))
			return;
	}
	thread_t t[PHILOSOPHERS];
	int started = 0;
	for (int i = 0; i < PHILOSOPHERS; i++)
		if (thread_spawn(&t[i], philosopher, (void *)(long)i) == 0)
			started++;
	if (!CHECK_EQ(started, PHILOSOPHERS, "all philosophers sit down"))
		exit(test_done());      /* the table would deadlock without them */
	int codes_ok = 1;
	for (int i = 0; i < PHILOSOPHERS; i++)
		codes_ok &= thread_wait(t[i]) == i + 100;
	CHECK(codes_ok, "%s: every philosopher finished with its own exit code", kind);
	long total = 0;
	int each_ok = 1;
	for (int i = 0; i < PHILOSOPHERS; i++) {
		total += meals[i];
		if (meals[i] != meals_each) {
			each_ok = 0;
			test_note("philosopher %d ate %ld times", i, meals[i]);
		}
	}
	CHECK(each_ok, "%s: each philosopher ate exactly %ld meals", kind, meals_each);
	CHECK_EQ(total, PHILOSOPHERS * meals_each, "meals in total");
	CHECK_EQ(fork_conflicts, 0, "no fork ever held by two philosophers");
	CHECK_EQ(lock_errors, 0, "every lock and unlock returned 0");
}

int main(int argc, char **argv)
{
	meals_each = arg_long(argc, argv, 1, 300);
	TEST_PLAN();
	dinner(1);
	dinner(0);
	return test_done();
}
