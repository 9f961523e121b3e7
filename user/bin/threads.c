/* threads: three threads print 1000 'a', 'b' and 'c' in bursts and exit
 * with 1, 2 and 3; the main thread joins each and reports its exit code. */
#include <stdio.h>
#include <syscall.h>
#include <thread.h>

#define COUNT 1000
#define BURST 50

static void print_bursts(char c)
{
	char burst[BURST];
	for (int i = 0; i < BURST; i++)
		burst[i] = c;
	for (int done = 0; done < COUNT; done += BURST) {
		write(1, burst, BURST);
		sched_yield();
	}
}

static long thread_a(void *arg)
{
	(void)arg;
	print_bursts('a');
	return 1;
}

static long thread_b(void *arg)
{
	(void)arg;
	print_bursts('b');
	return 2;
}

static long thread_c(void *arg)
{
	(void)arg;
	print_bursts('c');
	thread_exit(3);      /* the same as returning 3 */
}

int main(void)
{
	long (*const fns[3])(void *) = { thread_a, thread_b, thread_c };
	thread_t t[3];
	for (int i = 0; i < 3; i++) {
		int err = thread_spawn(&t[i], fns[i], NULL);
		if (err) {
			printf("threads: thread_spawn: error %d\n", err);
			return 1;
		}
	}
	long codes[3];
	for (int i = 0; i < 3; i++)
		codes[i] = thread_wait(t[i]);
	printf("\n");
	for (int i = 0; i < 3; i++)
		printf("thread#%ld exited with code %ld\n", t[i].tid, codes[i]);
	printf("main thread exited.\n");
	return 0;
}
