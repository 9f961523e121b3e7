/* x_oom: one process exhausts physical memory while others keep working.
 *
 * WORKERS worker processes set up first: they touch all the memory they
 * will use (buffers and thread stacks) and start their threads, which then
 * loop over rounds of work that need no new memory: hashing a buffer (the
 * result must equal the hash taken at set-up, every round) and semaphore
 * ping-pong between two threads (exact counts). Then a hog process grabs
 * memory and touches every page until the kernel refuses (mmap -ENOMEM, or
 * the break stops growing: the hog exits 0) or kills it (SIGKILL or
 * SIGSEGV at the fault it cannot satisfy) -- both are allowed. Hogs run
 * several times: 4 threads mapping and touching at once, then the break.
 * After each hog is reaped the free frame count must be exactly what it was
 * before the hog. Finally the workers are stopped and report: every round
 * exact, and they made progress while the hogs ran (a liveness check with
 * hundreds of milliseconds of slack: a hog holds its memory 100 ms).
 *
 * usage: x_oom [HOG_ROUNDS] */
#include "stress.h"
#include <sync.h>
#include <thread.h>

#define WORKERS        3
#define WORKER_BUF     (256 * 1024)
#define CHUNK          (1024 * 1024)
#define PAGE           4096
#define HOG_THREADS    4

/* ---- workers ---- */

struct worker_result {
	long rounds;          /* hash rounds completed */
	long bad_rounds;      /* a hash that differed from the set-up one */
	long pings;           /* ping-pong hand-overs */
	long ping_errors;
	long rounds_at_start; /* rounds done when the worker reported ready */
	long rounds_at_hog_end; /* rounds done when the last hog was reaped */
};

static unsigned char worker_buf[WORKER_BUF];
static unsigned long buf_hash;
static int stop;
static int threads_ready;    /* worker threads past their stack warm-up */
static struct worker_result wres;
static semaphore_t ping, pong;

static unsigned long hash_buffer(void)
{
	unsigned long h = 1469598103934665603UL;
	for (long i = 0; i < WORKER_BUF; i += 64)
		h = (h ^ worker_buf[i]) * 1099511628211UL;
	return h;
}

/* A worker thread's start: its stack is touched before the hog begins (so
 * the hog cannot starve it of stack pages), then it counts itself ready. */
static void worker_thread_ready(void)
{
	warm_stack();
	__atomic_add_fetch(&threads_ready, 1, __ATOMIC_RELEASE);
}

static long hasher(void *arg)
{
	(void)arg;
	worker_thread_ready();
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		if (hash_buffer() != buf_hash)
			__atomic_add_fetch(&wres.bad_rounds, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&wres.rounds, 1, __ATOMIC_RELAXED);
		sched_yield();
	}
	return 0;
}

/* Ping-pong until stop: the pinger reads `stop`, passes it on in `last_ping`
 * before posting, and the ponger reads it after the semaphore hand-over
 * (which orders the two), so both end after the same ping. They return
 * their counts, which must agree. */
static int last_ping;

static long pinger(void *arg)
{
	(void)arg;
	worker_thread_ready();
	long pings = 0;
	for (;;) {
		int last = __atomic_load_n(&stop, __ATOMIC_ACQUIRE);
		__atomic_store_n(&last_ping, last, __ATOMIC_RELAXED);
		if (semaphore_post(&ping) || semaphore_wait(&pong))
			wres.ping_errors++;
		pings++;
		__atomic_store_n(&wres.pings, pings, __ATOMIC_RELAXED);
		if (last)
			return pings;
	}
}

static long ponger(void *arg)
{
	(void)arg;
	worker_thread_ready();
	long pongs = 0;
	for (;;) {
		if (semaphore_wait(&ping))
			wres.ping_errors++;
		int last = __atomic_load_n(&last_ping, __ATOMIC_RELAXED);
		pongs++;
		if (semaphore_post(&pong))
			wres.ping_errors++;
		if (last)
			return pongs;
	}
}

/* A worker: set up, tell the parent, work until the parent writes to
 * `control`, then report through `report`. */
static int worker(int ready, int control, int report)
{
	warm_stack();
	for (long i = 0; i < WORKER_BUF; i++)
		worker_buf[i] = (unsigned char)(i * 131 + 7);
	memset(&wres, 0, sizeof wres);
	buf_hash = hash_buffer();
	if (semaphore_init(&ping, 0) || semaphore_init(&pong, 0))
		return 10;
	thread_t t[4];
	if (thread_spawn(&t[0], hasher, NULL) || thread_spawn(&t[1], hasher, NULL) ||
	    thread_spawn(&t[2], pinger, NULL) || thread_spawn(&t[3], ponger, NULL))
		return 11;
	/* Every thread has touched all the stack it will use and run its loop
	 * (the parent's frame counts must not move after "ready"). */
	while (__atomic_load_n(&threads_ready, __ATOMIC_ACQUIRE) < 4 ||
	       __atomic_load_n(&wres.rounds, __ATOMIC_ACQUIRE) < 2 ||
	       __atomic_load_n(&wres.pings, __ATOMIC_ACQUIRE) < 2)
		sched_yield();
	wres.rounds_at_start = __atomic_load_n(&wres.rounds, __ATOMIC_ACQUIRE);
	if (write(ready, "r", 1) != 1)
		return 12;
	char cmd = 0;
	if (read(control, &cmd, 1) != 1 || cmd != 'h')
		return 13;
	wres.rounds_at_hog_end = __atomic_load_n(&wres.rounds, __ATOMIC_ACQUIRE);
	if (read(control, &cmd, 1) != 1 || cmd != 's')
		return 14;
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	long codes[4];
	for (int i = 0; i < 4; i++)
		codes[i] = thread_wait(t[i]);
	if (codes[0] || codes[1] || codes[2] != codes[3] || codes[2] != wres.pings)
		wres.ping_errors++;
	if (write(report, &wres, sizeof wres) != sizeof wres)
		return 15;
	return 0;
}

/* ---- hogs ---- */

static int hog_report;
static long hog_pages;
static int hog_refused;          /* the kernel said no without killing us */

static void note_page(void)
{
	long n = __atomic_add_fetch(&hog_pages, 1, __ATOMIC_RELAXED);
	if (n % (CHUNK / PAGE) == 0)
		write(hog_report, &n, sizeof n);
}

static long mmap_hog(void *arg)
{
	(void)arg;
	for (;;) {
		char *p = mmap(0, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (MMAP_FAILED(p)) {
			__atomic_store_n(&hog_refused, (int)(long)p, __ATOMIC_RELEASE);
			return 0;
		}
		for (long off = 0; off < CHUNK; off += PAGE) {
			p[off] = 1;
			note_page();
		}
	}
}

static int hog(int use_brk, int report)
{
	hog_report = report;
	if (use_brk) {
		for (;;) {
			char *p = sbrk(CHUNK);
			if (p == (char *)-1) {
				hog_refused = -ENOMEM;
				break;
			}
			for (long off = 0; off < CHUNK; off += PAGE) {
				p[off] = 1;
				note_page();
			}
		}
	} else {
		thread_t t[HOG_THREADS];
		int n = 0;
		for (int i = 0; i < HOG_THREADS; i++)
			n += thread_spawn(&t[n], mmap_hog, NULL) == 0;
		for (int i = 0; i < n; i++)
			thread_wait(t[i]);
	}
	write(report, &hog_pages, sizeof hog_pages);
	pause_ms(100);       /* hold it all a moment while the workers work */
	return hog_refused ? 0 : 20;
}

/* Runs one hog to its end; checks its status and that every frame came
 * back. */
static void hog_round(int use_brk, long round)
{
	const char *how = use_brk ? "brk" : "mmap by 4 threads";
	struct kstat k0 = kstat_now();
	int fds[2];
	if (!CHECK_EQ(pipe(fds), 0, "hog report pipe"))
		return;
	long pid = fork();
	if (pid == 0) {
		close(fds[0]);
		exit(hog(use_brk, fds[1]));
	}
	close(fds[1]);
	CHECK(pid > 0, "hog %ld forked", round);
	int status = -1;
	CHECK_EQ(waitpid((int)pid, &status, 0), pid, "the hog is reaped");
	long pages = 0, v;
	while (read_full(fds[0], &v, sizeof v) == sizeof v)
		pages = v > pages ? v : pages;
	close(fds[0]);
	const char *end = status == 0 ? "refused (exit 0)" :
			  status == SIGKILL ? "killed by SIGKILL" :
			  status == SIGSEGV ? "killed by SIGSEGV" : "something else";
	test_note("hog %ld (%s): %ld of %lu free pages touched, %s", round, how, pages,
		  k0.free_frames, end);
	CHECK(status == 0 || status == SIGKILL || status == SIGSEGV,
	      "hog %ld (%s) ends refused (exit 0) or killed by 9 or 11 (0x%x)", round, how,
	      status);
	CHECK(pages >= (long)k0.free_frames / 2,
	      "hog %ld got at least half of the free memory before it stopped", round);
	struct kstat k1 = kstat_now();
	if (!CHECK_EQ(k1.free_frames, k0.free_frames, "every frame of the hog came back")) {
		/* Diagnosis only: do the frames come back later (freed late by
		 * the kernel) or stay (held by a live process)? */
		for (int i = 0; i < 5; i++) {
			pause_ms(100);
			struct kstat k = kstat_now();
			test_note("after %d ms: free frames %lu, kmalloc bytes %lu, threads %lu, "
				  "procs %lu", (i + 1) * 100, k.free_frames, k.kmalloc_bytes,
				  k.live_threads, k.live_procs);
		}
	}
	CHECK_EQ(k1.kmalloc_bytes, k0.kmalloc_bytes, "every kmalloc byte of the hog came back");
}

int main(int argc, char **argv)
{
	long rounds = arg_long(argc, argv, 1, 4);
	TEST_PLAN();
	struct kstat before = stress_begin("x_oom");
	/* The parent keeps one end of each pipe; a worker only its own
	 * ends (so that a dead worker's report pipe reaches end-of-file, and
	 * so that nobody runs out of the 16 descriptors). */
	int ready[2], control[WORKERS][2], report[WORKERS][2];
	long pid[WORKERS];
	if (pipe(ready))
		return 3;
	for (int w = 0; w < WORKERS; w++) {
		if (pipe(control[w]) || pipe(report[w]))
			return 3;
		pid[w] = fork();
		if (pid[w] == 0) {
			close(ready[0]);
			for (int v = 0; v <= w; v++) {
				close(control[v][1]);
				close(report[v][0]);
			}
			exit(worker(ready[1], control[w][0], report[w][1]));
		}
		close(control[w][0]);
		close(report[w][1]);
	}
	close(ready[1]);
	char c;
	int up = 0;
	while (up < WORKERS && read(ready[0], &c, 1) == 1)
		up++;
	CHECK_EQ(up, WORKERS, "every worker is set up and running");

	for (long r = 0; r < rounds; r++)
		hog_round(r % 2, r);

	for (int w = 0; w < WORKERS; w++)
		write(control[w][1], "h", 1);
	for (int w = 0; w < WORKERS; w++)
		write(control[w][1], "s", 1);
	for (int w = 0; w < WORKERS; w++) {
		struct worker_result wr;
		memset(&wr, 0, sizeof wr);
		int status = -1;
		waitpid((int)pid[w], &status, 0);
		long got = read_full(report[w][0], &wr, sizeof wr);
		CHECK_EQ(status, 0, "worker exits 0");
		CHECK_EQ(got, sizeof wr, "worker reports");
		CHECK_EQ(wr.bad_rounds, 0, "worker: every hash round exact");
		CHECK_EQ(wr.ping_errors, 0, "worker: ping-pong exact");
		CHECK(wr.rounds_at_hog_end > wr.rounds_at_start,
		      "worker made progress while the hogs ran (%ld -> %ld rounds)",
		      wr.rounds_at_start, wr.rounds_at_hog_end);
		test_note("worker %d: %ld hash rounds, %ld pings in all", w, wr.rounds, wr.pings);
		close(control[w][1]);
		close(report[w][0]);
	}
	close(ready[0]);
	stress_end(&before, "x_oom");
	return test_done();
}
