/* The futex hash buckets and waiter records, shared by futex.c (wait, wake,
 * requeue) and futex_pi.c (the priority-inheritance locks): both kinds of
 * waiter sit in the same buckets, so that each operation can see (and, as
 * Linux does, refuse with -EINVAL) a waiter of the other kind on its word.
 * Nothing outside kernel/sync includes this; see futex.c for the protocol
 * and the lock order. */
#ifndef KERNEL_SYNC_FUTEX_QUEUE_H
#define KERNEL_SYNC_FUTEX_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/lib/list.h"
#include "kernel/sync/spinlock.h"
#include "kernel/sync/waitqueue.h"

struct addrspace;

struct futex_bucket {
	struct spinlock lock;     /* guards waiters and every record on it */
	struct list_node waiters; /* struct futex_waiter, oldest first */
	/* Records queued here or about to be: raised under the lock before the
	 * waiter reads its word, lowered when it leaves. A waker that reads 0
	 * after a full fence skips the lock (see futex_wake_fast). */
	_Atomic int waiting;
};

/* What waiters and wakers meet on: (address space, user address), or
 * (shm object, offset) for a shared futex in shared memory. Only compared,
 * never followed. */
struct futex_key {
	const void *obj;
	unsigned long off;
};

/* What a PI waiter adds (futex_pi.c). Guarded by the bucket lock, as the
 * rest of the record. Every PI waiter of one key agrees on owner_tid: they
 * are the kernel's state of that PI futex (Linux's pi_state), which exists
 * while one of them is queued. */
struct futex_pi_waiter {
	int tid;                  /* its Linux tid: the word's value once it owns */
	int owner_tid;            /* who the kernel holds the lock for */
	/* A mapping of the word: the one this waiter used. Valid while it is
	 * queued (its address space cannot go while it waits in the kernel). */
	struct addrspace *as;
	unsigned long uaddr;
	/* An exiting owner is handing it the lock and has dropped the bucket
	 * lock to lock the address space: it must not leave until woken. */
	bool pinned;
};

/* One sleeping thread, on its own kernel stack. Fields are guarded by the
 * lock of `bucket`, except as noted. */
struct futex_waiter {
	struct list_node link;    /* in bucket->waiters while queued */
	struct futex_key key;     /* changed by a requeue */
	uint32_t bitset;          /* wakes must share a bit with it */
	/* Set by the waker that unlinked it; for a PI waiter, by whoever made
	 * it the owner (the word names it already). */
	bool woken;
	/* Changed by a requeue under the old bucket's lock; in_transit is
	 * cleared under the new one once the record is on its list. */
	struct futex_bucket *bucket;
	bool in_transit;
	bool is_pi;               /* a FUTEX_LOCK_PI waiter: pi is valid */
	/* Its thread's real-time priority when it queued (0: SCHED_OTHER):
	 * a bucket's list is sorted by it, highest first, FIFO within one
	 * priority, so that a wake takes the highest-priority waiters, as
	 * Linux's priority-ordered futex queues do. */
	unsigned char priority;
	struct futex_pi_waiter pi;
	struct waitqueue wq;      /* holds only this waiter's thread */
};

#define FUTEX_BUCKETS 64          /* a power of two */

/* Puts w on b's list in priority order. Caller holds b->lock. */
static inline void futex_queue_insert(struct futex_bucket *b, struct futex_waiter *w)
{
	struct list_node *pos = b->waiters.prev;
	if (w->priority)
		while (pos != &b->waiters &&
		       list_entry(pos, struct futex_waiter, link)->priority < w->priority)
			pos = pos->prev;
	list_insert_between(&w->link, pos, pos->next);
}

/* The table, ready for use (set up on first call). */
struct futex_bucket *futex_buckets(void);
struct futex_bucket *futex_bucket_of(struct futex_key k);
static inline bool futex_key_eq(struct futex_key a, struct futex_key b)
{
	return a.obj == b.obj && a.off == b.off;
}
/* Returns with as->lock held and the kernel address of the user word, which
 * is mapped user memory with `access` (PERM_R, or PERM_R | PERM_W); or,
 * with no lock held, 0. With may_fault a page not yet there is brought in
 * (outside all locks: the caller holds none); without, 0 says only that it
 * is not there now. */
volatile uint32_t *futex_lock_user_word(struct addrspace *as, unsigned long uaddr,
					unsigned access, bool may_fault);
/* Called with as->lock held (the region stays): uaddr's key. */
struct futex_key futex_key_locked(struct addrspace *as, unsigned long uaddr, bool shared);

#endif
