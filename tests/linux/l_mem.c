/* Memory calls: anonymous mmap (zeroed, MAP_FIXED replaces, MAP_FIXED_NOREPLACE
 * is not checked, see below), munmap of part of a region, mprotect (PROT_NONE and
 * read-only pages fault: a forked child touching one dies of SIGSEGV),
 * madvise(MADV_DONTNEED) zeroes private anonymous pages, mremap grows in
 * place, shrinks and moves (contents kept), and argument errors (EINVAL). */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static long page;

static char *map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		BAIL("mmap of %zu bytes failed: %s", len, strerror(errno));
	return p;
}

/* Forks a child that touches *addr (a read, or a write of 1); the child's
 * wait status. */
static int touch_in_child(volatile char *addr, int write)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (write)
			*addr = 1;
		else
			(void)*addr;
		_exit(0);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

#define CHECK_SEGV(status, ...) ({					\
	int s_ = (status);						\
	int ok_ = check(s_ >= 0 && WIFSIGNALED(s_) && WTERMSIG(s_) == SIGSEGV, __VA_ARGS__); \
	if (!ok_)							\
		note("wait status %#x", s_);				\
	ok_; })

static int all_bytes(const char *p, size_t len, char v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void test_mmap_munmap(void)
{
	char *p = map(4 * page, PROT_READ | PROT_WRITE);
	check(((uintptr_t)p & (page - 1)) == 0, "mmap returns a page-aligned address");
	check(all_bytes(p, 4 * page, 0), "anonymous memory starts zeroed");
	memset(p, 'a', 4 * page);
	char *q = mmap(p + page, page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(q == p + page && all_bytes(q, page, 0) && p[0] == 'a' && p[2 * page] == 'a',
	      "MAP_FIXED replaces one page in the middle, neighbours kept");
	/* MAP_FIXED_NOREPLACE's EEXIST is not checked: qemu-riscv64 7.2, the
	 * reference, treats the flag as a hint and maps elsewhere. */
	CHECK_EQ(munmap(p + page, page), 0, "munmap of one page inside a mapping");
	CHECK_SEGV(touch_in_child(p + page, 0), "a child reading the unmapped hole dies of SIGSEGV");
	check(p[0] == 'a' && p[3 * page] == 'a', "the pages either side of the hole are kept");
	CHECK_EQ(munmap(p, 4 * page), 0, "munmap over a range with a hole in it");
	errno = 0;
	CHECK_EQ(munmap(p + 1, page), -1, "munmap of an unaligned address fails");
	CHECK_EQ(errno, EINVAL, "... with EINVAL");
	errno = 0;
	check(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
	      "mmap of length 0 is EINVAL");

	/* Reserve then open up, as glibc does for stacks and arenas. */
	char *big = map(64 * page, PROT_NONE);
	CHECK_EQ(mprotect(big + 8 * page, 8 * page, PROT_READ | PROT_WRITE), 0,
		 "mprotect opens part of a PROT_NONE reservation");
	memset(big + 8 * page, 'b', 8 * page);
	check(all_bytes(big + 8 * page, 8 * page, 'b'), "the opened part holds what was written");
	CHECK_SEGV(touch_in_child(big + 7 * page, 0), "a child reading the PROT_NONE guard below dies of SIGSEGV");
	CHECK_SEGV(touch_in_child(big + 16 * page, 1), "a child writing the PROT_NONE page above dies of SIGSEGV");
	CHECK_EQ(mprotect(big + 8 * page, page, PROT_READ), 0, "mprotect to read-only");
	CHECK_SEGV(touch_in_child(big + 8 * page, 1), "a child writing a read-only page dies of SIGSEGV");
	CHECK_EQ(touch_in_child(big + 8 * page, 0), 0, "a child reading the read-only page exits normally");
	CHECK_EQ(big[8 * page], 'b', "the read-only page kept its contents");
	CHECK_EQ(mprotect(big + 8 * page, page, PROT_NONE), 0, "mprotect back to PROT_NONE");
	CHECK_SEGV(touch_in_child(big + 8 * page, 0), "a child reading the page made PROT_NONE dies of SIGSEGV");
	CHECK_EQ(mprotect(big + 8 * page, page, PROT_READ | PROT_WRITE), 0, "mprotect to read-write again");
	CHECK_EQ(big[8 * page], 'b', "PROT_NONE kept the page's contents");
	errno = 0;
	CHECK_EQ(mprotect(big + 1, page, PROT_READ), -1, "mprotect of an unaligned address fails");
	CHECK_EQ(errno, EINVAL, "... with EINVAL");
	munmap(big, 64 * page);
}

static void test_madvise(void)
{
	char *p = map(8 * page, PROT_READ | PROT_WRITE);
	memset(p, 'c', 8 * page);
	CHECK_EQ(madvise(p + 2 * page, 3 * page, MADV_DONTNEED), 0, "madvise(MADV_DONTNEED)");
	check(all_bytes(p + 2 * page, 3 * page, 0), "MADV_DONTNEED pages read back as zeros");
	check(all_bytes(p, 2 * page, 'c') && all_bytes(p + 5 * page, 3 * page, 'c'),
	      "pages outside the MADV_DONTNEED range are kept");
	CHECK_EQ(madvise(p, 8 * page, MADV_WILLNEED), 0, "madvise(MADV_WILLNEED) is accepted");
	CHECK_EQ(madvise(p, 8 * page, MADV_NORMAL), 0, "madvise(MADV_NORMAL) is accepted");
	munmap(p, 8 * page);
}

static void test_mremap(void)
{
	/* Room above p to grow in place: map 8 pages, keep 2. */
	char *p = map(8 * page, PROT_READ | PROT_WRITE);
	munmap(p + 2 * page, 6 * page);
	memset(p, 'd', 2 * page);
	char *g = mremap(p, 2 * page, 4 * page, 0);
	check(g == p, "mremap grows in place when the pages above are free");
	check(all_bytes(g, 2 * page, 'd') && all_bytes(g + 2 * page, 2 * page, 0),
	      "grown mapping: old contents kept, new pages zero");
	char *s = mremap(g, 4 * page, page, 0);
	check(s == g && s[0] == 'd', "mremap shrinks in place");
	CHECK_SEGV(touch_in_child(g + 2 * page, 0), "a child reading past the shrunk end dies of SIGSEGV");
	/* A page mapped right above (in the range just given back, so
	 * MAP_FIXED replaces nothing) blocks growth in place. */
	char *block = mmap(s + page, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (block == MAP_FAILED)
		BAIL("cannot place the blocking page");
	errno = 0;
	check(mremap(s, page, 3 * page, 0) == MAP_FAILED && errno == ENOMEM,
	      "mremap without MREMAP_MAYMOVE that cannot grow in place is ENOMEM");
	char *m = mremap(s, page, 3 * page, MREMAP_MAYMOVE);
	check(m != MAP_FAILED && m != s, "mremap with MREMAP_MAYMOVE moves the mapping");
	check(m != MAP_FAILED && all_bytes(m, page, 'd') && all_bytes(m + page, 2 * page, 0),
	      "the moved mapping carries its contents");
	CHECK_SEGV(touch_in_child(s, 0), "a child reading the old address dies of SIGSEGV");
	munmap(block, page);
	munmap(m, 3 * page);
}

int main(void)
{
	ltap_start();
	page = sysconf(_SC_PAGESIZE);
	CHECK_EQ(page, 4096, "the page size is 4096");
	test_mmap_munmap();
	test_madvise();
	test_mremap();
	return ltap_done();
}
