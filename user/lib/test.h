/* Dakota user library: TAP output for test programs.
 *
 *	int main(void)
 *	{
 *		TEST_PLAN();
 *		CHECK(getpid() > 0, "getpid is positive");
 *		CHECK_EQ(gettid(), 0, "main thread is tid 0");
 *		return test_done();
 *	}
 *
 * prints "TAP version 13" before the first result, "ok N - msg" or
 * "not ok N - msg # file:line" per check (with "# got X, expected Y" after a
 * failed CHECK_EQ), and "1..N" from test_done(). Safe to call from several
 * threads: numbering and printing of one result happen under one lock, so
 * numbers come out in order and lines do not interleave. */
#ifndef USER_TEST_H
#define USER_TEST_H

#include "stdio.h"

/* Prints "TAP version 13" now rather than before the first result, so that
 * the library's own first use of its memory (its state, the output buffer)
 * happens before a test takes its first kernel-counter snapshot. */
void test_plan(void);
#define TEST_PLAN() test_plan()

/* Touches a generous stretch of stack once, so that later, deeper calls
 * (printf, test_check) fault in no new stack page between two kstat
 * snapshots and show up as a leak that is not one. */
static inline void warm_stack(void)
{
	volatile char buf[24 * 1024];
	for (unsigned long i = 0; i < sizeof buf; i += 512)
		buf[i] = (char)i;
	(void)buf[0];
}

/* CHECK(cond, fmt, ...) or CHECK(cond): the message defaults to the text of
 * cond. Both CHECK and CHECK_EQ return cond (0 or 1), so a test can stop
 * early on failure. */
#define CHECK(...) \
	TEST_ARG17_(__VA_ARGS__, TEST_CHECK_MSG_, TEST_CHECK_MSG_, TEST_CHECK_MSG_, \
		    TEST_CHECK_MSG_, TEST_CHECK_MSG_, TEST_CHECK_MSG_, TEST_CHECK_MSG_, \
		    TEST_CHECK_MSG_, TEST_CHECK_MSG_, TEST_CHECK_MSG_, TEST_CHECK_MSG_, \
		    TEST_CHECK_MSG_, TEST_CHECK_MSG_, TEST_CHECK_MSG_, TEST_CHECK_MSG_, \
		    TEST_CHECK_COND_, 0)(__VA_ARGS__)
#define TEST_ARG17_(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, \
		    a15, a16, a17, ...) a17
#define TEST_CHECK_MSG_(cond, ...) \
	test_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define TEST_CHECK_COND_(cond) \
	test_check(!!(cond), __FILE__, __LINE__, "%s", #cond)
#define CHECK_EQ(actual, expected, name) \
	test_check_eq((long)(actual), (long)(expected), __FILE__, __LINE__, (name))

int test_check(int ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int test_check_eq(long actual, long expected, const char *file, int line,
		  const char *name);
/* A TAP comment line "# ..." (diagnostics between results). */
void test_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan "1..N"; 0 if every check passed, else 1. */
int test_done(void);
/* Checks so far, and failed checks so far. */
int test_count(void);
int test_failures(void);

#endif
