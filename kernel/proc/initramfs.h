/* The initramfs: a cpio archive holding the programs (bin/NAME) and,
 * written by tools/run, the first program's arguments and environment. */
#ifndef KERNEL_PROC_INITRAMFS_H
#define KERNEL_PROC_INITRAMFS_H

struct cpio_file;
struct elf_source;
struct strvec;

/* Records where the initramfs is (physical = kernel address). */
void initramfs_init(const void *start, unsigned long size);
/* Writes the NUL-separated names of every program into buf; bytes used. */
long initramfs_list(char *buf, unsigned long len);
/* The program `path` names: "sh", "/bin/sh" and "bin/sh" all name bin/sh.
 * 0, *f and *src (its page source for elf_load, which lives for as long as
 * the kernel runs; NULL if it has none), or -ENOENT. */
int initramfs_find_program(const char *path, struct cpio_file *f,
			   const struct elf_source **src);
/* init/argv and init/envp: each a file of NUL-terminated strings (an empty
 * file is an empty vector). Fills *argv (and *envp if init/envp exists)
 * and returns 1 when init/argv exists and holds at least one string; 0 when
 * there is none (the command line's init= then names the program);
 * -EINVAL when a file does not end with a NUL. */
int initramfs_init_args(struct strvec *argv, struct strvec *envp);

#endif
