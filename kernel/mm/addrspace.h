/* User address spaces: a page table plus the list of regions that may hold
 * pages. Region pages are allocated on first touch (fault or copy-in/out),
 * except ELF segments, which exec fills eagerly. */
#ifndef KERNEL_MM_ADDRSPACE_H
#define KERNEL_MM_ADDRSPACE_H

#include <stddef.h>
#include "arch/riscv/arch.h"
#include "kernel/lib/list.h"
#include "kernel/sync/spinlock.h"

enum region_kind { REGION_ELF, REGION_HEAP, REGION_MMAP, REGION_STACK };

struct region {
	unsigned long start, end;   /* page-aligned, end exclusive */
	unsigned perm;              /* PERM_R/W/X; always user */
	enum region_kind kind;
	struct list_node link;      /* in addrspace.regions, by address */
};

struct addrspace {
	struct spinlock lock;       /* guards: pt contents, regions, brk, mmap_next */
	pagetable_t pt;
	struct list_node regions;
	unsigned long heap_start, brk;
	unsigned long mmap_next;
	_Atomic unsigned long active_harts;  /* harts that may hold its translations */
};

struct addrspace *as_create(void);
void as_destroy(struct addrspace *as);
/* Copy of every region and page (fork). NULL on exhaustion, nothing leaked. */
struct addrspace *as_clone(struct addrspace *as);
int as_add_region(struct addrspace *as, unsigned long start, unsigned long end,
		  unsigned perm, enum region_kind kind);
/* Unmaps and frees every page in [start, end) and trims the regions. */
void as_remove_range(struct addrspace *as, unsigned long start, unsigned long end);
/* Maps a fresh zeroed page at va (must be in a region); returns its kernel
 * address or NULL. For exec to fill ELF segments. */
void *as_populate(struct addrspace *as, unsigned long va);
/* A user access fault at va: 0 if a page was supplied, else -EFAULT/-ENOMEM. */
int as_handle_fault(struct addrspace *as, unsigned long va, unsigned access);

/* Per-thread pages. */
struct trap_context *as_map_trap_context(struct addrspace *as, int tid);
int as_add_thread_stack(struct addrspace *as, int tid);
/* Frees thread tid's trap-context page and the user stack in stack_slot. */
void as_remove_thread(struct addrspace *as, int tid, int stack_slot);

long as_brk(struct addrspace *as, unsigned long new_brk);
long as_mmap(struct addrspace *as, unsigned long len, unsigned perm);
long as_munmap(struct addrspace *as, unsigned long addr, unsigned long len);

/* Checked copies between kernel and user memory: -EFAULT unless every byte
 * is user memory with the needed permission (pages on demand are supplied). */
int copy_to_user(struct addrspace *as, unsigned long dst, const void *src, size_t n);
int copy_from_user(struct addrspace *as, void *dst, unsigned long src, size_t n);
/* Copies a NUL-terminated string of at most max-1 bytes: its length,
 * -EFAULT, or -ENAMETOOLONG. */
long copy_string_from_user(struct addrspace *as, char *dst, unsigned long src, size_t max);

/* Harts running this address space in user mode, flushing stale entries. */
/* Marks hart as (not) possibly holding as's translations; inline, as
 * they run on every trap from user mode. */
static inline void as_activate(struct addrspace *as, unsigned hart)
{
	__atomic_fetch_or(&as->active_harts, 1UL << hart, __ATOMIC_SEQ_CST);
}

static inline void as_deactivate(struct addrspace *as, unsigned hart)
{
	__atomic_fetch_and(&as->active_harts, ~(1UL << hart), __ATOMIC_RELAXED);
}

#endif
