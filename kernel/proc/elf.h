/* Reader of static ELF64 RISC-V executables: the entry point and the
 * loadable segments, checked before anything is mapped. Pure code. */
#ifndef KERNEL_PROC_ELF_H
#define KERNEL_PROC_ELF_H

#define ELF_MAX_SEGMENTS 8

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
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	int seg_count;
};

/* 0 and *img for a well-formed executable; -ENOEXEC if the file is not a
 * little-endian 64-bit RISC-V ET_EXEC, or a program header or segment lies
 * outside the file, a segment is both writable and executable, memsz <
 * filesz, an address range wraps, or there are more than ELF_MAX_SEGMENTS
 * PT_LOAD segments. */
int elf_parse(const void *file, unsigned long size, struct elf_image *img);

#endif
