/* Linux's open flags, fcntl commands and iovec (uapi fcntl.h, uio.h),
 * shared by kernel and user. O_CLOEXEC is in syscall.h. */
#ifndef DAKOTA_FCNTL_H
#define DAKOTA_FCNTL_H

#define O_RDONLY    0
#define O_WRONLY    1
#define O_RDWR      2
#define O_ACCMODE   3
#define O_CREAT     0100
#define O_EXCL      0200
#define O_NOCTTY    0400
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_TMPFILE   020200000   /* includes O_DIRECTORY */

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC      1

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define IOV_MAX 1024
struct iovec {
	unsigned long iov_base;    /* a user address */
	unsigned long iov_len;
};

/* ppoll */
#define POLLIN   0x001
#define POLLPRI  0x002
#define POLLOUT  0x004
#define POLLERR  0x008
#define POLLHUP  0x010
#define POLLNVAL 0x020
struct pollfd {
	int fd;
	short events, revents;
};

#endif
