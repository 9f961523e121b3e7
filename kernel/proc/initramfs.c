/* The initramfs stays where the boot loader put it (its frames are
 * reserved) and is never written: program images and init's arguments are
 * read in place. Lookups by name go through an index built once at boot
 * (a scan of the archive's headers cost every exec about 40,000
 * instructions). */
#include "kernel/proc/initramfs.h"
#include "kernel/proc/cpio.h"
#include "kernel/proc/initstack.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include <dakota/syscall.h>

static const void *initramfs;
static unsigned long initramfs_size;
/* The entries sorted by name (cpio_index). Written once by the boot hart
 * before the first process exists, read-only after that, so no lock: every
 * exec runs in a thread created after it. NULL if kmalloc failed at boot;
 * lookups then scan the archive. */
static struct cpio_file *index;
static unsigned long index_count;
static int index_broken;

void initramfs_init(const void *start, unsigned long size)
{
	initramfs = start;
	initramfs_size = size;
	unsigned long n = cpio_index(start, size, NULL, 0, &index_broken);
	if (n == 0)
		return;
	index = kmalloc(n * sizeof *index);
	if (index)
		index_count = cpio_index(start, size, index, n, &index_broken);
}

static int find(const char *name, struct cpio_file *f)
{
	if (!index)
		return cpio_find(initramfs, initramfs_size, name, f);
	return cpio_index_find(index, index_count, index_broken, name, f);
}

long initramfs_list(char *buf, unsigned long len)
{
	unsigned long cursor = 0, used = 0;
	struct cpio_file f;
	while (cpio_next(initramfs, initramfs_size, &cursor, &f) == 1) {
		if (f.name_len < 5 || strncmp(f.name, "bin/", 4) || (f.mode & 0170000) != 0100000)
			continue;
		unsigned long n = f.name_len - 4;
		if (used + n + 1 > len)
			return -ERANGE;
		memcpy(buf + used, f.name + 4, n);
		buf[used + n] = 0;
		used += n + 1;
	}
	return (long)used;
}

int initramfs_find_program(const char *path, struct cpio_file *f)
{
	char name[64];
	const char *base = path;
	if (!strncmp(base, "/bin/", 5))
		base += 5;
	else if (!strncmp(base, "bin/", 4))
		base += 4;
	if (!*base || strchr(base, '/') || strlen(base) > 50)
		return -ENOENT;
	strlcpy(name, "bin/", sizeof name);
	strlcpy(name + 4, base, sizeof name - 4);
	return find(name, f);
}

/* A file of NUL-terminated strings as a kernel strvec. */
static int read_vector(const char *name, struct strvec *v)
{
	struct cpio_file f;
	if (find(name, &f))
		return 0;
	const char *s = f.data;
	if (f.size && s[f.size - 1] != 0)
		return -EINVAL;
	*v = (struct strvec){ .packed = s };
	for (unsigned long i = 0; i < f.size; i++)
		v->count += s[i] == 0;
	return 1;
}

int initramfs_init_args(struct strvec *argv, struct strvec *envp)
{
	int r = read_vector("init/argv", argv);
	if (r <= 0)
		return r;
	if (argv->count == 0)
		return 0;
	int e = read_vector("init/envp", envp);
	return e < 0 ? e : 1;
}
