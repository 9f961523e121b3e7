/* User address spaces: a page table plus the list of regions that may hold
 * pages. Region pages are allocated on first touch (fault or copy-in/out):
 * zeroed, or built by the region's source (a program's segments). */
#ifndef KERNEL_MM_ADDRSPACE_H
#define KERNEL_MM_ADDRSPACE_H

#include <stdbool.h>
#include <stddef.h>
#include "config.h"
#include "arch/riscv/arch.h"
#include "kernel/lib/idalloc.h"
#include "kernel/lib/list.h"
#include "kernel/sync/spinlock.h"

enum region_kind { REGION_ELF, REGION_HEAP, REGION_MMAP, REGION_STACK };

struct shm;

/* Where a private region's pages come from on first touch when they are not
 * zeroes: fill writes every byte of `page` (a frame that comes unzeroed)
 * with the source's page `index`. A source is never freed and regions hold
 * no reference to it, so it must outlive every address space: exec's
 * sources are the initramfs's programs (elf_load.h), which are never freed
 * or written. fill runs with as->lock held: it must not sleep or take a lock
 * ordered before the frame allocator's. */
struct region_source {
	void (*fill)(const struct region_source *src, unsigned long index, void *page);
};

struct region {
	unsigned long start, end;   /* page-aligned, end exclusive */
	unsigned perm;              /* PERM_R/W/X (none: PROT_NONE); always user */
	enum region_kind kind;
	/* MAP_SHARED: the object holding the pages (this region holds one
	 * reference), and the object's page at `start`. NULL: private pages,
	 * owned by the page table. */
	struct shm *shm;
	unsigned long shm_index;
	/* Private pages not yet touched come from src (NULL: zeroed), page
	 * `src_index` of it at `start`; a page once filled is the region's
	 * own, copied at fork and freed at unmap like any private page. */
	const struct region_source *src;
	unsigned long src_index;
	struct list_node link;      /* in addrspace.regions, by address */
};

/* as->lock guards the page table's user entries, the region list, heap_start
 * and brk. It is a spinlock: nobody sleeps holding it, and it is held across
 * a remote TLB shootdown (addrspace.c: clear, shoot down, free). Lock order:
 * taken after the process lock, before object, frame and kmalloc locks (a
 * futex bucket is taken under it to read a user word while its page stays). */
struct addrspace {
	struct spinlock lock;
	/* Processes whose p->as is this space: 1, or 2 while a vfork child
	 * runs in its parent's space (more with vfork children of several
	 * threads). Atomic; as_put of the last one destroys the space. */
	_Atomic int users;
	pagetable_t pt;
	struct list_node regions;   /* struct region, sorted by address */
	unsigned long heap_start, brk;
	/* Harts that may hold translations of this space: set before a hart
	 * loads its satp to return to user mode, cleared after it has switched
	 * to the kernel table and flushed on a trap. Read by every shootdown. */
	_Atomic unsigned long active_harts;
	/* Tids whose trap-context page is mapped (bit tid % IDALLOC_WORD_BITS
	 * of word tid / IDALLOC_WORD_BITS). A page stays mapped after its
	 * thread exits, until a thread with the same tid takes it again or
	 * the space is destroyed (addrspace.c, as_map_trap_context). Guarded
	 * by lock; never copied by fork. */
	unsigned long trap_pages[IDALLOC_WORDS(CONFIG_MAX_THREADS)];
};

/* Shootdowns that asked at least one hart to fence (kstat's shootdowns):
 * for tests that check a path issues none. */
extern _Atomic unsigned long as_shootdown_count;

/* A new space with one user (the caller). */
struct addrspace *as_create(void);
/* Destroys a space that no thread can run in any more and nobody else
 * holds (as_put's last reference, or a space still being built). */
void as_destroy(struct addrspace *as);
/* One more user of as (a vfork child, clone.c); the caller holds a
 * reference already, so as cannot go meanwhile. */
static inline void as_get(struct addrspace *as)
{
	__atomic_fetch_add(&as->users, 1, __ATOMIC_RELAXED);
}
/* A user lets go (exec replaced its image, or its process ended; every one
 * of its threads is out of user mode for good). The last user destroys the
 * space, with no spinlock held: whatever harts ran in it trapped onto the
 * kernel table, flushing it, when they last left it (as_deactivate). The
 * acquire-release pairs every earlier user's writes to the space (its
 * regions, its page table) with the destroyer's reads. */
void as_put(struct addrspace *as);
/* True while another process also uses as (Linux's mm_users > 1). */
static inline bool as_shared(struct addrspace *as)
{
	return __atomic_load_n(&as->users, __ATOMIC_ACQUIRE) > 1;
}
/* Copy of every region and page (fork). NULL on exhaustion, nothing leaked. */
struct addrspace *as_clone(struct addrspace *as);
int as_add_region(struct addrspace *as, unsigned long start, unsigned long end,
		  unsigned perm, enum region_kind kind);
/* A REGION_ELF region whose page at start is page `index` of src. */
int as_add_source_region(struct addrspace *as, unsigned long start, unsigned long end,
			 unsigned perm, const struct region_source *src, unsigned long index);
/* Unmaps every page in [start, end), shoots down, frees them, and removes
 * the range from the regions. 0 or -ENOMEM (a region split failed; then
 * nothing changed). */
int as_remove_range(struct addrspace *as, unsigned long start, unsigned long end);
/* A user access fault at va: 0 if the page is there now; -EFAULT if the
 * access is not allowed; -ENOMEM if it is but no frame could be had. */
int as_handle_fault(struct addrspace *as, unsigned long va, unsigned access);
/* Copy-on-write faults since boot, system-wide (kstat): pages copied
 * because another address space still owned the frame, and pages made
 * writable in place because none did. */
extern _Atomic unsigned long as_cow_copies, as_cow_reuses;

/* Called with as->lock held: the MAP_SHARED object behind va and va's byte
 * offset in it, or NULL for private memory. For keying futexes on shared
 * memory by (object, offset), so that processes sharing it meet; the object
 * lives as long as a region refers to it. */
struct shm *as_shared_key(struct addrspace *as, unsigned long va, unsigned long *offset);

/* Per-thread pages. */
/* Thread tid's trap-context page, zeroed: mapped now, or the page an exited
 * thread with that tid left mapped. NULL when out of memory. It stays
 * mapped until as_destroy: a thread's exit takes nothing away here, so it
 * needs no remote fence. */
struct trap_context *as_map_trap_context(struct addrspace *as, int tid);
int as_add_thread_stack(struct addrspace *as, int tid);
/* Unmaps and frees the user stack in stack_slot (nothing for NO_STACK_SLOT,
 * -1), shooting it down first. */
void as_remove_thread_stack(struct addrspace *as, int stack_slot);

/* The Linux memory calls (mmap.c). Lengths are rounded up to pages; every
 * result is Linux's, including its errors. */
/* Bytes in the program's, heap and mmap regions (not the thread stacks,
 * whose reserved slots Linux would not count): what RLIMIT_AS limits. */
unsigned long as_mapped_bytes(struct addrspace *as);
long as_brk(struct addrspace *as, unsigned long new_brk);
#define AS_MAP_FIXED      1u   /* exactly at addr, replacing what is there */
#define AS_MAP_NOREPLACE  2u   /* exactly at addr, -EEXIST if anything is there */
#define AS_MAP_SHARED     4u   /* pages shared with fork children */
long as_mmap(struct addrspace *as, unsigned long addr, unsigned long len,
	     unsigned perm, unsigned how);
/* A MAP_SHARED mapping of an existing object (a tmpfs file): its pages from
 * `index` on, at addr as for as_mmap (AS_MAP_SHARED is implied); the new
 * region takes its own reference to shm. */
long as_mmap_object(struct addrspace *as, unsigned long addr, unsigned long len,
		    unsigned perm, unsigned how, struct shm *shm, unsigned long index);
long as_munmap(struct addrspace *as, unsigned long addr, unsigned long len);
long as_mprotect(struct addrspace *as, unsigned long addr, unsigned long len, unsigned perm);
/* MADV_DONTNEED: frees the pages; the next touch finds zeroes. */
long as_discard(struct addrspace *as, unsigned long addr, unsigned long len);
#define AS_REMAP_MAYMOVE 1u
#define AS_REMAP_FIXED   2u
long as_mremap(struct addrspace *as, unsigned long old, unsigned long old_len,
	       unsigned long new_len, unsigned how, unsigned long new_addr);
/* 0 if [addr, addr+len) is covered by regions, else -ENOMEM (msync, mlock). */
long as_check_mapped(struct addrspace *as, unsigned long addr, unsigned long len);
/* mincore: one byte per page of [addr, addr+len) to user vec, 1 if present. */
long as_mincore(struct addrspace *as, unsigned long addr, unsigned long len,
		unsigned long vec);

/* Checked copies between kernel and user memory: -EFAULT unless every byte
 * is user memory with the needed permission (pages on demand are supplied). */
int copy_to_user(struct addrspace *as, unsigned long dst, const void *src, size_t n);
int copy_from_user(struct addrspace *as, void *dst, unsigned long src, size_t n);
/* How a call that fills src for user dst ends: err if filling it failed,
 * else -EFAULT if the copy out fails, else 0. */
long copy_result_to_user(long err, struct addrspace *as, unsigned long dst, const void *src,
			 size_t n);
/* Copies a NUL-terminated string of at most max-1 bytes: its length,
 * -EFAULT, or -ENAMETOOLONG. */
long copy_string_from_user(struct addrspace *as, char *dst, unsigned long src, size_t max);

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
