/* Stand-ins for /bin/true, /bin/false and /bin/sh on the Linux reference
 * machine (shared/linux-ref/run-bin.sh boots an initramfs with only /init
 * and EXTRA's files), for l_vfork and l_spawn_mt, which copy them into /bin
 * when given the directory they are in. What it does follows its name:
 * true exits 0, false 1, sh -c "exit N" N (all that system("exit 3")
 * needs). Not part of the build:
 *
 *	riscv64-linux-gnu-gcc -static -O2 -o x/true tests/linux/ref_stub.c
 *	cp x/true x/false; cp x/true x/sh
 *	EXTRA=x sh run-bin.sh build/tests/linux/l_vfork 4 / */
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (!strcmp(name, "true"))
		return 0;
	if (!strcmp(name, "sh") && argc == 3 && !strcmp(argv[1], "-c") &&
	    !strncmp(argv[2], "exit ", 5))
		return atoi(argv[2] + 5);
	return 1;
}
