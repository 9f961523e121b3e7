/* SIGALRM: a handler installed with sigaction runs once when alarm(1)
 * expires, interrupting pause() (which returns -1 with EINTR); alarm(0)
 * cancels a pending alarm and returns the seconds that were left. */
#define _GNU_SOURCE
#include "ltap.h"
#include "handler.h"
#include <errno.h>
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;
static volatile sig_atomic_t handler_signo;

static void on_alarm(int signo)
{
	alarms++;
	handler_signo = signo;
}

int main(void)
{
	ltap_start();
	CHECK_EQ(set_handler(SIGALRM, on_alarm), 0, "sigaction(SIGALRM)");
	CHECK_EQ(alarm(1), 0, "alarm(1) with none pending returns 0");
	errno = 0;
	int r = pause();
	CHECK_EQ(r, -1, "pause returns -1 after the handler");
	CHECK_EQ(errno, EINTR, "... with EINTR");
	CHECK_EQ(alarms, 1, "the SIGALRM handler ran once");
	CHECK_EQ(handler_signo, SIGALRM, "the handler got SIGALRM as its argument");
	alarm(5);
	unsigned left = alarm(0);
	check(left >= 4 && left <= 5, "alarm(0) cancels and returns the seconds left");
	struct timespec ts = { 0, 50 * 1000000L };
	nanosleep(&ts, NULL);
	CHECK_EQ(alarms, 1, "a cancelled alarm does not fire");
	return ltap_done();
}
