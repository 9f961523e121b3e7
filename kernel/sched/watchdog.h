/* Detects a hart stuck with interrupts off (see watchdog.c). */
#ifndef KERNEL_SCHED_WATCHDOG_H
#define KERNEL_SCHED_WATCHDOG_H

#include "kernel/sched/processor.h"

/* Called from every timer interrupt with interrupts off: marks cpu alive
 * and reports any other hart that has been silent too long. */
void watchdog_tick(struct processor *cpu, unsigned long now);

#endif
