/* The console: whole-line output shared by every hart, and line input. */
#ifndef KERNEL_DEV_CONSOLE_H
#define KERNEL_DEV_CONSOLE_H

#include <stddef.h>

void console_init(unsigned long uart_base);
__attribute__((format(printf, 1, 2))) void kprintf(const char *fmt, ...);
/* Writes n bytes under the console lock, so concurrent writers do not
 * interleave within one call. */
void console_write(const char *buf, size_t n);
/* Bypasses the lock: for panic only. */
__attribute__((format(printf, 1, 2))) void console_emergency_printf(const char *fmt, ...);
/* Blocks until a line (or at least one byte after a line edit) is ready;
 * returns bytes copied to the kernel buffer, at most n. */
long console_read(char *buf, size_t n);
/* Bytes of complete input lines waiting to be read (0: a read would
 * block). */
long console_input_ready(void);
/* Called from the external interrupt handler when the UART has input. */
void console_input_interrupt(void);

#endif
