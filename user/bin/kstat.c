/* kstat: prints the kernel's counters. */
#include <stdio.h>
#include <syscall.h>

int main(void)
{
	struct kstat k;
	long r = kstat(&k);
	if (r < 0) {
		dprintf(2, "kstat: error %ld\n", r);
		return 1;
	}
	printf("free_frames   %lu\n", k.free_frames);
	printf("total_frames  %lu\n", k.total_frames);
	printf("live_threads  %lu\n", k.live_threads);
	printf("live_procs    %lu\n", k.live_procs);
	printf("kmalloc_bytes %lu\n", k.kmalloc_bytes);
	printf("harts         %lu\n", k.harts);
	printf("time_hz       %lu\n", k.time_hz);
	return 0;
}
