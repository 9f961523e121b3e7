/* A parent that asks for no zombies (SA_NOCLDWAIT with a handler, or
 * SIGCHLD ignored) gets -ECHILD from wait once its children are gone, not
 * their statuses and not EINTR from the SIGCHLD that comes with them; with
 * SIG_DFL again, wait reports the child. (qemu-riscv64 7.2 does not pass
 * SA_NOCLDWAIT on to the host: Dakota only.) */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_chld(int sig)
{
	(void)sig;
	caught++;
}

static void set_chld(void (*handler)(int), int flags)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = flags };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
}

int main(void)
{
	ltap_start();
	/* SA_RESTART: a SIGCHLD that comes while other children still run
	 * restarts wait (without it, Linux too ends that wait with EINTR). */
	set_chld(on_chld, SA_NOCLDWAIT | SA_RESTART);
	for (int i = 0; i < 3; i++)
		if (fork() == 0)
			_exit(i);
	int status;
	errno = 0;
	CHECK_EQ(wait(&status) == -1 && errno == ECHILD, 1,
		 "SA_NOCLDWAIT: wait gives ECHILD once the 3 children are gone");
	CHECK_EQ(caught > 0, 1, "the SIGCHLD handler still ran");
	set_chld(SIG_IGN, 0);
	if (fork() == 0)
		_exit(0);
	errno = 0;
	CHECK_EQ(wait(&status) == -1 && errno == ECHILD, 1, "SIGCHLD ignored: ECHILD too");
	set_chld(SIG_DFL, 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	CHECK_EQ(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7,
		 1, "SIG_DFL again: wait reports the child's status");
	return ltap_done();
}
