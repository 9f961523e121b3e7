/* sleep MS: sleeps for MS milliseconds. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	char *end;
	long ms = argc == 2 ? strtol(argv[1], &end, 10) : -1;
	if (argc != 2 || *end || ms < 0) {
		dprintf(2, "usage: sleep MILLISECONDS\n");
		return 2;
	}
	long r = sleep_ms(ms);
	if (r < 0) {
		dprintf(2, "sleep: error %ld\n", r);
		return 1;
	}
	return 0;
}
