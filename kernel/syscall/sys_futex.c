/* futex(2): Linux's operations decoded onto kernel/sync/futex.c and, for
 * the priority-inheritance locks, kernel/sync/futex_pi.c.
 *
 * Supported: WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE, CMP_REQUEUE,
 * WAKE_OP, LOCK_PI, LOCK_PI2, TRYLOCK_PI, UNLOCK_PI, each with or without
 * FUTEX_PRIVATE_FLAG (which changes nothing: see futex.h);
 * FUTEX_CLOCK_REALTIME with WAIT_BITSET and LOCK_PI2. WAIT_REQUEUE_PI and
 * CMP_REQUEUE_PI are -ENOSYS, as an unknown op is on Linux (glibc 2.36's
 * condition variables do not use them). */
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/clock.h"
#include "kernel/sync/futex.h"
#include "kernel/sync/futex_pi.h"
#include "kernel/proc/process.h"
#include "kernel/signal/signal.h"
#include <dakota/syscall.h>
#include <dakota/futex.h>

/* The timeout argument of a wait: relative on CLOCK_MONOTONIC for WAIT,
 * absolute for the others: on CLOCK_REALTIME for LOCK_PI and with
 * FUTEX_CLOCK_REALTIME, else on CLOCK_MONOTONIC. Validated before anything
 * else, as Linux does. */
static long wait_deadline(struct addrspace *as, unsigned long utime, int cmd, int op,
			  unsigned long *deadline)
{
	*deadline = 0;
	if (!utime)
		return 0;
	bool realtime = (op & FUTEX_CLOCK_REALTIME) || cmd == FUTEX_LOCK_PI;
	long clock = realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	return clock_deadline_user(as, utime, clock, cmd != FUTEX_WAIT, deadline);
}

static bool aligned(unsigned long uaddr)
{
	return !(uaddr & 3);
}

/* LOCK_PI, LOCK_PI2 (absolute timeouts) and TRYLOCK_PI (none). A signal
 * never makes the lock calls fail: glibc takes any return but a few errors
 * as ownership, so the call restarts after the handler, as Linux's
 * ERESTARTNOINTR does, to the same absolute deadline. */
static long lock_pi(struct addrspace *as, unsigned long uaddr, int cmd, int op,
		    unsigned long utime)
{
	unsigned long deadline = 0;
	bool trylock = cmd == FUTEX_TRYLOCK_PI;
	if (!trylock) {
		long err = wait_deadline(as, utime, cmd, op, &deadline);
		if (err)
			return err;
	}
	if (!aligned(uaddr))
		return -EINVAL;
	long r = futex_lock_pi(as, uaddr, deadline, !(op & FUTEX_PRIVATE_FLAG), trylock);
	if (r == -EINTR)
		signal_syscall_restart_always();
	return r;
}

/* a3 is a timeout pointer for the waits and the count val2 for REQUEUE,
 * CMP_REQUEUE and WAKE_OP. */
SYSCALL_DEFINE6(futex, unsigned long, uaddr, int, op, uint32_t, val, unsigned long, utime,
		unsigned long, uaddr2, uint32_t, val3)
{
	struct addrspace *as = current_process()->as;
	int cmd = op & FUTEX_CMD_MASK;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	unsigned long deadline;
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET: {
		long err = wait_deadline(as, utime, cmd, op, &deadline);
		if (err)
			return err;
		if (!aligned(uaddr) || !val3)
			return -EINVAL;
		return futex_wait(as, uaddr, val, val3, deadline, shared);
	}
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		if (!aligned(uaddr) || !val3)
			return -EINVAL;
		return futex_wake(as, uaddr, (int)val, val3, shared);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		if (!aligned(uaddr) || !aligned(uaddr2))
			return -EINVAL;
		return futex_requeue(as, uaddr, uaddr2, (int)val, (int)utime,
				     cmd == FUTEX_CMP_REQUEUE, val3, shared);
	case FUTEX_WAKE_OP:
		if (!aligned(uaddr) || !aligned(uaddr2))
			return -EINVAL;
		return futex_wake_op(as, uaddr, uaddr2, (int)val, (int)utime, val3, shared);
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_TRYLOCK_PI:
		return lock_pi(as, uaddr, cmd, op, utime);
	case FUTEX_UNLOCK_PI:
		if (!aligned(uaddr))
			return -EINVAL;
		return futex_unlock_pi(as, uaddr, shared);
	default:
		return -ENOSYS;
	}
}
