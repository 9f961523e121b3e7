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

/* The checks' panics, out of line so the lock paths stay short. */
__attribute__((noreturn, noinline, cold)) static void recursion_panic(struct spinlock *l)
{
	panic("spinlock %s: recursive acquire on hart %u", l->name, this_processor()->hart);
}

__attribute__((noreturn, noinline, cold)) static void order_panic(struct spinlock *l)
{
	panic("lock order: taking %s (level %d) while holding a lock of level >= %d (held mask %lx)",
	      l->name, l->level, l->level, this_processor()->held_levels);
}

__attribute__((noreturn, noinline, cold)) static void not_held_panic(struct spinlock *l)
{
	panic("spinlock %s: released by hart %u, which does not hold it", l->name,
	      this_processor()->hart);
}

/* Interrupts off and the debug checks done: the common start of an acquire. */
static inline __attribute__((always_inline)) struct processor *acquire_prepare(struct spinlock *l)
{
	irq_save();
	struct processor *cpu = this_processor();
	if (l->owner == (int)cpu->hart && __atomic_load_n(&l->locked, __ATOMIC_RELAXED))
		recursion_panic(l);
	if (CONFIG_LOCK_DEBUG && cpu->held_levels >> l->level)
		order_panic(l);
	return cpu;
}

static inline __attribute__((always_inline)) void acquired(struct spinlock *l, struct processor *cpu)
{
	l->owner = (int)cpu->hart;
	cpu->held_levels |= 1UL << l->level;
}

void spin_lock(struct spinlock *l)
{
	struct processor *cpu = acquire_prepare(l);
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			arch_relax();
	}
	acquired(l, cpu);
}

bool spin_trylock(struct spinlock *l)
{
	struct processor *cpu = acquire_prepare(l);
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		irq_restore();
		return false;
	}
	acquired(l, cpu);
	return true;
}

void spin_unlock(struct spinlock *l)
{
	struct processor *cpu = this_processor();
	if (l->owner != (int)cpu->hart || !__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
		not_held_panic(l);
	cpu->held_levels &= ~(1UL << l->level);
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
