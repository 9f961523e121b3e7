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
 *                    read the user word while its page stays mapped)
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
	const char *name;
};

#define SPINLOCK_INIT(n, l) { .locked = 0, .owner = -1, .level = (l), .name = (n) }

void spin_init(struct spinlock *l, const char *name, enum lock_level level);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
/* Takes l if it is free at once; false (and nothing held) if not. */
bool spin_trylock(struct spinlock *l);
bool spin_held(const struct spinlock *l);   /* by this hart */
/* Count of spinlocks this hart holds; the scheduler requires exactly one
 * (the switching thread's own lock) at a switch. */
int spin_held_count(void);

#endif
