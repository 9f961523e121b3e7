/* Console on the UART. Output: one lock, so each write is contiguous on the
 * line. Input: a line discipline run from the UART interrupt (echo, erase,
 * newline) feeding readers that sleep on a wait queue. */
#include "kernel/sync/pollwait.h"
#include <stdarg.h>
#include "kernel/dev/console.h"
#include "kernel/dev/uart.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/sync/spinlock.h"
#include "kernel/sync/waitqueue.h"
#include "kernel/signal/signal.h"
#include <dakota/syscall.h>

static struct spinlock out_lock = SPINLOCK_INIT("console-out", LOCK_CONSOLE);

#define INPUT_SIZE 256
/* Input ring. Bytes [read_pos, commit_pos) are complete lines readers may
 * take; [commit_pos, edit_pos) is the line being typed. All positions are
 * free-running counters, guarded by in_lock. */
static struct {
	struct spinlock lock;
	struct waitqueue readers;
	char buf[INPUT_SIZE];
	unsigned long read_pos, commit_pos, edit_pos;
} in = { .lock = SPINLOCK_INIT("console-in", LOCK_OBJECT) };

void console_init(unsigned long uart_base)
{
	uart_init(uart_base);
	wq_init(&in.readers);
}

void console_write(const char *buf, size_t n)
{
	spin_lock(&out_lock);
	uart_write(buf, n);
	spin_unlock(&out_lock);
}

/* Both printers format into a bounded line first and hand it to `out` in
 * one piece, so under out_lock a line never interleaves with another hart's
 * output. */
#define CONSOLE_LINE_MAX 256

static void print_line(void (*out)(const char *, size_t), const char *fmt, va_list ap)
{
	char line[CONSOLE_LINE_MAX];
	int n = kvsnprintf(line, sizeof line, fmt, ap);
	out(line, n > CONSOLE_LINE_MAX - 1 ? CONSOLE_LINE_MAX - 1 : (size_t)n);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_line(console_write, fmt, ap);
	va_end(ap);
}

/* Without out_lock: for a hart that may already hold it (panic paths). */
void console_emergency_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_line(uart_write, fmt, ap);
	va_end(ap);
}

/* Called with in.lock held. Returns true for Ctrl-C, which drops the line
 * being typed; the caller sends SIGINT once the lock is released. */
static bool input_byte(int c)
{
	if (c == 0x03) {
		in.edit_pos = in.commit_pos;
		console_write("^C\n", 3);
		return true;
	}
	if (c == '\r')
		c = '\n';
	if (c == 0x7f || c == 0x08) {
		if (in.edit_pos > in.commit_pos) {
			in.edit_pos--;
			console_write("\b \b", 3);
		}
		return false;
	}
	if (in.edit_pos - in.read_pos >= INPUT_SIZE)
		return false;   /* full: drop the byte */
	in.buf[in.edit_pos++ % INPUT_SIZE] = (char)c;
	char echo = (char)c;
	console_write(&echo, 1);
	if (c == '\n' || c == 0x04 || in.edit_pos - in.read_pos == INPUT_SIZE) {
		in.commit_pos = in.edit_pos;
		wq_wake_all(&in.readers);
	}
	return false;
}

void console_input_interrupt(void)
{
	bool interrupt = false;
	spin_lock(&in.lock);
	for (int c; (c = uart_getc()) >= 0;)
		interrupt |= input_byte(c);
	spin_unlock(&in.lock);
	poll_notify();   /* a line may have been committed */
	if (interrupt)
		signal_console_interrupt();
}

long console_input_ready(void)
{
	spin_lock(&in.lock);
	long n = (long)(in.commit_pos - in.read_pos);
	spin_unlock(&in.lock);
	return n;
}

long console_read(char *buf, size_t n)
{
	spin_lock(&in.lock);
	while (in.read_pos == in.commit_pos) {
		int err = wq_sleep(&in.readers, &in.lock);
		if (err) {
			spin_unlock(&in.lock);
			return err;
		}
	}
	size_t got = 0;
	while (got < n && in.read_pos < in.commit_pos) {
		char c = in.buf[in.read_pos++ % INPUT_SIZE];
		if (c == 0x04)          /* Ctrl-D: end of input for this read */
			break;
		buf[got++] = c;
		if (c == '\n')
			break;
	}
	spin_unlock(&in.lock);
	return (long)got;
}
