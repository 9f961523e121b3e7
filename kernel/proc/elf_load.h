/* Loading a parsed ELF image into a fresh address space. */
#ifndef KERNEL_PROC_ELF_LOAD_H
#define KERNEL_PROC_ELF_LOAD_H

struct addrspace;
struct elf_image;
struct elf_source;

/* The source of a program file's pages (a region_source, addrspace.h), or
 * NULL if the file is not one elf_parse accepts or memory ran out. The file
 * must stay where it is, unchanged, for as long as the kernel runs, and the
 * source is never freed: the initramfs's programs qualify (initramfs.c
 * makes one for each at boot). */
const struct elf_source *elf_source_create(const void *file, unsigned long size);

/* A piece's ELF_SEG_* flags as page permissions (PERM_*). */
unsigned elf_piece_perm(unsigned flags);

/* Maps the image's pages into as (one region per piece of the page plan).
 * With src (made from the same file), every page is built from it on first
 * touch; without, the file bytes of every segment are copied now and pages
 * that are only .bss are left to fill on demand, zeroed. Either way the
 * pages come out the same. 0 and *image_end (the page after the highest
 * segment: where the heap starts); -ENOEXEC (with *why) if a segment lies
 * outside the program area; -ENOMEM. On failure as holds whatever was
 * mapped: destroy it. */
long elf_load(struct addrspace *as, const void *file, const struct elf_image *img,
	      const struct elf_source *src, unsigned long *image_end, const char **why);

#endif
