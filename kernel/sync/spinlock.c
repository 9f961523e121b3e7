/* Spinlocks with owner tracking, recursion and lock-order checks: the out-of-line
 * parts (the fast paths are inline in spinlock.h). */
#include "kernel/sync/spinlock.h"
#include "kernel/sched/processor.h"
#include "kernel/panic.h"

void spin_init(struct spinlock *l, const char *name, enum lock_level level)
{
	l->locked = 0;
	l->owner = -1;
	l->level = level;
	l->level_bit = 1UL << level;
	l->name = name;
}

bool spin_held(const struct spinlock *l)
{
	return l->locked && l->owner == (int)this_processor()->hart;
}

void spin_recursion_panic(struct spinlock *l)
{
	panic("spinlock %s: recursive acquire on hart %u", l->name, this_processor()->hart);
}

void spin_order_panic(struct spinlock *l)
{
	panic("lock order: taking %s (level %d) while holding a lock of level >= %d (held mask %lx)",
	      l->name, l->level, l->level, this_processor()->held_levels);
}

void spin_irqs_on_panic(struct spinlock *l)
{
	panic("spinlock %s: taken without irq_save on hart %u with interrupts on", l->name,
	      this_processor()->hart);
}

void spin_not_held_panic(struct spinlock *l)
{
	panic("spinlock %s: released by hart %u, which does not hold it", l->name,
	      this_processor()->hart);
}

/* Spins on a held lock before the waiter naps. A lock here is held for a
 * few hundred instructions at most, so a wait this long means its holder is
 * not running: on QEMU a hart is a host thread (or, under -icount, a turn in
 * one thread's round robin), and a descheduled holder would otherwise leave
 * the waiter spinning through its whole host time slice (measured under
 * -icount at 4 harts: one wait of 100 million instructions). The nap gives
 * the host back its CPU; a timer interrupt ends it after SPIN_NAP_NS. */
#define SPIN_NAP_AFTER 1024
#define SPIN_NAP_NS 2000

static unsigned long spin_nap_ticks(void)
{
	unsigned long ticks = arch_time_hz * SPIN_NAP_NS / 1000000000UL;
	return ticks ? ticks : 1;
}

/* The first exchange failed: spin reading (no stores while it is held, so
 * the holder's cache line stays put), then try again. */
void spin_lock_wait(struct spinlock *l)
{
	unsigned spins = 0;
	do {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
			arch_relax();
			if (++spins % SPIN_NAP_AFTER == 0 && arch_nap(spin_nap_ticks()))
				this_processor()->spin_naps++;
		}
	} while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE));
}

int spin_held_count(void)
{
	/* Counted by hand: libgcc's popcount is built for the hard-float ABI. */
	int n = 0;
	for (unsigned long levels = this_processor()->held_levels; levels; levels &= levels - 1)
		n++;
	return n;
}
