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
struct mutex {
	/* Guards owner and waiters. Nobody sleeps holding it: a locker that
	 * waits drops it inside wq_sleep (or before yielding, when spinning). */
	struct spinlock lock;
	bool blocking;
	unsigned long owner;      /* owner's serial; 0: unlocked */
	struct waitqueue waiters;
};

struct semaphore {
	struct spinlock lock;     /* guards count, waiters */
	long count;
	struct waitqueue waiters;
};

struct condvar {
	struct spinlock lock;     /* guards waiters */
	struct waitqueue waiters;
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

long mutex_create(int blocking)
{
	struct mutex *m = kmalloc(sizeof *m);
	if (!m)
		return -ENOMEM;
	spin_init(&m->lock, "mutex", LOCK_OBJECT);
	m->blocking = blocking != 0;
	wq_init(&m->waiters);
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
	spin_lock(&m->lock);
	while (m->owner) {
		if (m->owner == self->serial) {
			spin_unlock(&m->lock);
			return -EDEADLK;
		}
		int err;
		if (m->blocking) {
			err = signals ? wq_sleep(&m->waiters, &m->lock)
				      : wq_sleep_killable(&m->waiters, &m->lock);
		} else {
			spin_unlock(&m->lock);
			if (rq_empty())
				arch_relax();
			else
				sched_yield();
			err = thread_killed(self) || (signals && signal_pending(self)) ? -EINTR : 0;
			spin_lock(&m->lock);
		}
		if (err) {
			spin_unlock(&m->lock);
			return err;
		}
	}
	m->owner = self->serial;
	spin_unlock(&m->lock);
	return 0;
}

static long mutex_release(struct mutex *m)
{
	spin_lock(&m->lock);
	if (m->owner != current_thread()->serial) {
		spin_unlock(&m->lock);
		return -EPERM;
	}
	m->owner = 0;
	wq_wake_one(&m->waiters);
	spin_unlock(&m->lock);
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
	struct semaphore *s = kmalloc(sizeof *s);
	if (!s)
		return -ENOMEM;
	spin_init(&s->lock, "semaphore", LOCK_OBJECT);
	s->count = count;
	wq_init(&s->waiters);
	return table_add(TABLE(semaphores), s);
}

long semaphore_up(long id)
{
	struct semaphore *s = table_get(TABLE(semaphores), id);
	if (!s)
		return -EINVAL;
	spin_lock(&s->lock);
	s->count++;
	wq_wake_one(&s->waiters);
	spin_unlock(&s->lock);
	return 0;
}

long semaphore_down(long id)
{
	struct semaphore *s = table_get(TABLE(semaphores), id);
	if (!s)
		return -EINVAL;
	spin_lock(&s->lock);
	while (s->count <= 0) {
		int err = wq_sleep(&s->waiters, &s->lock);
		if (err) {
			spin_unlock(&s->lock);
			return err;
		}
	}
	s->count--;
	spin_unlock(&s->lock);
	return 0;
}

long condvar_create(void)
{
	struct condvar *c = kmalloc(sizeof *c);
	if (!c)
		return -ENOMEM;
	spin_init(&c->lock, "condvar", LOCK_CONDVAR);
	wq_init(&c->waiters);
	return table_add(TABLE(condvars), c);
}

long condvar_signal(long id)
{
	struct condvar *c = table_get(TABLE(condvars), id);
	if (!c)
		return -EINVAL;
	spin_lock(&c->lock);
	wq_wake_one(&c->waiters);
	spin_unlock(&c->lock);
	return 0;
}

long condvar_wait(long id, long mutex_id)
{
	struct condvar *c = table_get(TABLE(condvars), id);
	struct mutex *m = table_get(TABLE(mutexes), mutex_id);
	if (!c || !m)
		return -EINVAL;
	spin_lock(&c->lock);
	long err = mutex_release(m);
	if (err) {
		spin_unlock(&c->lock);
		return err;
	}
	err = wq_sleep(&c->waiters, &c->lock);
	spin_unlock(&c->lock);
	/* The caller must get the mutex back before it may take a signal (the
	 * wait's own -EINTR is reported after): only a kill gives up. */
	long relock = mutex_acquire(m, false);
	return err ? err : relock;
}
