/* s_kill_blocked: SIGKILL ends a process whose threads are blocked in every
 * kind of wait the kernel has, and gives everything back.
 *
 * Each case forks a child whose threads block on: a mutex held by its main
 * thread, a semaphore at 0, a condition variable, a 100 s nanosleep, a read
 * of an empty pipe, a write to a full pipe, a join of a thread that never
 * ends, wait4 on a grandchild that sleeps for ever; or keep running (a
 * spinning-mutex waiter, a compute loop). The parent waits until the kernel
 * lists the blocked ones as BLOCKED, kills the child, and expects the wait
 * status to be exactly "killed by 9". The kernel's counters (free frames,
 * threads, processes, kmalloc bytes) must then be back at their values
 * before the child existed. Each kind runs alone (so a leak names the kind),
 * then all together, several times. */
#include <stdio.h>
#include <sync.h>
#include <test.h>
#include <thread.h>
#include "testutil.h"

enum kind {
	K_MUTEX, K_SEM, K_CONDVAR, K_SLEEP, K_PIPE_READ, K_PIPE_WRITE, K_JOIN,
	K_WAIT4, K_SPIN_MUTEX, K_BUSY, KINDS
};

static const char *const kind_name[KINDS] = {
	"mutex", "semaphore", "condvar", "nanosleep", "pipe read", "pipe write",
	"thread_join", "wait4", "spinning mutex (running)", "compute loop (running)",
};

/* Kinds whose thread the kernel must list as BLOCKED. */
#define RUNNING_KINDS ((1u << K_SPIN_MUTEX) | (1u << K_BUSY))

/* The child's objects. */
static long m_held, spin_held, sem_zero, cv, cv_mutex;
static int pipe_empty[2], pipe_full[2];
static long grandchild;
static volatile unsigned long busy_sink;

static long blocker(void *arg)
{
	switch ((enum kind)(long)arg) {
	case K_MUTEX:
		mutex_lock(m_held);
		break;
	case K_SEM:
		semaphore_down(sem_zero);
		break;
	case K_CONDVAR:
		mutex_lock(cv_mutex);
		condvar_wait(cv, cv_mutex);
		break;
	case K_SLEEP:
		pause_ms(100000);
		break;
	case K_PIPE_READ: {
		char c;
		read(pipe_empty[0], &c, 1);
		break;
	}
	case K_PIPE_WRITE: {
		static char block[4096];
		for (;;)         /* the pipe holds one page; nobody reads */
			write(pipe_full[1], block, sizeof block);
	}
	case K_JOIN:
		thread_join(0);  /* the main thread never ends */
		break;
	case K_WAIT4: {
		int status;
		wait4((int)grandchild, &status, 0, 0);
		break;
	}
	case K_SPIN_MUTEX:
		mutex_lock(spin_held);
		break;
	case K_BUSY:
		for (unsigned long i = 0;; i++)
			busy_sink += i;
	default:
		break;
	}
	return 99;      /* only reached if a wait ended: the kill comes first */
}

/* The child: objects, one thread per kind in `kinds`, then the main thread
 * holds the mutexes and blocks in a read of an empty pipe. `report` gets
 * the grandchild's pid first (if any). */
static int child(unsigned kinds, int report)
{
	int main_wait[2];
	m_held = mutex_create(1);
	spin_held = mutex_create(0);
	sem_zero = semaphore_create(0);
	cv = condvar_create();
	cv_mutex = mutex_create(1);
	if (m_held < 0 || spin_held < 0 || sem_zero < 0 || cv < 0 || cv_mutex < 0 ||
	    pipe(pipe_empty) || pipe(pipe_full) || pipe(main_wait))
		return 10;
	if (mutex_lock(m_held) || mutex_lock(spin_held))
		return 11;
	if (kinds & (1u << K_WAIT4)) {
		grandchild = fork();
		if (grandchild == 0) {
			for (;;)
				pause_ms(100000);
		}
		if (grandchild < 0)
			return 12;
	}
	if (write(report, &grandchild, sizeof grandchild) != sizeof grandchild)
		return 13;
	close(report);
	for (int k = 0; k < KINDS; k++) {
		thread_t t;
		if ((kinds & (1u << k)) && thread_spawn(&t, blocker, (void *)(long)k))
			return 14;
	}
	char c;
	read(main_wait[0], &c, 1);
	return 15;
}

static void kill_case(unsigned kinds, const char *what, const struct kstat *before)
{
	int report[2];
	if (!CHECK_EQ(pipe(report), 0, "pipe for the child's report"))
		return;
	long pid = fork();
	if (pid == 0) {
		close(report[0]);
		exit(child(kinds, report[1]));
	}
	close(report[1]);
	if (!CHECK(pid > 0, "%s: fork (%ld)", what, pid)) {
		close(report[0]);
		return;
	}
	long gc = -1;
	long got = read(report[0], &gc, sizeof gc);
	close(report[0]);
	CHECK_EQ(got, sizeof gc, "the child reports its set-up");

	long want = 1;          /* the child's main thread */
	for (int k = 0; k < KINDS; k++)
		if ((kinds & (1u << k)) && !(RUNNING_KINDS & (1u << k)))
			want++;
	CHECK_EQ(wait_blocked(pid, want), want, what);
	CHECK_EQ(kill((int)pid, SIGKILL), 0, "kill(child, SIGKILL) succeeds");
	int status = -1;
	CHECK_EQ(waitpid((int)pid, &status, 0), pid, "waitpid reaps the child");
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && status == SIGKILL,
	      "%s: the child's status is killed-by-9 (0x%x)", what, status);
	CHECK_EQ(kill((int)pid, SIGKILL), -ESRCH, "the reaped child is gone (-ESRCH)");
	if (gc > 0) {
		/* The orphan went to init, which is us. */
		CHECK_EQ(kill((int)gc, SIGKILL), 0, "kill the orphaned grandchild");
		status = -1;
		CHECK_EQ(waitpid((int)gc, &status, 0), gc, "init reaps the orphaned grandchild");
		CHECK_EQ(status, SIGKILL, "the grandchild's status is killed-by-9");
	}
	kstat_expect_back(before, KSTAT_ALL, what);
}

int main(void)
{
	TEST_PLAN();
	warm_stack();
	test_note("s_kill_blocked starts");   /* first printf before the snapshot */
	struct kstat before = kstat_now();
	char what[80];
	for (int k = 0; k < KINDS; k++) {
		snprintf(what, sizeof what, "killed while in %s", kind_name[k]);
		kill_case(1u << k, what, &before);
	}
	for (int round = 0; round < 5; round++) {
		snprintf(what, sizeof what, "killed with all kinds at once (round %d)", round);
		kill_case((1u << KINDS) - 1, what, &before);
	}
	return test_done();
}
