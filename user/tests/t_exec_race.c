/* t_exec_race: exec against exec, exit_group, thread creation and SIGKILL.
 *
 * A process ends one way only: one decision, under the process lock, says
 * whether an exec or an exit owns it, and every other thread ends itself.
 * Each round runs in a forked child and the parent waits for it with a
 * deadline, so a hang is a failed check with a message, not a suite timeout:
 *
 *  - exec/exec/exit_group: four threads; two call execve("t_child exit 42")
 *    at the same moment as a third calls exit_group(7). The child ends with
 *    42 (an exec won) or 7 (the exit won), never hangs.
 *  - create during exec: three threads create sleeping threads in a loop
 *    while a fourth execs "t_child solo"; the new program must find itself
 *    alone (status 0x27), never with a thread created meanwhile.
 *  - SIGKILL: a process whose threads keep exec'ing (this program in mode
 *    "execloop") is killed at varying moments; it ends with SIGKILL.
 *
 * Afterwards threads, processes, frames and kmalloc bytes are back. */
#include "tcommon.h"

#define ROUNDS 40
#define DEADLINE_MS 5000
#define STATUS_UNKILLABLE (-1003)
#define EXIT_GROUP_CODE 7
#define EXEC_CODE 42
#define CREATE_EACH 12        /* threads each of three creators makes */

static volatile long ready;
static volatile int go;
static int one_hart;

/* A busy wait's step: at one hart, give the hart away rather than spin out
 * a whole time slice (that only makes a round slow, not the race likelier). */
static void relax(void)
{
	if (one_hart)
		sched_yield();
	__asm__ volatile("" ::: "memory");
}

static void arrive_and_wait(void)
{
	__atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
	while (!go)
		relax();
}

/* Lets `n` threads that called arrive_and_wait start together. */
static void release_when_ready(long n)
{
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < n)
		sched_yield();
	go = 1;
}

static char *const exit42_argv[] = { "t_child", "exit", "42", NULL };
static char *const solo_argv[] = { "t_child", "solo", NULL };
static char *const execloop_argv[] = { "t_exec_race", "execloop", NULL };

static long exec_racer(void *arg)
{
	(void)arg;
	arrive_and_wait();
	execve("t_child", exit42_argv, NULL);
	return 99;
}

static long exit_group_racer(void *arg)
{
	(void)arg;
	arrive_and_wait();
	syscall1(SYS_exit_group, EXIT_GROUP_CODE);
	return 98;
}

static long spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		relax();
	return 0;
}

/* The child of one exec/exec/exit_group round: the main thread is the
 * fourth thread, blocked in thread_join on odd rounds, spinning on even. */
static int exec_exec_exit_child(void *arg)
{
	long round = (long)arg;
	long t0 = thread_create(exec_racer, NULL);
	thread_create(exec_racer, NULL);
	thread_create(exit_group_racer, NULL);
	release_when_ready(3);
	if (round & 1)
		thread_join(t0);
	spin_forever(NULL);
	return 97;
}

static long sleep_forever(void *arg)
{
	(void)arg;
	struct timespec ts = { 100000, 0 };
	for (;;)
		nanosleep(&ts, NULL);
	return 0;
}

/* Creates sleeping threads, as fast as it can, up to `arg` of them: a
 * thread created while the exec runs would keep the old image alive for
 * ever, or live on in the new one. Sleepers keep a round short at 1 hart. */
static long create_sleepers(void *arg)
{
	long n = (long)arg;
	arrive_and_wait();
	for (long made = 0; made < n;)
		made += thread_create(sleep_forever, NULL) >= 0;
	sleep_forever(NULL);
	return 0;
}

static long exec_solo(void *arg)
{
	(void)arg;
	arrive_and_wait();
	for (volatile long i = 0; i < 2000 * (long)arg; i++)
		;
	execve("t_child", solo_argv, NULL);
	return 96;
}

/* Three creators; the exec comes from the main thread on even rounds, from
 * a fourth thread on odd ones, a little later each round. */
static int create_during_exec_child(void *arg)
{
	long round = (long)arg;
	for (int i = 0; i < 3; i++)
		thread_create(create_sleepers, (void *)CREATE_EACH);
	if (round & 1) {
		thread_create(exec_solo, (void *)(round % 8));
		release_when_ready(4);
		spin_forever(NULL);
	}
	release_when_ready(3);
	exec_solo((void *)(round % 8));
	return 95;
}

static long exec_loop_racer(void *arg)
{
	(void)arg;
	arrive_and_wait();
	execve("t_exec_race", execloop_argv, NULL);
	return 94;
}

/* Mode "execloop": two threads exec this mode again at the same moment
 * while a third spins and the main thread waits in a join, for ever; only
 * a kill ends it. */
static int execloop(void)
{
	long t = thread_create(exec_loop_racer, NULL);
	thread_create(exec_loop_racer, NULL);
	thread_create(spin_forever, NULL);
	release_when_ready(2);
	thread_join(t);
	spin_forever(NULL);
	return 93;
}

static int start_execloop(void *arg)
{
	(void)arg;
	execve("t_exec_race", execloop_argv, NULL);
	return 92;
}

/* The child's status within DEADLINE_MS, else STATUS_HUNG after killing and
 * reaping it, or STATUS_UNKILLABLE when even SIGKILL does not end it (then
 * it is left behind: never block on it). */
static long wait_with_deadline(long pid)
{
	long s = poll_status(pid, DEADLINE_MS, one_hart);
	if (s != STATUS_RUNNING)
		return s;
	kill((int)pid, SIGKILL);
	s = poll_status(pid, 2000, one_hart);
	test_note("pid %ld hung for %d ms; %s", pid, DEADLINE_MS,
		  s == SIGKILL ? "SIGKILL ended it" : "SIGKILL did not end it");
	return s == SIGKILL ? STATUS_HUNG : STATUS_UNKILLABLE;
}

static int hang(long s)
{
	return s == STATUS_HUNG || s == STATUS_UNKILLABLE;
}

/* Forks fn(round) and waits for it with the deadline. `kill_after_us` >= 0
 * kills the child with SIGKILL that long after the fork. */
static long run_round(int (*fn)(void *), long round, long kill_after_us)
{
	long pid = fork();
	if (pid < 0)
		return pid;
	if (pid == 0)
		exit(fn((void *)round));
	if (kill_after_us >= 0) {
		long until = time_ns() + kill_after_us * 1000;
		while (time_ns() < until)
			sched_yield();
		kill((int)pid, SIGKILL);
	}
	return wait_with_deadline(pid);
}

static void test_exec_exec_exit_group(void)
{
	long by_exec = 0, by_exit = 0, hung = 0, other = 0;
	for (long r = 0; r < ROUNDS && !hung; r++) {
		long s = run_round(exec_exec_exit_child, r, -1);
		by_exec += s == W_EXIT(EXEC_CODE);
		by_exit += s == W_EXIT(EXIT_GROUP_CODE);
		hung += hang(s);
		if (s != W_EXIT(EXEC_CODE) && s != W_EXIT(EXIT_GROUP_CODE) && !hang(s)) {
			other++;
			test_note("exec/exec/exit_group round %ld: status %#lx", r, s);
		}
	}
	test_note("exec/exec/exit_group: %ld rounds ended by an exec, %ld by exit_group",
		  by_exec, by_exit);
	EXPECT_EQ(hung, 0, "exec/exec/exit_group: no round hangs (%d s deadline each)",
		  DEADLINE_MS / 1000);
	EXPECT_EQ(other, 0, "exec/exec/exit_group: every round ends with 42 (exec) or 7 (exit)");
}

static void test_create_during_exec(void)
{
	long wrong = 0, hung = 0;
	for (long r = 0; r < ROUNDS && !hung; r++) {
		long s = run_round(create_during_exec_child, r, -1);
		hung += hang(s);
		if (s != W_EXIT(0x27) && !hang(s) && ++wrong)
			test_note("create during exec round %ld: status %#lx (want 0x2700)", r, s);
	}
	EXPECT_EQ(hung, 0, "create during exec: no round hangs (%d s deadline each)",
		  DEADLINE_MS / 1000);
	EXPECT_EQ(wrong, 0,
		  "create during exec: the new program starts alone as tid 0 every time");
}

static void test_kill_mid_exec(void)
{
	long wrong = 0, hung = 0;
	for (long r = 0; r < ROUNDS && !hung; r++) {
		long s = run_round(start_execloop, r, 200 + r * 137 % 5000);
		hung += hang(s);
		if (s != SIGKILL && !hang(s) && ++wrong)
			test_note("SIGKILL mid-exec round %ld: status %#lx (want 9)", r, s);
	}
	EXPECT_EQ(hung, 0, "SIGKILL mid-exec: no round hangs (%d s deadline each)",
		  DEADLINE_MS / 1000);
	EXPECT_EQ(wrong, 0, "SIGKILL mid-exec: every process ends with SIGKILL");
}

int main(int argc, char **argv)
{
	one_hart = kstat_now().harts == 1;
	if (argc >= 2 && !strcmp(argv[1], "execloop"))
		return execloop();
	TEST_PLAN();
	/* Warm up: the first fork and exec allocate what stays allocated. */
	run_round(create_during_exec_child, 0, -1);
	struct kstat start = kstat_now();
	long t0 = time_ns();
	test_exec_exec_exit_group();
	long t1 = time_ns();
	test_create_during_exec();
	long t2 = time_ns();
	test_kill_mid_exec();
	test_note("ms per part: exec/exec/exit %ld, create %ld, kill %ld", (t1 - t0) / 1000000,
		  (t2 - t1) / 1000000, (time_ns() - t2) / 1000000);
	kstat_expect_back(&start, KSTAT_ALL, "all cases");
	return test_done();
}
