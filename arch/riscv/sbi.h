/* Supervisor Binary Interface calls (SBI 1.0 as OpenSBI 1.1 provides). */
#ifndef ARCH_RISCV_SBI_H
#define ARCH_RISCV_SBI_H

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(long ext, long fid, unsigned long a0, unsigned long a1,
		       unsigned long a2, unsigned long a3);

long sbi_hart_start(unsigned long hart, unsigned long start, unsigned long opaque);
long sbi_hart_status(unsigned long hart);
void sbi_set_timer(unsigned long when);
long sbi_send_ipi(unsigned long mask, unsigned long base);
long sbi_remote_sfence_vma(unsigned long mask, unsigned long base,
			   unsigned long start, unsigned long size);
void sbi_shutdown(void);
long sbi_probe(long ext);
void sbi_console_putchar(int c);

#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI  0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM  0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_BASE 0x10

/* SBI error codes (returned negative). */
#define SBI_ERR_ALREADY_AVAILABLE (-6)

#endif
