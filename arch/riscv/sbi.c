/* SBI calls: the one place the kernel talks to OpenSBI. */
#include "sbi.h"
#include "arch.h"

struct sbiret sbi_call(long ext, long fid, unsigned long a0, unsigned long a1,
		       unsigned long a2, unsigned long a3)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a3 __asm__("a3") = a3;
	register unsigned long r_a6 __asm__("a6") = (unsigned long)fid;
	register unsigned long r_a7 __asm__("a7") = (unsigned long)ext;
	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7)
			 : "memory");
	return (struct sbiret){ .error = (long)r_a0, .value = (long)r_a1 };
}

long sbi_hart_start(unsigned long hart, unsigned long start, unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, 0, hart, start, opaque, 0).error;
}

extern char _secondary_start[];      /* entry.S: where a started hart begins */

long arch_start_hart(unsigned hart, unsigned long arg)
{
	long err = sbi_hart_start(hart, (unsigned long)_secondary_start, arg);
	return err == SBI_ERR_ALREADY_AVAILABLE ? ARCH_HART_RUNNING : err;
}

long sbi_hart_status(unsigned long hart)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hart, 0, 0, 0);
	return r.error ? r.error : r.value;
}

void sbi_set_timer(unsigned long when)
{
	sbi_call(SBI_EXT_TIME, 0, when, 0, 0, 0);
}

long sbi_send_ipi(unsigned long mask, unsigned long base)
{
	return sbi_call(SBI_EXT_IPI, 0, mask, base, 0, 0).error;
}

long sbi_remote_sfence_vma(unsigned long mask, unsigned long base,
			   unsigned long start, unsigned long size)
{
	return sbi_call(SBI_EXT_RFENCE, 1, mask, base, start, size).error;
}

void sbi_shutdown(void)
{
	sbi_call(SBI_EXT_SRST, 0, 0, 0, 0, 0);
}

long sbi_probe(long ext)
{
	return sbi_call(SBI_EXT_BASE, 3, (unsigned long)ext, 0, 0, 0).value;
}

void sbi_console_putchar(int c)
{
	sbi_call(1, 0, (unsigned long)c, 0, 0, 0);	/* legacy console, panic fallback */
}
