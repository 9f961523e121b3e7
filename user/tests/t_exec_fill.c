/* t_exec_fill: program pages filled on first touch.
 *
 * exec maps a program's pages without copying them; each is built from the
 * program file when first touched. This program carries 16 pages of
 * read-only data, 16 pages of writable data (each byte a known function of
 * its offset) and a function alone in its page, and checks that: no such
 * page is there before its first touch (mincore); a read, a write, an
 * instruction fetch, and the kernel's own reads and writes (a pipe's write
 * from .rodata, read into .data) each fill exactly the page touched, with
 * the file's bytes; a write to read-only data is SIGSEGV and fills nothing;
 * a fork child fills its own pages; munmap, mprotect and mremap of part of
 * the program keep the right bytes in the rest; MADV_DONTNEED gives the
 * file's bytes back, as on Linux for a private file mapping; threads
 * touching the same pages at once on several harts all read them right;
 * running out of memory at a fill kills only the process that touched
 * (SIGKILL, one console line: meson checks it); and no frame leaks. */
#include "mmcommon.h"
#include <thread.h>

#define BLOB_PAGES 16
#define BLOB_BYTES (BLOB_PAGES * 4096)
#define FAR_VALUE 0x1234

/* ro_blob[i] = (7i + i/4096) & 0xff, rw_blob[i] = (13i + 5 + i/4096) & 0xff:
 * every page different. Both start on a page boundary and fill whole pages,
 * so no other variable shares their pages; far_fn has a page to itself. */
__asm__(".section .rodata.blob, \"a\"\n.balign 4096\n.globl ro_blob\nro_blob:\n"
	".set i, 0\n.rept 16 * 4096\n.byte (i * 7 + i / 4096) & 0xff\n.set i, i + 1\n.endr\n"
	".section .data.blob, \"aw\"\n.balign 4096\n.globl rw_blob\nrw_blob:\n"
	".set i, 0\n.rept 16 * 4096\n.byte (i * 13 + 5 + i / 4096) & 0xff\n.set i, i + 1\n.endr\n"
	".section .text.far, \"ax\"\n.balign 4096\n.globl far_fn\nfar_fn:\n"
	"li a0, 0x1234\nret\n.balign 4096\n.text\n");
extern const unsigned char ro_blob[BLOB_BYTES];
extern unsigned char rw_blob[BLOB_BYTES];
long far_fn(void);

static unsigned char ro_byte(unsigned long i)
{
	return (unsigned char)(i * 7 + i / 4096);
}

static unsigned char rw_byte(unsigned long i)
{
	return (unsigned char)(i * 13 + 5 + i / 4096);
}

/* Bytes of page `page` (as the file has it) that differ at p, which holds
 * that page now (it may have been moved). */
static long ro_wrong(const unsigned char *p, int page)
{
	long wrong = 0;
	for (unsigned long i = 0; i < PAGE_SIZE; i++)
		wrong += p[i] != ro_byte(page * PAGE_SIZE + i);
	return wrong;
}

static long rw_wrong(const unsigned char *p, int page, unsigned long skip_lo,
		     unsigned long skip_hi)
{
	long wrong = 0;
	for (unsigned long i = 0; i < PAGE_SIZE; i++)
		if (i < skip_lo || i >= skip_hi)
			wrong += p[i] != rw_byte(page * PAGE_SIZE + i);
	return wrong;
}

/* Bit i set when page i of [p, p + n pages) is there (mincore). */
static long present(const void *p, int n)
{
	unsigned char vec[BLOB_PAGES];
	long r = syscall3(SYS_mincore, (long)p, n * (long)PAGE_SIZE, (long)vec);
	if (r)
		return r;
	long bits = 0;
	for (int i = 0; i < n; i++)
		bits |= (long)(vec[i] & 1) << i;
	return bits;
}

static int load_at(void *p)
{
	return *(volatile unsigned char *)p;
}

static int store_at(void *p)
{
	*(volatile unsigned char *)p = 1;
	return 0;
}

static void test_untouched(void)
{
	EXPECT_EQ(present(ro_blob, BLOB_PAGES), 0, "no page of .rodata's blob is there at start");
	EXPECT_EQ(present(rw_blob, BLOB_PAGES), 0, "no page of .data's blob is there at start");
	EXPECT_EQ(present((void *)far_fn, 1), 0, "nor the page of a function not yet called");
}

static void test_touches(void)
{
	EXPECT_EQ(ro_wrong(ro_blob, 0), 0, "a read fills page 0 of .rodata with the file's bytes");
	EXPECT_EQ(present(ro_blob, BLOB_PAGES), 1, "exactly that page is there now");
	EXPECT_EQ(far_fn(), FAR_VALUE, "an instruction fetch fills a text page");
	EXPECT_EQ(present((void *)far_fn, 1), 1, "and it is there now");
	rw_blob[4 * PAGE_SIZE + 9] = 0xAA;
	EXPECT_EQ(rw_wrong(rw_blob + 4 * PAGE_SIZE, 4, 9, 10), 0,
		  "a write fills page 4 of .data: the rest of it holds the file's bytes");
	EXPECT_EQ(present(rw_blob, BLOB_PAGES), 1 << 4, "only that .data page is there");
	EXPECT_EQ(run_child(store_at, (void *)(ro_blob + 5 * PAGE_SIZE)), SIGSEGV,
		  "a write to .rodata kills a child with SIGSEGV");
	EXPECT_EQ(present(ro_blob, BLOB_PAGES), 1, "a child's touches fill none of the parent's pages");
}

static void test_kernel_access(void)
{
	int fds[2];
	unsigned char got[200];
	pipe(fds);
	EXPECT_EQ(write(fds[1], ro_blob + 2 * PAGE_SIZE + 100, 200), 200,
		  "write() from an untouched .rodata page");
	EXPECT_EQ(read(fds[0], got, 200), 200, "reading it back");
	long wrong = 0;
	for (int i = 0; i < 200; i++)
		wrong += got[i] != ro_byte(2 * PAGE_SIZE + 100 + (unsigned long)i);
	EXPECT_EQ(wrong, 0, "the kernel's copy filled the page and read the file's bytes");
	memset(got, 'Z', 100);
	write(fds[1], got, 100);
	EXPECT_EQ(read(fds[0], rw_blob + 3 * PAGE_SIZE + 50, 100), 100,
		  "read() into an untouched .data page");
	CHECK(rw_blob[3 * PAGE_SIZE + 50] == 'Z' && rw_blob[3 * PAGE_SIZE + 149] == 'Z',
	      "the bytes read are there");
	EXPECT_EQ(rw_wrong(rw_blob + 3 * PAGE_SIZE, 3, 50, 150), 0,
		  "and the rest of that page holds the file's bytes");
	close(fds[0]);
	close(fds[1]);
}

/* In a fork child: what it reads of pages the parent never touched, and of
 * page 4 which the parent wrote. */
static long child_reads(long *v, void *arg)
{
	(void)arg;
	v[0] = ro_wrong(ro_blob + 6 * PAGE_SIZE, 6) + rw_wrong(rw_blob + 6 * PAGE_SIZE, 6, 0, 0);
	v[1] = rw_blob[4 * PAGE_SIZE + 9];
	rw_blob[4 * PAGE_SIZE + 9] = 0x55;
	rw_blob[6 * PAGE_SIZE] = 0x55;
	v[2] = present(ro_blob, BLOB_PAGES);
	return 3;
}

static void test_fork(void)
{
	struct report r;
	run_reporting(child_reads, NULL, &r);
	EXPECT_EQ(r.status, W_EXIT(0), "the fork child ran");
	EXPECT_EQ(r.v[0], 0, "a fork child fills pages the parent never touched, right");
	EXPECT_EQ(r.v[1], 0xAA, "and has a copy of a page the parent wrote");
	EXPECT_EQ(r.v[2], (1 << 6) | (1 << 2) | 1, "its .rodata pages: the parent's two and its own");
	EXPECT_EQ(rw_blob[4 * PAGE_SIZE + 9], 0xAA, "the child's writes stay in the child");
	EXPECT_EQ(present(rw_blob, BLOB_PAGES), (1 << 3) | (1 << 4),
		  "and its fills too");
}

static void test_split_and_move(void)
{
	unsigned long dst = (unsigned long)mm_map(0, 4 * PAGE_SIZE, PROT_NONE, ANON);
	EXPECT_EQ(mm_remap((unsigned long)ro_blob + 8 * PAGE_SIZE, 4 * PAGE_SIZE, 4 * PAGE_SIZE,
			   MREMAP_MAYMOVE | MREMAP_FIXED, dst), (long)dst,
		  "mremap moves 4 untouched .rodata pages");
	long wrong = 0;
	for (int i = 0; i < 4; i++)
		wrong += ro_wrong((const unsigned char *)dst + i * PAGE_SIZE, 8 + i);
	EXPECT_EQ(wrong, 0, "filled where they moved to, with the bytes of where they were");
	EXPECT_EQ(run_child(load_at, (void *)(ro_blob + 8 * PAGE_SIZE)), SIGSEGV,
		  "their old place is gone");
	EXPECT_EQ(mm_unmap((unsigned long)ro_blob + 12 * PAGE_SIZE, PAGE_SIZE), 0,
		  "munmap of page 12");
	EXPECT_EQ(ro_wrong(ro_blob + 13 * PAGE_SIZE, 13), 0, "page 13 after it still fills right");
	EXPECT_EQ(mm_protect((unsigned long)rw_blob + 8 * PAGE_SIZE, PAGE_SIZE, PROT_READ), 0,
		  "mprotect of .data page 8 to read-only");
	EXPECT_EQ(rw_wrong(rw_blob + 9 * PAGE_SIZE, 9, 0, 0) + rw_wrong(rw_blob + 8 * PAGE_SIZE, 8, 0, 0),
		  0, "pages 8 and 9 fill right on both sides of the split");
	EXPECT_EQ(run_child(store_at, rw_blob + 8 * PAGE_SIZE), SIGSEGV, "page 8 is read-only");
	EXPECT_EQ(mm_protect((unsigned long)rw_blob + 8 * PAGE_SIZE, PAGE_SIZE, RW), 0,
		  "and writable again");
	unsigned long rw_dst = (unsigned long)mm_map(0, 3 * PAGE_SIZE, PROT_NONE, ANON);
	EXPECT_EQ(mm_remap((unsigned long)rw_blob + 4 * PAGE_SIZE, 3 * PAGE_SIZE, 3 * PAGE_SIZE,
			   MREMAP_MAYMOVE | MREMAP_FIXED, rw_dst), (long)rw_dst,
		  "mremap moves .data pages 4-6 (4 written, 5-6 untouched)");
	const unsigned char *moved = (const unsigned char *)rw_dst;
	EXPECT_EQ(moved[9], 0xAA, "the written page moved with its contents");
	EXPECT_EQ(rw_wrong(moved + PAGE_SIZE, 5, 0, 0) + rw_wrong(moved + 2 * PAGE_SIZE, 6, 0, 0), 0,
		  "the untouched ones fill with their own bytes");
	mm_unmap(dst, 4 * PAGE_SIZE);
	mm_unmap(rw_dst, 3 * PAGE_SIZE);
}

static void test_dontneed(void)
{
	rw_blob[10 * PAGE_SIZE] = 0xAA;
	EXPECT_EQ(mm_advise((unsigned long)rw_blob + 10 * PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED), 0,
		  "MADV_DONTNEED of a written .data page");
	EXPECT_EQ(rw_wrong(rw_blob + 10 * PAGE_SIZE, 10, 0, 0), 0,
		  "it comes back with the file's bytes, as a private file mapping does on Linux");
}

#define RACERS 4
static volatile int race_go;

/* Every racer reads the same untouched pages in the same order. */
static long racer(void *arg)
{
	(void)arg;
	while (!race_go)
		;
	long wrong = 0;
	for (int page = 11; page < BLOB_PAGES; page++)
		wrong += rw_wrong(rw_blob + page * PAGE_SIZE, page, 0, 0);
	wrong += ro_wrong(ro_blob + 14 * PAGE_SIZE, 14) + ro_wrong(ro_blob + 15 * PAGE_SIZE, 15);
	return wrong;
}

static long race_child(long *v, void *arg)
{
	(void)arg;
	thread_t t[RACERS];
	/* The leak check's snapshot touched every program page: these go, to
	 * come back on the racers' first touch. */
	mm_advise((unsigned long)rw_blob + 11 * PAGE_SIZE, 5 * PAGE_SIZE, MADV_DONTNEED);
	mm_advise((unsigned long)ro_blob + 14 * PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED);
	if (present(rw_blob + 11 * PAGE_SIZE, 5) || present(ro_blob + 14 * PAGE_SIZE, 2))
		return 0;
	for (int i = 0; i < RACERS; i++)
		if (thread_spawn(&t[i], racer, NULL))
			return 0;
	race_go = 1;
	v[0] = 0;
	for (int i = 0; i < RACERS; i++)
		v[0] += thread_wait(&t[i]);
	v[1] = present(rw_blob + 11 * PAGE_SIZE, 5);
	return 2;
}

/* Drops .rodata page 7 (the leak check's snapshot touched it), takes every
 * free frame (each heap page supplied through getrandom, which fails
 * instead of killing when none can be had), then reads that page: its fill
 * finds no frame. */
static int starve_then_touch(void *arg)
{
	(void)arg;
	mm_advise((unsigned long)ro_blob + 7 * PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED);
	unsigned long base = (unsigned long)brk(0), hog = 512UL << 20;
	if ((unsigned long)brk((void *)(base + hog)) != base + hog)
		return 2;
	unsigned long top = base;
	while (top < base + hog && syscall3(SYS_getrandom, (long)top, 1, 0) == 1)
		top += PAGE_SIZE;
	if (top == base + hog)
		return 3;
	return ro_blob[7 * PAGE_SIZE + 1];
}

/* The children's work (racing threads, a process out of memory), with the
 * counters checked around it: the children take and give back everything
 * (the first snapshot touched every page of this program, leakcheck.h). */
static void test_children(void)
{
	struct kstat before = kstat_after_warm_fork();
	struct report r;
	run_reporting(race_child, NULL, &r);
	long oom = run_child(starve_then_touch, NULL);
	kstat_expect_back(&before, KSTAT_ALL, "racing threads and a process out of memory");
	EXPECT_EQ(r.status, W_EXIT(0), "4 threads fill the same pages at once, none killed");
	EXPECT_EQ(r.count, 2, "they all finished");
	EXPECT_EQ(r.v[0], 0, "and all read the file's bytes");
	EXPECT_EQ(r.v[1], 0x1f, "pages 11-15 of .data are there once read");
	EXPECT_EQ(oom, SIGKILL, "out of memory at a fill: SIGKILL for the process that touched");
	EXPECT_EQ(ro_wrong(ro_blob + 7 * PAGE_SIZE, 7), 0, "the parent goes on and reads that page right");
}

int main(void)
{
	TEST_PLAN();
	test_untouched();
	test_touches();
	test_kernel_access();
	test_fork();
	test_split_and_move();
	test_dontneed();
	test_children();
	return test_done();
}
