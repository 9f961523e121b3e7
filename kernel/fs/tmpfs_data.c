/* The bytes of tmpfs files (tmpfs.h). They live in the frames of the node's
 * shm object; n->size and the frames change together under data->lock,
 * which keeps size <= data->pages * PAGE_SIZE. Bytes between the size and
 * the end of its page (or in frames kept for a mapping after a truncate)
 * may hold anything a mapping wrote there: whatever makes the size grow
 * zeroes them first, so a file always reads back zeroes where nothing was
 * written. User memory is copied through a bounce page, without the lock. */
#include "kernel/fs/tmpfs.h"
#include "kernel/proc/process.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/lib/string.h"
#include "kernel/syscall/clock.h"
#include <dakota/syscall.h>

#define MAX_BYTES (SHM_MAX_PAGES * PAGE_SIZE)

static long now_sec(void)
{
	struct timespec ts;
	clock_now(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

/* With data->lock held: zeroes [from, to) in the frames that exist. */
static void zero_range(struct shm *s, unsigned long from, unsigned long to)
{
	while (from < to) {
		unsigned long idx = from / PAGE_SIZE, off = from % PAGE_SIZE;
		unsigned long k = PAGE_SIZE - off < to - from ? PAGE_SIZE - off : to - from;
		if (idx >= s->cap)
			return;
		if (s->frames[idx])
			memset((char *)s->frames[idx] + off, 0, k);
		from += k;
	}
}

/* With data->lock held: the size becomes `size`, pages follow. */
static long set_size_locked(struct tmpfs_node *n, unsigned long size)
{
	struct shm *s = n->data;
	if (shm_resize_locked(s, (size + PAGE_SIZE - 1) / PAGE_SIZE))
		return -ENOMEM;
	if (size > n->size)
		zero_range(s, n->size, size);
	else
		zero_range(s, size, size % PAGE_SIZE ? PAGE_ROUND_UP(size) : size);
	n->size = size;
	return 0;
}

long tmpfs_truncate(struct tmpfs_node *n, unsigned long size)
{
	if (size > MAX_BYTES)
		return -EFBIG;
	long now = now_sec();
	spin_lock(&n->data->lock);
	long err = set_size_locked(n, size);
	if (!err)
		n->mtime = now;
	spin_unlock(&n->data->lock);
	return err;
}

unsigned long tmpfs_size(struct tmpfs_node *n)
{
	spin_lock(&n->data->lock);
	unsigned long size = n->size;
	spin_unlock(&n->data->lock);
	return size;
}

/* Up to `want` bytes at pos, within one page and the size, into buf. */
static unsigned long read_chunk(struct tmpfs_node *n, unsigned long pos, char *buf,
				unsigned long want)
{
	struct shm *s = n->data;
	unsigned long off = pos % PAGE_SIZE, k = PAGE_SIZE - off;
	spin_lock(&s->lock);
	if (pos >= n->size) {
		k = 0;
	} else {
		if (k > n->size - pos)
			k = n->size - pos;
		if (k > want)
			k = want;
		unsigned long frame = s->frames[pos / PAGE_SIZE];
		if (frame)
			memcpy(buf, (char *)frame + off, k);
		else
			memset(buf, 0, k);
	}
	spin_unlock(&s->lock);
	return k;
}

long tmpfs_read(struct tmpfs_node *n, unsigned long pos, unsigned long ubuf, unsigned long len)
{
	struct addrspace *as = current_process()->as;
	char *buf = len ? kmalloc(PAGE_SIZE) : NULL;
	if (len && !buf)
		return -ENOMEM;
	unsigned long done = 0;
	long err = 0;
	while (done < len) {
		unsigned long k = read_chunk(n, pos + done, buf, len - done);
		if (!k)
			break;
		if (copy_to_user(as, ubuf + done, buf, k)) {
			err = -EFAULT;
			break;
		}
		done += k;
	}
	kfree(buf);
	return done ? (long)done : err;
}

/* With data->lock held: buf[0, k) at `at` (k <= PAGE_SIZE, so two pages
 * at most), the size growing to cover it. Every frame is there before the
 * size changes, so a failed write leaves the size as it was. */
static long put_locked(struct tmpfs_node *n, unsigned long at, const char *buf, unsigned long k)
{
	struct shm *s = n->data;
	unsigned long end = at + k, last = (end - 1) / PAGE_SIZE;
	if (last >= s->pages && shm_resize_locked(s, last + 1))
		return -ENOSPC;
	for (unsigned long i = at / PAGE_SIZE; i <= last; i++)
		if (!s->frames[i] && !(s->frames[i] = (unsigned long)frame_alloc()))
			return -ENOSPC;
	if (end > n->size) {
		zero_range(s, n->size, at);
		n->size = end;
	}
	while (k) {
		unsigned long off = at % PAGE_SIZE;
		unsigned long part = PAGE_SIZE - off < k ? PAGE_SIZE - off : k;
		memcpy((char *)s->frames[at / PAGE_SIZE] + off, buf, part);
		at += part;
		buf += part;
		k -= part;
	}
	return 0;
}

/* Puts buf[0, k) at *at (at the size if `append`); *at moves past it. */
static long write_chunk(struct tmpfs_node *n, unsigned long *at, bool append, const char *buf,
			unsigned long k, long now)
{
	spin_lock(&n->data->lock);
	if (append)
		*at = n->size;
	long err = *at >= MAX_BYTES || k > MAX_BYTES - *at ? -EFBIG : put_locked(n, *at, buf, k);
	if (!err) {
		*at += k;
		n->mtime = now;
	}
	spin_unlock(&n->data->lock);
	return err;
}

long tmpfs_write(struct tmpfs_node *n, unsigned long *pos, bool append, unsigned long ubuf,
		 unsigned long len)
{
	struct addrspace *as = current_process()->as;
	char *buf = len ? kmalloc(PAGE_SIZE) : NULL;
	if (len && !buf)
		return -ENOMEM;
	long now = now_sec();
	unsigned long done = 0;
	long err = 0;
	while (done < len && !err) {
		unsigned long k = len - done < PAGE_SIZE ? len - done : PAGE_SIZE;
		err = copy_from_user(as, buf, ubuf + done, k) ? -EFAULT :
		      write_chunk(n, pos, append, buf, k, now);
		if (!err)
			done += k;
	}
	kfree(buf);
	return done ? (long)done : err;
}
