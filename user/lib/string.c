/* Strings and memory blocks. gcc may emit calls to memcpy, memset, memmove
 * and memcmp on its own, so these must not be turned back into calls to
 * themselves: the loop-to-call pattern pass is off for this file. */
#include <stdint.h>
#include "string.h"
#include "stdlib.h"

#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef unsigned long __attribute__((may_alias)) word_t;
#define WORD sizeof(word_t)

NO_LIBCALLS void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	while (n && ((uintptr_t)d & (WORD - 1))) {
		*d++ = (unsigned char)c;
		n--;
	}
	word_t w = (unsigned char)c * (~(word_t)0 / 0xff);   /* c in every byte */
	for (; n >= WORD; n -= WORD, d += WORD)
		*(word_t *)(void *)d = w;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

/* Forward copy, word at a time when both pointers share an alignment. Also
 * right for overlapping blocks with dst below src (memmove uses it so). */
NO_LIBCALLS static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if ((((uintptr_t)d ^ (uintptr_t)s) & (WORD - 1)) == 0) {
		while (n && ((uintptr_t)d & (WORD - 1))) {
			*d++ = *s++;
			n--;
		}
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(word_t *)(void *)d = *(const word_t *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
}

NO_LIBCALLS void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

NO_LIBCALLS void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d - (uintptr_t)s >= n) {  /* no overlap a forward copy harms */
		copy_forward(d, s, n);
		return dst;
	}
	/* dst overlaps the tail of src: copy backwards. */
	d += n;
	s += n;
	if ((((uintptr_t)d ^ (uintptr_t)s) & (WORD - 1)) == 0) {
		while (n && ((uintptr_t)d & (WORD - 1))) {
			*--d = *--s;
			n--;
		}
		for (; n >= WORD; n -= WORD) {
			d -= WORD;
			s -= WORD;
			*(word_t *)(void *)d = *(const word_t *)(const void *)s;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

NO_LIBCALLS int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

NO_LIBCALLS size_t strlen(const char *s)
{
	const char *p = s;
	while (*p)
		p++;
	return (size_t)(p - s);
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}

NO_LIBCALLS char *strcpy(char *restrict dst, const char *restrict src)
{
	char *d = dst;
	while ((*d++ = *src++))
		;
	return dst;
}

/* As C: copies at most n bytes and pads with NULs; no NUL if src is longer. */
NO_LIBCALLS char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t i = 0;
	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = 0;
	return dst;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strcat(char *restrict dst, const char *restrict src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save)
{
	if (!s)
		s = *save;
	if (!s)
		return NULL;
	while (*s && strchr(delim, *s))
		s++;
	if (!*s) {
		*save = NULL;
		return NULL;
	}
	char *tok = s;
	while (*s && !strchr(delim, *s))
		s++;
	if (*s) {
		*s = 0;
		*save = s + 1;
	} else {
		*save = NULL;
	}
	return tok;
}
