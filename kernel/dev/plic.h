/* Platform-level interrupt controller (QEMU virt). */
#ifndef KERNEL_DEV_PLIC_H
#define KERNEL_DEV_PLIC_H

#define PLIC_BASE 0x0c000000UL
#define PLIC_SIZE 0x400000UL

/* Route `irq` to the supervisor context of `hart`. */
void plic_enable(unsigned irq, unsigned hart);
/* Per hart: accept every priority. */
void plic_init_hart(unsigned hart);
unsigned plic_claim(unsigned hart);
void plic_complete(unsigned hart, unsigned irq);

#endif
