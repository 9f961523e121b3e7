/* Timed sleeps: one global queue ordered by deadline. Every hart's timer
 * interrupt wakes the expired sleepers, and a hart going idle arms its timer
 * for the earliest deadline, so a sleeper wakes within one tick on any hart
 * without polling. */
#ifndef KERNEL_SCHED_SLEEP_H
#define KERNEL_SCHED_SLEEP_H

#include <stdbool.h>

struct thread;

void sleep_queue_add(struct thread *t, unsigned long wake_at);
void sleep_queue_remove(struct thread *t);
void sleep_wake_expired(unsigned long now);
/* Programs this hart's timer: the next slice end if `busy`, else the
 * earliest sleeper (or a one-second heartbeat). */
void sleep_arm_timer(bool busy);
void sleep_arm_timer_idle(void);
/* At switch-in, with the new slice_end set: makes sure the timer fires by the
 * slice's end and the earliest sleeper. A timer already due sooner is left
 * alone (its interrupt arms the rest), so back-to-back switches rarely touch
 * the timer at all. */
void sleep_arm_timer_for_slice(void);
/* Blocks the calling thread until `deadline`; -EINTR if killed first. */
int sleep_until(unsigned long deadline);

#endif
