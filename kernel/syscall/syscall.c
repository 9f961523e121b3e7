/* The system-call table and the slow paths of dispatch (the fast path is
 * inline: dispatch.h). */
#include "kernel/syscall/dispatch.h"
#include "kernel/syscall/strace.h"
#include "kernel/signal/signal.h"
#include "arch/riscv/arch.h"

const syscall_fn syscall_table[SYSCALL_SLOTS] = {
#define X(name) [SYS_##name] = sys_##name,
#include "kernel/syscall/calls.def"
#undef X
};

static long syscall_call(const struct trap_context *tc, unsigned long nr)
{
	if (nr >= SYSCALL_SLOTS || !syscall_table[nr])
		return syscall_unimplemented();
	return syscall_table[nr](tc_arg(tc, 0), tc_arg(tc, 1), tc_arg(tc, 2),
				 tc_arg(tc, 3), tc_arg(tc, 4), tc_arg(tc, 5));
}

/* The traced twin of syscall_dispatch (trace and strace); the hooks cost
 * the untraced path one load and a branch in all. */
__attribute__((cold, noinline))
void syscall_dispatch_traced(struct trap_context *tc)
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
 * way out. */
__attribute__((cold, noinline))
void syscall_interrupted(unsigned long nr)
{
	struct thread *t = current_thread();
	/* a0 still holds the call's first argument, for a restart. */
	signal_syscall_interrupted(t, nr, tc_arg(t->tc, 0));
	tc_set_return(t->tc, -EINTR);
}
