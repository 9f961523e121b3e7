/* Removing pages from an address space in the one safe order (the rule at
 * the top of addrspace.c). For the files of kernel/mm only; every function
 * here is called with as->lock held. */
#ifndef KERNEL_MM_UNMAP_H
#define KERNEL_MM_UNMAP_H

#include "kernel/mm/addrspace.h"

/* Flushes [va, va+size) (size 0: everything) from every hart that may hold
 * as's translations, and returns when they have. */
void as_shootdown(struct addrspace *as, unsigned long va, unsigned long size);
/* Frames (and page-table pages) whose entries are cleared but which other
 * harts may still reach: freed by zap_flush only after a shootdown of
 * [lo, hi), or of everything if a table page is among them. */
#define ZAP_BATCH 32

struct zap {
	struct addrspace *as;
	unsigned n;                 /* frames to free */
	bool cleared;               /* entries cleared since the last flush */
	bool tables;
	unsigned long lo, hi;
	unsigned long frames[ZAP_BATCH];
};

/* Adds a frame whose entry at va was cleared (va MMU_TABLE_PAGE: a table
 * page); flushes first if the batch is full. */
void zap_add(struct zap *z, unsigned long va, unsigned long pa);
/* Records a cleared entry whose frame is not freed here (shared memory). */
void zap_cleared(struct zap *z, unsigned long va);
void zap_flush(struct zap *z);
/* Clears every page of [start, end), shoots down, then frees the frames.
 * Regions are left as they are (MADV_DONTNEED keeps them). */
void as_zap_locked(struct addrspace *as, unsigned long start, unsigned long end);
/* as_zap_locked, and [start, end) leaves the regions (splitting those that
 * straddle an end). 0 or -ENOMEM, and then nothing changed. */
int as_remove_locked(struct addrspace *as, unsigned long start, unsigned long end);

#endif
