/* See guarded.h. */
#define _DEFAULT_SOURCE   /* mmap's MAP_ANONYMOUS under -std=c11 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "guarded.h"

static unsigned char *guarded_area;   /* GUARDED_MAX bytes, then no access */

const void *guarded_copy(const void *p, size_t n)
{
	if (n > GUARDED_MAX) {
		printf("Bail out! guarded_copy of %zu bytes, more than %d\n", n, GUARDED_MAX);
		exit(1);
	}
	if (!guarded_area) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		unsigned char *m = mmap(NULL, GUARDED_MAX + page, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED || mprotect(m + GUARDED_MAX, page, PROT_NONE)) {
			printf("Bail out! cannot map the guard page\n");
			exit(1);
		}
		guarded_area = m;
	}
	unsigned char *dst = guarded_area + GUARDED_MAX - n;
	memcpy(dst, p, n);
	return dst;
}

static char fault_message[128];
static size_t fault_message_len;

static void on_fault(int sig)
{
	(void)sig;
	if (write(STDOUT_FILENO, fault_message, fault_message_len) < 0)
		_exit(2);
	_exit(1);
}

void catch_faults(const char *what)
{
	int n = snprintf(fault_message, sizeof fault_message,
			 "Bail out! fault (SIGSEGV/SIGBUS) in %s, after the last check printed\n",
			 what);
	fault_message_len = n < 0 ? 0 : (size_t)n < sizeof fault_message ? (size_t)n
									: sizeof fault_message - 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGSEGV, on_fault);
	signal(SIGBUS, on_fault);
}
