/* The ELF loader: regions from the page plan, then the file bytes copied
 * in. Copying instead of sharing initramfs pages is what lets a segment
 * start mid-page at any file offset, and leaves the tail of a page after
 * filesz zero (a fresh page is zeroed) without clearing it by hand. */
#include "kernel/proc/elf_load.h"
#include "kernel/proc/elf.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/layout.h"
#include "kernel/lib/string.h"
#include <dakota/syscall.h>

static unsigned piece_perm(unsigned flags)
{
	return (flags & ELF_SEG_R ? PERM_R : 0) | (flags & ELF_SEG_W ? PERM_W : 0) |
	       (flags & ELF_SEG_X ? PERM_X : 0);
}

static long map_pieces(struct addrspace *as, const struct elf_image *img,
		       unsigned long *image_end, const char **why)
{
	struct elf_piece pieces[ELF_MAX_PIECES];
	int n = elf_page_plan(img, PAGE_SIZE, pieces);
	*image_end = 0;
	for (int i = 0; i < n; i++) {
		if (pieces[i].start < USER_BASE || pieces[i].end > MMAP_BASE) {
			*why = "a segment lies outside the user program area";
			return -ENOEXEC;
		}
		long err = as_add_region(as, pieces[i].start, pieces[i].end,
					 piece_perm(pieces[i].flags), REGION_ELF);
		if (err)
			return err;
		if (pieces[i].end > *image_end)
			*image_end = pieces[i].end;
	}
	return 0;
}

/* File bytes [s->offset, +filesz) land at [s->vaddr, +filesz). */
static long copy_segment(struct addrspace *as, const char *file, const struct elf_segment *s)
{
	unsigned long end = s->vaddr + s->filesz;
	for (unsigned long va = PAGE_ROUND_DOWN(s->vaddr); va < end; va += PAGE_SIZE) {
		char *page = as_populate(as, va);
		if (!page)
			return -ENOMEM;
		unsigned long lo = va > s->vaddr ? va : s->vaddr;
		unsigned long hi = va + PAGE_SIZE < end ? va + PAGE_SIZE : end;
		memcpy(page + (lo - va), file + s->offset + (lo - s->vaddr), hi - lo);
	}
	return 0;
}

long elf_load(struct addrspace *as, const void *file, const struct elf_image *img,
	      unsigned long *image_end, const char **why)
{
	long err = map_pieces(as, img, image_end, why);
	for (int i = 0; !err && i < img->seg_count; i++)
		err = copy_segment(as, file, &img->seg[i]);
	return err;
}
