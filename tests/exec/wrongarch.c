/* Built for the build machine (x86-64 here): an ELF executable for another
 * machine, which exec must refuse naming the machine. */
int main(void)
{
	return 0;
}
