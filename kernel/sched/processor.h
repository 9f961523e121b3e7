/* One struct processor per hart, reached through tp (arch_cpu_pointer). */
#ifndef KERNEL_SCHED_PROCESSOR_H
#define KERNEL_SCHED_PROCESSOR_H

#include <stdbool.h>
#include "arch/riscv/arch.h"
#include "config.h"

struct thread;

/* Only its own hart writes a processor's fields, except `online`. */
struct processor {
	struct arch_processor arch;  /* must stay first: kernelvec finds it at tp */
	unsigned hart;
	bool online;
	struct thread *current;      /* NULL while in the scheduler loop */
	struct context sched_ctx;    /* the scheduler loop's saved registers */
	/* The running context's interrupt nesting; switch_context (sched.c)
	 * saves and restores both fields at once through irq_state. */
	union {
		struct {
			int irq_depth;       /* nesting of irq_save(); 0: none */
			bool irq_was_on;     /* state to restore when irq_depth returns to 0 */
		};
		unsigned long irq_state;
	};
	/* A direct switch (sched.c) between two threads: the thread switched
	 * away from, whose lock the thread switched to releases once it runs;
	 * NULL otherwise. */
	struct thread *switched_from;
	/* Set by a thread that has already queued itself, or taken its
	 * successor off the queue (`handoff`, unlocked, or NULL), before it
	 * switches to the scheduler loop: the loop then runs `handoff` next
	 * instead of queueing the thread it switched from. */
	bool handoff_set;
	struct thread *handoff;
	struct thread *fp_owner;     /* whose FP registers this hart's FP file holds */
	unsigned long kick_pending;  /* harts to IPI once this hart holds no spinlock */
	unsigned long held_levels;   /* lock-order levels held (bit per level), debug */
	unsigned long slice_end;     /* time at which the current thread is preempted */
	/* 1 + the real-time priority of the thread running here, 0 in the
	 * scheduler loop: written by this hart, read by others (relaxed) to
	 * choose whom a higher-priority thread preempts (runqueue.c). */
	_Atomic unsigned running_rank;
	unsigned long timer_at;      /* when this hart's timer is programmed to fire */
	unsigned long last_switch;   /* time of the last switch on this hart */
	unsigned long idle_time;     /* total time in the idle loop's wfi */
	unsigned long switches;      /* context switches on this hart */
	unsigned long ticks;         /* timer interrupts */
	unsigned long spin_naps;     /* naps while waiting for a spinlock (spinlock.c) */
	unsigned long watchdog_mark; /* time this hart last went through the scheduler */
};

extern struct processor processors[CONFIG_MAX_HARTS];
extern unsigned processor_count;   /* harts online */
/* Bit h set: hart h is about to wfi or in it and wants an IPI when work
 * arrives. Set by that hart; cleared by it or by the pusher that claims it. */
extern _Atomic unsigned long idle_harts;

static inline struct processor *this_processor(void)
{
	return arch_cpu_pointer();
}

/* Out-of-line halves of irq_restore (sched.c). */
__attribute__((noreturn)) void irq_restore_broken(struct processor *cpu);
void irq_send_pending_kicks(struct processor *cpu);

/* irq_save/irq_restore nest: interrupts come back on only when the outermost
 * irq_restore runs, and only if they were on at the outermost irq_save.
 * Inline: every spinlock goes through them. */
static inline void irq_save(void)
{
	bool on = arch_irq_enabled();
	arch_irq_disable();
	struct processor *cpu = this_processor();
	if (cpu->irq_depth++ == 0)
		cpu->irq_was_on = on;
}

static inline void irq_restore(void)
{
	struct processor *cpu = this_processor();
	if (arch_irq_enabled() || cpu->irq_depth <= 0)
		irq_restore_broken(cpu);
	if (--cpu->irq_depth > 0)
		return;
	if (cpu->kick_pending)
		irq_send_pending_kicks(cpu);
	if (cpu->irq_was_on)
		arch_irq_enable();
}

#endif
