/* Shared memory objects (shm.h). */
#include "kernel/mm/shm.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/lib/string.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>

struct shm *shm_create(unsigned long pages)
{
	if (pages > SHM_MAX_PAGES)
		return NULL;
	struct shm *s = kmalloc(sizeof *s);
	unsigned long *frames = kmalloc((pages ? pages : 1) * sizeof *frames);
	if (!s || !frames) {
		kfree(s);
		kfree(frames);
		return NULL;
	}
	spin_init(&s->lock, "shm", LOCK_OBJECT);
	s->refs = 1;
	s->pages = s->cap = pages;
	s->frames = frames;
	return s;
}

void shm_get(struct shm *s)
{
	__atomic_fetch_add(&s->refs, 1, __ATOMIC_RELAXED);
}

void shm_put(struct shm *s)
{
	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL))
		return;
	for (unsigned long i = 0; i < s->cap; i++)
		if (s->frames[i])
			frame_free((void *)s->frames[i]);
	kfree(s->frames);
	kfree(s);
}

unsigned long shm_frame(struct shm *s, unsigned long index)
{
	spin_lock(&s->lock);
	unsigned long pa = 0;
	if (index < s->pages) {
		if (!s->frames[index])
			s->frames[index] = (unsigned long)frame_alloc();
		pa = s->frames[index];
	}
	spin_unlock(&s->lock);
	return pa;
}

/* Doubles frames[] (at least to `pages` entries). */
static int grow_table(struct shm *s, unsigned long pages)
{
	unsigned long cap = s->cap * 2 > pages ? s->cap * 2 : pages;
	if (cap > SHM_MAX_PAGES)
		cap = SHM_MAX_PAGES;
	unsigned long *frames = kmalloc(cap * sizeof *frames);
	if (!frames)
		return -ENOMEM;
	memcpy(frames, s->frames, s->cap * sizeof *frames);
	kfree(s->frames);
	s->frames = frames;
	s->cap = cap;
	return 0;
}

int shm_resize_locked(struct shm *s, unsigned long pages)
{
	if (pages > SHM_MAX_PAGES)
		return -ENOMEM;
	if (pages > s->cap && grow_table(s, pages))
		return -ENOMEM;
	bool mapped = __atomic_load_n(&s->refs, __ATOMIC_ACQUIRE) > 1;
	for (unsigned long i = pages; i < s->pages; i++) {
		if (!s->frames[i])
			continue;
		if (mapped) {
			memset((void *)s->frames[i], 0, PAGE_SIZE);
		} else {
			frame_free((void *)s->frames[i]);
			s->frames[i] = 0;
		}
	}
	s->pages = pages;
	return 0;
}
