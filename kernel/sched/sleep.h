/* Timed sleeps: one global queue ordered by deadline. Every hart's timer
 * interrupt wakes the expired sleepers, and a hart going idle arms its timer
 * for the earliest deadline, so a sleeper wakes within one tick on any hart
 * without polling. */
#ifndef KERNEL_SCHED_SLEEP_H
#define KERNEL_SCHED_SLEEP_H

#include <stdbool.h>
#include "kernel/sched/processor.h"
#include "kernel/signal/itimer.h"

struct thread;

void sleep_queue_add(struct thread *t, unsigned long wake_at);
void sleep_queue_remove(struct thread *t);
void sleep_wake_expired(unsigned long now);
/* Programs this hart's timer: the next slice end if `busy`, else the
 * earliest sleeper (or a one-second heartbeat). */
void sleep_arm_timer(bool busy);
void sleep_arm_timer_idle(void);
/* The earliest sleeper's deadline, ~0UL for none (sleep.c: written under
 * the sleep-queue lock, read without it). */
extern _Atomic unsigned long sleep_earliest;
/* Programs this hart's timer for `when` and records it (timer_at). */
void sleep_program_timer(unsigned long when);

/* At switch-in, with the new slice_end set: makes sure the timer fires by the
 * slice's end, the earliest sleeper and the earliest interval timer. A timer
 * already due sooner is left alone (its interrupt arms the rest), so
 * back-to-back switches rarely touch the timer at all; inline, as every
 * switch comes here. */
static inline void sleep_arm_timer_for_slice(void)
{
	struct processor *cpu = this_processor();
	unsigned long want = cpu->slice_end;
	/* Relaxed: each is a hint about one word, and nothing read later
	 * depends on it (sleep.c says why a stale value is harmless). */
	unsigned long e = __atomic_load_n(&sleep_earliest, __ATOMIC_RELAXED);
	unsigned long i = itimer_earliest();
	if (i < e)
		e = i;
	if (e < want)
		want = e;
	if (cpu->timer_at > want)
		sleep_program_timer(want);
}
/* Blocks the calling thread until `deadline`; -EINTR if killed first. */
int sleep_until(unsigned long deadline);

#endif
