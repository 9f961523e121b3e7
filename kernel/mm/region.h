/* The region list of an address space: which user ranges may hold pages and
 * with what permissions. Every function here is called with as->lock held
 * and touches only the list, never the page table. The list is sorted by
 * address and regions never overlap. */
#ifndef KERNEL_MM_REGION_H
#define KERNEL_MM_REGION_H

#include "kernel/mm/addrspace.h"

struct region *region_find(struct addrspace *as, unsigned long va);
/* True if any region meets [start, end). */
bool region_overlaps(struct addrspace *as, unsigned long start, unsigned long end);
/* True if regions cover every page of [start, end), with no hole. */
bool region_covers(struct addrspace *as, unsigned long start, unsigned long end);
/* A new region in address order: 0, -EINVAL (empty or overlapping), -ENOMEM. */
int region_insert(struct addrspace *as, unsigned long start, unsigned long end,
		  unsigned perm, enum region_kind kind);
/* The same for a MAP_SHARED region: it takes over one reference to shm,
 * whose page `index` is at start (on failure the caller still holds it). */
int region_insert_shared(struct addrspace *as, unsigned long start, unsigned long end,
			 unsigned perm, struct shm *shm, unsigned long index);
/* A region of [start, end) with model's attributes (permissions, kind,
 * shared object with its own new reference, source), its object or source
 * page at start being model's at model->start plus `pages`. For mremap's
 * move. 0, -EINVAL or -ENOMEM. */
int region_insert_like(struct addrspace *as, unsigned long start, unsigned long end,
		       const struct region *model, unsigned long pages);
/* Makes `at` a region boundary: the region containing it (if any, and if
 * `at` is inside it) becomes two with the same attributes. 0 or -ENOMEM;
 * nothing changes on failure. */
int region_split(struct addrspace *as, unsigned long at);
/* Drops every region inside [start, end); both ends must be boundaries
 * (region_split). A shared region drops its reference: the caller must have
 * unmapped and shot down its pages. */
void region_drop(struct addrspace *as, unsigned long start, unsigned long end);
/* Joins neighbours that touch and share permissions, kind and backing
 * (the same object or source, its pages continuing), so that
 * repeated mprotect of adjacent pieces does not grow the list. */
void region_merge(struct addrspace *as);
/* The lowest address of a free gap of len bytes in [lo, hi) (first fit,
 * bottom-up), or 0 if there is none. */
unsigned long region_gap(struct addrspace *as, unsigned long len,
			 unsigned long lo, unsigned long hi);

#endif
