/* Flattened device tree reader: the few facts Dakota needs at boot, copied
 * out of the blob OpenSBI hands over in a1 (memory, reserved ranges, harts,
 * timebase, UART, initramfs, command line). Pure code: no allocation, no
 * globals, every read bounds-checked, so it also runs as a host unit test. */
#ifndef ARCH_RISCV_FDT_H
#define ARCH_RISCV_FDT_H

#include "kernel/boot.h"

/* Fills *info from the blob at fdt. 0, or -EINVAL (22) if the blob is not
 * a well-formed version 16/17 device tree. Ranges beyond the array sizes
 * are dropped. */
int fdt_parse(const void *fdt, struct boot_info *info);

#endif
