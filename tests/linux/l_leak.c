/* 1,000 pthread_create + pthread_join. The program checks the calls; the
 * leak check (frames, threads, processes and kmalloc bytes back to their
 * starting values) is linuxrun's, which runs every linux-suite program on
 * Dakota; Linux has no such counters to read. */
#define _GNU_SOURCE
#include "ltap.h"

#define ROUNDS 1000
#define BATCH 4

static void *worker(void *arg)
{
	return arg;
}

int main(void)
{
	ltap_start();
	long created = 0, joined = 0;
	for (long r = 0; r < ROUNDS / BATCH; r++) {
		pthread_t t[BATCH];
		int n = 0;
		for (long i = 0; i < BATCH; i++)
			n += pthread_create(&t[n], NULL, worker, (void *)(r * BATCH + i)) == 0;
		created += n;
		for (int i = 0; i < n; i++) {
			void *ret = NULL;
			joined += pthread_join(t[i], &ret) == 0 && ret == (void *)(r * BATCH + i);
		}
	}
	CHECK_EQ(created, ROUNDS, "%d pthread_create calls succeed", ROUNDS);
	CHECK_EQ(joined, ROUNDS, "%d pthread_join calls return each thread's value", ROUNDS);
	return ltap_done();
}
