/* A tiny TAP producer for the host unit tests. Each test program is a single
 * translation unit that includes this header once.
 *
 *	TAP_OK(cond, "name %d", i);     prints "ok N - name" or "not ok N - name"
 *	tap_diag("got %d", x);          prints "# got x" (a TAP comment)
 *	return tap_finish();            prints the plan "1..N"; 0 if all passed
 *
 * "TAP version 13" is printed before the first output, and the plan comes
 * last, so a test never has to count its checks in advance. TAP_OK is an
 * expression whose value is the condition, so a failure can be followed by
 * tap_diag lines: `if (!TAP_OK(a == b, "x")) tap_diag("a=%d b=%d", a, b);`.
 * Names are cut at 255 characters; '#' and '\' in them are escaped. */
#ifndef TESTS_HOST_TAP_H
#define TESTS_HOST_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static bool tap_started;        /* "TAP version 13" printed */
static int tap_count;           /* results printed so far */
static int tap_failures;

static inline void tap_header(void)
{
	if (!tap_started)
		printf("TAP version 13\n");
	tap_started = true;
}

__attribute__((format(printf, 2, 3)))
static inline bool tap_ok(bool cond, const char *fmt, ...)
{
	tap_header();
	tap_count++;
	if (!cond)
		tap_failures++;
	char name[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	printf("%s %d - ", cond ? "ok" : "not ok", tap_count);
	/* An unescaped '#' would start a TAP directive (# SKIP, # TODO). */
	for (const char *c = name; *c; c++) {
		if (*c == '#' || *c == '\\')
			putchar('\\');
		putchar(*c);
	}
	putchar('\n');
	return cond;
}

#define TAP_OK(cond, ...) tap_ok((cond) ? true : false, __VA_ARGS__)

__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
	tap_header();
	va_list ap;
	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline int tap_finish(void)
{
	tap_header();
	printf("1..%d\n", tap_count);
	if (tap_failures)
		tap_diag("%d of %d failed", tap_failures, tap_count);
	fflush(stdout);
	return tap_failures ? 1 : 0;
}

#endif
