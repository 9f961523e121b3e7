/* Synchronisation calls: thin adapters onto kernel/sync/objects.c (futex is
 * in sys_futex.c). */
#include "kernel/syscall/syscall.h"
#include "kernel/sync/objects.h"

SYSCALL_DEFINE1(mutex_create, int, blocking) { return mutex_create(blocking); }
SYSCALL_DEFINE1(mutex_lock, long, id) { return mutex_lock(id); }
SYSCALL_DEFINE1(mutex_unlock, long, id) { return mutex_unlock(id); }
SYSCALL_DEFINE1(semaphore_create, long, count) { return semaphore_create(count); }
SYSCALL_DEFINE1(semaphore_up, long, id) { return semaphore_up(id); }
SYSCALL_DEFINE1(semaphore_down, long, id) { return semaphore_down(id); }
SYSCALL_DEFINE0(condvar_create) { return condvar_create(); }
SYSCALL_DEFINE1(condvar_signal, long, id) { return condvar_signal(id); }
SYSCALL_DEFINE2(condvar_wait, long, id, long, mutex_id) { return condvar_wait(id, mutex_id); }
