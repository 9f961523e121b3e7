/* Typed wrappers for the kernel's mutexes, semaphores and condition
 * variables, and the slow paths of the fast mutexes (fmutex.h). */
#include "sync.h"
#include "fmutex.h"

/* What every *_init does with the create call's result: a negative errno
 * goes back to the caller, an id is kept in the object. */
static long keep_id(long id, long *slot)
{
	if (id < 0)
		return id;
	*slot = id;
	return 0;
}

/* long name(T *obj): the kernel call `call` on the object's id. */
#define ON_ID(name, T, call) \
	long name(T *obj) { return call(obj->id); }

long mutex_init(mutex_t *m, int blocking)
{
	return keep_id(mutex_create(blocking), &m->id);
}

ON_ID(mutex_acquire, mutex_t, mutex_lock)
ON_ID(mutex_release, mutex_t, mutex_unlock)

long semaphore_init(semaphore_t *s, int count)
{
	return keep_id(semaphore_create(count), &s->id);
}

ON_ID(semaphore_wait, semaphore_t, semaphore_down)
ON_ID(semaphore_post, semaphore_t, semaphore_up)

long condvar_init(condvar_t *cv)
{
	return keep_id(condvar_create(), &cv->id);
}

ON_ID(condvar_notify, condvar_t, condvar_signal)

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
