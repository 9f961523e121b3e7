/* The heap: first fit over one address-ordered free list, memory from sbrk.
 *
 * Every block starts with a 16-byte header and is a multiple of 16 bytes,
 * so payloads are 16-byte aligned. A free block's header links it into the
 * list; a used block's header holds a check word instead, which catches
 * most double frees and stray pointers. Freeing merges a block with free
 * neighbours that touch it. One spinlock (heap_lock) guards the list. */
#include <stdint.h>
#include "stdlib.h"
#include "string.h"
#include "stdio.h"
#include "sync.h"
#include "private.h"

#define ALIGN        16
#define HEADER       sizeof(struct block)
#define MIN_BLOCK    (2 * ALIGN)
#define GROW_MIN     (64 * 1024)
#define USED_MAGIC   0x6d616c6c6f63UL      /* "malloc" */

struct block {
	size_t size;               /* whole block, header included */
	union {
		struct block *next;    /* free: next free block, higher address */
		uintptr_t check;       /* used: USED_MAGIC ^ size */
	};
};

_Static_assert(sizeof(struct block) == ALIGN, "header keeps payloads aligned");

static spinlock_t heap_lock;
static struct block *free_list;        /* ascending addresses */

void malloc_lock_for_fork(void)
{
	spin_lock(&heap_lock);
}

void malloc_unlock_after_fork(void)
{
	spin_unlock(&heap_lock);
}

static char *block_end(struct block *b)
{
	return (char *)b + b->size;
}

_Noreturn static void heap_corrupt(const char *what, void *p)
{
	dprintf(2, "malloc: %s %p: heap corrupt or bad pointer\n", what, p);
	exit(134);
}

/* Adds b to the free list in address order, merging it with a neighbour on
 * either side that it touches. Called with heap_lock held. */
static void insert_free(struct block *b)
{
	struct block *prev = NULL, *cur = free_list;
	while (cur && cur < b) {
		prev = cur;
		cur = cur->next;
	}
	if ((prev && block_end(prev) > (char *)b) || (cur && block_end(b) > (char *)cur))
		heap_corrupt("free", b + 1);
	if (cur && block_end(b) == (char *)cur) {
		b->size += cur->size;
		b->next = cur->next;
	} else {
		b->next = cur;
	}
	if (prev && block_end(prev) == (char *)b) {
		prev->size += b->size;
		prev->next = b->next;
	} else if (prev) {
		prev->next = b;
	} else {
		free_list = b;
	}
}

/* Gets at least `need` more bytes from sbrk into the free list. Called with
 * heap_lock held. 0, or -1 when the kernel refuses. */
static int grow(size_t need)
{
	size_t len = need < GROW_MIN ? GROW_MIN : need;
	if (len > (size_t)-1 / 4)
		return -1;
	/* Ask for ALIGN extra so the block can start aligned wherever the
	 * break was (programs may move it themselves). */
	char *p = sbrk((long)(len + ALIGN));
	if (p == (void *)-1)
		return -1;
	size_t skew = (uintptr_t)p & (ALIGN - 1);
	struct block *b = (struct block *)(void *)(p + (skew ? ALIGN - skew : 0));
	b->size = len;
	insert_free(b);
	return 0;
}

static void mark_used(struct block *b)
{
	b->check = USED_MAGIC ^ b->size;
}

static struct block *used_header(void *p)
{
	struct block *b = (struct block *)p - 1;
	if (((uintptr_t)p & (ALIGN - 1)) || b->check != (USED_MAGIC ^ b->size))
		heap_corrupt("free/realloc of", p);
	return b;
}

/* Bytes of block needed for a payload of n, or 0 on overflow. */
static size_t block_size_for(size_t n)
{
	if (n > (size_t)-1 / 2)
		return 0;
	size_t size = (n + HEADER + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	return size < MIN_BLOCK ? MIN_BLOCK : size;
}

/* Cuts the tail of used block b beyond `size` off into the free list, if
 * the tail is big enough to be a block. Called with heap_lock held. */
static void trim(struct block *b, size_t size)
{
	if (b->size - size < MIN_BLOCK)
		return;
	struct block *tail = (struct block *)(void *)((char *)b + size);
	tail->size = b->size - size;
	b->size = size;
	insert_free(tail);
}

void *malloc(size_t n)
{
	size_t size = block_size_for(n);
	if (!size)
		return NULL;
	spin_lock(&heap_lock);
	for (;;) {
		struct block **link = &free_list;
		for (struct block *b = free_list; b; link = &b->next, b = b->next) {
			if (b->size < size)
				continue;
			if (b->size - size >= MIN_BLOCK) {
				/* Split: the front is used, the rest takes b's place. */
				struct block *rest = (struct block *)(void *)((char *)b + size);
				rest->size = b->size - size;
				rest->next = b->next;
				*link = rest;
				b->size = size;
			} else {
				*link = b->next;
			}
			mark_used(b);
			spin_unlock(&heap_lock);
			return b + 1;
		}
		if (grow(size)) {
			spin_unlock(&heap_lock);
			return NULL;
		}
	}
}

void free(void *p)
{
	if (!p)
		return;
	spin_lock(&heap_lock);
	struct block *b = used_header(p);
	insert_free(b);
	spin_unlock(&heap_lock);
}

void *calloc(size_t count, size_t size)
{
	if (size && count > (size_t)-1 / size)
		return NULL;
	void *p = malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	size_t size = block_size_for(n);
	if (!size)
		return NULL;
	spin_lock(&heap_lock);
	struct block *b = used_header(p);
	if (b->size < size) {
		/* Grow in place into a free block that starts where b ends. */
		struct block **link = &free_list;
		while (*link && (char *)*link < block_end(b))
			link = &(*link)->next;
		struct block *next = *link;
		if (next && (char *)next == block_end(b) && b->size + next->size >= size) {
			*link = next->next;
			b->size += next->size;
		}
	}
	if (b->size >= size) {
		trim(b, size);
		mark_used(b);
		spin_unlock(&heap_lock);
		return p;
	}
	size_t old_payload = b->size - HEADER;
	spin_unlock(&heap_lock);
	void *q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, old_payload < n ? old_payload : n);
	free(p);
	return q;
}
