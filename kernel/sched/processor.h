/* One struct processor per hart, reached through tp (arch_cpu_pointer). */
#ifndef KERNEL_SCHED_PROCESSOR_H
#define KERNEL_SCHED_PROCESSOR_H

#include <stdbool.h>
#include "arch/riscv/arch.h"
#include "config.h"

struct thread;

/* Only its own hart writes a processor's fields, except `idle` (read by
 * harts that push work, to pick an IPI target) and `online`. */
struct processor {
	struct arch_processor arch;  /* must stay first: kernelvec finds it at tp */
	unsigned hart;
	bool online;
	struct thread *current;      /* NULL while in the scheduler loop */
	struct context sched_ctx;    /* the scheduler loop's saved registers */
	int irq_depth;               /* nesting of irq_save(); 0: none */
	bool irq_was_on;             /* state to restore when irq_depth returns to 0 */
	_Atomic int idle;            /* about to wfi or in it: wants an IPI for work */
	struct thread *fp_owner;     /* whose FP registers this hart's FP file holds */
	unsigned long kick_pending;  /* harts to IPI once this hart holds no spinlock */
	unsigned long held_levels;   /* lock-order levels held (bit per level), debug */
	unsigned long slice_end;     /* time at which the current thread is preempted */
	unsigned long last_switch;   /* time of the last switch on this hart */
	unsigned long idle_time;     /* total time in the idle loop's wfi */
	unsigned long switches;      /* context switches on this hart */
	unsigned long ticks;         /* timer interrupts */
	unsigned long watchdog_mark; /* time this hart last went through the scheduler */
};

extern struct processor processors[CONFIG_MAX_HARTS];
extern unsigned processor_count;   /* harts online */

static inline struct processor *this_processor(void)
{
	return arch_cpu_pointer();
}

/* irq_save/irq_restore nest: interrupts come back on only when the outermost
 * irq_restore runs, and only if they were on at the outermost irq_save. */
void irq_save(void);
void irq_restore(void);

#endif
