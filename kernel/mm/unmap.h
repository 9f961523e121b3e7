/* Removing pages from an address space in the one safe order (the rule at
 * the top of addrspace.c). For the files of kernel/mm only; every function
 * here is called with as->lock held. */
#ifndef KERNEL_MM_UNMAP_H
#define KERNEL_MM_UNMAP_H

#include "kernel/mm/addrspace.h"

/* Flushes [va, va+size) (size 0: everything) from every hart that may hold
 * as's translations, and returns when they have. */
void as_shootdown(struct addrspace *as, unsigned long va, unsigned long size);
/* Clears every page of [start, end), shoots down, then frees the frames.
 * Regions are left as they are (MADV_DONTNEED keeps them). */
void as_zap_locked(struct addrspace *as, unsigned long start, unsigned long end);
/* as_zap_locked, and [start, end) leaves the regions (splitting those that
 * straddle an end). 0 or -ENOMEM, and then nothing changed. */
int as_remove_locked(struct addrspace *as, unsigned long start, unsigned long end);

#endif
