/* A system call number the kernel does not implement fails with ENOSYS
 * (and the process goes on): 500 and 999 are no Linux riscv64 call. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	ltap_start();
	static const long numbers[] = { 500, 999 };
	for (unsigned i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		errno = 0;
		long r = syscall(numbers[i], 1, 2, 3);
		CHECK_EQ(r, -1, "syscall(%ld) returns -1", numbers[i]);
		CHECK_EQ(errno, ENOSYS, "syscall(%ld) sets errno to ENOSYS", numbers[i]);
	}
	CHECK_EQ(syscall(SYS_getpid), getpid(), "a known call still works afterwards");
	return ltap_done();
}
