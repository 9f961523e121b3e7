/* Typed wrappers for the kernel's mutexes, semaphores and condition
 * variables, and the slow paths of the fast mutexes (fmutex.h). */
#include "sync.h"
#include "fmutex.h"

long mutex_init(mutex_t *m, int blocking)
{
	long id = mutex_create(blocking);
	if (id < 0)
		return id;
	m->id = id;
	return 0;
}

long mutex_acquire(mutex_t *m)
{
	return mutex_lock(m->id);
}

long mutex_release(mutex_t *m)
{
	return mutex_unlock(m->id);
}

long semaphore_init(semaphore_t *s, int count)
{
	long id = semaphore_create(count);
	if (id < 0)
		return id;
	s->id = id;
	return 0;
}

long semaphore_wait(semaphore_t *s)
{
	return semaphore_down(s->id);
}

long semaphore_post(semaphore_t *s)
{
	return semaphore_up(s->id);
}

long condvar_init(condvar_t *cv)
{
	long id = condvar_create();
	if (id < 0)
		return id;
	cv->id = id;
	return 0;
}

long condvar_notify(condvar_t *cv)
{
	return condvar_signal(cv->id);
}

long condvar_block(condvar_t *cv, mutex_t *m)
{
	return condvar_wait(cv->id, m->id);
}

/* Fast mutexes (fmutex.h): the parts that enter the kernel. */

long fmutex_lock_slow(fmutex_t *m, uint32_t seen)
{
	/* Announce a waiter (2) before sleeping, so the holder's unlock wakes
	 * us; the exchange also takes the lock if it was freed meanwhile. */
	uint32_t c = seen == 2 ? 2 : __atomic_exchange_n(&m->word, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		/* -EAGAIN: the word changed before we slept; 0: woken. Retry. */
		long err = futex(&m->word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 2, 0);
		if (err && err != -EAGAIN)
			return err;
		c = __atomic_exchange_n(&m->word, 2, __ATOMIC_ACQUIRE);
	}
	return 0;
}

void fmutex_wake_one(fmutex_t *m)
{
	futex(&m->word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0);
}
