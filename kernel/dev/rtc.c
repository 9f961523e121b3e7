/* The goldfish RTC: two 32-bit registers; reading TIME_LOW latches
 * TIME_HIGH, so the pair is one consistent 64-bit nanosecond count. */
#include "kernel/dev/rtc.h"
#include <stdint.h>

#define TIME_LOW  0x00
#define TIME_HIGH 0x04

unsigned long rtc_read_ns(void)
{
	volatile uint32_t *r = (volatile uint32_t *)RTC_BASE;
	uint32_t lo = r[TIME_LOW / 4];
	uint32_t hi = r[TIME_HIGH / 4];
	return (unsigned long)hi << 32 | lo;
}
