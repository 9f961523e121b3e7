/* Dakota user library: memory allocation and number conversion.
 *
 * malloc and friends are safe to call from several threads at once: one
 * spinlock guards the heap. Memory comes from sbrk; blocks are 16-byte
 * aligned and freed blocks are coalesced with their neighbours. */
#ifndef USER_STDLIB_H
#define USER_STDLIB_H

#include <stddef.h>
#include "syscall.h"      /* exit() */

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

void *malloc(size_t n);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);

int atoi(const char *s);
/* base 0 (prefix decides), or 2..36. Saturates at LONG_MIN/LONG_MAX. */
long strtol(const char *s, char **end, int base);
int abs(int x);
long labs(long x);

#endif
