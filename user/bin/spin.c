/* spin [MS]: keeps a hart busy for MS milliseconds (default 1000), to load
 * the scheduler. It reads the clock with rdtime rather than a system call so
 * that the only kernel entries it causes are timer preemptions. */
#include <stdio.h>
#include <stdlib.h>
#include <syscall.h>
#include <time.h>

int main(int argc, char **argv)
{
	char *end = "";
	long ms = argc >= 2 ? strtol(argv[1], &end, 10) : 1000;
	if (argc > 2 || *end || ms < 0) {
		dprintf(2, "usage: spin [MILLISECONDS]\n");
		return 2;
	}
	struct kstat k;
	unsigned long hz = kstat(&k) == 0 && k.time_hz ? k.time_hz : 10000000UL;
	unsigned long deadline = rdtime() + (unsigned long)ms * (hz / 1000);
	volatile unsigned long sink = 0;
	while (rdtime() < deadline) {
		for (int i = 0; i < 1000; i++)
			sink += (unsigned long)i;
	}
	return 0;
}
