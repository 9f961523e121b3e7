/* Linux's clock ids and timer flags (uapi time.h), shared by kernel and
 * user. CLOCK_REALTIME and CLOCK_MONOTONIC are in syscall.h. */
#ifndef DAKOTA_CLOCK_H
#define DAKOTA_CLOCK_H

#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7
#define TIMER_ABSTIME            1

#endif
