/* Per-process synchronisation objects for user threads: mutexes (blocking or
 * spinning), counting semaphores and condition variables, named by small ids.
 * Objects live until their process ends. */
#ifndef KERNEL_SYNC_OBJECTS_H
#define KERNEL_SYNC_OBJECTS_H

struct sync_objects;

struct sync_objects *sync_objects_create(void);
void sync_objects_destroy(struct sync_objects *s);

long mutex_create(int blocking);
long mutex_lock(long id);
long mutex_unlock(long id);
long semaphore_create(long count);
long semaphore_up(long id);
long semaphore_down(long id);
long condvar_create(void);
long condvar_signal(long id);
long condvar_wait(long id, long mutex_id);

#endif
