/* Reader of cpio "newc" archives (the initramfs): the files in order, or
 * one by name. Pure code over a byte range; every field is bounds-checked. */
#ifndef KERNEL_PROC_CPIO_H
#define KERNEL_PROC_CPIO_H

struct cpio_file {
	const char *name;          /* inside the archive, NUL-terminated there */
	unsigned long name_len;    /* without the NUL */
	const void *data;
	unsigned long size;
	unsigned mode;             /* st_mode: type and permission bits */
};

/* Reads the entry at *cursor (start with 0) into *f and moves *cursor to
 * the next one. 1: an entry; 0: the trailer or the end; -EINVAL: a broken
 * header or an entry running past len. */
int cpio_next(const void *archive, unsigned long len, unsigned long *cursor,
	      struct cpio_file *f);

/* 0 and *f for the entry called name, -ENOENT if none, -EINVAL if the
 * archive breaks before it is found. */
int cpio_find(const void *archive, unsigned long len, const char *name, struct cpio_file *f);

/* An index for lookups by name without a scan of the archive. Fills idx
 * (room for max entries; NULL with max 0 to count only) with the entries
 * that lie before the trailer or before the first broken header, sorted by
 * name, entries of the same name in archive order. Returns how many entries
 * there are (more than max: only max were written, unsorted), and sets
 * *broken when a broken header ended the walk. */
unsigned long cpio_index(const void *archive, unsigned long len, struct cpio_file *idx,
			 unsigned long max, int *broken);

/* Where the first entry called name is in an index of n entries, or -1. */
long cpio_index_position(const struct cpio_file *idx, unsigned long n, const char *name);

/* cpio_find's answer from an index of n entries: 0 and *f for the first
 * entry called name; else -EINVAL if the archive was broken, -ENOENT if not. */
int cpio_index_find(const struct cpio_file *idx, unsigned long n, int broken,
		    const char *name, struct cpio_file *f);

#endif
