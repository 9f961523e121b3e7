/* The real-time clock: QEMU virt's goldfish RTC (compatible
 * "google,goldfish-rtc" at 0x101000 in its device tree). */
#ifndef KERNEL_DEV_RTC_H
#define KERNEL_DEV_RTC_H

#define RTC_BASE 0x101000UL

/* Nanoseconds since 1970 as the host gave them to QEMU at its start, still
 * running; 0 if there is no RTC. */
unsigned long rtc_read_ns(void);

#endif
