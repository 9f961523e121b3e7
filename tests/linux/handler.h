/* Installing a plain signal handler (no flags, nothing blocked while it
 * runs), the way every signal program of the linux suite needs one.
 * Header-only: one .c file per program. */
#ifndef LINUX_HANDLER_H
#define LINUX_HANDLER_H

#include <signal.h>
#include <string.h>

/* sigaction's result: 0, or -1 with errno set. */
static inline int set_handler(int signo, void (*handler)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	return sigaction(signo, &sa, NULL);
}

#endif
