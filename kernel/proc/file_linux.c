/* The Linux views of open files: fstat, ioctl, fcntl, poll, readv/writev.
 * The console is a tty (character device 5:1, /dev/console) whose termios
 * and window size are kept here for TCGETS/TIOCGWINSZ; pipes are FIFOs of
 * pipefs (device 0:12); tmpfs files are regular files (kernel/fs/). */
#include "kernel/proc/file.h"
#include "kernel/proc/file_private.h"
#include "kernel/proc/process.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/layout.h"
#include "kernel/dev/console.h"
#include "kernel/dev/chardev.h"
#include "kernel/syscall/clock.h"
#include "kernel/lib/string.h"
#include "kernel/fs/tmpfs.h"
#include <dakota/syscall.h>
#include <dakota/fcntl.h>
#include <dakota/stat.h>
#include <dakota/tty.h>

#define CONSOLE_RDEV ((5UL << 8) | 1)    /* Linux's new_encode_dev(5, 1) */
#define PIPEFS_DEV   12UL
#define TTY_GID      5
#define FIOCLEX      0x5451
#define FIONCLEX     0x5450

/* The console's terminal settings: only stored and reported (the console
 * driver always edits lines and echoes). */
static struct spinlock tty_lock = SPINLOCK_INIT("tty-settings", LOCK_OBJECT);
static struct termios tty_termios = {       /* tty_lock */
	.c_iflag = 0x500,                   /* ICRNL | IXON */
	.c_oflag = 0x5,                     /* OPOST | ONLCR */
	.c_cflag = 0x14b2,                  /* B115200 | CS8 | CREAD | HUPCL */
	.c_lflag = 0x8a3b,                  /* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
	.c_cc = { 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16 },
};
static struct winsize tty_winsize = { .ws_row = 24, .ws_col = 80 };   /* tty_lock */
static _Atomic unsigned long next_pipe_ino = 1000;

unsigned long pipe_new_ino(void)
{
	return __atomic_fetch_add(&next_pipe_ino, 1, __ATOMIC_RELAXED);
}

long file_stat(int fd, struct stat *st)
{
	struct file *f = file_get(fd);
	if (!f)
		return -EBADF;
	struct process *p = current_process();
	if (f->kind == FILE_TMPFS || f->kind == FILE_DEVICE) {
		if (f->kind == FILE_TMPFS)
			tmpfs_stat(f->node, st);
		else
			chardev_stat((enum chardev)f->device, st);
		file_put(f);
		return 0;
	}
	memset(st, 0, sizeof *st);
	st->st_nlink = 1;
	st->st_uid = (unsigned)p->uid;
	long boot_sec = (long)(clock_boot_realtime_ns() / 1000000000UL);
	st->st_atime = st->st_mtime = st->st_ctime = boot_sec;
	if (f->kind == FILE_CONSOLE) {
		st->st_dev = DEVTMPFS_DEV;
		st->st_ino = 3;
		st->st_mode = S_IFCHR | 0620;
		st->st_gid = TTY_GID;
		st->st_rdev = CONSOLE_RDEV;
		st->st_blksize = 1024;
	} else {
		st->st_dev = PIPEFS_DEV;
		st->st_ino = f->pipe->ino;
		st->st_mode = S_IFIFO | 0600;
		st->st_gid = (unsigned)p->gid;
		st->st_blksize = PIPE_SIZE;
	}
	file_put(f);
	return 0;
}

long file_sync(int fd)
{
	struct file *f = file_get(fd);
	if (!f)
		return -EBADF;
	long r = f->kind == FILE_TMPFS ? 0 : -EINVAL;
	file_put(f);
	return r;
}

/* Bytes a read could take now without blocking. */
static long readable_bytes(struct file *f)
{
	if (f->kind == FILE_CONSOLE)
		return console_input_ready();
	if (f->kind == FILE_DEVICE)
		return 0;
	if (f->kind == FILE_TMPFS) {
		unsigned long size = tmpfs_size(f->node), pos = f->pos;
		return pos < size ? (long)(size - pos) : 0;
	}
	spin_lock(&f->pipe->lock);
	long n = (long)(f->pipe->write_pos - f->pipe->read_pos);
	spin_unlock(&f->pipe->lock);
	return n;
}

static long set_status_bit(struct file *f, int bit, bool on)
{
	if (on)
		__atomic_fetch_or(&f->status, bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&f->status, ~bit, __ATOMIC_RELAXED);
	return 0;
}

static long set_cloexec(int fd, bool on)
{
	struct process *p = current_process();
	spin_lock(&p->lock);
	p->fd_flags[fd] = on ? FD_CLOEXEC : 0;
	spin_unlock(&p->lock);
	return 0;
}

/* Copies between the user and one of the console's settings under the lock
 * (through a kernel copy: a fault-in must not happen under a spinlock). */
static long tty_get(unsigned long uarg, const void *setting, unsigned long size)
{
	char buf[sizeof(struct termios)];
	spin_lock(&tty_lock);
	memcpy(buf, setting, size);
	spin_unlock(&tty_lock);
	return copy_to_user(current_process()->as, uarg, buf, size) ? -EFAULT : 0;
}

static long tty_set(unsigned long uarg, void *setting, unsigned long size)
{
	char buf[sizeof(struct termios)];
	if (copy_from_user(current_process()->as, buf, uarg, size))
		return -EFAULT;
	spin_lock(&tty_lock);
	memcpy(setting, buf, size);
	spin_unlock(&tty_lock);
	return 0;
}

static long console_ioctl(unsigned long req, unsigned long arg)
{
	struct addrspace *as = current_process()->as;
	switch (req) {
	case TCGETS:
		return tty_get(arg, &tty_termios, sizeof tty_termios);
	case TCSETS: case TCSETSW: case TCSETSF:
		return tty_set(arg, &tty_termios, sizeof tty_termios);
	case TIOCGWINSZ:
		return tty_get(arg, &tty_winsize, sizeof tty_winsize);
	case TIOCSWINSZ:
		return tty_set(arg, &tty_winsize, sizeof tty_winsize);
	case TIOCGPGRP: {
		/* No job control: the caller's group is the foreground. */
		int pgid = __atomic_load_n(&current_process()->pgid, __ATOMIC_RELAXED);
		return copy_to_user(as, arg, &pgid, sizeof pgid) ? -EFAULT : 0;
	}
	case TIOCSPGRP: {
		int pgid;
		if (copy_from_user(as, &pgid, arg, sizeof pgid))
			return -EFAULT;
		return pgid < 0 ? -EINVAL : 0;
	}
	default:
		return -ENOTTY;
	}
}

static long ioctl_file(int fd, struct file *f, unsigned long req, unsigned long arg)
{
	struct addrspace *as = current_process()->as;
	int on;
	switch (req) {
	case FIOCLEX:
	case FIONCLEX:
		return set_cloexec(fd, req == FIOCLEX);
	case FIONBIO:
		if (copy_from_user(as, &on, arg, sizeof on))
			return -EFAULT;
		return set_status_bit(f, O_NONBLOCK, on != 0);
	case FIONREAD:
		on = (int)readable_bytes(f);
		return copy_to_user(as, arg, &on, sizeof on) ? -EFAULT : 0;
	default:
		return f->kind == FILE_CONSOLE ? console_ioctl(req, arg) : -ENOTTY;
	}
}

long file_ioctl(int fd, unsigned long req, unsigned long arg)
{
	return file_call(fd, ioctl_file, (unsigned)req, arg);
}

static long fcntl_file(int fd, struct file *f, unsigned long cmd_arg, unsigned long arg)
{
	int cmd = (int)cmd_arg;   /* file_fcntl's int, passed as a file_op argument */
	struct process *p = current_process();
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC: {
		if (arg >= MAX_FDS)
			return -EINVAL;      /* beyond RLIMIT_NOFILE */
		__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
		int nfd = fd_install_from(p, f, (int)arg, cmd == F_DUPFD_CLOEXEC ? FD_CLOEXEC : 0);
		if (nfd < 0)
			file_put(f);
		return nfd;
	}
	case F_GETFD:
		return __atomic_load_n(&p->fd_flags[fd], __ATOMIC_RELAXED);
	case F_SETFD:
		return set_cloexec(fd, arg & FD_CLOEXEC);
	case F_GETFL:
		return file_access_mode(f) | __atomic_load_n(&f->status, __ATOMIC_RELAXED);
	case F_SETFL:
		/* Only these two can change; the rest are ignored, as on Linux. */
		set_status_bit(f, O_NONBLOCK, arg & O_NONBLOCK);
		return set_status_bit(f, O_APPEND, arg & O_APPEND);
	default:
		return -EINVAL;
	}
}

long file_fcntl(int fd, int cmd, unsigned long arg)
{
	return file_call(fd, fcntl_file, (unsigned long)cmd, arg);
}

short file_poll(int fd, short events)
{
	struct file *f = file_get(fd);
	if (!f)
		return POLLNVAL;
	short rev = 0;
	if (f->kind == FILE_CONSOLE) {
		rev = POLLOUT | (console_input_ready() ? POLLIN : 0);
	} else if (f->kind == FILE_TMPFS || f->kind == FILE_DEVICE) {
		rev = POLLIN | POLLOUT;         /* neither ever blocks */
	} else {
		struct pipe *pp = f->pipe;
		spin_lock(&pp->lock);
		unsigned long used = pp->write_pos - pp->read_pos;
		if (f->kind == FILE_PIPE_READ)
			rev = (used ? POLLIN : 0) | (pp->writers ? 0 : POLLHUP);
		else
			rev = (used < PIPE_SIZE ? POLLOUT : 0) | (pp->readers ? 0 : POLLERR);
		spin_unlock(&pp->lock);
	}
	file_put(f);
	return rev & (events | POLLHUP | POLLERR | POLLNVAL);
}

/* Checks the iovec array as Linux does before it moves a byte: the count
 * (-EINVAL), the whole array readable (-EFAULT), every length >= 0
 * (-EINVAL), then every segment inside user space (-EFAULT). At most
 * IOV_MAX entries, so on the kernel stack it goes one entry at a time. */
static long iov_check(struct addrspace *as, unsigned long uiov, int iovcnt)
{
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	bool bad_len = false, outside = false;
	for (int i = 0; i < iovcnt; i++) {
		struct iovec v;
		if (copy_from_user(as, &v, uiov + (unsigned long)i * sizeof v, sizeof v))
			return -EFAULT;
		bad_len |= (long)v.iov_len < 0;
		outside |= !user_range_ok(v.iov_base, v.iov_len);
	}
	return bad_len ? -EINVAL : outside ? -EFAULT : 0;
}

/* One segment at a time: stops at the first short transfer or error (an
 * error after some bytes moved is dropped, as Linux does). Reads after the
 * first segment do not block, so a readv returns what one read could. */
static long iov_transfer(int fd, unsigned long uiov, int iovcnt, bool writing)
{
	struct addrspace *as = current_process()->as;
	struct file *f = file_get(fd);
	if (!f)
		return -EBADF;
	int acc = file_access_mode(f);
	bool can = writing ? acc != O_RDONLY : acc != O_WRONLY;
	long err = can ? iov_check(as, uiov, iovcnt) : -EBADF;
	long done = 0;
	if (err < 0)
		iovcnt = 0;
	for (int i = 0; i < iovcnt; i++) {
		struct iovec v;
		if (copy_from_user(as, &v, uiov + (unsigned long)i * sizeof v, sizeof v)) {
			err = -EFAULT;
			break;
		}
		if (!v.iov_len)
			continue;
		long r = writing ? file_write_to(f, v.iov_base, v.iov_len)
				 : file_read_from(f, v.iov_base, v.iov_len, done > 0);
		if (r < 0) {
			err = r;
			break;
		}
		done += r;
		if ((unsigned long)r < v.iov_len)
			break;
	}
	file_put(f);
	return err < 0 && done == 0 ? err : done;
}

long file_readv(int fd, unsigned long uiov, int iovcnt)
{
	return iov_transfer(fd, uiov, iovcnt, false);
}

long file_writev(int fd, unsigned long uiov, int iovcnt)
{
	return iov_transfer(fd, uiov, iovcnt, true);
}
