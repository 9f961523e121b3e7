/* exec: find the program in the initramfs, build a fresh address space with
 * its segments and a System V start stack, then swap it in. The old image
 * stays intact until everything that can fail has succeeded. */
#include "kernel/proc/exec.h"
#include "kernel/proc/clone.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/cpio.h"
#include "kernel/proc/elf.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/runqueue.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/layout.h"
#include "kernel/lib/string.h"
#include "kernel/trace/trace.h"
#include "kernel/sync/objects.h"
#include <dakota/syscall.h>

static const void *initramfs;
static unsigned long initramfs_size;

void initramfs_init(const void *start, unsigned long size)
{
	initramfs = start;
	initramfs_size = size;
}

long initramfs_list(char *buf, unsigned long len)
{
	unsigned long cursor = 0, used = 0;
	struct cpio_file f;
	while (cpio_next(initramfs, initramfs_size, &cursor, &f) == 1) {
		if (f.name_len < 5 || strncmp(f.name, "bin/", 4) || (f.mode & 0170000) != 0100000)
			continue;
		unsigned long n = f.name_len - 4;
		if (used + n + 1 > len)
			return -ERANGE;
		memcpy(buf + used, f.name + 4, n);
		buf[used + n] = 0;
		used += n + 1;
	}
	return (long)used;
}

/* "sh", "/bin/sh" and "bin/sh" all name bin/sh. */
static int find_program(const char *path, struct cpio_file *f)
{
	char name[64];
	const char *base = path;
	if (!strncmp(base, "/bin/", 5))
		base += 5;
	else if (!strncmp(base, "bin/", 4))
		base += 4;
	if (!*base || strchr(base, '/') || strlen(base) > 50)
		return -ENOENT;
	strlcpy(name, "bin/", sizeof name);
	strlcpy(name + 4, base, sizeof name - 4);
	return cpio_find(initramfs, initramfs_size, name, f);
}

static unsigned seg_perm(unsigned flags)
{
	return (flags & ELF_SEG_R ? PERM_R : 0) | (flags & ELF_SEG_W ? PERM_W : 0) |
	       (flags & ELF_SEG_X ? PERM_X : 0);
}

/* Copies every segment into as, page by page (pages of a segment are all
 * populated now; bss pages come zeroed). */
static long load_segments(struct addrspace *as, const struct cpio_file *f,
			  const struct elf_image *img, unsigned long *image_end)
{
	*image_end = 0;
	for (int i = 0; i < img->seg_count; i++) {
		const struct elf_segment *s = &img->seg[i];
		unsigned long start = PAGE_ROUND_DOWN(s->vaddr);
		unsigned long end = PAGE_ROUND_UP(s->vaddr + s->memsz);
		if (start < USER_BASE || end > MMAP_BASE)
			return -ENOEXEC;
		long err = as_add_region(as, start, end, seg_perm(s->flags), REGION_ELF);
		if (err)
			return err == -EINVAL ? -ENOEXEC : err;
		for (unsigned long va = start; va < end; va += PAGE_SIZE) {
			char *page = as_populate(as, va);
			if (!page)
				return -ENOMEM;
			/* File bytes [s->offset, +filesz) land at [s->vaddr, +filesz). */
			unsigned long lo = va > s->vaddr ? va : s->vaddr;
			unsigned long hi = va + PAGE_SIZE;
			if (hi > s->vaddr + s->filesz)
				hi = s->vaddr + s->filesz;
			if (lo < hi)
				memcpy(page + (lo - va), (const char *)f->data + s->offset + (lo - s->vaddr),
				       hi - lo);
		}
		if (end > *image_end)
			*image_end = end;
	}
	return 0;
}

/* Arguments gathered in kernel memory: strings packed in one page. */
struct exec_args {
	char *strings;            /* a page */
	unsigned long used;
	int argc, envc;
	unsigned long offsets[64];   /* argv then envp, offsets into strings */
};

static long args_add(struct exec_args *a, const char *s, unsigned long n)
{
	if (a->argc + a->envc >= 63 || a->used + n + 1 > PAGE_SIZE)
		return -E2BIG;
	memcpy(a->strings + a->used, s, n);
	a->strings[a->used + n] = 0;
	a->offsets[a->argc + a->envc] = a->used;
	a->used += n + 1;
	return 0;
}

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AT_RANDOM 25

/* Builds the System V start stack at the top of tid 0's slot; returns sp. */
static long build_stack(struct addrspace *as, struct exec_args *a,
			const struct elf_image *img, unsigned long *sp_out)
{
	unsigned long top = USTACK_TOP(0);
	unsigned long strings = (top - a->used - 16) & ~15UL;
	unsigned long random = strings - 16;
	if (copy_to_user(as, strings, a->strings, a->used))
		return -ENOMEM;
	unsigned long rnd[2] = { arch_time() * 0x9e3779b97f4a7c15UL, (unsigned long)as };
	if (copy_to_user(as, random, rnd, sizeof rnd))
		return -ENOMEM;
	unsigned long vec[64 + 3 + 14];
	int n = 0;
	vec[n++] = (unsigned long)a->argc;
	for (int i = 0; i < a->argc; i++)
		vec[n++] = strings + a->offsets[i];
	vec[n++] = 0;
	for (int i = 0; i < a->envc; i++)
		vec[n++] = strings + a->offsets[a->argc + i];
	vec[n++] = 0;
	unsigned long aux[] = { AT_PHDR, img->phdr_vaddr, AT_PHENT, img->phentsize,
		AT_PHNUM, img->phnum, AT_PAGESZ, PAGE_SIZE, AT_ENTRY, img->entry,
		AT_RANDOM, random, AT_NULL, 0 };
	memcpy(&vec[n], aux, sizeof aux);
	n += sizeof aux / sizeof aux[0];
	unsigned long sp = (random - n * sizeof(unsigned long)) & ~15UL;
	if (copy_to_user(as, sp, vec, n * sizeof(unsigned long)))
		return -ENOMEM;
	*sp_out = sp;
	return 0;
}

/* Builds the new image; on success *as_out holds it with tid 0's stack
 * region (no trap page yet). */
static long build_image(const char *path, struct exec_args *a,
			struct addrspace **as_out, unsigned long *entry, unsigned long *sp)
{
	struct cpio_file f;
	long err = find_program(path, &f);
	if (err)
		return err;
	struct elf_image img;
	if (elf_parse(f.data, f.size, &img))
		return -ENOEXEC;
	struct addrspace *as = as_create();
	if (!as)
		return -ENOMEM;
	unsigned long image_end;
	err = load_segments(as, &f, &img, &image_end);
	if (!err)
		err = as_add_thread_stack(as, 0);
	if (!err)
		err = build_stack(as, a, &img, sp);
	if (err) {
		as_destroy(as);
		return err;
	}
	as->heap_start = as->brk = image_end;
	*entry = img.entry;
	*as_out = as;
	return 0;
}

static void set_name(struct process *p, const char *path)
{
	const char *base = strrchr(path, '/');
	strlcpy(p->name, base ? base + 1 : path, sizeof p->name);
}

long exec_first(struct process *p, const char *path, char *const argv[], char *const envp[])
{
	struct exec_args a = { .strings = kmalloc(PAGE_SIZE) };
	if (!a.strings)
		return -ENOMEM;
	long err = 0;
	for (; !err && argv[a.argc]; a.argc++)
		err = args_add(&a, argv[a.argc], strlen(argv[a.argc]));
	for (; !err && envp[a.envc]; a.envc++)
		err = args_add(&a, envp[a.envc], strlen(envp[a.envc]));
	unsigned long entry, sp;
	if (!err)
		err = build_image(path, &a, &p->as, &entry, &sp);
	kfree(a.strings);
	if (err)
		return err;
	p->sync = sync_objects_create();
	if (!p->sync)
		return -ENOMEM;
	set_name(p, path);
	struct thread *t;
	spin_lock(&p->lock);
	err = thread_alloc(p, &t);
	spin_unlock(&p->lock);
	if (err)
		return err;
	trap_context_init(t->tc, entry, sp, 0, 0);
	spin_lock(&t->lock);
	t->state = THREAD_READY;
	rq_push(t);
	spin_unlock(&t->lock);
	return 0;
}

/* Copies a user vector of strings (argv or envp) into a. */
static long gather(struct addrspace *as, struct exec_args *a, unsigned long uvec, int *count)
{
	char tmp[256];
	for (*count = 0; uvec; (*count)++) {
		unsigned long ptr;
		if (copy_from_user(as, &ptr, uvec + *count * sizeof ptr, sizeof ptr))
			return -EFAULT;
		if (!ptr)
			return 0;
		long n = copy_string_from_user(as, tmp, ptr, sizeof tmp);
		if (n < 0)
			return n == -ENAMETOOLONG ? -E2BIG : n;
		long err = args_add(a, tmp, (unsigned long)n);
		if (err)
			return err;
	}
	return 0;
}

long exec_current(unsigned long upath, unsigned long uargv, unsigned long uenvp)
{
	struct thread *self = current_thread();
	struct process *p = self->proc;
	char path[64];
	long err = copy_string_from_user(p->as, path, upath, sizeof path);
	if (err < 0)
		return err == -ENAMETOOLONG ? -ENOENT : err;
	struct exec_args a = { .strings = kmalloc(PAGE_SIZE) };
	if (!a.strings)
		return -ENOMEM;
	err = gather(p->as, &a, uargv, &a.argc);
	if (!err)
		err = gather(p->as, &a, uenvp, &a.envc);
	struct addrspace *as;
	unsigned long entry, sp;
	if (!err)
		err = build_image(path, &a, &as, &entry, &sp);
	kfree(a.strings);
	if (err)
		return err;
	struct trap_context *tc = as_map_trap_context(as, 0);
	/* The new image starts with no mutexes, semaphores or condvars. */
	struct sync_objects *sync = tc ? sync_objects_create() : NULL;
	if (!sync) {
		as_destroy(as);
		return -ENOMEM;
	}
	/* Point of no return: end the other threads, then swap images. */
	process_reduce_to_current_thread();
	sync_objects_destroy(p->sync);
	p->sync = sync;
	struct addrspace *old = p->as;
	as_remove_thread(old, self->tid, self->stack_slot);
	spin_lock(&p->lock);
	p->as = as;
	if (self->stack_slot != self->tid)
		idalloc_put(&p->tids, self->stack_slot);   /* the reservation ends */
	self->stack_slot = 0;
	if (self->tid != 0) {
		p->threads[self->tid] = NULL;
		idalloc_put(&p->tids, self->tid);
		idalloc_get_at(&p->tids, 0);
		self->tid = 0;
		p->threads[0] = self;
	}
	self->tc = tc;
	self->fp_hart = -1;
	set_name(p, path);
	spin_unlock(&p->lock);
	clone_exec_done(self);
	as_destroy(old);
	trap_context_init(tc, entry, sp, 0, 0);
	return 0;
}
