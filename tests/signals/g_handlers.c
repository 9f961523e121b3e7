/* glibc signals in one thread: sigaction with SA_SIGINFO, raise, masks and
 * sigpending, sigqueue values in order, SA_RESETHAND, sigaltstack, FP state
 * across a handler, siglongjmp out of a SIGSEGV handler with si_addr,
 * sigwait/sigtimedwait, alarm and pause, bad signal numbers. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static volatile int hits, last_sig, last_code, last_value, order[8], norder;
static volatile uintptr_t last_addr, handler_sp;
static sigjmp_buf jump;

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	last_code = si->si_code;
	last_value = si->si_value.sival_int;
	if (norder < 8)
		order[norder++] = sig * 100 + si->si_value.sival_int;
	volatile int here;
	handler_sp = (uintptr_t)&here;
}

static void on_fp(int sig)
{
	volatile double x = sig;
	for (int i = 0; i < 10; i++)
		x = x * 1.5 + 0.25;   /* uses FP registers the interrupted code holds */
	hits += x > 0;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_sig = sig;
	last_addr = (uintptr_t)si->si_addr;
	siglongjmp(jump, 1);
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, 0);
}

static void test_raise_and_masks(void)
{
	install(SIGUSR1, on_info, 0);
	raise(SIGUSR1);
	CHECK_EQ(hits, 1, "raise runs the handler");
	CHECK_EQ(last_code, SI_TKILL, "raise is tgkill: SI_TKILL");
	sigset_t set, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, 0);
	raise(SIGUSR1);
	sigpending(&pend);
	CHECK(hits == 1 && sigismember(&pend, SIGUSR1), "blocked: pending, not run");
	sigprocmask(SIG_UNBLOCK, &set, 0);
	CHECK_EQ(hits, 2, "unblocking runs it");
	errno = 0;
	CHECK(sigaction(65, &(struct sigaction){ 0 }, 0) == -1 && errno == EINVAL, "sigaction(65): EINVAL");
	errno = 0;
	CHECK(kill(getpid(), 65) == -1 && errno == EINVAL, "kill(self, 65): EINVAL");
	errno = 0;
	CHECK(sigaction(SIGKILL, &(struct sigaction){ 0 }, 0) == -1 && errno == EINVAL, "sigaction(SIGKILL): EINVAL");
}

static void test_queue(void)
{
	int rt = SIGRTMIN + 1;
	install(rt, on_info, 0);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, rt);
	sigprocmask(SIG_BLOCK, &set, 0);
	for (int v = 1; v <= 3; v++)
		sigqueue(getpid(), rt, (union sigval){ .sival_int = v });
	norder = 0;
	sigprocmask(SIG_UNBLOCK, &set, 0);
	CHECK(norder == 3 && order[0] == rt * 100 + 1 && order[1] == rt * 100 + 2 &&
	      order[2] == rt * 100 + 3, "sigqueue: three values in order");
	CHECK_EQ(last_code, SI_QUEUE, "SI_QUEUE");
}

static char altstack[65536];

static void test_flags_altstack(void)
{
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
	CHECK_EQ(sigaltstack(&ss, 0), 0, "sigaltstack");
	install(SIGUSR2, on_info, SA_ONSTACK | SA_RESETHAND);
	raise(SIGUSR2);
	CHECK(handler_sp > (uintptr_t)altstack && handler_sp < (uintptr_t)altstack + sizeof altstack,
	      "SA_ONSTACK handler on the alternate stack");
	struct sigaction now;
	sigaction(SIGUSR2, 0, &now);
	CHECK(now.sa_handler == SIG_DFL, "SA_RESETHAND");
}

static void test_fp_and_segv(void)
{
	signal(SIGUSR1, on_fp);
	volatile double a = 1.0 / 3.0;
	double b = a * 7.0;
	raise(SIGUSR1);
	CHECK(b == a * 7.0 && a == 1.0 / 3.0, "FP values survive a handler that uses FP");
	install(SIGSEGV, on_segv, 0);
	volatile int *volatile bad = (volatile int *)64;
	if (!sigsetjmp(jump, 1))
		*bad = 1;
	CHECK_EQ(last_sig, SIGSEGV, "a bad store goes to the SIGSEGV handler");
	CHECK_EQ(last_addr, 64, "si_addr");
	signal(SIGSEGV, SIG_DFL);
}

static void test_wait_alarm(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, 0);
	struct timespec ts = { 0, 20000000 };
	errno = 0;
	CHECK(sigtimedwait(&set, 0, &ts) == -1 && errno == EAGAIN, "sigtimedwait times out: EAGAIN");
	kill(getpid(), SIGUSR1);
	int sig = 0;
	CHECK(sigwait(&set, &sig) == 0 && sig == SIGUSR1, "sigwait takes the pending signal");
	sigprocmask(SIG_UNBLOCK, &set, 0);
	install(SIGALRM, on_info, 0);
	alarm(1);
	errno = 0;
	int r = pause();
	CHECK(r == -1 && errno == EINTR && last_sig == SIGALRM, "alarm(1) ends pause with EINTR");
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	test_raise_and_masks();
	test_queue();
	test_flags_altstack();
	test_fp_and_segv();
	test_wait_alarm();
	return check_done();
}
