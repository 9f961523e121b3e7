/* The watchdog: every hart's timer tick marks the hart alive and looks at
 * the others. A hart that has taken no tick for WATCHDOG_SECONDS has had
 * interrupts off that long: spinning on a lock that is never released, or
 * looping in the kernel. Reported with every hart's state, so that the deadlock can be read
 * off the console, then the kernel panics. */
#include "kernel/sched/watchdog.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/process.h"
#include "kernel/dev/console.h"
#include "kernel/panic.h"

#define WATCHDOG_SECONDS 5
static int watchdog_reported[CONFIG_MAX_HARTS];

static void watchdog_describe(unsigned h, unsigned long now)
{
	struct processor *p = &processors[h];
	struct thread *t = __atomic_load_n(&p->current, __ATOMIC_RELAXED);
	unsigned long mark = __atomic_load_n(&p->watchdog_mark, __ATOMIC_RELAXED);
	unsigned long quiet_ms = now > mark ? (now - mark) * 1000 / arch_time_hz : 0;
	if (t)
		kprintf("watchdog:   hart %u: thread %d:%d (%s), lock levels %lx, irq depth %d, "
			"last tick %lu ms ago\n", h, t->proc->pid, t->tid, t->proc->name,
			p->held_levels, p->irq_depth, quiet_ms);
	else
		kprintf("watchdog:   hart %u: %s, lock levels %lx, last tick %lu ms ago\n", h,
			(__atomic_load_n(&idle_harts, __ATOMIC_RELAXED) >> h & 1) ? "idle" : "scheduler", p->held_levels, quiet_ms);
}

void watchdog_tick(struct processor *cpu, unsigned long now)
{
	cpu->watchdog_mark = now;
	watchdog_reported[cpu->hart] = 0;
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++) {
		struct processor *p = &processors[h];
		unsigned long mark = __atomic_load_n(&p->watchdog_mark, __ATOMIC_RELAXED);
		/* mark may be newer than now (that hart ticked since now was read). */
		if (p == cpu || !p->online || !mark || mark >= now ||
		    now - mark < WATCHDOG_SECONDS * arch_time_hz)
			continue;
		if (__atomic_exchange_n(&watchdog_reported[h], 1, __ATOMIC_RELAXED) || panic_in_progress())
			continue;
		kprintf("watchdog: hart %u has taken no timer interrupt for %d s "
			"(deadlock or lost wakeup?); all harts:\n", h, WATCHDOG_SECONDS);
		for (unsigned k = 0; k < CONFIG_MAX_HARTS; k++)
			if (processors[k].online)
				watchdog_describe(k, now);
		/* A stuck hart never recovers by itself; stopping now turns a
		 * hang into a verdict (status 255) with the state above. */
		panic("watchdog: hart %u stuck with interrupts off", h);
	}
}
