/* Harness for the host tests of the boot-time parsers (cpio, ELF, device
 * tree): inputs with nothing readable after them, and a fault reported as
 * TAP instead of a silent crash. */
#ifndef TESTS_HOST_GUARDED_H
#define TESTS_HOST_GUARDED_H

#include <stddef.h>

#define GUARDED_MAX (64 * 1024)   /* the largest input a test may guard */

/* A copy of n <= GUARDED_MAX bytes that ends where an inaccessible page
 * begins, so a parser that reads past its input faults. */
const void *guarded_copy(const void *p, size_t n);

/* From here on, a fault ends the test with a TAP "Bail out!" naming `what`
 * ("the parser", "the reader"); stdout becomes line-buffered so that every
 * check printed before the fault is seen. */
void catch_faults(const char *what);

#endif
