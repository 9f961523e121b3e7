/* Interval timers (setitimer, getitimer; glibc's alarm() is setitimer on
 * riscv64), one of each kind per process, none inherited by a fork child,
 * all kept across execve:
 *  - ITIMER_REAL: SIGALRM when the time (arch_time) comes. Armed timers are
 *    on one list guarded by proc_tree_lock, which is also what keeps their
 *    processes from being freed: a process leaves the list (itimer_release)
 *    before it becomes a zombie. The timer interrupt takes that lock only
 *    when the earliest expiry has passed.
 *  - ITIMER_VIRTUAL (SIGVTALRM) and ITIMER_PROF (SIGPROF): on the CPU time
 *    of the process, all its threads together. Linux counts user time for
 *    the first and user+system for the second; Dakota does not split the
 *    two (getrusage reports all of it as user time), so both run on the
 *    same clock, the one of CLOCK_PROCESS_CPUTIME_ID. They are guarded by
 *    the process lock and counted in sig.cpu_timers, and are looked at by
 *    the timer interrupt of a hart running one of the process's threads,
 *    as the CPU-time POSIX timers are: they fire up to one tick (a time
 *    slice) late, as on a tick-based Linux. Their paths take the process
 *    lock alone; ITIMER_REAL's expiry takes it inside proc_tree_lock (the
 *    order of kernel/sync/spinlock.h). */
#ifndef KERNEL_SIGNAL_ITIMER_H
#define KERNEL_SIGNAL_ITIMER_H

struct process;
struct k_itimerval;

/* `which` is ITIMER_REAL, _VIRTUAL or _PROF (the caller checked). Caller
 * holds no spinlock. *old gets the previous setting when old != 0.
 * -EINVAL for an invalid timeval. */
long itimer_set(struct process *p, int which, const struct k_itimerval *val,
		struct k_itimerval *old);
void itimer_get(struct process *p, int which, struct k_itimerval *out);
/* Disarms all three (the process is ending). Caller holds no spinlock. */
void itimer_release(struct process *p);
/* POSIX timers share the list (posix_timer.c). Caller holds
 * proc_tree_lock: `it` goes on the list due at `expires` (not 0), or off. */
struct itimer_real;
void itimer_arm_locked(struct itimer_real *it, unsigned long expires);
void itimer_disarm_locked(struct itimer_real *it);
/* CLOCK_REALTIME moved by delta_ticks (clock_settime): absolute REALTIME
 * timers fall due that much sooner. Caller holds no spinlock. */
void itimer_clock_was_set(long delta_ticks);
/* A periodic timer due at *next (0: disarmed) every `interval` ticks (0:
 * once): how many expiries have come by `now`, moving *next past them (to 0
 * when it is done). Shared by every kind of timer. */
unsigned long itimer_take_due(unsigned long *next, unsigned long interval, unsigned long now);
/* From the timer interrupt: sends SIGALRM for every timer due at `now`, and
 * fires the due CPU-time timers of the thread running on this hart. */
void itimer_expire(unsigned long now);
/* The earliest armed expiry (arch_time units), ~0 when none: the sleep
 * queue's timer programming includes it. Inline: every switch reads it
 * (sleep_arm_timer_for_slice). A relaxed read, a hint: a stale value arms a
 * timer too soon (a spurious interrupt) or makes itimer_expire take
 * proc_tree_lock to find nothing due, and whoever arms a timer stores the
 * new earliest expiry and then programs its own hart's timer. */
extern _Atomic unsigned long itimer_earliest_expiry;   /* proc_tree_lock to write */
static inline unsigned long itimer_earliest(void)
{
	return __atomic_load_n(&itimer_earliest_expiry, __ATOMIC_RELAXED);
}

#endif
