/* Address spaces. Lock order: process lock, then as->lock, then the
 * allocator locks. Every function here that touches the page table or the
 * regions takes as->lock itself. */
#include "kernel/mm/addrspace.h"
#include "kernel/mm/frame.h"
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
	list_init(&as->regions);
	as->mmap_next = MMAP_BASE;
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

void as_destroy(struct addrspace *as)
{
	/* Trap-context pages are not PERM_U: free them through the region-free
	 * walk below, which the caller has done by removing every thread. */
	mmu_destroy(as->pt, free_user_frame);
	while (!list_empty(&as->regions))
		kfree(list_entry(list_pop_front(&as->regions), struct region, link));
	kfree(as);
}

/* Called with as->lock held. */
static struct region *find_region(struct addrspace *as, unsigned long va)
{
	struct list_node *pos;
	list_for_each(pos, &as->regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (va >= r->start && va < r->end)
			return r;
	}
	return NULL;
}

static bool overlaps(struct addrspace *as, unsigned long start, unsigned long end)
{
	struct list_node *pos;
	list_for_each(pos, &as->regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (start < r->end && r->start < end)
			return true;
	}
	return false;
}

static int add_region_locked(struct addrspace *as, unsigned long start, unsigned long end,
			     unsigned perm, enum region_kind kind)
{
	if (start >= end || overlaps(as, start, end))
		return -EINVAL;
	struct region *r = kmalloc(sizeof *r);
	if (!r)
		return -ENOMEM;
	r->start = start;
	r->end = end;
	r->perm = perm;
	r->kind = kind;
	list_push_back(&as->regions, &r->link);
	return 0;
}

int as_add_region(struct addrspace *as, unsigned long start, unsigned long end,
		  unsigned perm, enum region_kind kind)
{
	spin_lock(&as->lock);
	int err = add_region_locked(as, start, end, perm, kind);
	spin_unlock(&as->lock);
	return err;
}

/* Flushes translations of this address space on the other harts that may run
 * it in user mode. Called after page-table entries were cleared. */
static void shootdown(struct addrspace *as, unsigned long va, unsigned long size)
{
	arch_fence();
	unsigned long mask = __atomic_load_n(&as->active_harts, __ATOMIC_SEQ_CST);
	extern void arch_tlb_flush_harts(unsigned long, unsigned long, unsigned long);
	if (mask)
		arch_tlb_flush_harts(mask, va, size);
}

/* Called with as->lock held. */
static void unmap_pages(struct addrspace *as, unsigned long start, unsigned long end)
{
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		unsigned long pa = mmu_unmap(as->pt, va);
		if (pa)
			frame_free((void *)pa);
	}
}

static void remove_range_locked(struct addrspace *as, unsigned long start, unsigned long end)
{
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, &as->regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (end <= r->start || start >= r->end)
			continue;
		unsigned long lo = start > r->start ? start : r->start;
		unsigned long hi = end < r->end ? end : r->end;
		unmap_pages(as, lo, hi);
		if (lo == r->start && hi == r->end) {
			list_remove(&r->link);
			kfree(r);
		} else if (lo == r->start) {
			r->start = hi;
		} else if (hi == r->end) {
			r->end = lo;
		} else {
			/* Split: keep [r->start, lo) here, [hi, r->end) as a new one. If
			 * that allocation fails the tail stays mapped-on-demand: trim it. */
			unsigned long old_end = r->end;
			r->end = lo;
			add_region_locked(as, hi, old_end, r->perm, r->kind);
		}
	}
}

void as_remove_range(struct addrspace *as, unsigned long start, unsigned long end)
{
	spin_lock(&as->lock);
	remove_range_locked(as, start, end);
	spin_unlock(&as->lock);
	shootdown(as, start, end - start);
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

void *as_populate(struct addrspace *as, unsigned long va)
{
	spin_lock(&as->lock);
	struct region *r = find_region(as, va);
	void *page = NULL;
	if (r) {
		unsigned long pa = mmu_translate(as->pt, va, PERM_U);
		page = pa ? (void *)PAGE_ROUND_DOWN(pa) : populate_locked(as, va, r->perm);
	}
	spin_unlock(&as->lock);
	return page;
}

/* Called with as->lock held: the physical address for an access of `perm`
 * at va, supplying a page on demand; 0 if the access is not allowed. */
static unsigned long resolve_locked(struct addrspace *as, unsigned long va, unsigned perm)
{
	unsigned long pa = mmu_translate(as->pt, va, perm | PERM_U);
	if (pa)
		return pa;
	struct region *r = find_region(as, va);
	if (!r || (r->perm & perm) != perm || mmu_translate(as->pt, va, PERM_U))
		return 0;
	void *page = populate_locked(as, va, r->perm);
	return page ? (unsigned long)page + (va & (PAGE_SIZE - 1)) : 0;
}

int as_handle_fault(struct addrspace *as, unsigned long va, unsigned access)
{
	spin_lock(&as->lock);
	unsigned long pa = resolve_locked(as, va, access);
	spin_unlock(&as->lock);
	return pa ? 0 : -EFAULT;
}

struct trap_context *as_map_trap_context(struct addrspace *as, int tid)
{
	void *page = frame_alloc();
	if (!page)
		return NULL;
	spin_lock(&as->lock);
	int err = mmu_map(as->pt, TRAP_CONTEXT(tid), (unsigned long)page, PERM_R | PERM_W);
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
	remove_range_locked(as, USTACK_BOTTOM(tid), USTACK_TOP(tid));
	int err = add_region_locked(as, USTACK_BOTTOM(tid), USTACK_TOP(tid),
				    PERM_R | PERM_W, REGION_STACK);
	spin_unlock(&as->lock);
	return err;
}

void as_remove_thread(struct addrspace *as, int tid, int stack_slot)
{
	spin_lock(&as->lock);
	if (stack_slot >= 0)    /* NO_STACK_SLOT (-1): a clone thread's */
		remove_range_locked(as, USTACK_BOTTOM(stack_slot), USTACK_TOP(stack_slot));
	unsigned long pa = mmu_unmap(as->pt, TRAP_CONTEXT(tid));
	spin_unlock(&as->lock);
	shootdown(as, 0, 0);
	if (pa)
		frame_free((void *)pa);
}

long as_brk(struct addrspace *as, unsigned long new_brk)
{
	spin_lock(&as->lock);
	unsigned long old = as->brk;
	if (new_brk < as->heap_start || new_brk >= MMAP_BASE) {
		spin_unlock(&as->lock);
		return (long)old;
	}
	unsigned long old_end = PAGE_ROUND_UP(old), new_end = PAGE_ROUND_UP(new_brk);
	bool shrink = new_end < old_end;
	if (new_end > old_end) {
		struct region *heap = find_region(as, as->heap_start);
		if (heap && heap->kind == REGION_HEAP && !overlaps(as, old_end, new_end))
			heap->end = new_end;
		else if (heap || add_region_locked(as, as->heap_start, new_end,
						   PERM_R | PERM_W, REGION_HEAP)) {
			spin_unlock(&as->lock);
			return (long)old;
		}
	} else if (shrink) {
		remove_range_locked(as, new_end, old_end);
	}
	as->brk = new_brk;
	spin_unlock(&as->lock);
	if (shrink)
		shootdown(as, new_end, old_end - new_end);
	return (long)new_brk;
}

long as_mmap(struct addrspace *as, unsigned long len, unsigned perm)
{
	len = PAGE_ROUND_UP(len);
	spin_lock(&as->lock);
	unsigned long start = as->mmap_next;
	long result = -ENOMEM;
	if (start + len <= MMAP_END && start + len > start &&
	    add_region_locked(as, start, start + len, perm, REGION_MMAP) == 0) {
		as->mmap_next = start + len;
		result = (long)start;
	}
	spin_unlock(&as->lock);
	return result;
}

long as_munmap(struct addrspace *as, unsigned long addr, unsigned long len)
{
	if ((addr & (PAGE_SIZE - 1)) || len == 0 || addr < MMAP_BASE ||
	    addr + len > MMAP_END || addr + len < addr)
		return -EINVAL;
	as_remove_range(as, addr, addr + PAGE_ROUND_UP(len));
	return 0;
}

/* Fork: copy one page. Called with both locks held (parent's, child's). */
struct clone_state {
	struct addrspace *child;
	int err;
};

static void clone_page(void *arg, unsigned long va, unsigned long pa, unsigned perm)
{
	struct clone_state *cs = arg;
	if (cs->err)
		return;
	void *copy = frame_alloc();
	if (!copy) {
		cs->err = -ENOMEM;
		return;
	}
	memcpy(copy, (void *)pa, PAGE_SIZE);
	if (mmu_map(cs->child->pt, va, (unsigned long)copy, perm)) {
		frame_free(copy);
		cs->err = -ENOMEM;
	}
}

struct addrspace *as_clone(struct addrspace *as)
{
	struct addrspace *child = as_create();
	if (!child)
		return NULL;
	spin_lock(&as->lock);
	struct clone_state cs = { .child = child, .err = 0 };
	struct list_node *pos;
	list_for_each(pos, &as->regions) {
		struct region *r = list_entry(pos, struct region, link);
		struct region *copy = kmalloc(sizeof *copy);
		if (!copy) {
			cs.err = -ENOMEM;
			break;
		}
		*copy = *r;
		list_push_back(&child->regions, &copy->link);
	}
	child->heap_start = as->heap_start;
	child->brk = as->brk;
	child->mmap_next = as->mmap_next;
	if (!cs.err)
		mmu_for_each_user_page(as->pt, clone_page, &cs);
	spin_unlock(&as->lock);
	if (cs.err) {
		as_destroy(child);
		return NULL;
	}
	return child;
}


/* Copies n bytes between kernel buffer k and user address u, page by page.
 * `to_user` selects the direction. */
static int copy_user(struct addrspace *as, unsigned long u, void *k, size_t n, bool to_user)
{
	char *kp = k;
	spin_lock(&as->lock);
	while (n) {
		unsigned long pa = resolve_locked(as, u, to_user ? PERM_W : PERM_R);
		if (!pa) {
			spin_unlock(&as->lock);
			return -EFAULT;
		}
		size_t chunk = PAGE_SIZE - (u & (PAGE_SIZE - 1));
		if (chunk > n)
			chunk = n;
		if (to_user)
			memcpy((void *)pa, kp, chunk);
		else
			memcpy(kp, (void *)pa, chunk);
		u += chunk;
		kp += chunk;
		n -= chunk;
	}
	spin_unlock(&as->lock);
	return 0;
}

int copy_to_user(struct addrspace *as, unsigned long dst, const void *src, size_t n)
{
	return copy_user(as, dst, (void *)src, n, true);
}

int copy_from_user(struct addrspace *as, void *dst, unsigned long src, size_t n)
{
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
