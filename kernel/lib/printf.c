/* ksnprintf and kvsnprintf: the shared engine (lib/format.c) writing into a
 * buffer. Only what fits is stored; every character is counted. */
#include "kernel/lib/printf.h"
#include "lib/format.h"

#define INT_MAX __INT_MAX__

/* buf[0 .. size-2] receives the characters that fit; the last byte is kept
 * for the NUL. */
struct buffer_sink {
	struct format_sink sink;        /* first: the engine hands this back */
	char *buf;
	size_t size;
	size_t len;                     /* characters produced, also those cut */
};

static void buffer_put(struct format_sink *sink, char c)
{
	struct buffer_sink *b = (struct buffer_sink *)sink;
	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer_sink b = { .sink = { buffer_put }, .buf = buf, .size = size };
	size_t len = format_v(&b.sink, fmt, ap);
	if (size > 0)
		buf[len < size ? len : size - 1] = '\0';
	return len > INT_MAX ? INT_MAX : (int)len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
