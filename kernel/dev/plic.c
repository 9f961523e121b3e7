/* PLIC: a supervisor context per hart, number 2 * hart + 1 on QEMU virt. */
#include <stdint.h>
#include "kernel/dev/plic.h"

static volatile uint32_t *reg(unsigned long offset)
{
	return (volatile uint32_t *)(PLIC_BASE + offset);
}

static unsigned context(unsigned hart)
{
	return 2 * hart + 1;
}

void plic_enable(unsigned irq, unsigned hart)
{
	*reg(4UL * irq) = 1;   /* priority */
	*reg(0x2000UL + 0x80UL * context(hart) + 4UL * (irq / 32)) |= 1u << (irq % 32);
}

void plic_init_hart(unsigned hart)
{
	*reg(0x200000UL + 0x1000UL * context(hart)) = 0;   /* threshold */
}

unsigned plic_claim(unsigned hart)
{
	return *reg(0x200004UL + 0x1000UL * context(hart));
}

void plic_complete(unsigned hart, unsigned irq)
{
	*reg(0x200004UL + 0x1000UL * context(hart)) = irq;
}
