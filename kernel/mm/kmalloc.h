/* kmalloc: kernel objects of any size. Up to 1 KiB from per-size slabs;
 * larger sizes take whole contiguous pages. Memory is zeroed. */
#ifndef KERNEL_MM_KMALLOC_H
#define KERNEL_MM_KMALLOC_H

#include <stddef.h>

void *kmalloc(size_t size);     /* NULL when memory is exhausted */
void kfree(void *p);            /* NULL is ignored */
/* Bytes handed out and not yet freed (rounded to the slab size or pages). */
unsigned long kmalloc_bytes_in_use(void);

#endif
