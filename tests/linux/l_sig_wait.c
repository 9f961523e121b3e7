/* sigwait: with SIGUSR1 and SIGUSR2 blocked in every thread, signals sent
 * by another thread (pthread_kill to main, and kill to the process) are
 * taken by sigwait, one per call, none by a handler;
 * sigtimedwait with nothing pending times out with EAGAIN. */
#define _GNU_SOURCE
#include "ltap.h"
#include "handler.h"
#include <errno.h>
#include <signal.h>
#include <unistd.h>

static pthread_t main_thread;
static volatile sig_atomic_t handler_runs;

static void on_signal(int signo)
{
	(void)signo;
	handler_runs++;
}

static void *sender(void *arg)
{
	(void)arg;
	pthread_kill(main_thread, SIGUSR2);
	kill(getpid(), SIGUSR1);
	return NULL;
}

int main(void)
{
	ltap_start();
	main_thread = pthread_self();
	set_handler(SIGUSR1, on_signal);
	set_handler(SIGUSR2, on_signal);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	CHECK_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0, "block SIGUSR1 and SIGUSR2 (inherited by threads)");
	pthread_t t;
	pthread_create(&t, NULL, sender, NULL);
	pthread_join(t, NULL);
	sigset_t pending;
	sigpending(&pending);
	check(sigismember(&pending, SIGUSR1) && sigismember(&pending, SIGUSR2),
	      "both signals are pending");
	/* The order is not checked: Linux takes the thread-directed SIGUSR2
	 * before the process-directed SIGUSR1, POSIX leaves it open. */
	int sig1 = 0, sig2 = 0;
	CHECK_EQ(sigwait(&set, &sig1), 0, "first sigwait");
	CHECK_EQ(sigwait(&set, &sig2), 0, "second sigwait");
	CHECK_EQ(sig1 + sig2, SIGUSR1 + SIGUSR2, "the two sigwaits took SIGUSR1 and SIGUSR2");
	check(sig1 != sig2, "... one each");
	CHECK_EQ(handler_runs, 0, "no handler ran for a signal taken by sigwait");
	struct timespec timeout = { 0, 20 * 1000000L };
	errno = 0;
	CHECK_EQ(sigtimedwait(&set, NULL, &timeout), -1, "sigtimedwait with nothing pending fails");
	CHECK_EQ(errno, EAGAIN, "... with EAGAIN");
	return ltap_done();
}
