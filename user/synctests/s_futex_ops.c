/* s_futex_ops: the Linux futex operations beyond WAIT/WAKE, with Linux's
 * answers (checked against Linux).
 *
 * Errors: bitset 0 -EINVAL; FUTEX_CLOCK_REALTIME with anything but
 * WAIT_BITSET -ENOSYS; negative requeue counts and misaligned second words
 * -EINVAL; CMP_REQUEUE with a changed word -EAGAIN; WAKE_OP's unknown op
 * -ENOSYS (word untouched) and unknown comparison -ENOSYS (word changed, as
 * on Linux); WAKE_OP on a read-only second word -EFAULT. Timeouts:
 * WAIT_BITSET's absolute deadline on CLOCK_MONOTONIC and CLOCK_REALTIME,
 * one in the past at once. With threads: WAKE_BITSET wakes only matching
 * bitsets; CMP_REQUEUE of 1 wake + 2 requeues out of 4 waiters returns 3,
 * wakes exactly one and leaves the moved two asleep until a WAKE on the
 * second word; a process killed with requeued waiters leaves nothing
 * behind; WAKE_OP sets the second word and wakes on both words only
 * when the comparison holds; a storm of timed waits on two words against
 * requeues both ways leaves no waiter behind; a wait without FUTEX_PRIVATE_FLAG meets a
 * wake with it. Counters are back at the end. */
#include <stdbool.h>
#include <stdint.h>
#include <thread.h>
#include <time.h>
#include "testutil.h"
#include <dakota/futex.h>
#include <dakota/clock.h>

#define PRIV FUTEX_PRIVATE_FLAG
#define EXPECT(got, want, name) CHECK_EQ((got), (want), (name))

static long futex6(uint32_t *u, int op, long val, long t_or_val2, uint32_t *u2, long val3)
{
	return syscall6(SYS_futex, (long)u, op, val, t_or_val2, (long)u2, val3);
}

static const uint32_t ro_word = 3;

static struct timespec clock_plus_ms(long clock, long ms)
{
	struct timespec t;
	syscall2(SYS_clock_gettime, clock, (long)&t);
	t.tv_nsec += ms * 1000000L;
	t.tv_sec += t.tv_nsec / 1000000000L;
	t.tv_nsec %= 1000000000L;
	return t;
}

static bool reached(long clock, struct timespec d)
{
	struct timespec now;
	syscall2(SYS_clock_gettime, clock, (long)&now);
	return now.tv_sec > d.tv_sec || (now.tv_sec == d.tv_sec && now.tv_nsec >= d.tv_nsec);
}

static void errors(void)
{
	uint32_t w = 5, w2 = 0;
	EXPECT(futex6(&w, FUTEX_WAIT_BITSET | PRIV, 5, 0, 0, 0), -EINVAL, "WAIT_BITSET with bitset 0");
	EXPECT(futex6(&w, FUTEX_WAKE_BITSET | PRIV, 1, 0, 0, 0), -EINVAL, "WAKE_BITSET with bitset 0");
	EXPECT(futex6(&w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 6, 0, 0, 0), -ENOSYS,
	       "WAIT with FUTEX_CLOCK_REALTIME is -ENOSYS");
	EXPECT(futex6(&w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, 0, 0, 0), -ENOSYS,
	       "WAKE with FUTEX_CLOCK_REALTIME is -ENOSYS");
	EXPECT(futex6(&w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | PRIV, 6, 0, 0, ~0L), -EAGAIN,
	       "WAIT_BITSET with FUTEX_CLOCK_REALTIME: a mismatch is -EAGAIN");
	EXPECT(futex6(&w, FUTEX_REQUEUE | PRIV, -1, 0, &w2, 0), -EINVAL, "REQUEUE of -1 to wake");
	EXPECT(futex6(&w, FUTEX_REQUEUE | PRIV, 0, -1, &w2, 0), -EINVAL, "REQUEUE of -1 to move");
	EXPECT(futex6(&w, FUTEX_REQUEUE | PRIV, 1, 1, (uint32_t *)((char *)&w2 + 2), 0), -EINVAL,
	       "REQUEUE to a misaligned word");
	EXPECT(futex6(&w, FUTEX_CMP_REQUEUE | PRIV, 1, 1, &w2, 4), -EAGAIN,
	       "CMP_REQUEUE with *uaddr != val3 is -EAGAIN");
	EXPECT(futex6(&w, FUTEX_CMP_REQUEUE, 1, 1, 0, 5), -EFAULT,
	       "CMP_REQUEUE (shared) to NULL is -EFAULT");
	EXPECT(futex6(&w, FUTEX_CMP_REQUEUE | PRIV, 1, 1, &w2, 5), 0, "CMP_REQUEUE with no waiter: 0");
	EXPECT(futex6(&w, FUTEX_WAKE_OP | PRIV, 1, 1, &w2, (long)(7U << 28)), -ENOSYS,
	       "WAKE_OP with op 7 is -ENOSYS");
	EXPECT(w2, 0, "... and the word is untouched");
	EXPECT(futex6(&w, FUTEX_WAKE_OP | PRIV, 1, 1, &w2, FUTEX_OP(FUTEX_OP_ADD, 1, 9, 0)), -ENOSYS,
	       "WAKE_OP with comparison 9 is -ENOSYS");
	EXPECT(w2, 1, "... after the add was done (Linux's order)");
	EXPECT(futex6(&w, FUTEX_WAKE_OP | PRIV, 1, 1, (uint32_t *)&ro_word,
		      FUTEX_OP(FUTEX_OP_SET, 0, 0, 0)), -EFAULT, "WAKE_OP on a read-only word: -EFAULT");
	EXPECT(futex6(&w, FUTEX_WAKE_OP | PRIV, 1, 1, &w2,
		      FUTEX_OP(FUTEX_OP_OPARG_SHIFT | FUTEX_OP_OR, 4, FUTEX_OP_CMP_EQ, 1)), 0,
	       "WAKE_OP OR (1 << 4) with no waiter: 0");
	EXPECT(w2, 17, "... the word is 1 | 16");
	EXPECT(futex6(&w, 11 | PRIV, 0, 0, 0, 0), -ENOSYS, "WAIT_REQUEUE_PI is -ENOSYS");
}

static void timeouts(void)
{
	uint32_t w = 1;
	struct timespec d = clock_plus_ms(CLOCK_MONOTONIC, 20);
	EXPECT(futex6(&w, FUTEX_WAIT_BITSET | PRIV, 1, (long)&d, 0, ~0L), -ETIMEDOUT,
	       "WAIT_BITSET to an absolute CLOCK_MONOTONIC time: -ETIMEDOUT");
	CHECK(reached(CLOCK_MONOTONIC, d), "... not before that time");
	d = clock_plus_ms(CLOCK_REALTIME, 20);
	EXPECT(futex6(&w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | PRIV, 1, (long)&d, 0, ~0L),
	       -ETIMEDOUT, "... with FUTEX_CLOCK_REALTIME to a CLOCK_REALTIME time: -ETIMEDOUT");
	CHECK(reached(CLOCK_REALTIME, d), "... not before that time");
	struct timespec past = { 1, 0 };
	EXPECT(futex6(&w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | PRIV, 1, (long)&past, 0, ~0L),
	       -ETIMEDOUT, "a deadline in 1970 is -ETIMEDOUT at once");
	struct timespec bad = { 0, 1000000000L };
	EXPECT(futex6(&w, FUTEX_WAIT_BITSET | PRIV, 1, (long)&bad, 0, ~0L), -EINVAL,
	       "an invalid deadline is -EINVAL");
}

/* ---- threads ---- */

static uint32_t word_a, word_b;
static _Atomic int returned;
static _Atomic int bits_woken;

struct waiter {
	uint32_t *word;
	int op;
	uint32_t bitset;
};

static long waiter(void *arg)
{
	struct waiter *w = arg;
	long r = futex6(w->word, w->op, 0, 0, 0, w->bitset);
	if (r == 0)
		__atomic_fetch_or(&bits_woken, (int)w->bitset, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&returned, 1, __ATOMIC_SEQ_CST);
	return r;
}

/* n waiters on `word` with `op`; blocks until all are asleep. */
static void spawn_waiters(thread_t *t, struct waiter *w, int n, long blocked_before)
{
	for (int i = 0; i < n; i++)
		thread_spawn(&t[i], waiter, &w[i]);
	EXPECT(wait_blocked(getpid(), blocked_before + n), blocked_before + n, "waiters asleep");
}

static void join_all(thread_t *t, int n, const char *what)
{
	long bad = 0;
	for (int i = 0; i < n; i++)
		bad += thread_wait(t[i]) != 0;
	EXPECT(bad, 0, what);
}

static void bitsets(void)
{
	thread_t t[2];
	struct waiter w[2] = { { &word_a, FUTEX_WAIT_BITSET | PRIV, 1 },
			       { &word_a, FUTEX_WAIT_BITSET | PRIV, 2 } };
	returned = bits_woken = 0;
	spawn_waiters(t, w, 2, 0);
	EXPECT(futex6(&word_a, FUTEX_WAKE_BITSET | PRIV, 10, 0, 0, 2), 1,
	       "WAKE_BITSET 2 wakes one of two waiters");
	EXPECT(wait_blocked(getpid(), 1), 1, "... the other sleeps on");
	EXPECT(futex6(&word_a, FUTEX_WAKE_BITSET | PRIV, 10, 0, 0, 4), 0, "WAKE_BITSET 4 wakes none");
	EXPECT(futex6(&word_a, FUTEX_WAKE | PRIV, 10, 0, 0, 0), 1, "WAKE (any bitset) wakes the last");
	join_all(t, 2, "both waits returned 0");
	EXPECT(bits_woken, 3, "... waiter 2 by the first wake, waiter 1 by the second");
}

static void requeue(void)
{
	thread_t t[4];
	struct waiter w[4];
	for (int i = 0; i < 4; i++)
		w[i] = (struct waiter){ &word_a, FUTEX_WAIT | PRIV, ~0U };
	returned = 0;
	spawn_waiters(t, w, 4, 0);
	EXPECT(futex6(&word_a, FUTEX_CMP_REQUEUE | PRIV, 1, 2, &word_b, 0), 3,
	       "CMP_REQUEUE(wake 1, move 2) of 4 waiters returns 3");
	EXPECT(wait_blocked(getpid(), 3), 3, "... three still asleep");
	EXPECT(futex6(&word_a, FUTEX_WAKE | PRIV, 10, 0, 0, 0), 1, "one left on the first word");
	EXPECT(wait_blocked(getpid(), 2), 2, "... the moved two sleep on");
	EXPECT(futex6(&word_b, FUTEX_WAKE | PRIV, 10, 0, 0, 0), 2, "a WAKE on the second word wakes them");
	join_all(t, 4, "all four waits returned 0");

	/* Plain REQUEUE, a shared waiter, and FUTEX_WAKE of 0 waking one. */
	w[0].op = w[1].op = FUTEX_WAIT;
	spawn_waiters(t, w, 2, 0);
	EXPECT(futex6(&word_a, FUTEX_REQUEUE | PRIV, 0, 5, &word_b, 0), 2, "REQUEUE moves both");
	EXPECT(futex6(&word_b, FUTEX_WAKE | PRIV, 0, 0, 0, 0), 1,
	       "a private WAKE of 0 wakes one shared waiter (Linux's count)");
	EXPECT(futex6(&word_b, FUTEX_WAKE | PRIV, 1, 0, 0, 0), 1, "... and of 1 the other");
	join_all(t, 2, "both returned 0");
}

static void wake_op(void)
{
	thread_t t[2];
	struct waiter w[2] = { { &word_a, FUTEX_WAIT | PRIV, ~0U }, { &word_b, FUTEX_WAIT | PRIV, ~0U } };
	spawn_waiters(t, w, 2, 0);
	EXPECT(futex6(&word_a, FUTEX_WAKE_OP | PRIV, 1, 1, &word_b,
		      FUTEX_OP(FUTEX_OP_SET, 7, FUTEX_OP_CMP_NE, 0)), 1,
	       "WAKE_OP SET 7 when old != 0 (false): wakes only the first word");
	EXPECT(word_b, 7, "... the second word is 7");
	EXPECT(wait_blocked(getpid(), 1), 1, "... its waiter sleeps on");
	EXPECT(futex6(&word_a, FUTEX_WAKE_OP | PRIV, 1, 1, &word_b,
		      FUTEX_OP(FUTEX_OP_ADD, -7, FUTEX_OP_CMP_GE, 7)), 1,
	       "WAKE_OP ADD -7 when old >= 7 (true): wakes the second word's waiter");
	EXPECT(word_b, 0, "... the second word is 0 again");
	join_all(t, 2, "both returned 0");
}

/* In a child: three waiters (one with a 100 s deadline) requeued from A
 * to B, then the main thread waits on A too; the parent kills it. */
static int requeued_child(void)
{
	thread_t t[3];
	struct timespec far = clock_plus_ms(CLOCK_MONOTONIC, 100000);
	static struct waiter w[3];
	for (int i = 0; i < 3; i++)
		w[i] = (struct waiter){ &word_a, FUTEX_WAIT_BITSET | PRIV, ~0U };
	for (int i = 0; i < 3; i++)               /* no CHECK here: a child prints no TAP */
		thread_spawn(&t[i], waiter, &w[i]);
	if (wait_blocked(getpid(), 3) != 3)
		return 9;
	if (futex6(&word_a, FUTEX_REQUEUE | PRIV, 0, 3, &word_b, 0) != 3)
		return 10;
	futex6(&word_a, FUTEX_WAIT_BITSET | PRIV, 0, (long)&far, 0, ~0U);
	return 11;
}

static int stale_check_child(void *arg)
{
	(void)arg;
	return (int)(futex6(&word_a, FUTEX_WAKE | PRIV, 100, 0, 0, 0) +
		     futex6(&word_b, FUTEX_WAKE, 100, 0, 0, 0));
}

static void kill_requeued(void)
{
	long pid = fork();
	if (pid == 0)
		exit(requeued_child());
	EXPECT(wait_blocked(pid, 4), 4, "a child with three requeued waiters and one more");
	EXPECT(kill((int)pid, SIGKILL), 0, "kill it");
	int status = -1;
	EXPECT(waitpid((int)pid, &status, 0), pid, "reap it");
	EXPECT(status, SIGKILL, "... killed by 9");
	EXPECT(run_in_child(stale_check_child, 0), 0, "a new process finds no stale waiter");
}

/* ---- a storm: waits with short timeouts against requeues and wakes ---- */

#define STORM_WAITERS 5
#define STORM_ROUNDS  400
static _Atomic int storm_done;

static long storm_waiter(void *arg)
{
	long i = (long)arg, bad = 0;
	struct timespec t = { 0, 200000 };        /* 0.2 ms: timeouts race the moves */
	while (!__atomic_load_n(&storm_done, __ATOMIC_ACQUIRE)) {
		uint32_t *w = (i++ & 1) ? &word_a : &word_b;
		long r = futex6(w, FUTEX_WAIT | (i & 2 ? PRIV : 0), 0, (long)&t, 0, 0);
		bad += r != 0 && r != -ETIMEDOUT && r != -EAGAIN;
	}
	return bad;
}

static void storm(void)
{
	thread_t t[STORM_WAITERS];
	word_a = word_b = 0;
	storm_done = 0;
	for (long i = 0; i < STORM_WAITERS; i++)
		thread_spawn(&t[i], storm_waiter, (void *)i);
	long bad = 0, moved = 0;
	for (int r = 0; r < STORM_ROUNDS; r++) {
		long n1 = futex6(&word_a, FUTEX_CMP_REQUEUE | PRIV, 1, 2, &word_b, 0);
		long n2 = futex6(&word_b, FUTEX_REQUEUE, 0, 3, &word_a, 0);
		long n3 = futex6(&word_a, FUTEX_WAKE_OP | PRIV, 1, 1, &word_b,
				 FUTEX_OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_EQ, 0));
		bad += n1 < 0 || n2 < 0 || n3 < 0;
		moved += (n1 > 0 ? n1 : 0) + (n2 > 0 ? n2 : 0);
		if (r % 16 == 0)
			sched_yield();
	}
	__atomic_store_n(&storm_done, 1, __ATOMIC_RELEASE);
	futex6(&word_a, FUTEX_WAKE, 100, 0, 0, 0);
	futex6(&word_b, FUTEX_WAKE, 100, 0, 0, 0);
	test_note("storm: %ld waiters woken or moved by the requeues", moved);
	EXPECT(bad, 0, "storm: requeues and wakes never fail");
	join_all(t, STORM_WAITERS, "storm: every wait ended in 0, -ETIMEDOUT or -EAGAIN");
	EXPECT(futex6(&word_a, FUTEX_WAKE | PRIV, 100, 0, 0, 0) +
	       futex6(&word_b, FUTEX_WAKE | PRIV, 100, 0, 0, 0), 0, "storm: no waiter left behind");
}

int main(void)
{
	warm_stack();
	struct kstat before = kstat_now();
	errors();
	timeouts();
	bitsets();
	requeue();
	wake_op();
	storm();
	kstat_expect_back(&before, KSTAT_THREADS | KSTAT_KMALLOC, "futex operations");
	/* Frames too, now that this process's own stacks and heap are grown. */
	struct kstat grown = kstat_now();
	kill_requeued();
	kstat_expect_back(&grown, KSTAT_ALL, "killed with requeued waiters");
	return test_done();
}
