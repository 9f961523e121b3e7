/* mremap: shrink, grow in place, or move a mapping. A move carries the
 * page-table entries over (the frames stay; nothing is copied), then shoots
 * the old range down before the call returns, as every narrowing must. */
#include "kernel/mm/addrspace.h"
#include "kernel/mm/region.h"
#include "kernel/mm/unmap.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/shm.h"
#include "kernel/mm/frame.h"
#include <dakota/syscall.h>

struct move {
	struct addrspace *as;
	struct zap *freed;          /* emptied table pages of the old range */
	unsigned long delta;        /* new address - old address */
	unsigned perm;
	int err;
};

/* First pass: the table pages for every destination, so that the second
 * pass cannot fail half-way. */
static void reserve_page(void *arg, unsigned long va, unsigned long pa, unsigned perm)
{
	struct move *m = arg;
	(void)pa, (void)perm;
	if (!m->err)
		m->err = mmu_reserve(m->as->pt, va + m->delta);
}

/* A copy-on-write page (another address space owns the frame too) moves
 * read-only, as it was. */
static unsigned page_perm(unsigned perm, unsigned long pa)
{
	return frame_is_shared((void *)pa) ? perm & ~PERM_W : perm;
}

static void move_page(void *arg, unsigned long va, unsigned long pa)
{
	struct move *m = arg;
	if (va == MMU_TABLE_PAGE)
		zap_add(m->freed, va, pa);
	else    /* cannot fail: the destination is unmapped, its tables exist */
		mmu_map(m->as->pt, va + m->delta, pa, page_perm(m->perm, pa) | PERM_U);
}

/* Called with as->lock held: moves [old, old+len), exactly one region r,
 * to the free range at dst (dst_len bytes, at least len). */
static long move_locked(struct addrspace *as, struct region *r, unsigned long dst,
			unsigned long dst_len)
{
	unsigned long old = r->start, len = r->end - r->start;
	struct zap freed = { .as = as };
	struct move m = { .as = as, .freed = &freed, .delta = dst - old, .perm = r->perm };
	mmu_visit_range(as->pt, old, old + len, reserve_page, &m);
	if (m.err)
		return m.err;
	/* The new region takes its own reference to a shared object (the old
	 * one's goes below) and keeps the source of pages not yet filled. */
	long err = region_insert_like(as, dst, dst + dst_len, r, 0);
	if (err)
		return err;
	mmu_unmap_range(as->pt, old, old + len, true, move_page, &m);
	region_drop(as, old, old + len);
	if (freed.n)
		zap_flush(&freed);
	else
		as_shootdown(as, old, len);
	return (long)dst;
}

/* Called with as->lock held: grows the region ending at `end` by `more`
 * bytes if nothing is mapped there. */
static bool grow_locked(struct addrspace *as, struct region *r, unsigned long more)
{
	if (r->end + more < r->end || r->end + more > MMAP_END ||
	    region_overlaps(as, r->end, r->end + more))
		return false;
	r->end += more;
	return true;
}

static long remap_locked(struct addrspace *as, unsigned long old, unsigned long old_len,
			 unsigned long new_len, unsigned how, unsigned long dst)
{
	struct region *r = region_find(as, old);
	if (!r || old + old_len > r->end)
		return -EFAULT;
	/* A shared object has a fixed size: such a mapping may shrink or
	 * move, not grow. */
	if (r->shm && new_len > old_len)
		return -ENOMEM;
	if (how & AS_REMAP_FIXED) {
		if (as_remove_locked(as, dst, dst + new_len))
			return -ENOMEM;
	} else if (new_len <= old_len) {
		return as_remove_locked(as, old + new_len, old + old_len) ? -ENOMEM : (long)old;
	} else if (old + old_len == r->end && grow_locked(as, r, new_len - old_len)) {
		return (long)old;
	} else if (!(how & AS_REMAP_MAYMOVE) ||
		   !(dst = region_gap(as, new_len, MMAP_BASE, MMAP_END))) {
		return -ENOMEM;
	}
	/* Moving: what is left of the old range beyond new_len goes first, then
	 * the region is cut to exactly the range that moves. */
	if (new_len < old_len && as_remove_locked(as, old + new_len, old + old_len))
		return -ENOMEM;
	unsigned long keep = new_len < old_len ? new_len : old_len;
	if (region_split(as, old) || region_split(as, old + keep))
		return -ENOMEM;
	return move_locked(as, region_find(as, old), dst, new_len);
}

long as_mremap(struct addrspace *as, unsigned long old, unsigned long old_len,
	       unsigned long new_len, unsigned how, unsigned long new_addr)
{
	old_len = PAGE_ROUND_UP(old_len);
	new_len = PAGE_ROUND_UP(new_len);
	if ((old & (PAGE_SIZE - 1)) || !new_len || !old_len)
		return -EINVAL;
	if (old + old_len < old || old + old_len > MMAP_END)
		return -EFAULT;
	if (how & AS_REMAP_FIXED) {
		if ((new_addr & (PAGE_SIZE - 1)) || new_addr < MMAP_MIN)
			return -EINVAL;
		if (new_addr + new_len < new_addr || new_addr + new_len > MMAP_END)
			return -EINVAL;
		if (new_addr < old + old_len && old < new_addr + new_len)
			return -EINVAL;
	}
	spin_lock(&as->lock);
	long result = remap_locked(as, old, old_len, new_len, how, new_addr);
	spin_unlock(&as->lock);
	return result;
}
