/* Power-off with an exit status: the virt machine's test device
 * ("sifive,test0" at 0x100000, which OpenSBI's reset driver also uses as
 * its "syscon" power-off register).
 *
 * A write of (status << 16) | 0x3333 ends QEMU with `status`, 0x5555 with 0.
 * QEMU 7.2 exits inside the write. QEMU 8 and later only record a
 * shutdown request with the status and stop the harts when the main loop
 * next runs; meanwhile every hart, the writer included, keeps executing,
 * and any later write replaces the status. OpenSBI's SBI system reset
 * writes 0x5555 to the same register, so a status write followed by an SBI
 * shutdown turned a panic's 255 into 0 whenever the SBI call won that race.
 * Hence: one write, by the first hart to power off, and nothing after it
 * but waiting; the SBI call only if QEMU has not stopped the machine
 * FALLBACK_SECONDS later (a machine without the test device). QEMU's main
 * loop takes the request within microseconds; the margin is for a host
 * that does not schedule it, since a fallback that came too soon would
 * turn a failure's status into 0. */
#include "arch/riscv/arch.h"
#include "arch/riscv/sbi.h"

#define TEST_DEVICE     ((volatile unsigned *)0x100000UL)
#define TEST_FAIL       0x3333u
#define TEST_PASS       0x5555u
#define FALLBACK_HZ     10000000UL   /* before the device tree gave the rate */
#define FALLBACK_SECONDS 5

/* Set by the first hart to power off; its status is the one QEMU exits
 * with, as under QEMU 7.2, where the first write ended the process. */
static _Atomic int powering_off;

static void wait_for_qemu(void)
{
	unsigned long hz = arch_time_hz ? arch_time_hz : FALLBACK_HZ;
	unsigned long start = arch_time();
	while (arch_time() - start < FALLBACK_SECONDS * hz)
		__asm__ volatile("nop");
}

void arch_poweroff(int status)
{
	arch_irq_disable();
	if (__atomic_exchange_n(&powering_off, 1, __ATOMIC_SEQ_CST))
		arch_halt();
	*TEST_DEVICE = status ? ((unsigned)(status & 0xff) << 16) | TEST_FAIL : TEST_PASS;
	wait_for_qemu();
	sbi_shutdown();
	arch_halt();
}
