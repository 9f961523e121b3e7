/* Internal to the user library: hooks between its parts. Not for programs. */
#ifndef USER_PRIVATE_H
#define USER_PRIVATE_H

#include <stdarg.h>
#include <stddef.h>
#include "lib/format.h"

/* fork() takes these around clone so the child does not inherit a lock held
 * by a thread that does not exist in it. Order: malloc, then stdout. */
void malloc_lock_for_fork(void);
void malloc_unlock_after_fork(void);
void stdout_lock_for_fork(void);
void stdout_unlock_after_fork(void);

/* Writes what putchar() has buffered; safe to call at any time. */
void stdout_flush_pending(void);

/* Where the formatter's output goes: a string (fd < 0: bytes past cap are
 * counted, not stored) or a file descriptor (the buffer is written out
 * whenever it fills, and by sink_flush). */
struct sink {
	struct format_sink base;  /* first: the engine hands this back */
	char *buf;
	size_t cap;
	size_t pos;          /* bytes waiting in buf */
	size_t total;        /* bytes produced so far */
	int fd;
	long err;            /* first write error, or 0 */
};

void format(struct sink *s, const char *fmt, va_list ap);
void sink_flush(struct sink *s);

#endif
