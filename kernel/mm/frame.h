/* Physical frame allocator. RAM is identity-mapped in the kernel page table,
 * so a frame's physical address is also its kernel pointer. */
#ifndef KERNEL_MM_FRAME_H
#define KERNEL_MM_FRAME_H

#include <stdbool.h>
#include <stddef.h>

/* Hands out [start, end) except the ranges later marked with frame_reserve. */
void frame_init(unsigned long start, unsigned long end);
void frame_reserve(unsigned long start, unsigned long end);
/* A zeroed page, or NULL when memory is exhausted. */
void *frame_alloc(void);
/* A page with whatever it held before (another process's data): for a
 * caller that overwrites every byte before anyone else can read it. */
void *frame_alloc_dirty(void);
/* Gives up one ownership of a single page: the last owner frees it. */
void frame_free(void *page);
/* One more owner of an allocated single page (copy-on-write fork): the
 * page is freed by the frame_free that finds no other owner left. */
void frame_share(void *page);
/* True while more than one owner holds the page. An owner that holds its
 * address space's lock may trust "false": no one else can gain ownership
 * of a page that only it maps. "True" may be stale (another owner may be
 * letting go), which costs at most an unneeded copy. */
bool frame_is_shared(void *page);
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
