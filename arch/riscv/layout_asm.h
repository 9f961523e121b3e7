/* Constants shared between assembly and C in arch/riscv. */
#ifndef ARCH_RISCV_LAYOUT_ASM_H
#define ARCH_RISCV_LAYOUT_ASM_H
#include "config.h"

/* One guard page then a 16 KiB boot stack per hart. */
#define BOOT_STACK_SIZE 16384
#define BOOT_STACK_SLOT (4096 + BOOT_STACK_SIZE)

/* struct trap_context offsets (arch.h). */
#define TC_SEPC        256
#define TC_KERNEL_SATP 264
#define TC_KERNEL_SP   272
#define TC_HANDLER     280
#define TC_KERNEL_TP   288

/* struct arch_processor offsets (arch.h), from tp. */
#define CPU_SCRATCH0     0
#define CPU_SCRATCH1     8
#define CPU_EMERGENCY_SP 16
#define KERNELVEC_FRAME  144
#define PAGE_SIZE_ASM    4096
#endif
