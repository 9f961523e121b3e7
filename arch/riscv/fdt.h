/* Flattened device tree reader: the few facts Dakota needs at boot, copied
 * out of the blob OpenSBI hands over in a1 (memory, reserved ranges, harts,
 * timebase, UART, initramfs, command line). Pure code: no allocation, no
 * globals, every read bounds-checked, so it also runs as a host unit test. */
#ifndef ARCH_RISCV_FDT_H
#define ARCH_RISCV_FDT_H

#include "kernel/boot.h"

/* The blob's format (Devicetree Specification, "Flattened Devicetree
 * Format"): header magic and structure-block tokens. Here so that the
 * reader and its host test build blobs and read them by the same numbers. */
#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

/* Fills *info from the blob at fdt. 0, or -EINVAL (22) if the blob is not
 * a well-formed version 16/17 device tree. Ranges beyond the array sizes
 * are dropped. */
int fdt_parse(const void *fdt, struct boot_info *info);

#endif
