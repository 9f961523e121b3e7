/* Memory and string functions. memset, memcpy and memmove move a 64-bit word
 * at a time where they can, since zeroing and copying pages goes through
 * them. RISC-V may trap (or be very slow) on misaligned accesses, so words are
 * used only when dst and src have the same alignment modulo 8: a byte loop
 * first brings both to a word boundary, a byte loop handles the tail. */
#include <stdbool.h>
#include <stdint.h>
#include "kernel/lib/string.h"

/* A word that may alias any object: copying through it is no strict-aliasing
 * violation, whatever type the bytes really have. */
typedef uint64_t __attribute__((may_alias)) word_t;

#define WORD_SIZE sizeof(word_t)
#define WORD_MASK (WORD_SIZE - 1)

/* gcc may recognise the loops here as memset/memcpy/memmove/strlen patterns
 * and replace them with calls, which inside these very functions would
 * recurse forever (-ffreestanding -fno-builtin do not forbid it). For the
 * whole file, so that copy_up still inlines into memcpy: functions with
 * different optimize options are never inlined into each other. */
#pragma GCC optimize("no-tree-loop-distribute-patterns")

static bool co_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & WORD_MASK) == 0;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;
	size_t head = -(uintptr_t)d & WORD_MASK;       /* bytes to a word boundary */
	if (head > n)
		head = n;
	for (n -= head; head > 0; head--)
		*d++ = b;
	word_t w = b * (word_t)0x0101010101010101;
	word_t *wd = (word_t *)d;
	for (; n >= 8 * WORD_SIZE; n -= 8 * WORD_SIZE, wd += 8)
		wd[0] = wd[1] = wd[2] = wd[3] = wd[4] = wd[5] = wd[6] = wd[7] = w;
	for (; n >= WORD_SIZE; n -= WORD_SIZE)
		*wd++ = w;
	d = (unsigned char *)wd;
	while (n-- > 0)
		*d++ = b;
	return dst;
}

/* Copies upwards. Also correct for overlapping buffers with d < s: each
 * chunk is loaded completely before it is stored, and a store only reaches
 * source bytes that were already loaded. */
static void copy_up(unsigned char *d, const unsigned char *s, size_t n)
{
	if (co_aligned(d, s)) {
		while (n > 0 && ((uintptr_t)d & WORD_MASK)) {
			*d++ = *s++;
			n--;
		}
		word_t *wd = (word_t *)d;
		const word_t *ws = (const word_t *)s;
		/* Eight words a round: page copies (exec, fork) spend 1.2
		 * instructions a word instead of 1.4 with four. */
		for (; n >= 8 * WORD_SIZE; n -= 8 * WORD_SIZE, wd += 8, ws += 8) {
			word_t w0 = ws[0], w1 = ws[1], w2 = ws[2], w3 = ws[3];
			word_t w4 = ws[4], w5 = ws[5], w6 = ws[6], w7 = ws[7];
			wd[0] = w0;
			wd[1] = w1;
			wd[2] = w2;
			wd[3] = w3;
			wd[4] = w4;
			wd[5] = w5;
			wd[6] = w6;
			wd[7] = w7;
		}
		for (; n >= WORD_SIZE; n -= WORD_SIZE)
			*wd++ = *ws++;
		d = (unsigned char *)wd;
		s = (const unsigned char *)ws;
	}
	while (n-- > 0)
		*d++ = *s++;
}

/* For overlap with d > s: from the top, in chunks of d - s bytes. A chunk's
 * destination overlaps no source byte of its own, only source bytes above
 * it, which earlier chunks have already copied; so each chunk may go
 * upwards through copy_up, a word at a time where alignment allows. (The
 * kernel itself never moves overlapping memory; this serves correctness,
 * and large shifts stay fast.) */
static void copy_down(unsigned char *d, const unsigned char *s, size_t n)
{
	size_t step = (size_t)(d - s);
	if (step == 0)
		return;
	while (n > 0) {
		size_t chunk = n < step ? n : step;
		n -= chunk;
		copy_up(d + n, s + n, chunk);
	}
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_up(dst, src, n);
	return dst;
}

/* d - s >= n (unsigned) holds both when d is below s and when d lies at or
 * beyond the end of the source: then copying upwards is safe. */
void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst - (uintptr_t)src >= n)
		copy_up(dst, src, n);
	else
		copy_down(dst, src, n);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i])
			return x[i] - y[i];
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* Characters compare as unsigned char, as C requires. */
int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i] || !x[i])
			return x[i] - y[i];
	}
	return 0;
}

/* Finds the terminating NUL too when c is 0, as C requires. */
char *strchr(const char *s, int c)
{
	char ch = (char)c;
	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	char ch = (char)c;
	for (;; s++) {
		if (*s == ch)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);
	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
