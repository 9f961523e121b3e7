/* The kernel's random source: NOT cryptographic. Good enough that two
 * processes, or two boots, do not see the same bytes (AT_RANDOM seeds
 * glibc's stack protector and pointer guard), nothing more. */
#ifndef KERNEL_LIB_RANDOM_H
#define KERNEL_LIB_RANDOM_H

#include <stddef.h>

/* Fills buf with n bytes. Safe on any hart at any time (lock-free). */
void random_bytes(void *buf, size_t n);

#endif
