/* TAP-style checks for the glibc signal tests: each check prints one line,
 * and the program exits 0 only if every check passed. The same binary runs
 * under qemu-riscv64 (Linux's behaviour) and on Dakota. */
#ifndef SIGNALS_CHECK_H
#define SIGNALS_CHECK_H

#include <stdio.h>

static int check_failures, check_count;

#define CHECK(cond, what)                                                       \
	do {                                                                    \
		int ok_ = !!(cond);                                             \
		check_count++;                                                  \
		check_failures += !ok_;                                         \
		printf("%s %d - %s\n", ok_ ? "ok" : "not ok", check_count, what); \
	} while (0)

#define CHECK_EQ(got, want, what)                                               \
	do {                                                                    \
		long g_ = (long)(got), w_ = (long)(want);                       \
		CHECK(g_ == w_, what);                                          \
		if (g_ != w_)                                                   \
			printf("# got %ld, expected %ld\n", g_, w_);            \
	} while (0)

static inline int check_done(void)
{
	printf("1..%d\n", check_count);
	fflush(stdout);
	return check_failures ? 1 : 0;
}

#endif
