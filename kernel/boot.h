/* The kernel command line: `key=value` options, then `init=NAME ARGS...`. */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <stdbool.h>

#define BOOT_MAX_ARGS 16

struct boot_args {
	char buf[256];               /* the command line, cut into strings */
	char *argv[BOOT_MAX_ARGS + 1];
	int argc;
	bool trace;                  /* trace=1: record from boot */
};

/* Without init= the first program is the shell. The first program takes its
 * argv from here only when the initramfs has no init/argv (main.c). */
void boot_args_parse(const char *cmdline, struct boot_args *out);

#endif
