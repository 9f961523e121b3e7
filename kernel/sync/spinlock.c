/* Spinlocks with owner tracking, recursion and lock-order checks. */
#include "kernel/sync/spinlock.h"
#include "kernel/sched/processor.h"
#include "kernel/panic.h"

void spin_init(struct spinlock *l, const char *name, enum lock_level level)
{
	l->locked = 0;
	l->owner = -1;
	l->level = level;
	l->name = name;
}

bool spin_held(const struct spinlock *l)
{
	return l->locked && l->owner == (int)this_processor()->hart;
}

static void check_order(struct spinlock *l)
{
	struct processor *cpu = this_processor();
	if (cpu->held_levels >> l->level)
		panic("lock order: taking %s (level %d) while holding a lock of level >= %d (held mask %lx)",
		      l->name, l->level, l->level, cpu->held_levels);
}

void spin_lock(struct spinlock *l)
{
	irq_save();
	if (spin_held(l))
		panic("spinlock %s: recursive acquire on hart %u", l->name,
		      this_processor()->hart);
	if (CONFIG_LOCK_DEBUG)
		check_order(l);
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			arch_relax();
	}
	l->owner = this_processor()->hart;
	this_processor()->held_levels |= 1UL << l->level;
}

void spin_unlock(struct spinlock *l)
{
	if (!spin_held(l))
		panic("spinlock %s: released by hart %u, which does not hold it",
		      l->name, this_processor()->hart);
	this_processor()->held_levels &= ~(1UL << l->level);
	l->owner = -1;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	irq_restore();
}

int spin_held_count(void)
{
	/* Counted by hand: libgcc's popcount is built for the hard-float ABI. */
	int n = 0;
	for (unsigned long levels = this_processor()->held_levels; levels; levels &= levels - 1)
		n++;
	return n;
}
