/* t_forkwait: fork, exec and wait4 in trees of processes.
 *
 * Each child ends with a distinct, known status, so every wait4 result is
 * checked exactly. Children are held on pipes where an order matters, never
 * on sleeps. */
#include "tcommon.h"

#define N_CHILDREN 8

static void close_pair(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

/* In a child: blocks until a byte arrives (or the pipe closes) on fd. */
static void await_byte(int fd)
{
	char c;
	read(fd, &c, 1);
}

static void test_fork_returns(void)
{
	long me = getpid();
	int fds[2];
	pipe(fds);
	long pid = fork();
	if (pid == 0) {
		long v[2] = { getpid(), getppid() };
		write(fds[1], v, sizeof v);
		exit(0);
	}
	CHECK(pid > 0 && pid != me, "fork returns the child's pid in the parent (%ld)", pid);
	long v[2] = { 0, 0 };
	EXPECT_EQ(read_full(fds[0], v, sizeof v), sizeof v, "child reported its ids");
	EXPECT_EQ(v[0], pid, "the child's getpid is what fork returned");
	EXPECT_EQ(v[1], me, "the child's getppid is the parent");
	EXPECT_EQ(wait_status(pid), W_EXIT(0), "child exits 0");
	close_pair(fds);
}

/* N children exit with 11..18; wait4(-1) collects exactly those. */
static void test_wait_any(void)
{
	long pids[N_CHILDREN];
	for (int i = 0; i < N_CHILDREN; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			exit(11 + i);
	}
	int seen[N_CHILDREN] = { 0 };
	int bad = 0;
	for (int n = 0; n < N_CHILDREN; n++) {
		int st = -1;
		long pid = wait4(-1, &st, 0, 0);
		int found = 0;
		for (int i = 0; i < N_CHILDREN; i++) {
			if (pids[i] == pid && !seen[i] && st == W_EXIT(11 + i)) {
				seen[i] = 1;
				found = 1;
			}
		}
		if (!found) {
			test_note("wait4(-1) returned %ld with status %#x", pid, st);
			bad++;
		}
	}
	EXPECT_EQ(bad, 0, "wait4(-1) x8 returns each child once with its own exit code");
	int st;
	EXPECT_EQ(wait4(-1, &st, 0, 0), -ECHILD, "then there are no children left");
}

/* wait4 on a specific pid returns that child even when another exited first. */
static void test_wait_specific(void)
{
	long quick = fork();
	if (quick == 0)
		exit(4);
	int go;
	long slow = fork_held(&go);
	if (slow == 0)
		exit(3);
	int st = -1;
	EXPECT_EQ(wait4((int)slow, &st, WNOHANG, 0), 0, "WNOHANG on a blocked child returns 0");
	EXPECT_EQ(st, -1, "WNOHANG returning 0 leaves the status alone");
	release_child(go);
	EXPECT_EQ(wait4((int)slow, &st, 0, 0), slow, "wait4(slow) returns slow");
	EXPECT_EQ(st, W_EXIT(3), "with slow's status");
	EXPECT_EQ(wait4((int)quick, &st, 0, 0), quick, "wait4(quick) returns quick");
	EXPECT_EQ(st, W_EXIT(4), "with quick's status");
	EXPECT_EQ(wait4((int)quick, &st, 0, 0), -ECHILD, "a reaped child cannot be waited again");
}

static void test_wnohang(void)
{
	int go;
	long pid = fork_held(&go);
	if (pid == 0)
		exit(21);
	int st = -1;
	EXPECT_EQ(wait4(-1, &st, WNOHANG, 0), 0, "WNOHANG with a running child (any) returns 0");
	EXPECT_EQ(wait4((int)pid, &st, WNOHANG, 0), 0, "WNOHANG with a running child (pid) returns 0");
	release_child(go);
	long r;
	while ((r = wait4((int)pid, &st, WNOHANG, 0)) == 0)
		sched_yield();
	EXPECT_EQ(r, pid, "polling with WNOHANG eventually returns the child");
	EXPECT_EQ(st, W_EXIT(21), "with its status");
}

/* ---- exec ---- */

static long fork_exec(const char *path, char *const argv[], char *const envp[])
{
	long pid = fork();
	if (pid == 0) {
		long err = execve(path, argv, envp);
		exit(err == -ENOENT ? 120 : 121);
	}
	return pid;
}

static void test_exec(void)
{
	char *argv[] = { "t_child", "check", "alpha", "beta gamma", "", NULL };
	char *envp[] = { "K1=V1", "EMPTY=", NULL };
	EXPECT_EQ(wait_status(fork_exec("t_child", argv, envp)), W_EXIT(5 * 16 + 2),
		  "exec t_child: argv and envp arrive exactly");
	EXPECT_EQ(wait_status(fork_exec("/bin/t_child", argv, envp)), W_EXIT(5 * 16 + 2),
		  "exec /bin/t_child works the same");
	char *count_argv[] = { "t_child", "count", NULL };
	EXPECT_EQ(wait_status(fork_exec("t_child", count_argv, NULL)), W_EXIT(2 * 16),
		  "exec with envp NULL gives an empty environment");
	char *auxv_argv[] = { "t_child", "auxv", NULL };
	EXPECT_EQ(wait_status(fork_exec("t_child", auxv_argv, envp)), W_EXIT(0),
		  "exec'd program finds AT_PAGESZ, AT_ENTRY, AT_PHDR, AT_RANDOM");
	char *exit_argv[] = { "t_child", "exit", "200", NULL };
	EXPECT_EQ(wait_status(fork_exec("t_child", exit_argv, envp)), W_EXIT(200),
		  "exec'd program's exit code comes back");
	char *missing_argv[] = { "no_such", NULL };
	EXPECT_EQ(wait_status(fork_exec("no_such", missing_argv, envp)), W_EXIT(120),
		  "exec of a missing program fails with -ENOENT and the child goes on");

	/* Many arguments and a long one. */
	static char longarg[200];
	memset(longarg, 'x', sizeof longarg - 1);
	char *many[40];
	many[0] = "t_child";
	many[1] = "count";
	for (int i = 2; i < 38; i++)
		many[i] = i == 20 ? longarg : "arg";
	many[38] = NULL;
	EXPECT_EQ(wait_status(fork_exec("t_child", many, NULL)), W_EXIT((38 * 16) & 0xff),
		  "exec with 38 arguments, one of 199 bytes");

	/* Open fds survive exec: the new image writes into our pipe. */
	int fds[2];
	pipe(fds);
	char fdname[8];
	snprintf(fdname, sizeof fdname, "%d", fds[1]);
	char *write_argv[] = { "t_child", "write", fdname, "through exec", NULL };
	long pid = fork_exec("t_child", write_argv, envp);
	close(fds[1]);
	char buf[32] = { 0 };
	EXPECT_EQ(read_full(fds[0], buf, sizeof buf - 1), 12, "read what the exec'd program wrote");
	CHECK(!strcmp(buf, "through exec"), "the bytes are right (\"%s\")", buf);
	EXPECT_EQ(wait_status(pid), W_EXIT(0), "the writer exits 0");
	close(fds[0]);
}

/* ---- trees ---- */

/* A node at depth d forks `fanout` children below it (down to depth 3),
 * waits for them and exits with the number of processes in its subtree. */
static int tree_node(int depth, int fanout)
{
	if (depth == 3)
		return 1;
	long pids[4];
	for (int i = 0; i < fanout; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			exit(tree_node(depth + 1, fanout));
		if (pids[i] < 0)
			return 200;
	}
	int total = 1;
	for (int i = fanout - 1; i >= 0; i--) {
		long st = wait_status(pids[i]);
		if (st < 0 || (st & 0x7f))
			return 201;
		total += (int)WEXITSTATUS(st);
	}
	return total;
}

static long report_three_levels(long *v, void *arg)
{
	(void)arg;
	long child_pid = getpid();
	long pid = fork();
	if (pid == 0)
		exit(getppid() == child_pid ? 30 : 31);
	v[0] = wait_status(pid);
	v[1] = getppid();
	return 2;
}

static void test_trees(void)
{
	struct report r;
	run_reporting(report_three_levels, NULL, &r);
	EXPECT_EQ(r.count, 2, "three levels: the child reported");
	EXPECT_EQ(r.v[0], W_EXIT(30), "the grandchild's parent is the child; it exits 30");
	EXPECT_EQ(r.v[1], getpid(), "the child's parent is us");
	EXPECT_EQ(r.status, W_EXIT(0), "the child exits 0");

	struct kstat before = kstat_now();
	long pid = fork();
	if (pid == 0)
		exit(tree_node(0, 3));
	/* 1 + 3 + 9 + 27 processes, counted by exit codes up the tree. */
	EXPECT_EQ(wait_status(pid), W_EXIT(40), "a tree of depth 3, fanout 3 has 40 processes");
	kstat_expect_back(&before, KSTAT_THREADS | KSTAT_PROCS, "the tree");
}

/* ---- orphans ---- */

/* The child forks a grandchild, tells us its pid and exits; the grandchild
 * is an orphan and becomes init's. When we are init we must be able to reap
 * it: it waits for our go, checks getppid() == 1 and exits 50. */
static void test_orphans(void)
{
	struct kstat before = kstat_now();
	int info[2], go[2];
	pipe(info);
	pipe(go);
	long child = fork();
	if (child == 0) {
		long g = fork();
		if (g == 0) {
			close(go[1]);
			close(info[0]);
			close(info[1]);
			await_byte(go[0]);
			exit(getppid() == 1 ? 50 : 51);
		}
		write(info[1], &g, sizeof g);
		exit(0);
	}
	close(info[1]);
	close(go[0]);
	long grandchild = -1;
	EXPECT_EQ(read_full(info[0], &grandchild, sizeof grandchild), sizeof grandchild,
		  "the child told us the grandchild's pid");
	EXPECT_EQ(wait_status(child), W_EXIT(0), "the child exits, leaving an orphan");
	if (getpid() != 1) {
		test_note("skipped orphan reaping: not running as init");
		write(go[1], "g", 1);
		close(go[1]);
		close(info[0]);
		return;
	}
	write(go[1], "g", 1);
	int st = -1;
	EXPECT_EQ(wait4(-1, &st, 0, 0), grandchild, "init reaps the orphaned grandchild");
	EXPECT_EQ(st, W_EXIT(50), "the orphan saw getppid() == 1 and exited 50");
	close(go[1]);
	close(info[0]);
	kstat_expect_back(&before, KSTAT_PROCS, "the orphan");

	/* An orphan that exits at about the time its parent does (it may be
	 * a zombie already when it is handed to init, or not yet). */
	int done[2];
	pipe(done);
	child = fork();
	if (child == 0) {
		long g = fork();
		if (g == 0) {
			close(done[0]);
			exit(52);   /* closing done[1] tells the child */
		}
		close(done[1]);
		await_byte(done[0]);
		sched_yield();
		exit(0);
	}
	close(done[0]);
	close(done[1]);
	EXPECT_EQ(wait_status(child), W_EXIT(0), "a child exits as its own child exits");
	st = -1;
	long got = wait4(-1, &st, 0, 0);
	CHECK(got > 0 && got != child, "init reaps that orphan too (pid %ld)", got);
	EXPECT_EQ(st, W_EXIT(52), "with its status");
	EXPECT_EQ(kstat_now().live_procs, before.live_procs, "process count back again");
}

int main(void)
{
	TEST_PLAN();
	test_fork_returns();
	test_wait_any();
	test_wait_specific();
	test_wnohang();
	test_exec();
	test_trees();
	test_orphans();
	int st;
	EXPECT_EQ(wait4(-1, &st, WNOHANG, 0), -ECHILD, "no children left at the end");
	return test_done();
}
