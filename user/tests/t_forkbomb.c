/* t_forkbomb: fork until fork fails, then clean up, and nothing leaks.
 *
 * Round 1 runs into the process bound; round 2 (in a child that has taken
 * nearly all memory) runs out of memory. Either failure must be a clean
 * -EAGAIN or -ENOMEM, every child must still exit and be reaped with its
 * status, and the kernel's counters (free frames, kmalloc bytes, processes,
 * threads) must come back to exactly where they were. Round 3 runs out of
 * memory later, in copy-on-write faults of children that each write a
 * quarter of memory: those that find no frame end by SIGKILL, the others
 * exit normally, and again nothing leaks. */
#include "tcommon.h"

#define MAX_KIDS 1024
#define KID_CODE 7

static long kids[MAX_KIDS];

struct bomb {
	long forked;       /* children created before fork failed */
	long error;        /* what the failing fork returned */
	long peak_procs;   /* kstat live_procs with every child alive */
	long reaped_ok;    /* children reaped with status KID_CODE */
	long reaped_killed;   /* ... killed by SIGKILL (out of memory) */
	long left;         /* wait4(-1) after the last: -ECHILD */
};

/* Forks children that write `len` bytes at `buf`, wait for `hold` to close
 * and exit KID_CODE, until fork fails or `max` children run; then lets them
 * go and reaps them. */
static void fork_writers(struct bomb *b, char *buf, unsigned long len, long max)
{
	int hold[2];
	memset(b, 0, sizeof *b);
	if (pipe(hold))
		return;
	for (;;) {
		long pid = fork();
		if (pid == 0) {
			char c;
			for (unsigned long i = 0; i < len; i += PAGE_SIZE)
				buf[i] = 2;
			close(hold[1]);
			read(hold[0], &c, 1);       /* EOF when the parent lets go */
			exit(KID_CODE);
		}
		if (pid < 0) {
			b->error = pid;
			break;
		}
		kids[b->forked++] = pid;
		if (b->forked == max)
			break;
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
		b->reaped_killed += mine && st == W_KILLED(SIGKILL);
	}
	int st;
	b->left = wait4(-1, &st, WNOHANG, 0);
}

static void fork_until_failure(struct bomb *b)
{
	fork_writers(b, NULL, 0, MAX_KIDS);
}

/* A private mapping of `pages` pages, every one written. */
static char *touched_mapping(unsigned long pages)
{
	unsigned long len = pages * PAGE_SIZE;
	char *big = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (MMAP_FAILED(big))
		return NULL;
	for (unsigned long i = 0; i < len; i += PAGE_SIZE)
		big[i] = 1;
	return big;
}

/* Round 2, in a child: it takes all free memory but about 256 frames (and
 * the page tables its mapping needs). Fork copies no page, but the child's
 * page tables for that mapping alone are over 60 frames, so memory runs out
 * after a few forks, long before the process bound (64 by default). A child
 * whose first copy-on-write fault finds no frame is killed (SIGKILL). */
static long big_bomb(long *v, void *arg)
{
	(void)arg;
	struct kstat k = kstat_now();
	unsigned long pages = k.free_frames - 256;
	if (!touched_mapping(pages - pages / 512 - 8))
		return 0;
	struct bomb b;
	fork_until_failure(&b);
	v[0] = b.forked;
	v[1] = b.error;
	v[2] = b.reaped_ok + b.reaped_killed;
	v[3] = b.left;
	/* Forking works again once the memory is back. */
	long pid = fork();
	if (pid == 0)
		exit(3);
	v[4] = wait_status(pid);
	return 5;
}

/* Round 3 child k: writes all of buf (a copy-on-write copy of every page),
 * says so on `ready`, and holds its copy until `hold` closes. A child that
 * finds no frame for a copy is killed (SIGKILL) and says nothing. */
static void cow_writer(char *buf, unsigned long len, const int hold[2], const int ready[2])
{
	char c;
	close(hold[1]);
	close(ready[0]);
	for (unsigned long i = 0; i < len; i += PAGE_SIZE)
		buf[i] = 2;
	write(ready[1], "w", 1);
	read(hold[0], &c, 1);
	exit(KID_CODE);
}

/* Round 3, in a child: it writes a quarter of memory and forks 8 children
 * one at a time, each writing all of it and holding its copy. The first
 * copy fits (half of memory in all); four quarters never fit beside the
 * kernel, so a later child runs out and is killed, and is reaped before the
 * next fork so that its memory is back. */
static long cow_bomb(long *v, void *arg)
{
	(void)arg;
	unsigned long pages = kstat_now().total_frames / 4;
	char *big = touched_mapping(pages);
	int hold[2];
	if (!big || pipe(hold))
		return 0;
	long holders[8], forked = 0, killed = 0, exited = 0;
	for (int k = 0; k < 8; k++) {
		int ready[2];
		char c;
		holders[k] = 0;
		if (pipe(ready))
			break;
		long pid = fork();
		if (pid == 0)
			cow_writer(big, pages * PAGE_SIZE, hold, ready);
		close(ready[1]);
		forked += pid > 0;
		if (pid > 0 && read(ready[0], &c, 1) == 1)
			holders[k] = pid;
		else if (pid > 0)
			killed += wait_status(pid) == W_KILLED(SIGKILL);
		close(ready[0]);
	}
	close(hold[1]);
	close(hold[0]);
	for (int k = 0; k < 8; k++)
		exited += holders[k] && wait_status(holders[k]) == W_EXIT(KID_CODE);
	int st;
	v[0] = forked;
	v[1] = exited;
	v[2] = killed;
	v[3] = wait4(-1, &st, WNOHANG, 0);
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
	CHECK(r.v[0] >= 1 && r.v[0] < 64, "round 2: 1..63 children fit (%ld)", r.v[0]);
	EXPECT_EQ(r.v[2], r.v[0], "round 2: every child exited (or was killed) and was reaped");
	EXPECT_EQ(r.v[3], -ECHILD, "round 2: no children left");
	EXPECT_EQ(r.v[4], W_EXIT(3), "round 2: fork works again after the memory came back");

	kstat_expect_back(&start, KSTAT_ALL, "round 2");

	run_reporting(cow_bomb, NULL, &r);
	EXPECT_EQ(r.status, W_EXIT(0), "round 3 (copy-on-write out of memory): the bomber exits");
	EXPECT_EQ(r.count, 5, "the round 3 bomber reported");
	test_note("round 3: %ld children, %ld exited, %ld killed", r.v[0], r.v[1], r.v[2]);
	EXPECT_EQ(r.v[0], 8, "round 3: fork copies nothing, so all 8 children are forked");
	EXPECT_EQ(r.v[1], 2, "round 3: the two children whose copies fit (3/4 of memory) exit");
	EXPECT_EQ(r.v[2], 6, "round 3: the six that find no frame are killed by SIGKILL");
	EXPECT_EQ(r.v[1] + r.v[2], 8, "round 3: every child reaped with one of the two");
	EXPECT_EQ(r.v[3], -ECHILD, "round 3: no children left");
	EXPECT_EQ(r.v[4], W_EXIT(3), "round 3: fork works again after the memory came back");

	kstat_expect_back(&start, KSTAT_ALL, "round 3");
	return test_done();
}
