/* Synchronisation calls: thin adapters onto kernel/sync/objects.c (futex is
 * in sys_futex.c). */
#include "kernel/syscall/syscall.h"
#include "kernel/sync/objects.h"

long sys_mutex_create(SYSCALL_ARGS) { SYSCALL_UNUSED; return mutex_create((int)a0); }
long sys_mutex_lock(SYSCALL_ARGS) { SYSCALL_UNUSED; return mutex_lock((long)a0); }
long sys_mutex_unlock(SYSCALL_ARGS) { SYSCALL_UNUSED; return mutex_unlock((long)a0); }
long sys_semaphore_create(SYSCALL_ARGS) { SYSCALL_UNUSED; return semaphore_create((long)a0); }
long sys_semaphore_up(SYSCALL_ARGS) { SYSCALL_UNUSED; return semaphore_up((long)a0); }
long sys_semaphore_down(SYSCALL_ARGS) { SYSCALL_UNUSED; return semaphore_down((long)a0); }
long sys_condvar_create(SYSCALL_ARGS) { SYSCALL_UNUSED; return condvar_create(); }
long sys_condvar_signal(SYSCALL_ARGS) { SYSCALL_UNUSED; return condvar_signal((long)a0); }
long sys_condvar_wait(SYSCALL_ARGS) { SYSCALL_UNUSED; return condvar_wait((long)a0, (long)a1); }
