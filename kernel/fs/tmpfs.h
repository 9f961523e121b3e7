/* tmpfs: file systems in memory, each one flat directory of regular files
 * (Linux's /dev/shm, where glibc keeps shm_open objects and named
 * semaphores, and /tmp). A file's bytes are the pages of a shm object
 * (kernel/mm/shm.c), so that every process mapping the file with MAP_SHARED
 * shares them. A file lives while it has a name, an open file or a
 * mapping: names and open files hold references to the node, mappings hold
 * references to its pages (the node may go before them).
 *
 * Locks: a tmpfs's lock (LOCK_OBJECT) guards its names and every node's
 * nlink; a node's data->lock (the shm lock, LOCK_OBJECT) guards its size,
 * mtime and pages. The two are never held together, and neither is held
 * across a user copy (which may fault and take an address-space lock). */
#ifndef KERNEL_FS_TMPFS_H
#define KERNEL_FS_TMPFS_H

#include <stdbool.h>
#include "kernel/mm/shm.h"

#define NAME_MAX 255

struct tmpfs;
struct stat;

struct tmpfs_node {
	_Atomic long refs;          /* its names, open files, lookups in flight */
	struct tmpfs *fs;
	struct shm *data;           /* the pages; data->lock guards size, mtime */
	unsigned long size;
	long mtime;                 /* seconds (realtime) of the last change */
	unsigned long ino;
	unsigned mode;              /* S_IFREG | permissions: fixed at creation */
	unsigned uid, gid;          /* the creator's */
	int nlink;                  /* fs lock */
};

extern struct tmpfs tmpfs_dev_shm, tmpfs_tmp;

/* Flags of tmpfs_open beyond the access mode: Linux's O_CREAT, O_EXCL,
 * O_TRUNC, O_DIRECTORY. `slash`: the name was followed by '/'. A reference
 * to the (new) node, or -ENOENT, -EEXIST, -EACCES, -EISDIR (creating
 * "name/"), -ENOTDIR, -ENOMEM, -EINVAL (O_CREAT|O_DIRECTORY). */
long tmpfs_open(struct tmpfs *fs, const char *name, bool slash, int flags, unsigned mode,
		struct tmpfs_node **out);
/* A reference to the node named `name`, or -ENOENT. */
long tmpfs_lookup(struct tmpfs *fs, const char *name, struct tmpfs_node **out);
/* Removes the name; the node lives on while referenced. -ENOENT, -EPERM
 * (sticky directory: neither the owner nor root), -ENOMEM. */
long tmpfs_unlink(struct tmpfs *fs, const char *name);
/* A second name for node in fs: -EEXIST, -EXDEV (another tmpfs), -ENOENT
 * (node has no name left), -ENOMEM. */
long tmpfs_link(struct tmpfs *fs, struct tmpfs_node *node, const char *name);
/* Renames `from` to `to` in fs, atomically under fs's lock: a file that
 * `to` named loses that name (and goes when nothing else holds it). With
 * RENAME_NOREPLACE an existing `to` is -EEXIST; with RENAME_EXCHANGE both
 * must exist and swap. Two names of one file: nothing happens, 0. -ENOENT,
 * -EPERM (sticky directory: neither name's owner nor root). */
long tmpfs_rename(struct tmpfs *fs, const char *from, const char *to, unsigned flags);
void tmpfs_node_get(struct tmpfs_node *n);
void tmpfs_node_put(struct tmpfs_node *n);
/* Whether the caller may access n as `want` (R_OK/W_OK/X_OK bits). */
bool tmpfs_permits(const struct tmpfs_node *n, int want);
void tmpfs_stat(struct tmpfs_node *n, struct stat *st);
/* The directory itself: mode 01777, owned by root. */
void tmpfs_dir_stat(const struct tmpfs *fs, struct stat *st);

/* The bytes (tmpfs_data.c). Reads stop at the size; a write past it
 * leaves zeroes in the gap. -EFAULT, -EFBIG (beyond SHM_MAX_PAGES pages),
 * -ENOSPC (no frame for the data), -ENOMEM. */
long tmpfs_read(struct tmpfs_node *n, unsigned long pos, unsigned long ubuf, unsigned long len);
/* Writes at *pos (at the size if `append`, which *pos then becomes) and
 * advances *pos by what was written. */
long tmpfs_write(struct tmpfs_node *n, unsigned long *pos, bool append, unsigned long ubuf,
		 unsigned long len);
long tmpfs_truncate(struct tmpfs_node *n, unsigned long size);
unsigned long tmpfs_size(struct tmpfs_node *n);

#endif
