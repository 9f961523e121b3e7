/* Priority-inheritance futexes (see futex_pi.h).
 *
 * The kernel's state of a PI futex is its queue: the FUTEX_LOCK_PI waiter
 * records of its key in its hash bucket (futex_queue.h), oldest first, each
 * carrying the owner's tid. There is no other object, so nothing is
 * allocated, and a waiter that leaves takes its part of the state with it.
 * While the queue is not empty the word has FUTEX_WAITERS set, so the
 * owner's unlock comes to the kernel, which writes the next owner's tid
 * into the word and wakes it, under the bucket lock. A waiter that a
 * timeout or a signal wakes meanwhile takes that lock before it looks, so
 * it finds either that it owns the lock (`woken`: it returns 0, and never
 * leaves a lock that names it) or that it is still queued (it leaves, and
 * the word never named it).
 *
 * The first waiter of a word checks that the owner the word names exists
 * (else -ESRCH) and has not ended: an ending thread sets futex_pi_gone
 * under its process lock, which the first waiter holds from its look-up
 * until it is queued, and only then hands on what it owns (futex_pi_exit).
 * So either the ending thread finds the waiter queued, or the waiter finds
 * the owner gone.
 *
 * Handing the lock on at the owner's death needs the word, in the waiter's
 * address space, whose lock ranks above the bucket lock: the exit marks the
 * chosen waiter `pinned` (a pinned waiter does not leave, even when killed,
 * so its address space stays), drops the bucket lock, locks the address
 * space, then the bucket again, and completes the hand-off.
 *
 * Lock order: proc_tree_lock, the owner's process lock (a first waiter's
 * look-up only), the address-space lock, the bucket lock (see futex.c).
 *
 * Priority inheritance proper: next_owner() chooses who gets the lock and
 * queue_waiter() is where a waiter would lend its priority to the owner
 * (and hand_over() where the loan would end). Dakota has no real-time
 * priorities yet (SCHED_FIFO/RR are -EPERM), so the choice is FIFO and
 * there is nothing to lend. */
#include "kernel/sync/futex_pi.h"
#include "kernel/sync/futex_queue.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/mm/addrspace.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>
#include <dakota/futex.h>

/* PI records queued in any bucket (changed under the bucket lock with the
 * list): an ending thread that sees 0 owns no queue and skips the walk. */
static _Atomic long pi_queued;

/* What one FUTEX_LOCK_PI call works with across its attempts. */
struct pi_call {
	struct addrspace *as;
	unsigned long uaddr;
	bool shared, trylock;
	uint32_t self;              /* the caller's Linux tid */
	struct futex_waiter *w;     /* the caller's record, on its stack */
	struct futex_key key;       /* of the last attempt */
	struct futex_bucket *b;
	uint32_t uval;              /* the word, as a first waiter left it */
};

/* What an attempt leaves the caller to do (errors are negative). */
enum { PI_RETRY = 1, PI_QUEUED, PI_LOOKUP };

/* Under b->lock: the oldest waiter of k, PI or not; NULL if none. */
static struct futex_waiter *first_waiter(struct futex_bucket *b, struct futex_key k)
{
	struct list_node *pos;
	list_for_each(pos, &b->waiters) {
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (futex_key_eq(w->key, k))
			return w;
	}
	return NULL;
}

/* Under b->lock: who gets k's lock next, of the PI waiters free to take it
 * (not pinned by a hand-off under way). The oldest; with real-time
 * priorities, the highest-priority one, the oldest among equals. */
static struct futex_waiter *next_owner(struct futex_bucket *b, struct futex_key k)
{
	struct list_node *pos;
	list_for_each(pos, &b->waiters) {
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (w->is_pi && !w->pi.pinned && futex_key_eq(w->key, k))
			return w;
	}
	return NULL;
}

/* Under b->lock, the word already naming w: w, a queued PI waiter, leaves
 * the queue as the owner, and the rest of its queue now waits for it. */
static void hand_over(struct futex_bucket *b, struct futex_waiter *w)
{
	struct list_node *pos;
	list_for_each(pos, &b->waiters) {
		struct futex_waiter *o = list_entry(pos, struct futex_waiter, link);
		if (o->is_pi && futex_key_eq(o->key, w->key))
			o->pi.owner_tid = w->pi.tid;
	}
	list_remove(&w->link);
	__atomic_fetch_sub(&pi_queued, 1, __ATOMIC_SEQ_CST);
	w->pi.pinned = false;
	w->woken = true;
	wq_wake_one(&w->wq);
}

/* Under b->lock: c's record joins the queue of c->key, waiting for
 * owner_tid. With priorities, this is where the owner (and whoever it
 * waits for in turn) would be raised to the waiter's priority. */
static void queue_waiter(struct pi_call *c, int owner_tid)
{
	struct futex_waiter *w = c->w;
	w->key = c->key;
	w->bucket = c->b;
	w->bitset = FUTEX_BITSET_MATCH_ANY;
	w->is_pi = true;
	w->pi.owner_tid = owner_tid;
	wq_init(&w->wq);
	__atomic_fetch_add(&c->b->waiting, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&pi_queued, 1, __ATOMIC_SEQ_CST);
	list_push_back(&c->b->waiters, &w->link);
}

static bool word_cas(volatile uint32_t *word, uint32_t *expect, uint32_t val)
{
	return __atomic_compare_exchange_n(word, expect, val, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_ACQUIRE);
}

/* The word (read as uval) agrees with a queue held for owner_tid if it
 * names that owner, or is free with FUTEX_OWNER_DIED: the owner died and
 * its exit has not yet handed the lock on. */
static bool word_agrees(uint32_t uval, int owner_tid)
{
	uint32_t tid = uval & FUTEX_TID_MASK;
	return tid == (uint32_t)owner_tid || (tid == 0 && (uval & FUTEX_OWNER_DIED));
}

/* Under as->lock and c->b->lock, uval just read from the word: takes a free
 * lock, joins an existing queue, or asks for the owner's look-up (the
 * first waiter); PI_RETRY when the word changed under us. Linux's order of
 * checks and its setting of FUTEX_WAITERS before the look-up. */
static long decide(struct pi_call *c, volatile uint32_t *word, uint32_t uval)
{
	uint32_t tid = uval & FUTEX_TID_MASK;
	if (tid == c->self)
		return -EDEADLK;
	struct futex_waiter *top = first_waiter(c->b, c->key);
	if (top && !top->is_pi)
		return -EINVAL;
	if (top && !word_agrees(uval, top->pi.owner_tid))
		return -EINVAL;
	if (top && c->trylock)
		return -EAGAIN;
	if (!top && !tid)
		return word_cas(word, &uval, c->self | (uval & FUTEX_OWNER_DIED)) ? 0 : PI_RETRY;
	if (!(uval & FUTEX_WAITERS) && !word_cas(word, &uval, uval | FUTEX_WAITERS))
		return PI_RETRY;
	if (top) {
		queue_waiter(c, top->pi.owner_tid);
		return PI_QUEUED;
	}
	c->uval = uval | FUTEX_WAITERS;
	return PI_LOOKUP;
}

/* Under the owner's process lock (owner NULL: no such thread), as->lock
 * and c->b->lock: c's record becomes the first waiter, if the word and the
 * queue are as decide() left them and the owner lives on. */
static long attach_checked(struct pi_call *c, volatile uint32_t *word, struct thread *owner)
{
	if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != c->uval || first_waiter(c->b, c->key))
		return PI_RETRY;
	if (!owner || __atomic_load_n(&owner->futex_pi_gone, __ATOMIC_ACQUIRE))
		return -ESRCH;
	if (c->trylock)
		return -EAGAIN;
	queue_waiter(c, (int)(c->uval & FUTEX_TID_MASK));
	return PI_QUEUED;
}

/* The word names an owner and nobody waits: looks the owner up and, if it
 * exists, queues c's record. PI_QUEUED with c->b->lock held, or a result
 * with no lock held. */
static long attach_first(struct pi_call *c)
{
	spin_lock(&proc_tree_lock);
	struct thread *owner = thread_find_linux_tid((int)(c->uval & FUTEX_TID_MASK));
	spin_unlock(&proc_tree_lock);  /* the owner's process lock stays held */
	/* No fault-in under a process lock: a page gone since is a retry. */
	volatile uint32_t *word = futex_lock_user_word(c->as, c->uaddr, PERM_R | PERM_W, !owner);
	long r = PI_RETRY;
	if (word && futex_key_eq(futex_key_locked(c->as, c->uaddr, c->shared), c->key)) {
		spin_lock(&c->b->lock);
		r = attach_checked(c, word, owner);
		if (r != PI_QUEUED)
			spin_unlock(&c->b->lock);
	}
	if (word)
		spin_unlock(&c->as->lock);
	if (owner)
		spin_unlock(&owner->proc->lock);
	return r;
}

/* One try at the lock: a result, PI_RETRY, or PI_QUEUED with c->b->lock
 * held. */
static long attempt(struct pi_call *c)
{
	volatile uint32_t *word = futex_lock_user_word(c->as, c->uaddr, PERM_R | PERM_W, true);
	if (!word)
		return -EFAULT;
	c->key = futex_key_locked(c->as, c->uaddr, c->shared);
	c->b = futex_bucket_of(c->key);
	spin_lock(&c->b->lock);
	long r = decide(c, word, __atomic_load_n(word, __ATOMIC_ACQUIRE));
	spin_unlock(&c->as->lock);
	if (r != PI_QUEUED)
		spin_unlock(&c->b->lock);
	return r == PI_LOOKUP ? attach_first(c) : r;
}

/* Called with b->lock held and w queued: sleeps until w owns the lock, or
 * a timeout, signal or kill ends the wait first; returns with no lock held
 * and w off the queue. Ownership wins over whatever else woke it. */
static long wait_owned(struct futex_waiter *w, struct futex_bucket *b, unsigned long deadline)
{
	int err = 0;
	for (;;) {
		if (w->woken) {
			err = 0;
			break;
		}
		if (w->pi.pinned) {            /* an exit is handing it over */
			wq_sleep_uninterruptible(&w->wq, &b->lock);
			continue;
		}
		if (err || (deadline && arch_time() >= deadline)) {
			list_remove(&w->link);
			__atomic_fetch_sub(&pi_queued, 1, __ATOMIC_SEQ_CST);
			err = err ? err : -ETIMEDOUT;
			break;
		}
		err = deadline ? wq_sleep_until(&w->wq, &b->lock, deadline)
			       : wq_sleep(&w->wq, &b->lock);
	}
	__atomic_fetch_sub(&b->waiting, 1, __ATOMIC_RELAXED);
	spin_unlock(&b->lock);
	return err;
}

long futex_lock_pi(struct addrspace *as, unsigned long uaddr, unsigned long deadline,
		   bool shared, bool trylock)
{
	futex_buckets();
	struct thread *self = current_thread();
	struct futex_waiter w = { 0 };
	struct pi_call c = {
		.as = as, .uaddr = uaddr, .shared = shared, .trylock = trylock,
		.self = (uint32_t)linux_tid_of(self), .w = &w,
	};
	w.pi.tid = (int)c.self;
	w.pi.as = as;
	w.pi.uaddr = uaddr;
	long r;
	/* Another thread changing the word between our looks: Linux retries
	 * for as long as that goes on, and so do we, unless killed. */
	while ((r = attempt(&c)) == PI_RETRY) {
		if (thread_killed(self))
			return -EINTR;
		arch_relax();
	}
	return r == PI_QUEUED ? wait_owned(&w, c.b, deadline) : r;
}

/* Under as->lock and b->lock: the caller, `self`, gives up k's lock. */
static long unlock_locked(struct futex_bucket *b, struct futex_key k, volatile uint32_t *word,
			  uint32_t self)
{
	uint32_t uval = __atomic_load_n(word, __ATOMIC_ACQUIRE);
	if ((uval & FUTEX_TID_MASK) != self)
		return -EPERM;
	struct futex_waiter *top = first_waiter(b, k);
	if (top && !top->is_pi)
		return -EINVAL;
	struct futex_waiter *next = top ? next_owner(b, k) : NULL;
	uint32_t val = next ? (uint32_t)next->pi.tid | FUTEX_WAITERS : 0;
	while (!word_cas(word, &uval, val)) {
		if ((uval & FUTEX_TID_MASK) != self)
			return -EPERM;      /* user space rewrote it meanwhile */
	}
	if (next)
		hand_over(b, next);
	return 0;
}

long futex_unlock_pi(struct addrspace *as, unsigned long uaddr, bool shared)
{
	futex_buckets();
	uint32_t self = (uint32_t)linux_tid_of(current_thread());
	volatile uint32_t *word = futex_lock_user_word(as, uaddr, PERM_R | PERM_W, true);
	if (!word)
		return -EFAULT;
	struct futex_key k = futex_key_locked(as, uaddr, shared);
	struct futex_bucket *b = futex_bucket_of(k);
	spin_lock(&b->lock);
	long r = unlock_locked(b, k, word, self);
	spin_unlock(&b->lock);
	spin_unlock(&as->lock);
	return r;
}

/* Under b->lock: a PI waiter of b free to take a lock that `tid` holds. */
static struct futex_waiter *owned_by(struct futex_bucket *b, int tid)
{
	struct list_node *pos;
	list_for_each(pos, &b->waiters) {
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (w->is_pi && !w->pi.pinned && w->pi.owner_tid == tid)
			return next_owner(b, w->key);
	}
	return NULL;
}

/* Hands on one lock of bucket b that the ending thread `tid` holds; false
 * if it holds none there. */
static bool hand_on_one(struct futex_bucket *b, int tid)
{
	spin_lock(&b->lock);
	struct futex_waiter *w = owned_by(b, tid);
	if (!w) {
		spin_unlock(&b->lock);
		return false;
	}
	w->pi.pinned = true;
	struct addrspace *as = w->pi.as;
	unsigned long uaddr = w->pi.uaddr;
	spin_unlock(&b->lock);
	/* w's address space stays while it is pinned. No fault-in (this may be
	 * another process's memory): the page was there when w read the word,
	 * and if it has been unmapped since there is no word to update. */
	volatile uint32_t *word = futex_lock_user_word(as, uaddr, PERM_R | PERM_W, false);
	spin_lock(&b->lock);
	if (word)
		__atomic_store_n(word, (uint32_t)w->pi.tid | FUTEX_WAITERS | FUTEX_OWNER_DIED,
				 __ATOMIC_SEQ_CST);
	hand_over(b, w);
	spin_unlock(&b->lock);
	if (word)
		spin_unlock(&as->lock);
	return true;
}

void futex_pi_exit(struct thread *t)
{
	struct process *p = t->proc;
	spin_lock(&p->lock);
	__atomic_store_n(&t->futex_pi_gone, true, __ATOMIC_SEQ_CST);
	spin_unlock(&p->lock);
	/* A first waiter that queued for t did so under p->lock before the
	 * store above, so its count is seen here; any later one sees t gone. */
	if (!__atomic_load_n(&pi_queued, __ATOMIC_SEQ_CST))
		return;
	int tid = linux_tid_of(t);
	struct futex_bucket *bs = futex_buckets();
	for (int i = 0; i < FUTEX_BUCKETS; i++)
		while (hand_on_one(&bs[i], tid))
			;
}

void futex_pi_exec(struct thread *t)
{
	__atomic_store_n(&t->futex_pi_gone, false, __ATOMIC_RELEASE);
}
