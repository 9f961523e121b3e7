/* The sorted region list of an address space (region.h). */
#include "kernel/mm/region.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/shm.h"
#include <dakota/syscall.h>

static inline struct region *region_of(struct list_node *n)
{
	return list_entry(n, struct region, link);
}

/* The first region (in address order) that ends above va: the one holding
 * va if any does, else the next one up. The list is sorted and its regions
 * are disjoint, so the walk stops there. */
static struct region *first_ending_above(struct addrspace *as, unsigned long va)
{
	struct list_node *pos;
	list_for_each(pos, &as->regions) {
		struct region *r = region_of(pos);
		if (va < r->end)
			return r;
	}
	return NULL;
}

struct region *region_find(struct addrspace *as, unsigned long va)
{
	struct region *r = first_ending_above(as, va);
	return r && r->start <= va ? r : NULL;
}

bool region_overlaps(struct addrspace *as, unsigned long start, unsigned long end)
{
	struct region *r = first_ending_above(as, start);
	return r && r->start < end;
}

bool region_covers(struct addrspace *as, unsigned long start, unsigned long end)
{
	struct list_node *pos;
	list_for_each(pos, &as->regions) {
		struct region *r = region_of(pos);
		if (r->end <= start)
			continue;
		if (r->start > start)
			return false;
		start = r->end;
		if (start >= end)
			return true;
	}
	return start >= end;
}

static int insert(struct addrspace *as, const struct region *proto)
{
	if (proto->start >= proto->end || region_overlaps(as, proto->start, proto->end))
		return -EINVAL;
	struct region *r = kmalloc(sizeof *r);
	if (!r)
		return -ENOMEM;
	*r = *proto;
	/* Before the first region that lies above; at the end if none does. */
	struct list_node *pos;
	list_for_each(pos, &as->regions)
		if (region_of(pos)->start > r->start)
			break;
	list_insert_between(&r->link, pos->prev, pos);
	return 0;
}

int region_insert(struct addrspace *as, unsigned long start, unsigned long end,
		  unsigned perm, enum region_kind kind)
{
	struct region r = { .start = start, .end = end, .perm = perm, .kind = kind };
	return insert(as, &r);
}

int region_insert_shared(struct addrspace *as, unsigned long start, unsigned long end,
			 unsigned perm, struct shm *shm, unsigned long index)
{
	struct region r = { .start = start, .end = end, .perm = perm, .kind = REGION_MMAP,
			    .shm = shm, .shm_index = index };
	return insert(as, &r);
}

int region_insert_like(struct addrspace *as, unsigned long start, unsigned long end,
		       const struct region *model, unsigned long pages)
{
	struct region r = *model;
	r.start = start;
	r.end = end;
	r.shm_index += pages;
	r.src_index += pages;
	int err = insert(as, &r);
	if (!err && r.shm)
		shm_get(r.shm);
	return err;
}

int region_split(struct addrspace *as, unsigned long at)
{
	struct region *r = region_find(as, at);
	if (!r || r->start == at)
		return 0;
	struct region *tail = kmalloc(sizeof *tail);
	if (!tail)
		return -ENOMEM;
	*tail = *r;
	tail->start = at;
	r->end = at;
	tail->src_index += (at - r->start) / PAGE_SIZE;
	if (tail->shm) {
		shm_get(tail->shm);
		tail->shm_index += (at - r->start) / PAGE_SIZE;
	}
	list_insert_between(&tail->link, &r->link, r->link.next);
	return 0;
}

void region_drop(struct addrspace *as, unsigned long start, unsigned long end)
{
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, &as->regions) {
		struct region *r = region_of(pos);
		if (r->start >= end)
			break;
		if (r->start >= start && r->end <= end) {
			list_remove(&r->link);
			if (r->shm)
				shm_put(r->shm);
			kfree(r);
		}
	}
}

/* True if r can join prev: it starts where prev ends, with the same
 * attributes, and any object or source pages go on where prev's stop. */
static bool continues(const struct region *prev, const struct region *r)
{
	unsigned long pages = (prev->end - prev->start) / PAGE_SIZE;
	return prev->end == r->start && prev->perm == r->perm && prev->kind == r->kind &&
	       prev->shm == r->shm && (!r->shm || prev->shm_index + pages == r->shm_index) &&
	       prev->src == r->src && (!r->src || prev->src_index + pages == r->src_index);
}

void region_merge(struct addrspace *as)
{
	struct list_node *pos, *tmp;
	struct region *prev = NULL;
	list_for_each_safe(pos, tmp, &as->regions) {
		struct region *r = region_of(pos);
		if (prev && continues(prev, r)) {
			prev->end = r->end;
			list_remove(&r->link);
			if (r->shm)
				shm_put(r->shm);
			kfree(r);
			continue;
		}
		prev = r;
	}
}

unsigned long region_gap(struct addrspace *as, unsigned long len,
			 unsigned long lo, unsigned long hi)
{
	unsigned long cursor = lo;
	struct list_node *pos;
	list_for_each(pos, &as->regions) {
		struct region *r = region_of(pos);
		if (r->end <= cursor)
			continue;
		if (r->start >= hi)
			break;
		if (r->start > cursor && r->start - cursor >= len)
			return cursor;
		cursor = r->end;
	}
	return cursor < hi && hi - cursor >= len ? cursor : 0;
}
