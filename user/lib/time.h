/* Dakota user library: clocks and counters.
 * User mode may read time, cycle and instret (the kernel sets scounteren). */
#ifndef USER_TIME_H
#define USER_TIME_H

#include "syscall.h"

long time_ns(void);               /* CLOCK_MONOTONIC in nanoseconds */
long sleep_ms(long ms);           /* nanosleep; 0 or a negative errno */

static inline unsigned long rdtime(void)
{
	unsigned long v;
	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

static inline unsigned long rdcycle(void)
{
	unsigned long v;
	__asm__ volatile("rdcycle %0" : "=r"(v));
	return v;
}

static inline unsigned long rdinstret(void)
{
	unsigned long v;
	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

#endif
