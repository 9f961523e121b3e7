/* kernel/lib/string.c against naive reference loops, at every alignment that
 * matters to its word-at-a-time paths.
 *
 * The kernel's functions carry the standard names, so they cannot simply be
 * linked next to the host libc (they would interpose on it, and the test
 * harness's own printf would then run on them). Instead every name is
 * renamed with a macro and string.c is compiled as part of this file: the
 * renames apply to its definitions, to its internal calls (strlcpy ->
 * memcpy) and to its header alike. The host headers come first, before the
 * renames, so none of their declarations is touched. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tap.h"

#define memset  k_memset
#define memcpy  k_memcpy
#define memmove k_memmove
#define memcmp  k_memcmp
#define strlen  k_strlen
#define strnlen k_strnlen
#define strcmp  k_strcmp
#define strncmp k_strncmp
#define strchr  k_strchr
#define strlcpy k_strlcpy
#include "kernel/lib/string.c"

#define BUF 256
#define MAX_ALIGN 16
#define MAX_LEN 70

static unsigned char got[BUF];
static unsigned char want[BUF];

static void fill(unsigned char *b, unsigned seed)
{
	for (int i = 0; i < BUF; i++)
		b[i] = (unsigned char)(i * 7 + seed);
}

/* got and want alike before a call: afterwards any difference is the call's. */
static void fill_both(unsigned seed)
{
	fill(got, seed);
	fill(want, seed);
}

static bool same_buffers(void)
{
	for (int i = 0; i < BUF; i++) {
		if (got[i] != want[i])
			return false;
	}
	return true;
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void test_memset(void)
{
	static const int values[] = { 0, 0xa5, 0x17f };   /* 0x17f stores 0x7f */
	int failures = 0;
	for (int v = 0; v < 3; v++) {
		for (int align = 0; align < MAX_ALIGN; align++) {
			for (int len = 0; len <= MAX_LEN; len++) {
				fill_both(1);
				void *r = memset(got + 32 + align, values[v], (size_t)len);
				for (int i = 0; i < len; i++)
					want[32 + align + i] = (unsigned char)values[v];
				if ((r != got + 32 + align || !same_buffers()) && failures++ < 5)
					tap_diag("memset value %#x align %d len %d", values[v], align, len);
			}
		}
	}
	TAP_OK(failures == 0, "memset: every alignment 0..15, length 0..70, returns dst");
}

static void test_memcpy(void)
{
	static unsigned char src[BUF];
	fill(src, 99);
	int failures = 0;
	for (int sa = 0; sa < MAX_ALIGN; sa++) {
		for (int da = 0; da < MAX_ALIGN; da++) {
			for (int len = 0; len <= MAX_LEN; len++) {
				fill_both(3);
				void *r = memcpy(got + 32 + da, src + 32 + sa, (size_t)len);
				for (int i = 0; i < len; i++)
					want[32 + da + i] = src[32 + sa + i];
				if ((r != got + 32 + da || !same_buffers()) && failures++ < 5)
					tap_diag("memcpy src align %d dst align %d len %d", sa, da, len);
			}
		}
	}
	TAP_OK(failures == 0, "memcpy: every src/dst alignment 0..15, length 0..70");
}

/* Overlapping moves in both directions: dst sits up to 32 bytes below or
 * above src, in steps that cover every relative alignment. */
static void test_memmove_overlap(void)
{
	int failures = 0;
	for (int sa = 0; sa < MAX_ALIGN; sa++) {
		for (int shift = -40; shift <= 40; shift++) {
			for (int len = 0; len <= MAX_LEN; len++) {
				int s = 64 + sa, d = s + shift;
				fill_both(5);
				unsigned char tmp[MAX_LEN];
				for (int i = 0; i < len; i++)
					tmp[i] = want[s + i];
				for (int i = 0; i < len; i++)
					want[d + i] = tmp[i];
				void *r = memmove(got + d, got + s, (size_t)len);
				if ((r != got + d || !same_buffers()) && failures++ < 5)
					tap_diag("memmove src %d dst %d len %d", s, d, len);
			}
		}
	}
	TAP_OK(failures == 0, "memmove: overlapping both ways, all alignments, length 0..70");
}

static void test_memmove_disjoint(void)
{
	int failures = 0;
	for (int sa = 0; sa < MAX_ALIGN; sa++) {
		for (int da = 0; da < MAX_ALIGN; da++) {
			for (int len = 0; len <= MAX_LEN; len++) {
				fill_both(7);
				int s = 8 + sa, d = 128 + da;
				for (int i = 0; i < len; i++)
					want[d + i] = want[s + i];
				memmove(got + d, got + s, (size_t)len);
				if (!same_buffers() && failures++ < 5)
					tap_diag("memmove disjoint src %d dst %d len %d", s, d, len);
			}
		}
	}
	TAP_OK(failures == 0, "memmove: disjoint buffers, all alignments");
}

static void test_memcmp(void)
{
	unsigned char a[MAX_LEN], b[MAX_LEN];
	for (int i = 0; i < MAX_LEN; i++)
		a[i] = b[i] = (unsigned char)(i + 1);
	TAP_OK(memcmp(a, b, MAX_LEN) == 0, "memcmp: equal buffers compare 0");
	TAP_OK(memcmp(a, (unsigned char[]){ 9 }, 0) == 0, "memcmp: length 0 compares 0");
	bool good = true;
	for (int i = 0; i < MAX_LEN; i++) {
		b[i]++;
		good &= sign(memcmp(a, b, MAX_LEN)) == -1 && sign(memcmp(b, a, MAX_LEN)) == 1;
		good &= memcmp(a, b, (size_t)i) == 0;   /* difference just out of reach */
		b[i]--;
	}
	TAP_OK(good, "memcmp: a difference at any position decides, none before it");
	unsigned char hi = 0x80, lo = 0x01;
	TAP_OK(memcmp(&hi, &lo, 1) > 0, "memcmp: bytes compare as unsigned char");
}

static void test_strlen(void)
{
	static const char text[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	bool good = true;
	for (size_t start = 0; start < sizeof text; start++)
		good &= strlen(text + start) == sizeof text - 1 - start;
	TAP_OK(good, "strlen: from every offset");
	TAP_OK(strlen("") == 0, "strlen: empty string");
	TAP_OK(strnlen("abc", 10) == 3, "strnlen: stops at NUL");
	TAP_OK(strnlen("abcdef", 4) == 4, "strnlen: stops at max");
	TAP_OK(strnlen("abc", 0) == 0, "strnlen: max 0");
	char unterminated[4] = { 'a', 'b', 'c', 'd' };
	TAP_OK(strnlen(unterminated, 4) == 4, "strnlen: reads no further than max");
}

static void test_strcmp(void)
{
	TAP_OK(strcmp("abc", "abc") == 0, "strcmp: equal");
	TAP_OK(strcmp("", "") == 0, "strcmp: both empty");
	TAP_OK(strcmp("abc", "abd") < 0 && strcmp("abd", "abc") > 0, "strcmp: order");
	TAP_OK(strcmp("ab", "abc") < 0 && strcmp("abc", "ab") > 0, "strcmp: prefix sorts first");
	TAP_OK(strcmp("\x80", "\x01") > 0, "strcmp: characters compare as unsigned char");
	TAP_OK(strncmp("abcX", "abcY", 3) == 0, "strncmp: difference beyond n ignored");
	TAP_OK(strncmp("abcX", "abcY", 4) < 0, "strncmp: difference at n-1 counts");
	TAP_OK(strncmp("abc", "xyz", 0) == 0, "strncmp: n 0 compares 0");
	TAP_OK(strncmp("ab\0X", "ab\0Y", 4) == 0, "strncmp: stops at a common NUL");
	TAP_OK(strncmp("ab", "abc", 5) < 0, "strncmp: shorter string sorts first");
	TAP_OK(strncmp("\xff", "a", 1) > 0, "strncmp: characters compare as unsigned char");
}

static void test_strchr(void)
{
	const char *s = "hello, world";
	TAP_OK(strchr(s, 'o') == s + 4, "strchr: first occurrence");
	TAP_OK(strchr(s, 'h') == s, "strchr: at the start");
	TAP_OK(strchr(s, 'z') == NULL, "strchr: absent gives NULL");
	TAP_OK(strchr(s, '\0') == s + 12, "strchr: NUL finds the terminator");
	TAP_OK(strchr(s, 'o' + 256) == s + 4, "strchr: c is converted to char");
	const char *hi = "a\xe9z";
	TAP_OK(strchr(hi, 0xe9) == hi + 1, "strchr: characters above 0x7f");
}

static void test_strlcpy(void)
{
	char dst[16];
	memset(dst, 'X', sizeof dst);
	TAP_OK(strlcpy(dst, "hello", 0) == 5 && dst[0] == 'X', "strlcpy: size 0 writes nothing");
	TAP_OK(strlcpy(dst, "hello", 1) == 5 && dst[0] == '\0', "strlcpy: size 1 gives empty");
	memset(dst, 'X', sizeof dst);
	TAP_OK(strlcpy(dst, "hello", 4) == 5 && strcmp(dst, "hel") == 0 && dst[4] == 'X',
	       "strlcpy: truncates to size-1, untouched beyond");
	TAP_OK(strlcpy(dst, "hello", 5) == 5 && strcmp(dst, "hell") == 0,
	       "strlcpy: size == strlen truncates one");
	TAP_OK(strlcpy(dst, "hello", 6) == 5 && strcmp(dst, "hello") == 0,
	       "strlcpy: size == strlen+1 fits exactly");
	TAP_OK(strlcpy(dst, "", sizeof dst) == 0 && dst[0] == '\0', "strlcpy: empty source");
	memset(dst, 'X', sizeof dst);
	TAP_OK(strlcpy(dst, "hi", sizeof dst) == 2 && strcmp(dst, "hi") == 0 && dst[3] == 'X',
	       "strlcpy: writes only up to the NUL");
}

int main(void)
{
	test_memset();
	test_memcpy();
	test_memmove_overlap();
	test_memmove_disjoint();
	test_memcmp();
	test_strlen();
	test_strcmp();
	test_strchr();
	test_strlcpy();
	return tap_finish();
}
