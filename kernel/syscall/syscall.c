/* The system-call table. */
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/unimplemented.h"
#include "kernel/syscall/strace.h"
#include "kernel/trace/trace.h"
#include "kernel/proc/thread.h"
#include "kernel/sched/sched.h"
#include "kernel/signal/signal.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>

static const syscall_fn table[] = {
#define X(name) [SYS_##name] = sys_##name,
#include "kernel/syscall/calls.def"
#undef X
};

static inline long syscall_call(const struct trap_context *tc, unsigned long nr)
{
	if (__builtin_expect(nr >= sizeof table / sizeof table[0] || !table[nr], 0))
		return syscall_unimplemented();
	return table[nr](tc_arg(tc, 0), tc_arg(tc, 1), tc_arg(tc, 2),
			 tc_arg(tc, 3), tc_arg(tc, 4), tc_arg(tc, 5));
}

/* The traced twin of syscall_dispatch (trace and strace), out of line so
 * that the untraced path keeps nothing live across the call (the hooks
 * there cost one load and a branch in all). */
__attribute__((cold, noinline))
static void syscall_dispatch_traced(struct trap_context *tc)
{
	unsigned long nr = tc_syscall_nr(tc);
	trace_event(TRACE_SYSCALL_ENTER, nr, 0);
	bool shown = strace_on() && strace_enter(tc, nr);
	long r = syscall_call(tc, nr);
	trace_event(TRACE_SYSCALL_EXIT, nr, (unsigned long)r);
	if (shown)
		strace_exit(nr, r);
	struct thread *t = current_thread();
	if (r == -EINTR)
		signal_syscall_interrupted(t, nr, tc_arg(t->tc, 0));
	tc_set_return(t->tc, r);
}

/* A call that returned -EINTR, remembered for the restart decision on the
 * way out; out of line so that only nr stays live across the call. */
__attribute__((cold, noinline))
static void syscall_interrupted(unsigned long nr)
{
	struct thread *t = current_thread();
	/* a0 still holds the call's first argument, for a restart. */
	signal_syscall_interrupted(t, nr, tc_arg(t->tc, 0));
	tc_set_return(t->tc, -EINTR);
}

void syscall_dispatch(struct trap_context *tc)
{
	if (trace_hint_any()) {
		syscall_dispatch_traced(tc);
		return;
	}
	unsigned long nr = tc_syscall_nr(tc);
	long r = syscall_call(tc, nr);
	if (__builtin_expect(r == -EINTR, 0)) {
		syscall_interrupted(nr);
		return;
	}
	/* exec may have replaced the trap context: store into the current one. */
	tc_set_return(current_thread()->tc, r);
}
