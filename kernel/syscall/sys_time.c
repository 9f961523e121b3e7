/* Time calls: nanosleep, clock_gettime, clock_getres, clock_nanosleep,
 * clock_settime, gettimeofday, sched_yield. The clocks are in clock.c. A
 * sleep ended early (by a kill or a signal) is -EINTR and reports the time
 * left in `rem` when the sleep was relative. */
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/clock.h"
#include "kernel/proc/process.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleep.h"
#include "kernel/mm/addrspace.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>
#include <dakota/clock.h>
#include <dakota/resource.h>

/* Sleeps until deadline; on -EINTR writes the time left to urem (if any),
 * and keeps the deadline for a restart (sigstate.h). */
static long sleep_report(unsigned long deadline, unsigned long urem)
{
	long err = sleep_until(deadline);
	if (err == -EINTR)
		current_thread()->sig.restart_deadline = deadline;
	if (err == -EINTR && urem) {
		unsigned long now = arch_time();
		struct timespec left = ticks_to_timespec(deadline > now ? deadline - now : 0);
		if (copy_to_user(current_process()->as, urem, &left, sizeof left))
			return -EFAULT;
	}
	return err;
}

/* The deadline of a relative sleep resumed after a stop, else 0. */
static unsigned long resumed_deadline(void)
{
	struct thread *t = current_thread();
	unsigned long d = t->sig.restart_deadline;
	t->sig.restart_deadline = 0;
	return d;
}

SYSCALL_DEFINE2(nanosleep, unsigned long, ureq, unsigned long, urem)
{
	unsigned long deadline = resumed_deadline();
	if (deadline)
		return sleep_report(deadline, urem);
	long err = clock_deadline_user(current_process()->as, ureq, CLOCK_MONOTONIC, false,
				       &deadline);
	return err ? err : sleep_report(deadline, urem);
}

/* Linux: the CPU-time clocks, MONOTONIC_RAW and the coarse clocks cannot
 * be slept on (-EOPNOTSUPP; the process CPU clock can on Linux). */
static long sleep_clock_ok(long clockid)
{
	if (clockid == CLOCK_REALTIME || clockid == CLOCK_MONOTONIC || clockid == CLOCK_BOOTTIME)
		return 0;
	struct timespec probe;
	return clock_now(clockid, &probe) ? -EINVAL : -EOPNOTSUPP;
}

/* An absolute CLOCK_REALTIME sleep follows clock_settime (Linux). */
static long sleep_realtime_abs(unsigned long ureq)
{
	struct timespec ts;
	if (copy_from_user(current_process()->as, &ts, ureq, sizeof ts))
		return -EFAULT;
	if (!timespec_valid(&ts))
		return -EINVAL;
	return clock_sleep_realtime_abs(&ts);
}

SYSCALL_DEFINE4(clock_nanosleep, long, clockid, int, flags, unsigned long, ureq,
		unsigned long, urem)
{
	long err = sleep_clock_ok(clockid);
	if (err)
		return err;
	bool abs = flags & TIMER_ABSTIME;
	unsigned long deadline = resumed_deadline();
	if (deadline && !abs)
		return sleep_report(deadline, urem);
	if (abs && clockid == CLOCK_REALTIME)
		return sleep_realtime_abs(ureq);
	err = clock_deadline_user(current_process()->as, ureq, clockid, abs, &deadline);
	if (err)
		return err;
	return sleep_report(deadline, abs ? 0 : urem);
}

SYSCALL_DEFINE2(clock_gettime, long, clockid, unsigned long, uts)
{
	struct timespec ts;
	long err = clock_now(clockid, &ts);
	return copy_result_to_user(err, current_process()->as, uts, &ts, sizeof ts);
}

/* Dakota's processes run as root: setting CLOCK_REALTIME is allowed. As
 * Linux: the other fixed clocks cannot be set (-EINVAL); the CPU clock of
 * a given process or thread (negative ids) never can be (-EPERM, once the
 * timespec has been read). */
SYSCALL_DEFINE2(clock_settime, long, clockid, unsigned long, uts)
{
	struct timespec ts;
	if (clockid != CLOCK_REALTIME && (clockid >= 0 || clock_now(clockid, &ts)))
		return -EINVAL;
	if (copy_from_user(current_process()->as, &ts, uts, sizeof ts))
		return -EFAULT;
	return clockid == CLOCK_REALTIME ? clock_set_realtime(&ts) : -EPERM;
}

SYSCALL_DEFINE2(clock_getres, long, clockid, unsigned long, uts)
{
	struct timespec ts;
	long err = clock_resolution(clockid, &ts);
	if (err || !uts)
		return err;
	return copy_to_user(current_process()->as, uts, &ts, sizeof ts) ? -EFAULT : 0;
}

/* The time zone is always UTC. */
SYSCALL_DEFINE2(gettimeofday, unsigned long, utv, unsigned long, utz)
{
	struct addrspace *as = current_process()->as;
	if (utv) {
		struct timespec ts;
		clock_now(CLOCK_REALTIME, &ts);
		struct timeval tv = { ts.tv_sec, ts.tv_nsec / 1000 };
		if (copy_to_user(as, utv, &tv, sizeof tv))
			return -EFAULT;
	}
	struct timezone tz = { 0, 0 };
	if (utz && copy_to_user(as, utz, &tz, sizeof tz))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE0(sched_yield)
{
	return sched_yield();
}
