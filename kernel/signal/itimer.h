/* ITIMER_REAL: SIGALRM to a process when its timer expires (setitimer,
 * getitimer; glibc's alarm() is setitimer on riscv64).
 *
 * Armed timers are on one list guarded by proc_tree_lock, which is also
 * what keeps their processes from being freed: a process leaves the list
 * (itimer_release) before it becomes a zombie. The timer interrupt takes
 * that lock only when the earliest expiry has passed. */
#ifndef KERNEL_SIGNAL_ITIMER_H
#define KERNEL_SIGNAL_ITIMER_H

struct process;
struct k_itimerval;

/* Caller holds no spinlock. *old gets the previous setting when old != 0. */
long itimer_set(struct process *p, const struct k_itimerval *val, struct k_itimerval *old);
void itimer_get(struct process *p, struct k_itimerval *out);
void itimer_release(struct process *p);
/* POSIX timers share the list (posix_timer.c). Caller holds
 * proc_tree_lock: `it` goes on the list due at `expires` (not 0), or off. */
struct itimer_real;
void itimer_arm_locked(struct itimer_real *it, unsigned long expires);
void itimer_disarm_locked(struct itimer_real *it);
/* CLOCK_REALTIME moved by delta_ticks (clock_settime): absolute REALTIME
 * timers fall due that much sooner. Caller holds no spinlock. */
void itimer_clock_was_set(long delta_ticks);
/* From the timer interrupt: sends SIGALRM for every timer due at `now`. */
void itimer_expire(unsigned long now);
/* The earliest armed expiry (arch_time units), ~0 when none: the sleep
 * queue's timer programming includes it. */
unsigned long itimer_earliest(void);

#endif
