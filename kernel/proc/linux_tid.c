/* The shared pid / Linux-thread-id space (see linux_tid.h). */
#include "kernel/proc/linux_tid.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/lib/idalloc.h"
#include <dakota/syscall.h>

/* Room for every process and every thread at once, so that the process
 * bound (checked in process_alloc) and the thread bounds stay what limits
 * them, never this space. 0 is never handed out. */
#define ID_SPACE (CONFIG_MAX_PROCS + CONFIG_SYSTEM_THREADS + 1)

/* Guards ids. A leaf lock (LOCK_ALLOC): taken under the process-tree lock
 * (process_alloc) and under a process lock (thread_alloc, thread_free). */
static struct spinlock id_lock = SPINLOCK_INIT("pid-space", LOCK_ALLOC);
static unsigned long id_bits[IDALLOC_WORDS(ID_SPACE)];
static struct idalloc ids = { .bits = id_bits, .size = ID_SPACE };

int pid_alloc(void)
{
	spin_lock(&id_lock);
	if (ids.used == 0)
		idalloc_get_at(&ids, 0);
	int id = idalloc_get(&ids);
	spin_unlock(&id_lock);
	return id;
}

void pid_free(int id)
{
	spin_lock(&id_lock);
	idalloc_put(&ids, id);
	spin_unlock(&id_lock);
}

long linux_tid_assign(struct thread *t)
{
	t->linux_tid = 0;
	if (t->tid == 0)
		return 0;
	int id = pid_alloc();
	if (id < 0)
		return -EAGAIN;
	t->linux_tid = id;
	return 0;
}

void linux_tid_release(struct thread *t)
{
	if (t->linux_tid)
		pid_free(t->linux_tid);
	t->linux_tid = 0;
}

/* A thread that exec moved to tid 0 keeps its old id allocated (released
 * with it) but is the leader now: its Linux tid is the pid. */
int linux_tid_of(const struct thread *t)
{
	return t->tid == 0 ? t->proc->pid : t->linux_tid;
}

static struct thread *find_in(struct process *p, int ltid)
{
	for (int i = 0; i < CONFIG_MAX_THREADS; i++) {
		struct thread *t = p->threads[i];
		if (t && t->state != THREAD_EXITED && linux_tid_of(t) == ltid)
			return t;
	}
	return NULL;
}

struct thread *thread_find_linux_tid(int ltid)
{
	if (ltid <= 0)
		return NULL;
	struct process *p;
	struct list_node *pos;
	for_each_live_process(p, pos) {
		spin_lock(&p->lock);
		struct thread *t = find_in(p, ltid);
		if (t)
			return t;
		spin_unlock(&p->lock);
	}
	return NULL;
}
