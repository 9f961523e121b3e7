/* The Linux memory calls on an address space: brk, mmap, munmap, mprotect,
 * madvise(MADV_DONTNEED), mremap, and the checks behind msync, mlock and
 * mincore. Pages are never allocated here: a region only says what may be
 * touched, and the fault path supplies zeroed pages on first touch, so a
 * PROT_NONE reservation of 128 MiB costs one region and no frame.
 *
 * Everything that takes pages away goes through as_remove_locked or
 * as_zap_locked (unmap.h), which keep the order of addrspace.c: clear the
 * entries, shoot down, then free. */
#include "kernel/mm/addrspace.h"
#include "kernel/mm/region.h"
#include "kernel/mm/unmap.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/shm.h"
#include <dakota/syscall.h>

/* True if [addr, addr+len) is a non-empty range that user calls may touch. */
static bool user_range(unsigned long addr, unsigned long len)
{
	return len && addr + len > addr && addr + len <= MMAP_END;
}

/* The range checks Linux's mprotect, madvise and mincore share: the start must
 * be page-aligned (-EINVAL) and a non-empty range, its length rounded up to
 * whole pages, must lie in user space (-ENOMEM). Returns that rounded length
 * (0 for an empty range, which succeeds) or a negative errno. */
static long page_range_len(unsigned long addr, unsigned long len)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	len = PAGE_ROUND_UP(len);
	if (len && !user_range(addr, len))
		return -ENOMEM;
	return (long)len;
}

unsigned long as_mapped_bytes(struct addrspace *as)
{
	unsigned long total = 0;
	spin_lock(&as->lock);
	struct list_node *pos;
	list_for_each(pos, &as->regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (r->kind != REGION_STACK)
			total += r->end - r->start;
	}
	spin_unlock(&as->lock);
	return total;
}

long as_brk(struct addrspace *as, unsigned long new_brk)
{
	spin_lock(&as->lock);
	long result = (long)as->brk;
	if (new_brk < as->heap_start || new_brk >= MMAP_BASE)
		goto out;
	unsigned long old_end = PAGE_ROUND_UP(as->brk), new_end = PAGE_ROUND_UP(new_brk);
	if (new_end > old_end) {
		if (region_overlaps(as, old_end, new_end))
			goto out;
		struct region *heap = old_end > as->heap_start ? region_find(as, old_end - 1) : NULL;
		if (heap && heap->kind == REGION_HEAP && heap->end == old_end)
			heap->end = new_end;
		else if (region_insert(as, old_end, new_end, PERM_R | PERM_W, REGION_HEAP))
			goto out;
	} else if (new_end < old_end && as_remove_locked(as, new_end, old_end)) {
		goto out;
	}
	as->brk = new_brk;
	result = (long)new_brk;
out:
	spin_unlock(&as->lock);
	return result;
}

/* Where a mapping without MAP_FIXED goes: the hint if that range is free,
 * else the lowest gap in the mmap area; 0 if nothing fits. */
static unsigned long place(struct addrspace *as, unsigned long hint, unsigned long len)
{
	hint = PAGE_ROUND_DOWN(hint);
	if (hint >= MMAP_MIN && user_range(hint, len) && !region_overlaps(as, hint, hint + len))
		return hint;
	return region_gap(as, len, MMAP_BASE, MMAP_END);
}

/* Called with as->lock held: the new region at addr, taking over the
 * reference to shm if there is one (its page `index` at addr). */
static long map_locked(struct addrspace *as, unsigned long addr, unsigned long len,
		       unsigned perm, unsigned how, struct shm *shm, unsigned long index)
{
	long err = 0;
	if ((how & AS_MAP_NOREPLACE) && region_overlaps(as, addr, addr + len))
		err = -EEXIST;
	else if (how & AS_MAP_FIXED)
		err = as_remove_locked(as, addr, addr + len);
	else if (!(addr = place(as, addr, len)))
		err = -ENOMEM;
	if (!err)
		err = shm ? region_insert_shared(as, addr, addr + len, perm, shm, index) :
			    region_insert(as, addr, addr + len, perm, REGION_MMAP);
	return err ? err : (long)addr;
}

/* Linux's checks of a fixed address; 0 or the error. */
static long check_fixed(unsigned long addr, unsigned long len, unsigned how)
{
	if (!(how & (AS_MAP_FIXED | AS_MAP_NOREPLACE)))
		return 0;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (addr < MMAP_MIN)
		return -EPERM;
	return user_range(addr, len) ? 0 : -ENOMEM;
}

/* Maps len bytes (rounded up, non-zero) with shm's pages from `index`, or
 * private pages when shm is NULL; on success the region owns the caller's
 * reference to shm. */
static long map(struct addrspace *as, unsigned long addr, unsigned long len, unsigned perm,
		unsigned how, struct shm *shm, unsigned long index)
{
	spin_lock(&as->lock);
	long result = map_locked(as, addr, len, perm, how, shm, index);
	spin_unlock(&as->lock);
	return result;
}

long as_mmap(struct addrspace *as, unsigned long addr, unsigned long len,
	     unsigned perm, unsigned how)
{
	len = PAGE_ROUND_UP(len);
	if (!len || len > MMAP_END)
		return -ENOMEM;
	long err = check_fixed(addr, len, how);
	if (err)
		return err;
	struct shm *shm = NULL;
	if ((how & AS_MAP_SHARED) && !(shm = shm_create(len / PAGE_SIZE)))
		return -ENOMEM;
	long result = map(as, addr, len, perm, how, shm, 0);
	if (result < 0 && shm)
		shm_put(shm);
	return result;
}

long as_mmap_object(struct addrspace *as, unsigned long addr, unsigned long len,
		    unsigned perm, unsigned how, struct shm *shm, unsigned long index)
{
	len = PAGE_ROUND_UP(len);
	if (!len || len > MMAP_END || index > SHM_MAX_PAGES)
		return -ENOMEM;
	long err = check_fixed(addr, len, how);
	if (err)
		return err;
	shm_get(shm);
	long result = map(as, addr, len, perm, how, shm, index);
	if (result < 0)
		shm_put(shm);
	return result;
}

long as_munmap(struct addrspace *as, unsigned long addr, unsigned long len)
{
	len = PAGE_ROUND_UP(len);
	if ((addr & (PAGE_SIZE - 1)) || !user_range(addr, len))
		return -EINVAL;
	return as_remove_range(as, addr, addr + len);
}

/* Called with as->lock held; [start, end) covered and split at both ends.
 * True if some page lost a permission (which then needs a shootdown). */
static bool set_perm_locked(struct addrspace *as, unsigned long start, unsigned long end,
			    unsigned perm)
{
	bool narrowed = false;
	struct list_node *pos;
	list_for_each(pos, &as->regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (r->start >= end)
			break;
		if (r->end <= start)
			continue;
		narrowed |= (r->perm & ~perm) != 0;
		r->perm = perm;
	}
	mmu_protect_range(as->pt, start, end, perm);
	return narrowed;
}

long as_mprotect(struct addrspace *as, unsigned long addr, unsigned long len, unsigned perm)
{
	long span = page_range_len(addr, len);
	if (span <= 0)
		return span;
	len = (unsigned long)span;
	unsigned long end = addr + len;
	spin_lock(&as->lock);
	long err = -ENOMEM;
	if (region_covers(as, addr, end) && !region_split(as, addr) && !region_split(as, end)) {
		/* A page that lost a permission may still be reachable with it
		 * through another hart's TLB until the shootdown. */
		if (set_perm_locked(as, addr, end, perm))
			as_shootdown(as, addr, len);
		region_merge(as);
		err = 0;
	}
	spin_unlock(&as->lock);
	return err;
}

long as_discard(struct addrspace *as, unsigned long addr, unsigned long len)
{
	long span = page_range_len(addr, len);
	if (span <= 0)
		return span;
	len = (unsigned long)span;
	spin_lock(&as->lock);
	bool covered = region_covers(as, addr, addr + len);
	as_zap_locked(as, addr, addr + len);
	spin_unlock(&as->lock);
	return covered ? 0 : -ENOMEM;
}

long as_check_mapped(struct addrspace *as, unsigned long addr, unsigned long len)
{
	len = PAGE_ROUND_UP(len);
	if (!len)
		return 0;
	if (!user_range(addr, len))
		return -ENOMEM;
	spin_lock(&as->lock);
	bool covered = region_covers(as, addr, addr + len);
	spin_unlock(&as->lock);
	return covered ? 0 : -ENOMEM;
}

long as_mincore(struct addrspace *as, unsigned long addr, unsigned long len,
		unsigned long vec)
{
	long span = page_range_len(addr, len);
	if (span < 0)
		return span;
	len = (unsigned long)span;
	long err = as_check_mapped(as, addr, len);
	unsigned char chunk[64];
	for (unsigned long done = 0; !err && done < len / PAGE_SIZE; ) {
		unsigned n = 0;
		spin_lock(&as->lock);
		for (; n < sizeof chunk && done + n < len / PAGE_SIZE; n++)
			chunk[n] = mmu_present(as->pt, addr + (done + n) * PAGE_SIZE);
		spin_unlock(&as->lock);
		err = copy_to_user(as, vec + done, chunk, n);
		done += n;
	}
	return err;
}
