/* execve when physical memory runs out part way through building the new
 * image. The program takes every free frame (a large break, each page
 * supplied through getrandom, which fails with EFAULT instead of killing
 * when no page can be had), then gives pages back one at a time and tries
 * execve of exec_stack after each: every attempt that fails must fail with
 * ENOMEM, leave this process running, and leave the kernel's free-frame
 * and kmalloc counters as they were (the half-built image freed). The
 * first attempt that succeeds reports through exec_stack's arguments:
 * refused=N (attempts refused), leaked=N (attempts after which a counter
 * moved), wrong=N (refusals with another error). Dakota only (kstat). */
#include "raw.h"

#define SYS_brk 214
#define SYS_getrandom 278
#define SYS_kstat 1101
#define ENOMEM 12
#define PAGE 4096
#define HOG (512UL << 20)      /* more than the guest's RAM */

struct kstat {   /* include/dakota/syscall.h */
	unsigned long free_frames, total_frames, live_threads, live_procs, kmalloc_bytes;
	unsigned long harts, time_hz, reserved[9];
};

static char *with_number(char *buf, const char *name, unsigned long v)
{
	char digits[24];
	int n = 0;
	char *p = buf;
	while (*name)
		*p++ = *name++;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = digits[--n];
	*p = 0;
	return buf;
}

int main_raw(unsigned long *sp, unsigned long a0)
{
	(void)sp;
	(void)a0;
	unsigned long base = (unsigned long)raw_syscall3(SYS_brk, 0, 0, 0);
	if ((unsigned long)raw_syscall3(SYS_brk, (long)(base + HOG), 0, 0) != base + HOG) {
		out_str("exec_oom: the break did not grow\n");
		return 2;
	}
	unsigned long top = base;
	while (top < base + HOG && raw_syscall3(SYS_getrandom, (long)top, 1, 0) == 1)
		top += PAGE;
	if (top == base + HOG) {
		out_str("exec_oom: memory did not run out\n");
		return 3;
	}
	static char a1[32], a2[32], a3[32];
	static char *av[] = { "exec_stack", a1, a2, a3, 0 };
	unsigned long refused = 0, leaked = 0, wrong = 0;
	for (; top > base; top -= PAGE) {
		struct kstat before, after;
		with_number(a1, "refused=", refused);
		with_number(a2, "leaked=", leaked);
		with_number(a3, "wrong=", wrong);
		raw_syscall3(SYS_kstat, (long)&before, 0, 0);
		long r = raw_syscall3(SYS_execve, (long)"/bin/exec_stack", (long)av, 0);
		raw_syscall3(SYS_kstat, (long)&after, 0, 0);
		refused++;
		wrong += r != -ENOMEM;
		leaked += before.free_frames != after.free_frames ||
			  before.kmalloc_bytes != after.kmalloc_bytes;
		raw_syscall3(SYS_brk, (long)(top - PAGE), 0, 0);
	}
	out_str("exec_oom: execve never succeeded\n");
	return 4;
}
