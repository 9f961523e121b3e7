/* cat: copies fd 0 to fd 1 until end of input. */
#include <stdio.h>
#include <syscall.h>

int main(void)
{
	char buf[512];
	for (;;) {
		long n = read(0, buf, sizeof buf);
		if (n == 0)
			return 0;
		if (n < 0) {
			dprintf(2, "cat: read: error %ld\n", n);
			return 1;
		}
		for (long done = 0; done < n;) {
			long w = write(1, buf + done, (unsigned long)(n - done));
			if (w <= 0) {
				dprintf(2, "cat: write: error %ld\n", w);
				return 1;
			}
			done += w;
		}
	}
}
