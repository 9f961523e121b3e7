/* ITIMER_VIRTUAL and ITIMER_PROF: they count the process's CPU time (all
 * its threads), so they fire while it burns CPU and not while it sleeps;
 * an interval reloads them; getitimer reads the time left, setitimer
 * returns the old setting, a zero value disarms, a fork child starts with
 * none, and an unknown `which` is EINVAL (l_itimer_exec: execve keeps
 * them).
 *
 * No check depends on how fast the machine is: signals are counted as "at
 * least N" after burning CPU until they come (a wall-clock bound only
 * stops a broken kernel from hanging the test), and the readings are
 * compared with the values set, not with a measured time. Linux adds one
 * tick to a value set (getitimer may read a little more than it), and
 * both fire up to a tick late. */
#define _GNU_SOURCE
#include "ltap.h"
#include "handler.h"
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS 1000L                        /* in microseconds */
#define SLACK (20 * MS)                 /* a tick and then some */

static volatile sig_atomic_t vtalrms, profs;

static void on_vtalrm(int signo)
{
	(void)signo;
	vtalrms++;
}

static void on_prof(int signo)
{
	(void)signo;
	profs++;
}

static long now_us(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static long tv_us(const struct timeval *tv)
{
	return tv->tv_sec * 1000000L + tv->tv_usec;
}

static struct itimerval itv(long value_us, long interval_us)
{
	struct itimerval v = {
		{ interval_us / 1000000, interval_us % 1000000 },
		{ value_us / 1000000, value_us % 1000000 },
	};
	return v;
}

/* Burns CPU until *count reaches want (or 20 s of wall time go by: the
 * test fails instead of hanging). */
static void burn_until(volatile sig_atomic_t *count, int want)
{
	long end = now_us(CLOCK_MONOTONIC) + 20000 * MS;
	while (*count < want && now_us(CLOCK_MONOTONIC) < end)
		;
}

/* Burns `us` of this thread's CPU time. */
static void burn_cpu(long us)
{
	long end = now_us(CLOCK_THREAD_CPUTIME_ID) + us;
	while (now_us(CLOCK_THREAD_CPUTIME_ID) < end)
		;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 }, rem;
	while (nanosleep(&ts, &rem) == -1 && errno == EINTR)
		ts = rem;
}

static void disarm(int which)
{
	struct itimerval zero = itv(0, 0);
	setitimer(which, &zero, NULL);
}

/* An interval timer fires again and again while the process burns CPU;
 * disarmed, it fires no more. */
static void test_interval(int which, const char *name, volatile sig_atomic_t *count)
{
	struct itimerval v = itv(30 * MS, 30 * MS), old, got;
	CHECK_EQ(setitimer(which, &v, NULL), 0, "setitimer(%s, 30 ms every 30 ms)", name);
	burn_until(count, 3);
	check(*count >= 3, "%s fired at least 3 times while the process burnt CPU", name);
	CHECK_EQ(getitimer(which, &got), 0, "getitimer(%s)", name);
	CHECK_EQ(tv_us(&got.it_interval), 30 * MS, "... reads the interval set");
	check(tv_us(&got.it_value) > 0 && tv_us(&got.it_value) <= 30 * MS + SLACK,
	      "... and the time to the next expiry, within the interval");
	struct itimerval zero = itv(0, 0);
	CHECK_EQ(setitimer(which, &zero, &old), 0, "setitimer(%s, 0) disarms", name);
	CHECK_EQ(tv_us(&old.it_interval), 30 * MS, "... and returns the old interval");
	check(tv_us(&old.it_value) > 0 && tv_us(&old.it_value) <= 30 * MS + SLACK,
	      "... and the old time left");
	int before = *count;
	burn_cpu(150 * MS);
	CHECK_EQ(*count, before, "disarmed, %s fires no more", name);
	getitimer(which, &got);
	check(tv_us(&got.it_value) == 0 && tv_us(&got.it_interval) == 0,
	      "disarmed, getitimer(%s) reads zero", name);
}

/* Sleeping takes no CPU time; a one-shot timer fires once. */
static void test_sleep_one_shot(void)
{
	struct itimerval v = itv(60 * MS, 0), got;
	int before = vtalrms;
	CHECK_EQ(setitimer(ITIMER_VIRTUAL, &v, NULL), 0, "setitimer(ITIMER_VIRTUAL, 60 ms once)");
	sleep_us(200 * MS);
	CHECK_EQ(vtalrms, before, "no SIGVTALRM while the process sleeps 200 ms");
	getitimer(ITIMER_VIRTUAL, &got);
	check(tv_us(&got.it_value) > 30 * MS, "... and most of the 60 ms is left");
	burn_until(&vtalrms, before + 1);
	CHECK_EQ(vtalrms, before + 1, "burning CPU, it fires");
	burn_cpu(150 * MS);
	CHECK_EQ(vtalrms, before + 1, "a one-shot timer fires once");
	getitimer(ITIMER_VIRTUAL, &got);
	check(tv_us(&got.it_value) == 0 && tv_us(&got.it_interval) == 0,
	      "a fired one-shot timer reads disarmed");
}

/* getitimer counts down with the CPU time used; setitimer returns it.
 * ITIMER_PROF: burn_cpu's clock_gettime calls are system time on Linux,
 * which ITIMER_VIRTUAL does not count there. */
static void test_readings(void)
{
	struct itimerval v = itv(10000 * MS, 0), g1, g2, old;
	setitimer(ITIMER_PROF, &v, NULL);
	getitimer(ITIMER_PROF, &g1);
	check(tv_us(&g1.it_value) > 10000 * MS - SLACK && tv_us(&g1.it_value) <= 10000 * MS + SLACK,
	      "getitimer right after setitimer(10 s) reads about 10 s");
	CHECK_EQ(tv_us(&g1.it_interval), 0, "... and no interval");
	burn_cpu(100 * MS);
	getitimer(ITIMER_PROF, &g2);
	check(tv_us(&g2.it_value) < tv_us(&g1.it_value) - 50 * MS,
	      "after burning 100 ms of CPU it reads less by about that");
	struct itimerval w = itv(5000 * MS, 0);
	CHECK_EQ(setitimer(ITIMER_PROF, &w, &old), 0, "setitimer(ITIMER_PROF, 5 s)");
	check(tv_us(&old.it_value) <= tv_us(&g2.it_value) &&
	      tv_us(&old.it_value) > tv_us(&g2.it_value) - 50 * MS,
	      "... returns the old time left");
	struct itimerval k = itv(0, 2000 * MS);
	CHECK_EQ(setitimer(ITIMER_PROF, &k, &old), 0, "setitimer(ITIMER_PROF, 0 every 2 s)");
	check(tv_us(&old.it_value) > 4000 * MS && tv_us(&old.it_value) <= 5000 * MS + SLACK,
	      "... returns the 5 s setting");
	getitimer(ITIMER_PROF, &g1);
	check(tv_us(&g1.it_value) == 0 && tv_us(&g1.it_interval) == 2000 * MS,
	      "a zero value disarms but getitimer still shows the interval (Linux)");
	disarm(ITIMER_PROF);
}

/* A fork child has none of its parent's interval timers. */
static void test_fork(void)
{
	struct itimerval v = itv(10000 * MS, 1000 * MS);
	setitimer(ITIMER_REAL, &v, NULL);
	setitimer(ITIMER_VIRTUAL, &v, NULL);
	setitimer(ITIMER_PROF, &v, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int armed = 0;
		struct itimerval g;
		for (int which = ITIMER_REAL; which <= ITIMER_PROF; which++)
			if (getitimer(which, &g) || tv_us(&g.it_value) || tv_us(&g.it_interval))
				armed |= 1 << which;
		_exit(armed);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a fork child's getitimer reads zero for REAL, VIRTUAL and PROF");
	struct itimerval g;
	getitimer(ITIMER_PROF, &g);
	CHECK_EQ(tv_us(&g.it_interval), 1000 * MS, "the parent's timers stay armed");
	disarm(ITIMER_REAL);
	disarm(ITIMER_VIRTUAL);
	disarm(ITIMER_PROF);
}

/* A process that ends with ITIMER_PROF firing every tick, its handler
 * running: it exits normally (and linuxrun sees nothing leaked). */
static void test_exit_armed(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct itimerval v = itv(1 * MS, 1 * MS);
		setitimer(ITIMER_PROF, &v, NULL);
		burn_until(&profs, profs + 3);
		_exit(0);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a child that exits with ITIMER_PROF firing ends normally");
}

static void test_invalid(void)
{
	struct itimerval v = itv(1000 * MS, 0), g;
	errno = 0;
	CHECK_EQ(setitimer(3, &v, NULL), -1, "setitimer(3) fails");
	CHECK_EQ(errno, EINVAL, "... with EINVAL");
	errno = 0;
	CHECK_EQ(getitimer(-1, &g), -1, "getitimer(-1) fails");
	CHECK_EQ(errno, EINVAL, "... with EINVAL");
	struct itimerval armed = itv(5000 * MS, 0), old;
	setitimer(ITIMER_VIRTUAL, &armed, NULL);
	CHECK_EQ(setitimer(ITIMER_VIRTUAL, NULL, &old), 0,
		 "setitimer with a NULL new value succeeds (Linux: it disarms)");
	check(tv_us(&old.it_value) > 0, "... returns the old setting");
	getitimer(ITIMER_VIRTUAL, &g);
	CHECK_EQ(tv_us(&g.it_value), 0, "... and disarms");
	v.it_value.tv_usec = 1000000;
	errno = 0;
	CHECK_EQ(setitimer(ITIMER_PROF, &v, NULL), -1, "setitimer(ITIMER_PROF) with tv_usec 1000000 fails");
	CHECK_EQ(errno, EINVAL, "... with EINVAL");
}

static atomic_int stop;

static void *burner(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop))
		;
	return NULL;
}

/* Both count the CPU time of every thread: a second thread burns, the
 * main thread sleeps. */
static void test_threads(void)
{
	int v0 = vtalrms, p0 = profs;
	long cpu0 = now_us(CLOCK_THREAD_CPUTIME_ID);
	struct itimerval v = itv(40 * MS, 40 * MS);
	setitimer(ITIMER_VIRTUAL, &v, NULL);
	setitimer(ITIMER_PROF, &v, NULL);
	pthread_t t;
	if (pthread_create(&t, NULL, burner, NULL))
		BAIL("pthread_create");
	long end = now_us(CLOCK_MONOTONIC) + 20000 * MS;
	while ((vtalrms < v0 + 2 || profs < p0 + 2) && now_us(CLOCK_MONOTONIC) < end)
		sleep_us(5 * MS);
	long main_cpu = now_us(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	disarm(ITIMER_VIRTUAL);
	disarm(ITIMER_PROF);
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	check(vtalrms >= v0 + 2, "a second thread burning CPU fires ITIMER_VIRTUAL");
	check(profs >= p0 + 2, "... and ITIMER_PROF");
	check(main_cpu < 40 * MS, "... while the main thread itself used less than 40 ms");
	if (main_cpu >= 40 * MS)
		note("main thread CPU %ld us", main_cpu);
}

int main(void)
{
	ltap_start();
	CHECK_EQ(set_handler(SIGVTALRM, on_vtalrm), 0, "sigaction(SIGVTALRM)");
	CHECK_EQ(set_handler(SIGPROF, on_prof), 0, "sigaction(SIGPROF)");
	test_interval(ITIMER_VIRTUAL, "ITIMER_VIRTUAL", &vtalrms);
	test_interval(ITIMER_PROF, "ITIMER_PROF", &profs);
	test_sleep_one_shot();
	test_readings();
	test_fork();
	test_exit_armed();
	test_invalid();
	test_threads();
	return ltap_done();
}
