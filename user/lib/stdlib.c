/* Number conversion. */
#include <stdbool.h>
#include "stdlib.h"

#define LONG_MAX_ ((long)(~0UL >> 1))
#define LONG_MIN_ (-LONG_MAX_ - 1)

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

long strtol(const char *s, char **end, int base)
{
	const char *p = s;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	bool neg = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')
	    && digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		if (end)
			*end = (char *)s;
		return 0;
	}
	/* Accumulate the magnitude as unsigned, saturating at the limit. */
	unsigned long limit = neg ? (unsigned long)LONG_MAX_ + 1 : (unsigned long)LONG_MAX_;
	unsigned long v = 0;
	bool any = false, over = false;
	for (int d; (d = digit_value(*p)) < base; p++) {
		any = true;
		if (over)
			continue;
		if (v > (limit - (unsigned long)d) / (unsigned long)base) {
			over = true;
			v = limit;
		} else {
			v = v * (unsigned long)base + (unsigned long)d;
		}
	}
	if (end)
		*end = (char *)(any ? p : s);
	if (!any)
		return 0;
	if (neg)
		return v == (unsigned long)LONG_MAX_ + 1 ? LONG_MIN_ : -(long)v;
	return (long)v;
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

int abs(int x)
{
	return x < 0 ? -x : x;
}

long labs(long x)
{
	return x < 0 ? -x : x;
}
