/* Clocks for the Linux time calls. See clock.h. */
#include "kernel/syscall/clock.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/mm/addrspace.h"
#include "kernel/dev/rtc.h"
#include "kernel/signal/itimer.h"
#include "kernel/sync/waitqueue.h"
#include "arch/riscv/arch.h"
#include <dakota/clock.h>

#define NSEC_PER_SEC 1000000000UL
/* About 544 years at 1 GHz: longer waits are "for ever", and the cap keeps
 * sec * arch_time_hz from overflowing. */
#define MAX_WAIT_SEC (1UL << 34)
/* The latest CLOCK_REALTIME second kept in signed ns (about year 2242):
 * clock_settime refuses later ones, deadlines saturate there. */
#define MAX_SET_SEC (1UL << 33)

/* CLOCK_REALTIME at arch_time 0, in ns since 1970 (negative when the clock
 * was set to a time before the counter's start). BOOT_UNSET until the first
 * reader computes it from the RTC: the first compare-and-swap wins, so every
 * reader sees one value; clock_settime replaces it. */
#define BOOT_UNSET (-0x7fffffffffffffffL - 1)
static _Atomic long boot_realtime = BOOT_UNSET;

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

struct timeval ticks_to_timeval(unsigned long ticks)
{
	struct timespec ts = ticks_to_timespec(ticks);
	struct timeval tv = { ts.tv_sec, ts.tv_nsec / 1000 };
	return tv;
}

static unsigned long ticks_to_ns(unsigned long ticks)
{
	return ticks / arch_time_hz * NSEC_PER_SEC + ticks % arch_time_hz * NSEC_PER_SEC / arch_time_hz;
}

static long boot_realtime_get(void)
{
	long b = __atomic_load_n(&boot_realtime, __ATOMIC_ACQUIRE);
	if (b != BOOT_UNSET)
		return b;
	unsigned long now = ticks_to_ns(arch_time());
	unsigned long rtc = rtc_read_ns();
	long want = rtc > now ? (long)(rtc - now) : 0;     /* no RTC: 1970 */
	long expected = BOOT_UNSET;
	__atomic_compare_exchange_n(&boot_realtime, &expected, want, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	return expected != BOOT_UNSET ? expected : want;
}

unsigned long clock_boot_realtime_ns(void)
{
	long b = boot_realtime_get();
	return b > 0 ? (unsigned long)b : 1;
}

/* Nanoseconds since 1970 now (never negative). */
static unsigned long realtime_ns(void)
{
	long ns = boot_realtime_get() + (long)ticks_to_ns(arch_time());
	return ns > 0 ? (unsigned long)ns : 0;
}

static unsigned long ns_to_ticks(unsigned long ns)
{
	return ns / NSEC_PER_SEC * arch_time_hz + ns % NSEC_PER_SEC * arch_time_hz / NSEC_PER_SEC;
}

/* Sleepers on an absolute CLOCK_REALTIME time, woken when the clock is set
 * so that they compute their deadline again. The lock guards the queue
 * (LOCK_OBJECT; nothing is taken under it but the sleep queue's locks). */
static struct spinlock realtime_lock = SPINLOCK_INIT("realtime-set", LOCK_OBJECT);
static struct waitqueue realtime_waiters = { { &realtime_waiters.waiters,
					       &realtime_waiters.waiters } };

long clock_set_realtime(const struct timespec *ts)
{
	if (!timespec_valid(ts) || (unsigned long)ts->tv_sec > MAX_SET_SEC)
		return -EINVAL;
	long old = boot_realtime_get();
	long set = ts->tv_sec * (long)NSEC_PER_SEC + ts->tv_nsec;
	long boot = set - (long)ticks_to_ns(arch_time());
	__atomic_store_n(&boot_realtime, boot, __ATOMIC_RELEASE);
	long delta = boot - old;      /* > 0: the clock moved forward */
	long ticks = delta >= 0 ? (long)ns_to_ticks((unsigned long)delta)
			       : -(long)ns_to_ticks((unsigned long)-delta);
	itimer_clock_was_set(ticks);
	spin_lock(&realtime_lock);
	wq_wake_all(&realtime_waiters);
	spin_unlock(&realtime_lock);
	return 0;
}

long clock_sleep_realtime_abs(const struct timespec *ts)
{
	long err = 0;
	spin_lock(&realtime_lock);
	for (;;) {
		/* Computed under the lock: a clock_settime after this wakes us. */
		unsigned long deadline = clock_deadline(CLOCK_REALTIME, ts, true);
		if (err || arch_time() >= deadline)
			break;
		err = wq_sleep_until(&realtime_waiters, &realtime_lock, deadline);
	}
	spin_unlock(&realtime_lock);
	return err;
}

unsigned long clock_thread_cpu_ticks(struct thread *t)
{
	unsigned long run = t->run_time;
	if (t == current_thread())
		run += arch_time() - t->run_start;
	return run;
}

/* The threads in the table and those already freed (dead_thread_ticks).
 * A process whose table holds only the caller needs no walk and no lock
 * (no other thread exists to change either): programs call clock() in
 * tight loops. */
static unsigned long process_cpu_ticks(struct process *p)
{
	if (p == current_process() && __atomic_load_n(&p->table_threads, __ATOMIC_RELAXED) == 1)
		return p->dead_thread_ticks + clock_thread_cpu_ticks(current_thread());
	spin_lock(&p->lock);
	unsigned long sum = clock_process_cpu_ticks_locked(p);
	spin_unlock(&p->lock);
	return sum;
}

unsigned long clock_process_cpu_ticks_locked(struct process *p)
{
	unsigned long sum = p->dead_thread_ticks;
	for (int i = 0; i < CONFIG_MAX_THREADS; i++)
		if (p->threads[i])
			sum += clock_thread_cpu_ticks(p->threads[i]);
	return sum;
}

/* Linux's CPU clocks of a given process or thread (clock_getcpuclockid,
 * pthread_getcpuclockid): clockid = ~id << 3 | type, bit 2 set for a
 * thread, id 0 meaning the caller. Types PROF, VIRT and SCHED are all the
 * run time here. A thread must be in the caller's process; an unknown id
 * is -EINVAL (glibc's ESRCH). */
#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_TYPE_MASK 3

static long thread_clock_ticks(int ltid, unsigned long *ticks)
{
	struct thread *self = current_thread();
	if (ltid == 0 || ltid == linux_tid_of(self)) {
		*ticks = clock_thread_cpu_ticks(self);
		return 0;
	}
	struct process *p = self->proc;
	long err = -EINVAL;
	spin_lock(&p->lock);
	for (int i = 0; i < CONFIG_MAX_THREADS; i++) {
		struct thread *t = p->threads[i];
		if (t && t->state != THREAD_EXITED && linux_tid_of(t) == ltid) {
			*ticks = clock_thread_cpu_ticks(t);
			err = 0;
		}
	}
	spin_unlock(&p->lock);
	return err;
}

static long process_clock_ticks(int pid, unsigned long *ticks)
{
	struct process *self = current_process();
	if (pid == 0 || pid == self->pid) {
		*ticks = process_cpu_ticks(self);
		return 0;
	}
	spin_lock(&proc_tree_lock);     /* keeps p from being freed */
	struct process *p = process_find(pid);
	bool live = p && p->state != PROC_ZOMBIE;
	if (live)
		*ticks = process_cpu_ticks(p);
	spin_unlock(&proc_tree_lock);
	return live ? 0 : -EINVAL;
}

long clock_cpu_decode(long clockid, int *id)
{
	if (clockid >= 0 || (clockid & CPUCLOCK_TYPE_MASK) == CPUCLOCK_TYPE_MASK)
		return -EINVAL;
	long n = ~(clockid >> 3);
	if (n > 0x7fffffff)
		return -EINVAL;
	*id = (int)n;
	return clockid & CPUCLOCK_PERTHREAD ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID;
}

static long cpu_clock_ticks(long clockid, unsigned long *ticks)
{
	int id;
	long kind = clock_cpu_decode(clockid, &id);
	if (kind < 0)
		return kind;
	if (kind == CLOCK_THREAD_CPUTIME_ID)
		return thread_clock_ticks(id, ticks);
	return process_clock_ticks(id, ticks);
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
		unsigned long ns = realtime_ns();
		ts->tv_sec = (long)(ns / NSEC_PER_SEC);
		ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
	} else if (clockid == CLOCK_THREAD_CPUTIME_ID) {
		*ts = ticks_to_timespec(clock_thread_cpu_ticks(current_thread()));
	} else if (clockid == CLOCK_PROCESS_CPUTIME_ID) {
		*ts = ticks_to_timespec(process_cpu_ticks(current_process()));
	} else if (clockid < 0) {
		unsigned long ticks;
		long err = cpu_clock_ticks(clockid, &ticks);
		if (err)
			return err;
		*ts = ticks_to_timespec(ticks);
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
		unsigned long sec = (unsigned long)ts->tv_sec;
		if (sec > MAX_SET_SEC)
			sec = MAX_SET_SEC;       /* centuries away: still for ever */
		long since = (long)(sec * NSEC_PER_SEC) + ts->tv_nsec - boot_realtime_get();
		when = since > 0 ? ns_to_ticks((unsigned long)since) : 0;
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
