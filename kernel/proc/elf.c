/* ELF64 header and program-header checks (System V gABI, RISC-V psABI).
 * Fields are read with memcpy: the file sits at any byte alignment inside
 * the initramfs. */
#include "kernel/proc/elf.h"
#include "kernel/lib/string.h"
#include <dakota/syscall.h>

#define ET_EXEC    2
#define ET_DYN     3
#define PT_LOAD    1
#define PT_INTERP  3
#define EHDR_SIZE  64
#define PHDR_SIZE  56
/* The highest end a segment may have: its last page must not wrap. */
#define SEG_END_MAX (~0UL - 4095)

struct elf_header {
	unsigned char ident[16];
	unsigned short type, machine;
	unsigned version;
	unsigned long entry, phoff, shoff;
	unsigned flags;
	unsigned short ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
	unsigned type, flags;
	unsigned long offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct elf_header) == EHDR_SIZE, "ELF64 header layout");
_Static_assert(sizeof(struct elf_phdr) == PHDR_SIZE, "ELF64 program header layout");

static int refuse(struct elf_image *img, const char *why)
{
	img->error = why;
	return -ENOEXEC;
}

/* The identity and machine checks, in the order a user wants to hear of
 * them: a text file is "not an ELF file", not "wrong machine". */
static int check_ident(const struct elf_header *h, struct elf_image *img)
{
	static const unsigned char magic[] = { 0x7f, 'E', 'L', 'F' };
	if (memcmp(h->ident, magic, sizeof magic))
		return refuse(img, "not an ELF file");
	if (h->ident[4] != 2)
		return refuse(img, "not a 64-bit ELF file (ELFCLASS64)");
	if (h->ident[5] != 1)
		return refuse(img, "not a little-endian ELF file");
	img->machine = h->machine;
	if (h->machine != ELF_EM_RISCV)
		return refuse(img, "ELF file for another machine, not RISC-V");
	return 0;
}

static int check_header(const struct elf_header *h, unsigned long size, struct elf_image *img)
{
	if (check_ident(h, img))
		return -ENOEXEC;
	if (h->type != ET_EXEC && h->type != ET_DYN)
		return refuse(img, "ELF file is not an executable (relocatable or core file)");
	if (h->phentsize != PHDR_SIZE || h->phnum == 0 || h->phoff > size ||
	    (unsigned long)h->phnum * PHDR_SIZE > size - h->phoff)
		return refuse(img, "program headers missing or outside the file");
	return 0;
}

static int add_segment(const struct elf_phdr *ph, unsigned long size, struct elf_image *img)
{
	if (ph->memsz == 0)
		return 0;
	if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset)
		return refuse(img, "a segment lies outside the file");
	if (ph->vaddr > SEG_END_MAX || ph->memsz > SEG_END_MAX - ph->vaddr)
		return refuse(img, "a segment wraps around the address space");
	if (img->seg_count == ELF_MAX_SEGMENTS)
		return refuse(img, "too many loadable segments");
	img->seg[img->seg_count++] = (struct elf_segment){
		.vaddr = ph->vaddr, .memsz = ph->memsz, .offset = ph->offset,
		.filesz = ph->filesz, .flags = ph->flags & (ELF_SEG_R | ELF_SEG_W | ELF_SEG_X),
	};
	return 0;
}

/* AT_PHDR: the program headers' address in memory, found through the
 * segment whose file bytes contain them. */
static unsigned long phdr_address(const struct elf_image *img, unsigned long phoff,
				  unsigned long phsize)
{
	for (int i = 0; i < img->seg_count; i++) {
		const struct elf_segment *s = &img->seg[i];
		if (phoff >= s->offset && phoff + phsize <= s->offset + s->filesz)
			return s->vaddr + (phoff - s->offset);
	}
	return 0;
}

/* Every program header; notes whether one asks for an interpreter. */
static int read_phdrs(const void *file, unsigned long size, const struct elf_header *h,
		      struct elf_image *img, int *interp)
{
	*interp = 0;
	for (unsigned i = 0; i < h->phnum; i++) {
		struct elf_phdr ph;
		memcpy(&ph, (const char *)file + h->phoff + i * PHDR_SIZE, sizeof ph);
		if (ph.type == PT_INTERP)
			*interp = 1;
		else if (ph.type == PT_LOAD && add_segment(&ph, size, img))
			return -ENOEXEC;
	}
	return 0;
}

int elf_parse(const void *file, unsigned long size, struct elf_image *img)
{
	struct elf_header h;
	memset(img, 0, sizeof *img);
	if (!file || size < EHDR_SIZE)
		return refuse(img, "not an ELF file");
	memcpy(&h, file, sizeof h);
	if (check_header(&h, size, img))
		return -ENOEXEC;
	int interp;
	if (read_phdrs(file, size, &h, img, &interp))
		return -ENOEXEC;
	if (interp)
		return refuse(img, "dynamically linked programs are not supported "
			      "(link with -static)");
	if (h.type == ET_DYN)
		return refuse(img, "position-independent executables (ET_DYN) are not supported");
	if (img->seg_count == 0)
		return refuse(img, "no loadable segment");
	img->entry = h.entry;
	img->phnum = h.phnum;
	img->phentsize = h.phentsize;
	img->phdr_vaddr = phdr_address(img, h.phoff, (unsigned long)h.phnum * PHDR_SIZE);
	return 0;
}

/* Adds b to the sorted set bounds[0..*n). */
static void add_bound(unsigned long *bounds, int *n, unsigned long b)
{
	int i = *n;
	for (int k = 0; k < *n; k++)
		if (bounds[k] == b)
			return;
	while (i > 0 && bounds[i - 1] > b) {
		bounds[i] = bounds[i - 1];
		i--;
	}
	bounds[i] = b;
	(*n)++;
}

/* Flags of the page range [lo, hi), which lies inside or outside each
 * segment's pages as a whole; -1 if no segment covers it. */
static int range_flags(const struct elf_image *img, unsigned long page_size,
		       unsigned long lo, unsigned long hi)
{
	int flags = -1;
	for (int i = 0; i < img->seg_count; i++) {
		const struct elf_segment *s = &img->seg[i];
		unsigned long start = s->vaddr & ~(page_size - 1);
		unsigned long end = (s->vaddr + s->memsz + page_size - 1) & ~(page_size - 1);
		if (lo >= start && hi <= end)
			flags = (flags < 0 ? 0 : flags) | (int)s->flags;
	}
	return flags;
}

int elf_page_plan(const struct elf_image *img, unsigned long page_size,
		  struct elf_piece *pieces)
{
	unsigned long bounds[ELF_MAX_PIECES + 1];
	int nb = 0, np = 0;
	for (int i = 0; i < img->seg_count; i++) {
		const struct elf_segment *s = &img->seg[i];
		add_bound(bounds, &nb, s->vaddr & ~(page_size - 1));
		add_bound(bounds, &nb, (s->vaddr + s->memsz + page_size - 1) & ~(page_size - 1));
	}
	for (int i = 0; i + 1 < nb; i++) {
		int flags = range_flags(img, page_size, bounds[i], bounds[i + 1]);
		if (flags < 0)
			continue;
		if (np > 0 && pieces[np - 1].end == bounds[i] && pieces[np - 1].flags == (unsigned)flags) {
			pieces[np - 1].end = bounds[i + 1];
			continue;
		}
		pieces[np++] = (struct elf_piece){ bounds[i], bounds[i + 1], (unsigned)flags };
	}
	return np;
}
