/* ns16550a UART registers. */
#ifndef KERNEL_DEV_UART_H
#define KERNEL_DEV_UART_H

#include <stdbool.h>

void uart_init(unsigned long base);
/* n bytes, each '\n' sent as "\r\n": one call per write, not per byte (a
 * trace drain sends megabytes). */
void uart_write(const char *buf, unsigned long n);
/* -1 when no byte is waiting. */
int uart_getc(void);
unsigned long uart_base_address(void);

#define UART_IRQ 10

#endif
