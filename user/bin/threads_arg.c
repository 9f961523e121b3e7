/* threads_arg: each of three threads gets a struct saying what to print and
 * how often, prints it, and returns a value computed from the struct; the
 * main thread checks every result. */
#include <stdbool.h>
#include <stdio.h>
#include <syscall.h>
#include <thread.h>

struct job {
	char c;            /* the character to print */
	int count;         /* how many times */
	long result;       /* written by the thread: checksum of what it printed */
};

/* Kept below 256 so it survives any truncation of exit codes. */
static long exit_code_for(const struct job *job)
{
	return (job->c - 'a') * 10 + job->count / 100;
}

static long worker(void *arg)
{
	struct job *job = arg;
	char line[64];
	long sum = 0;
	int left = job->count;
	while (left > 0) {
		int n = left < (int)sizeof line ? left : (int)sizeof line;
		for (int i = 0; i < n; i++) {
			line[i] = job->c;
			sum += job->c;
		}
		write(1, line, (unsigned long)n);
		left -= n;
	}
	job->result = sum;
	return exit_code_for(job);
}

int main(void)
{
	struct job jobs[3] = {
		{ .c = 'x', .count = 100 },
		{ .c = 'y', .count = 200 },
		{ .c = 'z', .count = 300 },
	};
	thread_t t[3];
	for (int i = 0; i < 3; i++) {
		int err = thread_spawn(&t[i], worker, &jobs[i]);
		if (err) {
			printf("threads_arg: thread_spawn: error %d\n", err);
			return 1;
		}
	}
	int bad = 0;
	long codes[3];
	for (int i = 0; i < 3; i++)
		codes[i] = thread_wait(t[i]);
	printf("\n");
	for (int i = 0; i < 3; i++) {
		long want_code = exit_code_for(&jobs[i]);
		long want_sum = (long)jobs[i].c * jobs[i].count;
		bool ok = codes[i] == want_code && jobs[i].result == want_sum;
		printf("thread#%ld printed %d '%c': exit code %ld (want %ld), sum %ld (want %ld) %s\n",
		       t[i].tid, jobs[i].count, jobs[i].c, codes[i], want_code,
		       jobs[i].result, want_sum, ok ? "ok" : "WRONG");
		bad += !ok;
	}
	printf("main thread exited.\n");
	return bad ? 1 : 0;
}
