/* killpg reaches every process of the group, the caller included, and the
 * caller's handler has run when killpg returns (Linux delivers a signal
 * sent to oneself before the call returns). The program first makes its
 * own group, so that the runner (on Dakota, init) is not in it. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	(void)sig;
	got = 1;
}

int main(void)
{
	ltap_start();
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	CHECK_EQ(setpgid(0, 0), 0, "setpgid(0, 0) makes a group of its own");
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid_t pid = fork();
	if (pid == 0) {
		while (!got)
			sigsuspend(&old);
		_exit(0);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK_EQ(getpgid(pid), getpgrp(), "the forked child is in the group");
	CHECK_EQ(killpg(getpgrp(), SIGUSR1), 0, "killpg of the caller's group");
	CHECK_EQ(got, 1, "the caller's handler ran before killpg returned");
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		 1, "the child in the group got the signal too");
	errno = 0;
	CHECK_EQ(killpg(999999, SIGUSR1) == -1 && errno == ESRCH, 1, "killpg of no group: ESRCH");
	return ltap_done();
}
