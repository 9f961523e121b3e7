/* The printf formatter shared by printf, dprintf and snprintf. */
#include <stdbool.h>
#include "syscall.h"
#include "string.h"
#include "private.h"

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

static void put(struct sink *s, char c)
{
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

static void put_n(struct sink *s, const char *p, size_t n)
{
	while (n--)
		put(s, *p++);
}

static void pad(struct sink *s, char c, long n)
{
	while (n-- > 0)
		put(s, c);
}

struct spec {
	bool left;            /* '-' */
	bool zero;            /* '0' */
	bool plus;            /* '+' */
	bool space;           /* ' ' */
	bool alt;             /* '#' */
	long width;
	long prec;            /* -1: none */
};

static void put_number(struct sink *s, unsigned long long v, bool neg, unsigned base,
		       bool upper, bool force_prefix, const struct spec *sp)
{
	const char *digit_set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24];
	long n = 0;
	if (v != 0 || sp->prec != 0) {
		do {
			digits[n++] = digit_set[v % base];
			v /= base;
		} while (v);
	}
	char prefix[3];
	long np = 0;
	if (neg)
		prefix[np++] = '-';
	else if (sp->plus)
		prefix[np++] = '+';
	else if (sp->space)
		prefix[np++] = ' ';
	if (base == 16 && (force_prefix || (sp->alt && n && !(n == 1 && digits[0] == '0')))) {
		prefix[np++] = '0';
		prefix[np++] = upper ? 'X' : 'x';
	}
	long zeros = sp->prec > n ? sp->prec - n : 0;
	if (base == 8 && sp->alt && zeros == 0 && (n == 0 || digits[n - 1] != '0'))
		zeros = 1;
	long len = np + zeros + n;
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > len) {
		zeros += sp->width - len;
		len = sp->width;
	}
	if (!sp->left)
		pad(s, ' ', sp->width - len);
	put_n(s, prefix, (size_t)np);
	pad(s, '0', zeros);
	while (n)
		put(s, digits[--n]);
	if (sp->left)
		pad(s, ' ', sp->width - len);
}

static void put_string(struct sink *s, const char *str, const struct spec *sp)
{
	if (!str)
		str = "(null)";
	long n = 0;
	while (str[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		pad(s, ' ', sp->width - n);
	put_n(s, str, (size_t)n);
	if (sp->left)
		pad(s, ' ', sp->width - n);
}

enum length { LEN_HH, LEN_H, LEN_INT, LEN_L, LEN_LL, LEN_Z };

void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(s, *fmt);
			continue;
		}
		const char *start = fmt++;
		struct spec sp = { .prec = -1 };
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else if (*fmt == '+')
				sp.plus = true;
			else if (*fmt == ' ')
				sp.space = true;
			else if (*fmt == '#')
				sp.alt = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		enum length len = LEN_INT;
		if (*fmt == 'h') {
			len = LEN_H;
			if (*++fmt == 'h') {
				len = LEN_HH;
				fmt++;
			}
		} else if (*fmt == 'l') {
			len = LEN_L;
			if (*++fmt == 'l') {
				len = LEN_LL;
				fmt++;
			}
		} else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') {
			len = *fmt == 'j' ? LEN_LL : LEN_Z;
			fmt++;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v;
			switch (len) {
			case LEN_HH: v = (signed char)va_arg(ap, int); break;
			case LEN_H:  v = (short)va_arg(ap, int); break;
			case LEN_INT: v = va_arg(ap, int); break;
			case LEN_L:
			case LEN_Z:  v = va_arg(ap, long); break;
			default:     v = va_arg(ap, long long); break;
			}
			unsigned long long mag = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
			put_number(s, mag, v < 0, 10, false, false, &sp);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned long long v;
			switch (len) {
			case LEN_HH: v = (unsigned char)va_arg(ap, unsigned); break;
			case LEN_H:  v = (unsigned short)va_arg(ap, unsigned); break;
			case LEN_INT: v = va_arg(ap, unsigned); break;
			case LEN_L:
			case LEN_Z:  v = va_arg(ap, unsigned long); break;
			default:     v = va_arg(ap, unsigned long long); break;
			}
			unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			sp.plus = sp.space = false;
			put_number(s, v, false, base, *fmt == 'X', false, &sp);
			break;
		}
		case 'p':
			sp.plus = sp.space = false;
			put_number(s, (unsigned long)va_arg(ap, void *), false, 16, false, true, &sp);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!sp.left)
				pad(s, ' ', sp.width - 1);
			put(s, c);
			if (sp.left)
				pad(s, ' ', sp.width - 1);
			break;
		}
		case 's':
			put_string(s, va_arg(ap, const char *), &sp);
			break;
		case '%':
			put(s, '%');
			break;
		default:
			/* Unknown conversion: show it as written. */
			if (!*fmt)
				fmt--;
			put_n(s, start, (size_t)(fmt - start + 1));
			break;
		}
	}
}
