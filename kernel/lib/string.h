/* The C string and memory functions the kernel uses, with their standard
 * names and meanings. Declared here rather than taken from <string.h>: the
 * kernel is freestanding, and the compiler emits calls to memcpy, memset and
 * memmove on its own (structure copies, zeroing), which these satisfy. */
#ifndef KERNEL_LIB_STRING_H
#define KERNEL_LIB_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/* BSD strlcpy: copies at most size-1 characters and NUL-terminates when
 * size > 0. Returns strlen(src), so `ret >= size` means truncation. */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

#endif
