/* glibc's lock word of a priority-inheritance mutex, for the PI tests
 * (l_pimutex, l_pirobust): the owner's tid | FUTEX_WAITERS |
 * FUTEX_OWNER_DIED, which only the kernel and glibc write. Header-only,
 * like ltap.h. */
#ifndef LINUX_PIWORD_H
#define LINUX_PIWORD_H

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>

static inline unsigned pi_word(pthread_mutex_t *m)
{
	return __atomic_load_n((unsigned *)&m->__data.__lock, __ATOMIC_ACQUIRE);
}

/* Until some thread sleeps in the kernel on m (FUTEX_WAITERS is set only
 * by the kernel, once the waiter is queued): no timing involved. */
static inline void pi_await_waiter(pthread_mutex_t *m)
{
	while (!(pi_word(m) & FUTEX_WAITERS))
		sched_yield();
}

#endif
