/* A program with no C library, for the exec tests: it sees the initial
 * stack exactly as the kernel built it (glibc's start code would hide it),
 * and it runs unchanged under Linux (qemu-riscv64) as the reference.
 * Built with riscv64-linux-gnu-gcc -static -nostdlib; one translation unit
 * includes this header once and defines
 *	int main_raw(unsigned long *sp, unsigned long a0_at_entry);
 * whose result is the exit status. */
#ifndef TESTS_EXEC_RAW_H
#define TESTS_EXEC_RAW_H

#include <stddef.h>
#include <stdint.h>

#define SYS_write 64
#define SYS_exit_group 94
#define SYS_execve 221
#define E2BIG 7

int main_raw(unsigned long *sp, unsigned long a0_at_entry);

/* Entry: sp and a0 as the kernel left them; gp for linker relaxation. */
__asm__(".section .text._start, \"ax\", @progbits\n"
	".globl _start\n"
	"_start:\n"
	".option push\n.option norelax\n"
	"	la gp, __global_pointer$\n"
	".option pop\n"
	"	mv a1, a0\n"
	"	mv a0, sp\n"
	"	andi sp, sp, -16\n"
	"	call raw_start\n"
	"1:	j 1b\n"
	".text\n");

static inline long raw_syscall3(long nr, long x, long y, long z)
{
	register long a0 __asm__("a0") = x;
	register long a1 __asm__("a1") = y;
	register long a2 __asm__("a2") = z;
	register long a7 __asm__("a7") = nr;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
	return a0;
}

__attribute__((noreturn)) static inline void raw_exit(int status)
{
	for (;;)
		raw_syscall3(SYS_exit_group, status, 0, 0);
}

__attribute__((noreturn, used)) void raw_start(unsigned long *sp, unsigned long a0)
{
	raw_exit(main_raw(sp, a0));
}

/* gcc may emit calls to these even with -nostdlib. */
void *memset(void *d, int c, size_t n)
{
	volatile unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	volatile unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

static inline size_t raw_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static inline int raw_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Output is assembled in a buffer and written a line at a time. */
static char out_buf[512];
static size_t out_len;

static inline void out_flush(void)
{
	size_t done = 0;
	while (done < out_len) {
		long r = raw_syscall3(SYS_write, 1, (long)(out_buf + done), (long)(out_len - done));
		if (r <= 0)
			break;
		done += (size_t)r;
	}
	out_len = 0;
}

static inline void out_char(char c)
{
	if (out_len == sizeof out_buf)
		out_flush();
	out_buf[out_len++] = c;
	if (c == '\n')
		out_flush();
}

static inline void out_str(const char *s)
{
	while (*s)
		out_char(*s++);
}

static inline void out_num(uint64_t v, unsigned base)
{
	char d[24];
	int n = 0;
	do
		d[n++] = "0123456789abcdef"[v % base];
	while ((v /= base) != 0);
	while (n)
		out_char(d[--n]);
}

/* FNV-1a 64 over a string and its NUL: the round-trip digests. */
static inline uint64_t fnv_add(uint64_t h, const char *s)
{
	do {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	} while (*s++);
	return h;
}
#define FNV_START 0xcbf29ce484222325ULL

#endif
