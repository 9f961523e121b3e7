/* POSIX timers (timer_create and friends) as glibc uses them: SIGEV_SIGNAL
 * with SI_TIMER siginfo, overruns while the signal is pending, the old value
 * from timer_settime, SIGEV_NONE, TIMER_ABSTIME on CLOCK_REALTIME, a signal
 * aimed at one thread (SIGEV_THREAD_ID), glibc's SIGEV_THREAD, the errors,
 * and timers left armed at exit and at exec (linuxrun's counters check that
 * nothing leaks). */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void ms_sleep(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static timer_t make_timer(clockid_t clock, int notify, int signo, int value)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = notify;
	ev.sigev_signo = signo;
	ev.sigev_value.sival_int = value;
	timer_t t;
	if (timer_create(clock, &ev, &t) != 0)
		BAIL("timer_create: %s", strerror(errno));
	return t;
}

static int arm(timer_t t, int flags, long val_ms, long int_ms)
{
	struct itimerspec its = {
		{ int_ms / 1000, int_ms % 1000 * 1000000L },
		{ val_ms / 1000, val_ms % 1000 * 1000000L },
	};
	return timer_settime(t, flags, &its, NULL);
}

static void test_signal(sigset_t *usr1)
{
	timer_t t = make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 42);
	CHECK_EQ(arm(t, 0, 10, 0), 0, "timer_settime: 10 ms one-shot");
	siginfo_t si;
	CHECK_EQ(sigwaitinfo(usr1, &si), SIGUSR1, "the timer's signal arrives");
	CHECK_EQ(si.si_code, SI_TIMER, "si_code is SI_TIMER");
	CHECK_EQ(si.si_value.sival_int, 42, "si_value is the sigevent's");
	CHECK_EQ(si.si_overrun, 0, "si_overrun 0 for a one-shot timer");
	CHECK_EQ(si.si_timerid, 0, "si_timerid: the first timer of a process is 0");
	struct itimerspec cur;
	CHECK_EQ(timer_gettime(t, &cur), 0, "timer_gettime");
	check(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "expired one-shot reads 0");

	CHECK_EQ(arm(t, 0, 1, 1), 0, "1 ms interval with the signal blocked");
	ms_sleep(60);
	CHECK_EQ(sigwaitinfo(usr1, &si), SIGUSR1, "one signal for many expiries");
	check(si.si_overrun > 5, "si_overrun counts the expiries while it was pending");
	CHECK_EQ(timer_getoverrun(t), si.si_overrun, "timer_getoverrun equals si_overrun");
	CHECK_EQ(arm(t, 0, 0, 0), 0, "disarm");
	sigset_t pend;
	sigpending(&pend);
	struct timespec zero = { 0, 0 };
	if (sigismember(&pend, SIGUSR1))
		sigtimedwait(usr1, &si, &zero);   /* a last expiry before disarming */

	struct itimerspec its = { { 1, 0 }, { 10, 0 } }, old;
	CHECK_EQ(timer_settime(t, 0, &its, NULL), 0, "arm for 10 s every 1 s");
	memset(&its, 0, sizeof its);
	CHECK_EQ(timer_settime(t, 0, &its, &old), 0, "disarm, asking for the old value");
	check(old.it_value.tv_sec >= 8 && old.it_value.tv_sec <= 9, "old value: under 10 s left");
	check(old.it_interval.tv_sec == 1 && old.it_interval.tv_nsec == 0, "old interval: 1 s");
	CHECK_EQ(timer_delete(t), 0, "timer_delete");
	errno = 0;
	CHECK_EQ(timer_gettime(t, &cur), -1, "timer_gettime of a deleted timer fails");
	CHECK_EQ(errno, EINVAL, "... with EINVAL");
}

static void test_none_and_abs(sigset_t *usr1)
{
	timer_t t = make_timer(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0);
	CHECK_EQ(arm(t, 0, 10000, 0), 0, "SIGEV_NONE timer armed for 10 s");
	struct itimerspec cur;
	timer_gettime(t, &cur);
	check(cur.it_value.tv_sec == 9 || (cur.it_value.tv_sec == 10 && cur.it_value.tv_nsec == 0),
	      "timer_gettime counts down a SIGEV_NONE timer");
	CHECK_EQ(timer_delete(t), 0, "timer_delete (SIGEV_NONE)");

	t = make_timer(CLOCK_REALTIME, SIGEV_SIGNAL, SIGUSR1, 7);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct itimerspec its = { { 0, 0 }, { now.tv_sec, now.tv_nsec } };
	its.it_value.tv_nsec += 20000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	CHECK_EQ(timer_settime(t, TIMER_ABSTIME, &its, NULL), 0, "TIMER_ABSTIME on CLOCK_REALTIME");
	siginfo_t si;
	CHECK_EQ(sigwaitinfo(usr1, &si), SIGUSR1, "the absolute timer fires");
	struct timespec after;
	clock_gettime(CLOCK_REALTIME, &after);
	check(after.tv_sec > its.it_value.tv_sec ||
	      (after.tv_sec == its.it_value.tv_sec && after.tv_nsec >= its.it_value.tv_nsec),
	      "... not before its time");
	CHECK_EQ(timer_delete(t), 0, "timer_delete (absolute)");
}

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A CPU-time timer fires once the process has run for its time. */
static void test_cpu(sigset_t *usr1)
{
	timer_t t = make_timer(CLOCK_PROCESS_CPUTIME_ID, SIGEV_SIGNAL, SIGUSR1, 5);
	double start = cpu_seconds();
	CHECK_EQ(arm(t, 0, 50, 0), 0, "CLOCK_PROCESS_CPUTIME_ID timer for 50 ms of CPU");
	sigset_t pend;
	double used;
	do {
		sigpending(&pend);
		used = cpu_seconds() - start;
	} while (!sigismember(&pend, SIGUSR1) && used < 5.0);
	check(sigismember(&pend, SIGUSR1), "its signal comes while the process runs");
	check(used >= 0.05, "... not before 50 ms of CPU time");
	siginfo_t si;
	CHECK_EQ(sigwaitinfo(usr1, &si), SIGUSR1, "taken");
	CHECK_EQ(si.si_value.sival_int, 5, "... with its value");
	CHECK_EQ(timer_delete(t), 0, "timer_delete (CPU time)");
}

static sem_t thread_ready;
static volatile pid_t waiter_tid;
static volatile int waiter_got, waiter_value;

static void *waiter(void *arg)
{
	sigset_t *usr2 = arg;
	waiter_tid = gettid();
	sem_post(&thread_ready);
	siginfo_t si;
	waiter_got = sigwaitinfo(usr2, &si);
	waiter_value = si.si_value.sival_int;
	return NULL;
}

static void test_thread_id(void)
{
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	sem_init(&thread_ready, 0, 0);
	pthread_t th;
	pthread_create(&th, NULL, waiter, &usr2);
	sem_wait(&thread_ready);
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGUSR2;
	ev.sigev_value.sival_int = 99;
	ev._sigev_un._tid = waiter_tid;
	timer_t t;
	CHECK_EQ(timer_create(CLOCK_MONOTONIC, &ev, &t), 0, "timer_create SIGEV_THREAD_ID");
	CHECK_EQ(arm(t, 0, 10, 0), 0, "armed for 10 ms");
	pthread_join(th, NULL);
	CHECK_EQ(waiter_got, SIGUSR2, "the named thread took the signal");
	CHECK_EQ(waiter_value, 99, "... with the sigevent's value");
	CHECK_EQ(timer_delete(t), 0, "timer_delete (SIGEV_THREAD_ID)");
}

static sem_t fired;
static volatile int fired_value;

static void on_fire(union sigval v)
{
	fired_value = v.sival_int;
	sem_post(&fired);
}

static void test_sigev_thread(void)
{
	sem_init(&fired, 0, 0);
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = on_fire;
	ev.sigev_value.sival_int = 1234;
	timer_t t;
	CHECK_EQ(timer_create(CLOCK_MONOTONIC, &ev, &t), 0, "timer_create SIGEV_THREAD (glibc)");
	CHECK_EQ(arm(t, 0, 10, 10), 0, "armed: 10 ms, then every 10 ms");
	sem_wait(&fired);
	sem_wait(&fired);
	CHECK_EQ(fired_value, 1234, "the function ran twice with the sigevent's value");
	CHECK_EQ(timer_delete(t), 0, "timer_delete (SIGEV_THREAD)");
}

static void test_errors(void)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	int id;
	errno = 0;
	CHECK_EQ(syscall(SYS_timer_create, 12345, &ev, &id), -1, "unknown clock");
	CHECK_EQ(errno, EINVAL, "... EINVAL");
	ev.sigev_signo = 0;
	errno = 0;
	CHECK_EQ(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id), -1, "signal 0");
	CHECK_EQ(errno, EINVAL, "... EINVAL");
	ev.sigev_signo = SIGUSR1;
	ev.sigev_notify = 99;
	errno = 0;
	CHECK_EQ(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id), -1, "unknown sigev_notify");
	CHECK_EQ(errno, EINVAL, "... EINVAL");
	errno = 0;
	CHECK_EQ(syscall(SYS_timer_create, CLOCK_MONOTONIC, (void *)8, &id), -1, "bad sigevent pointer");
	CHECK_EQ(errno, EFAULT, "... EFAULT");
	errno = 0;
	CHECK_EQ(syscall(SYS_timer_delete, 4242), -1, "timer_delete of an unknown id");
	CHECK_EQ(errno, EINVAL, "... EINVAL");
	timer_t t = make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0);
	struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
	errno = 0;
	CHECK_EQ(timer_settime(t, 0, &bad, NULL), -1, "tv_nsec of 10^9");
	CHECK_EQ(errno, EINVAL, "... EINVAL");
	errno = 0;
	CHECK_EQ(syscall(SYS_timer_settime, (int)(intptr_t)t, 0, (void *)8, NULL), -1,
		 "bad itimerspec pointer");
	CHECK_EQ(errno, EFAULT, "... EFAULT");
	timer_delete(t);
	struct timespec ts = { 1, 0 };
	errno = 0;
	CHECK_EQ(clock_settime(CLOCK_MONOTONIC, &ts), -1, "clock_settime(CLOCK_MONOTONIC)");
	CHECK_EQ(errno, EINVAL, "... EINVAL");
}

/* A child leaves timers armed, one with its signal pending, and ends by
 * exit or by exec: either way they go (the counters must come back). */
static int child_with_timers(int do_exec)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			arm(make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, i), 0, 1, 1);
		ms_sleep(20);        /* SIGUSR1 is blocked (inherited): now pending */
		if (do_exec) {
			char *argv[] = { "/bin/true", NULL }, *envp[] = { NULL };
			execve(argv[0], argv, envp);
		}
		_exit(0);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	return status;
}

/* A stop and continue (no handler runs) do not end a nanosleep early: it
 * resumes and returns 0, as on Linux. */
static void test_stop_sleep(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 300000000 };
		_exit(nanosleep(&ts, NULL) == 0 ? 0 : 1);
	}
	ms_sleep(50);
	kill(pid, SIGSTOP);
	int status;
	waitpid(pid, &status, WUNTRACED);
	kill(pid, SIGCONT);
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a nanosleep stopped and continued returns 0");
}

/* Timers firing on one hart while their threads delete them on others:
 * every call succeeds (and linuxrun's counters show nothing leaked). */
static volatile int race_signals;
static void on_race(int sig)
{
	(void)sig;
	__atomic_fetch_add(&race_signals, 1, __ATOMIC_RELAXED);
}

static void *racer(void *arg)
{
	long ok = 0;
	(void)arg;
	for (int i = 0; i < 200; i++) {
		struct sigevent ev;
		memset(&ev, 0, sizeof ev);
		ev.sigev_notify = SIGEV_THREAD_ID;
		ev.sigev_signo = SIGRTMIN + 1;
		ev._sigev_un._tid = gettid();
		timer_t t;
		if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0)
			continue;
		struct itimerspec its = { { 0, 50000 }, { 0, 50000 * (i % 5 + 1) } };
		ok += timer_settime(t, 0, &its, NULL) == 0;
		for (volatile int spin = 0; spin < (i % 7) * 3000; spin++)
			;
		ok += timer_delete(t) == 0;
	}
	return (void *)ok;
}

static void test_race(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_race;
	sigaction(SIGRTMIN + 1, &sa, NULL);
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, racer, NULL);
	long ok = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(th[i], &r);
		ok += (long)r;
	}
	CHECK_EQ(ok, 4 * 200 * 2, "timers armed and deleted while they fire, on 4 threads");
}

/* A timer may send SIGKILL: it ends the process. */
static void test_kill_timer(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		arm(make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGKILL, 0), 0, 10, 0);
		ms_sleep(5000);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "a SIGKILL timer kills its process");
}

int main(void)
{
	ltap_start();
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	test_signal(&usr1);
	test_none_and_abs(&usr1);
	test_cpu(&usr1);
	test_thread_id();
	test_sigev_thread();
	test_errors();
	test_race();
	CHECK_EQ(child_with_timers(0), 0, "a child exits with armed timers");
	CHECK_EQ(child_with_timers(1), 0, "a child execs with armed timers");
	test_stop_sleep();
	test_kill_timer();
	return ltap_done();
}
