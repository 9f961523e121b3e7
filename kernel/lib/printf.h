/* Formatting into a buffer, with C snprintf semantics: the output is always
 * NUL-terminated when size > 0, and the return value is the length the whole
 * output would have had, so `ret >= size` means it was truncated.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%.
 * Flags: '-' '0' '+' ' ' '#'. Width and precision: a number or '*'.
 * Length modifiers: hh h l ll z.
 * %p prints 0x and lowercase hex, also for NULL; a NULL %s prints "(null)".
 * An unknown conversion is copied to the output as written.
 *
 * Uses no libc and little stack, so it is safe on any kernel stack and in
 * host programs alike. */
#ifndef KERNEL_LIB_PRINTF_H
#define KERNEL_LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

__attribute__((format(printf, 3, 4)))
int ksnprintf(char *buf, size_t size, const char *fmt, ...);

#endif
