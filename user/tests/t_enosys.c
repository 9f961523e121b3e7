/* t_enosys: a system call Dakota does not implement is -ENOSYS and prints
 * one console line per process and number. This process makes call 441
 * from four threads at once and again from main, and call 425 once: two
 * lines. A forked child makes 441 again: its own line. rseq (293), which
 * glibc's start-up probes, is -ENOSYS without a line, and so are numbers
 * beyond any Linux call. The meson test counts the lines (exactly three). */
#include "tcommon.h"
#include <thread.h>

#define UNIMPLEMENTED_A 441      /* epoll_pwait2 */
#define UNIMPLEMENTED_B 425      /* io_uring_setup */

static long call_a(void *arg)
{
	(void)arg;
	return syscall0(UNIMPLEMENTED_A);
}

static int child(void *arg)
{
	(void)arg;
	return syscall0(UNIMPLEMENTED_A) == -ENOSYS ? 0 : 1;
}

int main(void)
{
	thread_t t[4];
	for (int i = 0; i < 4; i++)
		thread_spawn(&t[i], call_a, 0);
	long bad = 0;
	for (int i = 0; i < 4; i++)
		bad += thread_wait(t[i]) != -ENOSYS;
	EXPECT_EQ(bad, 0, "call %d from four threads: -ENOSYS in each", UNIMPLEMENTED_A);
	EXPECT_EQ(syscall0(UNIMPLEMENTED_A), -ENOSYS, "again from main: -ENOSYS");
	EXPECT_EQ(syscall0(UNIMPLEMENTED_B), -ENOSYS, "call %d: -ENOSYS", UNIMPLEMENTED_B);
	EXPECT_EQ(syscall4(SYS_rseq, 0, 0, 0, 0), -ENOSYS, "rseq: -ENOSYS (quietly)");
	EXPECT_EQ(syscall0(4000), -ENOSYS, "call 4000: -ENOSYS (quietly)");
	EXPECT_EQ(run_child(child, 0), W_EXIT(0), "a child's call %d: -ENOSYS", UNIMPLEMENTED_A);
	return test_done();
}
