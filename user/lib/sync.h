/* Dakota user library: typed wrappers for the kernel's synchronisation
 * objects, and a user-space spinlock. The wrappers return 0 or a negative
 * errno; *_init stores the kernel's id in the struct. */
#ifndef USER_SYNC_H
#define USER_SYNC_H

#include "syscall.h"

typedef struct {
	long id;
} mutex_t;

typedef struct {
	long id;
} semaphore_t;

typedef struct {
	long id;
} condvar_t;

/* blocking != 0: waiters sleep in the kernel; 0: they spin and yield. */
long mutex_init(mutex_t *m, int blocking);
long mutex_acquire(mutex_t *m);
long mutex_release(mutex_t *m);

long semaphore_init(semaphore_t *s, int count);
long semaphore_wait(semaphore_t *s);     /* down */
long semaphore_post(semaphore_t *s);     /* up */

long condvar_init(condvar_t *cv);
long condvar_notify(condvar_t *cv);      /* wakes one waiter */
/* Atomically releases m and waits; holds m again on return. */
long condvar_block(condvar_t *cv, mutex_t *m);

/* A spinlock in user memory that yields the hart while contended. Zero is
 * unlocked, so a static spinlock_t needs no initialiser. */
typedef struct {
	int locked;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			sched_yield();
	}
}

static inline int spin_trylock(spinlock_t *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
