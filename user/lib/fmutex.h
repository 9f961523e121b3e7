/* Dakota user library: a fast mutex on a futex word (Drepper, "Futexes Are
 * Tricky", mutex #3). An uncontended lock and unlock are one atomic
 * instruction sequence each and never enter the kernel; only a thread that
 * finds the mutex held sleeps in futex(FUTEX_WAIT), and only an unlock that
 * may have sleepers calls futex(FUTEX_WAKE).
 *
 * The word: 0 free, 1 locked, 2 locked and some thread may be waiting.
 * A locker that finds it taken sets 2 before it sleeps; the unlocker
 * exchanges 0 in and wakes one waiter only if it took out a 2. A woken
 * waiter sets 2 again when it takes the lock (it cannot know whether others
 * still wait), which costs at most one needless wake.
 *
 * The mutex has no owner: unlocking it from another thread is not detected
 * (unlocking a free one is, -EPERM). It is private to a process: a fork
 * child gets its own copy of the word. Zero is unlocked, so a static
 * fmutex_t needs no initialiser. */
#ifndef USER_FMUTEX_H
#define USER_FMUTEX_H

#include <stdbool.h>
#include <stdint.h>
#include "syscall.h"

typedef struct {
	uint32_t word;        /* 0 free, 1 locked, 2 locked with (maybe) waiters */
} fmutex_t;

#define FMUTEX_INIT { 0 }

/* The slow paths (user/lib/sync.c). lock_slow: `seen` is the word's value
 * that made the fast path fail; 0 once held, -EFAULT/-EINTR otherwise. */
long fmutex_lock_slow(fmutex_t *m, uint32_t seen);
void fmutex_wake_one(fmutex_t *m);

static inline void fmutex_init(fmutex_t *m)
{
	__atomic_store_n(&m->word, 0, __ATOMIC_RELAXED);
}

/* 0 once the calling thread holds m; a negative errno if the kernel refused
 * to let it wait (the word is not writable memory, or the thread was killed). */
static inline long fmutex_lock(fmutex_t *m)
{
	uint32_t seen = 0;
	if (__atomic_compare_exchange_n(&m->word, &seen, 1, false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED))
		return 0;
	return fmutex_lock_slow(m, seen);
}

/* 0 if m was free and is now held, -EBUSY if it is held. */
static inline long fmutex_trylock(fmutex_t *m)
{
	uint32_t seen = 0;
	return __atomic_compare_exchange_n(&m->word, &seen, 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED) ? 0 : -EBUSY;
}

/* 0, or -EPERM if m was not locked (it stays free). */
static inline long fmutex_unlock(fmutex_t *m)
{
	uint32_t old = __atomic_exchange_n(&m->word, 0, __ATOMIC_RELEASE);
	if (old == 2)
		fmutex_wake_one(m);
	return old ? 0 : -EPERM;
}

#endif
