/* Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS): the pages of one
 * mmap call, shared by every address space whose regions refer to them (the
 * mapper and its fork children). The object owns the frames; page tables
 * only borrow them, so unmapping a shared page never frees its frame: the
 * last reference does, once every region using it is gone. */
#ifndef KERNEL_MM_SHM_H
#define KERNEL_MM_SHM_H

#include "kernel/sync/spinlock.h"

struct shm {
	/* Guards frames[]. Taken with an as->lock held (LOCK_OBJECT comes after
	 * LOCK_ADDRSPACE); the frame allocator is taken under it. */
	struct spinlock lock;
	_Atomic long refs;          /* regions referring to it */
	unsigned long pages;
	unsigned long frames[];     /* 0 until first touched by anyone */
};

/* A new object of `pages` untouched pages with one reference, or NULL. */
struct shm *shm_create(unsigned long pages);
void shm_get(struct shm *s);
/* Drops a reference; the last frees every frame. The caller guarantees no
 * page table still maps them (it has unmapped and shot down). */
void shm_put(struct shm *s);
/* The frame of page `index`, allocated zeroed on first use; 0 if memory
 * is exhausted. */
unsigned long shm_frame(struct shm *s, unsigned long index);

#endif
