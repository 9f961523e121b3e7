/* The POSIX timer calls (timer_create 107 ... timer_delete 111): user
 * memory in and out; the timers are in kernel/signal/posix_timer.c. */
#include "kernel/syscall/syscall.h"
#include "kernel/signal/posix_timer.h"
#include "kernel/proc/process.h"
#include "kernel/mm/addrspace.h"

static struct addrspace *user_as(void)
{
	return current_process()->as;
}

SYSCALL_DEFINE3(timer_create, long, clockid, unsigned long, uev, unsigned long, uid)
{
	struct k_sigevent ev;
	if (uev && copy_from_user(user_as(), &ev, uev, sizeof ev))
		return -EFAULT;
	struct process *p = current_process();
	long id = posix_timer_create(p, clockid, uev ? &ev : NULL);
	if (id < 0)
		return id;
	int out = (int)id;
	if (copy_to_user(user_as(), uid, &out, sizeof out)) {
		posix_timer_delete(p, out);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE4(timer_settime, int, id, int, flags, unsigned long, unew, unsigned long, uold)
{
	struct k_itimerspec val, old;
	if (copy_from_user(user_as(), &val, unew, sizeof val))
		return -EFAULT;
	long r = posix_timer_settime(current_process(), id, flags, &val, uold ? &old : NULL);
	if (!r && uold && copy_to_user(user_as(), uold, &old, sizeof old))
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE2(timer_gettime, int, id, unsigned long, ucur)
{
	struct k_itimerspec cur;
	long r = posix_timer_gettime(current_process(), id, &cur);
	return copy_result_to_user(r, user_as(), ucur, &cur, sizeof cur);
}

SYSCALL_DEFINE1(timer_getoverrun, int, id)
{
	return posix_timer_getoverrun(current_process(), id);
}

SYSCALL_DEFINE1(timer_delete, int, id)
{
	return posix_timer_delete(current_process(), id);
}
