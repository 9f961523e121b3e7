/* Futexes on the wait-queue mechanism.
 *
 * Waiters are kept in a small hash table of buckets keyed by (address space,
 * user address), or for a shared futex (no FUTEX_PRIVATE_FLAG) in a
 * MAP_SHARED region by (shm object, byte offset), so that processes mapping
 * the same pages meet as on Linux (futex_key). Each waiter puts a record on its own kernel stack into its
 * bucket's list and sleeps on the record's private wait queue; both are
 * guarded by the bucket lock. A waker takes the bucket lock, unlinks the
 * matching records, marks them woken and wakes their queues. A record is
 * never touched by a waker once unlinked, and the waiter unlinks it itself
 * (under the bucket lock) before it returns for any other reason, so a kill
 * or a timeout leaves nothing behind and nothing is allocated.
 *
 * No lost wakeup: the waiter reads the word while it holds the bucket lock
 * and stays queued until a waker holding the same lock unlinks it. A waker
 * stores the new value before it enters the kernel and takes the lock, so
 * either the waiter's read sees the new value (-EAGAIN) or the waiter was
 * already queued when the waker looked.
 *
 * Requeue without holding two bucket locks (the lock order has one level
 * for objects, so no code holds two buckets at once): the requeuer unlinks
 * the records from the first bucket under its lock, points them at the
 * second (w->bucket, w->uaddr) marked in_transit, and wakes their threads;
 * then, under the second bucket's lock, links them there and clears
 * in_transit. A woken thread that finds its record moved follows it
 * (lock_current_bucket: the bucket named by w->bucket, once in_transit is
 * clear) and sleeps again under the new lock, so each sleep's wait queue is
 * guarded by the one lock it was entered with. The cost is a brief wakeup
 * of each moved thread; the meaning is Linux's: a wake on the second word
 * made after the requeue returned finds them.
 *
 * Lock order: address-space lock, then bucket lock (level LOCK_OBJECT), then
 * what wq_sleep takes. The address-space lock keeps the word's frame mapped
 * while the word is read through the kernel's mapping of RAM; it is dropped
 * before sleeping (wq_sleep wants the bucket lock only). A page not yet
 * present is faulted in first, outside all locks.
 *
 * The buckets also hold the FUTEX_LOCK_PI waiters of futex_pi.c (the
 * structures are in futex_queue.h): wakes and requeues refuse them with
 * -EINVAL, as Linux does, since only an unlock may hand them anything. */
#include "kernel/sync/futex.h"
#include "kernel/sync/futex_queue.h"
#include "kernel/sync/waitqueue.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/shm.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>
#include <dakota/futex.h>

#define FAULT_RETRIES 4           /* a racing munmap may undo our fault-in */

static struct futex_bucket buckets[FUTEX_BUCKETS];
static _Atomic bool buckets_ready;

/* Lazily, on the first call from any hart: a static table of locks cannot be
 * initialised with SPINLOCK_INIT without spelling out every entry. */
struct futex_bucket *futex_buckets(void)
{
	static _Atomic int claimed;
	if (__atomic_load_n(&buckets_ready, __ATOMIC_ACQUIRE))
		return buckets;
	if (!__atomic_exchange_n(&claimed, 1, __ATOMIC_ACQ_REL)) {
		for (int i = 0; i < FUTEX_BUCKETS; i++) {
			spin_init(&buckets[i].lock, "futex-bucket", LOCK_OBJECT);
			list_init(&buckets[i].waiters);
		}
		__atomic_store_n(&buckets_ready, true, __ATOMIC_RELEASE);
	}
	while (!__atomic_load_n(&buckets_ready, __ATOMIC_ACQUIRE))
		arch_relax();
	return buckets;
}

struct futex_bucket *futex_bucket_of(struct futex_key k)
{
	unsigned long h = ((unsigned long)k.obj / 64) ^ (k.off / 4);
	h *= 0x9e3779b97f4a7c15UL;
	return &buckets[(h >> 58) & (FUTEX_BUCKETS - 1)];
}

volatile uint32_t *futex_lock_user_word(struct addrspace *as, unsigned long uaddr,
					unsigned access, bool may_fault)
{
	if (uaddr >= USER_TOP)
		return 0;
	for (int i = 0; i < FAULT_RETRIES; i++) {
		spin_lock(&as->lock);
		unsigned long pa = mmu_translate(as->pt, uaddr, access | PERM_U);
		if (pa)
			return (volatile uint32_t *)pa;
		spin_unlock(&as->lock);
		/* Not present (pages come on demand) or not allowed: supply it
		 * or find out that the access is a fault. */
		if (!may_fault || as_handle_fault(as, uaddr, access))
			return 0;
	}
	return 0;
}

struct futex_key futex_key_locked(struct addrspace *as, unsigned long uaddr, bool shared)
{
	unsigned long off;
	struct shm *s = shared ? as_shared_key(as, uaddr, &off) : NULL;
	return s ? (struct futex_key){ s, off } : (struct futex_key){ as, uaddr };
}

/* Linux's check of an address that is only a key: a private futex needs
 * a user address, a shared one a readable page behind it. Sets *k. */
static bool key_ok(struct addrspace *as, unsigned long uaddr, bool shared, struct futex_key *k)
{
	*k = (struct futex_key){ as, uaddr };
	if (!shared)
		return uaddr < USER_TOP;
	if (!futex_lock_user_word(as, uaddr, PERM_R, true))
		return false;
	*k = futex_key_locked(as, uaddr, true);
	spin_unlock(&as->lock);
	return true;
}

/* Locks and returns the bucket w is on, once w is settled there. */
static struct futex_bucket *lock_current_bucket(struct futex_waiter *w)
{
	for (;;) {
		struct futex_bucket *b = __atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);
		spin_lock(&b->lock);
		if (b == w->bucket && !w->in_transit)
			return b;
		spin_unlock(&b->lock);
		arch_relax();
	}
}

/* Called with w->bucket's lock held and w queued: sleeps until woken,
 * killed or past deadline (0: none), following requeues; returns with no
 * lock held and w off every list. */
static long wait_queued(struct futex_waiter *w, unsigned long deadline)
{
	struct futex_bucket *b = w->bucket;
	long ret;
	for (;;) {
		int err = deadline ? wq_sleep_until(&w->wq, &b->lock, deadline)
				   : wq_sleep(&w->wq, &b->lock);
		if (w->bucket != b) {          /* requeued meanwhile */
			spin_unlock(&b->lock);
			b = lock_current_bucket(w);
		}
		if (w->woken) {
			ret = 0;               /* counted by the waker */
			break;
		}
		if (err || (deadline && arch_time() >= deadline)) {
			list_remove(&w->link);
			ret = err ? err : -ETIMEDOUT;
			break;
		}
		/* A requeue's nudge or a spurious wakeup: still queued. */
	}
	__atomic_fetch_sub(&b->waiting, 1, __ATOMIC_RELAXED);
	spin_unlock(&b->lock);
	return ret;
}

long futex_wait(struct addrspace *as, unsigned long uaddr, uint32_t val, uint32_t bitset,
		unsigned long deadline, bool shared)
{
	futex_buckets();
	volatile uint32_t *word = futex_lock_user_word(as, uaddr, PERM_R, true);
	if (!word)
		return -EFAULT;
	struct futex_key key = futex_key_locked(as, uaddr, shared);
	struct futex_bucket *b = futex_bucket_of(key);
	spin_lock(&b->lock);
	/* Raised before the word is read, with a full barrier: a waker that
	 * stored the word and then sees waiting == 0 ran before this read. */
	__atomic_fetch_add(&b->waiting, 1, __ATOMIC_SEQ_CST);
	uint32_t now = __atomic_load_n(word, __ATOMIC_ACQUIRE);
	spin_unlock(&as->lock);
	if (now != val) {
		__atomic_fetch_sub(&b->waiting, 1, __ATOMIC_RELAXED);
		spin_unlock(&b->lock);
		return -EAGAIN;
	}
	struct futex_waiter w = {
		.key = key, .bitset = bitset, .bucket = b,
		.priority = __atomic_load_n(&current_thread()->rt_priority, __ATOMIC_RELAXED),
	};
	wq_init(&w.wq);
	futex_queue_insert(b, &w);
	return wait_queued(&w, deadline);
}

/* Caller holds b->lock and w is on b's list: w leaves it, woken. A waiter
 * already made ready by a kill or its timeout still counts: it will find
 * woken set and return 0. */
static void wake_waiter(struct futex_waiter *w)
{
	list_remove(&w->link);
	w->woken = true;
	wq_wake_one(&w->wq);
}

static bool matches(const struct futex_waiter *w, struct futex_key k)
{
	return futex_key_eq(w->key, k);
}

/* Under b->lock: wakes matching waiters, at least one and then until
 * `n` (Linux counts this way: n <= 0 wakes one). A FUTEX_LOCK_PI waiter
 * on the word ends the walk with -EINVAL, as on Linux (those woken before
 * it stay woken): only an unlock may hand it anything. */
static int wake_locked(struct futex_bucket *b, struct futex_key k, int n, uint32_t bitset)
{
	int woken = 0;
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, &b->waiters) {
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (!matches(w, k))
			continue;
		if (w->is_pi)
			return -EINVAL;
		if (!(w->bitset & bitset))
			continue;
		wake_waiter(w);
		if (++woken >= n)
			break;
	}
	return woken;
}

static int wake_key(struct futex_key k, int n, uint32_t bitset)
{
	futex_buckets();
	struct futex_bucket *b = futex_bucket_of(k);
	/* Pairs with the waiter's raise of `waiting` before its read: the
	 * caller's store to the word is ordered before this load. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&b->waiting, __ATOMIC_RELAXED))
		return 0;
	spin_lock(&b->lock);
	int woken = wake_locked(b, k, n, bitset);
	spin_unlock(&b->lock);
	return woken;
}

/* As Linux does for clear_child_tid and robust lists: a shared wake. */
int futex_wake_addr(struct addrspace *as, unsigned long uaddr, int n)
{
	spin_lock(&as->lock);
	struct futex_key k = futex_key_locked(as, uaddr, true);
	spin_unlock(&as->lock);
	int woken = wake_key(k, n, FUTEX_BITSET_MATCH_ANY);
	return woken < 0 ? 0 : woken;
}

long futex_wake(struct addrspace *as, unsigned long uaddr, int n, uint32_t bitset, bool shared)
{
	struct futex_key k;
	if (!key_ok(as, uaddr, shared, &k))
		return -EFAULT;
	return wake_key(k, n, bitset);
}

/* Under b->lock: moves up to n waiters of k to k2 in bucket b2. Into the
 * same bucket they move in place; else they go onto `moving` in transit
 * and are nudged awake (see the top of this file). -EINVAL at a PI waiter
 * (those moved before it stay moved), as on Linux. */
static int requeue_locked(struct futex_bucket *b, struct futex_key k, struct futex_bucket *b2,
			  struct futex_key k2, int n, struct list_node *moving)
{
	int moved = 0;
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, &b->waiters) {
		if (moved >= n)
			break;
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (!matches(w, k))
			continue;
		if (w->is_pi)
			return -EINVAL;
		w->key = k2;
		moved++;
		if (b2 == b)
			continue;
		list_remove(&w->link);
		__atomic_fetch_sub(&b->waiting, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&b2->waiting, 1, __ATOMIC_SEQ_CST);
		w->in_transit = true;
		__atomic_store_n(&w->bucket, b2, __ATOMIC_RELEASE);
		list_push_back(moving, &w->link);
		wq_wake_one(&w->wq);
	}
	return moved;
}

long futex_requeue(struct addrspace *as, unsigned long uaddr, unsigned long uaddr2,
		   int nr_wake, int nr_requeue, bool cmp, uint32_t val3, bool shared)
{
	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	futex_buckets();
	struct futex_key k2;
	if (!key_ok(as, uaddr2, shared, &k2))
		return -EFAULT;
	volatile uint32_t *word = futex_lock_user_word(as, uaddr, PERM_R, true);
	if (!word)
		return -EFAULT;
	struct futex_key k = futex_key_locked(as, uaddr, shared);
	struct futex_bucket *b = futex_bucket_of(k), *b2 = futex_bucket_of(k2);
	spin_lock(&b->lock);
	/* Read under b's lock, as a waiter reads it: a waiter that saw the
	 * old value is queued, one that comes later sees the new one. */
	if (cmp && __atomic_load_n(word, __ATOMIC_ACQUIRE) != val3) {
		spin_unlock(&b->lock);
		spin_unlock(&as->lock);
		return -EAGAIN;
	}
	spin_unlock(&as->lock);
	struct list_node moving;
	list_init(&moving);
	int woken = nr_wake ? wake_locked(b, k, nr_wake, FUTEX_BITSET_MATCH_ANY) : 0;
	int moved = woken < 0 ? 0 : requeue_locked(b, k, b2, k2, nr_requeue, &moving);
	spin_unlock(&b->lock);
	if (!list_empty(&moving)) {
		spin_lock(&b2->lock);
		while (!list_empty(&moving)) {
			struct futex_waiter *w = list_entry(list_pop_front(&moving),
							    struct futex_waiter, link);
			futex_queue_insert(b2, w);
			w->in_transit = false;
		}
		spin_unlock(&b2->lock);
	}
	return woken < 0 || moved < 0 ? -EINVAL : woken + moved;
}

/* Applies FUTEX_OP's operation to *word; -ENOSYS for an unknown one. */
static long atomic_op(volatile uint32_t *word, unsigned op, uint32_t oparg, uint32_t *old)
{
	switch (op) {
	case FUTEX_OP_SET:  *old = __atomic_exchange_n(word, oparg, __ATOMIC_SEQ_CST); break;
	case FUTEX_OP_ADD:  *old = __atomic_fetch_add(word, oparg, __ATOMIC_SEQ_CST); break;
	case FUTEX_OP_OR:   *old = __atomic_fetch_or(word, oparg, __ATOMIC_SEQ_CST); break;
	case FUTEX_OP_ANDN: *old = __atomic_fetch_and(word, ~oparg, __ATOMIC_SEQ_CST); break;
	case FUTEX_OP_XOR:  *old = __atomic_fetch_xor(word, oparg, __ATOMIC_SEQ_CST); break;
	default: return -ENOSYS;
	}
	return 0;
}

/* 1 or 0: how FUTEX_OP's comparison of the old value came out; -ENOSYS. */
static long compare(unsigned cmp, int32_t old, int32_t cmparg)
{
	switch (cmp) {
	case FUTEX_OP_CMP_EQ: return old == cmparg;
	case FUTEX_OP_CMP_NE: return old != cmparg;
	case FUTEX_OP_CMP_LT: return old < cmparg;
	case FUTEX_OP_CMP_LE: return old <= cmparg;
	case FUTEX_OP_CMP_GT: return old > cmparg;
	case FUTEX_OP_CMP_GE: return old >= cmparg;
	default: return -ENOSYS;
	}
}

/* The 12-bit fields of FUTEX_OP are signed. */
static int32_t field12(uint32_t v)
{
	return (int32_t)(v << 20) >> 20;
}

long futex_wake_op(struct addrspace *as, unsigned long uaddr, unsigned long uaddr2,
		   int nr_wake, int nr_wake2, uint32_t encoded_op, bool shared)
{
	unsigned op = (encoded_op >> 28) & 7, cmp = (encoded_op >> 24) & 15;
	int32_t oparg = field12(encoded_op >> 12), cmparg = field12(encoded_op);
	if (encoded_op & (FUTEX_OP_OPARG_SHIFT << 28))
		oparg = (int32_t)(1U << (oparg & 31));    /* Linux masks a bad shift */
	struct futex_key k;
	if (!key_ok(as, uaddr, shared, &k))
		return -EFAULT;
	volatile uint32_t *word2 = futex_lock_user_word(as, uaddr2, PERM_R | PERM_W, true);
	if (!word2)
		return -EFAULT;
	struct futex_key k2 = futex_key_locked(as, uaddr2, shared);
	uint32_t old;
	long err = atomic_op(word2, op, (uint32_t)oparg, &old);
	spin_unlock(&as->lock);
	if (err)
		return err;
	long pass = compare(cmp, (int32_t)old, cmparg);
	if (pass < 0)
		return pass;         /* as Linux: the word has been changed */
	/* Waiters of uaddr2 that read the word before the operation are queued
	 * by now; later ones see the new value: no lock spans both wakes. */
	long woken = wake_key(k, nr_wake, FUTEX_BITSET_MATCH_ANY);
	if (pass && woken >= 0) {
		long woken2 = wake_key(k2, nr_wake2, FUTEX_BITSET_MATCH_ANY);
		woken = woken2 < 0 ? woken2 : woken + woken2;
	}
	return woken;
}

volatile uint32_t *futex_lock_word(struct addrspace *as, unsigned long uaddr)
{
	return (uaddr & 3) ? 0 : futex_lock_user_word(as, uaddr, PERM_R | PERM_W, true);
}
