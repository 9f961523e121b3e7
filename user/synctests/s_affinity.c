/* s_affinity: sched_setaffinity / sched_getaffinity / getcpu and the policy
 * calls, with Linux's meaning (raw system calls, as glibc makes them).
 *
 * The reported mask is exactly the online harts (glibc's
 * sysconf(_SC_NPROCESSORS_ONLN) and libgomp count its bits); a thread pinned
 * to one hart runs there and only there, and a setaffinity that excludes
 * the caller's hart moves it before returning; new threads inherit the mask.
 *
 * usage: s_affinity HARTS     (the hart count QEMU was given) */
#include <stdio.h>
#include <test.h>
#include <thread.h>
#include "testutil.h"

#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2

static long harts;

static long set_mask(unsigned long mask)
{
	return syscall3(SYS_sched_setaffinity, 0, sizeof mask, (long)&mask);
}

static unsigned long get_mask(void)
{
	unsigned long mask = 0;
	long r = syscall3(SYS_sched_getaffinity, 0, sizeof mask, (long)&mask);
	return r == (long)sizeof mask ? mask : 0;
}

static long cpu_now(void)
{
	unsigned cpu = 99, node = 99;
	long r = syscall3(SYS_getcpu, (long)&cpu, (long)&node, 0);
	return r ? r : node != 0 ? -1000 : (long)cpu;
}

/* Pinned to `hart`, yields and checks its hart many times: other harts
 * that go idle must never take it. Returns the checks that saw another. */
static long stays_on(long hart, int rounds)
{
	long wrong = 0;
	for (int i = 0; i < rounds; i++) {
		if (cpu_now() != hart)
			wrong++;
		sched_yield();
	}
	return wrong;
}

static void pin_to_each_hart(void)
{
	unsigned long all = (1UL << harts) - 1;
	for (long h = 0; h < harts; h++) {
		CHECK_EQ(set_mask(1UL << h), 0, "setaffinity to one hart returns 0");
		CHECK_EQ(cpu_now(), h, "getcpu right after pinning names the hart pinned to");
		CHECK_EQ(get_mask(), 1UL << h, "getaffinity reports the one-hart mask");
		CHECK_EQ(stays_on(h, 200), 0, "a pinned thread never runs on another hart (200 yields)");
	}
	CHECK_EQ(set_mask(~0UL), 0, "setaffinity to all ones returns 0");
	CHECK_EQ(get_mask(), all, "getaffinity after all ones: exactly the online harts");
}

static long pinned_worker(void *arg)
{
	long h = (long)arg;
	if (set_mask(1UL << h) != 0)
		return 100;
	return stays_on(h, 300);
}

/* One thread pinned to each hart at once, all yielding. */
static void pinned_threads(void)
{
	thread_t t[8];
	for (long h = 0; h < harts; h++)
		CHECK_EQ(thread_spawn(&t[h], pinned_worker, (void *)h), 0, "pinned thread starts");
	for (long h = 0; h < harts; h++)
		CHECK_EQ(thread_wait(t[h]), 0, "a thread pinned to its own hart never ran elsewhere");
}

static long report_mask(void *arg)
{
	(void)arg;
	return (long)get_mask();
}

static void inherited(void)
{
	long last = harts - 1;
	CHECK_EQ(set_mask(1UL << last), 0, "pin the creator to the last hart");
	thread_t t;
	CHECK_EQ(thread_spawn(&t, report_mask, 0), 0, "child thread starts");
	CHECK_EQ(thread_wait(t), 1L << last, "a new thread inherits its creator's mask");
	CHECK_EQ(set_mask(~0UL), 0, "unpin");
}

static void errors(void)
{
	unsigned long m = 0;
	CHECK_EQ(set_mask(0), -EINVAL, "an empty mask is -EINVAL");
	CHECK_EQ(set_mask(1UL << 63), -EINVAL, "a mask of offline harts only is -EINVAL");
	CHECK_EQ(syscall3(SYS_sched_getaffinity, 0, 4, (long)&m), -EINVAL,
		 "getaffinity into 4 bytes (less than the kernel mask) is -EINVAL");
	CHECK_EQ(syscall3(SYS_sched_getaffinity, 0, 12, (long)&m), -EINVAL,
		 "getaffinity with a length that is not whole longs is -EINVAL");
	unsigned long big[2] = { 0, 0x5a5a };
	CHECK_EQ(syscall3(SYS_sched_getaffinity, 0, sizeof big, (long)big), 8,
		 "getaffinity into 16 bytes returns 8, the kernel mask's size");
	CHECK_EQ(big[1], 0x5a5a, "and writes only those 8 bytes");
	CHECK_EQ(syscall3(SYS_sched_getaffinity, 0, 8, 8), -EFAULT, "getaffinity to a bad pointer is -EFAULT");
	CHECK_EQ(syscall3(SYS_sched_setaffinity, 0, 8, 8), -EFAULT, "setaffinity from a bad pointer is -EFAULT");
	CHECK_EQ(syscall3(SYS_sched_getaffinity, getpid(), 8, (long)&m), 8, "pid = own getpid() is the caller");
	CHECK_EQ(syscall3(SYS_sched_getaffinity, 99999, 8, (long)&m), -ESRCH, "an unknown pid is -ESRCH");
	CHECK_EQ(syscall3(SYS_getcpu, 8, 0, 0), -EFAULT, "getcpu to a bad pointer is -EFAULT");
	CHECK_EQ(syscall3(SYS_getcpu, 0, 0, 0), 0, "getcpu with both pointers NULL is 0");
}

static void policy(void)
{
	int prio = 77;
	CHECK_EQ(syscall1(SYS_sched_get_priority_max, SCHED_OTHER), 0, "priority max of SCHED_OTHER is 0");
	CHECK_EQ(syscall1(SYS_sched_get_priority_min, SCHED_OTHER), 0, "priority min of SCHED_OTHER is 0");
	CHECK_EQ(syscall1(SYS_sched_get_priority_max, SCHED_FIFO), 99, "priority max of SCHED_FIFO is 99");
	CHECK_EQ(syscall1(SYS_sched_get_priority_min, SCHED_RR), 1, "priority min of SCHED_RR is 1");
	CHECK_EQ(syscall1(SYS_sched_get_priority_max, 42), -EINVAL, "an unknown policy is -EINVAL");
	CHECK_EQ(syscall1(SYS_sched_getscheduler, 0), SCHED_OTHER, "the policy is SCHED_OTHER");
	CHECK_EQ(syscall2(SYS_sched_getparam, 0, (long)&prio), 0, "getparam returns 0");
	CHECK_EQ(prio, 0, "with priority 0");
	CHECK_EQ(syscall2(SYS_sched_getparam, 0, 0), -EINVAL, "getparam into NULL is -EINVAL");
	prio = 10;
	CHECK_EQ(syscall3(SYS_sched_setscheduler, 0, SCHED_FIFO, (long)&prio), 0,
		 "SCHED_FIFO 10 is accepted (uid 0)");
	CHECK_EQ(syscall1(SYS_sched_getscheduler, 0), SCHED_FIFO, "the policy is SCHED_FIFO");
	prio = 0;
	CHECK_EQ(syscall3(SYS_sched_setscheduler, 0, SCHED_OTHER, (long)&prio), 0,
		 "SCHED_OTHER with priority 0 is accepted");
	prio = 5;
	CHECK_EQ(syscall3(SYS_sched_setscheduler, 0, SCHED_OTHER, (long)&prio), -EINVAL,
		 "SCHED_OTHER with priority 5 is -EINVAL");
}

int main(int argc, char **argv)
{
	harts = arg_long(argc, argv, 1, 0);
	if (harts < 1 || harts > 8) {
		printf("Bail out! usage: s_affinity HARTS (1..8)\n");
		return 2;
	}
	TEST_PLAN();
	CHECK_EQ(get_mask(), (1UL << harts) - 1, "the initial mask is exactly the online harts");
	pin_to_each_hart();
	pinned_threads();
	inherited();
	errors();
	policy();
	return test_done();
}
