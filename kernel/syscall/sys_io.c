/* I/O calls on file descriptors: the console and pipes. */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/file.h"

long sys_read(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return file_read((int)a0, a1, a2);
}

long sys_write(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return file_write((int)a0, a1, a2);
}

long sys_close(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return file_close((int)a0);
}

long sys_pipe2(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return file_pipe(a0, (int)a1);
}

long sys_dup(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return file_dup((int)a0);
}

long sys_dup3(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return file_dup3((int)a0, (int)a1, (int)a2);
}
