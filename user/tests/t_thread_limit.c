/* t_thread_limit: a process can have 128 threads, counting the main thread.
 *
 * 128 is the build's default `max_threads` (meson_options.txt); kstat does
 * not report it, so it is fixed here. In a child: create threads (each
 * blocks on a semaphore) until thread_create fails; exactly 127 succeed and
 * the failure is -EAGAIN. Then all are released and joined with their
 * codes, creating works again, and a second round gets exactly as far. The
 * parent checks that threads, processes and frames all come back.
 *
 * The first round also measures what a blocked thread costs in memory: the
 * frames gone (kernel stack, trap-context page, control block's share of
 * kmalloc pages, touched user-stack and page-table pages) once all 127 are
 * blocked, divided by 127. Issue target: at most 24 KiB. */
#include "tcommon.h"
#include <sync.h>

#define MAX_THREADS 128          /* per process, counting the main thread */
#define SLOTS 1024

static long sem;
static long tids[SLOTS];

static long wait_then_return(void *arg)
{
	semaphore_down(sem);
	return (long)arg;
}

static long return_5(void *arg)
{
	(void)arg;
	return 5;
}

struct round {
	long created, error, listed, live, joined_ok;
	long all_blocked;        /* 1: every created thread was seen BLOCKED */
	long bytes_per_thread;   /* frames used by them, per thread */
};

/* Waits (yielding) until n threads of this process are blocked. */
static long wait_blocked(long n)
{
	static struct thread_info ti[1024];
	for (int round = 0; round < 100000; round++) {
		long got = thread_list(ti, 1024), blocked = 0;
		for (long i = 0; i < got; i++)
			blocked += ti[i].pid == getpid() && ti[i].state == THREAD_INFO_BLOCKED;
		if (blocked == n)
			return 1;
		sched_yield();
	}
	return 0;
}

static void fill_and_drain(struct round *r)
{
	memset(r, 0, sizeof *r);
	unsigned long free_before = kstat_now().free_frames;
	for (;;) {
		long t = thread_create(wait_then_return, (void *)(r->created & 0xff));
		if (t < 0) {
			r->error = t;
			break;
		}
		if (r->created == SLOTS)
			break;
		tids[r->created++] = t;
	}
	r->all_blocked = wait_blocked(r->created);
	if (r->created > 0)
		r->bytes_per_thread = (long)((free_before - kstat_now().free_frames) * PAGE_SIZE) /
				      r->created;
	r->listed = threads_of(getpid());
	r->live = (long)kstat_now().live_threads;
	for (long i = 0; i < r->created; i++)
		semaphore_up(sem);
	for (long i = 0; i < r->created; i++)
		r->joined_ok += thread_join(tids[i]) == (i & 0xff);
}

static long limit_child(long *v, void *arg)
{
	(void)arg;
	sem = semaphore_create(0);
	if (sem < 0)
		return 0;
	struct round a, b;
	fill_and_drain(&a);
	long again = thread_create(return_5, NULL);
	long again_code = again > 0 ? thread_join(again) : again;
	fill_and_drain(&b);
	long n = 0;
	v[n++] = a.created;
	v[n++] = a.error;
	v[n++] = a.listed;
	v[n++] = a.live;
	v[n++] = a.joined_ok;
	v[n++] = again_code;
	v[n++] = b.created;
	v[n++] = b.error;
	v[n++] = b.joined_ok;
	v[n++] = threads_of(getpid());
	v[n++] = a.all_blocked;
	v[n++] = a.bytes_per_thread;
	return n;
}

int main(void)
{
	TEST_PLAN();
	struct kstat start = kstat_after_warm_fork();

	struct report r;
	run_reporting(limit_child, NULL, &r);
	EXPECT_EQ(r.status, W_EXIT(0), "the child exits normally");
	EXPECT_EQ(r.count, 12, "the child reported");
	EXPECT_EQ(r.v[0], MAX_THREADS - 1, "exactly 127 threads besides the main one");
	EXPECT_EQ(r.v[1], -EAGAIN, "the 128th thread_create fails with -EAGAIN");
	EXPECT_EQ(r.v[2], MAX_THREADS, "thread_list shows 128 threads of the process");
	EXPECT_EQ(r.v[3], (long)start.live_threads + MAX_THREADS,
		  "kstat counts them (plus ours)");
	EXPECT_EQ(r.v[4], MAX_THREADS - 1, "all 127 joined with their codes");
	EXPECT_EQ(r.v[5], 5, "after joining, thread_create works again");
	EXPECT_EQ(r.v[6], MAX_THREADS - 1, "a second round creates 127 again");
	EXPECT_EQ(r.v[7], -EAGAIN, "and fails with -EAGAIN again");
	EXPECT_EQ(r.v[8], MAX_THREADS - 1, "and joins all 127");
	EXPECT_EQ(r.v[9], 1, "at the end only the main thread is left");
	EXPECT_EQ(r.v[10], 1, "all 127 threads were seen blocked");
	printf("# a blocked thread costs %ld bytes (%ld.%ld KiB)\n", r.v[11], r.v[11] / 1024,
	       r.v[11] % 1024 * 10 / 1024);
	EXPECT_EQ(r.v[11] > 0 && r.v[11] <= 24 * 1024, 1,
		  "a blocked thread costs at most 24 KiB (%ld bytes)", r.v[11]);

	kstat_expect_back(&start, KSTAT_ALL, "all cases");
	return test_done();
}
