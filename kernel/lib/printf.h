/* Formatting into a buffer, with C snprintf semantics: the output is always
 * NUL-terminated when size > 0, and the return value is the length the whole
 * output would have had, so `ret >= size` means it was truncated. The
 * conversions are lib/format.h's. */
#ifndef KERNEL_LIB_PRINTF_H
#define KERNEL_LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

__attribute__((format(printf, 3, 4)))
int ksnprintf(char *buf, size_t size, const char *fmt, ...);

#endif
