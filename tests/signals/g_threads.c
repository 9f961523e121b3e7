/* glibc signals with threads: pthread_kill to a thread blocked in read or
 * nanosleep (EINTR, the time left), SA_RESTART, a sigwait thread,
 * pthread_cancel (deferred in a blocking call, asynchronous in a loop),
 * abort() and SIGCHLD seen by the parent. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static int fds[2];
static volatile int handled, chld_code, chld_status;
static volatile long result;
static volatile int in_call;
static struct timespec left;

static void on_usr(int sig) { (void)sig; handled++; }

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	chld_code = si->si_code;
	chld_status = si->si_status;
}

static void *reader(void *arg)
{
	(void)arg;
	char c = 0;
	in_call = 1;
	result = read(fds[0], &c, 1) < 0 ? -errno : c;
	return 0;
}

static void *sleeper(void *arg)
{
	(void)arg;
	struct timespec req = { 10, 0 };
	in_call = 1;
	result = nanosleep(&req, &left) < 0 ? -errno : 0;
	return 0;
}

static void set_handler(int restart)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, 0);
}

/* Starts a thread running body and returns once body says it is in place
 * (in_call), so what the caller does next finds it where the case means. */
static pthread_t start_until_in_call(void *(*body)(void *))
{
	pthread_t t;
	in_call = 0;
	pthread_create(&t, 0, body, 0);
	while (!in_call)
		sched_yield();
	return t;
}

/* Runs fn in a thread, lets it block, and signals it. */
static void interrupt(void *(*fn)(void *))
{
	pthread_t t = start_until_in_call(fn);
	usleep(50000);   /* into the call: a late signal would only make it restart */
	pthread_kill(t, SIGUSR1);
	pthread_join(t, 0);
}

static void test_eintr(void)
{
	pipe(fds);
	set_handler(0);
	interrupt(reader);
	CHECK_EQ(result, -EINTR, "read interrupted: EINTR");
	interrupt(sleeper);
	CHECK_EQ(result, -EINTR, "nanosleep interrupted: EINTR");
	CHECK(left.tv_sec > 0 && left.tv_sec < 10, "nanosleep reports the time left");
	set_handler(1);
	handled = 0;
	pthread_t t = start_until_in_call(reader);
	usleep(50000);
	pthread_kill(t, SIGUSR1);
	while (!handled)
		sched_yield();
	write(fds[1], "r", 1);
	pthread_join(t, 0);
	CHECK_EQ(result, 'r', "SA_RESTART: the read restarts and gets the byte");
}

static void *sigwaiter(void *arg)
{
	sigset_t *set = arg;
	int sig = 0;
	sigwait(set, &sig);
	return (void *)(long)sig;
}

static void test_sigwait_thread(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, 0);
	pthread_t t;
	pthread_create(&t, 0, sigwaiter, &set);
	usleep(20000);
	kill(getpid(), SIGUSR2);
	void *r;
	pthread_join(t, &r);
	CHECK_EQ((long)r, SIGUSR2, "a sigwait thread takes a process signal");
}

static void *cancel_blocked(void *arg)
{
	(void)arg;
	in_call = 1;
	for (;;)
		pause();
	return 0;
}

static void *cancel_async(void *arg)
{
	(void)arg;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, 0);
	in_call = 1;
	for (volatile unsigned long i = 0;; i++)
		;
	return 0;
}

/* Cancels a thread running body once it is in place; its exit value. */
static void *cancel_when_in_call(void *(*body)(void *))
{
	void *r = 0;
	pthread_t t = start_until_in_call(body);
	pthread_cancel(t);
	pthread_join(t, &r);
	return r;
}

static void test_cancel(void)
{
	CHECK(cancel_when_in_call(cancel_blocked) == PTHREAD_CANCELED,
	      "pthread_cancel of a thread in pause");
	CHECK(cancel_when_in_call(cancel_async) == PTHREAD_CANCELED,
	      "asynchronous pthread_cancel of a spinning thread");
}

static void test_abort_sigchld(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, 0);
	pid_t pid = fork();
	if (pid == 0)
		abort();
	int status = 0;
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "abort() ends with SIGABRT");
	CHECK(chld_code == CLD_KILLED || chld_code == CLD_DUMPED, "SIGCHLD: CLD_KILLED");
	CHECK_EQ(chld_status, SIGABRT, "si_status SIGABRT");
	pid = fork();
	if (pid == 0)
		_exit(9);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 9, "exit status 9");
	CHECK_EQ(chld_code, CLD_EXITED, "SIGCHLD: CLD_EXITED");
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	test_eintr();
	test_sigwait_thread();
	test_cancel();
	test_abort_sigchld();
	return check_done();
}
