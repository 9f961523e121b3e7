/* The printf engine of the kernel, the user library and the host tests.
 * The format is read one conversion at a time into a struct spec, which one
 * of the print_* functions then writes out. Every character produced goes to
 * the sink's put function and is counted. */
#include <stdbool.h>
#include <stdint.h>
#include "lib/format.h"

/* <limits.h> is not usable freestanding with a linux-gnu cross compiler:
 * it pulls in glibc headers. */
#define INT_MAX __INT_MAX__

/* The sink and the count of characters handed to it so far. */
struct emitter {
	struct format_sink *sink;
	size_t len;
};

enum {
	F_LEFT  = 1 << 0,       /* '-': pad on the right */
	F_ZERO  = 1 << 1,       /* '0': pad numbers with zeros after sign/prefix */
	F_PLUS  = 1 << 2,       /* '+': a sign also for non-negative numbers */
	F_SPACE = 1 << 3,       /* ' ': a space where '+' would go */
	F_ALT   = 1 << 4,       /* '#': 0x/0X for nonzero hex, a leading 0 for octal */
};

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF, LEN_MAX };

struct spec {
	unsigned flags;
	int width;              /* minimum field width; 0: none */
	int prec;               /* -1: none */
	enum length length;
	char conv;              /* the conversion letter; '\0' if fmt ended early */
};

static void emit_char(struct emitter *o, char c)
{
	o->sink->put(o->sink, c);
	o->len++;
}

static void emit_mem(struct emitter *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		emit_char(o, s[i]);
}

static void emit_repeat(struct emitter *o, char c, int n)
{
	for (int i = 0; i < n; i++)
		emit_char(o, c);
}

/* Saturates instead of overflowing: an absurd width is the caller's bug, not
 * a reason for undefined behaviour here. */
static int parse_number(const char **fmt)
{
	int n = 0;
	while (**fmt >= '0' && **fmt <= '9') {
		int digit = *(*fmt)++ - '0';
		n = n > (INT_MAX - digit) / 10 ? INT_MAX : n * 10 + digit;
	}
	return n;
}

static unsigned parse_flags(const char **fmt)
{
	unsigned flags = 0;
	for (;; (*fmt)++) {
		switch (**fmt) {
		case '-': flags |= F_LEFT; break;
		case '0': flags |= F_ZERO; break;
		case '+': flags |= F_PLUS; break;
		case ' ': flags |= F_SPACE; break;
		case '#': flags |= F_ALT; break;
		default: return flags;
		}
	}
}

static enum length parse_length(const char **fmt)
{
	const char *p = *fmt;
	enum length len = LEN_INT;
	if (p[0] == 'h')
		len = p[1] == 'h' ? LEN_CHAR : LEN_SHORT;
	else if (p[0] == 'l')
		len = p[1] == 'l' ? LEN_LLONG : LEN_LONG;
	else if (p[0] == 'z')
		len = LEN_SIZE;
	else if (p[0] == 't')
		len = LEN_PTRDIFF;
	else if (p[0] == 'j')
		len = LEN_MAX;
	if (len == LEN_CHAR || len == LEN_LLONG)
		p += 2;
	else if (len != LEN_INT)
		p += 1;
	*fmt = p;
	return len;
}

/* A negative width from '*' means '-' and its magnitude; a negative
 * precision from '*' means none was given (as C says). */
static void parse_width_prec(const char **fmt, struct spec *sp, va_list *ap)
{
	sp->width = 0;
	if (**fmt == '*') {
		(*fmt)++;
		int w = va_arg(*ap, int);
		if (w < 0) {
			sp->flags |= F_LEFT;
			w = w < -INT_MAX ? INT_MAX : -w;
		}
		sp->width = w;
	} else {
		sp->width = parse_number(fmt);
	}
	sp->prec = -1;
	if (**fmt != '.')
		return;
	(*fmt)++;
	if (**fmt == '*') {
		(*fmt)++;
		int p = va_arg(*ap, int);
		sp->prec = p < 0 ? -1 : p;
	} else {
		sp->prec = parse_number(fmt);
	}
}

/* fmt points just after the '%'; returns the position after the conversion
 * letter (or at the final NUL if the format ends inside the spec). */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
	sp->flags = parse_flags(&fmt);
	parse_width_prec(&fmt, sp, ap);
	sp->length = parse_length(&fmt);
	sp->conv = *fmt;
	return *fmt ? fmt + 1 : fmt;
}

/* Arguments narrower than int arrive promoted to int; hh and h convert them
 * back, as C requires. */
static long long arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:  return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG:  return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE:  return va_arg(*ap, ptrdiff_t);  /* signed size_t */
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	case LEN_MAX:   return va_arg(*ap, intmax_t);
	default:        return va_arg(*ap, int);
	}
}

static unsigned long long arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:  return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG:  return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE:  return va_arg(*ap, size_t);
	case LEN_PTRDIFF: return (size_t)va_arg(*ap, ptrdiff_t);
	case LEN_MAX:   return va_arg(*ap, uintmax_t);
	default:        return va_arg(*ap, unsigned);
	}
}

static void pad_left(struct emitter *o, const struct spec *sp, size_t body)
{
	if (!(sp->flags & F_LEFT) && (size_t)sp->width > body)
		emit_repeat(o, ' ', sp->width - (int)body);
}

static void pad_right(struct emitter *o, const struct spec *sp, size_t body)
{
	if ((sp->flags & F_LEFT) && (size_t)sp->width > body)
		emit_repeat(o, ' ', sp->width - (int)body);
}

static void print_str(struct emitter *o, const struct spec *sp, const char *s, size_t n)
{
	pad_left(o, sp, n);
	emit_mem(o, s, n);
	pad_right(o, sp, n);
}

/* Stops at `max` characters without reading further: with a precision the
 * argument need not be NUL-terminated. max < 0: no limit. */
static size_t str_len(const char *s, int max)
{
	size_t n = 0;
	while ((max < 0 || n < (size_t)max) && s[n])
		n++;
	return n;
}

/* Digits of v, least significant first, into d (24 bytes hold the 22 octal
 * digits of a 64-bit value). Returns how many. */
static int to_digits(char *d, unsigned long long v, unsigned base, bool upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;
	do {
		d[n++] = set[v % base];
		v /= base;
	} while (v);
	return n;
}

/* Prints the magnitude v of an integer conversion; `sign` is '-', '+', ' '
 * or 0. Field layout: [spaces][sign or 0x][zeros][digits][spaces]. */
static void print_int(struct emitter *o, const struct spec *sp, unsigned long long v, char sign)
{
	char digits[24];
	char c = sp->conv;
	unsigned base = c == 'o' ? 8 : (c == 'x' || c == 'X' || c == 'p') ? 16 : 10;
	int n = v == 0 && sp->prec == 0 ? 0 : to_digits(digits, v, base, c == 'X');

	char prefix[2];          /* a sign, or 0x: never both */
	int plen = 0;
	if (sign)
		prefix[plen++] = sign;
	if (c == 'p' || (base == 16 && (sp->flags & F_ALT) && v != 0)) {
		prefix[plen++] = '0';
		prefix[plen++] = c == 'X' ? 'X' : 'x';
	}

	int zeros = sp->prec > n ? sp->prec - n : 0;
	if (base == 8 && (sp->flags & F_ALT) && zeros == 0 && (n == 0 || digits[n - 1] != '0'))
		zeros = 1;
	int body = plen + zeros + n;
	if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->prec < 0 && sp->width > body) {
		zeros += sp->width - body;
		body = sp->width;
	}

	pad_left(o, sp, body);
	emit_mem(o, prefix, plen);
	emit_repeat(o, '0', zeros);
	while (n > 0)
		emit_char(o, digits[--n]);
	pad_right(o, sp, body);
}

static char sign_of(long long v, unsigned flags)
{
	if (v < 0)
		return '-';
	if (flags & F_PLUS)
		return '+';
	return flags & F_SPACE ? ' ' : 0;
}

/* Returns false for an unknown conversion, which the caller copies as is. */
static bool print_conv(struct emitter *o, const struct spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i': {
		long long v = arg_signed(ap, sp->length);
		/* In unsigned arithmetic, so that LLONG_MIN has a magnitude. */
		unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
		print_int(o, sp, mag, sign_of(v, sp->flags));
		return true;
	}
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		print_int(o, sp, arg_unsigned(ap, sp->length), 0);
		return true;
	case 'p':
		print_int(o, sp, (uintptr_t)va_arg(*ap, void *), 0);
		return true;
	case 'c': {
		char ch = (char)va_arg(*ap, int);
		print_str(o, sp, &ch, 1);
		return true;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		print_str(o, sp, s, str_len(s, sp->prec));
		return true;
	}
	case '%':
		emit_char(o, '%');
		return true;
	default:
		return false;
	}
}

size_t format_v(struct format_sink *sink, const char *fmt, va_list ap)
{
	struct emitter o = { .sink = sink, .len = 0 };
	/* A copy, because the helpers take the list by pointer, and a va_list
	 * parameter may be an array type whose address is not a va_list *. */
	va_list args;
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			emit_char(&o, *fmt++);
			continue;
		}
		const char *start = fmt;
		struct spec sp;
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!print_conv(&o, &sp, &args))
			emit_mem(&o, start, (size_t)(fmt - start));
	}
	va_end(args);
	return o.len;
}
