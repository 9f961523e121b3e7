/* pthread synchronisation: mutex counting from many threads, error-checking
 * mutexes (EDEADLK, EPERM), recursive mutexes, trylock (EBUSY), barriers
 * (exactly one PTHREAD_BARRIER_SERIAL_THREAD per round), rwlocks (readers
 * together, writers alone), spinlocks, condition variables (a producer /
 * consumer hand-off and pthread_cond_timedwait timing out with ETIMEDOUT),
 * and semaphores (sem_trywait EAGAIN, sem_timedwait ETIMEDOUT). */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <semaphore.h>
#include <time.h>

#define NTHREADS 4
#define ROUNDS 2000

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_spinlock_t spin;
static long mutex_counter, spin_counter;

static void *count_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&counter_lock);
		mutex_counter++;
		pthread_mutex_unlock(&counter_lock);
		pthread_spin_lock(&spin);
		spin_counter++;
		pthread_spin_unlock(&spin);
	}
	return NULL;
}

/* Runs fn in NTHREADS threads and joins them; how many joined. */
static int run_threads(void *(*fn)(void *))
{
	pthread_t t[NTHREADS];
	int n = 0;
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, fn, (void *)i) == 0)
			n++;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return n;
}

static void test_counting(void)
{
	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	CHECK_EQ(run_threads(count_worker), NTHREADS, "counting threads ran");
	CHECK_EQ(mutex_counter, NTHREADS * ROUNDS, "mutex-protected counter is exact");
	CHECK_EQ(spin_counter, NTHREADS * ROUNDS, "spinlock-protected counter is exact");
	CHECK_EQ(pthread_spin_trylock(&spin), 0, "pthread_spin_trylock of a free spinlock");
	CHECK_EQ(pthread_spin_trylock(&spin), EBUSY, "pthread_spin_trylock of a held spinlock is EBUSY");
	pthread_spin_unlock(&spin);
	pthread_spin_destroy(&spin);
}

static pthread_mutex_t errcheck;
static int unlock_result;

static void *unlock_foreign(void *arg)
{
	(void)arg;
	unlock_result = pthread_mutex_unlock(&errcheck);
	return NULL;
}

static void test_mutex_kinds(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&errcheck, &a);
	CHECK_EQ(pthread_mutex_lock(&errcheck), 0, "error-checking mutex: lock");
	CHECK_EQ(pthread_mutex_lock(&errcheck), EDEADLK, "error-checking mutex: relock is EDEADLK");
	pthread_t t;
	pthread_create(&t, NULL, unlock_foreign, NULL);
	pthread_join(t, NULL);
	CHECK_EQ(unlock_result, EPERM, "error-checking mutex: unlock by another thread is EPERM");
	CHECK_EQ(pthread_mutex_unlock(&errcheck), 0, "error-checking mutex: unlock by the owner");
	CHECK_EQ(pthread_mutex_unlock(&errcheck), EPERM, "error-checking mutex: unlock when unlocked is EPERM");
	pthread_mutex_destroy(&errcheck);

	pthread_mutex_t rec;
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&rec, &a);
	int ok = 1;
	for (int i = 0; i < 3; i++)
		ok &= pthread_mutex_lock(&rec) == 0;
	check(ok, "recursive mutex: locked three times by its owner");
	errcheck = rec;	/* unlock_foreign works on errcheck */
	pthread_create(&t, NULL, unlock_foreign, NULL);
	pthread_join(t, NULL);
	CHECK_EQ(unlock_result, EPERM, "recursive mutex: unlock by another thread is EPERM");
	ok = 1;
	for (int i = 0; i < 3; i++)
		ok &= pthread_mutex_unlock(&rec) == 0;
	check(ok, "recursive mutex: three unlocks");
	CHECK_EQ(pthread_mutex_trylock(&rec), 0, "recursive mutex: free again after the third unlock");
	pthread_mutex_unlock(&rec);
	pthread_mutex_destroy(&rec);
	pthread_mutexattr_destroy(&a);

	pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&plain);
	CHECK_EQ(pthread_mutex_trylock(&plain), EBUSY, "pthread_mutex_trylock of a held mutex is EBUSY");
	pthread_mutex_unlock(&plain);
}

static pthread_barrier_t barrier;
static int serial_count[3];
static int arrived[3];

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (int round = 0; round < 3; round++) {
		__atomic_add_fetch(&arrived[round], 1, __ATOMIC_SEQ_CST);
		int r = pthread_barrier_wait(&barrier);
		/* Everyone of this round has arrived before anyone leaves. */
		if (__atomic_load_n(&arrived[round], __ATOMIC_SEQ_CST) != NTHREADS)
			return (void *)1;
		if (r == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&serial_count[round], 1, __ATOMIC_SEQ_CST);
		else if (r != 0)
			return (void *)1;
	}
	return NULL;
}

static void test_barrier(void)
{
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	pthread_t t[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, barrier_worker, NULL);
	int bad = 0;
	for (int i = 0; i < NTHREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += r != NULL;
	}
	CHECK_EQ(bad, 0, "barrier: nobody leaves a round before all have arrived");
	CHECK_EQ(serial_count[0] + serial_count[1] * 10 + serial_count[2] * 100, 111,
		 "barrier: one PTHREAD_BARRIER_SERIAL_THREAD per round");
	pthread_barrier_destroy(&barrier);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t readers_in;
static int rw_value;

static void *reader(void *arg)
{
	(void)arg;
	pthread_rwlock_rdlock(&rw);
	/* All readers hold the lock at once, or this barrier never opens. */
	pthread_barrier_wait(&readers_in);
	int v = rw_value;
	pthread_rwlock_unlock(&rw);
	return (void *)(long)v;
}

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_rwlock_wrlock(&rw);
		int v = rw_value;
		rw_value = v + 1;
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void test_rwlock(void)
{
	pthread_barrier_init(&readers_in, NULL, NTHREADS);
	rw_value = 7;
	CHECK_EQ(run_threads(reader), NTHREADS, "rwlock: readers hold the lock together");
	pthread_barrier_destroy(&readers_in);
	rw_value = 0;
	run_threads(writer);
	CHECK_EQ(rw_value, NTHREADS * ROUNDS, "rwlock: writers exclude each other");
	pthread_rwlock_rdlock(&rw);
	CHECK_EQ(pthread_rwlock_trywrlock(&rw), EBUSY, "rwlock: trywrlock under a reader is EBUSY");
	CHECK_EQ(pthread_rwlock_tryrdlock(&rw), 0, "rwlock: tryrdlock under a reader succeeds");
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_wrlock(&rw);
	CHECK_EQ(pthread_rwlock_tryrdlock(&rw), EBUSY, "rwlock: tryrdlock under a writer is EBUSY");
	pthread_rwlock_unlock(&rw);
}

static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cv_empty = PTHREAD_COND_INITIALIZER;
static int slot, slot_full;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= ROUNDS; i++) {
		pthread_mutex_lock(&cv_lock);
		while (slot_full)
			pthread_cond_wait(&cv_empty, &cv_lock);
		slot = i;
		slot_full = 1;
		pthread_cond_signal(&cv_full);
		pthread_mutex_unlock(&cv_lock);
	}
	return NULL;
}

static struct timespec deadline_in_ms(clockid_t clock, long ms)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	ts.tv_nsec += ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

/* Whether the clock has reached the deadline; if not, a note says by how
 * much the wait came back early. */
static int reached(clockid_t clock, const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(clock, &now);
	long long early = (deadline->tv_sec - now.tv_sec) * 1000000000LL +
			  (deadline->tv_nsec - now.tv_nsec);
	if (early > 0)
		note("returned %lld ns before the deadline", early);
	return early <= 0;
}

static void test_condvar(void)
{
	pthread_t t;
	pthread_create(&t, NULL, producer, NULL);
	long sum = 0;
	int in_order = 1;
	for (int i = 1; i <= ROUNDS; i++) {
		pthread_mutex_lock(&cv_lock);
		while (!slot_full)
			pthread_cond_wait(&cv_full, &cv_lock);
		in_order &= slot == i;
		sum += slot;
		slot_full = 0;
		pthread_cond_signal(&cv_empty);
		pthread_mutex_unlock(&cv_lock);
	}
	pthread_join(t, NULL);
	check(in_order, "condvar: every item handed over once, in order");
	CHECK_EQ(sum, (long)ROUNDS * (ROUNDS + 1) / 2, "condvar: the sum of the items");

	struct timespec deadline = deadline_in_ms(CLOCK_REALTIME, 50);
	pthread_mutex_lock(&cv_lock);
	int r = pthread_cond_timedwait(&cv_full, &cv_lock, &deadline);
	CHECK_EQ(r, ETIMEDOUT, "pthread_cond_timedwait with no signal is ETIMEDOUT");
	check(reached(CLOCK_REALTIME, &deadline), "pthread_cond_timedwait returned after its deadline");
	CHECK_EQ(pthread_mutex_trylock(&cv_lock), EBUSY, "pthread_cond_timedwait returns holding the mutex");
	pthread_mutex_unlock(&cv_lock);
}

static sem_t sem_items;

static void *sem_poster(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++)
		sem_post(&sem_items);
	return NULL;
}

static void test_semaphore(void)
{
	sem_init(&sem_items, 0, 0);
	CHECK_EQ(run_threads(sem_poster), NTHREADS, "semaphore: posting threads ran");
	int taken = 0;
	while (sem_trywait(&sem_items) == 0)
		taken++;
	CHECK_EQ(taken, NTHREADS * ROUNDS, "semaphore: every post counted once");
	CHECK_EQ(errno, EAGAIN, "sem_trywait of a zero semaphore fails with EAGAIN");
	struct timespec deadline = deadline_in_ms(CLOCK_REALTIME, 50);
	errno = 0;
	CHECK_EQ(sem_timedwait(&sem_items, &deadline), -1, "sem_timedwait with no post fails");
	CHECK_EQ(errno, ETIMEDOUT, "sem_timedwait's errno is ETIMEDOUT");
	check(reached(CLOCK_REALTIME, &deadline), "sem_timedwait returned after its deadline");
	sem_post(&sem_items);
	deadline = deadline_in_ms(CLOCK_REALTIME, 50);
	CHECK_EQ(sem_timedwait(&sem_items, &deadline), 0, "sem_timedwait of a posted semaphore succeeds");
	int v = -1;
	sem_getvalue(&sem_items, &v);
	CHECK_EQ(v, 0, "sem_getvalue after the wait");
	sem_destroy(&sem_items);
}

int main(void)
{
	ltap_start();
	test_counting();
	test_mutex_kinds();
	test_barrier();
	test_rwlock();
	test_condvar();
	test_semaphore();
	return ltap_done();
}
