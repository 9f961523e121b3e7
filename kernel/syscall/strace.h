/* System-call tracing for porting programs (tools/run --strace): the kernel
 * command line option `strace` traces every user process, `strace=A,B` only
 * the processes whose exec name is A or B and every process or thread they
 * fork or clone afterwards. Off by default.
 *
 * The kernel prints raw records, one console line each; tools/strace turns
 * them into strace -f style lines (names, flags, errno names, merging an
 * entry with its exit when nothing came in between):
 *
 *	#SC> pid tid ltid hart nr a0 a1 a2 a3 a4 a5[ sI="..."[...]]
 *	#SC< pid tid ltid hart nr result
 *
 * pid, tid (Dakota's, per process), ltid (the Linux tid) and hart in
 * decimal, the rest in hex; `sI=` gives argument I's string (a path, or the
 * first bytes of a write's buffer), C-escaped, `...` after the quote when
 * cut. A string that cannot be read is absent: the decoder shows the
 * pointer. Every traced call prints its entry before it runs (so a call
 * that blocks or never returns is visible) and its exit after. */
#ifndef KERNEL_SYSCALL_STRACE_H
#define KERNEL_SYSCALL_STRACE_H

#include <stdbool.h>
#include "kernel/trace/trace.h"

struct trap_context;

/* Set once at boot, before any user process runs; never cleared. It shares
 * a word with the scheduler trace's hint, so that the dispatcher tests
 * both with one load (trace_hint_any). */
#define strace_enabled (trace_hints.on.strace)

static inline bool strace_on(void)
{
	return __builtin_expect(__atomic_load_n(&strace_enabled, __ATOMIC_RELAXED), 0);
}

/* Reads the options from the kernel command line (before init=). */
void strace_init(const char *cmdline);

/* Around one call, from the dispatcher with no lock held and only when
 * strace_on(). strace_enter prints the entry if the calling process is
 * traced and returns whether it did; the dispatcher then calls strace_exit
 * with the result, so every printed entry has its exit (unless the call
 * never returns). */
bool strace_enter(const struct trap_context *tc, unsigned long nr);
void strace_exit(unsigned long nr, long result);

#endif
