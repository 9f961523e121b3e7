/* Kernel self-test of program pages filled on first touch: for every program
 * in the initramfs, a load that copies every page at once (elf_load without
 * a source) and a load that builds each page when first touched (with the
 * program's source) give the same bytes with the same permissions, page by
 * page; also after an mprotect split, a munmap of a piece's first page and
 * an mremap move of the rest, which must keep filling the right bytes. */
#include "kernel/ktest/ktest_image.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/layout.h"
#include "kernel/proc/cpio.h"
#include "kernel/proc/elf.h"
#include "kernel/proc/elf_load.h"
#include "kernel/proc/initramfs.h"
#include "kernel/lib/string.h"
#include "kernel/dev/console.h"
#include <dakota/syscall.h>

/* Where a moved piece goes: in the mmap area, far from anything loaded. */
#define MOVED_TO (MMAP_BASE + 0x40000000UL)

struct image_pair {
	const char *name;
	struct cpio_file f;
	const struct elf_source *src;
	struct elf_image img;
	struct addrspace *eager, *lazy;
	char *a, *b;                /* one page each, for the copies */
	unsigned long pages, differ, unmapped_early, moved, refused;
};

static unsigned user_perms(struct addrspace *as, unsigned long va)
{
	unsigned perms = 0;
	static const unsigned each[] = { PERM_R, PERM_W, PERM_X };
	for (int i = 0; i < 3; i++)
		if (mmu_translate(as->pt, va, each[i] | PERM_U))
			perms |= each[i];
	return perms;
}

/* The eager space's page at va against the lazy space's at lazy_va; the
 * lazy one must not be there before it is read. */
static void compare_page(struct image_pair *p, unsigned long va, unsigned long lazy_va)
{
	p->pages++;
	p->unmapped_early += mmu_present(p->lazy->pt, lazy_va);
	int ea = copy_from_user(p->eager, p->a, va, PAGE_SIZE);
	int eb = copy_from_user(p->lazy, p->b, lazy_va, PAGE_SIZE);
	if (ea != eb || (!ea && memcmp(p->a, p->b, PAGE_SIZE)) ||
	    user_perms(p->eager, va) != user_perms(p->lazy, lazy_va))
		p->differ++;
}

/* [lo, hi) of the eager space against the lazy space shifted by delta. */
static void compare_range(struct image_pair *p, unsigned long lo, unsigned long hi,
			  unsigned long delta)
{
	for (unsigned long va = lo; va < hi; va += PAGE_SIZE)
		compare_page(p, va, va + delta);
}

/* 1 if both loads worked, 0 if both refused the program alike (a segment
 * outside the program area), -1 if they disagree or memory ran out. */
static int load_both(struct image_pair *p)
{
	unsigned long end_e = 0, end_l = 0;
	const char *why;
	p->eager = as_create();
	p->lazy = as_create();
	if (!p->eager || !p->lazy)
		return -1;
	long ee = elf_load(p->eager, p->f.data, &p->img, NULL, &end_e, &why);
	long el = elf_load(p->lazy, p->f.data, &p->img, p->src, &end_l, &why);
	if (ee == -ENOEXEC && el == -ENOEXEC)
		return 0;
	return !ee && !el && end_e == end_l ? 1 : -1;
}

static void drop_both(struct image_pair *p)
{
	if (p->eager)
		as_destroy(p->eager);
	if (p->lazy)
		as_destroy(p->lazy);
	p->eager = p->lazy = NULL;
}

/* Loads p twice and compares every page; then, in a fresh lazy space,
 * splits the largest piece in its middle with mprotect (and back), unmaps
 * its first page and moves the rest to MOVED_TO, and compares again (if
 * that piece has three pages or more). */
static bool compare_program(struct image_pair *p)
{
	struct elf_piece pieces[ELF_MAX_PIECES];
	int n = elf_page_plan(&p->img, PAGE_SIZE, pieces);
	int loaded = load_both(p);
	bool ok = loaded > 0;
	p->refused += loaded == 0;
	for (int i = 0; ok && i < n; i++)
		compare_range(p, pieces[i].start, pieces[i].end, 0);
	drop_both(p);
	int big = 0;
	for (int i = 1; i < n; i++)
		if (pieces[i].end - pieces[i].start > pieces[big].end - pieces[big].start)
			big = i;
	unsigned long lo = pieces[big].start, hi = pieces[big].end, mid = lo + (hi - lo) / 2;
	mid = mid - mid % PAGE_SIZE;
	if (!ok || hi - lo < 3 * PAGE_SIZE)
		return loaded >= 0;     /* refused, or too small to cut in three */
	p->moved++;
	ok = load_both(p) > 0;
	ok = ok && !as_mprotect(p->lazy, mid, PAGE_SIZE, PERM_R) &&
	     !as_mprotect(p->lazy, mid, PAGE_SIZE, elf_piece_perm(pieces[big].flags));
	ok = ok && !as_munmap(p->lazy, lo, PAGE_SIZE) &&
	     as_mremap(p->lazy, lo + PAGE_SIZE, hi - lo - PAGE_SIZE, hi - lo - PAGE_SIZE,
		       AS_REMAP_MAYMOVE | AS_REMAP_FIXED, MOVED_TO) == (long)MOVED_TO;
	if (ok)
		compare_range(p, lo + PAGE_SIZE, hi, MOVED_TO - (lo + PAGE_SIZE));
	drop_both(p);
	return ok;
}

/* Runs the comparison for every program that has a source. */
void ktest_image(void (*check)(bool ok, const char *name))
{
	unsigned long frames = frame_free_count(), bytes = kmalloc_bytes_in_use();
	char *names = frame_alloc_run(4);
	struct image_pair p = { .a = frame_alloc(), .b = frame_alloc() };
	long len = names ? initramfs_list(names, 4 * PAGE_SIZE) : -1;
	check(len > 0 && p.a && p.b, "the initramfs lists its programs");
	unsigned long programs = 0, failed = 0;
	for (long at = 0; len > 0 && at < len; at += (long)strlen(names + at) + 1) {
		p.name = names + at;
		if (initramfs_find_program(p.name, &p.f, &p.src) || !p.src ||
		    elf_parse(p.f.data, p.f.size, &p.img))
			continue;
		programs++;
		if (!compare_program(&p)) {
			failed++;
			kprintf("# %s: a load, split or move failed\n", p.name);
		}
	}
	kprintf("# %lu programs (%lu also split and moved, %lu refused by both), "
		"%lu pages compared\n", programs, p.moved, p.refused, p.pages);
	check(programs > 0 && p.moved > 0 && failed == 0, "every program loads both ways, splits and moves");
	check(p.differ == 0, "filled on first touch = copied at exec, page by page, permissions too");
	check(p.unmapped_early == 0, "a page with a source is not there before its first touch");
	frame_free(p.a);
	frame_free(p.b);
	if (names)
		frame_free_run(names);
	check(frame_free_count() == frames && kmalloc_bytes_in_use() == bytes,
	      "both loads, the splits and moves leave no frame or kmalloc byte behind");
}
