/* Slab allocator. Each slab is one page whose first bytes are a header; the
 * rest is cut into equal objects. An object is never page-aligned, so kfree
 * tells a slab object from a page block by its alignment alone. */
#include <stdint.h>
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/frame.h"
#include "kernel/lib/list.h"
#include "kernel/lib/string.h"
#include "kernel/sync/spinlock.h"
#include "kernel/panic.h"
#include "arch/riscv/arch.h"

#define SLAB_MAGIC 0x51ab51abU
#define CLASSES 7
static const unsigned class_size[CLASSES] = { 16, 32, 64, 128, 256, 512, 1024 };

struct slab {
	struct list_node link;   /* in its class's partial list while it has room */
	uint32_t magic;
	uint16_t class;
	uint16_t in_use;
	void *free;              /* singly linked free objects */
};

#define SLAB_HEADER 64       /* sizeof(struct slab) rounded up: keeps 64-byte alignment */

static struct spinlock lock = SPINLOCK_INIT("kmalloc", LOCK_ALLOC);
/* Guarded by lock. */
static struct list_node partial[CLASSES];
static bool ready;
static unsigned long bytes_in_use;

static unsigned objects_per_slab(unsigned cls)
{
	return (PAGE_SIZE - SLAB_HEADER) / class_size[cls];
}

/* Called with lock held. */
static struct slab *slab_new(unsigned cls)
{
	struct slab *s = frame_alloc();
	if (!s)
		return NULL;
	s->magic = SLAB_MAGIC;
	s->class = (uint16_t)cls;
	s->free = NULL;
	char *obj = (char *)s + SLAB_HEADER;
	for (unsigned i = 0; i < objects_per_slab(cls); i++, obj += class_size[cls]) {
		*(void **)obj = s->free;
		s->free = obj;
	}
	list_push_front(&partial[cls], &s->link);
	return s;
}

static void *slab_alloc(unsigned cls)
{
	spin_lock(&lock);
	if (!ready) {
		for (int i = 0; i < CLASSES; i++)
			list_init(&partial[i]);
		ready = true;
	}
	struct slab *s = list_empty(&partial[cls]) ? slab_new(cls)
		: list_entry(list_front(&partial[cls]), struct slab, link);
	if (!s) {
		spin_unlock(&lock);
		return NULL;
	}
	void *obj = s->free;
	s->free = *(void **)obj;
	s->in_use++;
	if (!s->free)
		list_remove(&s->link);
	bytes_in_use += class_size[cls];
	spin_unlock(&lock);
	memset(obj, 0, class_size[cls]);
	return obj;
}

void *kmalloc(size_t size)
{
	for (unsigned cls = 0; cls < CLASSES; cls++)
		if (size <= class_size[cls])
			return slab_alloc(cls);
	unsigned pages = (unsigned)(PAGE_ROUND_UP(size) / PAGE_SIZE);
	void *p = frame_alloc_run(pages);
	if (p) {
		spin_lock(&lock);
		bytes_in_use += pages * PAGE_SIZE;
		spin_unlock(&lock);
	}
	return p;
}

static void slab_free(void *p)
{
	struct slab *s = (struct slab *)PAGE_ROUND_DOWN(p);
	if (s->magic != SLAB_MAGIC)
		panic("kfree: %p is not in a slab", p);
	spin_lock(&lock);
	unsigned cls = s->class;
	if (!s->free)
		list_push_front(&partial[cls], &s->link);
	*(void **)p = s->free;
	s->free = p;
	s->in_use--;
	bytes_in_use -= class_size[cls];
	bool empty = s->in_use == 0;
	if (empty) {
		list_remove(&s->link);
		s->magic = 0;
	}
	spin_unlock(&lock);
	if (empty)
		frame_free(s);
}

void kfree(void *p)
{
	if (!p)
		return;
	if ((unsigned long)p & (PAGE_SIZE - 1)) {
		slab_free(p);
		return;
	}
	unsigned pages = frame_run_length(p);
	frame_free_run(p);
	spin_lock(&lock);
	bytes_in_use -= pages * PAGE_SIZE;
	spin_unlock(&lock);
}

unsigned long kmalloc_bytes_in_use(void)
{
	return __atomic_load_n(&bytes_in_use, __ATOMIC_RELAXED);
}
