/* Spinlocks. Holding one keeps interrupts off on this hart (irq_save), so an
 * interrupt handler on the same hart can never spin on a lock its own hart
 * holds.
 *
 * Lock order (a lock may be taken only while every lock held has a LOWER
 * level; checked at run time when CONFIG_LOCK_DEBUG is set):
 *
 *   LOCK_PROC_TREE   process tree: parent/children links, zombies, pids
 *   LOCK_PROCESS     one process: thread table, tids, files, exiting flag
 *   LOCK_ADDRSPACE   one address space: regions and page table
 *   LOCK_CONDVAR     a condition variable (a waiter releases its mutex under it)
 *   LOCK_OBJECT      a synchronisation object: pipe, mutex, semaphore,
 *                    condvar, process join queue, console input, futex
 *                    bucket (taken with the address-space lock held, to
 *                    read the user word while its page stays mapped); also
 *                    a tmpfs directory and a shm object (a file's pages),
 *                    never held together (kernel/fs/tmpfs.h)
 *   LOCK_SLEEPQ      the timed-sleep queue (a sleeper holds its object lock)
 *   LOCK_THREAD      one thread: state, on-hart mark, wait link; held across
 *                    the context switch (the one lock a switch hands over)
 *   LOCK_RUNQUEUE    the global ready queue
 *   LOCK_ALLOC       kmalloc, kernel-stack slots
 *   LOCK_FRAMES      the frame allocator (kmalloc takes it for new slabs)
 *   LOCK_CONSOLE     console output
 */
#ifndef KERNEL_SYNC_SPINLOCK_H
#define KERNEL_SYNC_SPINLOCK_H

#include <stdbool.h>
#include "config.h"
#include "kernel/sched/processor.h"
#include "kernel/debug/race_delay.h"

enum lock_level {
	LOCK_PROC_TREE = 1,
	LOCK_PROCESS,
	LOCK_ADDRSPACE,
	LOCK_CONDVAR,
	LOCK_OBJECT,
	LOCK_SLEEPQ,
	LOCK_THREAD,
	LOCK_RUNQUEUE,
	LOCK_ALLOC,
	LOCK_FRAMES,
	LOCK_CONSOLE,
	LOCK_LEVELS
};

struct spinlock {
	_Atomic int locked;
	int owner;              /* hart holding it, -1 when free */
	enum lock_level level;
	unsigned long level_bit;  /* 1UL << level: its bit in held_levels */
	const char *name;
};

#define SPINLOCK_INIT(n, l) \
	{ .locked = 0, .owner = -1, .level = (l), .level_bit = 1UL << (l), .name = (n) }

void spin_init(struct spinlock *l, const char *name, enum lock_level level);
bool spin_held(const struct spinlock *l);   /* by this hart */
/* Count of spinlocks this hart holds; the scheduler requires exactly one
 * (the switching thread's own lock) at a switch. */
int spin_held_count(void);

/* Out of line (spinlock.c): waiting for a held lock, and the checks' panics. */
void spin_lock_wait(struct spinlock *l);
__attribute__((noreturn, cold)) void spin_recursion_panic(struct spinlock *l);
__attribute__((noreturn, cold)) void spin_order_panic(struct spinlock *l);
__attribute__((noreturn, cold)) void spin_not_held_panic(struct spinlock *l);

__attribute__((noreturn, cold)) void spin_irqs_on_panic(struct spinlock *l);

/* The acquire proper, interrupts already off: the debug checks (a lock
 * may be taken only while every lock held has a lower level: no bit at or
 * above level_bit in held_levels), then the exchange. Inline, as every
 * flavour below: they are on every hot path, and a call would cost a third
 * of them. Only waiting and the panics are calls. */
__attribute__((always_inline)) static inline struct processor *spin_acquire_check(struct spinlock *l)
{
	struct processor *cpu = this_processor();
	if (l->owner == (int)cpu->hart && __atomic_load_n(&l->locked, __ATOMIC_RELAXED))
		spin_recursion_panic(l);
	if (CONFIG_LOCK_DEBUG && cpu->held_levels >= l->level_bit)
		spin_order_panic(l);
	return cpu;
}

static inline void spin_acquired(struct spinlock *l, struct processor *cpu)
{
	l->owner = (int)cpu->hart;
	cpu->held_levels |= l->level_bit;
}

__attribute__((always_inline)) static inline void spin_acquire(struct spinlock *l)
{
	struct processor *cpu = spin_acquire_check(l);
	if (__builtin_expect(__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE), 0))
		spin_lock_wait(l);
	spin_acquired(l, cpu);
}

/* Takes l if it is free at once; false (and nothing taken) if not. */
__attribute__((always_inline)) static inline bool spin_try_acquire(struct spinlock *l)
{
	struct processor *cpu = spin_acquire_check(l);
	if (__builtin_expect(__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE), 0))
		return false;
	spin_acquired(l, cpu);
	return true;
}

/* The release with its check, interrupts left as they are. */
static inline void spin_release(struct spinlock *l)
{
	struct processor *cpu = this_processor();
	if (l->owner != (int)cpu->hart || !__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
		spin_not_held_panic(l);
	cpu->held_levels &= ~l->level_bit;
	l->owner = -1;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline void spin_lock(struct spinlock *l)
{
	irq_save();
	spin_acquire(l);
}

static inline bool spin_trylock(struct spinlock *l)
{
	irq_save();
	if (spin_try_acquire(l))
		return true;
	irq_restore();
	return false;
}

static inline void spin_unlock(struct spinlock *l)
{
	spin_release(l);
	irq_restore();
	race_delay(RACE_UNLOCK);
}

/* For a lock taken where interrupts are off already and stay off until it
 * is released: inside another spinlock's section (which outlives this one),
 * or in the scheduler loop. The same acquire and release, without
 * irq_save/irq_restore's nesting (about 15 instructions a pair, on the wake
 * and switch paths). A lock taken with spin_lock_irqs_off is released with
 * spin_unlock_irqs_off; the lock may be taken elsewhere the ordinary way. */
static inline void spin_assert_irqs_off(struct spinlock *l)
{
	if (CONFIG_LOCK_DEBUG && arch_irq_enabled())
		spin_irqs_on_panic(l);
}

static inline void spin_lock_irqs_off(struct spinlock *l)
{
	spin_assert_irqs_off(l);
	spin_acquire(l);
}

static inline bool spin_trylock_irqs_off(struct spinlock *l)
{
	spin_assert_irqs_off(l);
	return spin_try_acquire(l);
}

static inline void spin_unlock_irqs_off(struct spinlock *l)
{
	spin_release(l);
	race_delay(RACE_UNLOCK);
}

#endif
