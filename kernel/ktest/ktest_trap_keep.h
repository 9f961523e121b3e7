/* Kernel self-test: a tid's trap-context page outlives its thread, comes
 * back zeroed to the tid's next thread, is not inherited by a fork, and
 * goes with the address space (ktest_trap_keep.c). */
#ifndef KERNEL_KTEST_KTEST_TRAP_KEEP_H
#define KERNEL_KTEST_KTEST_TRAP_KEEP_H

#include <stdbool.h>

/* Reports each result through check (ktest.c's TAP line). */
void ktest_trap_keep(void (*check)(bool ok, const char *name));

#endif
