/* Linux's stat, statx and *at() path flags (asm-generic/stat.h, uapi
 * stat.h, fcntl.h), shared by kernel and user. */
#ifndef DAKOTA_STAT_H
#define DAKOTA_STAT_H

#include <stdint.h>

#define S_IFMT   0170000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_IFREG  0100000
#define S_ISVTX  01000

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS          0x200
#define AT_REMOVEDIR        0x200   /* unlinkat (the bit of AT_EACCESS) */
#define AT_SYMLINK_FOLLOW   0x400
#define AT_NO_AUTOMOUNT     0x800
#define AT_EMPTY_PATH       0x1000
#define AT_STATX_SYNC_TYPE  0x6000

#define RENAME_NOREPLACE    1       /* renameat2 */
#define RENAME_EXCHANGE     2

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

#define PATH_MAX 4096

struct stat {
	unsigned long st_dev;
	unsigned long st_ino;
	unsigned int st_mode;
	unsigned int st_nlink;
	unsigned int st_uid;
	unsigned int st_gid;
	unsigned long st_rdev;
	unsigned long __pad1;
	long st_size;
	int st_blksize;
	int __pad2;
	long st_blocks;
	long st_atime, st_atime_nsec;
	long st_mtime, st_mtime_nsec;
	long st_ctime, st_ctime_nsec;
	unsigned int __unused4, __unused5;
};

#define STATX_TYPE        0x1
#define STATX_MODE        0x2
#define STATX_NLINK       0x4
#define STATX_UID         0x8
#define STATX_GID         0x10
#define STATX_ATIME       0x20
#define STATX_MTIME       0x40
#define STATX_CTIME       0x80
#define STATX_INO         0x100
#define STATX_SIZE        0x200
#define STATX_BLOCKS      0x400
#define STATX_BASIC_STATS 0x7ff
#define STATX__RESERVED   0x80000000U

struct statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t __reserved;
};

struct statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, __spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align, stx_dio_offset_align;
	uint64_t __spare3[12];
};

#endif
