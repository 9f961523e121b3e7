/* ksnprintf against the host's snprintf: for every supported format the
 * output and the return value must be the same, also when truncated. Where
 * Dakota deliberately differs (%p of NULL, unknown conversions) the expected
 * text is spelled out. */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "kernel/lib/printf.h"
#include "tap.h"

static char kbuf[512];
static char hbuf[512];

static void check_same(const char *name, int kn, int hn)
{
	bool eq = kn == hn && hn >= 0 && (size_t)hn < sizeof hbuf &&
		memcmp(kbuf, hbuf, (size_t)hn + 1) == 0;
	if (!TAP_OK(eq, "%s", name))
		tap_diag("got %d \"%s\", want %d \"%s\"", kn, kbuf, hn, hbuf);
}

/* Same format literal and arguments to both, so the compiler checks both. */
#define SAME(...) check_same(#__VA_ARGS__, \
	ksnprintf(kbuf, sizeof kbuf, __VA_ARGS__), \
	snprintf(hbuf, sizeof hbuf, __VA_ARGS__))

static void check_text(const char *name, int kn, const char *want)
{
	bool eq = kn == (int)strlen(want) && strcmp(kbuf, want) == 0;
	if (!TAP_OK(eq, "%s", name))
		tap_diag("got %d \"%s\", want %zu \"%s\"", kn, kbuf, strlen(want), want);
}

#define GIVES(want, ...) check_text(#__VA_ARGS__, ksnprintf(kbuf, sizeof kbuf, __VA_ARGS__), want)

/* Formats through `engine` (kvsnprintf, or the host's vsnprintf) with no
 * format checking, for formats the compiler would reject. */
typedef int (*vformat_fn)(char *, size_t, const char *, va_list);

static int fmt_unchecked(vformat_fn engine, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = engine(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* For valid formats that -Wformat still warns about (flags it calls useless). */
#define SAME_UNCHECKED(...) check_same(#__VA_ARGS__, \
	fmt_unchecked(kvsnprintf, kbuf, sizeof kbuf, __VA_ARGS__), \
	fmt_unchecked(vsnprintf, hbuf, sizeof hbuf, __VA_ARGS__))

static void test_integers(void)
{
	SAME("%d %d %d %d", 0, 1, -1, 42);
	SAME("%d", INT_MAX);
	SAME("%d", INT_MIN);
	SAME("%i", -12345);
	SAME("%u %u", 0u, UINT_MAX);
	SAME("%x %x %x", 0u, 255u, 0xdeadbeefu);
	SAME("%X", 0xdeadbeefu);
	SAME("%o %o %o", 0u, 8u, UINT_MAX);
	SAME("%ld %ld", LONG_MIN, LONG_MAX);
	SAME("%lu %lx %lX %lo", ULONG_MAX, ULONG_MAX, ULONG_MAX, ULONG_MAX);
	SAME("%li", -1L);
	SAME("%lld %lld", LLONG_MIN, LLONG_MAX);
	SAME("%llu %llx %llo", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
	SAME("%zu %zx", SIZE_MAX, (size_t)4096);
	SAME("%zd %zd", (ptrdiff_t)-5, PTRDIFF_MIN);
	SAME("%td %tx %jd %ju", (ptrdiff_t)-7, (ptrdiff_t)255, INTMAX_MIN, UINTMAX_MAX);
	SAME("%hd %hu", 70000, 70000);
	SAME("%hd", -32768);
	SAME("%hhd %hhu %hhx", 300, 300, 511);
	SAME("%hhd", -129);
	SAME("%d%d%d", 1, 2, 3);
}

static void test_int_fields(void)
{
	SAME("[%5d]", 42);
	SAME("[%-5d]", 42);
	SAME("[%05d]", 42);
	SAME("[%05d]", -42);
	SAME_UNCHECKED("[%-05d]", -42);
	SAME("[%1d]", 12345);
	SAME("[%0d]", 7);
	SAME("[%.3d]", 7);
	SAME("[%.5d]", -42);
	SAME("[%5.3d]", 7);
	SAME("[%-6.3d]", -7);
	SAME_UNCHECKED("[%05.3d]", 7);          /* '0' is ignored with a precision */
	SAME("[%.0d]", 0);            /* no digits at all */
	SAME("[%5.0d]", 0);
	SAME("[%.0x]", 0u);
	SAME("[%.0d]", 1);
	SAME("[%+d] [%+d] [%+d]", 5, -5, 0);
	SAME("[% d] [% d]", 5, -5);
	SAME_UNCHECKED("[%+ d]", 5);            /* '+' wins over ' ' */
	SAME("[%+05d] [% 05d]", 5, 5);
	SAME("[%+.3d]", 5);
	SAME("[%#x] [%#X] [%#x]", 255u, 255u, 0u);
	SAME("[%#o] [%#o] [%#.0o]", 8u, 0u, 0u);
	SAME("[%#.3o] [%#.4o]", 8u, 8u);
	SAME("[%#5x] [%#05x] [%#-8x]", 1u, 1u, 1u);
	SAME("[%#018lx]", 0xffffffc000000000ul);
	SAME("[%016lx]", 0x80200000ul);
	SAME("[%100d]", -1);
	SAME("[%-30lld]", LLONG_MIN);
	SAME("[%30llo]", ULLONG_MAX);
	SAME_UNCHECKED("[%+llu]", 5ull);        /* '+' applies to signed conversions only */
}

static void test_star(void)
{
	SAME("[%*d]", 5, 42);
	SAME("[%*d]", -5, 42);        /* negative width: left-justified */
	SAME("[%-*d]", 5, 42);
	SAME("[%0*d]", 5, -3);
	SAME("[%.*d]", 3, 7);
	SAME("[%.*d]", -1, 7);        /* negative precision: none */
	SAME("[%.*d]", 0, 0);
	SAME("[%*.*d]", 6, 3, 7);
	SAME("[%*.*s]", -6, 2, "abcdef");
	SAME("[%*s]", 0, "x");
}

static void test_strings(void)
{
	static const char unterminated[3] = { 'a', 'b', 'c' };
	SAME("[%s]", "abc");
	SAME("[%s]", "");
	SAME("[%5s] [%-5s]", "ab", "ab");
	SAME("[%2s]", "abcdef");      /* width never truncates */
	SAME("[%.2s] [%.0s] [%.10s]", "abc", "abc", "abc");
	SAME("[%10.3s] [%-10.3s]", "abcdef", "abcdef");
	SAME("[%.*s] [%.*s]", 2, "abc", -1, "abc");
	SAME("[%.3s]", unterminated); /* must not read past 3 bytes */
	SAME("[%c%c%c]", 'a', 'b', 'c');
	SAME("[%3c] [%-3c]", 'x', 'y');
	SAME("[%c]", 0);              /* an embedded NUL is counted */
	SAME("[%c]", 0x1ff);          /* converted to unsigned char */
	SAME("100%% [%5s%%]", "x");
	SAME("%s=%d, %s=%#lx%c", "a", -1, "b", 48879ul, '!');
	SAME("%s", "no conversions, just text");
}

static void test_null_and_pointers(void)
{
	const char *volatile null_str = NULL;
	void *volatile null_ptr = NULL;
	int x;
	GIVES("(null)", "%s", null_str);
	GIVES("[  (null)]", "[%8s]", null_str);
	GIVES("0x0", "%p", null_ptr);
	GIVES("0xdeadbeef", "%p", (void *)0xdeadbeefUL);
	GIVES("[    0x1234]", "[%10p]", (void *)0x1234);
	GIVES("[0x1234    ]", "[%-10p]", (void *)0x1234);
	SAME("%p", (void *)&x);       /* non-NULL %p agrees with glibc */
	SAME("%p %p", (void *)0xffffffffffffffffUL, (void *)1);
}

static void test_unknown_conversions(void)
{
	int n = fmt_unchecked(kvsnprintf, kbuf, sizeof kbuf, "a%yb");
	TAP_OK(n == 4 && strcmp(kbuf, "a%yb") == 0, "unknown conversion copied as written");
	n = fmt_unchecked(kvsnprintf, kbuf, sizeof kbuf, "[%-5ly]");
	TAP_OK(n == 7 && strcmp(kbuf, "[%-5ly]") == 0, "unknown conversion keeps its flags");
	n = fmt_unchecked(kvsnprintf, kbuf, sizeof kbuf, "abc%");
	TAP_OK(n == 4 && strcmp(kbuf, "abc%") == 0, "a lone trailing %% is copied");
	n = fmt_unchecked(kvsnprintf, kbuf, sizeof kbuf, "%d%y%d", 1, 2);
	TAP_OK(n == 4 && strcmp(kbuf, "1%y2") == 0, "conversions after an unknown one");
}

/* Truncated at every size from 0 to beyond the full length: same return value
 * (the full length), same bytes, and nothing written at or past `size`. */
static void check_truncation(const char *name, const char *want_full, int (*k)(char *, size_t),
			     int (*h)(char *, size_t))
{
	size_t full = strlen(want_full);
	bool good = true;
	for (size_t size = 0; size <= full + 2; size++) {
		memset(kbuf, 'X', sizeof kbuf);
		memset(hbuf, 'X', sizeof hbuf);
		int kn = k(size ? kbuf : NULL, size);
		int hn = h(size ? hbuf : NULL, size);
		if (kn != hn || kn != (int)full || memcmp(kbuf, hbuf, sizeof kbuf) != 0) {
			tap_diag("%s: size %zu: got %d \"%.*s\", want %d", name, size, kn,
				 (int)(size ? size : 1), kbuf, hn);
			good = false;
		}
	}
	TAP_OK(good, "truncation at every size: %s", name);
}

static int k_mixed(char *b, size_t n) { return ksnprintf(b, n, "[%-6s|%+05d|%#x]", "ab", 42, 0xbeefu); }
static int h_mixed(char *b, size_t n) { return snprintf(b, n, "[%-6s|%+05d|%#x]", "ab", 42, 0xbeefu); }
static int k_long(char *b, size_t n) { return ksnprintf(b, n, "%ld", LONG_MIN); }
static int h_long(char *b, size_t n) { return snprintf(b, n, "%ld", LONG_MIN); }
static int k_pad(char *b, size_t n) { return ksnprintf(b, n, "%20s", "x"); }
static int h_pad(char *b, size_t n) { return snprintf(b, n, "%20s", "x"); }

static void test_truncation(void)
{
	check_truncation("mixed", "[ab    |+0042|0xbeef]", k_mixed, h_mixed);
	check_truncation("LONG_MIN", "-9223372036854775808", k_long, h_long);
	check_truncation("padding", "                   x", k_pad, h_pad);

	int n = ksnprintf(NULL, 0, "%s-%d", "hello", 12345);
	TAP_OK(n == 11, "size 0 with NULL buffer returns the full length");
	kbuf[0] = 'X';
	n = ksnprintf(kbuf, 1, "%s", "hello");
	TAP_OK(n == 5 && kbuf[0] == '\0', "size 1 stores only the NUL");
	memset(kbuf, 'X', 8);
	n = ksnprintf(kbuf, 4, "%d", 123456);
	TAP_OK(n == 6 && strcmp(kbuf, "123") == 0 && kbuf[4] == 'X', "size 4 keeps 3 digits");
}

int main(void)
{
	test_integers();
	test_int_fields();
	test_star();
	test_strings();
	test_null_and_pointers();
	test_unknown_conversions();
	test_truncation();
	return tap_finish();
}
