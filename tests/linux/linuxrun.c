/* linuxrun: runs one linux-suite program (a static glibc binary) on Dakota
 * and checks that it leaked nothing. A Dakota-ABI program, because the
 * glibc programs cannot read Dakota's kstat (and must also run on Linux).
 *
 *	linuxrun PROG [ARGS...]
 *
 * Takes the kernel counters, fork + execve's PROG with ARGS, waits for it
 * and then for every other process left (orphans come to init, and the
 * tests boot linuxrun as init), takes the counters again and requires free
 * frames, live threads, live processes and kmalloc bytes back where they
 * started. Diagnostics go to stderr (the console; qemu.py --tap keeps them
 * off stdout, which carries only the program's TAP).
 *
 * Exit status: PROG's exit code; 128 + N if a signal N killed it; 127 if
 * PROG could not be executed; 99 if PROG exited 0 but something leaked;
 * 2 on a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>
#include <leakcheck.h>

#define LEAK_STATUS 99

static int take(struct kstat *k)
{
	memset(k, 0, sizeof *k);
	long r = kstat(k);
	if (r < 0)
		dprintf(2, "linuxrun: kstat failed: %ld\n", r);
	return r >= 0;
}

/* Waits for pid, then for every remaining child; pid's wait status, or -1. */
static int wait_all(long pid)
{
	int status = -1, s;
	long r;
	while ((r = wait4(-1, &s, 0, 0)) > 0)
		if (r == pid)
			status = s;
	return status;
}

static int same(const struct kstat *a, const struct kstat *b)
{
	int ok = a->free_frames == b->free_frames && a->live_threads == b->live_threads &&
		 a->live_procs == b->live_procs && a->kmalloc_bytes == b->kmalloc_bytes;
	if (!ok)
		dprintf(2, "linuxrun: leak: frames %ld, threads %ld, procs %ld, kmalloc bytes %ld\n",
			(long)a->free_frames - (long)b->free_frames,
			(long)b->live_threads - (long)a->live_threads,
			(long)b->live_procs - (long)a->live_procs,
			(long)b->kmalloc_bytes - (long)a->kmalloc_bytes);
	return ok;
}

int main(int argc, char **argv, char **envp)
{
	if (argc < 2) {
		dprintf(2, "usage: linuxrun PROG [ARGS...]\n");
		return 2;
	}
	warm_stack();                  /* test.h: the stack's pages, filled once, kept */
	leakcheck_touch_program();     /* leakcheck.h: this program's pages, likewise */
	struct kstat before, after;
	if (!take(&before))
		return 2;
	long pid = fork();
	if (pid < 0) {
		dprintf(2, "linuxrun: fork failed: %ld\n", pid);
		return 2;
	}
	if (pid == 0) {
		long err = execve(argv[1], argv + 1, envp);
		dprintf(2, "linuxrun: cannot execute %s: error %ld\n", argv[1], err);
		exit(127);
	}
	int status = wait_all(pid);
	if (status < 0)
		return 2;
	if (WIFSIGNALED(status)) {
		dprintf(2, "linuxrun: %s killed by signal %d\n", argv[1], WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	int code = WEXITSTATUS(status);
	if (!take(&after))
		return 2;
	if (!same(&before, &after) && code == 0)
		return LEAK_STATUS;
	return code;
}
