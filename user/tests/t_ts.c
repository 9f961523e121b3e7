/* t_ts: the thread_list snapshot and the ts program.
 *
 * A known set of threads - the main thread (running), three blocked on a
 * semaphore, one sleeping, one exited and not reaped - plus two children
 * (one after setuid(1234), one exec'd into t_child) must appear in a
 * thread_list snapshot exactly, with the right pid, tid, uid, name and
 * state. Then /bin/ts, run with its output in a pipe, must print a header
 * and one line for each of those threads. */
#include "tcommon.h"
#include <sync.h>

#define MAX_INFO 512
#define OURS 6                  /* main, 3 on the semaphore, sleeper, exited */

static long sem;
static struct thread_info info[MAX_INFO];
static long n_info;

static long wait_on_semaphore(void *arg)
{
	semaphore_down(sem);
	return (long)arg;
}

static long sleep_long(void *arg)
{
	struct timespec ts = { 1000, 0 };
	nanosleep(&ts, NULL);
	return (long)arg;
}

static long return_5(void *arg)
{
	(void)arg;
	return 5;
}

static void snapshot(void)
{
	n_info = thread_list(info, MAX_INFO);
}

static const struct thread_info *find(long pid, long tid)
{
	for (long i = 0; i < n_info; i++)
		if (info[i].pid == pid && info[i].tid == tid)
			return &info[i];
	return NULL;
}

static int state_of(long pid, long tid)
{
	const struct thread_info *t = find(pid, tid);
	return t ? t->state : -1;
}

/* Takes snapshots until every (pid, tid, state) in the list holds; bounded
 * so that a thread stuck in the wrong state fails instead of hanging. */
struct want {
	long pid, tid;
	int state;
};

static int settle(const struct want *w, int n)
{
	for (int round = 0; round < 100000; round++) {
		snapshot();
		int ok = 1;
		for (int i = 0; i < n; i++)
			ok &= state_of(w[i].pid, w[i].tid) == w[i].state;
		if (ok)
			return 1;
		sched_yield();
	}
	return 0;
}

static int count_pid(long pid)
{
	int n = 0;
	for (long i = 0; i < n_info; i++)
		n += info[i].pid == pid;
	return n;
}

/* ---- parsing ts output ---- */

static int contains(const char *hay, const char *needle)
{
	unsigned long n = strlen(needle);
	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return 1;
	return 0;
}

struct ts_line {
	long pid, tid, uid;
	char name[20];
	char state[12];
};

static const char *skip_spaces(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

static const char *word(const char *p, char *out, unsigned cap)
{
	unsigned n = 0;
	p = skip_spaces(p);
	while (*p && *p != ' ' && *p != '\n') {
		if (n + 1 < cap)
			out[n++] = *p;
		p++;
	}
	out[n] = 0;
	return p;
}

/* Parses "PID TID UID NAME STATE HART ..." ; 1 on success. */
static int parse_line(const char *p, struct ts_line *l)
{
	char *end;
	l->pid = strtol(p, &end, 10);
	if (end == p)
		return 0;
	p = end;
	l->tid = strtol(p, &end, 10);
	if (end == p)
		return 0;
	p = end;
	l->uid = strtol(p, &end, 10);
	if (end == p)
		return 0;
	p = word(end, l->name, sizeof l->name);
	word(p, l->state, sizeof l->state);
	return l->name[0] && l->state[0];
}

static char ts_out[16384];

/* Runs /bin/ts with stdout into a pipe; returns its status. */
static long run_ts(long *ts_pid)
{
	int fds[2];
	pipe(fds);
	long pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		char *const argv[] = { "ts", NULL };
		execve("/bin/ts", argv, NULL);
		exit(120);
	}
	close(fds[1]);
	long n = read_full(fds[0], ts_out, sizeof ts_out - 1);
	ts_out[n > 0 ? n : 0] = 0;
	close(fds[0]);
	*ts_pid = pid;
	return wait_status(pid);
}

int main(void)
{
	TEST_PLAN();
	long me = getpid(), uid = getuid();
	sem = semaphore_create(0);
	long blocked[3];
	for (long i = 0; i < 3; i++)
		blocked[i] = thread_create(wait_on_semaphore, (void *)(10 + i));
	long sleeper = thread_create(sleep_long, NULL);
	long exited = thread_create(return_5, NULL);

	/* Child A: uid 1234, blocked in read. Child B: exec'd t_child, blocked
	 * in read. Both end when `hold` closes. */
	int hold[2];
	pipe(hold);
	long a = fork();
	if (a == 0) {
		char c;
		close(hold[1]);
		setuid(1234);
		read(hold[0], &c, 1);
		exit(0);
	}
	long b = fork();
	if (b == 0) {
		char fd[8];
		snprintf(fd, sizeof fd, "%d", hold[0]);
		close(hold[1]);
		char *const argv[] = { "t_child", "read", fd, NULL };
		execve("t_child", argv, NULL);
		exit(120);
	}
	close(hold[0]);

	const struct want steady[] = {
		{ me, blocked[0], THREAD_INFO_BLOCKED }, { me, blocked[1], THREAD_INFO_BLOCKED },
		{ me, blocked[2], THREAD_INFO_BLOCKED }, { me, sleeper, THREAD_INFO_BLOCKED },
		{ me, exited, THREAD_INFO_EXITED },
		{ a, 0, THREAD_INFO_BLOCKED }, { b, 0, THREAD_INFO_BLOCKED },
	};
	CHECK(settle(steady, 7), "every thread reaches its expected state");
	/* The snapshot from settle(): check it in full. */
	EXPECT_EQ(count_pid(me), OURS, "the snapshot has exactly 6 threads of this process");
	const struct thread_info *m = find(me, 0);
	CHECK(m && m->state == THREAD_INFO_RUNNING, "the main thread (tid 0) is RUNNING");
	CHECK(m && m->hart >= 0 && m->hart < (int)kstat_now().harts,
	      "the main thread's hart is a real one (%d)", m ? m->hart : -9);
	long tids[OURS - 1] = { blocked[0], blocked[1], blocked[2], sleeper, exited };
	int found = 0, fields = 0;
	for (int i = 0; i < OURS - 1; i++) {
		const struct thread_info *t = find(me, tids[i]);
		found += t != NULL;
		fields += t && t->uid == uid && !strncmp(t->name, "t_ts", 16);
	}
	EXPECT_EQ(found, OURS - 1, "tids of the 3 waiters, the sleeper and the exited thread are there");
	EXPECT_EQ(fields, OURS - 1, "each with this uid and the name t_ts");
	CHECK(m && m->uid == uid && !strncmp(m->name, "t_ts", 16), "main has our uid and name");
	const struct thread_info *ta = find(a, 0), *tb = find(b, 0);
	EXPECT_EQ(count_pid(a), 1, "child A has one thread in the snapshot");
	CHECK(ta && ta->uid == 1234 && !strncmp(ta->name, "t_ts", 16),
	      "child A: uid 1234 after setuid, name t_ts inherited by fork");
	EXPECT_EQ(count_pid(b), 1, "child B has one thread in the snapshot");
	CHECK(tb && tb->uid == uid && !strncmp(tb->name, "t_child", 16),
	      "child B: name t_child after exec");
	int dup = 0;
	for (long i = 0; i < n_info; i++)
		for (long j = 0; j < i; j++)
			dup += info[i].pid == info[j].pid && info[i].tid == info[j].tid;
	EXPECT_EQ(dup, 0, "no (pid, tid) appears twice");
	struct thread_info small[2];
	EXPECT_EQ(thread_list(small, 2), 2, "thread_list fills at most max entries");

	/* ---- the ts program ---- */
	long ts_pid = 0;
	EXPECT_EQ(run_ts(&ts_pid), W_EXIT(0), "ts exits 0");
	char *save, *line = strtok_r(ts_out, "\n", &save);
	CHECK(line && contains(line, "PID") && contains(line, "TID") &&
	      contains(line, "STATE"), "ts prints a header line first");
	int ours = 0, ours_right = 0, a_right = 0, b_right = 0, self_right = 0, bad_lines = 0;
	while ((line = strtok_r(NULL, "\n", &save))) {
		struct ts_line l;
		if (!parse_line(line, &l)) {
			bad_lines++;
			continue;
		}
		if (l.pid == me) {
			ours++;
			int want_state = -1;
			for (int i = 0; i < OURS - 1; i++)
				if (l.tid == tids[i])
					want_state = i < 4 ? 'b' : 'e';
			if (l.tid == 0)
				want_state = l.state[0];      /* main: running or blocked on the pipe */
			ours_right += want_state == l.state[0] && l.uid == uid &&
				      !strcmp(l.name, "t_ts");
		}
		a_right += l.pid == a && l.tid == 0 && l.uid == 1234 && !strcmp(l.state, "blocked");
		b_right += l.pid == b && l.tid == 0 && !strcmp(l.name, "t_child") &&
			   !strcmp(l.state, "blocked");
		self_right += l.pid == ts_pid && l.tid == 0 && !strcmp(l.name, "ts") &&
			      !strcmp(l.state, "running");
	}
	EXPECT_EQ(bad_lines, 0, "every ts line parses");
	EXPECT_EQ(ours, OURS, "ts shows 6 lines for this process");
	EXPECT_EQ(ours_right, OURS, "with the right tids, uid, name and states");
	EXPECT_EQ(a_right, 1, "ts shows child A with uid 1234, blocked");
	EXPECT_EQ(b_right, 1, "ts shows child B as t_child, blocked");
	EXPECT_EQ(self_right, 1, "ts shows itself running as tid 0 named ts");

	close(hold[1]);
	EXPECT_EQ(wait_status(a), W_EXIT(0), "child A ends when the pipe closes");
	EXPECT_EQ(wait_status(b), W_EXIT(0), "child B (t_child read) read 0 bytes and ends");
	for (int i = 0; i < 3; i++)
		semaphore_up(sem);
	int joined = 0;
	for (int i = 0; i < 3; i++)
		joined += thread_join(blocked[i]) == 10 + i;
	EXPECT_EQ(joined, 3, "the semaphore waiters finish");
	EXPECT_EQ(thread_join(exited), 5, "the exited thread is reaped with its code");
	return test_done();   /* ends the sleeper with the process */
}
