/* pthread_cancel, deferred: a thread blocked in a cancellation point
 * (pthread_cond_wait, nanosleep) or looping on pthread_testcancel is
 * cancelled, its cleanup handlers run (cond_wait's re-taking the mutex
 * first), and pthread_join gives PTHREAD_CANCELED; with cancellation
 * disabled, the request waits until it is enabled again. */
#define _GNU_SOURCE
#include "ltap.h"
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int cleanups;
static int held_in_cleanup;
static volatile int started;

static void unlock_cleanup(void *arg)
{
	(void)arg;
	held_in_cleanup = pthread_mutex_trylock(&m) != 0;	/* still ours */
	cleanups++;
	pthread_mutex_unlock(&m);
}

static void *in_cond_wait(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	pthread_cleanup_push(unlock_cleanup, NULL);
	__atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
	for (;;)
		pthread_cond_wait(&never, &m);
	pthread_cleanup_pop(1);
	return NULL;
}

static void count_cleanup(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&cleanups, 1, __ATOMIC_SEQ_CST);
}

static void *in_sleep(void *arg)
{
	(void)arg;
	pthread_cleanup_push(count_cleanup, NULL);
	__atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		struct timespec ts = { 10, 0 };
		nanosleep(&ts, NULL);
	}
	pthread_cleanup_pop(0);
	return NULL;
}

static volatile int spin_until_enabled;

static void *in_loop(void *arg)
{
	(void)arg;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	__atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
	while (!spin_until_enabled)
		pthread_testcancel();	/* disabled: no effect */
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	for (;;)
		pthread_testcancel();
	return (void *)1;
}

/* Starts fn, waits until it runs, cancels it; the join value. */
static void *cancel_one(void *(*fn)(void *), int after_cancel)
{
	__atomic_store_n(&started, 0, __ATOMIC_SEQ_CST);
	pthread_t t;
	pthread_create(&t, NULL, fn, NULL);
	while (!__atomic_load_n(&started, __ATOMIC_SEQ_CST))
		sched_yield();
	pthread_cancel(t);
	if (after_cancel) {
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
		spin_until_enabled = 1;
	}
	void *ret = NULL;
	pthread_join(t, &ret);
	return ret;
}

int main(void)
{
	ltap_start();
	check(cancel_one(in_cond_wait, 0) == PTHREAD_CANCELED, "a thread in pthread_cond_wait is cancelled");
	CHECK_EQ(cleanups, 1, "its cleanup handler ran");
	check(held_in_cleanup, "the cleanup handler ran holding the mutex");
	CHECK_EQ(pthread_mutex_trylock(&m), 0, "the mutex is free afterwards");
	pthread_mutex_unlock(&m);
	check(cancel_one(in_sleep, 0) == PTHREAD_CANCELED, "a thread in nanosleep is cancelled");
	CHECK_EQ(cleanups, 2, "its cleanup handler ran");
	check(cancel_one(in_loop, 1) == PTHREAD_CANCELED,
	      "a request made while disabled acts once cancellation is enabled");
	return ltap_done();
}
