/* tmpfs names and nodes (tmpfs.h). A directory is a list of entries, one
 * per name; an entry holds a reference to its node. Creating and removing
 * names happen under the tmpfs's lock, so two processes creating the same
 * name at once get one node between them (or one -EEXIST with O_EXCL). */
#include "kernel/fs/tmpfs.h"
#include "kernel/proc/process.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/lib/list.h"
#include "kernel/lib/string.h"
#include "kernel/syscall/clock.h"
#include <dakota/syscall.h>
#include <dakota/fcntl.h>
#include <dakota/stat.h>

struct tmpfs {
	struct spinlock lock;       /* guards entries, every node's nlink */
	struct list_node entries;   /* struct tmpfs_entry */
	unsigned long dev;          /* st_dev of the directory and its files */
	unsigned long ino;          /* the directory's st_ino */
};

struct tmpfs_entry {
	struct list_node link;      /* in fs->entries */
	struct tmpfs_node *node;    /* one reference */
	char name[NAME_MAX + 1];
};

#define TMPFS_INIT(var, d, i) { \
	.lock = SPINLOCK_INIT("tmpfs", LOCK_OBJECT), \
	.entries = { &var.entries, &var.entries }, .dev = (d), .ino = (i) }

/* Devices 0:23 and 0:24 (anonymous block devices, as Linux numbers them). */
struct tmpfs tmpfs_dev_shm = TMPFS_INIT(tmpfs_dev_shm, 23, 1);
struct tmpfs tmpfs_tmp = TMPFS_INIT(tmpfs_tmp, 24, 1);

static _Atomic unsigned long next_ino = 2;

static long now_sec(void)
{
	struct timespec ts;
	clock_now(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

void tmpfs_node_get(struct tmpfs_node *n)
{
	__atomic_fetch_add(&n->refs, 1, __ATOMIC_RELAXED);
}

void tmpfs_node_put(struct tmpfs_node *n)
{
	if (__atomic_sub_fetch(&n->refs, 1, __ATOMIC_ACQ_REL))
		return;
	shm_put(n->data);       /* the pages go when the last mapping does */
	kfree(n);
}

/* A new node (one reference, no name yet) owned by the caller. */
static struct tmpfs_node *node_new(struct tmpfs *fs, unsigned mode)
{
	struct process *p = current_process();
	struct tmpfs_node *n = kmalloc(sizeof *n);
	struct shm *data = shm_create(0);
	if (!n || !data) {
		kfree(n);
		if (data)
			shm_put(data);
		return NULL;
	}
	n->refs = 1;
	n->fs = fs;
	n->data = data;
	n->mtime = now_sec();
	n->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	n->mode = S_IFREG | (mode & ~__atomic_load_n(&p->umask, __ATOMIC_RELAXED) & 07777);
	n->uid = (unsigned)p->uid;
	n->gid = (unsigned)p->gid;
	return n;
}

/* Called with fs->lock held. */
static struct tmpfs_entry *find(struct tmpfs *fs, const char *name)
{
	struct list_node *pos;
	list_for_each(pos, &fs->entries) {
		struct tmpfs_entry *e = list_entry(pos, struct tmpfs_entry, link);
		if (!strcmp(e->name, name))
			return e;
	}
	return NULL;
}

/* Called with fs->lock held: e (name set) becomes a name of n. */
static void add_name(struct tmpfs *fs, struct tmpfs_entry *e, struct tmpfs_node *n)
{
	tmpfs_node_get(n);
	__atomic_fetch_add(&n->nlink, 1, __ATOMIC_RELAXED);
	e->node = n;
	list_push_back(&fs->entries, &e->link);
}

long tmpfs_lookup(struct tmpfs *fs, const char *name, struct tmpfs_node **out)
{
	spin_lock(&fs->lock);
	struct tmpfs_entry *e = find(fs, name);
	struct tmpfs_node *n = e ? e->node : NULL;
	if (n)
		tmpfs_node_get(n);
	spin_unlock(&fs->lock);
	*out = n;
	return n ? 0 : -ENOENT;
}

/* O_CREAT: the existing node, or `fresh` under a new name (entry e). */
static long create(struct tmpfs *fs, struct tmpfs_entry *e, struct tmpfs_node *fresh,
		   int flags, struct tmpfs_node **out)
{
	spin_lock(&fs->lock);
	struct tmpfs_entry *old = find(fs, e->name);
	struct tmpfs_node *found = old && !(flags & O_EXCL) ? old->node : NULL;
	if (found)
		tmpfs_node_get(found);
	else if (!old)
		add_name(fs, e, fresh);
	spin_unlock(&fs->lock);
	if (!old) {
		*out = fresh;
		return 1;
	}
	kfree(e);
	tmpfs_node_put(fresh);
	*out = found;
	return found ? 0 : -EEXIST;
}

/* Linux's checks on an existing file being opened. */
static long open_existing(struct tmpfs_node *n, bool slash, int flags)
{
	int acc = flags & O_ACCMODE;
	int want = (acc != O_WRONLY ? R_OK : 0) | (acc != O_RDONLY ? W_OK : 0) |
		   (flags & O_TRUNC ? W_OK : 0);
	if (slash || (flags & O_DIRECTORY))
		return -ENOTDIR;
	if (!tmpfs_permits(n, want))
		return -EACCES;
	return flags & O_TRUNC ? tmpfs_truncate(n, 0) : 0;
}

long tmpfs_open(struct tmpfs *fs, const char *name, bool slash, int flags, unsigned mode,
		struct tmpfs_node **out)
{
	long err;
	*out = NULL;
	if ((flags & O_CREAT) && slash)
		return -EISDIR;
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;
	if (!(flags & O_CREAT)) {
		err = tmpfs_lookup(fs, name, out);
	} else {
		struct tmpfs_entry *e = kmalloc(sizeof *e);
		struct tmpfs_node *fresh = e ? node_new(fs, mode) : NULL;
		if (!fresh) {
			kfree(e);
			return -ENOMEM;
		}
		strlcpy(e->name, name, sizeof e->name);
		err = create(fs, e, fresh, flags, out);
		if (err == 1)
			return 0;       /* created: its opener may use it as asked */
	}
	if (!err)
		err = open_existing(*out, slash, flags);
	if (err && *out) {
		tmpfs_node_put(*out);
		*out = NULL;
	}
	return err;
}

/* The sticky bit of the directory: only the file's owner or root. */
static bool may_remove(const struct tmpfs_node *n)
{
	unsigned uid = (unsigned)current_process()->uid;
	return uid == 0 || uid == n->uid;
}

long tmpfs_unlink(struct tmpfs *fs, const char *name)
{
	spin_lock(&fs->lock);
	struct tmpfs_entry *e = find(fs, name);
	long err = !e ? -ENOENT : !may_remove(e->node) ? -EPERM : 0;
	if (!err) {
		list_remove(&e->link);
		__atomic_fetch_sub(&e->node->nlink, 1, __ATOMIC_RELAXED);
	}
	spin_unlock(&fs->lock);
	if (err)
		return err;
	tmpfs_node_put(e->node);
	kfree(e);
	return 0;
}

/* Called with fs->lock held, names checked: the move itself. Returns the
 * entry to free (src, when dst took its node over), or NULL; *dropped is
 * the node dst held before, whose reference the caller puts. */
static struct tmpfs_entry *move_locked(struct tmpfs_entry *src, struct tmpfs_entry *dst,
				       const char *to, unsigned flags,
				       struct tmpfs_node **dropped)
{
	*dropped = NULL;
	if (!dst) {
		strlcpy(src->name, to, sizeof src->name);
		return NULL;
	}
	if (src->node == dst->node)
		return NULL;            /* two names of one file: Linux does nothing */
	if (flags & RENAME_EXCHANGE) {
		struct tmpfs_node *n = src->node;
		src->node = dst->node;
		dst->node = n;
		return NULL;
	}
	*dropped = dst->node;
	__atomic_fetch_sub(&dst->node->nlink, 1, __ATOMIC_RELAXED);
	dst->node = src->node;      /* src's reference moves with it */
	list_remove(&src->link);
	return src;
}

long tmpfs_rename(struct tmpfs *fs, const char *from, const char *to, unsigned flags)
{
	struct tmpfs_node *dropped = NULL;
	struct tmpfs_entry *gone = NULL;
	spin_lock(&fs->lock);
	struct tmpfs_entry *src = find(fs, from), *dst = find(fs, to);
	long err = !src ? -ENOENT : !dst && (flags & RENAME_EXCHANGE) ? -ENOENT :
		   dst && (flags & RENAME_NOREPLACE) ? -EEXIST :
		   !may_remove(src->node) || (dst && !may_remove(dst->node)) ? -EPERM : 0;
	if (!err)
		gone = move_locked(src, dst, to, flags, &dropped);
	spin_unlock(&fs->lock);
	if (dropped)
		tmpfs_node_put(dropped);
	kfree(gone);
	return err;
}

long tmpfs_link(struct tmpfs *fs, struct tmpfs_node *n, const char *name)
{
	struct tmpfs_entry *e = kmalloc(sizeof *e);
	if (!e)
		return -ENOMEM;
	strlcpy(e->name, name, sizeof e->name);
	spin_lock(&fs->lock);
	long err = find(fs, name) ? -EEXIST : n->fs != fs ? -EXDEV :
		   __atomic_load_n(&n->nlink, __ATOMIC_RELAXED) == 0 ? -ENOENT : 0;
	if (!err)
		add_name(fs, e, n);
	spin_unlock(&fs->lock);
	if (err)
		kfree(e);
	return err;
}

bool tmpfs_permits(const struct tmpfs_node *n, int want)
{
	struct process *p = current_process();
	if (p->uid == 0)        /* root: anything but executing a file no one may */
		return !(want & X_OK) || (n->mode & 0111);
	unsigned bits = (unsigned)p->uid == n->uid ? n->mode >> 6 :
			(unsigned)p->gid == n->gid ? n->mode >> 3 : n->mode;
	return ((unsigned)want & ~bits & 7) == 0;
}

void tmpfs_stat(struct tmpfs_node *n, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_dev = n->fs->dev;
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_nlink = (unsigned)__atomic_load_n(&n->nlink, __ATOMIC_RELAXED);
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_blksize = PAGE_SIZE;
	spin_lock(&n->data->lock);
	st->st_size = (long)n->size;
	st->st_atime = st->st_mtime = st->st_ctime = n->mtime;
	unsigned long pages = 0;
	for (unsigned long i = 0; i < n->data->pages; i++)
		pages += n->data->frames[i] != 0;
	spin_unlock(&n->data->lock);
	st->st_blocks = (long)(pages * (PAGE_SIZE / 512));
}

void tmpfs_dir_stat(const struct tmpfs *fs, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_dev = fs->dev;
	st->st_ino = fs->ino;
	st->st_mode = S_IFDIR | S_ISVTX | 0777;
	st->st_nlink = 2;
	st->st_blksize = PAGE_SIZE;
	st->st_atime = st->st_mtime = st->st_ctime =
		(long)(clock_boot_realtime_ns() / 1000000000UL);
}
