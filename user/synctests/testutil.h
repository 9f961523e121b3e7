/* Helpers shared by the synchronisation tests (s_*) and the stress programs
 * (x_*): argument parsing, a deterministic random generator, and running a
 * piece of work in a child process (the leak check is leakcheck.h's).
 *
 * Header-only: user/meson.build builds one .c file per program. */
#ifndef SYNCTESTS_TESTUTIL_H
#define SYNCTESTS_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>
#include <test.h>
#include <leakcheck.h>
#include <time.h>

/* argv[i] as a number, or `def` when absent. A malformed number is a usage
 * error: the program exits with 2 so that a typo in meson.build is loud. */
static inline long arg_long(int argc, char **argv, int i, long def)
{
	if (i >= argc)
		return def;
	char *end;
	long v = strtol(argv[i], &end, 0);
	if (*argv[i] == '\0' || *end != '\0') {
		printf("Bail out! bad numeric argument '%s'\n", argv[i]);
		exit(2);
	}
	return v;
}

/* arg_long, and a number outside lo..hi is a usage error too (exit 2);
 * `name` is the argument's name in the message. */
static inline long arg_long_in(int argc, char **argv, int i, long def, long lo, long hi,
			       const char *name)
{
	long v = arg_long(argc, argv, i, def);
	if (v < lo || v > hi) {
		printf("Bail out! %s must be %ld..%ld\n", name, lo, hi);
		exit(2);
	}
	return v;
}

/* An item of the producer/consumer programs: the producer in the high
 * half, its sequence number in the low, so a consumer can check that
 * every item arrives once and each producer's in order. */
static inline unsigned long item_value(long producer, long seq)
{
	return (unsigned long)producer << 32 | (unsigned long)seq;
}

/* Counts into *errors a synchronisation call that failed (r != 0), from
 * any thread: the main thread checks the count once all are joined. True
 * if it failed, so that a caller can skip what needed the call. */
static inline int count_failure(long *errors, long r)
{
	if (r)
		__atomic_add_fetch(errors, 1, __ATOMIC_RELAXED);
	return r != 0;
}

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static inline unsigned long rng_next(unsigned long *state)
{
	unsigned long x = *state ? *state : 0x9e3779b97f4a7c15UL;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dUL;
}

/* A number in [0, n). */
static inline unsigned long rng_below(unsigned long *state, unsigned long n)
{
	return n ? rng_next(state) % n : 0;
}

/* A shared counter whose increments a lock must exclude. Each increment
 * checks that it is alone inside (overlaps counts those that were not), and
 * every yield_every-th one yields while inside, so that the other threads
 * queue up on the lock. */
struct guarded_counter {
	volatile long value;
	int inside;            /* threads inside right now */
	long overlaps;         /* increments that found someone else inside */
};

static inline void guarded_increment(struct guarded_counter *c, long i, long yield_every)
{
	if (__atomic_exchange_n(&c->inside, 1, __ATOMIC_ACQ_REL))
		__atomic_add_fetch(&c->overlaps, 1, __ATOMIC_RELAXED);
	long v = c->value;
	if (i % yield_every == 0)
		sched_yield();
	c->value = v + 1;
	__atomic_store_n(&c->inside, 0, __ATOMIC_RELEASE);
}

/* Runs fn(arg) in a forked child, which exits with its return value, and
 * returns the raw wait status (or a negative errno from fork / wait4). */
static inline long run_in_child(int (*fn)(void *), void *arg)
{
	long pid = fork();
	if (pid < 0)
		return pid;
	if (pid == 0) {
		int code = fn(arg);
		fflush_stdout();
		exit(code);
	}
	int status = 0;
	long r = waitpid((int)pid, &status, 0);
	if (r < 0)
		return r;
	if (r != pid)
		return -ECHILD;
	return status;
}

/* Spins until *flag holds `value`, yielding the hart, so that at one hart
 * the thread that will set it can run. */
static inline void wait_for_value(const int *flag, int value)
{
	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != value)
		sched_yield();
}

/* Start line for n threads: each counts itself in at *ready and waits
 * until all have, so that they really run at the same time. */
static inline void start_together(int *ready, int n)
{
	__atomic_add_fetch(ready, 1, __ATOMIC_ACQ_REL);
	wait_for_value(ready, n);
}

/* Threads of process `pid` in state `state` (enum thread_info_state), from
 * the kernel's thread list; a negative errno if the list call fails. */
static inline long count_threads_in_state(long pid, int state)
{
	static struct thread_info list[640];
	static int list_lock;
	while (__atomic_exchange_n(&list_lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
	long n = thread_list(list, (long)(sizeof list / sizeof list[0]));
	long count = n;
	if (n >= 0) {
		count = 0;
		for (long i = 0; i < n; i++)
			if (list[i].pid == pid && list[i].state == state)
				count++;
	}
	__atomic_store_n(&list_lock, 0, __ATOMIC_RELEASE);
	return count;
}

/* Pins the calling thread to the harts in `mask` (sched_setaffinity, pid
 * 0): 0, or a negative errno. Threads it creates afterwards inherit it. */
static inline long pin_to_harts(unsigned long mask)
{
	return syscall3(SYS_sched_setaffinity, 0, sizeof mask, (long)&mask);
}

/* The hart the caller runs on (getcpu), or a negative errno. */
static inline long current_hart(void)
{
	unsigned cpu = 0;
	long r = syscall3(SYS_getcpu, (long)&cpu, 0, 0);
	return r ? r : (long)cpu;
}

/* Polls until thread tid of this process is in `state` (enum
 * thread_info_state), for about 5 s at most: a hang guard that turns a lost
 * wakeup into a failure with a message, not a timing check. One static
 * buffer: call it from one thread at a time. */
static inline int wait_thread_state(long tid, int state)
{
	static struct thread_info list[640];
	for (long t0 = time_ns(); time_ns() - t0 < 5000000000L;) {
		long n = thread_list(list, (long)(sizeof list / sizeof list[0]));
		for (long k = 0; k < n; k++)
			if (list[k].pid == getpid() && list[k].tid == tid && list[k].state == state)
				return 1;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, 0);
	}
	return 0;
}

/* Sleeps `ms` milliseconds. */
static inline void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, 0);
}

/* Polls the kernel's thread list until `want` threads of pid are BLOCKED;
 * gives up after about 10 s (a hang guard, not a timing check). */
static inline long wait_blocked(long pid, long want)
{
	long n = 0;
	for (int i = 0; i < 10000; i++) {
		n = count_threads_in_state(pid, THREAD_INFO_BLOCKED);
		if (n == want)
			return n;
		pause_ms(1);
	}
	return n;
}

#endif
