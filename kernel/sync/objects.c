/* Mutexes, semaphores and condition variables built on wait queues.
 *
 * The id tables are written under the process lock and read without it: a
 * slot, once filled, never changes until the process is torn down (after all
 * its other threads are gone), so a lookup needs only an acquire load that
 * pairs with the release store that filled the slot.
 * Lock order: condvar lock, then mutex lock (a condvar waiter releases its
 * mutex while holding the condvar lock so no signal can slip between). */
#include "kernel/sync/objects.h"
#include "kernel/sync/waitqueue.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/sched/sched.h"
#include "kernel/signal/signal.h"
#include "kernel/sched/runqueue.h"
#include "kernel/mm/kmalloc.h"
#include <dakota/syscall.h>

#define MAX_OBJECTS 64

/* Ownership rule: a mutex names its owner by the owner's serial number
 * (thread.h), never by its address. Serials are never reused, so once the
 * owner has exited no thread can ever match it: the mutex stays locked for
 * good (later lockers block, or spin, until killed; every other thread's
 * unlock is -EPERM). Dakota does not hand a dead owner's mutex on (no
 * robust-mutex recovery); a program that needs that uses the futex path.
 * A raw thread pointer would let a thread created later at the same
 * address unlock what it never locked (issue 18, defect 5). */
/* What every object below starts with: its lock, which guards the
 * object's state and waiters, and the queue its waiters sleep on. */
struct sync_base {
	struct spinlock lock;
	struct waitqueue waiters;
};

struct mutex {
	/* base.lock guards owner and waiters. Nobody sleeps holding it: a
	 * locker that waits drops it inside wq_sleep (or before yielding, when
	 * spinning). */
	struct sync_base base;
	bool blocking;
	unsigned long owner;      /* owner's serial; 0: unlocked */
};

struct semaphore {
	struct sync_base base;    /* lock guards count, waiters */
	long count;
};

struct condvar {
	struct sync_base base;    /* lock guards waiters */
};

struct sync_objects {
	struct mutex *mutexes[MAX_OBJECTS];       /* process lock */
	struct semaphore *semaphores[MAX_OBJECTS];
	struct condvar *condvars[MAX_OBJECTS];
};

struct sync_objects *sync_objects_create(void)
{
	return kmalloc(sizeof(struct sync_objects));
}

void sync_objects_destroy(struct sync_objects *s)
{
	if (!s)
		return;
	for (int i = 0; i < MAX_OBJECTS; i++) {
		kfree(s->mutexes[i]);
		kfree(s->semaphores[i]);
		kfree(s->condvars[i]);
	}
	kfree(s);
}

/* Stores obj in the first free slot of table; its id or -EAGAIN. */
static long table_add(void **table, void *obj)
{
	struct process *p = current_process();
	long id = -EAGAIN;
	spin_lock(&p->lock);
	for (int i = 0; i < MAX_OBJECTS; i++) {
		if (!table[i]) {
			/* Release: table_get reads the slot without the lock. */
			__atomic_store_n(&table[i], obj, __ATOMIC_RELEASE);
			id = i;
			break;
		}
	}
	spin_unlock(&p->lock);
	if (id < 0)
		kfree(obj);
	return id;
}

static void *table_get(void **table, long id)
{
	if (id < 0 || id >= MAX_OBJECTS)
		return NULL;
	return __atomic_load_n(&table[id], __ATOMIC_ACQUIRE);
}

#define TABLE(field) ((void **)current_process()->sync->field)

/* A new object of size bytes (zeroed: a mutex starts unlocked) whose
 * sync_base is ready, or NULL when memory is short. */
static void *sync_object_alloc(size_t size, const char *name, enum lock_level level)
{
	struct sync_base *b = kmalloc(size);
	if (!b)
		return NULL;
	spin_init(&b->lock, name, level);
	wq_init(&b->waiters);
	return b;
}

long mutex_create(int blocking)
{
	struct mutex *m = sync_object_alloc(sizeof *m, "mutex", LOCK_OBJECT);
	if (!m)
		return -ENOMEM;
	m->blocking = blocking != 0;
	return table_add(TABLE(mutexes), m);
}

/* A spinning mutex never sleeps on its queue: it retries, yielding the hart
 * between attempts so that at one hart the owner can run (and spinning
 * in place when no other thread is ready, which keeps the thread's own lock
 * free for a killer or a signal sender on another hart). A kill always ends
 * the wait with -EINTR; a signal to deliver does too when `signals` is
 * set (mutex_lock: the call is restarted or fails per the handler's
 * SA_RESTART), not when the caller must get the mutex back before it may
 * take a signal (condvar_wait). */
static long mutex_acquire(struct mutex *m, bool signals)
{
	struct thread *self = current_thread();
	spin_lock(&m->base.lock);
	while (m->owner) {
		if (m->owner == self->serial) {
			spin_unlock(&m->base.lock);
			return -EDEADLK;
		}
		int err;
		if (m->blocking) {
			err = signals ? wq_sleep(&m->base.waiters, &m->base.lock)
				      : wq_sleep_killable(&m->base.waiters, &m->base.lock);
		} else {
			spin_unlock(&m->base.lock);
			if (rq_empty())
				arch_relax();
			else
				sched_yield();
			err = thread_killed(self) || (signals && signal_pending(self)) ? -EINTR : 0;
			spin_lock(&m->base.lock);
		}
		if (err) {
			spin_unlock(&m->base.lock);
			return err;
		}
	}
	m->owner = self->serial;
	spin_unlock(&m->base.lock);
	return 0;
}

static long mutex_release(struct mutex *m)
{
	spin_lock(&m->base.lock);
	if (m->owner != current_thread()->serial) {
		spin_unlock(&m->base.lock);
		return -EPERM;
	}
	m->owner = 0;
	wq_wake_one(&m->base.waiters);
	spin_unlock(&m->base.lock);
	return 0;
}

long mutex_lock(long id)
{
	struct mutex *m = table_get(TABLE(mutexes), id);
	return m ? mutex_acquire(m, true) : -EINVAL;
}

long mutex_unlock(long id)
{
	struct mutex *m = table_get(TABLE(mutexes), id);
	return m ? mutex_release(m) : -EINVAL;
}

long semaphore_create(long count)
{
	if (count < 0)
		return -EINVAL;
	struct semaphore *s = sync_object_alloc(sizeof *s, "semaphore", LOCK_OBJECT);
	if (!s)
		return -ENOMEM;
	s->count = count;
	return table_add(TABLE(semaphores), s);
}

long semaphore_up(long id)
{
	struct semaphore *s = table_get(TABLE(semaphores), id);
	if (!s)
		return -EINVAL;
	spin_lock(&s->base.lock);
	s->count++;
	wq_wake_one(&s->base.waiters);
	spin_unlock(&s->base.lock);
	return 0;
}

long semaphore_down(long id)
{
	struct semaphore *s = table_get(TABLE(semaphores), id);
	if (!s)
		return -EINVAL;
	spin_lock(&s->base.lock);
	while (s->count <= 0) {
		int err = wq_sleep(&s->base.waiters, &s->base.lock);
		if (err) {
			spin_unlock(&s->base.lock);
			return err;
		}
	}
	s->count--;
	spin_unlock(&s->base.lock);
	return 0;
}

long condvar_create(void)
{
	struct condvar *c = sync_object_alloc(sizeof *c, "condvar", LOCK_CONDVAR);
	return c ? table_add(TABLE(condvars), c) : -ENOMEM;
}

long condvar_signal(long id)
{
	struct condvar *c = table_get(TABLE(condvars), id);
	if (!c)
		return -EINVAL;
	spin_lock(&c->base.lock);
	wq_wake_one(&c->base.waiters);
	spin_unlock(&c->base.lock);
	return 0;
}

long condvar_wait(long id, long mutex_id)
{
	struct condvar *c = table_get(TABLE(condvars), id);
	struct mutex *m = table_get(TABLE(mutexes), mutex_id);
	if (!c || !m)
		return -EINVAL;
	spin_lock(&c->base.lock);
	long err = mutex_release(m);
	if (err) {
		spin_unlock(&c->base.lock);
		return err;
	}
	err = wq_sleep(&c->base.waiters, &c->base.lock);
	spin_unlock(&c->base.lock);
	/* The caller must get the mutex back before it may take a signal (the
	 * wait's own -EINTR is reported after): only a kill gives up. */
	long relock = mutex_acquire(m, false);
	return err ? err : relock;
}
