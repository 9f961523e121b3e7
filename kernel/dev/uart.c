/* ns16550a UART: polled output, interrupt-driven input. */
#include "kernel/dev/uart.h"

#define RBR 0   /* receive buffer (read) */
#define THR 0   /* transmit holding (write) */
#define IER 1
#define FCR 2
#define LCR 3
#define LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20

static volatile unsigned char *uart = (volatile unsigned char *)0x10000000UL;

void uart_init(unsigned long base)
{
	if (base)
		uart = (volatile unsigned char *)base;
	uart[IER] = 0x00;
	uart[LCR] = 0x03;   /* 8 bits, no parity, one stop bit */
	uart[FCR] = 0x07;   /* FIFOs on and cleared */
	uart[IER] = 0x01;   /* interrupt when a byte arrives */
}

static inline void put_byte(volatile unsigned char *u, unsigned char c)
{
	while (!(u[LSR] & LSR_THR_EMPTY))
		;
	u[THR] = c;
}

void uart_write(const char *buf, unsigned long n)
{
	volatile unsigned char *u = uart;
	for (unsigned long i = 0; i < n; i++) {
		if (buf[i] == '\n')
			put_byte(u, '\r');
		put_byte(u, (unsigned char)buf[i]);
	}
}

int uart_getc(void)
{
	if (uart[LSR] & LSR_DATA_READY)
		return uart[RBR];
	return -1;
}

unsigned long uart_base_address(void)
{
	return (unsigned long)uart;
}
