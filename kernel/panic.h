/* panic: a kernel invariant broke. Stops every hart, prints the hart, the
 * message and a backtrace, and powers off with status 255. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdbool.h>

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

/* True once some hart has panicked; other harts stop at their next interrupt. */
bool panic_in_progress(void);

#define ASSERT(cond) do { if (!(cond)) \
	panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__); } while (0)

#endif
