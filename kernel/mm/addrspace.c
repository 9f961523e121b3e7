/* Address spaces: the page table, the regions, the fault path, user copies.
 *
 * THE RULE for taking a page away (unmap, narrowing mprotect, mremap's move,
 * MADV_DONTNEED, a thread's stack slot, brk shrinking):
 *
 *   1. change the page-table entries (under as->lock);
 *   2. shoot down: flush the range on every hart in as->active_harts, and
 *      wait until each has done it (SBI RFENCE is synchronous);
 *   3. only then free the frames (or let the range be mapped again).
 *
 * Until step 2 returns, a thread of this process on another hart may still
 * write through its TLB into the old frame; if the frame were free by then,
 * those writes would land in whatever the frame became (another process's
 * page): a break of isolation. Steps 1-3 all happen with as->lock held, so
 * that nobody maps the range again, and nobody reuses the frames, before
 * the other harts have let go. The hart doing the unmap needs no flush: it is
 * in the kernel, on the kernel page table, flushed when it trapped in.
 *
 * The same holds for page-table pages emptied by an unmap (walkers cache
 * non-leaf entries, so those need a flush of everything, not of the range),
 * and for a shared (MAP_SHARED) frame, which its shm object frees only after
 * the last region using it is gone, each region's pages shot down first.
 * The implementation is struct zap (unmap.h): as_zap_locked, as_remove_locked.
 *
 * A hart enters active_harts (as_activate) before it loads this space's satp,
 * and leaves it only after trapping onto the kernel table (which flushes its
 * TLB), so a mask read after step 1 names every hart that may hold a stale
 * entry.
 *
 * as->lock is a spinlock (interrupts off); nobody sleeps holding it. Holding
 * it across the RFENCE cannot deadlock with a hart spinning on it: SBI
 * delivers the fence as a machine-mode interrupt, which a hart takes whatever
 * its supervisor interrupt state. Lock order: process lock, then as->lock,
 * then shm, frame and kmalloc locks. Every exported function here takes
 * as->lock itself. */
#include "kernel/mm/addrspace.h"
#include "kernel/debug/race_delay.h"
#include "kernel/mm/region.h"
#include "kernel/mm/unmap.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/shm.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/layout.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include <dakota/syscall.h>

extern char __trampoline[], __exit_stub[];

struct addrspace *as_create(void)
{
	struct addrspace *as = kmalloc(sizeof *as);
	if (!as)
		return NULL;
	spin_init(&as->lock, "addrspace", LOCK_ADDRSPACE);
	as->users = 1;
	list_init(&as->regions);
	as->pt = mmu_create();
	if (!as->pt)
		goto free_as;
	if (mmu_map(as->pt, TRAMPOLINE, (unsigned long)__trampoline, PERM_R | PERM_X | PERM_SHARED))
		goto free_pt;
	if (mmu_map(as->pt, EXIT_STUB, (unsigned long)__exit_stub,
		    PERM_R | PERM_X | PERM_U | PERM_SHARED))
		goto free_pt;
	return as;

free_pt:
	mmu_destroy(as->pt, NULL);
free_as:
	kfree(as);
	return NULL;
}

static void free_user_frame(unsigned long pa)
{
	frame_free((void *)pa);
}

/* Unhooks the pages of a shared region from a dying table, keeping the
 * frames (the shm object owns them) and freeing emptied table pages. */
static void drop_shared_page(void *arg, unsigned long va, unsigned long pa)
{
	(void)arg;
	if (va == MMU_TABLE_PAGE)
		frame_free((void *)pa);
}

/* No thread runs in `as` any more, so no hart holds its translations: the
 * frames can go at once. Trap-context pages are not user pages (the table
 * does not free them): every one a thread of `as` ever had is still mapped
 * (as_map_trap_context) and goes here. */
void as_destroy(struct addrspace *as)
{
	for (int w = 0; w < IDALLOC_WORDS(CONFIG_MAX_THREADS); w++) {
		int tid = w * IDALLOC_WORD_BITS;
		for (unsigned long bits = as->trap_pages[w]; bits; bits >>= 1, tid++)
			if (bits & 1)
				frame_free((void *)mmu_unmap(as->pt, TRAP_CONTEXT(tid)));
	}
	struct list_node *pos;
	list_for_each(pos, &as->regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (r->shm)
			mmu_unmap_range(as->pt, r->start, r->end, true, drop_shared_page, NULL);
	}
	mmu_destroy(as->pt, free_user_frame);
	while (!list_empty(&as->regions)) {
		struct region *r = list_entry(list_pop_front(&as->regions), struct region, link);
		if (r->shm)
			shm_put(r->shm);
		kfree(r);
	}
	kfree(as);
}

void as_put(struct addrspace *as)
{
	if (__atomic_sub_fetch(&as->users, 1, __ATOMIC_ACQ_REL) == 0)
		as_destroy(as);
}

int as_add_region(struct addrspace *as, unsigned long start, unsigned long end,
		  unsigned perm, enum region_kind kind)
{
	spin_lock(&as->lock);
	int err = region_insert(as, start, end, perm, kind);
	spin_unlock(&as->lock);
	return err;
}

int as_add_source_region(struct addrspace *as, unsigned long start, unsigned long end,
			 unsigned perm, const struct region_source *src, unsigned long index)
{
	struct region model = { .perm = perm, .kind = REGION_ELF, .src = src, .src_index = index };
	spin_lock(&as->lock);
	int err = region_insert_like(as, start, end, &model, 0);
	spin_unlock(&as->lock);
	return err;
}

_Atomic unsigned long as_shootdown_count;

void as_shootdown(struct addrspace *as, unsigned long va, unsigned long size)
{
	/* The entries are cleared; another hart may still hold them. */
	race_delay(RACE_PTE_SHOOTDOWN);
	/* The page-table stores must be visible before the mask is read: a hart
	 * that activates after this load walks the new table. */
	arch_fence();
	unsigned long mask = __atomic_load_n(&as->active_harts, __ATOMIC_SEQ_CST);
	if (mask) {
		arch_tlb_flush_harts(mask, va, size);
		as_shootdown_count++;
	}
}

void zap_flush(struct zap *z)
{
	if (!z->cleared)
		return;
	if (z->tables)
		as_shootdown(z->as, 0, 0);
	else
		as_shootdown(z->as, z->lo, z->hi - z->lo);
	for (unsigned i = 0; i < z->n; i++)
		frame_free((void *)z->frames[i]);
	z->n = 0;
	z->cleared = z->tables = false;
}

void zap_cleared(struct zap *z, unsigned long va)
{
	if (va == MMU_TABLE_PAGE) {
		z->tables = true;
	} else {
		if (!z->cleared || va < z->lo)
			z->lo = va;
		if (!z->cleared || va + PAGE_SIZE > z->hi)
			z->hi = va + PAGE_SIZE;
	}
	z->cleared = true;
}

void zap_add(struct zap *z, unsigned long va, unsigned long pa)
{
	if (z->n == ZAP_BATCH)
		zap_flush(z);
	zap_cleared(z, va);
	z->frames[z->n++] = pa;
}

static void zap_page(void *arg, unsigned long va, unsigned long pa)
{
	zap_add(arg, va, pa);
}

/* A page of a shared region: its frame belongs to the shm object. */
static void zap_shared_page(void *arg, unsigned long va, unsigned long pa)
{
	if (va == MMU_TABLE_PAGE)
		zap_add(arg, va, pa);
	else
		zap_cleared(arg, va);
}

void as_zap_locked(struct addrspace *as, unsigned long start, unsigned long end)
{
	struct zap z = { .as = as };
	unsigned long cursor = start;
	struct list_node *pos;
	list_for_each(pos, &as->regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (r->start >= end)
			break;
		if (r->end <= cursor || !r->shm)
			continue;
		unsigned long lo = r->start > cursor ? r->start : cursor;
		unsigned long hi = r->end < end ? r->end : end;
		mmu_unmap_range(as->pt, cursor, lo, true, zap_page, &z);
		mmu_unmap_range(as->pt, lo, hi, true, zap_shared_page, &z);
		cursor = hi;
	}
	mmu_unmap_range(as->pt, cursor, end, true, zap_page, &z);
	zap_flush(&z);
}

int as_remove_locked(struct addrspace *as, unsigned long start, unsigned long end)
{
	/* Splits first: if one fails nothing was unmapped, and a region cut in
	 * two pieces with equal attributes means what it meant before. */
	if (region_split(as, start) || region_split(as, end))
		return -ENOMEM;
	as_zap_locked(as, start, end);
	region_drop(as, start, end);
	return 0;
}

int as_remove_range(struct addrspace *as, unsigned long start, unsigned long end)
{
	spin_lock(&as->lock);
	int err = as_remove_locked(as, start, end);
	spin_unlock(&as->lock);
	return err;
}

/* Called with as->lock held. */
static void *populate_locked(struct addrspace *as, unsigned long va, unsigned perm)
{
	void *page = frame_alloc();
	if (!page)
		return NULL;
	if (mmu_map(as->pt, PAGE_ROUND_DOWN(va), (unsigned long)page, perm | PERM_U)) {
		frame_free(page);
		return NULL;
	}
	return page;
}

/* Called with as->lock held, va's page not present: that page of r built
 * by its source and mapped. The frame comes unzeroed: fill writes every
 * byte before the page is mapped, and holding the lock keeps another thread
 * of the process from filling the same page meanwhile (it finds this one). */
static void *fill_locked(struct addrspace *as, struct region *r, unsigned long va)
{
	void *page = frame_alloc_dirty();
	if (!page)
		return NULL;
	va = PAGE_ROUND_DOWN(va);
	r->src->fill(r->src, r->src_index + (va - r->start) / PAGE_SIZE, page);
	if (mmu_map(as->pt, va, (unsigned long)page, r->perm | PERM_U)) {
		frame_free(page);
		return NULL;
	}
	return page;
}

_Atomic unsigned long as_cow_copies, as_cow_reuses;

/* Called with as->lock held: a write to va, whose page is mapped read-only
 * in the writable private region r. That is copy-on-write: since a fork,
 * the frame may have other owners (frame.h). If it has none any more it
 * becomes writable where it is; other harts holding the read-only
 * translation fault once more and find it writable. Otherwise this space
 * gets a copy, and lets go of the shared frame only after its shootdown
 * (THE RULE above): another thread of this process may still read the old
 * frame through its TLB, and the frame's last owner may write it, or free
 * it, as soon as this space lets go. 0 if no frame could be had. */
static unsigned long cow_break_locked(struct addrspace *as, struct region *r, unsigned long va)
{
	unsigned long page_va = PAGE_ROUND_DOWN(va);
	unsigned long old = mmu_translate(as->pt, page_va, PERM_R | PERM_U);
	if (!old || r->shm)
		panic("addrspace: a read-only page at %lx of a writable region is not "
		      "a private readable page", page_va);
	if (!frame_is_shared((void *)old)) {
		mmu_remap(as->pt, page_va, old, r->perm | PERM_U);
		as_cow_reuses++;
		return old + (va - page_va);
	}
	void *copy = frame_alloc_dirty();   /* every byte is overwritten next */
	if (!copy)
		return 0;
	memcpy(copy, (void *)old, PAGE_SIZE);
	mmu_remap(as->pt, page_va, (unsigned long)copy, r->perm | PERM_U);
	as_shootdown(as, page_va, PAGE_SIZE);
	frame_free((void *)old);
	as_cow_copies++;
	return (unsigned long)copy + (va - page_va);
}

/* Called with as->lock held: the physical address for an access of `perm`
 * at va, supplying a page on demand; 0 if the access is not allowed. */
static unsigned long resolve_locked(struct addrspace *as, unsigned long va, unsigned perm)
{
	unsigned long pa = mmu_translate(as->pt, va, perm | PERM_U);
	if (pa)
		return pa;
	struct region *r = region_find(as, va);
	if (!r || (r->perm & perm) != perm)
		return 0;
	/* Mapped, allowed by the region, refused by the page: only a write to
	 * a copy-on-write page is that. */
	if (mmu_present(as->pt, va))
		return (perm & PERM_W) ? cow_break_locked(as, r, va) : 0;
	if (r->shm) {
		pa = shm_frame(r->shm, r->shm_index + (va - r->start) / PAGE_SIZE);
		if (!pa || mmu_map(as->pt, PAGE_ROUND_DOWN(va), pa, r->perm | PERM_U))
			return 0;
		return pa + (va & (PAGE_SIZE - 1));
	}
	void *page = r->src ? fill_locked(as, r, va) : populate_locked(as, va, r->perm);
	return page ? (unsigned long)page + (va & (PAGE_SIZE - 1)) : 0;
}

struct shm *as_shared_key(struct addrspace *as, unsigned long va, unsigned long *offset)
{
	struct region *r = region_find(as, va);
	if (!r || !r->shm)
		return NULL;
	*offset = (r->shm_index * PAGE_SIZE) + (va - r->start);
	return r->shm;
}

int as_handle_fault(struct addrspace *as, unsigned long va, unsigned access)
{
	spin_lock(&as->lock);
	int err = resolve_locked(as, va, access) ? 0 : -EFAULT;
	/* Allowed and still not there: no frame (or table page) could be had
	 * for a page on demand or a copy. */
	struct region *r = err ? region_find(as, va) : NULL;
	if (r && (r->perm & access) == access && !mmu_translate(as->pt, va, access | PERM_U))
		err = -ENOMEM;
	spin_unlock(&as->lock);
	return err;
}

/* A tid's trap-context page stays mapped, its frame allocated, from the
 * first thread with that tid until as_destroy. When a thread exits, another
 * hart of the process may still cache the page's translation; taking it
 * away would need a remote fence (THE RULE above) on every exit, which waits
 * for each hart in active_harts to take the fence. Kept, the entry never
 * changes, so a cached copy stays right, and the next thread with the tid
 * (a tid is free again only once its thread is off its hart for good) takes
 * the page back. CONFIG_MAX_THREADS bounds what a process keeps. */
struct trap_context *as_map_trap_context(struct addrspace *as, int tid)
{
	unsigned long bit = 1UL << (tid % IDALLOC_WORD_BITS);
	unsigned long *word = &as->trap_pages[tid / IDALLOC_WORD_BITS];
	spin_lock(&as->lock);
	void *page = (*word & bit) ? (void *)mmu_translate(as->pt, TRAP_CONTEXT(tid),
							    PERM_R | PERM_W) : NULL;
	spin_unlock(&as->lock);
	if (page) {
		/* Nothing of the old thread may reach the new one (uservec's
		 * kernel_sp, kernel_satp and handler included: return_to_user
		 * rewrites them when kernel_sp is not the thread's). Only the
		 * structure is ever written; the rest of the page is as
		 * frame_alloc left it, zero. */
		memset(page, 0, sizeof(struct trap_context));
		return page;
	}
	page = frame_alloc();
	if (!page)
		return NULL;
	spin_lock(&as->lock);
	int err = mmu_map(as->pt, TRAP_CONTEXT(tid), (unsigned long)page, PERM_R | PERM_W);
	if (!err)
		*word |= bit;
	spin_unlock(&as->lock);
	if (err) {
		frame_free(page);
		return NULL;
	}
	return page;
}

int as_add_thread_stack(struct addrspace *as, int tid)
{
	spin_lock(&as->lock);
	/* A fork child inherits the parent's stack slots; a new thread with one
	 * of those tids starts on a clean stack. */
	int err = 0;
	if (region_overlaps(as, USTACK_BOTTOM(tid), USTACK_TOP(tid)))
		err = as_remove_locked(as, USTACK_BOTTOM(tid), USTACK_TOP(tid));
	if (!err)
		err = region_insert(as, USTACK_BOTTOM(tid), USTACK_TOP(tid),
				    PERM_R | PERM_W, REGION_STACK);
	spin_unlock(&as->lock);
	return err;
}

void as_remove_thread_stack(struct addrspace *as, int stack_slot)
{
	/* A stack slot is one private region that user calls cannot reach
	 * (they stop at MMAP_END), so it goes whole. A clone thread has none
	 * (NO_STACK_SLOT, -1): it runs on memory its creator mapped. The
	 * trap-context page stays (as_map_trap_context). */
	if (stack_slot < 0)
		return;
	spin_lock(&as->lock);
	struct zap z = { .as = as };
	mmu_unmap_range(as->pt, USTACK_BOTTOM(stack_slot), USTACK_TOP(stack_slot), false,
			zap_page, &z);
	region_drop(as, USTACK_BOTTOM(stack_slot), USTACK_TOP(stack_slot));
	zap_flush(&z);
	spin_unlock(&as->lock);
}

/* Fork of a private page: parent and child own the frame together, both
 * mapping it read-only (mmu_clone_range's write_protect) until the first
 * write of either (cow_break_locked). Called with the parent's lock held
 * (the child is not visible to anyone yet). */
static unsigned long share_private_page(void *arg, unsigned long va, unsigned long pa)
{
	(void)arg;
	(void)va;
	frame_share((void *)pa);
	return pa;
}

/* Fork of a page of a shared region: the child maps the same frame, which
 * the shm object owns. */
static unsigned long share_page(void *arg, unsigned long va, unsigned long pa)
{
	(void)arg;
	(void)va;
	return pa;
}

/* Called with as->lock held. Copies the region list: 0 or -ENOMEM. */
static int clone_regions(struct addrspace *as, struct addrspace *child)
{
	struct list_node *pos;
	list_for_each(pos, &as->regions) {
		struct region *r = list_entry(pos, struct region, link);
		struct region *copy = kmalloc(sizeof *copy);
		if (!copy)
			return -ENOMEM;
		*copy = *r;
		if (r->shm)
			shm_get(r->shm);
		list_push_back(&child->regions, &copy->link);
	}
	return 0;
}

/* Every user page lies in a region, so copying region by region copies them
 * all, and each walk scans only the table slots its region covers.
 *
 * The parent's private pages lose write permission here. Other threads of
 * the parent, on other harts, may hold writable translations of them: they
 * are shot down before the child exists for anyone, so that no write of
 * the parent reaches a frame the child sees as its own after the fork. */
struct addrspace *as_clone(struct addrspace *as)
{
	struct addrspace *child = as_create();
	if (!child)
		return NULL;
	spin_lock(&as->lock);
	int err = clone_regions(as, child);
	child->heap_start = as->heap_start;
	child->brk = as->brk;
	struct list_node *pos;
	for (pos = as->regions.next; !err && pos != &as->regions; pos = pos->next) {
		struct region *r = list_entry(pos, struct region, link);
		err = mmu_clone_range(as->pt, child->pt, r->start, r->end, !r->shm,
				      r->shm ? share_page : share_private_page, NULL);
	}
	as_shootdown(as, 0, 0);
	spin_unlock(&as->lock);
	if (err) {
		as_destroy(child);
		return NULL;
	}
	return child;
}



/* The frame address of user address u for an access with `perm`
 * (PERM_R or PERM_W), faulting the page in or breaking its copy-on-write
 * share if needed; 0 if the access is not allowed. as->lock held. */
static inline unsigned long translate_locked(struct addrspace *as, unsigned long u,
					     unsigned perm)
{
	/* A present page straight from the table (resolve_locked's own first
	 * step, without its frame); the rest goes through it. */
	unsigned long pa = mmu_translate(as->pt, u, perm | PERM_U);
	return pa ? pa : resolve_locked(as, u, perm);
}

/* A short copy (a pipe's byte, an int) costs less inline than a call to
 * memcpy (volatile: not turned back into one). */
static inline void copy_bytes(char *dst, const char *src, size_t n)
{
	if (n <= 16)
		for (size_t i = 0; i < n; i++)
			((volatile char *)dst)[i] = src[i];
	else
		memcpy(dst, src, n);
}

/* Copies n bytes between kernel buffer k and user address u, page by page.
 * `to_user` selects the direction. as->lock keeps each page mapped (and its
 * frame this space's) while its bytes move. */
static int copy_user(struct addrspace *as, unsigned long u, void *k, size_t n, bool to_user)
{
	char *kp = k;
	unsigned perm = to_user ? PERM_W : PERM_R;
	spin_lock(&as->lock);
	while (n) {
		unsigned long pa = translate_locked(as, u, perm);
		if (!pa) {
			spin_unlock(&as->lock);
			return -EFAULT;
		}
		size_t chunk = PAGE_SIZE - (u & (PAGE_SIZE - 1));
		if (chunk > n)
			chunk = n;
		copy_bytes(to_user ? (char *)pa : kp, to_user ? kp : (const char *)pa, chunk);
		u += chunk;
		kp += chunk;
		n -= chunk;
	}
	spin_unlock(&as->lock);
	return 0;
}

/* copy_user for n bytes that lie in one page (a pipe's byte, a struct):
 * the common case, with no loop to carry; inline in copy_to_user and
 * copy_from_user, so each has its direction fixed. */
__attribute__((always_inline)) static inline int copy_user_page(struct addrspace *as,
								unsigned long u, void *k,
								size_t n, bool to_user)
{
	spin_lock(&as->lock);
	unsigned long pa = translate_locked(as, u, to_user ? PERM_W : PERM_R);
	if (pa)
		copy_bytes(to_user ? (char *)pa : k, to_user ? k : (const char *)pa, n);
	spin_unlock(&as->lock);
	return pa ? 0 : -EFAULT;
}

/* A copy copy_user_page can make (an empty one touches no page: copy_user). */
static inline bool within_page(unsigned long u, size_t n)
{
	return n && n <= PAGE_SIZE - (u & (PAGE_SIZE - 1));
}

int copy_to_user(struct addrspace *as, unsigned long dst, const void *src, size_t n)
{
	if (within_page(dst, n))
		return copy_user_page(as, dst, (void *)src, n, true);
	return copy_user(as, dst, (void *)src, n, true);
}

long copy_result_to_user(long err, struct addrspace *as, unsigned long dst, const void *src,
			 size_t n)
{
	if (err)
		return err;
	return copy_to_user(as, dst, src, n) ? -EFAULT : 0;
}

int copy_from_user(struct addrspace *as, void *dst, unsigned long src, size_t n)
{
	if (within_page(src, n))
		return copy_user_page(as, src, dst, n, false);
	return copy_user(as, src, dst, n, false);
}

long copy_string_from_user(struct addrspace *as, char *dst, unsigned long src, size_t max)
{
	spin_lock(&as->lock);
	for (size_t i = 0; i < max; i++) {
		unsigned long pa = resolve_locked(as, src + i, PERM_R);
		if (!pa) {
			spin_unlock(&as->lock);
			return -EFAULT;
		}
		dst[i] = *(char *)pa;
		if (!dst[i]) {
			spin_unlock(&as->lock);
			return (long)i;
		}
	}
	spin_unlock(&as->lock);
	return -ENAMETOOLONG;
}
