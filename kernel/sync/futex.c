/* Futexes on the wait-queue mechanism.
 *
 * Waiters are kept in a small hash table of buckets keyed by (address space,
 * user address). Each waiter puts a record on its own kernel stack into its
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
 * Lock order: address-space lock, then bucket lock (level LOCK_OBJECT), then
 * what wq_sleep takes. The address-space lock keeps the word's frame mapped
 * while the word is read through the kernel's mapping of RAM; it is dropped
 * before sleeping (wq_sleep wants the bucket lock only). A page not yet
 * present is faulted in first, outside all locks. */
#include "kernel/sync/futex.h"
#include "kernel/sync/waitqueue.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/mm/addrspace.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>

#define FUTEX_BUCKETS 64          /* a power of two */
#define FAULT_RETRIES 4           /* a racing munmap may undo our fault-in */

struct futex_bucket {
	struct spinlock lock;     /* guards waiters and every record on it */
	struct list_node waiters; /* struct futex_waiter, oldest first */
};

/* One sleeping thread, on its own kernel stack. */
struct futex_waiter {
	struct list_node link;    /* in bucket.waiters while not woken */
	struct addrspace *as;     /* the key: address space and user address */
	unsigned long uaddr;
	bool woken;               /* set by the waker that unlinked it */
	struct waitqueue wq;      /* holds only this waiter's thread */
};

static struct futex_bucket buckets[FUTEX_BUCKETS];
static _Atomic bool buckets_ready;

/* Lazily, on the first call from any hart: a static table of locks cannot be
 * initialised with SPINLOCK_INIT without spelling out every entry. */
static void buckets_init(void)
{
	static _Atomic int claimed;
	if (__atomic_load_n(&buckets_ready, __ATOMIC_ACQUIRE))
		return;
	if (!__atomic_exchange_n(&claimed, 1, __ATOMIC_ACQ_REL)) {
		for (int i = 0; i < FUTEX_BUCKETS; i++) {
			spin_init(&buckets[i].lock, "futex-bucket", LOCK_OBJECT);
			list_init(&buckets[i].waiters);
		}
		__atomic_store_n(&buckets_ready, true, __ATOMIC_RELEASE);
	}
	while (!__atomic_load_n(&buckets_ready, __ATOMIC_ACQUIRE))
		arch_relax();
}

static struct futex_bucket *bucket_of(struct addrspace *as, unsigned long uaddr)
{
	unsigned long h = ((unsigned long)as / 64) ^ (uaddr / 4);
	h *= 0x9e3779b97f4a7c15UL;
	return &buckets[(h >> 58) & (FUTEX_BUCKETS - 1)];
}

/* Returns with as->lock held and the kernel address of the user word, which
 * is mapped writable; or, with no lock held, 0 for -EFAULT. */
static volatile uint32_t *lock_user_word(struct addrspace *as, unsigned long uaddr)
{
	for (int i = 0; i < FAULT_RETRIES; i++) {
		spin_lock(&as->lock);
		unsigned long pa = mmu_translate(as->pt, uaddr, PERM_R | PERM_W | PERM_U);
		if (pa)
			return (volatile uint32_t *)pa;
		spin_unlock(&as->lock);
		/* Not present (pages come on demand) or not allowed: supply it
		 * or find out that the access is a fault. */
		if (as_handle_fault(as, uaddr, PERM_R | PERM_W))
			return 0;
	}
	return 0;
}

/* Relative timeout to an arch_time deadline; 0 with *deadline 0 for none. */
static long read_deadline(struct addrspace *as, unsigned long timeout, unsigned long *deadline)
{
	*deadline = 0;
	if (!timeout)
		return 0;
	struct timespec ts;
	if (copy_from_user(as, &ts, timeout, sizeof ts))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	/* About 58 years at 10 MHz: longer is "for ever" in practice; the
	 * cap keeps the multiplication from overflowing. */
	unsigned long sec = (unsigned long)ts.tv_sec < (1UL << 34) ? (unsigned long)ts.tv_sec
								     : (1UL << 34);
	unsigned long ticks = sec * arch_time_hz +
			      (unsigned long)ts.tv_nsec * (arch_time_hz / 1000000) / 1000;
	*deadline = arch_time() + ticks;
	if (!*deadline)
		*deadline = 1;   /* 0 means "no deadline" to wq_sleep_until */
	return 0;
}

/* Called with b->lock held (and nothing else): sleeps on w until woken,
 * killed or past deadline (0: none); returns with b->lock held and w off the
 * bucket list. */
static long wait_queued(struct futex_bucket *b, struct futex_waiter *w, unsigned long deadline)
{
	int err = deadline ? wq_sleep_until(&w->wq, &b->lock, deadline)
			   : wq_sleep(&w->wq, &b->lock);
	if (w->woken)
		return 0;      /* counted by the waker: report it as a wakeup */
	list_remove(&w->link);
	if (err)
		return err;
	if (deadline && arch_time() >= deadline)
		return -ETIMEDOUT;
	return 0;          /* spurious: callers re-check their word */
}

static long futex_wait(struct addrspace *as, unsigned long uaddr, uint32_t val,
		       unsigned long timeout)
{
	unsigned long deadline;
	long err = read_deadline(as, timeout, &deadline);
	if (err)
		return err;
	volatile uint32_t *word = lock_user_word(as, uaddr);
	if (!word)
		return -EFAULT;
	struct futex_bucket *b = bucket_of(as, uaddr);
	spin_lock(&b->lock);
	uint32_t now = __atomic_load_n(word, __ATOMIC_ACQUIRE);
	spin_unlock(&as->lock);
	if (now != val) {
		spin_unlock(&b->lock);
		return -EAGAIN;
	}
	struct futex_waiter w = { .as = as, .uaddr = uaddr, .woken = false };
	wq_init(&w.wq);
	list_push_back(&b->waiters, &w.link);
	err = wait_queued(b, &w, deadline);
	spin_unlock(&b->lock);
	return err;
}

static long futex_wake(struct addrspace *as, unsigned long uaddr, uint32_t val)
{
	/* Checked like a wait, so that a bad pointer is an error either way. */
	if (!lock_user_word(as, uaddr))
		return -EFAULT;
	spin_unlock(&as->lock);
	struct futex_bucket *b = bucket_of(as, uaddr);
	long woken = 0;
	spin_lock(&b->lock);
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, &b->waiters) {
		if ((unsigned long)woken >= val)
			break;
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (w->as != as || w->uaddr != uaddr)
			continue;
		list_remove(&w->link);
		w->woken = true;
		/* A waiter already made ready by a kill or its timeout still
		 * counts: it will find woken set and return 0. */
		wq_wake_one(&w->wq);
		woken++;
	}
	spin_unlock(&b->lock);
	return woken;
}

long futex(unsigned long uaddr, int op, uint32_t val, unsigned long timeout)
{
	int cmd = op & ~FUTEX_PRIVATE_FLAG;
	if (cmd != FUTEX_WAIT && cmd != FUTEX_WAKE)
		return -ENOSYS;
	if (uaddr & 3)
		return -EINVAL;
	buckets_init();
	struct addrspace *as = current_process()->as;
	if (cmd == FUTEX_WAIT)
		return futex_wait(as, uaddr, val, timeout);
	return futex_wake(as, uaddr, val);
}

long futex_wake_key(struct addrspace *as, unsigned long uaddr, uint32_t n)
{
	if (uaddr & 3)
		return -EINVAL;
	buckets_init();
	return futex_wake(as, uaddr, n);
}

volatile uint32_t *futex_lock_word(struct addrspace *as, unsigned long uaddr)
{
	return (uaddr & 3) ? 0 : lock_user_word(as, uaddr);
}
