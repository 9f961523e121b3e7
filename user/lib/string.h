/* Dakota user library: strings and memory blocks. */
#ifndef USER_STRING_H
#define USER_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *restrict dst, const char *restrict src);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strcat(char *restrict dst, const char *restrict src);
char *strdup(const char *s);      /* malloc'd; NULL when out of memory */
char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save);

#endif
