/* The sink behind printf, dprintf and snprintf: the shared engine
 * (lib/format.c) writes into a buffer that is flushed to a file descriptor
 * whenever it fills, or into a string that keeps only what fits. */
#include <stdbool.h>
#include "syscall.h"
#include "string.h"
#include "private.h"
#include "lib/format.h"

void sink_flush(struct sink *s)
{
	size_t done = 0;
	while (done < s->pos && s->fd >= 0) {
		long r = write(s->fd, s->buf + done, s->pos - done);
		if (r <= 0) {
			if (!s->err)
				s->err = r ? r : -EPIPE;
			break;
		}
		done += (size_t)r;
	}
	s->pos = 0;
}

static void sink_put(struct format_sink *fs, char c)
{
	struct sink *s = (struct sink *)fs;
	if (s->pos == s->cap) {
		if (s->fd < 0) {
			s->total++;
			return;
		}
		sink_flush(s);
	}
	s->buf[s->pos++] = c;
	s->total++;
}

void format(struct sink *s, const char *fmt, va_list ap)
{
	s->base.put = sink_put;
	format_v(&s->base, fmt, ap);
}
