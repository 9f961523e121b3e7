/* t_forkbomb: fork until fork fails, then clean up, and nothing leaks.
 *
 * Round 1 runs into the process bound; round 2 (in a child that has made its
 * address space big) runs out of memory. Either failure must be a clean
 * -EAGAIN or -ENOMEM, every child must still exit and be reaped with its
 * status, and the kernel's counters (free frames, kmalloc bytes, processes,
 * threads) must come back to exactly where they were. */
#include "tcommon.h"

#define MAX_KIDS 1024
#define KID_CODE 7

static long kids[MAX_KIDS];

struct bomb {
	long forked;       /* children created before fork failed */
	long error;        /* what the failing fork returned */
	long peak_procs;   /* kstat live_procs with every child alive */
	long reaped_ok;    /* children reaped with status KID_CODE */
	long left;         /* wait4(-1) after the last: -ECHILD */
};

/* Forks children that wait for `hold` to close and exit KID_CODE, until fork
 * fails; then lets them go and reaps them. */
static void fork_until_failure(struct bomb *b)
{
	int hold[2];
	memset(b, 0, sizeof *b);
	if (pipe(hold))
		return;
	for (;;) {
		long pid = fork();
		if (pid == 0) {
			char c;
			close(hold[1]);
			read(hold[0], &c, 1);       /* EOF when the parent lets go */
			exit(KID_CODE);
		}
		if (pid < 0) {
			b->error = pid;
			break;
		}
		if (b->forked == MAX_KIDS)
			break;
		kids[b->forked++] = pid;
	}
	b->peak_procs = (long)kstat_now().live_procs;
	close(hold[1]);
	close(hold[0]);
	for (long n = 0; n < b->forked; n++) {
		int st = -1;
		long pid = wait4(-1, &st, 0, 0);
		int mine = 0;
		for (long i = 0; i < b->forked; i++) {
			if (kids[i] == pid) {
				kids[i] = 0;
				mine = 1;
			}
		}
		b->reaped_ok += mine && st == W_EXIT(KID_CODE);
	}
	int st;
	b->left = wait4(-1, &st, WNOHANG, 0);
}

/* Round 2, in a child: a big address space makes every fork copy at least
 * 1/16 of all memory, so memory runs out before the process bound (64 by
 * default) is reached. */
static long big_bomb(long *v, void *arg)
{
	(void)arg;
	struct kstat k = kstat_now();
	unsigned long len = (k.total_frames / 16) * PAGE_SIZE;
	char *big = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (MMAP_FAILED(big))
		return 0;
	for (unsigned long i = 0; i < len; i += PAGE_SIZE)
		big[i] = 1;
	struct bomb b;
	fork_until_failure(&b);
	v[0] = b.forked;
	v[1] = b.error;
	v[2] = b.reaped_ok;
	v[3] = b.left;
	/* Forking works again once the memory is back. */
	long pid = fork();
	if (pid == 0)
		exit(3);
	v[4] = wait_status(pid);
	return 5;
}

static void warm_up(void)
{
	long pid = fork();
	if (pid == 0)
		exit(0);
	wait_status(pid);
}

int main(void)
{
	TEST_PLAN();
	warm_up();
	struct kstat start = kstat_now();

	struct bomb b;
	fork_until_failure(&b);
	test_note("round 1: %ld children before fork returned %ld", b.forked, b.error);
	CHECK(b.error == -EAGAIN || b.error == -ENOMEM,
	      "fork fails cleanly with -EAGAIN or -ENOMEM (got %ld)", b.error);
	CHECK(b.forked >= 1 && b.forked < MAX_KIDS, "some children were forked (%ld)", b.forked);
	EXPECT_EQ(b.peak_procs, (long)start.live_procs + b.forked,
		  "kstat counted every child at the peak");
	EXPECT_EQ(b.reaped_ok, b.forked, "every child exited with its code and was reaped");
	EXPECT_EQ(b.left, -ECHILD, "no children left after reaping");
	long pid = fork();
	if (pid == 0)
		exit(5);
	EXPECT_EQ(wait_status(pid), W_EXIT(5), "fork works again after the bomb");

	kstat_expect_back(&start, KSTAT_ALL, "round 1");

	/* A second round must get exactly as far: nothing was used up. */
	struct bomb again;
	fork_until_failure(&again);
	EXPECT_EQ(again.forked, b.forked, "round 1 again forks as many children");
	EXPECT_EQ(again.error, b.error, "and fails the same way");
	EXPECT_EQ(again.reaped_ok, again.forked, "and reaps them all");

	struct report r;
	run_reporting(big_bomb, NULL, &r);
	EXPECT_EQ(r.status, W_EXIT(0), "round 2 (out of memory): the bomber exits normally");
	EXPECT_EQ(r.count, 5, "the bomber reported");
	test_note("round 2: %ld children before fork returned %ld", r.v[0], r.v[1]);
	EXPECT_EQ(r.v[1], -ENOMEM, "round 2: fork runs out of memory with -ENOMEM");
	CHECK(r.v[0] >= 1 && r.v[0] <= 16, "round 2: 1..16 children fit (%ld)", r.v[0]);
	EXPECT_EQ(r.v[2], r.v[0], "round 2: every child exited with its code and was reaped");
	EXPECT_EQ(r.v[3], -ECHILD, "round 2: no children left");
	EXPECT_EQ(r.v[4], W_EXIT(3), "round 2: fork works again after the memory came back");

	kstat_expect_back(&start, KSTAT_ALL, "round 2");
	return test_done();
}
