/* Many threads at once: 100 threads (101 with main, under Dakota's bound of
 * 128 per process) all alive together, each with its own kernel thread id,
 * then all joined. Run twice, to show the first hundred were released. */
#define _GNU_SOURCE
#include "ltap.h"
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 100

static pthread_barrier_t all_alive;
static pid_t tids[NTHREADS];

static void *worker(void *arg)
{
	long i = (long)arg;
	tids[i] = (pid_t)syscall(SYS_gettid);
	pthread_barrier_wait(&all_alive);
	return (void *)(i + 1);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

static void round_of_threads(int round)
{
	pthread_barrier_init(&all_alive, NULL, NTHREADS + 1);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_t t[NTHREADS];
	int created = 0;
	for (long i = 0; i < NTHREADS; i++) {
		if (pthread_create(&t[created], &attr, worker, (void *)i))
			break;
		created++;
	}
	pthread_attr_destroy(&attr);
	CHECK_EQ(created, NTHREADS, "round %d: %d threads created", round, NTHREADS);
	if (created != NTHREADS)
		BAIL("cannot go on without all threads (the rest wait at a barrier)");
	pthread_barrier_wait(&all_alive);
	int joined = 0;
	for (int i = 0; i < NTHREADS; i++) {
		void *ret = NULL;
		joined += pthread_join(t[i], &ret) == 0 && ret == (void *)(long)(i + 1);
	}
	CHECK_EQ(joined, NTHREADS, "round %d: all %d alive together, then joined", round, NTHREADS);
	qsort(tids, NTHREADS, sizeof tids[0], cmp_pid);
	int distinct = tids[0] != getpid();
	for (int i = 1; i < NTHREADS; i++)
		distinct &= tids[i] != tids[i - 1] && tids[i] != getpid();
	check(distinct, "round %d: every thread has its own tid, none the pid", round);
	pthread_barrier_destroy(&all_alive);
}

int main(void)
{
	ltap_start();
	round_of_threads(1);
	round_of_threads(2);
	return ltap_done();
}
