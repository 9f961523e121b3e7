/* Shared anonymous memory objects (shm.h). */
#include "kernel/mm/shm.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/kmalloc.h"

struct shm *shm_create(unsigned long pages)
{
	if (pages > (1UL << 20))    /* 4 GiB: keeps the frame table allocatable */
		return NULL;
	struct shm *s = kmalloc(sizeof *s + pages * sizeof s->frames[0]);
	if (!s)
		return NULL;
	spin_init(&s->lock, "shm", LOCK_OBJECT);
	s->refs = 1;
	s->pages = pages;
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
	for (unsigned long i = 0; i < s->pages; i++)
		if (s->frames[i])
			frame_free((void *)s->frames[i]);
	kfree(s);
}

unsigned long shm_frame(struct shm *s, unsigned long index)
{
	if (index >= s->pages)
		return 0;
	spin_lock(&s->lock);
	if (!s->frames[index])
		s->frames[index] = (unsigned long)frame_alloc();
	unsigned long pa = s->frames[index];
	spin_unlock(&s->lock);
	return pa;
}
