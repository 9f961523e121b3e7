/* ls: lists the programs in the initramfs, one per line. */
#include <stdio.h>
#include <syscall.h>

int main(void)
{
	static char names[8192];
	long n = programs(names, sizeof names);
	if (n < 0) {
		dprintf(2, "ls: programs: error %ld\n", n);
		return 1;
	}
	if (n > (long)sizeof names)
		n = sizeof names;
	for (long i = 0; i < n;) {
		const char *name = names + i;
		long len = 0;
		while (i + len < n && name[len])
			len++;
		if (len)
			printf("%.*s\n", (int)len, name);
		i += len + 1;
	}
	return 0;
}
