/* prctl: PR_SET_NAME / PR_GET_NAME name the process (what ts shows; Linux
 * names the thread, Dakota has one name per process). Every other option
 * is -EINVAL, as Linux answers one it does not know. */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/process.h"
#include "kernel/mm/addrspace.h"
#include "kernel/lib/string.h"
#include <dakota/syscall.h>
#include <dakota/system.h>

/* Up to PROC_NAME_LEN - 1 bytes of the user string, cut there as Linux
 * does; byte by byte, so a short string at the end of a page is fine. */
static long set_name(unsigned long uname)
{
	struct process *p = current_process();
	char name[PROC_NAME_LEN];
	/* Zero-filled, so that the last byte stays NUL: the console line of
	 * an unimplemented call prints p->name without the lock. */
	memset(name, 0, sizeof name);
	unsigned i = 0;
	for (; i < PROC_NAME_LEN - 1; i++) {
		if (copy_from_user(p->as, &name[i], uname + i, 1))
			return -EFAULT;
		if (!name[i])
			break;
	}
	name[i] = 0;
	spin_lock(&p->lock);
	memcpy(p->name, name, sizeof name);
	spin_unlock(&p->lock);
	return 0;
}

static long get_name(unsigned long ubuf)
{
	struct process *p = current_process();
	char name[PROC_NAME_LEN];
	spin_lock(&p->lock);
	memcpy(name, p->name, sizeof name);
	spin_unlock(&p->lock);
	name[PROC_NAME_LEN - 1] = 0;
	return copy_to_user(p->as, ubuf, name, sizeof name) ? -EFAULT : 0;
}

SYSCALL_DEFINE5(prctl, int, option, unsigned long, arg2, unsigned long, arg3,
		unsigned long, arg4, unsigned long, arg5)
{
	(void)arg3, (void)arg4, (void)arg5;
	switch (option) {
	case PR_SET_NAME:
		return set_name(arg2);
	case PR_GET_NAME:
		return get_name(arg2);
	default:
		return -EINVAL;
	}
}
