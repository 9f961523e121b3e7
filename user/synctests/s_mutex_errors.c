/* s_mutex_errors: misuse of mutexes, semaphores and condition variables
 * gives error codes, and the objects keep working afterwards.
 *
 * DESIGN.md says only "a bad id is an error code". The codes checked here
 * are the kernel's (kernel/sync/objects.c): a bad or never created id is
 * -EINVAL, unlocking a mutex the caller does not hold is -EPERM (also as the
 * mutex of condvar_wait), locking a mutex the caller already holds is
 * -EDEADLK, a negative initial semaphore count is -EINVAL, and a full object
 * table is -EAGAIN. */
#include <stdio.h>
#include <sync.h>
#include <test.h>
#include <thread.h>
#include "testutil.h"

/* Ids that name no object: negative, huge, and in range but never created
 * (each table gets only a few objects below). */
static const long bad_ids[] = { -1, -2, -1000, 1L << 40, 0x7fffffffffffffffL,
				(long)0x8000000000000000UL, 40, 63, 64, 65, 1000 };
#define BAD_IDS (int)(sizeof bad_ids / sizeof bad_ids[0])

/* Whether call(id) is -EINVAL for every bad id; each one that is not is
 * noted with note (a format taking the id and what call returned). */
static int einval_for_bad_ids(long (*call)(long), const char *note)
{
	int ok = 1;
	for (int i = 0; i < BAD_IDS; i++) {
		long r = call(bad_ids[i]);
		if (r != -EINVAL) {
			ok = 0;
			test_note(note, bad_ids[i], r);
		}
	}
	return ok;
}

/* condvar_errors' good objects, for the waits that pair one with a bad id. */
static long good_condvar, good_mutex;

static long wait_with_good_mutex(long condvar_id)
{
	return condvar_wait(condvar_id, good_mutex);
}

static long wait_on_good_condvar(long mutex_id)
{
	return condvar_wait(good_condvar, mutex_id);
}

static long shared_mutex;
static int holder_state;      /* 1: holder has the lock; 2: may release */

static long hold_mutex(void *arg)
{
	(void)arg;
	long r = mutex_lock(shared_mutex);
	__atomic_store_n(&holder_state, 1, __ATOMIC_RELEASE);
	wait_for_value(&holder_state, 2);
	long u = mutex_unlock(shared_mutex);
	return r == 0 && u == 0 ? 0 : 1;
}

static void mutex_errors(int blocking)
{
	const char *kind = blocking ? "blocking" : "spinning";
	long m = mutex_create(blocking);
	if (!CHECK(m >= 0, "%s: mutex_create gives an id (%ld)", kind, m))
		return;
	CHECK_EQ(mutex_unlock(m), -EPERM, "unlocking a never locked mutex is -EPERM");
	CHECK_EQ(mutex_lock(m), 0, "lock succeeds");
	CHECK_EQ(mutex_lock(m), -EDEADLK, "locking it again from the holder is -EDEADLK");
	CHECK_EQ(mutex_unlock(m), 0, "unlock by the holder succeeds");
	CHECK_EQ(mutex_unlock(m), -EPERM, "a second unlock is -EPERM");

	/* Another thread holds it: our unlock must not take it from them. */
	shared_mutex = m;
	holder_state = 0;
	thread_t t;
	if (!CHECK_EQ(thread_spawn(&t, hold_mutex, NULL), 0, "holder thread starts"))
		return;
	wait_for_value(&holder_state, 1);
	CHECK_EQ(mutex_unlock(m), -EPERM, "unlocking a mutex another thread holds is -EPERM");
	__atomic_store_n(&holder_state, 2, __ATOMIC_RELEASE);
	CHECK_EQ(thread_wait(t), 0, "the holder still owned it and unlocked it cleanly");
	CHECK_EQ(mutex_lock(m), 0, "the mutex is free again afterwards");
	CHECK_EQ(mutex_unlock(m), 0, "and unlocks");

	CHECK(einval_for_bad_ids(mutex_lock, "mutex_lock(%ld) = %ld"),
	      "%s: mutex_lock of %d bad ids is -EINVAL", kind, BAD_IDS);
	CHECK(einval_for_bad_ids(mutex_unlock, "mutex_unlock(%ld) = %ld"),
	      "%s: mutex_unlock of %d bad ids is -EINVAL", kind, BAD_IDS);
}

static void semaphore_errors(void)
{
	CHECK_EQ(semaphore_create(-1), -EINVAL, "semaphore_create(-1) is -EINVAL");
	long s = semaphore_create(1);
	if (!CHECK(s >= 0, "semaphore_create(1) gives an id (%ld)", s))
		return;
	CHECK(einval_for_bad_ids(semaphore_up, "semaphore_up(%ld) = %ld"),
	      "semaphore_up of %d bad ids is -EINVAL", BAD_IDS);
	CHECK(einval_for_bad_ids(semaphore_down, "semaphore_down(%ld) = %ld"),
	      "semaphore_down of %d bad ids is -EINVAL", BAD_IDS);
	/* The good one still counts: 1 + 1 up = 2 downs without blocking. */
	CHECK_EQ(semaphore_up(s), 0, "semaphore_up of a good id succeeds");
	CHECK_EQ(semaphore_down(s), 0, "first down succeeds");
	CHECK_EQ(semaphore_down(s), 0, "second down succeeds (count was 2)");
}

static void condvar_errors(void)
{
	long c = good_condvar = condvar_create();
	long m = good_mutex = mutex_create(1);
	if (!CHECK(c >= 0 && m >= 0, "condvar_create and mutex_create give ids"))
		return;
	CHECK_EQ(condvar_wait(c, m), -EPERM,
		 "condvar_wait without holding the mutex is -EPERM");
	CHECK_EQ(mutex_lock(m), 0, "the mutex is still free after that");
	/* & rather than &&: both halves run, so every failing id is noted. */
	int wait_ok = einval_for_bad_ids(wait_with_good_mutex, "condvar_wait(%ld, good) = %ld") &
		      einval_for_bad_ids(wait_on_good_condvar, "condvar_wait(good, %ld) = %ld");
	CHECK(wait_ok, "condvar_wait with a bad condvar or mutex id is -EINVAL");
	CHECK(einval_for_bad_ids(condvar_signal, "condvar_signal(%ld) = %ld"),
	      "condvar_signal of %d bad ids is -EINVAL", BAD_IDS);
	/* The failed waits must not have released the mutex we hold. */
	CHECK_EQ(mutex_lock(m), -EDEADLK, "the mutex is still held after the failed waits");
	CHECK_EQ(mutex_unlock(m), 0, "and unlocks");
	CHECK_EQ(condvar_signal(c), 0, "condvar_signal with no waiter succeeds");
}

/* In a forked child: fork gives it no objects (docs/DESIGN.md), so the
 * parent's ids are bad here; and ids are per kind: mutex 0 existing does
 * not make semaphore 0 or condvar 0 valid. Exit code: the failing step. */
static int child_ids(void *arg)
{
	(void)arg;
	if (mutex_lock(0) != -EINVAL || semaphore_up(0) != -EINVAL ||
	    condvar_signal(0) != -EINVAL)
		return 1;
	long m = mutex_create(1);
	if (m != 0)
		return 2;
	if (semaphore_up(0) != -EINVAL || condvar_signal(0) != -EINVAL ||
	    condvar_wait(0, m) != -EINVAL)
		return 3;
	return 0;
}

/* Creates objects with create until it fails (at most 100000 tries, so a
 * table with no bound still ends); its last result, and in *made how many
 * it made (ids 0..made-1, each table starting empty in the child). */
static long create_until_full(long (*create)(void), long *made)
{
	long last = 0;
	*made = 0;
	for (long i = 0; i < 100000; i++) {
		last = create();
		if (last < 0)
			break;
		(*made)++;
	}
	return last;
}

static long new_blocking_mutex(void)
{
	return mutex_create(1);
}

static long new_empty_semaphore(void)
{
	return semaphore_create(0);
}

/* Filling a table: creation stops with -EAGAIN, the existing objects keep
 * working. Run in a child, which the exit then cleans up. */
static int fill_tables(void *arg)
{
	(void)arg;
	long made;
	if (create_until_full(new_blocking_mutex, &made) != -EAGAIN)
		return 1;
	if (mutex_lock(made - 1) || mutex_unlock(made - 1))
		return 2;
	if (create_until_full(new_empty_semaphore, &made) != -EAGAIN)
		return 3;
	if (semaphore_up(made - 1) || semaphore_down(made - 1))
		return 4;
	return create_until_full(condvar_create, &made) == -EAGAIN ? 0 : 5;
}

int main(void)
{
	TEST_PLAN();
	mutex_errors(1);
	mutex_errors(0);
	semaphore_errors();
	condvar_errors();
	long ids = run_in_child(child_ids, NULL);
	CHECK_EQ(ids, 0, "a forked child has none of the parent's objects, and ids are per "
		 "kind (child exits 0)");
	if (ids)
		test_note("child_ids status 0x%lx: exit code %ld names the step", ids,
			  (ids >> 8) & 0xff);
	long st = run_in_child(fill_tables, NULL);
	CHECK_EQ(st, 0, "full object tables give -EAGAIN and keep working (child exits 0)");
	if (st)
		test_note("fill_tables status 0x%lx: exit code %ld names the step",
			  st, (st >> 8) & 0xff);
	return test_done();
}
