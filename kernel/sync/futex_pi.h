/* Priority-inheritance futexes (Linux's FUTEX_LOCK_PI, LOCK_PI2,
 * TRYLOCK_PI, UNLOCK_PI): a lock whose 32-bit user word holds the owner's
 * Linux tid, FUTEX_WAITERS when the kernel must be told of an unlock, and
 * FUTEX_OWNER_DIED when the last owner died holding it. User space takes a
 * free lock (0 -> tid) and releases an uncontended one (tid -> 0) with a
 * compare-and-swap; the kernel queues the contenders and, at an unlock or
 * the owner's death, hands the lock to one of them by writing its tid into
 * the word, so the lock is never free while someone waits for it.
 *
 * Dakota has no real-time priorities yet, so the inheritance reduces to
 * the hand-off, oldest waiter first; futex_pi.c marks where the choice of
 * the next owner and the boost of the current one go when they come.
 *
 * Every function here wants no spinlock held by the caller. */
#ifndef KERNEL_SYNC_FUTEX_PI_H
#define KERNEL_SYNC_FUTEX_PI_H

#include <stdbool.h>
#include <stdint.h>

struct addrspace;
struct thread;

/* FUTEX_LOCK_PI(2) and, with `trylock`, FUTEX_TRYLOCK_PI on the aligned
 * word at uaddr, for the calling thread. 0 once the caller owns it (the
 * word names it; FUTEX_OWNER_DIED is kept when it was set); -EDEADLK if it
 * owns it already; -ESRCH if the word names no live thread; -EINVAL if the
 * word contradicts the kernel's waiters (or plain FUTEX_WAIT waiters are
 * on it); -EAGAIN for a trylock of a held lock; -ETIMEDOUT past `deadline`
 * (arch_time, 0: none); -EINTR for a signal or a kill (the caller makes
 * the call restart: Linux's ERESTARTNOINTR); -EFAULT unless the word is
 * writable user memory. A waiter that a timeout or signal wakes just as it
 * is handed the lock keeps it and returns 0. */
long futex_lock_pi(struct addrspace *as, unsigned long uaddr, unsigned long deadline,
		   bool shared, bool trylock);
/* FUTEX_UNLOCK_PI: the caller, whose tid the word holds, gives the lock to
 * the next waiter (the word gets its tid | FUTEX_WAITERS) or frees it (0).
 * -EPERM if the word does not name the caller; -EINVAL if plain waiters
 * are on it; -EFAULT. */
long futex_unlock_pi(struct addrspace *as, unsigned long uaddr, bool shared);

/* t (the calling thread) is ending, its robust list walked: every PI futex
 * the kernel holds for it goes to its next waiter, the word marked
 * FUTEX_OWNER_DIED, and from now on nobody may wait for t. */
void futex_pi_exit(struct thread *t);
/* t has a new image after an exec (futex_pi_exit ran for the old one): it
 * may own PI futexes again. */
void futex_pi_exec(struct thread *t);

#endif
