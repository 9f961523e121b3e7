/* printf-style formatting: one engine for the kernel (kernel/lib/printf.c),
 * the user library (user/lib/stdio.c) and the host tests.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%.
 * Flags: '-' '0' '+' ' ' '#'. Width and precision: a number or '*'.
 * Length modifiers: hh h l ll z t j.
 * %p prints 0x and lowercase hex, also for NULL; a NULL %s prints "(null)".
 * An unknown conversion is copied to the output as written.
 *
 * Uses no libc and little stack, so it is safe on any kernel stack, in user
 * programs and in host programs alike. */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Where the characters go: `put` receives each one in order. Embed it as the
 * first member of a struct that holds the destination. */
struct format_sink {
	void (*put)(struct format_sink *sink, char c);
};

/* Formats fmt with ap into sink; returns how many characters it produced. */
size_t format_v(struct format_sink *sink, const char *fmt, va_list ap);

#endif
