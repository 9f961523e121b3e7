/* TAP output for the linux-suite programs (static glibc, run on Dakota and
 * under qemu-riscv64). Every check prints one "ok N - what" line whose text
 * does not depend on the run, so that the whole stdout can be compared with
 * the program's .expected file; values go on "# " diagnostic lines, which
 * the comparison skips, and only when a check fails.
 *
 * Checks are made from one thread at a time in a fixed order (threads
 * record, the main thread checks after joining), so the output does not
 * depend on thread interleaving. The lock only keeps a stray concurrent
 * check from tearing a line. Header-only: one .c file per program. */
#ifndef LINUX_LTAP_H
#define LINUX_LTAP_H

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ltap_count;
static int ltap_failed;
static pthread_mutex_t ltap_lock = PTHREAD_MUTEX_INITIALIZER;

/* stdout unbuffered: a program that dies still shows every line it made. */
static inline void ltap_start(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}

/* One write per line, newline included: a console line the kernel prints
 * between two writes would otherwise land inside a result line. */
static inline void ltap_put_line(char *line)
{
	size_t len = strlen(line);
	line[len] = '\n';
	fwrite(line, 1, len + 1, stdout);
	line[len] = '\0';
}

static inline int ltap_result(int ok, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&ltap_lock);
	char line[256];
	int n = snprintf(line, sizeof line, "%s %d - ", ok ? "ok" : "not ok", ++ltap_count);
	vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	ltap_put_line(line);
	if (!ok)
		ltap_failed++;
	pthread_mutex_unlock(&ltap_lock);
	return ok;
}

__attribute__((format(printf, 2, 3)))
static inline int check(int ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ltap_result(ok, fmt, ap);
	va_end(ap);
	return ok;
}

/* A diagnostic line; the comparison with .expected skips it. */
__attribute__((format(printf, 1, 2)))
static inline void note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char line[256] = "# ";
	vsnprintf(line + 2, sizeof line - 3, fmt, ap);
	pthread_mutex_lock(&ltap_lock);
	ltap_put_line(line);
	pthread_mutex_unlock(&ltap_lock);
	va_end(ap);
}

/* check(got == want), with both values in a diagnostic when they differ. */
#define CHECK_EQ(got, want, ...) ({					\
	long long got_ = (long long)(got), want_ = (long long)(want);	\
	int ok_ = check(got_ == want_, __VA_ARGS__);			\
	if (!ok_)							\
		note("got %lld, want %lld", got_, want_);		\
	ok_; })

/* The plan, and the exit status: 0 only if every check passed. */
static inline int ltap_done(void)
{
	pthread_mutex_lock(&ltap_lock);
	printf("1..%d\n", ltap_count);
	int status = ltap_failed ? 1 : 0;
	pthread_mutex_unlock(&ltap_lock);
	return status;
}

/* A required call failed: nothing after it can be checked. */
__attribute__((format(printf, 1, 2), noreturn))
static inline void BAIL(const char *fmt, ...)
{
	char line[256] = "Bail out! ";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + 10, sizeof line - 11, fmt, ap);
	va_end(ap);
	ltap_put_line(line);
	exit(2);
}

/* The expected count of harts from argv[i] (meson passes the hart count on
 * Dakota and check.py the host's count under qemu-riscv64). */
static inline long arg_count(int argc, char **argv, int i)
{
	if (i >= argc)
		BAIL("usage: %s COUNT", argv[0]);
	char *end;
	long v = strtol(argv[i], &end, 10);
	if (*argv[i] == '\0' || *end != '\0' || v < 1)
		BAIL("bad count '%s'", argv[i]);
	return v;
}

#endif
