/* Identity calls: parent, user and group ids, process groups and sessions,
 * umask.
 *
 * One uid and one gid per process stand for Linux's real, effective and
 * saved ids (always equal); there are no supplementary groups. Process
 * groups and sessions are plain numbers (pgid, sid) inherited by fork, with
 * Linux's rules for setpgid and setsid; there is no job control, so they
 * only matter to the programs that ask. */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/process.h"
#include "kernel/mm/addrspace.h"
#include <dakota/syscall.h>

SYSCALL_DEFINE0(getppid)
{
	return __atomic_load_n(&current_process()->ppid, __ATOMIC_RELAXED);
}

SYSCALL_DEFINE0(getuid) { return current_process()->uid; }
SYSCALL_DEFINE0(geteuid) { return current_process()->uid; }
SYSCALL_DEFINE0(getgid) { return current_process()->gid; }
SYSCALL_DEFINE0(getegid) { return current_process()->gid; }

/* setuid/setgid: root may take any id, others only their own. */
static long set_id(bool group, long id)
{
	struct process *p = current_process();
	if (id < 0 || id > 65535)
		return -EINVAL;
	spin_lock(&p->lock);
	long err = 0;
	int *field = group ? &p->gid : &p->uid;
	if (p->uid == 0 || *field == id)
		*field = (int)id;
	else
		err = -EPERM;
	spin_unlock(&p->lock);
	return err;
}

SYSCALL_DEFINE1(setuid, long, uid) { return set_id(false, uid); }
SYSCALL_DEFINE1(setgid, long, gid) { return set_id(true, gid); }

static long put_three(unsigned long a, unsigned long b, unsigned long c, int id)
{
	struct addrspace *as = current_process()->as;
	unsigned v = (unsigned)id;
	if (copy_to_user(as, a, &v, sizeof v) || copy_to_user(as, b, &v, sizeof v) ||
	    copy_to_user(as, c, &v, sizeof v))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid, unsigned long, ruid, unsigned long, euid, unsigned long, suid)
{
	return put_three(ruid, euid, suid, current_process()->uid);
}

SYSCALL_DEFINE3(getresgid, unsigned long, rgid, unsigned long, egid, unsigned long, sgid)
{
	return put_three(rgid, egid, sgid, current_process()->gid);
}

SYSCALL_DEFINE2(getgroups, int, size, unsigned long, list)
{
	(void)list;
	return size < 0 ? -EINVAL : 0;
}

/* pid 0 is the caller. Called with the tree lock held. */
static struct process *find_locked(int pid)
{
	struct process *self = current_process();
	return pid == 0 || pid == self->pid ? self : process_find(pid);
}

/* pgid or sid of pid: -ESRCH if there is no such process. */
static long group_of(int pid, bool session)
{
	spin_lock(&proc_tree_lock);
	struct process *p = find_locked(pid);
	long r = !p || p->state != PROC_ALIVE ? -ESRCH : session ? p->sid : p->pgid;
	spin_unlock(&proc_tree_lock);
	return r;
}

SYSCALL_DEFINE1(getpgid, int, pid) { return group_of(pid, false); }
SYSCALL_DEFINE1(getsid, int, pid) { return group_of(pid, true); }

/* Tree lock held: whether a live process of session sid is in group pgid. */
static bool group_exists(int pgid, int sid)
{
	struct list_node *pos;
	list_for_each(pos, &all_processes) {
		struct process *q = list_entry(pos, struct process, all_link);
		if (q->state == PROC_ALIVE && q->pgid == pgid && (sid < 0 || q->sid == sid))
			return true;
	}
	return false;
}

/* Tree lock held. Linux's rules: the target is the caller or its child,
 * in the caller's session and no session leader; the group is the
 * target's own or one that exists in the session. */
static long setpgid_locked(struct process *self, int pid, int pgid)
{
	struct process *p = find_locked(pid);
	if (!p || p->state != PROC_ALIVE || (p != self && p->parent != self))
		return -ESRCH;
	if (p->sid != self->sid || p->sid == p->pid)
		return -EPERM;
	if (pgid != p->pid && !group_exists(pgid, self->sid))
		return -EPERM;
	p->pgid = pgid;
	return 0;
}

SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct process *self = current_process();
	if (pgid < 0)
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	if (pgid == 0) {
		struct process *p = find_locked(pid);
		pgid = p ? p->pid : 0;
	}
	long err = setpgid_locked(self, pid, pgid);
	spin_unlock(&proc_tree_lock);
	return err;
}

/* A new session and group led by the caller, unless a group with the
 * caller's pid already exists (it leads one): -EPERM. */
SYSCALL_DEFINE0(setsid)
{
	struct process *self = current_process();
	spin_lock(&proc_tree_lock);
	long r = -EPERM;
	if (!group_exists(self->pid, -1)) {
		self->pgid = self->sid = self->pid;
		r = self->pid;
	}
	spin_unlock(&proc_tree_lock);
	return r;
}

SYSCALL_DEFINE1(umask, unsigned, mask)
{
	return __atomic_exchange_n(&current_process()->umask, mask & 0777, __ATOMIC_RELAXED);
}
