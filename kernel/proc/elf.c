/* ELF64 header and program-header checks (System V gABI, RISC-V psABI).
 * Fields are read with memcpy: the file sits at any byte alignment inside
 * the initramfs. */
#include "kernel/proc/elf.h"
#include "kernel/lib/string.h"
#include <dakota/syscall.h>

#define ET_EXEC    2
#define EM_RISCV   243
#define PT_LOAD    1
#define PT_PHDR    6
#define EHDR_SIZE  64
#define PHDR_SIZE  56

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

static int check_header(const struct elf_header *h, unsigned long size)
{
	static const unsigned char magic[] = { 0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LE */ };
	if (memcmp(h->ident, magic, sizeof magic) || h->type != ET_EXEC || h->machine != EM_RISCV)
		return -ENOEXEC;
	if (h->phentsize != PHDR_SIZE || h->phnum == 0 || h->phoff > size ||
	    (unsigned long)h->phnum * PHDR_SIZE > size - h->phoff)
		return -ENOEXEC;
	return 0;
}

static int add_segment(const struct elf_phdr *ph, unsigned long size, struct elf_image *img)
{
	if (ph->memsz == 0)
		return 0;
	if ((ph->flags & ELF_SEG_W) && (ph->flags & ELF_SEG_X))
		return -ENOEXEC;
	if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset ||
	    ph->vaddr + ph->memsz < ph->vaddr || img->seg_count == ELF_MAX_SEGMENTS)
		return -ENOEXEC;
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

int elf_parse(const void *file, unsigned long size, struct elf_image *img)
{
	struct elf_header h;
	memset(img, 0, sizeof *img);
	if (!file || size < EHDR_SIZE)
		return -ENOEXEC;
	memcpy(&h, file, sizeof h);
	if (check_header(&h, size))
		return -ENOEXEC;
	for (unsigned i = 0; i < h.phnum; i++) {
		struct elf_phdr ph;
		memcpy(&ph, (const char *)file + h.phoff + i * PHDR_SIZE, sizeof ph);
		if (ph.type == PT_LOAD && add_segment(&ph, size, img))
			return -ENOEXEC;
	}
	if (img->seg_count == 0)
		return -ENOEXEC;
	img->entry = h.entry;
	img->phnum = h.phnum;
	img->phentsize = h.phentsize;
	img->phdr_vaddr = phdr_address(img, h.phoff, (unsigned long)h.phnum * PHDR_SIZE);
	return 0;
}
