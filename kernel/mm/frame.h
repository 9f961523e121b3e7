/* Physical frame allocator. RAM is identity-mapped in the kernel page table,
 * so a frame's physical address is also its kernel pointer. */
#ifndef KERNEL_MM_FRAME_H
#define KERNEL_MM_FRAME_H

#include <stddef.h>

/* Hands out [start, end) except the ranges later marked with frame_reserve. */
void frame_init(unsigned long start, unsigned long end);
void frame_reserve(unsigned long start, unsigned long end);
/* A zeroed page, or NULL when memory is exhausted. */
void *frame_alloc(void);
/* A page with whatever it held before (another process's data): for a
 * caller that overwrites every byte before anyone else can read it. */
void *frame_alloc_dirty(void);
void frame_free(void *page);
/* `pages` physically contiguous zeroed frames (at most 255), or NULL. */
void *frame_alloc_run(unsigned pages);
void frame_free_run(void *first);   /* frees the whole run */
/* Pages in the allocated run that starts at `first`. */
unsigned frame_run_length(void *first);
unsigned long frame_free_count(void);
unsigned long frame_total_count(void);
/* Ktest only: make the allocator fail after `n` more frames (-1: never). */
void frame_set_fail_after(long n);

#endif
