/* Typed wrappers for the kernel's mutexes, semaphores and condition
 * variables. */
#include "sync.h"

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
