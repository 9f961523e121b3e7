/* cpio newc: a 110-byte ASCII header ("070701" or "070702", then thirteen
 * 8-digit hex fields), the name with its NUL (and maybe more NULs), padding
 * to 4 bytes, the data, padding to 4 bytes. The archive ends at the entry
 * "TRAILER!!!". */
#include "kernel/proc/cpio.h"
#include "kernel/lib/string.h"
#include <dakota/syscall.h>

#define CPIO_HEADER_LEN 110
#define FIELD_MODE      1    /* field indexes after the 6-byte magic */
#define FIELD_FILESIZE  6
#define FIELD_NAMESIZE  11

/* Field i as a number, or -1 if it holds a non-hex digit. */
static long header_field(const char *header, int i)
{
	const char *p = header + 6 + 8 * i;
	long v = 0;
	for (int k = 0; k < 8; k++) {
		char c = p[k];
		int digit;
		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + digit;
	}
	return v;
}

static unsigned long align4(unsigned long x)
{
	return (x + 3) & ~3UL;
}

int cpio_next(const void *archive, unsigned long len, unsigned long *cursor,
	      struct cpio_file *f)
{
	const char *base = archive;
	unsigned long off = *cursor;
	if (!archive || off >= len)
		return 0;
	if (len - off < CPIO_HEADER_LEN)
		return -EINVAL;
	const char *h = base + off;
	if (memcmp(h, "070701", 6) && memcmp(h, "070702", 6))
		return -EINVAL;
	long mode = header_field(h, FIELD_MODE), size = header_field(h, FIELD_FILESIZE);
	long namesize = header_field(h, FIELD_NAMESIZE);
	if (mode < 0 || size < 0 || namesize < 1)
		return -EINVAL;
	unsigned long name_off = off + CPIO_HEADER_LEN;
	if ((unsigned long)namesize > len - name_off || base[name_off + namesize - 1] != 0)
		return -EINVAL;
	unsigned long data_off = align4(name_off + (unsigned long)namesize);
	if (data_off > len || (unsigned long)size > len - data_off)
		return -EINVAL;
	f->name = base + name_off;
	/* A name may be followed by more NULs, counted in namesize: padding
	 * that puts the data on a page boundary (tools/mkcpio.py). */
	f->name_len = strnlen(f->name, (unsigned long)namesize);
	if (!strcmp(f->name, "TRAILER!!!"))
		return 0;
	f->data = base + data_off;
	f->size = (unsigned long)size;
	f->mode = (unsigned)mode;
	*cursor = align4(data_off + (unsigned long)size);
	return 1;
}

int cpio_find(const void *archive, unsigned long len, const char *name, struct cpio_file *f)
{
	unsigned long cursor = 0;
	int r;
	while ((r = cpio_next(archive, len, &cursor, f)) == 1)
		if (!strcmp(f->name, name))
			return 0;
	return r < 0 ? r : -ENOENT;
}

/* Insertion sort: stable, and the archive has tens of entries, sorted once
 * at boot. */
static void sort_by_name(struct cpio_file *idx, unsigned long n)
{
	for (unsigned long i = 1; i < n; i++) {
		struct cpio_file e = idx[i];
		unsigned long j = i;
		for (; j > 0 && strcmp(idx[j - 1].name, e.name) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = e;
	}
}

unsigned long cpio_index(const void *archive, unsigned long len, struct cpio_file *idx,
			 unsigned long max, int *broken)
{
	unsigned long cursor = 0, n = 0;
	struct cpio_file f;
	int r;
	while ((r = cpio_next(archive, len, &cursor, &f)) == 1) {
		if (n < max)
			idx[n] = f;
		n++;
	}
	*broken = r < 0;
	if (n <= max)
		sort_by_name(idx, n);
	return n;
}

long cpio_index_position(const struct cpio_file *idx, unsigned long n, const char *name)
{
	unsigned long lo = 0, hi = n;     /* the first entry >= name is in [lo, hi] */
	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		if (strcmp(idx[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(idx[lo].name, name) ? (long)lo : -1;
}

int cpio_index_find(const struct cpio_file *idx, unsigned long n, int broken,
		    const char *name, struct cpio_file *f)
{
	long at = cpio_index_position(idx, n, name);
	if (at >= 0) {
		*f = idx[at];
		return 0;
	}
	return broken ? -EINVAL : -ENOENT;
}
