/* CPU affinity: the initial mask holds exactly the hart count given as
 * argv[1], and so does sysconf(_SC_NPROCESSORS_ONLN); pinned to each CPU
 * in turn, a thread finds itself there (sched_getcpu); a thread pinned by
 * pthread_setaffinity_np runs only there; an empty mask is EINVAL. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <sched.h>
#include <unistd.h>

static int pinned_cpu = -1;
static int pinned_ok;

static void *pinned_worker(void *arg)
{
	(void)arg;
	int ok = 1;
	for (int i = 0; i < 200; i++) {
		ok &= sched_getcpu() == pinned_cpu;
		sched_yield();
	}
	pinned_ok = ok;
	return NULL;
}

/* Pins the calling thread to each CPU of `initial` in turn. */
static void test_pin_each(const cpu_set_t *initial)
{
	int pinned = 0, found = 0, cpus = 0;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, initial))
			continue;
		cpus++;
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof one, &one) == 0)
			pinned++;
		int all_here = 1;
		for (int i = 0; i < 50; i++) {
			all_here &= sched_getcpu() == cpu;
			sched_yield();
		}
		found += all_here;
	}
	CHECK_EQ(pinned, cpus, "sched_setaffinity to each CPU in turn");
	CHECK_EQ(found, cpus, "sched_getcpu reports the one CPU the thread is pinned to");
	cpu_set_t now;
	sched_getaffinity(0, sizeof now, &now);
	check(CPU_COUNT(&now) == 1, "sched_getaffinity reads back the one-CPU mask");
	CHECK_EQ(sched_setaffinity(0, sizeof *initial, initial), 0, "sched_setaffinity back to all CPUs");
}

/* A thread created pinned to the last CPU of `initial` stays there. */
static void test_pinned_thread(const cpu_set_t *initial)
{
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, initial))
			pinned_cpu = cpu;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(pinned_cpu, &one);
	pthread_attr_setaffinity_np(&attr, sizeof one, &one);
	pthread_t t;
	CHECK_EQ(pthread_create(&t, &attr, pinned_worker, NULL), 0, "pthread_create with an affinity attribute");
	pthread_join(t, NULL);
	check(pinned_ok, "the pinned thread always ran on its CPU");
	pthread_attr_destroy(&attr);
}

int main(int argc, char **argv)
{
	ltap_start();
	long harts = arg_count(argc, argv, 1);
	cpu_set_t initial;
	CPU_ZERO(&initial);
	CHECK_EQ(sched_getaffinity(0, sizeof initial, &initial), 0, "sched_getaffinity");
	CHECK_EQ(CPU_COUNT(&initial), harts, "the initial mask holds every hart");
	CHECK_EQ(sysconf(_SC_NPROCESSORS_ONLN), harts, "sysconf(_SC_NPROCESSORS_ONLN) is the hart count");
	test_pin_each(&initial);
	test_pinned_thread(&initial);

	cpu_set_t empty;
	CPU_ZERO(&empty);
	errno = 0;
	CHECK_EQ(sched_setaffinity(0, sizeof empty, &empty), -1, "sched_setaffinity with an empty mask fails");
	CHECK_EQ(errno, EINVAL, "... with EINVAL");
	return ltap_done();
}
