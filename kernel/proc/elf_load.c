/* The ELF loader: regions from the page plan, each page built on first
 * touch from the program's source (elf_source), or, without a source, every
 * page that holds file bytes built and mapped at once. Copying instead of
 * sharing initramfs pages is what lets a segment start mid-page at any file
 * offset. Each page is built whole in a frame that comes unzeroed (zeroes
 * only where no file byte lands), so most text pages cost one copy and no
 * clearing. */
#include "kernel/proc/elf_load.h"
#include "kernel/proc/elf.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/layout.h"
#include "kernel/lib/string.h"
#include <dakota/syscall.h>

unsigned elf_piece_perm(unsigned flags)
{
	return (flags & ELF_SEG_R ? PERM_R : 0) | (flags & ELF_SEG_W ? PERM_W : 0) |
	       (flags & ELF_SEG_X ? PERM_X : 0);
}

/* A program's pages: the image's page at address index * PAGE_SIZE is the
 * source's page `index`. */
struct elf_source {
	struct region_source src;
	const char *file;
	struct elf_image img;
};

static long map_pieces(struct addrspace *as, const struct elf_image *img,
		       const struct elf_source *src, unsigned long *image_end, const char **why)
{
	struct elf_piece pieces[ELF_MAX_PIECES];
	int n = elf_page_plan(img, PAGE_SIZE, pieces);
	*image_end = 0;
	for (int i = 0; i < n; i++) {
		if (pieces[i].start < USER_BASE || pieces[i].end > MMAP_BASE) {
			*why = "a segment lies outside the user program area";
			return -ENOEXEC;
		}
		unsigned perm = elf_piece_perm(pieces[i].flags);
		long err = src ? as_add_source_region(as, pieces[i].start, pieces[i].end, perm,
						      &src->src, pieces[i].start / PAGE_SIZE) :
				 as_add_region(as, pieces[i].start, pieces[i].end, perm, REGION_ELF);
		if (err)
			return err;
		if (pieces[i].end > *image_end)
			*image_end = pieces[i].end;
	}
	return 0;
}

/* True if segment s has file bytes in the page at va. */
static bool has_file_bytes(const struct elf_segment *s, unsigned long va)
{
	return s->filesz && s->vaddr < va + PAGE_SIZE && va < s->vaddr + s->filesz;
}

/* The page at va as the program starts with it: zero, then the file bytes
 * of every segment that has some there, in header order (a later segment
 * overlapping an earlier one wins). A page that one segment's file bytes
 * cover whole skips the zeroing. */
static void build_page(char *page, const char *file, const struct elf_image *img,
		       unsigned long va)
{
	bool whole = false;
	for (int i = 0; i < img->seg_count; i++) {
		const struct elf_segment *s = &img->seg[i];
		whole |= s->vaddr <= va && va + PAGE_SIZE <= s->vaddr + s->filesz;
	}
	if (!whole)
		memset(page, 0, PAGE_SIZE);
	for (int i = 0; i < img->seg_count; i++) {
		const struct elf_segment *s = &img->seg[i];
		if (!has_file_bytes(s, va))
			continue;
		unsigned long end = s->vaddr + s->filesz;
		unsigned long lo = va > s->vaddr ? va : s->vaddr;
		unsigned long hi = va + PAGE_SIZE < end ? va + PAGE_SIZE : end;
		memcpy(page + (lo - va), file + s->offset + (lo - s->vaddr), hi - lo);
	}
}

/* Called with the address space's lock held (region_source). The source
 * and its file never change, so no lock of their own is needed. */
static void elf_fill(const struct region_source *rs, unsigned long index, void *page)
{
	const struct elf_source *src = (const struct elf_source *)rs;
	build_page(page, src->file, &src->img, index * PAGE_SIZE);
}

const struct elf_source *elf_source_create(const void *file, unsigned long size)
{
	struct elf_source *src = kmalloc(sizeof *src);
	if (!src)
		return NULL;
	if (elf_parse(file, size, &src->img)) {
		kfree(src);
		return NULL;
	}
	src->src.fill = elf_fill;
	src->file = file;
	return src;
}

/* Maps a page built from the file at va. The frame comes unzeroed:
 * build_page writes every byte of it before it is mapped, and the space is
 * not yet any thread's, so nobody sees it half built. */
static long fill_page(struct addrspace *as, const char *file, const struct elf_image *img,
		      unsigned long va, unsigned perm)
{
	char *page = frame_alloc_dirty();
	if (!page)
		return -ENOMEM;
	build_page(page, file, img, va);
	spin_lock(&as->lock);
	int err = mmu_map(as->pt, va, (unsigned long)page, perm | PERM_U);
	spin_unlock(&as->lock);
	if (err)
		frame_free(page);
	return err;
}

/* Every page of the pieces that holds file bytes; pages of zeroes only
 * (.bss) are left to the fault path, which supplies them zeroed. */
static long fill_pieces(struct addrspace *as, const char *file, const struct elf_image *img)
{
	struct elf_piece pieces[ELF_MAX_PIECES];
	int n = elf_page_plan(img, PAGE_SIZE, pieces);
	for (int i = 0; i < n; i++) {
		unsigned perm = elf_piece_perm(pieces[i].flags);
		for (unsigned long va = pieces[i].start; va < pieces[i].end; va += PAGE_SIZE) {
			bool used = false;
			for (int k = 0; k < img->seg_count; k++)
				used |= has_file_bytes(&img->seg[k], va);
			long err = used ? fill_page(as, file, img, va, perm) : 0;
			if (err)
				return err;
		}
	}
	return 0;
}

long elf_load(struct addrspace *as, const void *file, const struct elf_image *img,
	      const struct elf_source *src, unsigned long *image_end, const char **why)
{
	long err = map_pieces(as, img, src, image_end, why);
	return err || src ? err : fill_pieces(as, file, img);
}
