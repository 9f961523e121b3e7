/* echo ARGS...: prints its arguments separated by spaces, in one write. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <syscall.h>

int main(int argc, char **argv)
{
	size_t len = 1;
	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *line = malloc(len);
	if (!line) {
		dprintf(2, "echo: out of memory\n");
		return 1;
	}
	char *p = line;
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			*p++ = ' ';
		size_t n = strlen(argv[i]);
		memcpy(p, argv[i], n);
		p += n;
	}
	*p++ = '\n';
	long r = write(1, line, (unsigned long)(p - line));
	free(line);
	return r < 0 ? 1 : 0;
}
