/* Open tmpfs files (tmpfs_file.h), and the calls that only such files
 * answer (file.h): lseek, pread64/pwrite64, ftruncate, mmap. On the
 * console and pipes they are -ESPIPE or -EINVAL as on Linux; on /dev's
 * devices, what kernel/proc/file_device.h says. */
#include "kernel/fs/tmpfs_file.h"
#include "kernel/fs/tmpfs.h"
#include "kernel/proc/file.h"
#include "kernel/proc/file_private.h"
#include "kernel/proc/file_device.h"
#include "kernel/proc/process.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/kmalloc.h"
#include <dakota/syscall.h>
#include <dakota/fcntl.h>
#include <dakota/mman.h>

#define SEEK_DATA 3
#define SEEK_HOLE 4

long tmpfs_file_install(struct tmpfs_node *n, int flags)
{
	struct file *f = file_open_new(FILE_TMPFS, flags);
	if (!f) {
		tmpfs_node_put(n);
		return -ENOMEM;
	}
	f->node = n;
	return file_install_opened(f, flags);
}

static bool readable(const struct file *f)
{
	return f->access == O_RDONLY || f->access == O_RDWR;
}

static bool writable(const struct file *f)
{
	return f->access == O_WRONLY || f->access == O_RDWR;
}

long tmpfs_file_read(struct file *f, unsigned long ubuf, unsigned long len)
{
	if (!readable(f))
		return -EBADF;
	unsigned long pos = __atomic_load_n(&f->pos, __ATOMIC_RELAXED);
	long r = tmpfs_read(f->node, pos, ubuf, len);
	if (r > 0)
		__atomic_store_n(&f->pos, pos + (unsigned long)r, __ATOMIC_RELAXED);
	return r;
}

long tmpfs_file_write(struct file *f, unsigned long ubuf, unsigned long len)
{
	if (!writable(f))
		return -EBADF;
	bool append = __atomic_load_n(&f->status, __ATOMIC_RELAXED) & O_APPEND;
	unsigned long pos = __atomic_load_n(&f->pos, __ATOMIC_RELAXED);
	long r = tmpfs_write(f->node, &pos, append, ubuf, len);
	if (r > 0 || append)
		__atomic_store_n(&f->pos, pos, __ATOMIC_RELAXED);
	return r;
}

/* The new position for lseek, or -EINVAL/-ENXIO. */
static long seek_target(struct file *f, long off, unsigned whence)
{
	long size = (long)tmpfs_size(f->node);
	long base = whence == SEEK_SET ? 0 :
		    whence == SEEK_CUR ? (long)__atomic_load_n(&f->pos, __ATOMIC_RELAXED) : size;
	if (whence == SEEK_DATA || whence == SEEK_HOLE) {
		/* One data extent, then the hole at the end. */
		if (off < 0 || off >= size)
			return -ENXIO;
		return whence == SEEK_DATA ? off : size;
	}
	if ((off > 0 && base > __LONG_MAX__ - off) || base + off < 0)
		return -EINVAL;
	return base + off;
}

long file_lseek(int fd, long off, unsigned whence)
{
	struct file *f = file_get(fd);
	if (!f)
		return -EBADF;
	/* A device's position is always 0, whatever is asked (Linux's
	 * null_lseek and its kin). */
	long r = whence > SEEK_HOLE ? -EINVAL : f->kind == FILE_DEVICE ? 0 :
		 f->kind != FILE_TMPFS ? -ESPIPE : seek_target(f, off, whence);
	if (r >= 0)
		__atomic_store_n(&f->pos, (unsigned long)r, __ATOMIC_RELAXED);
	file_put(f);
	return r;
}

long file_pio(int fd, unsigned long ubuf, unsigned long len, long pos, bool writing)
{
	struct file *f = file_get(fd);
	if (!f)
		return -EBADF;
	long r;
	if (f->kind == FILE_DEVICE)   /* no position: pos only has to be valid */
		r = pos < 0 ? -EINVAL : !user_range_ok(ubuf, len) ? -EFAULT :
		    writing ? device_file_write(f, ubuf, len) : device_file_read(f, ubuf, len);
	else if (f->kind != FILE_TMPFS)
		r = -ESPIPE;
	else if (writing ? !writable(f) : !readable(f))
		r = -EBADF;
	else if (pos < 0)
		r = -EINVAL;
	else if (!user_range_ok(ubuf, len))
		r = -EFAULT;
	else if ((long)((unsigned long)pos + len) < 0)
		r = -EINVAL;            /* Linux: pos + len past LLONG_MAX */
	else if (writing) {
		unsigned long at = (unsigned long)pos;
		r = tmpfs_write(f->node, &at, false, ubuf, len);
	} else {
		r = tmpfs_read(f->node, (unsigned long)pos, ubuf, len);
	}
	file_put(f);
	return r;
}

long file_truncate(int fd, long length)
{
	struct file *f = file_get(fd);
	if (!f)
		return -EBADF;
	long r = length < 0 || f->kind != FILE_TMPFS || !writable(f) ? -EINVAL :
		 tmpfs_truncate(f->node, (unsigned long)length);
	file_put(f);
	return r;
}

long file_mmap(int fd, unsigned long addr, unsigned long len, unsigned perm, unsigned how,
	       unsigned long offset)
{
	struct file *f = file_get(fd);
	if (!f)
		return -EBADF;
	long r;
	if (f->kind == FILE_DEVICE)
		r = device_file_mmap(f, addr, len, perm, how);
	else if (f->kind != FILE_TMPFS)
		r = -ENODEV;
	else if (!(how & AS_MAP_SHARED))
		r = -ENODEV;        /* private copies of a file: not supported */
	else if (!readable(f) || ((perm & PERM_W) && !writable(f)))
		r = -EACCES;
	else
		r = as_mmap_object(current_process()->as, addr, len, perm, how, f->node->data,
				   offset / PAGE_SIZE);
	file_put(f);
	return r;
}
