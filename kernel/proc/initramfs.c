/* The initramfs stays where the boot loader put it (its frames are
 * reserved) and is never written or freed: program images and init's
 * arguments are read in place, and each program's page source (elf_load.h)
 * points into it for as long as the kernel runs. Lookups by name go through
 * an index built once at boot (a scan of the archive's headers cost every
 * exec about 40,000 instructions). */
#include "kernel/proc/initramfs.h"
#include <stdbool.h>
#include "kernel/proc/cpio.h"
#include "kernel/proc/elf_load.h"
#include "kernel/proc/initstack.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include <dakota/syscall.h>

static const void *initramfs;
static unsigned long initramfs_size;
/* The entries sorted by name (cpio_index), and beside each the page source
 * of a program (bin/NAME that is an ELF file exec accepts; else NULL).
 * Written once by the boot hart before the first process exists, read-only
 * after that, so no lock: every exec runs in a thread created after it.
 * index NULL if kmalloc failed at boot: lookups then scan the archive, and
 * programs are loaded without a source (all at once). */
static struct cpio_file *index;
static const struct elf_source **sources;
static unsigned long index_count;
static int index_broken;

static bool is_program(const struct cpio_file *f)
{
	return f->name_len > 4 && !strncmp(f->name, "bin/", 4) &&
	       (f->mode & 0170000) == 0100000;
}

/* A source per program, made once: they are never freed (nor is the
 * archive they read), so a region may name one for as long as it exists. */
static void make_sources(void)
{
	sources = kmalloc(index_count * sizeof *sources);
	for (unsigned long i = 0; sources && i < index_count; i++)
		sources[i] = is_program(&index[i]) ?
			     elf_source_create(index[i].data, index[i].size) : NULL;
}

void initramfs_init(const void *start, unsigned long size)
{
	initramfs = start;
	initramfs_size = size;
	unsigned long n = cpio_index(start, size, NULL, 0, &index_broken);
	if (n == 0)
		return;
	index = kmalloc(n * sizeof *index);
	if (!index)
		return;
	index_count = cpio_index(start, size, index, n, &index_broken);
	make_sources();
}

/* The entry called name, and its page source if it has one. */
static int find(const char *name, struct cpio_file *f, const struct elf_source **src)
{
	*src = NULL;
	if (!index)
		return cpio_find(initramfs, initramfs_size, name, f);
	long at = cpio_index_position(index, index_count, name);
	if (at < 0)
		return index_broken ? -EINVAL : -ENOENT;
	*f = index[at];
	if (sources)
		*src = sources[at];
	return 0;
}

long initramfs_list(char *buf, unsigned long len)
{
	unsigned long cursor = 0, used = 0;
	struct cpio_file f;
	while (cpio_next(initramfs, initramfs_size, &cursor, &f) == 1) {
		if (!is_program(&f))
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

int initramfs_find_program(const char *path, struct cpio_file *f,
			   const struct elf_source **src)
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
	return find(name, f, src);
}

/* A file of NUL-terminated strings as a kernel strvec. */
static int read_vector(const char *name, struct strvec *v)
{
	struct cpio_file f;
	const struct elf_source *src;
	if (find(name, &f, &src))
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
