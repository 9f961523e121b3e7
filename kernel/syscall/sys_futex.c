/* futex(2): Linux's operations decoded onto kernel/sync/futex.c.
 *
 * Supported: WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE, CMP_REQUEUE,
 * WAKE_OP, each with or without FUTEX_PRIVATE_FLAG (which changes nothing:
 * see futex.h); FUTEX_CLOCK_REALTIME with WAIT_BITSET. The PI operations
 * and FUTEX_WAIT_REQUEUE_PI are -ENOSYS, as an unknown op is on Linux. */
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/clock.h"
#include "kernel/sync/futex.h"
#include "kernel/proc/process.h"
#include <dakota/syscall.h>
#include <dakota/futex.h>

/* The timeout argument of a wait: relative on CLOCK_MONOTONIC for WAIT,
 * absolute for WAIT_BITSET on MONOTONIC or (FUTEX_CLOCK_REALTIME)
 * REALTIME. Validated before anything else, as Linux does. */
static long wait_deadline(struct addrspace *as, unsigned long utime, int cmd, int op,
			  unsigned long *deadline)
{
	*deadline = 0;
	if (!utime)
		return 0;
	long clock = op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	return clock_deadline_user(as, utime, clock, cmd == FUTEX_WAIT_BITSET, deadline);
}

static bool aligned(unsigned long uaddr)
{
	return !(uaddr & 3);
}

/* a3 is a timeout pointer for the waits and the count val2 for REQUEUE,
 * CMP_REQUEUE and WAKE_OP. */
SYSCALL_DEFINE6(futex, unsigned long, uaddr, int, op, uint32_t, val, unsigned long, utime,
		unsigned long, uaddr2, uint32_t, val3)
{
	struct addrspace *as = current_process()->as;
	int cmd = op & FUTEX_CMD_MASK;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET)
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
	default:
		return -ENOSYS;
	}
}
