/* Kernel self-test: program pages filled on first touch against pages
 * copied at exec (ktest_image.c). */
#ifndef KERNEL_KTEST_KTEST_IMAGE_H
#define KERNEL_KTEST_KTEST_IMAGE_H

#include <stdbool.h>

/* Reports each result through check (ktest.c's TAP line). */
void ktest_image(void (*check)(bool ok, const char *name));

#endif
