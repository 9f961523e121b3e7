/* Dakota user library: formatted output on file descriptors.
 *
 * printf and dprintf format into a stack buffer and hand the whole line to
 * one write() when it fits (512 bytes), so lines from different threads do
 * not interleave. Formats: %d %i %u %x %X %o %c %s %p %% with the l, ll, z
 * and h length modifiers, flags '-' and '0', width and precision ('*' too).
 * The return value is the number of bytes produced, or a negative errno. */
#ifndef USER_STDIO_H
#define USER_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vprintf(const char *fmt, va_list ap);
int vdprintf(int fd, const char *fmt, va_list ap);
/* Returns the length the whole output would have; writes at most n - 1
 * bytes and a NUL when n > 0. */
int snprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);

int puts(const char *s);          /* s and '\n' in one write */
/* putchar buffers until '\n', a full buffer, fflush_stdout(), the next
 * printf/puts, or exit(). */
int putchar(int c);
int fflush_stdout(void);
int getchar(void);                /* next byte of fd 0, or EOF (-1) */

#endif
