/* Priority-inheritance mutexes (PTHREAD_PRIO_INHERIT): glibc's FUTEX_LOCK_PI,
 * LOCK_PI2, TRYLOCK_PI and UNLOCK_PI.
 *
 * Contention among 4 threads (the count comes out exact), trylock, the
 * error-checking and recursive kinds, timed locks on both clocks, the
 * hand-off to a blocked waiter (the kernel writes the waiter's tid into the
 * word), a signal handler running while a thread waits in the lock (the
 * wait goes on: the lock is not lost and not taken twice), a condition
 * variable on a PI mutex, and the kernel's own answers to raw futex calls.
 *
 * Where one thread must be blocked in the kernel before another acts, the
 * actor waits until the word shows FUTEX_WAITERS, which only the kernel
 * sets; nothing here depends on how long anything takes. */
#define _GNU_SOURCE
#include "ltap.h"
#include "piword.h"
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 2000

static void pi_init(pthread_mutex_t *m, int type)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, type);
	if (pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT))
		BAIL("pthread_mutexattr_setprotocol");
	int err = pthread_mutex_init(m, &a);
	CHECK_EQ(err, 0, "pthread_mutex_init with PTHREAD_PRIO_INHERIT");
	if (err)
		BAIL("no PI mutexes");
	pthread_mutexattr_destroy(&a);
}

static long futex(unsigned *uaddr, int op, unsigned val, const struct timespec *ts)
{
	long r = syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
	return r < 0 ? -errno : r;
}

static pthread_mutex_t counted;
static long counter;
static int count_errors;

static void *count_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		if (pthread_mutex_lock(&counted))
			__atomic_fetch_add(&count_errors, 1, __ATOMIC_RELAXED);
		long c = counter;
		if (i % 8 == 0)
			sched_yield();     /* hold it a while: others queue in the kernel */
		counter = c + 1;
		if (pthread_mutex_unlock(&counted))
			__atomic_fetch_add(&count_errors, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void contention(void)
{
	pi_init(&counted, PTHREAD_MUTEX_NORMAL);
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, count_worker, NULL))
			BAIL("pthread_create");
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(count_errors, 0, "%d threads: every lock and unlock returned 0", THREADS);
	CHECK_EQ(counter, THREADS * ROUNDS, "%d threads x %d rounds: the count is exact",
		 THREADS, ROUNDS);
	CHECK_EQ(pi_word(&counted), 0, "the word is 0 once all are done");
	pthread_mutex_destroy(&counted);
}

static pthread_mutex_t held;

static void *try_held(void *arg)
{
	(void)arg;
	return (void *)(long)pthread_mutex_trylock(&held);
}

static void *unlock_held(void *arg)
{
	(void)arg;
	return (void *)(long)pthread_mutex_unlock(&held);
}

static long run(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *r;
	if (pthread_create(&t, NULL, fn, arg))
		BAIL("pthread_create");
	pthread_join(t, &r);
	return (long)r;
}

static void kinds(void)
{
	pi_init(&held, PTHREAD_MUTEX_ERRORCHECK);
	CHECK_EQ(pthread_mutex_lock(&held), 0, "errorcheck: lock");
	CHECK_EQ(pi_word(&held), (unsigned)gettid(), "the word holds the owner's tid");
	CHECK_EQ(pthread_mutex_lock(&held), EDEADLK, "errorcheck: relock is EDEADLK");
	CHECK_EQ(run(try_held, NULL), EBUSY, "trylock from another thread: EBUSY");
	CHECK_EQ(run(unlock_held, NULL), EPERM, "unlock by another thread: EPERM");
	CHECK_EQ(pthread_mutex_unlock(&held), 0, "errorcheck: unlock");
	CHECK_EQ(pthread_mutex_unlock(&held), EPERM, "errorcheck: unlock when free: EPERM");
	CHECK_EQ(run(try_held, NULL), 0, "trylock of a free mutex from another thread");
	CHECK_EQ(pi_word(&held) == 0, 0, "which then holds it (it ended holding it)");
	pthread_mutex_destroy(&held);

	pthread_mutex_t r;
	pi_init(&r, PTHREAD_MUTEX_RECURSIVE);
	CHECK_EQ(pthread_mutex_lock(&r), 0, "recursive: lock");
	CHECK_EQ(pthread_mutex_lock(&r), 0, "recursive: lock again");
	CHECK_EQ(pthread_mutex_trylock(&r), 0, "recursive: trylock");
	CHECK_EQ(pthread_mutex_unlock(&r) + pthread_mutex_unlock(&r), 0, "recursive: two unlocks");
	CHECK_EQ(pi_word(&r), (unsigned)gettid(), "still held after two of three unlocks");
	CHECK_EQ(pthread_mutex_unlock(&r), 0, "recursive: third unlock");
	CHECK_EQ(pi_word(&r), 0, "free");
	pthread_mutex_destroy(&r);
}

static struct timespec in_ms(clockid_t clock, long ms)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	ts.tv_nsec += ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

static void *timed_lock(void *arg)
{
	clockid_t clock = (clockid_t)(long)arg;
	struct timespec ts = in_ms(clock, 50);
	int r = clock == CLOCK_REALTIME ? pthread_mutex_timedlock(&held, &ts)
					: pthread_mutex_clocklock(&held, clock, &ts);
	struct timespec now;
	clock_gettime(clock, &now);
	bool late = now.tv_sec > ts.tv_sec || (now.tv_sec == ts.tv_sec && now.tv_nsec >= ts.tv_nsec);
	return (void *)(long)(r == ETIMEDOUT && !late ? -1 : r);
}

static void timeouts(void)
{
	pi_init(&held, PTHREAD_MUTEX_NORMAL);
	pthread_mutex_lock(&held);
	CHECK_EQ(run(timed_lock, (void *)(long)CLOCK_REALTIME), ETIMEDOUT,
		 "timedlock (CLOCK_REALTIME) of a held mutex: ETIMEDOUT, not before the time");
	CHECK_EQ(run(timed_lock, (void *)(long)CLOCK_MONOTONIC), ETIMEDOUT,
		 "clocklock (CLOCK_MONOTONIC, LOCK_PI2) of a held mutex: ETIMEDOUT");
	CHECK_EQ(pi_word(&held) & FUTEX_TID_MASK, (unsigned)gettid(), "the owner still holds it");
	CHECK_EQ(pthread_mutex_unlock(&held), 0, "and unlocks it");
	CHECK_EQ(run(timed_lock, (void *)(long)CLOCK_REALTIME), 0, "timedlock of a free mutex");
	pthread_mutex_destroy(&held);
}

static unsigned got_word, got_tid;
static atomic_int handled;

static void *lock_and_look(void *arg)
{
	(void)arg;
	int r = pthread_mutex_lock(&held);
	got_word = pi_word(&held);
	got_tid = (unsigned)gettid();
	if (r == 0)
		pthread_mutex_unlock(&held);
	return (void *)(long)r;
}

static void on_usr1(int sig)
{
	(void)sig;
	atomic_fetch_add(&handled, 1);
}

/* The unlock hands the lock to the waiter: the word names it (with
 * FUTEX_WAITERS, as Linux leaves it) when its lock call returns. */
static void hand_off(void)
{
	pi_init(&held, PTHREAD_MUTEX_NORMAL);
	pthread_mutex_lock(&held);
	pthread_t t;
	if (pthread_create(&t, NULL, lock_and_look, NULL))
		BAIL("pthread_create");
	pi_await_waiter(&held);
	CHECK_EQ(pthread_mutex_unlock(&held), 0, "unlock with a waiter in the kernel");
	void *r;
	pthread_join(t, &r);
	CHECK_EQ((long)r, 0, "the waiter's lock returns 0");
	CHECK_EQ(got_word & FUTEX_TID_MASK, got_tid, "the word names the waiter then");
	CHECK_EQ(got_word & ~FUTEX_TID_MASK, FUTEX_WAITERS,
		 "its word has FUTEX_WAITERS, not FUTEX_OWNER_DIED");
	CHECK_EQ(pi_word(&held), 0, "free again after its unlock");

	/* A signal with a handler (no SA_RESTART) while it waits. */
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	pthread_mutex_lock(&held);
	if (pthread_create(&t, NULL, lock_and_look, NULL))
		BAIL("pthread_create");
	pi_await_waiter(&held);
	pthread_kill(t, SIGUSR1);
	while (atomic_load(&handled) == 0)
		sched_yield();
	CHECK_EQ(pi_word(&held) & FUTEX_TID_MASK, (unsigned)gettid(),
		 "a handler ran in the waiter; the owner still holds the lock");
	CHECK_EQ(pthread_mutex_unlock(&held), 0, "unlock");
	pthread_join(t, &r);
	CHECK_EQ((long)r, 0, "the interrupted waiter's lock returns 0 (restarted, not EINTR)");
	CHECK_EQ(got_word & FUTEX_TID_MASK, got_tid, "and it owns the lock then");
	CHECK_EQ(atomic_load(&handled), 1, "the handler ran once");
	pthread_mutex_destroy(&held);
}

static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready, taken;

static void *consumer(void *arg)
{
	(void)arg;
	int err = 0;
	for (int i = 0; i < 100; i++) {
		err |= pthread_mutex_lock(&held);
		while (!ready)
			err |= pthread_cond_wait(&cond, &held);
		ready = 0;
		taken++;
		err |= pthread_cond_signal(&cond);
		err |= pthread_mutex_unlock(&held);
	}
	return (void *)(long)err;
}

static void condvar(void)
{
	pi_init(&held, PTHREAD_MUTEX_NORMAL);
	pthread_t t;
	if (pthread_create(&t, NULL, consumer, NULL))
		BAIL("pthread_create");
	int err = 0;
	for (int i = 0; i < 100; i++) {
		err |= pthread_mutex_lock(&held);
		while (ready)
			err |= pthread_cond_wait(&cond, &held);
		ready = 1;
		err |= pthread_cond_signal(&cond);
		err |= pthread_mutex_unlock(&held);
	}
	void *r;
	pthread_join(t, &r);
	CHECK_EQ(err | (long)r, 0, "condition variable on a PI mutex: no call failed");
	CHECK_EQ(taken, 100, "100 items handed over one at a time");
	pthread_mutex_destroy(&held);
}

/* Timeouts and signals racing the hand-off: every lock either returns 0
 * and is held (the count proves no two held it and none was lost) or
 * times out; a handler interrupting a wait never makes it fail. */
#define STORM_ROUNDS 500
static atomic_int storm_done;
static atomic_long storm_taken;

static void *storm_worker(void *arg)
{
	long bad = 0, taken = 0;
	for (int i = 0; i < STORM_ROUNDS; i++) {
		struct timespec ts = in_ms(CLOCK_REALTIME, 0);
		ts.tv_nsec = (ts.tv_nsec + 200000) % 1000000000;   /* 0.2 ms or in the past */
		int r = (i + (long)arg) % 2 ? pthread_mutex_lock(&counted)
					    : pthread_mutex_timedlock(&counted, &ts);
		if (r == ETIMEDOUT)
			continue;
		if (r) {
			bad++;
			continue;
		}
		taken++;
		long c = counter;
		if (i % 4 == 0)
			sched_yield();
		counter = c + 1;
		bad += pthread_mutex_unlock(&counted) != 0;
	}
	atomic_fetch_add(&storm_taken, taken);
	atomic_fetch_add(&storm_done, 1);
	return (void *)bad;
}

static void storm(void)
{
	pi_init(&counted, PTHREAD_MUTEX_NORMAL);
	counter = 0;
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, storm_worker, (void *)i))
			BAIL("pthread_create");
	for (unsigned n = 0; atomic_load(&storm_done) < THREADS; n++) {
		if (atomic_load(&storm_done) == 0)
			pthread_kill(t[n % THREADS], SIGUSR1);
		sched_yield();
	}
	long bad = 0;
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	CHECK_EQ(bad, 0, "storm: locks give 0 or ETIMEDOUT, unlocks 0, under signals");
	CHECK_EQ(counter, atomic_load(&storm_taken), "storm: the count equals the locks taken");
	CHECK_EQ(pi_word(&counted), 0, "storm: the word is 0 at the end");
	pthread_mutex_destroy(&counted);
}

static unsigned raw;

static void *raw_trylock(void *arg)
{
	(void)arg;
	return (void *)futex(&raw, FUTEX_TRYLOCK_PI, 0, NULL);
}

static void raw_calls(void)
{
	unsigned me = (unsigned)gettid();
	raw = 0;
	CHECK_EQ(futex(&raw, FUTEX_UNLOCK_PI, 0, NULL), -EPERM, "UNLOCK_PI of a free word: EPERM");
	CHECK_EQ(futex(&raw, FUTEX_TRYLOCK_PI, 0, NULL), 0, "TRYLOCK_PI of a free word");
	CHECK_EQ(raw, me, "takes it: the word is the caller's tid");
	CHECK_EQ(futex(&raw, FUTEX_LOCK_PI, 0, NULL), -EDEADLK, "LOCK_PI of a word we own: EDEADLK");
	CHECK_EQ(futex(&raw, FUTEX_TRYLOCK_PI, 0, NULL), -EDEADLK, "TRYLOCK_PI too");
	CHECK_EQ(run(raw_trylock, NULL), -EAGAIN, "TRYLOCK_PI of a word another owns: EAGAIN");
	CHECK_EQ(raw, me | FUTEX_WAITERS, "and it sets FUTEX_WAITERS, as Linux does");
	CHECK_EQ(futex(&raw, FUTEX_UNLOCK_PI, 0, NULL), 0, "UNLOCK_PI with no waiter queued");
	CHECK_EQ(raw, 0, "frees the word");
	raw = FUTEX_OWNER_DIED;
	CHECK_EQ(futex(&raw, FUTEX_LOCK_PI, 0, NULL), 0, "LOCK_PI of a free word whose owner died");
	CHECK_EQ(raw, me | FUTEX_OWNER_DIED, "keeps FUTEX_OWNER_DIED");
	raw = 0x3ffff000;
	CHECK_EQ(futex(&raw, FUTEX_LOCK_PI, 0, NULL), -ESRCH, "LOCK_PI of a word naming no thread: ESRCH");
	CHECK_EQ(futex(&raw, FUTEX_UNLOCK_PI, 0, NULL), -EPERM, "UNLOCK_PI of it: EPERM");
	struct timespec bad = { 0, 1000000000 };
	CHECK_EQ(futex(&raw, FUTEX_LOCK_PI, 0, &bad), -EINVAL, "LOCK_PI with tv_nsec 1e9: EINVAL");
	CHECK_EQ(futex(&raw, FUTEX_LOCK_PI | FUTEX_CLOCK_REALTIME, 0, NULL), -ENOSYS,
		 "LOCK_PI with FUTEX_CLOCK_REALTIME: ENOSYS");
	CHECK_EQ(futex((unsigned *)((char *)&raw + 1), FUTEX_LOCK_PI, 0, NULL), -EINVAL,
		 "LOCK_PI of a misaligned word: EINVAL");
	CHECK_EQ(futex(NULL, FUTEX_LOCK_PI, 0, NULL), -EFAULT, "LOCK_PI of NULL: EFAULT");
	raw = 0;
	struct timespec past = { 0, 0 };
	CHECK_EQ(futex(&raw, FUTEX_LOCK_PI2 | FUTEX_CLOCK_REALTIME, 0, &past), 0,
		 "LOCK_PI2 on CLOCK_REALTIME of a free word, past deadline: taken");
	CHECK_EQ(futex(&raw, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL), 0,
		 "UNLOCK_PI with FUTEX_PRIVATE_FLAG");
}

int main(void)
{
	ltap_start();
	contention();
	kinds();
	timeouts();
	hand_off();
	storm();
	condvar();
	raw_calls();
	return ltap_done();
}
