/* t_pipe: pipes between processes.
 *
 * Large transfers (512 KiB) in both directions with odd chunk sizes arrive byte for
 * byte; several writers' small records are never torn (POSIX: writes of at
 * most PIPE_BUF bytes, at least 512, are atomic); end of file comes only
 * when the last writer has gone; writing with no reader is -EPIPE and does
 * not kill; a read of 0 bytes returns 0 at once; fd errors are -EBADF and
 * running out of fds is -EMFILE with nothing leaked. */
#include <thread.h>
#include "tcommon.h"

#define MIB (1024L * 1024L)
#define BIG (512L * 1024L)     /* 128 times the pipe's 4 KiB ring */

static void close_pair(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

/* Byte i of every test stream. Not periodic in any power of two, so a lost,
 * doubled or reordered chunk shows. */
static unsigned char pattern(long i)
{
	return (unsigned char)(i * 7 + (i >> 8) * 13 + (i >> 16));
}

static unsigned long fnv1a(unsigned long h, const unsigned char *p, long n)
{
	for (long i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3UL;
	return h;
}

#define FNV_START 0xcbf29ce484222325UL

/* Writes `total` pattern bytes in chunks cycling through odd sizes. */
static long write_pattern(int fd, long total)
{
	static const long sizes[] = { 1, 4093, 17, 65536, 256, 5000, 4096, 3 };
	static unsigned char buf[65536];
	long done = 0;
	for (int k = 0; done < total; k++) {
		long n = sizes[k % 8];
		if (n > total - done)
			n = total - done;
		for (long i = 0; i < n; i++)
			buf[i] = pattern(done + i);
		long w = write_full(fd, buf, (unsigned long)n);
		if (w != n)
			return w < 0 ? w : done + w;
		done += n;
	}
	return done;
}

struct stream_check {
	long bytes;            /* read before end of file */
	long mismatches;       /* bytes that differ from pattern() */
	unsigned long hash;    /* FNV-1a of what arrived */
};

/* Reads to end of file in chunks of odd sizes, checking every byte. */
static void read_pattern(int fd, struct stream_check *c)
{
	static const long sizes[] = { 1000, 1, 4096, 333, 8192, 7 };
	static unsigned char buf[8192];
	memset(c, 0, sizeof *c);
	c->hash = FNV_START;
	for (int k = 0;; k++) {
		long r = read(fd, buf, (unsigned long)sizes[k % 6]);
		if (r <= 0) {
			if (r < 0)
				c->mismatches = r;
			return;
		}
		for (long i = 0; i < r; i++)
			c->mismatches += buf[i] != pattern(c->bytes + i);
		c->hash = fnv1a(c->hash, buf, r);
		c->bytes += r;
	}
}

static unsigned long expected_hash(long total)
{
	unsigned long h = FNV_START;
	for (long i = 0; i < total; i++) {
		unsigned char b = pattern(i);
		h = fnv1a(h, &b, 1);
	}
	return h;
}

static long reader_child(long *v, void *arg)
{
	int *fds = arg;
	close(fds[1]);
	struct stream_check c;
	read_pattern(fds[0], &c);
	v[0] = c.bytes;
	v[1] = c.mismatches;
	v[2] = (long)c.hash;
	return 3;
}

static void test_big_transfers(void)
{
	unsigned long want_hash = expected_hash(BIG);
	int fds[2];
	pipe(fds);
	long pid = fork();
	if (pid == 0) {
		close(fds[0]);
		exit(write_pattern(fds[1], BIG) == BIG ? 0 : 1);
	}
	close(fds[1]);
	struct stream_check c;
	read_pattern(fds[0], &c);
	close(fds[0]);
	EXPECT_EQ(c.bytes, BIG, "child to parent: 512 KiB arrive");
	EXPECT_EQ(c.mismatches, 0, "child to parent: every byte right");
	CHECK(c.hash == want_hash, "child to parent: checksum %lx", c.hash);
	EXPECT_EQ(wait_status(pid), W_EXIT(0), "the writing child wrote it all");

	pipe(fds);
	struct report r;
	/* The reader is a child; we write after forking it. run_reporting
	 * would wait for the report first, so fork by hand. */
	int rep[2];
	pipe(rep);
	pid = fork();
	if (pid == 0) {
		close(rep[0]);
		long v[3];
		reader_child(v, fds);
		write_full(rep[1], v, sizeof v);
		exit(0);
	}
	close(fds[0]);
	close(rep[1]);
	EXPECT_EQ(write_pattern(fds[1], BIG), BIG, "parent to child: wrote 512 KiB");
	close(fds[1]);
	memset(&r, 0, sizeof r);
	EXPECT_EQ(read_full(rep[0], r.v, 3 * sizeof(long)), 3 * (long)sizeof(long),
		  "the reading child reported");
	close(rep[0]);
	EXPECT_EQ(r.v[0], BIG, "parent to child: 512 KiB arrive");
	EXPECT_EQ(r.v[1], 0, "parent to child: every byte right");
	CHECK((unsigned long)r.v[2] == want_hash, "parent to child: checksum %lx",
	      (unsigned long)r.v[2]);
	EXPECT_EQ(wait_status(pid), W_EXIT(0), "the reading child exits 0");
}

/* ---- several writers ---- */

#define WRITERS 4
#define RECORDS 1000
#define RECORD_BYTES 128       /* below POSIX's smallest PIPE_BUF, 512 */

struct record {
	long writer;
	long seq;
	unsigned char fill[RECORD_BYTES - 2 * sizeof(long)];
};

static void fill_record(struct record *rec, long w, long seq)
{
	rec->writer = w;
	rec->seq = seq;
	for (unsigned i = 0; i < sizeof rec->fill; i++)
		rec->fill[i] = (unsigned char)(w * 31 + seq + i);
}

static void test_many_writers(void)
{
	int fds[2];
	pipe(fds);
	long pids[WRITERS];
	for (long w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			close(fds[0]);
			struct record rec;
			for (long s = 0; s < RECORDS; s++) {
				fill_record(&rec, w, s);
				if (write(fds[1], &rec, sizeof rec) != sizeof rec)
					exit(1);
			}
			exit(0);
		}
	}
	close(fds[1]);
	long next[WRITERS] = { 0 }, torn = 0, order = 0, total = 0;
	struct record rec, want;
	/* Odd read sizes make the free space in the pipe odd too, so a writer
	 * that is not atomic would be cut inside a record. */
	static const long sizes[] = { 13, 128, 1, 500, 127 };
	unsigned char *p = (unsigned char *)&rec;
	long have = 0;
	for (int k = 0;; k++) {
		long n = sizes[k % 5];
		if (n > (long)sizeof rec - have)
			n = (long)sizeof rec - have;
		long r = read(fds[0], p + have, (unsigned long)n);
		if (r <= 0)
			break;
		have += r;
		if (have < (long)sizeof rec)
			continue;
		have = 0;
		total++;
		if (rec.writer < 0 || rec.writer >= WRITERS) {
			torn++;
			continue;
		}
		fill_record(&want, rec.writer, rec.seq);
		torn += memcmp(&rec, &want, sizeof rec) != 0;
		order += rec.seq != next[rec.writer];
		next[rec.writer] = rec.seq + 1;
	}
	close(fds[0]);
	EXPECT_EQ(total, WRITERS * RECORDS, "4 writers: every record arrives");
	EXPECT_EQ(have, 0, "4 writers: no partial record at the end");
	EXPECT_EQ(torn, 0, "4 writers: no record is torn or mixed with another");
	EXPECT_EQ(order, 0, "4 writers: each writer's records arrive in order");
	int bad = 0;
	for (int w = 0; w < WRITERS; w++)
		bad += wait_status(pids[w]) != W_EXIT(0);
	EXPECT_EQ(bad, 0, "4 writers: all exit 0");
}

/* ---- end of file ---- */

/* State of thread `tid` of this process in the kernel's thread list, or -1
 * if it is not there. */
static long thread_state_of(long tid)
{
	static struct thread_info list[64];
	long n = thread_list(list, 64), pid = getpid();
	for (long i = 0; i < n; i++)
		if (list[i].pid == pid && list[i].tid == tid)
			return list[i].state;
	return -1;
}

/* Polls until thread tid is in `state`, for about 5 s at most (a hang
 * guard, not a timing check); true if it got there. */
static int thread_reaches(long tid, long state)
{
	for (int i = 0; i < 5000; i++) {
		if (thread_state_of(tid) == state)
			return 1;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, 0);
	}
	return 0;
}

static int eof_fd;

static long blocked_reader(void *arg)
{
	(void)arg;
	char c;
	return read(eof_fd, &c, 1);
}

static void test_eof(void)
{
	int fds[2], go[2];
	pipe(fds);
	pipe(go);
	long a = fork();
	if (a == 0) {
		close(fds[0]);
		write(fds[1], "a", 1);
		exit(0);
	}
	long b = fork();
	if (b == 0) {
		char c;
		close(fds[0]);
		close(go[1]);
		read(go[0], &c, 1);
		write(fds[1], "b", 1);
		read(go[0], &c, 1);      /* closes the last write end on the second go */
		exit(0);
	}
	close(fds[1]);
	close(go[0]);
	char c = 0;
	EXPECT_EQ(read(fds[0], &c, 1), 1, "read writer A's byte");
	EXPECT_EQ(c, 'a', "it is 'a'");
	EXPECT_EQ(wait_status(a), W_EXIT(0), "writer A exits; B still holds the pipe");
	write(go[1], "g", 1);
	c = 0;
	EXPECT_EQ(read(fds[0], &c, 1), 1, "no end of file while writer B lives: B's byte");
	EXPECT_EQ(c, 'b', "it is 'b'");

	/* A reader blocked on the empty pipe when the last writer closes must
	 * be woken with end of file (not only a reader that comes later). */
	eof_fd = fds[0];
	thread_t reader;
	EXPECT_EQ(thread_spawn(&reader, blocked_reader, 0), 0, "reader thread starts");
	EXPECT_EQ(thread_reaches(reader.tid, THREAD_INFO_BLOCKED), 1,
		  "the reader blocks in read while writer B lives");
	write(go[1], "g", 1);
	EXPECT_EQ(wait_status(b), W_EXIT(0), "writer B exits, closing the last write end");
	if (!EXPECT_EQ(thread_reaches(reader.tid, THREAD_INFO_EXITED), 1,
		       "the blocked reader wakes when the last writer closes")) {
		test_note("reader still blocked 5 s after the last writer closed: lost wakeup");
		test_done();
		exit(1);        /* the reader can never finish: stop here */
	}
	EXPECT_EQ(thread_wait(reader), 0, "and its read returns 0: end of file");
	EXPECT_EQ(read(fds[0], &c, 1), 0, "then end of file for a new read");
	EXPECT_EQ(read(fds[0], &c, 1), 0, "and end of file again");
	close(fds[0]);
	close(go[1]);

	/* Data written before the last close is still read before EOF. */
	pipe(fds);
	write(fds[1], "xyz", 3);
	close(fds[1]);
	char buf[8] = { 0 };
	EXPECT_EQ(read(fds[0], buf, sizeof buf), 3, "bytes written before the close arrive");
	EXPECT_EQ(read(fds[0], buf, sizeof buf), 0, "then end of file");
	close(fds[0]);
}

/* ---- no reader ---- */

static void test_epipe(void)
{
	int fds[2];
	pipe(fds);
	close(fds[0]);
	EXPECT_EQ(write(fds[1], "x", 1), -EPIPE, "write with no reader is -EPIPE, not a kill");
	EXPECT_EQ(write(fds[1], "x", 1), -EPIPE, "and again");
	close(fds[1]);

	/* The reader exits after 100 bytes while we are writing 1 MiB. */
	pipe(fds);
	long pid = fork();
	if (pid == 0) {
		char buf[100];
		close(fds[1]);
		exit(read_full(fds[0], buf, sizeof buf) == 100 ? 0 : 1);
	}
	close(fds[0]);
	static char big[MIB];
	long w = write(fds[1], big, sizeof big);
	CHECK(w >= 100 && w < MIB, "a write cut off by the reader's exit returns what was written (%ld)", w);
	EXPECT_EQ(write(fds[1], big, 10), -EPIPE, "the next write is -EPIPE");
	EXPECT_EQ(wait_status(pid), W_EXIT(0), "the reader read its 100 bytes and exited");
	close(fds[1]);
}

/* ---- zero-byte reads, fds ---- */

static int read_zero_from_empty(void *arg)
{
	int *fds = arg;
	char c;
	return read(fds[0], &c, 0) == 0 ? 0 : 1;
}

static void test_zero_and_fds(void)
{
	int fds[2];
	pipe(fds);
	write(fds[1], "q", 1);
	char c = 0;
	EXPECT_EQ(read(fds[0], &c, 0), 0, "read of 0 bytes with data waiting returns 0");
	EXPECT_EQ(read(fds[0], &c, 1), 1, "the data is still there");
	EXPECT_EQ(c, 'q', "and it is 'q'");
	EXPECT_EQ(write(fds[1], &c, 0), 0, "write of 0 bytes returns 0");
	/* On an empty pipe with a writer, a 0-byte read must not block. */
	long pid = fork();
	if (pid == 0)
		exit(read_zero_from_empty(fds));
	EXPECT_EQ(wait_status_within(pid, 2000), W_EXIT(0),
		  "read of 0 bytes from an empty pipe returns 0 without blocking");
	close_pair(fds);

	EXPECT_EQ(close(3), -EBADF, "close of a closed fd");
	EXPECT_EQ(close(-1), -EBADF, "close(-1)");
	EXPECT_EQ(close(1 << 20), -EBADF, "close of a huge fd");

	/* Fill the fd table with pipes: fds 0-2 are the console. */
	struct kstat before = kstat_now();
	static int ends[300];       /* more than the 256-entry fd table */
	int n = 0;
	long err = 0;
	while (n + 2 <= 300 && (err = pipe(&ends[n])) == 0)
		n += 2;
	EXPECT_EQ(err, -EMFILE, "pipe fails with -EMFILE when the fd table is full");
	CHECK(n >= 2, "%d pipe ends were opened first", n);
	int lowest = 1;
	for (int i = 0; i < n; i++)
		lowest &= ends[i] == 3 + i;
	CHECK(lowest, "pipe ends take the lowest free fds in order");
	long spare = dup(0);
	CHECK(spare < 0 || spare == 3 + n, "a failed pipe2 leaked no fd (dup gives %ld)", spare);
	if (spare >= 0)
		close((int)spare);
	int closed = 0;
	for (int i = 0; i < n; i++)
		closed += close(ends[i]) == 0;
	EXPECT_EQ(closed, n, "every pipe end closes");
	kstat_expect_back(&before, KSTAT_FRAMES | KSTAT_KMALLOC, "closing every pipe");
	EXPECT_EQ(pipe(fds), 0, "a pipe opens again");
	EXPECT_EQ(fds[0], 3, "at fd 3");
	close_pair(fds);
}

/* A pipe within one process, and one shared by fork (reference counts). */
static void test_shared_ends(void)
{
	int fds[2];
	pipe(fds);
	EXPECT_EQ(write(fds[1], "hello", 5), 5, "write 5 bytes into a pipe");
	char buf[8] = { 0 };
	EXPECT_EQ(read(fds[0], buf, 8), 5, "read them back in the same process");
	CHECK(!memcmp(buf, "hello", 5), "they are \"hello\"");
	long pid = fork();
	if (pid == 0) {
		/* The parent closes its write end; ours keeps the pipe open. */
		char c;
		if (read(fds[0], &c, 1) != 1 || c != 'p')
			exit(1);
		exit(write(fds[1], "c", 1) == 1 ? 0 : 2);
	}
	write(fds[1], "p", 1);
	close(fds[1]);
	EXPECT_EQ(wait_status(pid), W_EXIT(0), "a forked child shares both ends");
	char c = 0;
	EXPECT_EQ(read(fds[0], &c, 1), 1, "the child's byte arrives after it exited");
	EXPECT_EQ(c, 'c', "it is 'c'");
	EXPECT_EQ(read(fds[0], &c, 1), 0, "then end of file: all writers gone");
	close(fds[0]);
}

int main(void)
{
	TEST_PLAN();
	test_shared_ends();
	test_eof();
	test_epipe();
	test_zero_and_fds();
	test_big_transfers();
	test_many_writers();
	return test_done();
}
