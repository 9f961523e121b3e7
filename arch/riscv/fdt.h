/* Flattened device tree reader: the few facts Dakota needs at boot, copied
 * out of the blob OpenSBI hands over in a1 (memory, reserved ranges, harts,
 * timebase, UART, initramfs, command line). Pure code: no allocation, no
 * globals, every read bounds-checked, so it also runs as a host unit test. */
#ifndef ARCH_RISCV_FDT_H
#define ARCH_RISCV_FDT_H

#define FDT_MAX_RANGES   8
#define FDT_MAX_HARTS    8
#define FDT_BOOTARGS_LEN 256

struct fdt_range {
	unsigned long base;
	unsigned long size;
};

struct fdt_info {
	struct fdt_range memory[FDT_MAX_RANGES];
	int memory_count;
	/* The memory reservation block and /reserved-memory children. */
	struct fdt_range reserved[FDT_MAX_RANGES];
	int reserved_count;
	/* Harts whose status is absent or "okay", in tree order. */
	unsigned hart_ids[FDT_MAX_HARTS];
	int hart_count;
	unsigned long timebase_hz;
	unsigned long uart_base;           /* first ns16550a; 0: none */
	unsigned long initrd_start;        /* /chosen linux,initrd-*; 0: none */
	unsigned long initrd_end;
	char bootargs[FDT_BOOTARGS_LEN];   /* /chosen bootargs, NUL-terminated */
	unsigned long total_size;          /* of the blob */
};

/* Fills *info from the blob at fdt. 0, or -EINVAL (22) if the blob is not
 * a well-formed version 16/17 device tree. Ranges beyond the array sizes
 * are dropped. */
int fdt_parse(const void *fdt, struct fdt_info *info);

#endif
