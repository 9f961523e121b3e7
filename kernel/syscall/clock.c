/* Clocks for the Linux time calls. See clock.h. */
#include "kernel/syscall/clock.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/mm/addrspace.h"
#include "kernel/dev/rtc.h"
#include "arch/riscv/arch.h"
#include <dakota/clock.h>

#define NSEC_PER_SEC 1000000000UL
/* About 544 years at 1 GHz: longer waits are "for ever", and the cap keeps
 * sec * arch_time_hz from overflowing. */
#define MAX_WAIT_SEC (1UL << 34)

/* 0 until the first reader computes it from the RTC; the first compare-and-
 * swap wins, so every reader sees one value. */
static _Atomic unsigned long boot_realtime_ns;

bool timespec_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && (unsigned long)ts->tv_nsec < NSEC_PER_SEC;
}

unsigned long timespec_to_ticks(const struct timespec *ts)
{
	unsigned long sec = (unsigned long)ts->tv_sec;
	if (sec > MAX_WAIT_SEC)
		sec = MAX_WAIT_SEC;
	return sec * arch_time_hz + (unsigned long)ts->tv_nsec * arch_time_hz / NSEC_PER_SEC;
}

struct timespec ticks_to_timespec(unsigned long ticks)
{
	struct timespec ts = {
		.tv_sec = (long)(ticks / arch_time_hz),
		.tv_nsec = (long)(ticks % arch_time_hz * NSEC_PER_SEC / arch_time_hz),
	};
	return ts;
}

static unsigned long ticks_to_ns(unsigned long ticks)
{
	return ticks / arch_time_hz * NSEC_PER_SEC + ticks % arch_time_hz * NSEC_PER_SEC / arch_time_hz;
}

unsigned long clock_boot_realtime_ns(void)
{
	unsigned long b = __atomic_load_n(&boot_realtime_ns, __ATOMIC_ACQUIRE);
	if (b)
		return b;
	unsigned long now = ticks_to_ns(arch_time());
	unsigned long rtc = rtc_read_ns();
	unsigned long want = rtc > now ? rtc - now : 1;     /* no RTC: 1970 */
	unsigned long expected = 0;
	__atomic_compare_exchange_n(&boot_realtime_ns, &expected, want, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	return expected ? expected : want;
}

/* Run time of t until now; t is the calling thread or not running. */
static unsigned long thread_cpu_ticks(struct thread *t)
{
	unsigned long run = t->run_time;
	if (t == current_thread())
		run += arch_time() - t->run_start;
	return run;
}

/* The threads still in the table; those already reaped are not counted.
 * A process of one thread (the caller) needs no walk of the table: programs
 * call clock() in tight loops. */
static unsigned long process_cpu_ticks(struct process *p)
{
	if (__atomic_load_n(&p->live_threads, __ATOMIC_RELAXED) == 1)
		return thread_cpu_ticks(current_thread());
	unsigned long sum = 0;
	spin_lock(&p->lock);
	for (int i = 0; i < CONFIG_MAX_THREADS; i++)
		if (p->threads[i])
			sum += thread_cpu_ticks(p->threads[i]);
	spin_unlock(&p->lock);
	return sum;
}

static bool clock_is_monotonic(long clockid)
{
	return clockid == CLOCK_MONOTONIC || clockid == CLOCK_MONOTONIC_RAW ||
	       clockid == CLOCK_MONOTONIC_COARSE || clockid == CLOCK_BOOTTIME;
}

static bool clock_is_realtime(long clockid)
{
	return clockid == CLOCK_REALTIME || clockid == CLOCK_REALTIME_COARSE;
}

long clock_now(long clockid, struct timespec *ts)
{
	if (clock_is_monotonic(clockid)) {
		*ts = ticks_to_timespec(arch_time());
	} else if (clock_is_realtime(clockid)) {
		unsigned long ns = clock_boot_realtime_ns() + ticks_to_ns(arch_time());
		ts->tv_sec = (long)(ns / NSEC_PER_SEC);
		ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
	} else if (clockid == CLOCK_THREAD_CPUTIME_ID) {
		*ts = ticks_to_timespec(thread_cpu_ticks(current_thread()));
	} else if (clockid == CLOCK_PROCESS_CPUTIME_ID) {
		*ts = ticks_to_timespec(process_cpu_ticks(current_process()));
	} else {
		return -EINVAL;
	}
	return 0;
}

long clock_resolution(long clockid, struct timespec *ts)
{
	struct timespec probe;
	if (clock_now(clockid, &probe))
		return -EINVAL;
	/* One tick of the counter (100 ns at 10 MHz), for every clock. */
	*ts = ticks_to_timespec(1);
	if (ts->tv_sec == 0 && ts->tv_nsec == 0)
		ts->tv_nsec = 1;
	return 0;
}

unsigned long clock_deadline(long clockid, const struct timespec *ts, bool abs)
{
	unsigned long now = arch_time(), when;
	if (!abs) {
		when = now + timespec_to_ticks(ts);
	} else if (clock_is_realtime(clockid)) {
		/* Realtime ns -> ticks since boot; a time before boot is past. */
		unsigned long boot = clock_boot_realtime_ns();
		unsigned long sec = (unsigned long)ts->tv_sec, bsec = boot / NSEC_PER_SEC;
		struct timespec since = { 0, 0 };
		long nsec = ts->tv_nsec - (long)(boot % NSEC_PER_SEC);
		if (sec > bsec || (sec == bsec && nsec > 0)) {
			since.tv_sec = (long)(sec - bsec);
			since.tv_nsec = nsec;
			if (nsec < 0) {
				since.tv_sec--;
				since.tv_nsec += (long)NSEC_PER_SEC;
			}
		}
		when = timespec_to_ticks(&since);
	} else {
		when = timespec_to_ticks(ts);
	}
	return when ? when : 1;
}

long clock_deadline_user(struct addrspace *as, unsigned long uts, long clockid, bool abs,
			 unsigned long *deadline)
{
	struct timespec ts;
	if (copy_from_user(as, &ts, uts, sizeof ts))
		return -EFAULT;
	if (!timespec_valid(&ts))
		return -EINVAL;
	*deadline = clock_deadline(clockid, &ts, abs);
	return 0;
}
