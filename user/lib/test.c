/* TAP output for test programs. test_lock makes "take a number, print the
 * line" one step, so results appear in number order from any thread. */
#include <stdarg.h>
#include "test.h"
#include "sync.h"

static spinlock_t test_lock;
static int started;          /* "TAP version 13" printed; guarded by test_lock */
static int count;            /* guarded by test_lock, read atomically */
static int failures;         /* guarded by test_lock, read atomically */

/* Called with test_lock held. */
static void start_locked(void)
{
	if (!started) {
		printf("TAP version 13\n");
		started = 1;
	}
}

void test_plan(void)
{
	spin_lock(&test_lock);
	start_locked();
	spin_unlock(&test_lock);
}

/* Called with test_lock held: prints one result line. */
static void result_locked(int ok, const char *file, int line, const char *msg)
{
	start_locked();
	int n = ++count;
	if (ok) {
		printf("ok %d - %s\n", n, msg);
	} else {
		failures++;
		printf("not ok %d - %s # %s:%d\n", n, msg, file, line);
	}
}

int test_check(int ok, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	spin_lock(&test_lock);
	result_locked(ok, file, line, msg);
	spin_unlock(&test_lock);
	return ok;
}

int test_check_eq(long actual, long expected, const char *file, int line,
		  const char *name)
{
	int ok = actual == expected;
	spin_lock(&test_lock);
	result_locked(ok, file, line, name);
	if (!ok)
		printf("# got %ld, expected %ld\n", actual, expected);
	spin_unlock(&test_lock);
	return ok;
}

/* The note is formatted before test_lock is taken, as in test_check: only
 * the printing needs it. */
static void vnote(const char *fmt, va_list ap)
{
	char msg[256];
	vsnprintf(msg, sizeof msg, fmt, ap);
	spin_lock(&test_lock);
	start_locked();
	printf("# %s\n", msg);
	spin_unlock(&test_lock);
}

void test_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vnote(fmt, ap);
	va_end(ap);
}

int test_done(void)
{
	spin_lock(&test_lock);
	start_locked();
	printf("1..%d\n", count);
	int failed = failures;
	spin_unlock(&test_lock);
	return failed ? 1 : 0;
}

int test_count(void)
{
	return __atomic_load_n(&count, __ATOMIC_RELAXED);
}

int test_failures(void)
{
	return __atomic_load_n(&failures, __ATOMIC_RELAXED);
}
