/* What the kernel learns at boot: the machine, as the firmware describes it
 * (the arch layer fills struct boot_info: arch_read_boot_info in arch.h),
 * and the kernel command line: `key=value` options, then
 * `init=NAME ARGS...`. Pure declarations, shared with the host tests. */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <stdbool.h>

#define BOOT_MAX_RANGES   8
#define BOOT_MAX_HARTS    8
#define BOOT_ARGS_LEN     256

struct boot_range {
	unsigned long base;
	unsigned long size;
};

struct boot_info {
	struct boot_range memory[BOOT_MAX_RANGES];
	int memory_count;
	/* Ranges the firmware keeps (reservation block, /reserved-memory). */
	struct boot_range reserved[BOOT_MAX_RANGES];
	int reserved_count;
	/* Harts whose status is absent or "okay", in the firmware's order. */
	unsigned hart_ids[BOOT_MAX_HARTS];
	int hart_count;
	unsigned long timebase_hz;
	unsigned long uart_base;           /* first ns16550a; 0: none */
	unsigned long initrd_start;        /* 0: none */
	unsigned long initrd_end;
	char bootargs[BOOT_ARGS_LEN];      /* the command line, NUL-terminated */
	unsigned long total_size;          /* of the firmware's description */
};

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
