/* Scheduler event tracing into per-hart buffers (no lock on the recording
 * path: each hart appends only to its own buffer, with interrupts off). */
#ifndef KERNEL_TRACE_TRACE_H
#define KERNEL_TRACE_TRACE_H

#include <stdbool.h>
#include "config.h"

enum trace_event_type {
	TRACE_SWITCH = 1,     /* a: prev (pid<<16|tid, 0 idle), b: next */
	TRACE_WAKE,           /* a: woken, b: waker */
	TRACE_BLOCK,          /* a: thread */
	TRACE_CREATE,         /* a: new thread, b: creator */
	TRACE_EXIT,           /* a: thread, b: exit code */
	TRACE_SYSCALL_ENTER,  /* a: number */
	TRACE_SYSCALL_EXIT,   /* a: number, b: result */
	TRACE_IRQ,            /* a: cause */
	TRACE_IDLE_ENTER,
	TRACE_IDLE_EXIT,
	TRACE_RQ_WAIT,        /* a: time spent waiting for the ready-queue lock */
	TRACE_NAME,           /* a: thread id, b: packed name characters */
};

/* Hints for the hot paths, a byte each in one word, so that a path with a
 * traced twin tests every reason to take it with one load and one branch
 * (trace_hint_any). `trace`: set after the buffers are live, cleared
 * before they go; trace_record re-checks under the handshake. `strace`:
 * the system-call trace (kernel/syscall/strace.h), set once at boot. */
union trace_hints {
	struct {
		bool trace;
		bool strace;
	} on;
	unsigned short any;
};
extern union trace_hints trace_hints;
#define trace_enabled (trace_hints.on.trace)

/* Out of line and cold: the hot caller pays one load and one branch while
 * tracing is off, and its register allocation does not plan for the call. */
__attribute__((cold, noinline))
void trace_record(enum trace_event_type type, unsigned long a, unsigned long b);
/* Prints #TRB and starts recording on every online hart. */
void trace_start(void);
/* Stops recording and drains every hart's buffer over the UART. */
void trace_stop(void);

/* Drains this hart's buffer over the UART if it is (nearly) full. Call only
 * with interrupts off and no spinlock held (the top of sched_loop). */
#if CONFIG_TRACE
void trace_drain_if_full(void);
#else
static inline void trace_drain_if_full(void) {}
#endif

/* Any hint set: for a hot path whose twin serves both traces. */
static inline bool trace_hint_any(void)
{
	return __builtin_expect(__atomic_load_n(&trace_hints.any, __ATOMIC_RELAXED), 0);
}

/* A hint (see trace_hints): for a hot path that has a traced twin. */
static inline bool trace_on(void)
{
	return CONFIG_TRACE && __builtin_expect(__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED), 0);
}

static inline void trace_event(enum trace_event_type type, unsigned long a, unsigned long b)
{
	if (trace_on())
		trace_record(type, a, b);
}

#endif
