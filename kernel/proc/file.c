/* Files and pipes (tmpfs files: kernel/fs/tmpfs_file.c). A pipe is a ring of one page guarded by its own lock
 * (LOCK_OBJECT) with one wait queue for readers and one for writers.
 *
 * Per fd, the process keeps FD_CLOEXEC in p->fd_flags (process lock); per
 * open file, status flags (O_NONBLOCK, O_APPEND) live in struct file and
 * are shared by dup and fork, as on Linux. The Linux views of these
 * objects (stat, ioctl, fcntl, poll) are in file_linux.c. */
#include "kernel/proc/file.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/dev/console.h"
#include "kernel/sync/waitqueue.h"
#include "kernel/sync/pollwait.h"
#include "kernel/proc/file_private.h"
#include "kernel/fs/tmpfs.h"
#include "kernel/fs/tmpfs_file.h"
#include "kernel/proc/file_device.h"
#include <dakota/syscall.h>
#include <dakota/fcntl.h>

static struct file *file_new(enum file_kind kind, struct pipe *pipe)
{
	struct file *f = kmalloc(sizeof *f);
	if (f) {
		f->refs = 1;
		f->kind = kind;
		f->pipe = pipe;
		f->status = 0;
	}
	return f;
}

static void pipe_end_closed(struct pipe *pp, enum file_kind kind)
{
	spin_lock(&pp->lock);
	if (kind == FILE_PIPE_READ)
		pp->readers--;
	else
		pp->writers--;
	wq_wake_all(&pp->can_read);
	wq_wake_all(&pp->can_write);
	bool last = pp->readers == 0 && pp->writers == 0;
	spin_unlock(&pp->lock);
	poll_notify();   /* the other end may now poll POLLHUP or POLLERR */
	if (last) {
		kfree(pp->buf);
		kfree(pp);
	}
}

void file_put(struct file *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (f->kind == FILE_TMPFS)
		tmpfs_node_put(f->node);
	else if (f->kind == FILE_PIPE_READ || f->kind == FILE_PIPE_WRITE)
		pipe_end_closed(f->pipe, f->kind);
	kfree(f);
}

long file_open_console(struct process *p)
{
	struct file *f = file_new(FILE_CONSOLE, NULL);
	if (!f)
		return -ENOMEM;
	f->refs = 3;
	p->files[0] = p->files[1] = p->files[2] = f;
	p->fd_high = 3;
	return 0;
}

struct file *file_open_new(enum file_kind kind, int flags)
{
	struct file *f = file_new(kind, NULL);
	if (f) {
		f->access = flags & O_ACCMODE;
		f->status = flags & (O_APPEND | O_NONBLOCK);
		f->pos = 0;
	}
	return f;
}

long file_install_opened(struct file *f, int flags)
{
	int fd = fd_install_from(current_process(), f, 0, flags & O_CLOEXEC ? FD_CLOEXEC : 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long file_install_console(int flags)
{
	struct file *f = file_open_new(FILE_CONSOLE, flags & ~O_APPEND);
	return f ? file_install_opened(f, flags) : -ENOMEM;
}

/* Called with p->lock held: fd is in use from now on. */
static void fd_mark_used(struct process *p, int fd)
{
	if (fd >= p->fd_high)
		p->fd_high = fd + 1;
}

/* The walk bound of p's table (fd_high, read under the lock). */
static int fd_end(struct process *p)
{
	spin_lock(&p->lock);
	int end = p->fd_high;
	spin_unlock(&p->lock);
	return end;
}

void file_copy_table(struct process *child, struct process *parent)
{
	child->fd_high = parent->fd_high;
	for (int fd = 0; fd < parent->fd_high; fd++) {
		struct file *f = parent->files[fd];
		if (f)
			__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
		child->files[fd] = f;
		child->fd_flags[fd] = parent->fd_flags[fd];
	}
}

void file_close_all(struct process *p)
{
	int end = fd_end(p);
	for (int fd = 0; fd < end; fd++) {
		spin_lock(&p->lock);
		struct file *f = p->files[fd];
		p->files[fd] = NULL;
		spin_unlock(&p->lock);
		if (f)
			file_put(f);
	}
}

/* Takes a reference to fd's file, or NULL. */
struct file *file_get(int fd)
{
	struct process *p = current_process();
	if (fd < 0 || fd >= MAX_FDS)
		return NULL;
	/* Only the process's own threads change its table (no other process
	 * shares it), so with one thread, the caller, nobody can close fd
	 * under us and the lock can be skipped. The count is read with
	 * acquire: a sibling's close came before its exit's decrement. */
	if (__atomic_load_n(&p->live_threads, __ATOMIC_ACQUIRE) == 1) {
		struct file *f = p->files[fd];
		if (f)
			__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
		return f;
	}
	spin_lock(&p->lock);
	struct file *f = p->files[fd];
	if (f)
		__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	spin_unlock(&p->lock);
	return f;
}

long file_check(int fd)
{
	struct file *f = file_get(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

long file_close(int fd)
{
	struct process *p = current_process();
	if (fd < 0 || fd >= MAX_FDS)
		return -EBADF;
	spin_lock(&p->lock);
	struct file *f = p->files[fd];
	p->files[fd] = NULL;
	p->fd_flags[fd] = 0;
	spin_unlock(&p->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

/* An empty pipe with writers blocks, or is -EAGAIN when `nonblock`. */
static long pipe_read(struct pipe *pp, unsigned long ubuf, unsigned long n, bool nonblock)
{
	struct addrspace *as = current_process()->as;
	char chunk[256];
	if (n == 0)
		return 0;
	spin_lock(&pp->lock);
	while (pp->read_pos == pp->write_pos && pp->writers > 0) {
		long err = nonblock ? -EAGAIN : wq_sleep(&pp->can_read, &pp->lock);
		if (err) {
			spin_unlock(&pp->lock);
			return err;
		}
	}
	unsigned long avail = pp->write_pos - pp->read_pos;
	if (n > avail)
		n = avail;
	if (n > sizeof chunk)
		n = sizeof chunk;
	for (unsigned long i = 0; i < n; i++)
		chunk[i] = pp->buf[(pp->read_pos + i) % PIPE_SIZE];
	pp->read_pos += n;
	wq_wake_all(&pp->can_write);
	spin_unlock(&pp->lock);
	/* POLLOUT is "not full": only a read of a full pipe changes it. */
	if (avail == PIPE_SIZE)
		poll_notify();
	/* Copy out without the pipe lock: a fault-in may allocate. Bytes already
	 * consumed are lost on -EFAULT, as on Linux. */
	if (n && copy_to_user(as, ubuf, chunk, n))
		return -EFAULT;
	return (long)n;
}

/* Copies buf[0, n) into the ring. A write of at most PIPE_SIZE bytes in
 * all (POSIX's PIPE_BUF) goes in whole once there is room for all of it,
 * so concurrent writers' records never interleave; a longer one goes in
 * piece by piece as room appears. 0 or -EPIPE/-EINTR; *put counts bytes in. */
static long pipe_put(struct pipe *pp, const char *buf, unsigned long n, bool whole,
		     bool nonblock, unsigned long *put)
{
	unsigned long need = whole ? n : 1;
	*put = 0;
	spin_lock(&pp->lock);
	while (*put < n) {
		if (pp->readers == 0) {
			spin_unlock(&pp->lock);
			return -EPIPE;
		}
		unsigned long room = PIPE_SIZE - (pp->write_pos - pp->read_pos);
		if (room < need) {
			wq_wake_all(&pp->can_read);
			long err = nonblock ? -EAGAIN : wq_sleep(&pp->can_write, &pp->lock);
			if (err) {
				spin_unlock(&pp->lock);
				return err;
			}
			continue;
		}
		unsigned long k = n - *put < room ? n - *put : room;
		for (unsigned long i = 0; i < k; i++)
			pp->buf[pp->write_pos++ % PIPE_SIZE] = buf[(*put)++];
		need = 1;
	}
	wq_wake_all(&pp->can_read);
	spin_unlock(&pp->lock);
	poll_notify();
	return 0;
}

/* A full pipe blocks, or ends the write (-EAGAIN if nothing went in) when
 * `nonblock`. */
static long pipe_write(struct pipe *pp, unsigned long ubuf, unsigned long n, bool nonblock)
{
	struct addrspace *as = current_process()->as;
	char small[256];
	char *buf = small;
	unsigned long cap = sizeof small;
	if (n > sizeof small) {
		/* The user bytes are copied in before the pipe lock is taken (a
		 * fault-in may allocate), and a PIPE_BUF write needs them all. */
		buf = kmalloc(PIPE_SIZE);
		if (!buf)
			return -ENOMEM;
		cap = PIPE_SIZE;
	}
	unsigned long done = 0;
	long err = 0;
	while (done < n && !err) {
		unsigned long want = n - done < cap ? n - done : cap, put = 0;
		if (copy_from_user(as, buf, ubuf + done, want)) {
			err = -EFAULT;
			break;
		}
		err = pipe_put(pp, buf, want, n <= PIPE_SIZE, nonblock, &put);
		done += put;
	}
	if (buf != small)
		kfree(buf);
	return done ? (long)done : err;
}

static long console_write_user(unsigned long ubuf, unsigned long n)
{
	struct addrspace *as = current_process()->as;
	char chunk[256];
	unsigned long done = 0;
	while (done < n) {
		unsigned long want = n - done < sizeof chunk ? n - done : sizeof chunk;
		if (copy_from_user(as, chunk, ubuf + done, want))
			return done ? (long)done : -EFAULT;
		console_write(chunk, want);
		done += want;
	}
	return (long)done;
}

/* With `nonblock`, -EAGAIN when no line is ready (a reader racing us to
 * the last line may still make this read wait). */
static long console_read_user(unsigned long ubuf, unsigned long n, bool nonblock)
{
	char chunk[256];
	if (n > sizeof chunk)
		n = sizeof chunk;
	/* Check the buffer before blocking, so a bad pointer fails at once. */
	if (n && copy_to_user(current_process()->as, ubuf, "", 1))
		return -EFAULT;
	if (nonblock && n && console_input_ready() == 0)
		return -EAGAIN;
	long got = console_read(chunk, n);
	if (got > 0 && copy_to_user(current_process()->as, ubuf, chunk, (size_t)got))
		return -EFAULT;
	return got;
}

long file_read_from(struct file *f, unsigned long buf, unsigned long n, bool nonblock)
{
	nonblock |= (__atomic_load_n(&f->status, __ATOMIC_RELAXED) & O_NONBLOCK) != 0;
	return f->kind == FILE_CONSOLE ? console_read_user(buf, n, nonblock)
	     : f->kind == FILE_PIPE_READ ? pipe_read(f->pipe, buf, n, nonblock)
	     : f->kind == FILE_TMPFS ? tmpfs_file_read(f, buf, n)
	     : f->kind == FILE_DEVICE ? device_file_read(f, buf, n) : -EBADF;
}

long file_write_to(struct file *f, unsigned long buf, unsigned long n)
{
	bool nonblock = (__atomic_load_n(&f->status, __ATOMIC_RELAXED) & O_NONBLOCK) != 0;
	return f->kind == FILE_CONSOLE ? console_write_user(buf, n)
	     : f->kind == FILE_PIPE_WRITE ? pipe_write(f->pipe, buf, n, nonblock)
	     : f->kind == FILE_TMPFS ? tmpfs_file_write(f, buf, n)
	     : f->kind == FILE_DEVICE ? device_file_write(f, buf, n) : -EBADF;
}

long file_call(int fd, file_op op, unsigned long a, unsigned long b)
{
	struct file *f = file_get(fd);
	if (!f)
		return -EBADF;
	long r = op(fd, f, a, b);
	file_put(f);
	return r;
}

/* A buffer outside user space: -EBADF first if f does not allow the
 * transfer at all (access mode `refused`), as Linux orders them. */
__attribute__((noinline, cold))
static long bad_range(const struct file *f, int refused)
{
	return file_access_mode(f) == refused ? -EBADF : -EFAULT;
}

/* read and write take the file themselves rather than through file_call:
 * they are the pipe round trip's system calls, and a direct call costs
 * less than file_call's indirect one. Linux's access_ok comes first
 * (user_range_ok; readv/writev check their segments in iov_check). */
long file_read(int fd, unsigned long buf, unsigned long n)
{
	struct file *f = file_get(fd);
	if (!f)
		return -EBADF;
	long r = __builtin_expect(user_range_ok(buf, n), 1) ? file_read_from(f, buf, n, false)
							     : bad_range(f, O_WRONLY);
	file_put(f);
	return r;
}

long file_write(int fd, unsigned long buf, unsigned long n)
{
	struct file *f = file_get(fd);
	if (!f)
		return -EBADF;
	long r = __builtin_expect(user_range_ok(buf, n), 1) ? file_write_to(f, buf, n)
							     : bad_range(f, O_RDONLY);
	file_put(f);
	return r;
}

int fd_install_from(struct process *p, struct file *f, int min, unsigned char fd_flags)
{
	spin_lock(&p->lock);
	for (int fd = min; fd < MAX_FDS; fd++) {
		if (!p->files[fd]) {
			p->files[fd] = f;
			p->fd_flags[fd] = fd_flags;
			fd_mark_used(p, fd);
			spin_unlock(&p->lock);
			return fd;
		}
	}
	spin_unlock(&p->lock);
	return -EMFILE;
}

/* Installs f at the lowest free fd; -EMFILE if none. */
static int fd_install(struct process *p, struct file *f, unsigned char fd_flags)
{
	return fd_install_from(p, f, 0, fd_flags);
}

long file_pipe(unsigned long fds_uaddr, int flags)
{
	struct process *p = current_process();
	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	int probe[2] = { 0, 0 };
	if (copy_to_user(p->as, fds_uaddr, probe, sizeof probe))
		return -EFAULT;
	struct pipe *pp = kmalloc(sizeof *pp);
	char *buf = kmalloc(PIPE_SIZE);
	struct file *r = file_new(FILE_PIPE_READ, pp);
	struct file *w = file_new(FILE_PIPE_WRITE, pp);
	if (!pp || !buf || !r || !w) {
		kfree(pp);
		kfree(buf);
		kfree(r);
		kfree(w);
		return -ENOMEM;
	}
	spin_init(&pp->lock, "pipe", LOCK_OBJECT);
	pp->ino = pipe_new_ino();
	r->status = w->status = flags & O_NONBLOCK;
	unsigned char fdf = flags & O_CLOEXEC ? FD_CLOEXEC : 0;
	pp->buf = buf;
	pp->readers = pp->writers = 1;
	wq_init(&pp->can_read);
	wq_init(&pp->can_write);
	int fds[2];
	fds[0] = fd_install(p, r, fdf);
	fds[1] = fds[0] < 0 ? -EMFILE : fd_install(p, w, fdf);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			file_close(fds[0]);
		else
			file_put(r);
		file_put(w);
		return -EMFILE;
	}
	if (copy_to_user(p->as, fds_uaddr, fds, sizeof fds)) {
		file_close(fds[0]);
		file_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long file_dup(int fd)
{
	struct file *f = file_get(fd);
	return f ? file_install_opened(f, 0) : -EBADF;
}


long file_reopen(int fd, int flags)
{
	struct file *f = file_get(fd);
	return f ? file_install_opened(f, flags) : -ENOENT;
}

long file_dup3(int oldfd, int newfd, int flags)
{
	struct process *p = current_process();
	if (newfd < 0 || newfd >= MAX_FDS)
		return -EBADF;
	if (oldfd == newfd || (flags & ~O_CLOEXEC))
		return -EINVAL;
	struct file *f = file_get(oldfd);
	if (!f)
		return -EBADF;
	spin_lock(&p->lock);
	struct file *old = p->files[newfd];
	p->files[newfd] = f;
	p->fd_flags[newfd] = flags & O_CLOEXEC ? FD_CLOEXEC : 0;
	fd_mark_used(p, newfd);
	spin_unlock(&p->lock);
	if (old)
		file_put(old);
	return newfd;
}

void file_close_on_exec(struct process *p)
{
	int end = fd_end(p);
	for (int fd = 0; fd < end; fd++) {
		spin_lock(&p->lock);
		struct file *f = p->fd_flags[fd] & FD_CLOEXEC ? p->files[fd] : NULL;
		if (f) {
			p->files[fd] = NULL;
			p->fd_flags[fd] = 0;
		}
		spin_unlock(&p->lock);
		if (f)
			file_put(f);
	}
}
