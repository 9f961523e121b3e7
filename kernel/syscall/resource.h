/* Resource limits, as other calls enforce them (sys_resource.c keeps them). */
#ifndef KERNEL_SYSCALL_RESOURCE_H
#define KERNEL_SYSCALL_RESOURCE_H

struct process;

/* p's soft limit for `res` (RLIMIT_*), RLIM_INFINITY when unlimited. Takes
 * p->lock only when the limit was ever set. */
unsigned long rlimit_current(struct process *p, int res);

#endif
