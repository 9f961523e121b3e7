/* t_cow: fork shares private pages copy-on-write; each side must still see
 * only its own writes.
 *
 * - isolation and counters: a child's writes to 16 shared pages copy
 *   exactly 16 pages (kstat cow_copies); once it is gone, the parent's
 *   writes to the same pages copy none and reuse 16 (cow_reuses);
 * - a kernel write (read(2) into a shared page) breaks the sharing too;
 * - mprotect giving write back, and mremap moving a shared page, keep the
 *   page copy-on-write;
 * - fork in a process whose other thread keeps writing a page on another
 *   hart: the child's snapshot never changes (the parent's writable TLB
 *   entries are shot down before the child runs);
 * - the parent copies a page while its other thread reads it on another
 *   hart: that thread never sees what the child then writes into the frame
 *   it kept (the reader's stale entry is shot down before the parent lets
 *   go of the frame);
 * - two threads of a child writing one shared page at once lose no write;
 * and nothing leaks. */
#include "mmcommon.h"
#include <thread.h>

#define PAGES 16
#define PAGE_WORDS (PAGE_SIZE / sizeof(unsigned long))
#define FORKS(harts) ((harts) > 1 ? 60 : 10)
#define CHILD_MAGIC 0xC41D000000000000UL

static unsigned harts;

static volatile unsigned long *map_pages(unsigned long n, unsigned long fill)
{
	long p = mm_map(0, n * PAGE_SIZE, RW, ANON);
	if (MMAP_FAILED(p))
		return NULL;
	volatile unsigned long *v = (volatile unsigned long *)p;
	for (unsigned long i = 0; i < n; i++)
		v[i * PAGE_WORDS] = fill + i;
	return v;
}

/* Pages of the n at v whose first word is not fill + i. */
static long pages_differing(volatile unsigned long *v, unsigned long n, unsigned long fill)
{
	long bad = 0;
	for (unsigned long i = 0; i < n; i++)
		bad += v[i * PAGE_WORDS] != fill + i;
	return bad;
}

/* One page, so that the kstat calls themselves copy nothing once warm. */
static struct kstat counters[3] __attribute__((aligned(512)));

static void write_pages(volatile unsigned long *v, unsigned long fill)
{
	for (unsigned long i = 0; i < PAGES; i++)
		v[i * PAGE_WORDS] = fill + i;
}

/* Waits until every thread of process pid is blocked. The counters are
 * system-wide: the parent, running on another hart right after the fork,
 * takes copy-on-write faults of its own until it sleeps in its read. */
static void wait_until_asleep(long pid)
{
	static struct thread_info ti[64];
	for (;;) {
		long n = thread_list(ti, 64), awake = 0;
		for (long i = 0; i < n; i++)
			awake += ti[i].pid == pid && ti[i].state != THREAD_INFO_BLOCKED;
		if (!awake)
			return;
		sched_yield();
	}
}

static long child_writes(long *out, void *arg)
{
	volatile unsigned long *v = arg;
	wait_until_asleep(getppid());
	out[0] = pages_differing(v, PAGES, 100);
	kstat(&counters[2]);      /* its page and the stack are the child's now */
	kstat(&counters[0]);
	write_pages(v, 200);
	kstat(&counters[1]);
	out[1] = (long)(counters[1].cow_copies - counters[0].cow_copies);
	out[2] = (long)(counters[1].cow_reuses - counters[0].cow_reuses);
	out[3] = pages_differing(v, PAGES, 200);
	return 4;
}

static void test_isolation_and_counters(void)
{
	volatile unsigned long *v = map_pages(PAGES, 100);
	struct report r;
	run_reporting(child_writes, (void *)v, &r);
	EXPECT_EQ(r.status, W_EXIT(0), "isolation: the child exits 0");
	EXPECT_EQ(r.count, 4, "isolation: the child reported");
	EXPECT_EQ(r.v[0], 0, "the child sees the parent's data after fork");
	EXPECT_EQ(r.v[1], PAGES, "the child's writes to 16 shared pages copy exactly 16");
	EXPECT_EQ(r.v[2], 0, "and reuse none in place (the parent still owns them)");
	EXPECT_EQ(r.v[3], 0, "the child sees its own writes");
	EXPECT_EQ(pages_differing(v, PAGES, 100), 0, "the parent does not see the child's writes");
	kstat(&counters[2]);
	kstat(&counters[0]);
	write_pages(v, 300);
	kstat(&counters[1]);
	EXPECT_EQ(counters[1].cow_copies - counters[0].cow_copies, 0,
		  "with the child gone the parent's writes copy nothing");
	EXPECT_EQ(counters[1].cow_reuses - counters[0].cow_reuses, PAGES,
		  "they make its 16 pages writable where they are");
	EXPECT_EQ(pages_differing(v, PAGES, 300), 0, "the parent sees its writes");
	mm_unmap((unsigned long)v, PAGES * PAGE_SIZE);
}

/* A child holds the shared page while the kernel writes the parent's. */
static void test_kernel_write(void)
{
	volatile unsigned long *v = map_pages(1, 400);
	int go, fds[2];
	long pid = fork_held(&go);
	if (pid == 0)
		exit(v[0] == 400 ? 0 : 1);
	pipe(fds);
	unsigned long word = 401;
	write(fds[1], &word, sizeof word);
	long n = read(fds[0], (void *)v, sizeof word);
	EXPECT_EQ(n, (long)sizeof word, "read(2) into a copy-on-write page succeeds");
	EXPECT_EQ(v[0], 401, "the parent sees what the kernel wrote");
	release_child(go);
	EXPECT_EQ(wait_status(pid), W_EXIT(0), "the child still sees the page as it was at fork");
	close(fds[0]);
	close(fds[1]);
	mm_unmap((unsigned long)v, PAGE_SIZE);
}

static int child_protect_and_write(void *arg)
{
	volatile unsigned long *v = arg;
	if (mm_protect((unsigned long)v, PAGE_SIZE, RW))
		return 2;
	v[0] = 501;
	return v[0] == 501 ? 0 : 1;
}

static int child_move_and_write(void *arg)
{
	volatile unsigned long *v = arg;
	long moved = mm_remap((unsigned long)v, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE, 0);
	if (MMAP_FAILED(moved))
		return 2;
	volatile unsigned long *m = (volatile unsigned long *)moved;
	if (m[0] != 500)
		return 3;
	m[0] = 502;
	return m[0] == 502 ? 0 : 1;
}

static void test_protect_and_remap(void)
{
	volatile unsigned long *v = map_pages(1, 500);
	/* Read-only at fork, made writable in the child. */
	mm_protect((unsigned long)v, PAGE_SIZE, PROT_READ);
	EXPECT_EQ(run_child(child_protect_and_write, (void *)v), W_EXIT(0),
		  "mprotect(RW) in the child, then a write: the child's own copy");
	EXPECT_EQ(v[0], 500, "the parent's read-only page kept its data");
	/* Writable at fork: the child moves it, grown, then writes. */
	mm_protect((unsigned long)v, PAGE_SIZE, RW);
	EXPECT_EQ(v[0], 500, "mprotect(RW) in the parent keeps the data");
	EXPECT_EQ(run_child(child_move_and_write, (void *)v), W_EXIT(0),
		  "mremap moves a shared page in the child, then a write copies it");
	EXPECT_EQ(v[0], 500, "the parent's page kept its data");
	v[0] = 503;
	EXPECT_EQ(v[0], 503, "and the parent can write it");
	mm_unmap((unsigned long)v, PAGE_SIZE);
}

static volatile unsigned long *busy_page;
static volatile int stop;

static long counting_writer(void *arg)
{
	(void)arg;
	while (!stop)
		busy_page[0]++;
	return 0;
}

/* The child's view of the page must not move after fork. */
static int child_snapshot_stays(void *arg)
{
	(void)arg;
	unsigned long first = busy_page[0];
	for (int i = 0; i < 20; i++) {
		for (volatile int spin = 0; spin < 2000; spin++)
			;
		sched_yield();
		if (busy_page[0] != first)
			return 1;
	}
	return 0;
}

static void test_fork_beside_writer(void)
{
	busy_page = map_pages(1, 0);
	stop = 0;
	thread_t w;
	thread_spawn(&w, counting_writer, NULL);
	long moved = 0, failed = 0;
	for (int i = 0; i < FORKS(harts); i++) {
		unsigned long before = busy_page[0];
		failed += run_child(child_snapshot_stays, NULL) != W_EXIT(0);
		moved += busy_page[0] != before;
	}
	stop = 1;
	thread_wait(&w);
	EXPECT_EQ(failed, 0, "a child's snapshot never changes while the parent's thread writes");
	CHECK(moved > 0, "the writer kept writing across the forks (%ld of %d)", moved,
	      FORKS(harts));
	mm_unmap((unsigned long)busy_page, PAGE_SIZE);
}

static volatile unsigned long *read_page;
static volatile long child_seen;

static long watching_reader(void *arg)
{
	(void)arg;
	while (!stop)
		if ((read_page[0] & CHILD_MAGIC) == CHILD_MAGIC)
			child_seen++;
	return 0;
}

/* Parent copies (the child holds the frame); the child then writes the
 * frame it alone owns; the parent's reader must never see that. */
static void test_copy_beside_reader(void)
{
	read_page = map_pages(1, 0);
	stop = 0;
	child_seen = 0;
	thread_t rd;
	thread_spawn(&rd, watching_reader, NULL);
	long wrong = 0;
	for (int i = 0; i < FORKS(harts); i++) {
		int go;
		long pid = fork_held(&go);
		if (pid == 0) {
			for (int k = 0; k < 2000; k++)
				read_page[0] = CHILD_MAGIC | (unsigned long)k;
			exit(0);
		}
		read_page[0] = (unsigned long)i;   /* the parent's copy */
		release_child(go);
		wrong += wait_status(pid) != W_EXIT(0);
	}
	stop = 1;
	thread_wait(&rd);
	EXPECT_EQ(wrong, 0, "the writing children exit 0");
	EXPECT_EQ(child_seen, 0, "the parent's reader never sees the child's writes");
	mm_unmap((unsigned long)read_page, PAGE_SIZE);
}

static volatile unsigned long *shared_page;

static long increment_word(void *arg)
{
	long w = (long)arg;
	for (int i = 0; i < 1000; i++)
		shared_page[w * 8]++;
	return 0;
}

/* Two threads of the child break one page's sharing at once. */
static int child_two_writers(void *arg)
{
	(void)arg;
	thread_t a, b;
	if (thread_spawn(&a, increment_word, (void *)1) || thread_spawn(&b, increment_word, (void *)2))
		return 2;
	thread_wait(&a);
	thread_wait(&b);
	return shared_page[8] == 1000 && shared_page[16] == 1000 ? 0 : 1;
}

static void test_two_writers(void)
{
	shared_page = map_pages(1, 0);
	shared_page[8] = shared_page[16] = 0;
	long bad = 0;
	for (int i = 0; i < FORKS(harts) / 2; i++)
		bad += run_child(child_two_writers, NULL) != W_EXIT(0);
	EXPECT_EQ(bad, 0, "two threads of a child writing one shared page lose no write");
	EXPECT_EQ(shared_page[8] + shared_page[16], 0, "the parent's page stays as it was");
	mm_unmap((unsigned long)shared_page, PAGE_SIZE);
}

int main(void)
{
	TEST_PLAN();
	harts = (unsigned)kstat_now().harts;
	/* A thread's first stack slot and trap-context page need page-table
	 * pages that stay the process's, as a first fork's do. */
	thread_t warm;
	shared_page = map_pages(1, 0);
	thread_spawn(&warm, increment_word, (void *)0);
	thread_wait(&warm);
	mm_unmap((unsigned long)shared_page, PAGE_SIZE);
	struct kstat start = kstat_after_warm_fork();
	test_isolation_and_counters();
	test_kernel_write();
	test_protect_and_remap();
	test_fork_beside_writer();
	test_copy_beside_reader();
	test_two_writers();
	kstat_expect_back(&start, KSTAT_ALL, "copy-on-write tests");
	return test_done();
}
