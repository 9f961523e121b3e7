/* s_futex: the futex system call (98), FUTEX_WAIT and FUTEX_WAKE.
 *
 * Errors (Linux's): a value mismatch is -EAGAIN; a WAIT on NULL, a kernel
 * address or an address above the user range is -EFAULT, a read-only page
 * (.rodata) is read; a private WAKE checks only that the address is in the
 * user range, a shared one that it is mapped; a
 * misaligned word is -EINVAL; other ops are -ENOSYS; a WAKE with no waiters
 * returns 0. Timeouts: a zero or short relative timeout ends the wait with
 * -ETIMEDOUT; a malformed timespec is -EINVAL, an unreadable one -EFAULT.
 * A word on an untouched page is faulted in (reads 0); after munmap it is
 * -EFAULT.
 * Counting: with K waiters blocked on a word (and one on another word), WAKE
 * of 2 returns 2 and wakes exactly two, WAKE of all returns the rest, and
 * the waiter on the other word sleeps on. Kills: a child process whose
 * threads wait on futexes (with and without a timeout) is killed with
 * SIGKILL, or its main thread exits while a sibling waits; the status is
 * exact, the kernel's counters come back, and a new process at the same
 * addresses finds no stale waiter. */
#include <stdio.h>
#include <test.h>
#include <thread.h>
#include <time.h>
#include "testutil.h"

#define WAITERS 5
#define OP_WAIT (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define OP_WAKE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)

static const uint32_t ro_word = 7;    /* .rodata: mapped, not writable */
static uint32_t word;
static uint32_t other_word;
static long results[WAITERS + 1];
static int returned;                  /* waiters whose futex call returned */

static void error_cases(void)
{
	uint32_t w = 5;
	CHECK_EQ(futex(&w, FUTEX_WAIT, 4, 0), -EAGAIN, "WAIT with *uaddr != val is -EAGAIN");
	CHECK_EQ(futex(&w, OP_WAIT, 6, 0), -EAGAIN, "... also with FUTEX_PRIVATE_FLAG");
	CHECK_EQ(futex(&w, FUTEX_WAKE, 1, 0), 0, "WAKE with no waiters returns 0");
	CHECK_EQ(futex(&w, OP_WAKE, 100, 0), 0, "... also with FUTEX_PRIVATE_FLAG");
	CHECK_EQ(futex(0, OP_WAIT, 0, 0), -EFAULT, "WAIT on NULL is -EFAULT");
	CHECK_EQ(futex(0, FUTEX_WAKE, 1, 0), -EFAULT, "shared WAKE on NULL is -EFAULT");
	CHECK_EQ(futex(0, OP_WAKE, 1, 0), 0,
		 "private WAKE on NULL is 0: the address is only a key (as Linux)");
	CHECK_EQ(futex((uint32_t *)0xffffffc000000000UL, OP_WAKE, 1, 0), -EFAULT,
		 "private WAKE on a kernel-half address is -EFAULT");
	CHECK_EQ(futex((uint32_t *)0x80200000UL, OP_WAIT, 0, 0), -EFAULT,
		 "WAIT on the kernel's image address is -EFAULT");
	CHECK_EQ(futex((uint32_t *)0xffffffc000000000UL, OP_WAIT, 0, 0), -EFAULT,
		 "WAIT on a kernel-half address is -EFAULT");
	struct timespec now = { 0, 0 };
	CHECK_EQ(futex((uint32_t *)&ro_word, OP_WAIT, 8, 0), -EAGAIN,
		 "WAIT on a read-only word (.rodata) reads it: -EAGAIN on a mismatch");
	CHECK_EQ(futex((uint32_t *)&ro_word, OP_WAIT, 7, &now), -ETIMEDOUT,
		 "... and sleeps (here: times out at once) when it matches");
	CHECK_EQ(futex((uint32_t *)&ro_word, FUTEX_WAKE, 1, 0), 0,
		 "WAKE on a read-only word is 0");
	CHECK_EQ(futex((uint32_t *)((char *)&w + 1), OP_WAIT, 5, 0), -EINVAL,
		 "a misaligned word is -EINVAL");
	CHECK_EQ(futex((uint32_t *)((char *)&w + 2), OP_WAKE, 1, 0), -EINVAL,
		 "... for WAKE too");
	CHECK_EQ(futex(&w, 2, 0, 0), -ENOSYS, "op 2 (FUTEX_FD) is -ENOSYS");
	CHECK_EQ(syscall6(SYS_futex, (long)&w, 9 | FUTEX_PRIVATE_FLAG, 5, 0, 0, 0), -EINVAL,
		 "op 9 (WAIT_BITSET) with bitset 0 is -EINVAL");
	CHECK_EQ(futex(&w, 11, 0, 0), -ENOSYS, "op 11 (WAIT_REQUEUE_PI) is -ENOSYS");
	CHECK_EQ(futex(&w, -1, 0, 0), -ENOSYS, "op -1 is -ENOSYS");
	CHECK_EQ(w, 5, "the word was never changed by the kernel");
}

static void timeout_cases(void)
{
	uint32_t w = 0;
	struct timespec zero = { 0, 0 }, short_wait = { 0, 20 * 1000000L };
	struct timespec bad_nsec = { 0, 1000000000L }, negative = { -1, 0 };
	CHECK_EQ(futex(&w, OP_WAIT, 0, &zero), -ETIMEDOUT, "a zero timeout is -ETIMEDOUT");
	long t0 = time_ns();
	CHECK_EQ(futex(&w, OP_WAIT, 0, &short_wait), -ETIMEDOUT,
		 "a 20 ms timeout is -ETIMEDOUT");
	long waited = time_ns() - t0;
	CHECK(waited >= 20 * 1000000L, "... after at least 20 ms (%ld us)", waited / 1000);
	CHECK_EQ(futex(&w, OP_WAIT, 1, &zero), -EAGAIN, "a mismatch wins over the timeout");
	/* A page nobody touched yet is supplied (zeroed) on demand; an
	 * unmapped one is a fault. */
	char *page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (CHECK(!MMAP_FAILED(page), "mmap a fresh page")) {
		uint32_t *fresh = (uint32_t *)(page + 64);
		CHECK_EQ(futex(fresh, OP_WAIT, 0, &zero), -ETIMEDOUT,
			 "WAIT on an untouched mmap page reads 0 (timed out)");
		CHECK_EQ(futex(fresh, OP_WAIT, 1, 0), -EAGAIN, "... and 0 != 1 is -EAGAIN");
		CHECK_EQ(munmap(page, 4096), 0, "munmap the page");
		CHECK_EQ(futex(fresh, OP_WAIT, 0, &zero), -EFAULT,
			 "WAIT on the unmapped page is -EFAULT");
		CHECK_EQ(futex(fresh, FUTEX_WAKE, 1, 0), -EFAULT, "shared WAKE on it is -EFAULT");
		CHECK_EQ(futex(fresh, OP_WAKE, 1, 0), 0, "private WAKE on it is 0 (a key only)");
	}
	CHECK_EQ(futex(&w, OP_WAIT, 0, &bad_nsec), -EINVAL, "tv_nsec of 1e9 is -EINVAL");
	CHECK_EQ(futex(&w, OP_WAIT, 0, &negative), -EINVAL, "a negative tv_sec is -EINVAL");
	CHECK_EQ(futex(&w, OP_WAIT, 0, (struct timespec *)0x80200000UL), -EFAULT,
		 "an unreadable timespec is -EFAULT");
}

static long waiter(void *arg)
{
	long i = (long)arg;
	uint32_t *on = i == WAITERS ? &other_word : &word;
	results[i] = futex(on, OP_WAIT, 0, 0);
	__atomic_add_fetch(&returned, 1, __ATOMIC_ACQ_REL);
	return 0;
}

static void wait_returned(int want)
{
	for (int i = 0; i < 10000 && __atomic_load_n(&returned, __ATOMIC_ACQUIRE) < want; i++)
		pause_ms(1);
}

static void wake_count_case(void)
{
	long pid = getpid();
	thread_t t[WAITERS + 1];
	word = 0;
	other_word = 0;
	returned = 0;
	for (long i = 0; i <= WAITERS; i++) {
		results[i] = 1;
		if (!CHECK_EQ(thread_spawn(&t[i], waiter, (void *)i), 0, "spawn a waiter"))
			return;
	}
	CHECK_EQ(wait_blocked(pid, WAITERS + 1), WAITERS + 1, "all waiters are blocked");
	CHECK_EQ(futex(&word, OP_WAKE, 2, 0), 2, "WAKE of 2 with 5 waiters returns 2");
	wait_returned(2);
	pause_ms(20);       /* room for a wrongly woken third to show */
	CHECK_EQ(__atomic_load_n(&returned, __ATOMIC_ACQUIRE), 2,
		 "exactly two waiters returned");
	CHECK_EQ(wait_blocked(pid, WAITERS - 1), WAITERS - 1,
		 "the other three and the other word's waiter still block");
	CHECK_EQ(futex(&word, OP_WAKE, 0x7fffffff, 0), WAITERS - 2,
		 "WAKE of all returns the remaining 3");
	wait_returned(WAITERS);
	CHECK_EQ(futex(&word, OP_WAKE, 0x7fffffff, 0), 0, "a second WAKE finds nobody");
	CHECK_EQ(__atomic_load_n(&returned, __ATOMIC_ACQUIRE), WAITERS,
		 "the other word's waiter still sleeps");
	CHECK_EQ(futex(&other_word, OP_WAKE, 1, 0), 1, "WAKE of the other word wakes it");
	int clean = 0, woken = 0;
	for (int i = 0; i <= WAITERS; i++) {
		clean += thread_wait(t[i]) == 0;
		woken += results[i] == 0;
	}
	CHECK_EQ(clean, WAITERS + 1, "all waiters joined");
	CHECK_EQ(woken, WAITERS + 1, "every waiter's FUTEX_WAIT returned 0");
}

/* ---- kills ---- */

static long child_waiter(void *arg)
{
	struct timespec long_wait = { 100, 0 };
	futex(&word, OP_WAIT, 0, arg ? &long_wait : 0);
	return 99;          /* only reached if the wait ended: the kill comes first */
}

/* Two siblings wait (one with a 100 s timeout); the main thread waits too,
 * or, when `exit_main`, exits with 5 once they block. */
static int killed_child(int exit_main)
{
	word = 0;
	thread_t t;
	if (thread_spawn(&t, child_waiter, 0) || thread_spawn(&t, child_waiter, (void *)1))
		return 10;
	if (exit_main) {
		wait_blocked(getpid(), 2);
		thread_exit(5);     /* tid 0: ends the whole process */
	}
	futex(&word, OP_WAIT, 0, 0);
	return 11;
}

/* After a kill, a new process at the same addresses (perhaps even the same
 * kernel address-space object) must find no stale waiter. */
static int stale_check_child(void *arg)
{
	(void)arg;
	return (int)futex(&word, OP_WAKE, 0x7fffffff, 0);
}

static void kill_case(int exit_main, const struct kstat *before)
{
	const char *what = exit_main ? "main thread exits while siblings wait"
				     : "killed while waiting on futexes";
	long pid = fork();
	if (pid == 0)
		exit(killed_child(exit_main));
	if (!CHECK(pid > 0, "%s: fork (%ld)", what, pid))
		return;
	int status = -1;
	if (exit_main) {
		CHECK_EQ(waitpid((int)pid, &status, 0), pid, "waitpid reaps the child");
		CHECK_EQ(status, 5 << 8, "the child's status is exit 5");
	} else {
		CHECK_EQ(wait_blocked(pid, 3), 3, "the child's three threads wait");
		CHECK_EQ(kill((int)pid, SIGKILL), 0, "kill(child, SIGKILL)");
		CHECK_EQ(waitpid((int)pid, &status, 0), pid, "waitpid reaps the child");
		CHECK_EQ(status, SIGKILL, "the child's status is killed-by-9");
	}
	CHECK_EQ(run_in_child(stale_check_child, 0), 0,
		 "a new process's WAKE at the same address finds no waiter");
	kstat_expect_back(before, KSTAT_ALL, what);
}

int main(void)
{
	TEST_PLAN();
	warm_stack();
	test_note("s_futex starts");    /* first printf before the snapshot */
	error_cases();
	timeout_cases();
	wake_count_case();
	struct kstat before = kstat_now();
	for (int round = 0; round < 3; round++) {
		kill_case(0, &before);
		kill_case(1, &before);
	}
	/* The system is fine afterwards: our own futexes still work. */
	uint32_t w = 0;
	struct timespec zero = { 0, 0 };
	CHECK_EQ(futex(&w, OP_WAIT, 0, &zero), -ETIMEDOUT, "futex still works after the kills");
	return test_done();
}
