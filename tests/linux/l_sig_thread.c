/* pthread_kill to a thread that has a handler: the handler runs in that
 * thread (gettid inside the handler is the target's tid), not in the
 * sender; a blocked signal stays pending until the thread unblocks it;
 * pthread_kill with signal 0 checks the thread exists. */
#define _GNU_SOURCE
#include "ltap.h"
#include "handler.h"
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile pid_t handled_in;
static volatile sig_atomic_t handled;
static pid_t target_tid;
static volatile int go, release;

static void on_usr1(int signo)
{
	(void)signo;
	handled_in = (pid_t)syscall(SYS_gettid);
	handled++;
}

static void *target(void *arg)
{
	(void)arg;
	target_tid = (pid_t)syscall(SYS_gettid);
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	__atomic_store_n(&go, 1, __ATOMIC_SEQ_CST);
	/* Phase 1: blocked; the signal must wait. */
	while (!__atomic_load_n(&release, __ATOMIC_SEQ_CST))
		sched_yield();
	sigset_t pending;
	sigpending(&pending);
	int was_pending = sigismember(&pending, SIGUSR1) == 1 && handled == 0;
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);	/* delivered here */
	return (void *)(long)was_pending;
}

int main(void)
{
	ltap_start();
	CHECK_EQ(set_handler(SIGUSR1, on_usr1), 0, "sigaction(SIGUSR1)");
	pthread_t t;
	pthread_create(&t, NULL, target, NULL);
	while (!__atomic_load_n(&go, __ATOMIC_SEQ_CST))
		sched_yield();
	CHECK_EQ(pthread_kill(t, 0), 0, "pthread_kill(t, 0) finds the live thread");
	CHECK_EQ(pthread_kill(t, SIGUSR1), 0, "pthread_kill(t, SIGUSR1)");
	struct timespec ts = { 0, 20 * 1000000L };
	nanosleep(&ts, NULL);
	CHECK_EQ(handled, 0, "the handler waits while the target blocks SIGUSR1");
	__atomic_store_n(&release, 1, __ATOMIC_SEQ_CST);
	void *was_pending = NULL;
	pthread_join(t, &was_pending);
	check(was_pending == (void *)1, "the signal was pending in the target while blocked");
	CHECK_EQ(handled, 1, "the handler ran once, after the unblock");
	check(handled_in == target_tid && handled_in != getpid(), "the handler ran in the target thread");
	return ltap_done();
}
