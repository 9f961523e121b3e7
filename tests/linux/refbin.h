/* For programs whose expected output comes from a real Linux boot
 * (shared/linux-ref/run-bin.sh): that machine has no /bin, so the program,
 * given a directory of static stand-ins (ref_stub.c built as true, false,
 * sh), copies them into /bin itself before it runs. Header-only, like
 * ltap.h, whose BAIL it uses. */
#ifndef LINUX_REFBIN_H
#define LINUX_REFBIN_H

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "ltap.h"

/* Copies dir/name to /bin/name, executable. */
static inline void refbin_install(const char *dir, const char *name)
{
	char from[256], to[256], buf[4096];
	snprintf(from, sizeof from, "%s/%s", dir, name);
	snprintf(to, sizeof to, "/bin/%s", name);
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (in < 0 || out < 0)
		BAIL("cannot copy %s to %s", from, to);
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			BAIL("cannot write %s", to);
	close(in);
	close(out);
}

#endif
