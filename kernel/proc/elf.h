/* Reader of static ELF64 RISC-V executables: the entry point and the
 * loadable segments, checked before anything is mapped, and the page plan
 * that says which pages to map with which permissions. Pure code. */
#ifndef KERNEL_PROC_ELF_H
#define KERNEL_PROC_ELF_H

#define ELF_MAX_SEGMENTS 8
#define ELF_EM_RISCV 243       /* e_machine */

/* Segment permissions, as in p_flags. */
#define ELF_SEG_X 1
#define ELF_SEG_W 2
#define ELF_SEG_R 4

struct elf_segment {
	unsigned long vaddr;
	unsigned long memsz;
	unsigned long offset;   /* in the file */
	unsigned long filesz;
	unsigned flags;         /* ELF_SEG_* */
};

struct elf_image {
	unsigned long entry;
	unsigned long phdr_vaddr;   /* for AT_PHDR; 0 if not in a segment */
	unsigned long phnum;
	unsigned long phentsize;
	unsigned machine;           /* e_machine, for the refusal message */
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	int seg_count;
	const char *error;          /* why elf_parse refused the file, else NULL */
};

/* 0 and *img for a well-formed static executable; -ENOEXEC, with
 * img->error saying why, if the file is not ELF, not 64-bit little-endian,
 * not for RISC-V, not ET_EXEC, dynamically linked (has PT_INTERP), or a
 * program header or segment lies outside the file, memsz < filesz, an
 * address range wraps, or there are more than ELF_MAX_SEGMENTS PT_LOAD
 * segments. Writable and executable segments are accepted, as Linux does;
 * PT_TLS, PT_GNU_STACK, PT_GNU_RELRO and the rest need nothing here. */
int elf_parse(const void *file, unsigned long size, struct elf_image *img);

/* A page-aligned piece of the image: [start, end) mapped with flags. */
struct elf_piece {
	unsigned long start, end;
	unsigned flags;         /* ELF_SEG_*: the union over every segment in it */
};
#define ELF_MAX_PIECES (2 * ELF_MAX_SEGMENTS)

/* Cuts the pages the segments touch into pieces of equal permissions, in
 * ascending order: a page two segments share (text ending and data
 * starting in one page) gets the union of their permissions. Returns the
 * number of pieces (at most ELF_MAX_PIECES). */
int elf_page_plan(const struct elf_image *img, unsigned long page_size,
		  struct elf_piece *pieces);

#endif
