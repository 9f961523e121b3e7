/* hello: says which process it is. */
#include <stdio.h>
#include <syscall.h>

int main(void)
{
	printf("hello from pid %ld\n", getpid());
	return 0;
}
