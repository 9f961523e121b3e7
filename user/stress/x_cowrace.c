/* x_cowrace: copy-on-write fork while the forking process's other threads
 * change its memory on other harts.
 *
 * A work process runs four mutator threads, each on its own memory:
 *   writer     bumps a counter in each of WRITE_PAGES pages, round and round;
 *   protector  flips its pages between read-only and read-write (mprotect),
 *              writing them whenever they are writable;
 *   mapper     maps a fresh range, writes it, moves it (mremap) and unmaps
 *              it, again and again;
 *   adviser    drops its pages (MADV_DONTNEED) and writes them again.
 * Meanwhile its main thread forks ROUNDS children. Each child checks that
 * its snapshot stays still (it reads the writer's and the protector's
 * pages twice, with yields between: any difference is a parent write that
 * reached a frame the child owns), then writes every one of those pages
 * itself and reads its own values back; every fourth child then execs
 * t_child, which must run and exit with the code it is given. Exit codes:
 * 0 clean, 1 the snapshot moved, 2 its own write did not read back, else
 * the exec's.
 *
 * With the copy-on-write shootdowns missing (fork's, or the copy's), or a
 * frame freed while another space still maps it, children see their
 * snapshot move, the kernel panics, or the leak check fails.
 *
 * usage: x_cowrace [ROUNDS] */
#include "stress.h"
#include <thread.h>
#include <dakota/mman.h>

#define PAGE_SIZE     4096UL
#define WRITE_PAGES   8
#define PROTECT_PAGES 4
#define MAP_PAGES     4
#define ADVISE_PAGES  4
#define PAGE_WORDS    (PAGE_SIZE / sizeof(unsigned long))
#define EXEC_CODE     42
#define RW            (PROT_READ | PROT_WRITE)

struct cowrace_result {
	long forks;
	long clean;
	long moved;           /* children whose snapshot changed */
	long own_write_lost;  /* children whose own write did not read back */
	long exec_ok;
	long other;           /* any other child status */
	long fork_errors;     /* fork (or the wait for the child) failed */
	long mutator_errors;  /* a system call of a mutator failed */
	long writer_rounds;
};

static volatile unsigned long *write_area, *protect_area, *advise_area;
static volatile int stop;
static struct cowrace_result *res;

static long sys_mmap(unsigned long len)
{
	return syscall6(SYS_mmap, 0, (long)len, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static long writer(void *arg)
{
	(void)arg;
	while (!stop) {
		for (int p = 0; p < WRITE_PAGES; p++)
			write_area[p * PAGE_WORDS + (unsigned long)(res->writer_rounds % 64)]++;
		res->writer_rounds++;
	}
	return 0;
}

static long protector(void *arg)
{
	(void)arg;
	for (unsigned long n = 0; !stop; n++) {
		int prot = n % 2 ? PROT_READ : RW;
		if (syscall3(SYS_mprotect, (long)protect_area, PROTECT_PAGES * PAGE_SIZE, prot))
			res->mutator_errors++;
		if (prot == RW)
			for (int p = 0; p < PROTECT_PAGES; p++)
				protect_area[p * PAGE_WORDS + 1] = n;
	}
	return 0;
}

static long mapper(void *arg)
{
	(void)arg;
	unsigned long len = MAP_PAGES * PAGE_SIZE;
	while (!stop) {
		long p = sys_mmap(len);
		if (MMAP_FAILED(p)) {
			res->mutator_errors++;
			continue;
		}
		for (int i = 0; i < MAP_PAGES; i++)
			((volatile unsigned long *)p)[i * PAGE_WORDS] = (unsigned long)i;
		long q = syscall5(SYS_mremap, p, (long)len, (long)(2 * len), MREMAP_MAYMOVE, 0);
		if (MMAP_FAILED(q)) {
			res->mutator_errors++;
			q = p;
		} else {
			len *= 2;
		}
		if (syscall2(SYS_munmap, q, (long)len))
			res->mutator_errors++;
		len = MAP_PAGES * PAGE_SIZE;
	}
	return 0;
}

static long adviser(void *arg)
{
	(void)arg;
	for (unsigned long n = 0; !stop; n++) {
		if (syscall3(SYS_madvise, (long)advise_area, ADVISE_PAGES * PAGE_SIZE,
			     MADV_DONTNEED))
			res->mutator_errors++;
		for (int p = 0; p < ADVISE_PAGES; p++)
			advise_area[p * PAGE_WORDS] = n;
	}
	return 0;
}

static unsigned long sum_pages(volatile unsigned long *area, int pages)
{
	unsigned long sum = 0;
	for (unsigned long w = 0; w < (unsigned long)pages * PAGE_WORDS; w++)
		sum = sum * 31 + area[w];
	return sum;
}

static int write_own(volatile unsigned long *area, int pages, unsigned long stamp)
{
	for (int p = 0; p < pages; p++)
		area[p * PAGE_WORDS + 2] = stamp + (unsigned long)p;
	for (int p = 0; p < pages; p++)
		if (area[p * PAGE_WORDS + 2] != stamp + (unsigned long)p)
			return 0;
	return 1;
}

/* The forked child: only its own thread runs here. */
static int child_checks(void *arg)
{
	long round = (long)arg;
	unsigned long w0 = sum_pages(write_area, WRITE_PAGES);
	unsigned long p0 = sum_pages(protect_area, PROTECT_PAGES);
	for (int i = 0; i < 3; i++) {
		sched_yield();
		if (sum_pages(write_area, WRITE_PAGES) != w0 ||
		    sum_pages(protect_area, PROTECT_PAGES) != p0)
			return 1;
	}
	/* The protector's pages may be read-only in this snapshot. */
	syscall3(SYS_mprotect, (long)protect_area, PROTECT_PAGES * PAGE_SIZE, RW);
	if (!write_own(write_area, WRITE_PAGES, 0xC0DE0000UL + (unsigned long)round) ||
	    !write_own(protect_area, PROTECT_PAGES, 0xBEEF0000UL) ||
	    !write_own(advise_area, ADVISE_PAGES, 0xFACE0000UL))
		return 2;
	if (round % 4 == 3) {
		char *argv[] = { "t_child", "exit", "42", NULL };
		char *envp[] = { NULL };
		execve("t_child", argv, envp);
		return 3;
	}
	return 0;
}

/* A child's wait status (or a negative errno: fork or wait failed). */
static void count_child(long status)
{
	int code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (status < 0)
		res->fork_errors++;
	else if (code == 0)
		res->clean++;
	else if (code == 1)
		res->moved++;
	else if (code == 2)
		res->own_write_lost++;
	else if (code == EXEC_CODE)
		res->exec_ok++;
	else
		res->other++;
}

static int cowrace_work(void *arg, void *out)
{
	long rounds = (long)arg;
	res = out;
	write_area = (volatile unsigned long *)sys_mmap(WRITE_PAGES * PAGE_SIZE);
	protect_area = (volatile unsigned long *)sys_mmap(PROTECT_PAGES * PAGE_SIZE);
	advise_area = (volatile unsigned long *)sys_mmap(ADVISE_PAGES * PAGE_SIZE);
	if (MMAP_FAILED((long)write_area) || MMAP_FAILED((long)protect_area) ||
	    MMAP_FAILED((long)advise_area))
		return 1;
	long (*bodies[])(void *) = { writer, protector, mapper, adviser };
	thread_t t[4];
	for (int i = 0; i < 4; i++)
		if (thread_spawn(&t[i], bodies[i], NULL))
			return 1;
	for (long r = 0; r < rounds; r++) {
		long status = run_in_child(child_checks, (void *)r);
		res->forks += status >= 0;
		count_child(status);
	}
	stop = 1;
	for (int i = 0; i < 4; i++)
		thread_wait(&t[i]);
	return 0;
}

int main(int argc, char **argv)
{
	TEST_PLAN();
	long rounds = argc > 1 ? atoi(argv[1]) : 200;
	struct kstat before = stress_begin("x_cowrace");
	struct cowrace_result r;
	int complete;
	long status = run_child_report(cowrace_work, (void *)rounds, &r, sizeof r, &complete);
	CHECK_EQ(status, 0, "the work process exits 0");
	CHECK(complete, "its report arrived");
	test_note("%ld forks: %ld clean, %ld exec'd, writer %ld rounds", r.forks, r.clean,
		  r.exec_ok, r.writer_rounds);
	CHECK_EQ(r.forks, rounds, "every fork succeeded");
	CHECK_EQ(r.fork_errors, 0, "no fork failed");
	CHECK_EQ(r.moved, 0, "no child saw its snapshot move");
	CHECK_EQ(r.own_write_lost, 0, "every child read its own writes back");
	CHECK_EQ(r.other, 0, "no child ended any other way");
	CHECK_EQ(r.exec_ok, rounds / 4, "every fourth child exec'd t_child, which exited 42");
	CHECK_EQ(r.clean, rounds - rounds / 4, "the others exited clean");
	CHECK_EQ(r.mutator_errors, 0, "no mutator call failed");
	CHECK(r.writer_rounds > 0, "the writer ran (%ld rounds)", r.writer_rounds);
	stress_end(&before, "x_cowrace");
	return test_done();
}
