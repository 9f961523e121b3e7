/* CPU time that outlives what used it: a waited-for child's time shows in
 * the parent's tms_cutime and RUSAGE_CHILDREN (and only once waited for);
 * a joined thread's time stays in the process CPU clock. */
#define _GNU_SOURCE
#include "ltap.h"
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Uses `ms` milliseconds of the calling thread's CPU time. */
static void burn(long ms)
{
	long long end = ns(CLOCK_THREAD_CPUTIME_ID) + ms * 1000000LL;
	while (ns(CLOCK_THREAD_CPUTIME_ID) < end)
		;
}

static void *burner(void *arg)
{
	burn(60);
	long long *used = arg;
	*used = ns(CLOCK_THREAD_CPUTIME_ID);
	return NULL;
}

static long long children_ns(void)
{
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

int main(void)
{
	ltap_start();
	struct tms t;
	times(&t);
	CHECK_EQ(t.tms_cutime + t.tms_cstime, 0, "a new process: no children's time");
	CHECK_EQ(children_ns(), 0, "... RUSAGE_CHILDREN 0");
	pid_t pid = fork();
	if (pid == 0) {
		burn(150);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	times(&t);
	long hz = sysconf(_SC_CLK_TCK);
	CHECK_EQ(t.tms_cutime + t.tms_cstime >= hz / 10, 1,
		 "after waiting for a child that used 150 ms: tms_cutime + tms_cstime >= 100 ms");
	CHECK_EQ(children_ns() >= 100000000LL, 1, "... RUSAGE_CHILDREN >= 100 ms");
	pid = fork();
	if (pid == 0) {
		burn(100);
		_exit(0);
	}
	long long before = children_ns();
	struct rusage ru;
	wait4(pid, &status, 0, &ru);
	CHECK_EQ(children_ns() - before >= 50000000LL, 1,
		 "a second child's 100 ms adds to it once waited for");
	CHECK_EQ((ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec +
		 ru.ru_stime.tv_usec >= 50000, 1, "... and wait4's rusage reports it");
	long long start = ns(CLOCK_PROCESS_CPUTIME_ID), used = 0;
	pthread_t th;
	pthread_create(&th, NULL, burner, &used);
	pthread_join(th, NULL);
	CHECK_EQ(ns(CLOCK_PROCESS_CPUTIME_ID) - start >= used * 9 / 10, 1,
		 "a joined thread's CPU time stays in the process clock");
	return ltap_done();
}
