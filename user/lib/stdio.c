/* printf and friends over write(), putchar's line buffer, getchar's input
 * buffer. */
#include "stdio.h"
#include "string.h"
#include "syscall.h"
#include "sync.h"
#include "private.h"

#define PRINTF_BUF 512

/* putchar's buffer, flushed at '\n', when full, and before any other output
 * to fd 1 from this library. Guarded by out_lock; out_pending is also read
 * without it as a hint. */
static spinlock_t out_lock;
static char out_buf[256];
static size_t out_pending;

/* Called with out_lock held. */
static void out_flush_locked(void)
{
	size_t done = 0;
	while (done < out_pending) {
		long r = write(1, out_buf + done, out_pending - done);
		if (r <= 0)
			break;
		done += (size_t)r;
	}
	out_pending = 0;
}

void stdout_flush_pending(void)
{
	if (!__atomic_load_n(&out_pending, __ATOMIC_RELAXED))
		return;
	spin_lock(&out_lock);
	out_flush_locked();
	spin_unlock(&out_lock);
}

void stdout_lock_for_fork(void)
{
	spin_lock(&out_lock);
}

void stdout_unlock_after_fork(void)
{
	spin_unlock(&out_lock);
}

int fflush_stdout(void)
{
	stdout_flush_pending();
	return 0;
}

int putchar(int c)
{
	spin_lock(&out_lock);
	out_buf[out_pending++] = (char)c;
	if (c == '\n' || out_pending == sizeof out_buf)
		out_flush_locked();
	spin_unlock(&out_lock);
	return (unsigned char)c;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
	char buf[PRINTF_BUF];
	struct sink s = { .buf = buf, .cap = sizeof buf, .fd = fd };
	if (fd == 1)
		stdout_flush_pending();
	format(&s, fmt, ap);
	sink_flush(&s);
	return s.err ? (int)s.err : (int)s.total;
}

int dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vdprintf(fd, fmt, ap);
	va_end(ap);
	return r;
}

int vprintf(const char *fmt, va_list ap)
{
	return vdprintf(1, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vdprintf(1, fmt, ap);
	va_end(ap);
	return r;
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .cap = n ? n - 1 : 0, .fd = -1 };
	format(&s, fmt, ap);
	if (n)
		buf[s.pos] = 0;
	return (int)s.total;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

int puts(const char *str)
{
	return printf("%s\n", str) < 0 ? EOF : 0;
}

/* getchar's buffer: one read() of fd 0 at a time (the console hands over at
 * most one line per read). Guarded by in_lock. */
static spinlock_t in_lock;
static char in_buf[256];
static size_t in_pos, in_len;

int getchar(void)
{
	int c = EOF;
	spin_lock(&in_lock);
	if (in_pos == in_len) {
		long r = read(0, in_buf, sizeof in_buf);
		in_pos = 0;
		in_len = r > 0 ? (size_t)r : 0;
	}
	if (in_pos < in_len)
		c = (unsigned char)in_buf[in_pos++];
	spin_unlock(&in_lock);
	return c;
}
