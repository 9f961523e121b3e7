/* The clocks of the Linux calls, on the `time` counter (arch_time).
 *
 * CLOCK_REALTIME can be set (clock_settime): it is the counter plus an
 * offset that is read and written atomically.
 *
 * CLOCK_MONOTONIC, _RAW, _COARSE and BOOTTIME are the counter since boot
 * (Dakota never suspends, so BOOTTIME equals MONOTONIC). CLOCK_REALTIME and
 * _COARSE add the boot time read once from the RTC. The CPU-time clocks sum
 * the run time of the thread or of the process's threads. */
#ifndef KERNEL_SYSCALL_CLOCK_H
#define KERNEL_SYSCALL_CLOCK_H

#include <stdbool.h>
#include <dakota/syscall.h>

struct addrspace;

/* Now on `clockid` into *ts; -EINVAL for an unknown clock. */
long clock_now(long clockid, struct timespec *ts);
/* Resolution of `clockid` into *ts; -EINVAL for an unknown clock. */
long clock_resolution(long clockid, struct timespec *ts);
/* tv_sec >= 0 and 0 <= tv_nsec < 10^9. */
bool timespec_valid(const struct timespec *ts);
/* arch_time ticks in ts (valid), saturating far beyond any real wait. */
unsigned long timespec_to_ticks(const struct timespec *ts);
struct timespec ticks_to_timespec(unsigned long ticks);
/* The same as a struct timeval (getrusage, wait4's rusage). */
struct timeval ticks_to_timeval(unsigned long ticks);
/* The arch_time at which the (valid) time ts is reached: `abs` on clock
 * `clockid` (REALTIME or a monotonic one), else ts from now. Never 0. */
unsigned long clock_deadline(long clockid, const struct timespec *ts, bool abs);
/* Reads a timespec from user memory and makes it a deadline as above:
 * -EFAULT, -EINVAL (invalid timespec). */
long clock_deadline_user(struct addrspace *as, unsigned long uts, long clockid, bool abs,
			 unsigned long *deadline);
/* Run time of t until now (arch_time ticks); t is the calling thread, or
 * not running, or its run time is counted to its last switch. */
struct thread;
struct process;
unsigned long clock_thread_cpu_ticks(struct thread *t);
/* Linux's CPU clock of a given process or thread (a negative id, as glibc
 * passes even CLOCK_PROCESS_CPUTIME_ID to timer_create): *id gets the pid or
 * Linux tid (0: the caller's), and the result is CLOCK_PROCESS_CPUTIME_ID
 * or CLOCK_THREAD_CPUTIME_ID; -EINVAL if clockid is no such clock. */
long clock_cpu_decode(long clockid, int *id);
/* The sum over p's threads, those gone included; p->lock held. */
unsigned long clock_process_cpu_ticks_locked(struct process *p);
/* Nanoseconds since 1970 at arch_time 0 (boot), from the RTC or the last
 * clock_settime (at least 1). */
unsigned long clock_boot_realtime_ns(void);
/* clock_settime(CLOCK_REALTIME): the clock reads *ts now; absolute REALTIME
 * timers and sleepers follow. -EINVAL for an invalid or too late time.
 * Caller holds no spinlock. */
long clock_set_realtime(const struct timespec *ts);
/* clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME): sleeps until the clock
 * reads *ts (valid), following clock changes meanwhile; 0 or -EINTR. */
long clock_sleep_realtime_abs(const struct timespec *ts);

#endif
