/* posixrun: runs many test programs from one Dakota boot, each with a time
 * limit; the runner that tools/posix-suite boots as init. A Dakota-ABI
 * program, so that it works whatever the state of the Linux ABI.
 *
 *	posixrun PREFIX SECONDS
 *
 * Runs, one at a time and in initramfs order, every program whose name
 * starts with PREFIX, as /bin/NAME with no arguments, in a process group
 * of its own. A program still running after
 * SECONDS is killed (SIGKILL). Around each it prints, on stdout,
 *
 *	@@PX start NAME
 *	@@PX end NAME exit CODE | signal N | timeout
 *
 * (an end line always starts a line: a newline comes first) and
 * "@@PX done COUNT" at the end, so that the caller can tell the
 * program's own output and a boot that died part-way from a result.
 * Orphans left by a program come to init (this program) and are reaped
 * between programs. Exit status 0, or 2 on a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>

#define POLL_MS 5

static char names[256 * 1024];

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_poll(void)
{
	struct timespec ts = { 0, POLL_MS * 1000000L };
	nanosleep(&ts, 0);
}

/* Reaps whatever has exited; pid's status goes to *status if it is among
 * them. Whether pid was reaped. */
static int reap(long pid, int *status)
{
	int got = 0, s;
	long r;
	while ((r = wait4(-1, &s, WNOHANG, 0)) > 0)
		if (r == pid) {
			*status = s;
			got = 1;
		}
	return got;
}

static void run_one(const char *name, long limit_ms, char **envp)
{
	printf("@@PX start %s\n", name);
	fflush_stdout();
	long pid = fork();
	if (pid < 0) {
		printf("@@PX end %s fork-failed %ld\n", name, pid);
		return;
	}
	if (pid == 0) {
		/* By absolute path, as a shell would name a program it ran from a
		 * directory: tests that exec themselves again use argv[0]. */
		char path[96] = "/bin/";
		size_t len = strlen(name);
		if (len > sizeof path - 6)
			exit(127);
		memcpy(path + 5, name, len + 1);
		char *argv[] = { path, 0 };
		/* A process group of its own, as a shell gives a job: in init's
		 * group 1, killpg(getpgrp()) would be kill(-1), everyone. */
		syscall2(SYS_setpgid, 0, 0);
		execve(path, argv, envp);
		exit(127);
	}
	long start = now_ms();
	int status = 0, timed_out = 0;
	while (!reap(pid, &status)) {
		if (!timed_out && now_ms() - start > limit_ms) {
			kill((int)pid, SIGKILL);
			timed_out = 1;
		}
		sleep_poll();
	}
	/* The newline first: the program's last line may lack its own. */
	if (timed_out)
		printf("\n@@PX end %s timeout\n", name);
	else if (WIFSIGNALED(status))
		printf("\n@@PX end %s signal %d\n", name, WTERMSIG(status));
	else
		printf("\n@@PX end %s exit %d\n", name, WEXITSTATUS(status));
	fflush_stdout();
}

int main(int argc, char **argv, char **envp)
{
	if (argc != 3) {
		dprintf(2, "usage: posixrun PREFIX SECONDS\n");
		return 2;
	}
	long limit_ms = strtol(argv[2], 0, 10) * 1000;
	long len = programs(names, sizeof names);
	if (len < 0 || limit_ms <= 0) {
		dprintf(2, "posixrun: bad time limit or program list (%ld)\n", len);
		return 2;
	}
	size_t plen = strlen(argv[1]);
	long count = 0;
	for (long i = 0; i < len; i += (long)strlen(names + i) + 1) {
		if (strncmp(names + i, argv[1], plen))
			continue;
		run_one(names + i, limit_ms, envp);
		count++;
	}
	int s;
	reap(-2, &s);
	printf("\n@@PX done %ld\n", count);
	fflush_stdout();
	return 0;
}
