/* pthread basics: create and join with return values, detached threads,
 * pthread_self/equal, pthread_once from many threads, __thread variables
 * private to each thread, and keys whose destructors run at thread exit. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <semaphore.h>
#include <stdint.h>
#include <unistd.h>

#define NTHREADS 8

static __thread long tls_value = 42;
static __thread char tls_zero[64];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_calls;
static pthread_key_t key;
static int destructor_calls;
static long destructor_sum;
static pthread_mutex_t destructor_lock = PTHREAD_MUTEX_INITIALIZER;

static void once_init(void)
{
	__atomic_add_fetch(&once_calls, 1, __ATOMIC_RELAXED);
}

static void key_destructor(void *value)
{
	pthread_mutex_lock(&destructor_lock);
	destructor_calls++;
	destructor_sum += (long)(intptr_t)value;
	pthread_mutex_unlock(&destructor_lock);
}

/* Each thread: TLS starts from its initial image, takes a private value,
 * and the thread returns whether all of that held, plus its index. */
static void *worker(void *arg)
{
	long i = (long)(intptr_t)arg;
	int ok = tls_value == 42;
	for (unsigned k = 0; k < sizeof tls_zero; k++)
		ok &= tls_zero[k] == 0;
	tls_value = 1000 + i;
	memset(tls_zero, (int)i + 1, sizeof tls_zero);
	pthread_once(&once, once_init);
	pthread_setspecific(key, (void *)(intptr_t)(i + 1));
	sched_yield();
	ok &= tls_value == 1000 + i && tls_zero[63] == (char)(i + 1);
	ok &= pthread_getspecific(key) == (void *)(intptr_t)(i + 1);
	return (void *)(intptr_t)(ok ? 100 + i : -1);
}

static sem_t detached_done;
static pthread_t detached_self;

static void *detached_worker(void *arg)
{
	(void)arg;
	detached_self = pthread_self();
	sem_post(&detached_done);
	return NULL;
}

static void test_create_join(void)
{
	pthread_t t[NTHREADS];
	int created = 0;
	for (long i = 0; i < NTHREADS; i++)
		created += pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0;
	CHECK_EQ(created, NTHREADS, "pthread_create starts %d threads", NTHREADS);
	int right = 0;
	for (long i = 0; i < NTHREADS; i++) {
		void *ret = NULL;
		if (pthread_join(t[i], &ret) == 0 && ret == (void *)(intptr_t)(100 + i))
			right++;
	}
	CHECK_EQ(right, NTHREADS, "pthread_join returns each thread's value; its TLS and key were private");
	CHECK_EQ(tls_value, 42, "the main thread's __thread variable is untouched");
	CHECK_EQ(once_calls, 1, "pthread_once ran its routine exactly once");
	CHECK_EQ(destructor_calls, NTHREADS, "a key destructor ran once per exiting thread");
	CHECK_EQ(destructor_sum, NTHREADS * (NTHREADS + 1) / 2, "each destructor got its thread's value");
}

static void test_detach(void)
{
	sem_init(&detached_done, 0, 0);
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	CHECK_EQ(pthread_create(&t, &attr, detached_worker, NULL), 0,
		 "pthread_create of a detached thread");
	pthread_attr_destroy(&attr);
	sem_wait(&detached_done);
	check(pthread_equal(detached_self, t), "the detached thread's pthread_self equals its handle");
	check(!pthread_equal(pthread_self(), t), "pthread_equal tells two threads apart");

	pthread_t u;
	pthread_create(&u, NULL, detached_worker, NULL);
	CHECK_EQ(pthread_detach(u), 0, "pthread_detach of a running thread");
	sem_wait(&detached_done);
	/* The detached threads may still be finishing when main returns:
	 * exit_group ends them with the process. */
}

int main(void)
{
	ltap_start();
	if (pthread_key_create(&key, key_destructor))
		BAIL("pthread_key_create failed");
	test_create_join();
	test_detach();
	CHECK_EQ(pthread_key_delete(key), 0, "pthread_key_delete");
	return ltap_done();
}
