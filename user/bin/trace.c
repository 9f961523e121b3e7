/* trace: controls the kernel's scheduler trace (a kernel built with tracing).
 *
 *   trace start          start recording into the per-hart buffers
 *   trace stop           stop, and print the records on the console
 *   trace PROG [ARGS]    start, run PROG to its end, stop; exits with
 *                        PROG's status
 *
 * Capture the console (tools/run --trace OUT, or any serial log) and decode
 * it on the host with tools/trace.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>

static int control(long cmd)
{
	long r = trace_ctl(cmd);
	if (r < 0) {
		dprintf(2, "trace: %s\n", r == -ENOSYS ? "this kernel was built without tracing"
							: "trace_ctl failed");
		return 1;
	}
	return 0;
}

static int run_traced(char **argv)
{
	if (control(TRACE_START))
		return 1;
	long pid = fork();
	if (pid == 0) {
		execve(argv[0], argv, NULL);
		dprintf(2, "trace: cannot run %s\n", argv[0]);
		exit(127);
	}
	int status = 0;
	if (pid < 0 || waitpid((int)pid, &status, 0) < 0)
		status = 127 << 8;
	control(TRACE_STOP);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (status & 0x7f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		dprintf(2, "usage: trace start | trace stop | trace PROG [ARGS...]\n");
		return 2;
	}
	if (!strcmp(argv[1], "start"))
		return control(TRACE_START);
	if (!strcmp(argv[1], "stop"))
		return control(TRACE_STOP);
	return run_traced(argv + 1);
}
