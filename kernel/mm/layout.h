/* Virtual memory layout (Sv39: 256 GiB of user space below 1 << 38).
 *
 * User address space, low to high:
 *   USER_BASE            ELF segments, then the heap (brk)
 *   MMAP_BASE            anonymous mmap area: mmap without MAP_FIXED takes
 *                        the lowest gap that fits (first fit, bottom-up)
 *   MMAP_END             the end of what user calls may map, unmap or
 *                        protect (Dakota's TASK_SIZE for those calls)
 *   USTACK_TOP(tid)      one user-stack slot per tid, a guard page at the bottom
 *                        (slot 0, the main thread's, is 8 MiB)
 *   TRAP_CONTEXT(tid)    one trap-context page per tid (no U bit)
 *   EXIT_STUB            the page a returning thread entry lands in (U, R+X)
 *   TRAMPOLINE           the top page, the same in every address space
 *
 * The kernel page table identity-maps RAM and devices, and holds every
 * thread's kernel stack in KSTACK_BASE..KSTACK_END, each above a guard page. */
#ifndef KERNEL_MM_LAYOUT_H
#define KERNEL_MM_LAYOUT_H

#include "arch/riscv/arch.h"
#include "config.h"

#define USER_TOP          (1UL << 38)
#define TRAMPOLINE        (USER_TOP - PAGE_SIZE)
#define TRAP_CONTEXT_BASE (TRAMPOLINE - PAGE_SIZE)
#define TRAP_CONTEXT(tid) (TRAP_CONTEXT_BASE - (unsigned long)(tid) * PAGE_SIZE)
#define MAX_TIDS          1024   /* the thread-bound option can never exceed this */
#define EXIT_STUB         (TRAP_CONTEXT_BASE - MAX_TIDS * PAGE_SIZE - PAGE_SIZE)

#define USTACK_SLOT       (1UL << 20)   /* 1 MiB: stack plus guard page */
#define USTACK_AREA_TOP   0x3F00000000UL
/* Slot 0 (the main thread's) holds Linux's default 8 MiB RLIMIT_STACK: it
 * reaches MAIN_STACK_EXTRA above USTACK_AREA_TOP, into the unused space
 * below the exit stub, so every other slot stays where it was. Filled on
 * demand like every stack: the extra costs nothing until touched. */
#define MAIN_STACK_SIZE   (8UL << 20)
#define MAIN_STACK_EXTRA  (MAIN_STACK_SIZE - USTACK_SLOT)
#define USTACK_TOP(tid)   (USTACK_AREA_TOP - (unsigned long)(tid) * USTACK_SLOT + \
			   ((tid) == 0 ? MAIN_STACK_EXTRA : 0))
#define USTACK_BOTTOM(tid) (USTACK_AREA_TOP - ((unsigned long)(tid) + 1) * USTACK_SLOT + PAGE_SIZE)

#define USER_BASE         0x10000UL
#define MMAP_MIN          USER_BASE     /* lowest MAP_FIXED address (Linux: mmap_min_addr) */
#define MMAP_BASE         0x2000000000UL
#define MMAP_END          (USTACK_AREA_TOP - MAX_TIDS * USTACK_SLOT)

#define KSTACK_PAGES      3     /* 12 KiB */
#define KSTACK_SLOT       (4 * PAGE_SIZE)   /* one guard page below the stack */
#define KSTACK_BASE       0x3000000000UL
#define KSTACK_END        (KSTACK_BASE + CONFIG_SYSTEM_THREADS * KSTACK_SLOT)
#define KSTACK_TOP(slot)  (KSTACK_BASE + ((unsigned long)(slot) + 1) * KSTACK_SLOT)

/* Linux's access_ok: [addr, addr + len) lies below USER_TOP without
 * wrapping. Checked before any byte moves, so read(fd, buf, -1) is -EFAULT
 * rather than a transfer into whatever follows buf; a range that passes may
 * still be unmapped, which the copy itself finds. */
static inline int user_range_ok(unsigned long addr, unsigned long len)
{
	return addr + len >= addr && addr + len <= USER_TOP;
}

#endif
