/* POSIX per-process timers (timer_create and friends, Linux's meaning).
 *
 * A timer belongs to one process and is named by an id unique within it.
 * It expires on CLOCK_REALTIME, MONOTONIC or BOOTTIME (all on the `time`
 * counter), or on the CPU time of the process or of its creating thread
 * (looked at by the scheduler tick of the hart running it), and notifies by a signal to the process (SIGEV_SIGNAL), to one
 * of its threads (SIGEV_THREAD_ID, what glibc's SIGEV_THREAD uses), or not
 * at all (SIGEV_NONE: only timer_gettime sees it).
 *
 * Each timer carries its one signal entry: while that signal is pending,
 * later expiries only count overruns, which the signal reports when it is
 * taken (si_overrun) and timer_getoverrun afterwards (capped at INT_MAX,
 * Linux's DELAYTIMER_MAX).
 *
 * Locking (order: proc_tree_lock, then the process lock):
 *  - proc_tree_lock guards the timer's place on the armed list (its
 *    itimer_real, itimer.c) and keeps its process alive while it is there:
 *    a process's timers all leave the list (posix_timer_release_all) before
 *    it becomes a zombie or runs a new program.
 *  - the process lock guards everything else: the process's timer list,
 *    each timer's settings, overrun counts and signal entry (which the
 *    signal code queues and takes under that same lock).
 * The timer interrupt (itimer_expire) holds proc_tree_lock and takes the
 * process lock; timer_settime and timer_delete take both in that order, so
 * a timer firing on one hart and deleted on another are serialised. A timer
 * deleted while its signal is pending stays allocated until the signal is
 * taken or flushed (posix_timer_signal_gone_locked frees it). */
#ifndef KERNEL_SIGNAL_POSIX_TIMER_H
#define KERNEL_SIGNAL_POSIX_TIMER_H

#include <dakota/syscall.h>

struct process;
struct posix_timer;
struct k_siginfo;

#define SIGEV_SIGNAL    0
#define SIGEV_NONE      1
#define SIGEV_THREAD    2          /* glibc's (it passes SIGEV_THREAD_ID); raw: SIGEV_SIGNAL */
#define SIGEV_THREAD_ID 4
#define POSIX_TIMER_MAX 1024       /* per process: -EAGAIN beyond (RLIMIT_SIGPENDING) */

/* Linux's struct sigevent (64 bytes on riscv64) and struct itimerspec. */
struct k_sigevent {
	long value;
	int signo;
	int notify;
	int tid;                   /* SIGEV_THREAD_ID's thread */
	int pad[11];
};

struct k_itimerspec {
	struct timespec it_interval;
	struct timespec it_value;
};

/* The calls. `ev` NULL: SIGALRM to the process with the id as its value.
 * Errors as Linux: -EINVAL (clock, sigevent, id, timespec), -EAGAIN, -ENOMEM. */
long posix_timer_create(struct process *p, long clockid, const struct k_sigevent *ev);
long posix_timer_settime(struct process *p, int id, int flags, const struct k_itimerspec *val,
			 struct k_itimerspec *old);
long posix_timer_gettime(struct process *p, int id, struct k_itimerspec *out);
long posix_timer_getoverrun(struct process *p, int id);
long posix_timer_delete(struct process *p, int id);
/* Deletes every timer of p (exec and exit). Caller holds no spinlock. */
void posix_timer_release_all(struct process *p);

/* From itimer.c, with proc_tree_lock held: the timer is due at `now`; the
 * next time it is due, or 0 to leave the armed list. */
unsigned long posix_timer_expire(struct posix_timer *t, unsigned long now);
/* From the timer interrupt (itimer.c), with p->lock held, only when
 * p->sig.cpu_timers is not 0: a thread of p running on this hart has used
 * more CPU time; p's CPU-time timers that are due fire. They have the
 * resolution of the tick (a time slice at most). */
void posix_timer_cpu_tick_locked(struct process *p);
/* From itimer.c, with proc_tree_lock held: an absolute REALTIME timer after
 * the clock moved by delta_ticks; its new expiry. */
unsigned long posix_timer_clock_was_set(struct posix_timer *t, long delta_ticks);
/* From the signal code, with the process lock held: the timer's signal is
 * being taken into *info (fills si_overrun), or has left its queue. */
void posix_timer_dequeued_locked(struct posix_timer *t, struct k_siginfo *info);
void posix_timer_signal_gone_locked(struct posix_timer *t);

#endif
