/* Robust futex lists: the walk at a thread's death (see robust.h).
 *
 * The list lives in user memory and user code may have left it in any
 * state, so every read is a checked copy and the walk is bounded; the owner
 * word is updated with a compare-and-swap on the word in place (with the
 * address-space lock held, so its frame stays mapped), because waiters may
 * be setting FUTEX_WAITERS at the same moment. */
#include "kernel/proc/robust.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/mm/addrspace.h"
#include "kernel/sync/futex.h"
#include "kernel/sync/futex_pi.h"
#include <dakota/syscall.h>

/* Marks the futex at uaddr dead if `tid` owns it. A plain futex with
 * waiters gets one woken, and so does a pending lock operation on a free
 * plain word (the thread may have died between taking its waiter's wake
 * and passing it on, as Linux assumes). A PI futex (`pi`) wakes nobody
 * here: its waiters are the kernel's, and futex_pi_exit hands it on. */
static void owner_died(struct addrspace *as, unsigned long uaddr, uint32_t tid, bool pending,
		       bool pi)
{
	volatile uint32_t *w = futex_lock_word(as, uaddr);
	if (!w)
		return;
	uint32_t old = __atomic_load_n(w, __ATOMIC_RELAXED);
	bool wake = pending && !pi && old == 0;
	while ((old & FUTEX_TID_MASK) == tid) {
		uint32_t dead = (old & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (__atomic_compare_exchange_n(w, &old, dead, false, __ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED)) {
			wake = !pi && (old & FUTEX_WAITERS);
			break;
		}
	}
	spin_unlock(&as->lock);
	if (wake)
		futex_wake_addr(as, uaddr, 1);
}

/* Bit 0 of a list pointer (the head's, an entry's next, list_op_pending)
 * says that the entry it points to is a PI futex. */
static void walk_list(struct thread *t)
{
	unsigned long head = __atomic_exchange_n(&t->robust_list, 0, __ATOMIC_RELAXED);
	if (!head)
		return;
	struct addrspace *as = t->proc->as;
	uint32_t tid = (uint32_t)linux_tid_of(t);
	struct robust_list_head h;
	if (copy_from_user(as, &h, head, sizeof h))
		return;
	unsigned long pending = (unsigned long)h.list_op_pending & ~1UL;
	bool pending_pi = (unsigned long)h.list_op_pending & 1;
	unsigned long link = (unsigned long)h.list.next;
	for (int n = 0; (link & ~1UL) != head && n < ROBUST_LIST_LIMIT; n++) {
		unsigned long entry = link & ~1UL;
		bool pi = link & 1;
		if (copy_from_user(as, &link, entry, sizeof link))
			return;
		if (entry != pending)
			owner_died(as, entry + (unsigned long)h.futex_offset, tid, false, pi);
	}
	if (pending)
		owner_died(as, pending + (unsigned long)h.futex_offset, tid, true, pending_pi);
}

void robust_list_exit(struct thread *t)
{
	walk_list(t);
	futex_pi_exit(t);
}
