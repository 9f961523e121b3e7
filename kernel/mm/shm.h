/* Shared memory objects: the pages of one MAP_SHARED|MAP_ANONYMOUS mmap
 * call, or of one tmpfs file (kernel/fs/), shared by every address space
 * whose regions refer to them (the mapper and its fork children; every
 * process that maps the file). The object owns the frames; page tables only
 * borrow them, so unmapping a shared page never frees its frame: the last
 * reference does, once every region using it is gone. */
#ifndef KERNEL_MM_SHM_H
#define KERNEL_MM_SHM_H

#include "kernel/sync/spinlock.h"

struct shm {
	/* Guards pages, cap, frames and the entries of frames[]. Taken with an
	 * as->lock held (LOCK_OBJECT comes after LOCK_ADDRSPACE); the frame
	 * allocator and kmalloc are taken under it. */
	struct spinlock lock;
	_Atomic long refs;          /* regions referring to it, plus a file's one */
	unsigned long pages;        /* pages a fault may supply: [0, pages) */
	unsigned long cap;          /* entries in frames[]: >= pages, never shrinks */
	unsigned long *frames;      /* 0 until first touched by anyone */
};

#define SHM_MAX_PAGES (1UL << 16)   /* 256 MiB: frames[] stays a kmalloc run */

/* A new object of `pages` untouched pages with one reference, or NULL. */
struct shm *shm_create(unsigned long pages);
void shm_get(struct shm *s);
/* Drops a reference; the last frees every frame. The caller guarantees no
 * page table still maps them (it has unmapped and shot down). */
void shm_put(struct shm *s);
/* The frame of page `index`, allocated zeroed on first use; 0 if memory
 * is exhausted or index >= pages. */
unsigned long shm_frame(struct shm *s, unsigned long index);
/* With s->lock held: pages becomes `pages` (at most SHM_MAX_PAGES), growing
 * frames[] if needed. Frames at or beyond the new count are freed when no
 * region refers to the object (refs == 1, the file's own), else zeroed:
 * a page table may still map them until its region goes. 0 or -ENOMEM
 * (nothing changed). */
int shm_resize_locked(struct shm *s, unsigned long pages);

#endif
