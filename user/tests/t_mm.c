/* t_mm: Linux memory-call semantics on raw Dakota system calls.
 *
 * Region splitting by munmap and mprotect, PROT_NONE pages that kill a
 * forked child with SIGSEGV, MAP_FIXED replacing what was there,
 * MAP_FIXED_NOREPLACE refusing, MADV_DONTNEED zeroing, mremap shrink, grow in
 * place, move and MREMAP_FIXED keeping contents, reservations that cost no
 * frames, MAP_SHARED|MAP_ANONYMOUS memory shared with a fork child (also
 * after mprotect splits it and mremap moves it), fork copying pages across
 * page-table boundaries, address ranges found again
 * after 10,000 map/unmap cycles of 1 MiB,
 * Linux's error codes, and free frames back to their starting count. */
#include "mmcommon.h"

#define MiB (1UL << 20)

static int store_at(void *p)
{
	*(volatile char *)p = 1;
	return 0;
}

static int load_at(void *p)
{
	return *(volatile char *)p;
}

/* Bit i set when page i of [p, p+n pages) starts with byte v. */
static unsigned long pages_holding(const char *p, int n, char v)
{
	unsigned long bits = 0;
	for (int i = 0; i < n; i++)
		bits |= (unsigned long)(p[i * PAGE_SIZE] == v) << i;
	return bits;
}

static void fill_pages(char *p, int n)
{
	for (int i = 0; i < n; i++)
		memset(p + i * PAGE_SIZE, 'a' + i, PAGE_SIZE);
}

static void test_split_by_munmap(void)
{
	char *p = (char *)mm_map(0, 5 * PAGE_SIZE, RW, ANON);
	fill_pages(p, 5);
	EXPECT_EQ(mm_unmap((unsigned long)p + PAGE_SIZE, 2 * PAGE_SIZE), 0, "munmap pages 1-2 of 5");
	EXPECT_EQ(run_child(store_at, p + 2 * PAGE_SIZE), SIGSEGV, "the hole faults");
	CHECK(p[0] == 'a' && p[3 * PAGE_SIZE] == 'd' && p[5 * PAGE_SIZE - 1] == 'e',
	      "head and tail keep their contents");
	p[4 * PAGE_SIZE + 7] = 'Z';
	EXPECT_EQ(run_child(load_at, p + 4 * PAGE_SIZE + 7), W_EXIT('Z'), "the tail is usable");
	EXPECT_EQ(mm_unmap((unsigned long)p, 5 * PAGE_SIZE), 0, "munmap across the hole");
	EXPECT_EQ(mm_unmap((unsigned long)p, 5 * PAGE_SIZE), 0, "munmap of an unmapped range is 0");
}

static void test_mprotect(void)
{
	char *p = (char *)mm_map(0, 4 * PAGE_SIZE, RW, ANON);
	fill_pages(p, 4);
	EXPECT_EQ(mm_protect((unsigned long)p + PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0,
		  "mprotect page 1 of 4 to PROT_NONE");
	EXPECT_EQ(run_child(load_at, p + PAGE_SIZE), SIGSEGV, "a child reading it dies of SIGSEGV");
	EXPECT_EQ(run_child(store_at, p + PAGE_SIZE), SIGSEGV, "a child writing it dies of SIGSEGV");
	EXPECT_EQ(run_child(load_at, p + 2 * PAGE_SIZE), W_EXIT('c'), "its neighbour still reads");
	EXPECT_EQ(mm_protect((unsigned long)p + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ), 0,
		  "mprotect page 2 to PROT_READ");
	EXPECT_EQ(run_child(store_at, p + 2 * PAGE_SIZE), SIGSEGV, "writing it kills");
	EXPECT_EQ(mm_protect((unsigned long)p, 4 * PAGE_SIZE, RW), 0, "all four back to RW");
	EXPECT_EQ(pages_holding(p, 4, 0), 0, "no page lost its contents");
	CHECK(p[PAGE_SIZE] == 'b' && p[2 * PAGE_SIZE] == 'c', "PROT_NONE kept the data");
	EXPECT_EQ(mm_protect((unsigned long)p + 1, PAGE_SIZE, PROT_READ), -EINVAL, "unaligned");
	EXPECT_EQ(mm_protect((unsigned long)p, PAGE_SIZE, 0x40), -EINVAL, "unknown prot bit");
	mm_unmap((unsigned long)p + 3 * PAGE_SIZE, PAGE_SIZE);
	EXPECT_EQ(mm_protect((unsigned long)p, 4 * PAGE_SIZE, PROT_READ), -ENOMEM,
		  "mprotect over a hole is -ENOMEM");
	EXPECT_EQ(mm_protect((unsigned long)p, 3 * PAGE_SIZE, RW | PROT_EXEC), 0,
		  "PROT_WRITE|PROT_EXEC is allowed, as on Linux");
	mm_unmap((unsigned long)p, 4 * PAGE_SIZE);
}

static void test_fixed(void)
{
	unsigned long p = (unsigned long)mm_map(0, 3 * PAGE_SIZE, RW, ANON);
	fill_pages((char *)p, 3);
	EXPECT_EQ(mm_map(p + PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED_NOREPLACE), -EEXIST,
		  "MAP_FIXED_NOREPLACE over a mapping is -EEXIST");
	EXPECT_EQ(mm_map(p + PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED), (long)p + PAGE_SIZE,
		  "MAP_FIXED over the middle page");
	EXPECT_EQ(((char *)p)[PAGE_SIZE], 0, "the replacement is a fresh zero page");
	EXPECT_EQ(run_child(store_at, (char *)p + PAGE_SIZE), SIGSEGV, "with the new PROT_READ");
	CHECK(((char *)p)[0] == 'a' && ((char *)p)[2 * PAGE_SIZE] == 'c', "its neighbours stay");
	mm_unmap(p, 3 * PAGE_SIZE);
	EXPECT_EQ(mm_map(p, PAGE_SIZE, RW, ANON | MAP_FIXED_NOREPLACE), (long)p,
		  "MAP_FIXED_NOREPLACE on a free range");
	EXPECT_EQ(mm_map(p + 1, PAGE_SIZE, RW, ANON | MAP_FIXED), -EINVAL, "unaligned MAP_FIXED");
	mm_unmap(p, PAGE_SIZE);
	long hinted = mm_map(p + 8 * PAGE_SIZE, PAGE_SIZE, RW, ANON);
	EXPECT_EQ(hinted, (long)p + 8 * PAGE_SIZE, "a free hint is taken");
	mm_unmap((unsigned long)hinted, PAGE_SIZE);
}

/* A mapping that straddles the start of the mmap area (Dakota's MMAP_BASE,
 * kernel/mm/layout.h): the gap search must start after it. */
#define MMAP_AREA 0x2000000000UL

static void test_straddle(void)
{
	unsigned long s = MMAP_AREA - PAGE_SIZE;
	if (!CHECK(mm_map(s, 2 * PAGE_SIZE, RW, ANON | MAP_FIXED_NOREPLACE) == (long)s,
		   "map 2 pages across the start of the mmap area"))
		return;
	long p = mm_map(0, PAGE_SIZE, RW, ANON);
	CHECK(p >= (long)(MMAP_AREA + PAGE_SIZE), "a new mapping does not land inside it");
	mm_unmap((unsigned long)p, PAGE_SIZE);
	mm_unmap(s, 2 * PAGE_SIZE);
}

static void test_errors(void)
{
	EXPECT_EQ(mm_map(0, 0, RW, ANON), -EINVAL, "length 0");
	EXPECT_EQ(mm_map(0, PAGE_SIZE, RW, MAP_ANONYMOUS), -EINVAL, "neither private nor shared");
	EXPECT_EQ(syscall6(SYS_mmap, 0, PAGE_SIZE, RW, ANON, -1, 100), -EINVAL, "unaligned offset");
	EXPECT_EQ(syscall6(SYS_mmap, 0, PAGE_SIZE, RW, MAP_PRIVATE, 1, 0), -ENODEV,
		  "mapping the console is -ENODEV");
	EXPECT_EQ(syscall6(SYS_mmap, 0, PAGE_SIZE, RW, MAP_PRIVATE, -1, 0), -EBADF,
		  "a file mapping of fd -1 is -EBADF");
	long flags = ANON | MAP_NORESERVE | MAP_STACK | MAP_GROWSDOWN;
	long p = mm_map(0, PAGE_SIZE, RW, (int)flags);
	CHECK(!MMAP_FAILED(p), "MAP_NORESERVE|MAP_STACK|MAP_GROWSDOWN accepted");
	EXPECT_EQ(mm_unmap((unsigned long)p + 1, PAGE_SIZE), -EINVAL, "munmap unaligned");
	EXPECT_EQ(mm_unmap((unsigned long)p, 0), -EINVAL, "munmap length 0");
	EXPECT_EQ(mm_advise((unsigned long)p + 1, PAGE_SIZE, MADV_DONTNEED), -EINVAL,
		  "madvise unaligned");
	EXPECT_EQ(mm_advise((unsigned long)p, PAGE_SIZE, 999), -EINVAL, "madvise unknown advice");
	EXPECT_EQ(mm_advise((unsigned long)p, PAGE_SIZE, MADV_WILLNEED), 0, "MADV_WILLNEED");
	EXPECT_EQ(syscall3(SYS_msync, p, PAGE_SIZE, MS_SYNC), 0, "msync");
	EXPECT_EQ(syscall2(SYS_mlock, p, PAGE_SIZE), 0, "mlock");
	EXPECT_EQ(syscall2(SYS_munlock, p, PAGE_SIZE), 0, "munlock");
	mm_unmap((unsigned long)p, PAGE_SIZE);
}

static void test_dontneed(void)
{
	char *p = (char *)mm_map(0, 4 * PAGE_SIZE, RW, ANON);
	fill_pages(p, 4);
	struct kstat before = kstat_now();
	EXPECT_EQ(mm_advise((unsigned long)p + PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED), 0,
		  "MADV_DONTNEED pages 1-2");
	EXPECT_EQ(kstat_now().free_frames - before.free_frames, 2, "their two frames are freed");
	EXPECT_EQ(pages_holding(p, 4, 0), 0x6, "they read back as zero");
	CHECK(p[0] == 'a' && p[3 * PAGE_SIZE] == 'd', "the others keep their contents");
	p[PAGE_SIZE] = 'x';
	EXPECT_EQ(p[PAGE_SIZE], 'x', "and are usable again");
	mm_unmap((unsigned long)p, 4 * PAGE_SIZE);
}

static void test_mremap(void)
{
	unsigned long p = (unsigned long)mm_map(0, 2 * PAGE_SIZE, RW, ANON);
	fill_pages((char *)p, 2);
	EXPECT_EQ(mm_remap(p, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, 0), (long)p,
		  "grow in place into free space");
	((char *)p)[3 * PAGE_SIZE] = 'q';
	unsigned long block = (unsigned long)mm_map(p + 4 * PAGE_SIZE, PAGE_SIZE, RW,
						    ANON | MAP_FIXED_NOREPLACE);
	EXPECT_EQ(block, p + 4 * PAGE_SIZE, "a mapping right after it");
	EXPECT_EQ(mm_remap(p, 4 * PAGE_SIZE, 8 * PAGE_SIZE, 0, 0), -ENOMEM,
		  "growing into it without MREMAP_MAYMOVE is -ENOMEM");
	long q = mm_remap(p, 4 * PAGE_SIZE, 8 * PAGE_SIZE, MREMAP_MAYMOVE, 0);
	CHECK(!MMAP_FAILED(q) && (unsigned long)q != p, "MREMAP_MAYMOVE moves it");
	char *m = (char *)q;
	CHECK(m[0] == 'a' && m[PAGE_SIZE] == 'b' && m[3 * PAGE_SIZE] == 'q' && m[7 * PAGE_SIZE] == 0,
	      "the moved mapping keeps its contents");
	EXPECT_EQ(run_child(load_at, (char *)p), SIGSEGV, "the old address is gone");
	EXPECT_EQ(mm_remap((unsigned long)q, 8 * PAGE_SIZE, 2 * PAGE_SIZE, 0, 0), q, "shrink");
	EXPECT_EQ(run_child(load_at, m + 2 * PAGE_SIZE), SIGSEGV, "the cut tail is gone");
	long r = mm_remap((unsigned long)q, 2 * PAGE_SIZE, 2 * PAGE_SIZE,
			  MREMAP_MAYMOVE | MREMAP_FIXED, p);
	EXPECT_EQ(r, (long)p, "MREMAP_FIXED to the old address");
	EXPECT_EQ(pages_holding((char *)p, 2, 'a'), 1, "contents follow (page 0)");
	EXPECT_EQ(((char *)p)[PAGE_SIZE], 'b', "contents follow (page 1)");
	EXPECT_EQ(mm_remap(p, PAGE_SIZE, PAGE_SIZE, MREMAP_FIXED, block), -EINVAL,
		  "MREMAP_FIXED without MAYMOVE");
	EXPECT_EQ(mm_remap(p + 1, PAGE_SIZE, PAGE_SIZE, 0, 0), -EINVAL, "unaligned");
	EXPECT_EQ(mm_remap(p + 64 * PAGE_SIZE, PAGE_SIZE, 2 * PAGE_SIZE, 0, 0), -EFAULT,
		  "remapping nothing is -EFAULT");
	mm_unmap(p, 2 * PAGE_SIZE);
	mm_unmap(block, PAGE_SIZE);
}

/* glibc's shape: reserve 128 MiB PROT_NONE, open the first part. */
static void test_reserve(void)
{
	struct kstat before = kstat_now();
	unsigned long p = (unsigned long)mm_map(0, 128 * MiB, PROT_NONE, ANON | MAP_NORESERVE);
	CHECK(!MMAP_FAILED(p), "reserve 128 MiB PROT_NONE");
	EXPECT_EQ(mm_protect(p, 132 * 1024, RW), 0, "mprotect the first 132 KiB RW");
	memset((char *)p, 1, 132 * 1024);
	EXPECT_EQ(run_child(load_at, (char *)p + 132 * 1024), SIGSEGV, "the rest is a guard");
	long used = (long)(before.free_frames - kstat_now().free_frames);
	CHECK(used >= 33 && used <= 36, "it costs the 33 touched pages and their tables (%ld)", used);
	mm_unmap(p, 128 * MiB);
}

struct shared_case {
	char *page0, *page1;
};

static int child_writes_shared(void *arg)
{
	struct shared_case *c = arg;
	int saw = *c->page0;
	*c->page0 = 'C';
	*c->page1 = 'c';            /* untouched before the fork */
	return saw;
}

static void test_shared(void)
{
	long shared_flags = MAP_SHARED | MAP_ANONYMOUS;
	EXPECT_EQ(mm_map(0, PAGE_SIZE, RW, (int)shared_flags | MAP_GROWSDOWN), -EINVAL,
		  "MAP_SHARED|MAP_GROWSDOWN is -EINVAL");
	char *p = (char *)mm_map(0, 4 * PAGE_SIZE, RW, (int)shared_flags);
	if (!CHECK(!MMAP_FAILED(p), "mmap MAP_SHARED|MAP_ANONYMOUS 4 pages"))
		return;
	*p = 'p';
	struct shared_case c = { p, p + PAGE_SIZE };
	EXPECT_EQ(run_child(child_writes_shared, &c), W_EXIT('p'), "the child sees the parent's write");
	CHECK(p[0] == 'C' && p[PAGE_SIZE] == 'c', "the parent sees the child's writes");
	EXPECT_EQ(mm_protect((unsigned long)p + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0,
		  "mprotect splits the shared mapping");
	struct shared_case tail = { p + 2 * PAGE_SIZE, p + 3 * PAGE_SIZE };
	p[2 * PAGE_SIZE] = 't';
	EXPECT_EQ(run_child(child_writes_shared, &tail), W_EXIT('t'), "the split tail is shared");
	CHECK(p[2 * PAGE_SIZE] == 'C' && p[3 * PAGE_SIZE] == 'c', "both ways");
	EXPECT_EQ(mm_advise((unsigned long)p, PAGE_SIZE, MADV_DONTNEED), 0, "MADV_DONTNEED");
	EXPECT_EQ(p[0], 'C', "a shared page keeps its contents after MADV_DONTNEED");
	long q = mm_remap((unsigned long)p + 2 * PAGE_SIZE, 2 * PAGE_SIZE, 2 * PAGE_SIZE,
			  MREMAP_MAYMOVE | MREMAP_FIXED, (unsigned long)p + 64 * PAGE_SIZE);
	EXPECT_EQ(q, (long)p + 64 * PAGE_SIZE, "mremap moves the shared tail");
	struct shared_case moved = { (char *)q, (char *)q + PAGE_SIZE };
	EXPECT_EQ(run_child(child_writes_shared, &moved), W_EXIT('C'), "still shared after the move");
	EXPECT_EQ(mm_remap((unsigned long)q, 2 * PAGE_SIZE, 3 * PAGE_SIZE, MREMAP_MAYMOVE, 0),
		  -ENOMEM, "a shared mapping does not grow");
	mm_unmap((unsigned long)p, 2 * PAGE_SIZE);
	mm_unmap((unsigned long)q, 2 * PAGE_SIZE);
}

/* Fork copies page tables level by level, one region at a time (mmu.c,
 * mmu_clone_range): pages on both sides of a 2 MiB table boundary, the last
 * page of a region whose end is not table-aligned, and a PROT_NONE page (kept
 * with its contents) must all reach the child. */
struct fork_pages {
	char *first, *below, *above, *none, *last;
};

static int check_fork_pages(void *arg)
{
	struct fork_pages *f = arg;
	int bad = (*f->first != 'F') | (*f->below != 'B') << 1 | (*f->above != 'A') << 2 |
		  (*f->last != 'L') << 3;
	if (mm_protect((unsigned long)f->none, PAGE_SIZE, PROT_READ) || *f->none != 'N')
		bad |= 1 << 4;
	return bad;
}

static void test_fork_copies_across_tables(void)
{
	unsigned long len = 4 * MiB + 3 * PAGE_SIZE;
	char *p = (char *)mm_map(0, len, RW, ANON);
	unsigned long edge = ((unsigned long)p + 2 * MiB) & ~(2 * MiB - 1);
	struct fork_pages f = { p, (char *)edge - PAGE_SIZE, (char *)edge,
				(char *)edge + 2 * PAGE_SIZE, p + len - 1 };
	*f.first = 'F';
	*f.below = 'B';
	*f.above = 'A';
	*f.none = 'N';
	*f.last = 'L';
	EXPECT_EQ(mm_protect((unsigned long)f.none, PAGE_SIZE, PROT_NONE), 0, "PROT_NONE page");
	EXPECT_EQ(run_child(check_fork_pages, &f), W_EXIT(0),
		  "the child sees pages around a 2 MiB table edge, the last page, the PROT_NONE one");
	EXPECT_EQ(run_child(store_at, f.none), SIGSEGV, "the PROT_NONE page stays so in a child");
	EXPECT_EQ(mm_unmap((unsigned long)p, len), 0, "munmap");
}

static void test_cycles(int cycles)
{
	unsigned long first = 0, bad = 0;
	for (int i = 0; i < cycles; i++) {
		long p = mm_map(0, MiB, RW, ANON);
		if (MMAP_FAILED(p)) {
			bad = (unsigned long)p;
			break;
		}
		((char *)p)[i % MiB] = 1;
		if (!first)
			first = (unsigned long)p;
		bad |= (unsigned long)p != first;
		mm_unmap((unsigned long)p, MiB);
	}
	EXPECT_EQ(bad, 0, "%d map/touch/unmap cycles of 1 MiB reuse the same range", cycles);
}

int main(void)
{
	TEST_PLAN();
	/* One cycle first, so that page-table pages a later mapping may need
	 * exist before the count is taken (they live as long as the space). */
	test_cycles(1);
	struct kstat start = kstat_now();
	test_split_by_munmap();
	test_mprotect();
	test_fixed();
	test_straddle();
	test_errors();
	test_dontneed();
	test_mremap();
	test_reserve();
	test_shared();
	test_fork_copies_across_tables();
	test_cycles(10000);
	kstat_expect_back(&start, KSTAT_FRAMES | KSTAT_KMALLOC, "all cases");
	return test_done();
}
