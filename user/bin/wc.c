/* wc: counts the lines, words and bytes of fd 0 until end of input. */
#include <stdbool.h>
#include <stdio.h>
#include <syscall.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int main(void)
{
	char buf[512];
	long lines = 0, words = 0, bytes = 0;
	bool in_word = false;
	for (;;) {
		long n = read(0, buf, sizeof buf);
		if (n == 0)
			break;
		if (n < 0) {
			dprintf(2, "wc: read: error %ld\n", n);
			return 1;
		}
		bytes += n;
		for (long i = 0; i < n; i++) {
			if (buf[i] == '\n')
				lines++;
			if (is_space(buf[i])) {
				in_word = false;
			} else if (!in_word) {
				in_word = true;
				words++;
			}
		}
	}
	printf("%ld %ld %ld\n", lines, words, bytes);
	return 0;
}
