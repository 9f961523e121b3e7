/* Signals between processes, Dakota ABI: default actions in wait4's status,
 * SIGCHLD with its siginfo, kill's pid forms, bad handler addresses, frames
 * that cannot be written, forged sigreturn frames (SIGSEGV, never a kernel
 * crash), wait4 interrupted and restarted. */
#include "../tests/tcommon.h"
#include <thread.h>
#include "sigutil.h"

#define W_SIG(sig) (sig)

static int raise_default(void *arg)
{
	kill((int)getpid(), (int)(long)arg);
	return 3;
}

static int raise_ignored(void *arg)
{
	struct k_sigaction ign = { SIG_IGN, 0, 0 };
	sig_action((int)(long)arg, &ign, 0);
	kill((int)getpid(), (int)(long)arg);
	return 3;
}

static int raise_with_handler_at(void *arg)
{
	struct k_sigaction a = { (unsigned long)arg, SA_SIGINFO, 0 };
	sig_action(SIGUSR1, &a, 0);
	kill((int)getpid(), SIGUSR1);
	return 3;
}

static void nop_handler(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig, (void)info, (void)uc;
}

/* The signal arrives while sp points at unmapped memory. */
static int frame_on_bad_stack(void *arg)
{
	(void)arg;
	sig_handle(SIGUSR1, nop_handler, 0, 0);
	long pid = getpid();
	__asm__ volatile("mv a0, %0\n li a1, 10\n li a7, 129\n li sp, 0x1000\n ecall\n unimp"
			 :: "r"(pid) : "a0", "a1", "a7", "memory");
	return 3;
}

/* rt_sigreturn with sp at `frame`. */
static void sigreturn_at(unsigned long frame)
{
	__asm__ volatile("mv sp, %0\n li a7, 139\n ecall\n unimp" :: "r"(frame) : "a7", "memory");
}

static unsigned long forged[1088 / 8] __attribute__((aligned(16)));
#define UC_MASK   ((128 + 40) / 8)
#define UC_PC     ((128 + 176) / 8)
#define UC_SP     (UC_PC + 2)
#define UC_RESERVED_WORD ((128 + 176 + 256 + 512 + 4) / 8)   /* q.reserved[0..1] */

static int forge(void *arg)
{
	long kind = (long)arg;
	static char stack[4096] __attribute__((aligned(16)));
	forged[UC_SP] = (unsigned long)stack + sizeof stack;
	forged[UC_PC] = (unsigned long)exit;   /* a sane frame would exit(...) */
	switch (kind) {
	case 0: sigreturn_at(0x1000); break;                 /* unmapped frame */
	case 1: forged[UC_PC] = KERNEL_VA; break;            /* into the kernel */
	case 2: forged[UC_PC] = TRAMPOLINE_VA; break;        /* the supervisor-only page */
	case 3: forged[UC_RESERVED_WORD] = ~0UL; break;      /* reserved FP words */
	case 4: forged[UC_MASK] = ~0UL; forged[UC_PC] = (unsigned long)raise_default; break;
	case 5: sigreturn_at(TRAMPOLINE_VA); break;          /* frame in the trampoline */
	}
	/* Case 4 "returns" into raise_default(a0 = SIGKILL): SIGKILL cannot
	 * have been blocked by the frame's all-ones mask. */
	forged[(128 + 176 + 10 * 8) / 8] = SIGKILL;
	sigreturn_at((unsigned long)forged);
	return 3;
}

static void test_default_actions(void)
{
	EXPECT_EQ(run_child(raise_default, (void *)SIGTERM), W_SIG(SIGTERM), "SIGTERM kills: status 15");
	EXPECT_EQ(run_child(raise_default, (void *)SIGABRT), W_SIG(SIGABRT), "SIGABRT kills: status 6");
	EXPECT_EQ(run_child(raise_default, (void *)(SIGRTMIN_KERNEL + 5)), SIGRTMIN_KERNEL + 5,
		  "an rt signal's default kills");
	EXPECT_EQ(run_child(raise_default, (void *)SIGCHLD), W_EXIT(3), "SIGCHLD's default: ignored");
	EXPECT_EQ(run_child(raise_default, (void *)SIGWINCH), W_EXIT(3), "SIGWINCH's default: ignored");
	EXPECT_EQ(run_child(raise_ignored, (void *)SIGTERM), W_EXIT(3), "SIG_IGN SIGTERM: survives");
}

static void test_bad_handlers_and_frames(void)
{
	EXPECT_EQ(run_child(raise_with_handler_at, (void *)0x10), W_SIG(SIGSEGV),
		  "a handler at 0x10: SIGSEGV");
	EXPECT_EQ(run_child(raise_with_handler_at, (void *)KERNEL_VA), W_SIG(SIGSEGV),
		  "a handler in the kernel: SIGSEGV");
	EXPECT_EQ(run_child(frame_on_bad_stack, 0), W_SIG(SIGSEGV),
		  "no stack for the frame: SIGSEGV");
	static const char *what[] = { "an unmapped frame", "a frame returning into the kernel",
		"a frame returning into the trampoline", "reserved FP words set",
		"a frame blocking SIGKILL", "a frame in the trampoline page" };
	static const int status[] = { SIGSEGV, SIGSEGV, SIGSEGV, SIGSEGV, SIGKILL, SIGSEGV };
	for (long k = 0; k < 6; k++)
		EXPECT_EQ(run_child(forge, (void *)k), status[k], "sigreturn with %s", what[k]);
}

static volatile int chld_hits, chld_code, chld_pid, chld_status;

static void on_chld(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig, (void)uc;
	chld_hits++;
	chld_code = info->si_code;
	chld_pid = info->u.child.pid;
	chld_status = info->u.child.status;
}

static void test_sigchld(void)
{
	sig_handle(SIGCHLD, on_chld, SA_RESTART, 0);
	long pid = fork();
	if (pid == 0)
		exit(5);
	EXPECT_EQ(wait_status(pid), W_EXIT(5), "child exits 5");
	EXPECT_EQ(chld_hits, 1, "SIGCHLD reached the parent");
	EXPECT_EQ(chld_code, CLD_EXITED, "CLD_EXITED");
	EXPECT_EQ(chld_pid, pid, "si_pid is the child");
	EXPECT_EQ(chld_status, 5, "si_status is its exit code");
	run_child(raise_default, (void *)SIGTERM);
	EXPECT_EQ(chld_code, CLD_KILLED, "CLD_KILLED for a child killed by a signal");
	EXPECT_EQ(chld_status, SIGTERM, "si_status is the signal");
	sig_action(SIGCHLD, &(struct k_sigaction){ 0 }, 0);
}

static void test_kill_forms(void)
{
	EXPECT_EQ(kill(0, 0), 0, "kill(0, 0): the caller's group");
	/* As init (pid 1), -getpid() is -1: everyone but init and the caller. */
	EXPECT_EQ(kill(-(int)getpid(), 0), -ESRCH, "kill(-1, 0) with no other process: -ESRCH");
	EXPECT_EQ(kill(-99999, 0), -ESRCH, "kill(-99999, 0): no such group");
	long pid = fork();
	if (pid == 0) {
		char c;
		int fds[2];
		pipe(fds);
		read(fds[0], &c, 1);   /* blocks until killed */
		exit(1);
	}
	EXPECT_EQ(kill(-1, 0), 0, "kill(-1, 0) finds the child");
	/* The child may not be in read yet: either way SIGTERM ends it. */
	EXPECT_EQ(kill((int)pid, SIGTERM), 0, "SIGTERM to a child blocked in read");
	EXPECT_EQ(wait_status(pid), W_SIG(SIGTERM), "it ends with status 15");
}

static int fds_child[2];
static volatile long child_to_kill;

static void kill_child(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig, (void)info, (void)uc;
	kill((int)child_to_kill, SIGKILL);
}

static void test_wait_interrupted(void)
{
	pipe(fds_child);
	long pid = fork();
	if (pid == 0) {
		char c;
		read(fds_child[0], &c, 1);
		exit(1);
	}
	child_to_kill = pid;
	int status = 0;
	sig_handle(SIGALRM, nop_handler, 0, 0);
	/* Periodic, so a tick that comes before wait4 blocks is no matter. */
	sig_setitimer(0, 20000, 0, 20000);
	EXPECT_EQ(wait4((int)pid, &status, 0, 0), -EINTR, "wait4 interrupted by SIGALRM: -EINTR");
	sig_setitimer(0, 0, 0, 0);
	sig_handle(SIGALRM, kill_child, SA_RESTART, 0);
	sig_setitimer(0, 20000, 0, 0);   /* early or late, the child dies */
	EXPECT_EQ(wait4((int)pid, &status, 0, 0), pid, "with SA_RESTART wait4 restarts");
	EXPECT_EQ(status, SIGKILL, "and reaps the child the handler killed");
	close(fds_child[0]);
	close(fds_child[1]);
	sig_action(SIGALRM, &(struct k_sigaction){ 0 }, 0);
}

static volatile int stop_code, stop_status;

static void on_chld_stop(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig, (void)uc;
	stop_code = info->si_code;
	stop_status = info->u.child.status;
}

static long spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		;
	return 0;
}

/* Threads of pid in `state` from the kernel's list. */
static long threads_in(long pid, int state)
{
	static struct thread_info list[64];
	long n = thread_list(list, 64), c = 0;
	for (long i = 0; i < n; i++)
		c += list[i].pid == pid && list[i].state == state;
	return c;
}

static void test_stop_continue(void)
{
	sig_handle(SIGCHLD, on_chld_stop, SA_RESTART, 0);
	int fds[2], ready[2];
	pipe(fds);
	pipe(ready);
	long pid = fork();
	if (pid == 0) {
		thread_t t;
		thread_spawn(&t, spin_forever, 0);
		write(ready[1], "r", 1);
		char c = 0;
		long r = read(fds[0], &c, 1);   /* stopped and continued inside */
		exit(r == 1 ? c : 100);
	}
	int status = 0;
	char c;
	read(ready[0], &c, 1);
	close(ready[0]);
	close(ready[1]);
	EXPECT_EQ(kill((int)pid, SIGSTOP), 0, "SIGSTOP a child (reading, plus a spinning thread)");
	EXPECT_EQ(wait4((int)pid, &status, WUNTRACED, 0), pid, "wait4 WUNTRACED reports it");
	EXPECT_EQ(status, (SIGSTOP << 8) | 0x7f, "status: stopped by SIGSTOP");
	EXPECT_EQ(stop_code, CLD_STOPPED, "SIGCHLD with CLD_STOPPED");
	EXPECT_EQ(stop_status, SIGSTOP, "si_status SIGSTOP");
	int all_blocked = 0;
	for (int i = 0; i < 10000 && !all_blocked; i++) {
		all_blocked = threads_in(pid, THREAD_INFO_BLOCKED) == 2;
		if (!all_blocked)
			sched_yield();
	}
	CHECK(all_blocked, "both of its threads are held");
	if (!all_blocked)
		test_note("ready %ld running %ld blocked %ld exited %ld", threads_in(pid, THREAD_INFO_READY),
			  threads_in(pid, THREAD_INFO_RUNNING), threads_in(pid, THREAD_INFO_BLOCKED),
			  threads_in(pid, THREAD_INFO_EXITED));
	EXPECT_EQ(wait4((int)pid, &status, WUNTRACED | WNOHANG, 0), 0, "the stop is reported once");
	EXPECT_EQ(kill((int)pid, SIGCONT), 0, "SIGCONT");
	EXPECT_EQ(wait4((int)pid, &status, WCONTINUED, 0), pid, "wait4 WCONTINUED reports it");
	EXPECT_EQ(status, 0xffff, "status: continued");
	EXPECT_EQ(stop_code, CLD_CONTINUED, "SIGCHLD with CLD_CONTINUED");
	write(fds[1], "k", 1);
	EXPECT_EQ(wait_status(pid), W_EXIT('k'), "its read restarted after the stop and got the byte");
	pid = fork();
	if (pid == 0)
		for (;;)
			;
	kill((int)pid, SIGTSTP);
	EXPECT_EQ(wait4((int)pid, &status, WUNTRACED, 0), pid, "SIGTSTP stops by default");
	EXPECT_EQ(status, (SIGTSTP << 8) | 0x7f, "status: stopped by SIGTSTP");
	kill((int)pid, SIGKILL);
	EXPECT_EQ(wait_status(pid), SIGKILL, "SIGKILL ends a stopped process");
	close(fds[0]);
	close(fds[1]);
	sig_action(SIGCHLD, &(struct k_sigaction){ 0 }, 0);
}

int main(void)
{
	TEST_PLAN();
	struct kstat before = kstat_now();
	test_default_actions();
	test_bad_handlers_and_frames();
	test_sigchld();
	test_kill_forms();
	test_wait_interrupted();
	test_stop_continue();
	kstat_expect_back(&before, KSTAT_FRAMES | KSTAT_THREADS | KSTAT_KMALLOC, "all cases");
	return test_done();
}
