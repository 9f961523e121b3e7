/* Open files on character devices (file_device.h). */
#include "kernel/proc/file_device.h"
#include "kernel/proc/file.h"
#include "kernel/proc/file_private.h"
#include "kernel/proc/process.h"
#include "kernel/mm/addrspace.h"
#include <dakota/syscall.h>
#include <dakota/fcntl.h>

long device_file_open(enum chardev d, int flags)
{
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (d == CHARDEV_TTY)
		return file_install_console(flags);
	if (chardev_stdio_fd(d) >= 0)
		return file_reopen(chardev_stdio_fd(d), flags);
	struct file *f = file_open_new(FILE_DEVICE, flags);
	if (!f)
		return -ENOMEM;
	f->device = d;
	return file_install_opened(f, flags);
}

long device_file_read(struct file *f, unsigned long ubuf, unsigned long n)
{
	if (f->access != O_RDONLY && f->access != O_RDWR)
		return -EBADF;
	return chardev_read((enum chardev)f->device, ubuf, n);
}

long device_file_write(struct file *f, unsigned long ubuf, unsigned long n)
{
	if (f->access != O_WRONLY && f->access != O_RDWR)
		return -EBADF;
	return chardev_write((enum chardev)f->device, ubuf, n);
}

long device_file_mmap(struct file *f, unsigned long addr, unsigned long len, unsigned perm,
		      unsigned how)
{
	if (f->device != CHARDEV_ZERO)
		return -ENODEV;
	if (f->access != O_RDONLY && f->access != O_RDWR)
		return -EACCES;
	if ((how & AS_MAP_SHARED) && (perm & PERM_W) && f->access != O_RDWR)
		return -EACCES;
	return as_mmap(current_process()->as, addr, len, perm, how);
}
