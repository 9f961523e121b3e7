/* x_pingpong: the 32-thread semaphore ping-pong (s_pingpong) run for long
 * enough to matter, with the stress suite's leak check around it.
 *
 * The work is the real s_pingpong program, executed in a child whose
 * standard output comes back through a pipe: its TAP lines are relayed here
 * as comments ("# s_pingpong: ok 3 - ..."), and this program's own results
 * say whether every one of its checks passed, whether it exited with 0, and
 * whether the kernel's counters came back afterwards. One lost wakeup stops
 * a pair or the ring, so the case hangs into its timeout and fails.
 *
 * usage: x_pingpong [PAIR_ROUNDS] [RING_LAPS]   (defaults 8000 600) */
#include "stress.h"

#define CHILD_CHECKS 10       /* the ok lines s_pingpong prints when it passes */
#define LINE_MAX 256

struct relay {
	char line[LINE_MAX];
	unsigned long length;
	long passed, failed;
	int plan_seen;
};

/* One whole line of the child's output: counted and relayed as a comment. */
static void relay_line(struct relay *r)
{
	r->line[r->length] = '\0';
	if (strncmp(r->line, "ok ", 3) == 0)
		r->passed++;
	else if (strncmp(r->line, "not ok ", 7) == 0)
		r->failed++;
	else if (strcmp(r->line, "1..10") == 0)
		r->plan_seen = 1;
	test_note("s_pingpong: %s", r->line);
	r->length = 0;
}

/* Relays everything the child writes until it closes the pipe. A line
 * longer than LINE_MAX is relayed in pieces (it is not a result line). */
static void relay_all(int fd, struct relay *r)
{
	char buf[512];
	long n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (long i = 0; i < n; i++) {
			if (buf[i] == '\n' || r->length == LINE_MAX - 1) {
				relay_line(r);
				if (buf[i] == '\n')
					continue;
			}
			r->line[r->length++] = buf[i];
		}
	}
	if (r->length)
		relay_line(r);
}

/* Starts `s_pingpong ROUNDS LAPS` with its standard output on a new pipe;
 * the child's pid (the read end in *out_fd), or a negative errno. */
static long start_pingpong(char *rounds, char *laps, int *out_fd)
{
	int fds[2];
	fflush_stdout();
	long pid = fork_with_pipe(fds);
	if (pid < 0)
		return pid;
	if (pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], 1) < 0)
			exit(126);
		close(fds[1]);
		char *argv[] = { "s_pingpong", rounds, laps, 0 };
		execv("s_pingpong", argv);
		exit(127);
	}
	close(fds[1]);
	*out_fd = fds[0];
	return pid;
}

int main(int argc, char **argv)
{
	long rounds = arg_long(argc, argv, 1, 8000);
	long laps = arg_long(argc, argv, 2, 600);
	TEST_PLAN();
	struct kstat before = stress_begin("x_pingpong");
	char rounds_text[24], laps_text[24];
	snprintf(rounds_text, sizeof rounds_text, "%ld", rounds);
	snprintf(laps_text, sizeof laps_text, "%ld", laps);
	int fd = -1;
	long t0 = time_ns();
	long pid = start_pingpong(rounds_text, laps_text, &fd);
	if (!CHECK(pid > 0, "s_pingpong %ld %ld started (fork: %ld)", rounds, laps, pid))
		return test_done();
	struct relay r = { .length = 0 };
	relay_all(fd, &r);
	close(fd);
	int status = -1;
	long waited = waitpid((int)pid, &status, 0);
	test_note("32 threads, %ld pair rounds and %ld ring laps in %ld ms", rounds, laps,
		  (time_ns() - t0) / 1000000);
	CHECK_EQ(waited, pid, "s_pingpong reaped");
	CHECK_EQ(status, 0, "s_pingpong exited with 0 (every check passed)");
	CHECK(r.passed == CHILD_CHECKS, "s_pingpong printed all %d ok lines (%ld)", CHILD_CHECKS,
	      r.passed);
	CHECK_EQ(r.failed, 0, "s_pingpong printed no not-ok line");
	CHECK(r.plan_seen, "s_pingpong printed its plan 1..10");
	stress_end(&before, "x_pingpong");
	return test_done();
}
