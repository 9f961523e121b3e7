/* Loading a parsed ELF image into a fresh address space. */
#ifndef KERNEL_PROC_ELF_LOAD_H
#define KERNEL_PROC_ELF_LOAD_H

struct addrspace;
struct elf_image;

/* Maps the image's pages into as (one region per piece of the page plan)
 * and copies the file bytes of every segment. Pages holding file bytes are
 * filled now; pages that are only .bss are left to fill on demand, zeroed.
 * 0 and *image_end (the page after the highest segment: where the heap
 * starts); -ENOEXEC (with *why) if a segment lies outside the program
 * area; -ENOMEM. On failure as holds whatever was mapped: destroy it. */
long elf_load(struct addrspace *as, const void *file, const struct elf_image *img,
	      unsigned long *image_end, const char **why);

#endif
