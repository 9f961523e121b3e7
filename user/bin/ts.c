/* ts: lists every thread in the system, one line each. TID is the rCore
 * per-process tid (main thread 0); LTID the system-wide Linux tid (gettid
 * 178; the pid for the main thread). LTID comes last so that readers of the
 * older columns keep working. */
#include <stdio.h>
#include <stdlib.h>
#include <syscall.h>

static const char *state_name(int state)
{
	switch (state) {
	case THREAD_INFO_READY:   return "ready";
	case THREAD_INFO_RUNNING: return "running";
	case THREAD_INFO_BLOCKED: return "blocked";
	case THREAD_INFO_EXITED:  return "exited";
	default:                  return "?";
	}
}

int main(void)
{
	long max = 256, n;
	struct thread_info *info;
	/* A full buffer may mean there were more: try again with a bigger one. */
	for (;;) {
		info = malloc((size_t)max * sizeof *info);
		if (!info) {
			dprintf(2, "ts: out of memory\n");
			return 1;
		}
		/* -EAGAIN: harts kept switching while the kernel took the
		 * snapshot; a later moment is likely quieter. */
		for (int tries = 0; tries < 10; tries++) {
			n = thread_list(info, max);
			if (n != -EAGAIN)
				break;
			sched_yield();
		}
		if (n < max || max >= 65536)
			break;
		free(info);
		max *= 2;
	}
	if (n < 0) {
		dprintf(2, "ts: thread_list: error %ld\n", n);
		return 1;
	}
	printf("%5s %5s %5s %-16s %-8s %4s %12s %10s %5s\n",
	       "PID", "TID", "UID", "NAME", "STATE", "HART", "RUNTIME(ms)", "SWITCHES", "LTID");
	for (long i = 0; i < n; i++) {
		const struct thread_info *t = &info[i];
		char hart[12];
		if (t->hart < 0)
			snprintf(hart, sizeof hart, "-");
		else
			snprintf(hart, sizeof hart, "%d", t->hart);
		printf("%5d %5d %5d %-16.16s %-8s %4s %8lu.%03lu %10lu %5d\n",
		       t->pid, t->tid, t->uid, t->name, state_name(t->state), hart,
		       t->run_ns / 1000000, t->run_ns / 1000 % 1000, t->switches, t->linux_tid);
	}
	free(info);
	return 0;
}
