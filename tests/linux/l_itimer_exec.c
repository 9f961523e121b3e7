/* Interval timers are kept across execve (man 2 setitimer): a child arms
 * all three and runs this program again, which reads them. The first run
 * execs itself by argv[0], which qemu-riscv64 cannot do (the host's execve
 * gets a riscv64 binary); the expected output is Linux 6.12's
 * (shared/linux-ref/run-bin.sh, 4 harts). */
#define _GNU_SOURCE
#include "ltap.h"
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define S 1000000L                      /* in microseconds */

static long tv_us(const struct timeval *tv)
{
	return tv->tv_sec * 1000000L + tv->tv_usec;
}

/* After the exec: bit `which` set in the status for a timer that is not as
 * the child armed it (value left at most 100 s, interval `which` + 1 s). */
static int exec_check(void)
{
	int bad = 0;
	for (int which = ITIMER_REAL; which <= ITIMER_PROF; which++) {
		struct itimerval g;
		if (getitimer(which, &g) || tv_us(&g.it_interval) != (which + 1) * S ||
		    tv_us(&g.it_value) <= 0 || tv_us(&g.it_value) > 100 * S + S / 10)
			bad |= 1 << which;
	}
	return bad;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "exec-check"))
		return exec_check();
	ltap_start();
	pid_t pid = fork();
	if (pid == 0) {
		for (int which = ITIMER_REAL; which <= ITIMER_PROF; which++) {
			struct itimerval v = { { which + 1, 0 }, { 100, 0 } };
			setitimer(which, &v, NULL);
		}
		char *args[] = { argv[0], "exec-check", NULL }, *envp[] = { NULL };
		execve(argv[0], args, envp);
		_exit(8);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF stay armed across execve");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		note("status %#x", status);
	return ltap_done();
}
