/* Helpers for the stress programs (x_*): on top of the synchronisation
 * tests' helpers, running work in a child that sends a result record back
 * through a pipe, and the start/end kernel-counter check every stress
 * program makes.
 *
 * The work of a stress program runs in child processes and the parent (the
 * first process, pid 1) only forks, waits and checks. That keeps the leak
 * check exact: when every child is reaped, everything the work allocated in
 * the kernel must have come back. */
#ifndef STRESS_STRESS_H
#define STRESS_STRESS_H

#include "../synctests/testutil.h"
#include <time.h>
#include <io.h>
#include <sync.h>

/* A semaphore nobody posts: waiting on it blocks a thread until its process
 * is killed or exits. A program that uses it sets it to 0 first
 * (semaphore_init(&never, 0)). */
static semaphore_t never __attribute__((unused));

/* A thread body that blocks on `never`: a thread a kill or exit must end. */
static inline long block_on_never(void *arg)
{
	(void)arg;
	semaphore_wait(&never);
	return 0;
}

/* Runs fn(arg, out) in a forked child; the child then writes the `size`
 * bytes at `out` into a pipe and exits with fn's return value. The parent
 * receives them into its own `out`. Returns the wait status, or a negative
 * errno; *complete says whether the whole record arrived. The record
 * should be small (a pipe holds 4096 bytes; the parent reads only after the
 * child has written everything, so more would block the child). */
static inline long run_child_report(int (*fn)(void *arg, void *out), void *arg,
				    void *out, unsigned long size, int *complete)
{
	int fds[2];
	*complete = 0;
	long pid = fork_with_pipe(fds);
	if (pid < 0)
		return pid;
	if (pid == 0) {
		close(fds[0]);
		memset(out, 0, size);
		int code = fn(arg, out);
		write(fds[1], out, size);
		exit(code);
	}
	close(fds[1]);
	memset(out, 0, size);
	*complete = read_full(fds[0], out, size) == (long)size;
	close(fds[0]);
	int status = 0;
	long r = waitpid((int)pid, &status, 0);
	if (r < 0)
		return r;
	return r == pid ? status : -ECHILD;
}

/* Start of a stress program: TAP header out, stack warm, counters taken. */
static inline struct kstat stress_begin(const char *name)
{
	warm_stack();
	test_note("%s starts", name);
	return kstat_now();
}

/* Reaps any children still around (orphans that came to init), then the
 * leak check against the counters from stress_begin. */
static inline void stress_end(const struct kstat *before, const char *name)
{
	int status;
	while (wait4(-1, &status, WNOHANG, 0) > 0)
		;
	kstat_expect_back(before, KSTAT_ALL, name);
}

#endif
