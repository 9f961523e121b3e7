/* s_mutex_owner: a mutex whose owner exited stays locked, and no later
 * thread inherits it.
 *
 * The rule (kernel/sync/objects.c): a mutex records its owner by the
 * thread's serial number, which is never reused, so a thread created later
 * (even one whose control block lands at the dead owner's address, which
 * kmalloc makes likely) is not the owner: its unlock is -EPERM and its lock
 * blocks. Nothing unlocks the mutex for the dead owner. Issue 18 defect 5:
 * with the owner kept as a raw thread pointer, the newcomer's unlock
 * succeeded 20 times out of 20.
 *
 * Each case runs in a child process, so the thread left blocked on the dead
 * mutex ends with that process; the kernel's counters must come back. */
#include <stdio.h>
#include <sync.h>
#include <test.h>
#include <thread.h>
#include "testutil.h"

#define NEWCOMERS 20

static long dead_mutex;

static long lock_and_exit(void *arg)
{
	(void)arg;
	return mutex_lock(dead_mutex) == 0 ? 0 : 1;   /* exits holding it */
}

static long try_unlock(void *arg)
{
	(void)arg;
	return mutex_unlock(dead_mutex);
}

static long try_lock(void *arg)
{
	(void)arg;
	return mutex_lock(dead_mutex);   /* must block for ever */
}

/* Exit codes of the child: 0 all held; 10+i: newcomer i unlocked it (or
 * got another error than -EPERM); 40: the locker did not block; 41: the
 * main thread's unlock was not -EPERM; 42: setup failed. */
static int dead_owner_case(void *arg)
{
	int blocking = (int)(long)arg;
	dead_mutex = mutex_create(blocking);
	thread_t t;
	if (dead_mutex < 0 || thread_spawn(&t, lock_and_exit, 0) || thread_wait(t) != 0)
		return 42;
	for (int i = 0; i < NEWCOMERS; i++) {
		if (thread_spawn(&t, try_unlock, 0))
			return 42;
		if (thread_wait(t) != -EPERM)
			return 10 + i;
	}
	if (mutex_unlock(dead_mutex) != -EPERM)
		return 41;
	if (!blocking)
		return 0;     /* a spinning locker would spin, not block */
	if (thread_spawn(&t, try_lock, 0))
		return 42;
	if (wait_blocked(getpid(), 1) != 1)
		return 40;
	return 0;         /* the process ends with the locker still blocked */
}

static void dead_owner(int blocking)
{
	const char *kind = blocking ? "blocking" : "spinning";
	struct kstat before = kstat_now();
	long status = run_in_child(dead_owner_case, (void *)(long)blocking);
	long code = status >= 0 && (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1;
	if (!CHECK_EQ(code, 0, blocking ? "blocking mutex: its dead owner's lock is held for ever"
					: "spinning mutex: its dead owner's lock is held for ever"))
		test_note("%s: child status %#lx: %s", kind, status,
			  code >= 10 && code < 10 + NEWCOMERS ? "a thread created after the owner exited unlocked its mutex"
			  : code == 40 ? "a later locker did not block"
			  : code == 41 ? "another thread's unlock was not -EPERM" : "setup failed or the child died");
	kstat_expect_back(&before, KSTAT_ALL, kind);
}

int main(void)
{
	TEST_PLAN();
	warm_stack();
	dead_owner(1);
	dead_owner(0);
	return test_done();
}
