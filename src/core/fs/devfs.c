/* SPDX-License-Identifier: MIT */
/*
 * devfs (core, kernel image): the fixed set of /dev nodes (null, zero,
 * full, random, urandom, tty) and the stdin/stdout/stderr/fd symlinks.
 * Names cannot be added or removed; nodes keep their own attributes.
 */
#include "core/fs/devfs.h"
#include "core/fs/vfs_internal.h"

int devfs_tty_open(struct file *f, struct task *t);

enum { DEV_NULL, DEV_ZERO, DEV_FULL, DEV_RANDOM, DEV_TTY, DEV_LINK };

struct devfs_def {
    const char *name;
    uint32_t mode;
    uint32_t major, minor;
    int kind;
    const char *target;
};

static const struct devfs_def g_defs[] = {
    {"null", S_IFCHR | 0666, 1, 3, DEV_NULL, NULL},
    {"zero", S_IFCHR | 0666, 1, 5, DEV_ZERO, NULL},
    {"full", S_IFCHR | 0666, 1, 7, DEV_FULL, NULL},
    {"random", S_IFCHR | 0666, 1, 8, DEV_RANDOM, NULL},
    {"urandom", S_IFCHR | 0666, 1, 9, DEV_RANDOM, NULL},
    {"tty", S_IFCHR | 0666, 5, 0, DEV_TTY, NULL},
    {"stdin", S_IFLNK | 0777, 0, 0, DEV_LINK, "/proc/self/fd/0"},
    {"stdout", S_IFLNK | 0777, 0, 0, DEV_LINK, "/proc/self/fd/1"},
    {"stderr", S_IFLNK | 0777, 0, 0, DEV_LINK, "/proc/self/fd/2"},
    {"fd", S_IFLNK | 0777, 0, 0, DEV_LINK, "/proc/self/fd"},
};
#define NDEFS ARRAY_SIZE(g_defs)

/* Per-node attributes; index NDEFS is the directory itself. */
struct devfs_attr {
    uint32_t uid, gid;
    struct vfs_time atime, mtime, ctime;
};

struct devfs_sb {
    struct vfs_sb sb;
    struct rt_lock lock;
    struct inode *nodes[NDEFS];      /* referenced */
    struct devfs_attr attr[NDEFS + 1];
};

static const struct inode_ops devfs_iops;

static struct devfs_sb *dsb(struct inode *ino)
{
    return container_of(ino->sb, struct devfs_sb, sb);
}

/* Index of (ino) in g_defs, or NDEFS for the root. */
static size_t node_index(struct inode *ino)
{
    return (size_t)ino->ino < 2 ? NDEFS : (size_t)ino->ino - 2;
}

/* --- device file operations ----------------------------------------------- */

static long null_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    (void)f;
    (void)buf;
    (void)size;
    (void)pos;
    return 0;
}

static long zero_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    (void)f;
    memset(buf, 0, size);
    *pos += size;
    return (long)size;
}

static long random_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    int err;

    (void)f;
    (void)pos;
    err = lbox_plat_random(buf, size);
    return err < 0 ? err : (long)size;
}

static long swallow_write(struct file *f, const void *buf, size_t size,
                          uint64_t *pos)
{
    (void)f;
    (void)buf;
    (void)pos;
    return (long)size;
}

static long full_write(struct file *f, const void *buf, size_t size,
                       uint64_t *pos)
{
    (void)f;
    (void)buf;
    (void)size;
    (void)pos;
    return -ENOSPC;
}

/* Seeking a device always succeeds and reports position 0, like Linux. */
static long dev_llseek(struct file *f, int64_t off, int whence)
{
    (void)off;
    (void)whence;
    f->pos = 0;
    return 0;
}

static const struct file_ops null_fops = {
    .read = null_read, .write = swallow_write, .llseek = dev_llseek,
};
static const struct file_ops zero_fops = {
    .read = zero_read, .write = swallow_write, .llseek = dev_llseek,
};
static const struct file_ops full_fops = {
    .read = zero_read, .write = full_write, .llseek = dev_llseek,
};
static const struct file_ops random_fops = {
    .read = random_read, .write = swallow_write, .llseek = dev_llseek,
};

/* --- the directory ---------------------------------------------------------- */

static int devfs_iterate(struct file *f, vfs_filldir_t fill, void *ctx)
{
    struct devfs_sb *s = dsb(f->inode);

    if (!vfs_fill_dots(f, fill, ctx, 1, 1))
        return 0;
    while (f->pos >= 2 && f->pos - 2 < NDEFS) {
        size_t i = (size_t)f->pos - 2;
        if (fill(ctx, g_defs[i].name, strlen(g_defs[i].name),
                 s->nodes[i]->ino, f->pos + 1,
                 VFS_DT_FROM_MODE(g_defs[i].mode)))
            break;
        f->pos++;
    }
    return 0;
}

static const struct file_ops devfs_dir_fops = {
    .iterate = devfs_iterate,
};

/* --- inode operations ------------------------------------------------------- */

static int devfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct devfs_sb *s = dsb(dir);

    for (size_t i = 0; i < NDEFS; i++) {
        if (strcmp(g_defs[i].name, name) == 0) {
            vfs_inode_get(s->nodes[i]);
            *out = s->nodes[i];
            return 0;
        }
    }
    return -ENOENT;
}

static long devfs_readlink(struct inode *ino, char *buf, size_t size)
{
    size_t i = node_index(ino);

    if (i >= NDEFS || !g_defs[i].target)
        return -EINVAL;
    return vfs_readlink_copy(buf, size, g_defs[i].target);
}

static int devfs_getattr(struct inode *ino, struct vfs_stat *st)
{
    struct devfs_sb *s = dsb(ino);
    size_t i = node_index(ino);
    struct devfs_attr *a = &s->attr[i];

    memset(st, 0, sizeof(*st));
    rt_lock(&s->lock, true);
    st->dev = ino->sb->dev;
    st->ino = ino->ino;
    st->mode = ino->mode;
    st->nlink = i == NDEFS ? 2 : 1;
    st->uid = a->uid;
    st->gid = a->gid;
    st->blksize = 4096;
    if (i < NDEFS) {
        if (S_ISCHR(g_defs[i].mode))
            st->rdev = VFS_MKDEV(g_defs[i].major, g_defs[i].minor);
        if (g_defs[i].target)
            st->size = (int64_t)strlen(g_defs[i].target);
    } else {
        st->size = (int64_t)(NDEFS + 2) * 20;
    }
    st->atime = a->atime;
    st->mtime = a->mtime;
    st->ctime = st->btime = a->ctime;
    rt_unlock(&s->lock, true);
    return 0;
}

static int devfs_setattr(struct inode *ino, const struct vfs_setattr *sa)
{
    struct devfs_sb *s = dsb(ino);
    struct devfs_attr *a = &s->attr[node_index(ino)];
    struct vfs_time now = vfs_now();

    if (sa->valid & VFS_ATTR_SIZE)
        return S_ISDIR(ino->mode) ? -EISDIR : -EINVAL;
    rt_lock(&s->lock, true);
    if ((sa->valid & VFS_ATTR_MODE) && !S_ISLNK(ino->mode))
        ino->mode = (ino->mode & S_IFMT) | (sa->mode & 07777);
    if (sa->valid & VFS_ATTR_UID)
        a->uid = sa->uid;
    if (sa->valid & VFS_ATTR_GID)
        a->gid = sa->gid;
    if (sa->valid & VFS_ATTR_ATIME)
        a->atime = sa->atime;
    if (sa->valid & VFS_ATTR_ATIME_NOW)
        a->atime = now;
    if (sa->valid & VFS_ATTR_MTIME)
        a->mtime = sa->mtime;
    if (sa->valid & VFS_ATTR_MTIME_NOW)
        a->mtime = now;
    a->ctime = now;
    rt_unlock(&s->lock, true);
    return 0;
}

static int devfs_statfs(struct inode *ino, struct vfs_statfs *st)
{
    (void)ino;
    st->type = DEVFS_MAGIC;
    st->bsize = st->frsize = 4096;
    st->files = 1024;
    st->ffree = 1024 - NDEFS - 1;
    st->namelen = VFS_NAME_MAX;
    return 0;
}

static int devfs_open(struct inode *ino, struct file *f, struct task *t)
{
    size_t i = node_index(ino);

    if (i == NDEFS) {
        f->ops = &devfs_dir_fops;
        return 0;
    }
    switch (g_defs[i].kind) {
    case DEV_NULL:
        f->ops = &null_fops;
        return 0;
    case DEV_ZERO:
        f->ops = &zero_fops;
        return 0;
    case DEV_FULL:
        f->ops = &full_fops;
        return 0;
    case DEV_RANDOM:
        f->ops = &random_fops;
        return 0;
    case DEV_TTY:
        return devfs_tty_open(f, t);
    default:
        return -ELOOP;
    }
}

static const struct inode_ops devfs_iops = {
    .lookup = devfs_lookup,
    .readlink = devfs_readlink,
    .getattr = devfs_getattr,
    .setattr = devfs_setattr,
    .statfs = devfs_statfs,
    .open = devfs_open,
};

struct inode *devfs_new(struct kernel *k)
{
    struct devfs_sb *s = rt_heap_zalloc(k->shared, sizeof(*s));
    struct vfs_time now = vfs_now();
    struct inode *root;

    if (!s)
        return NULL;
    vfs_sb_init(&s->sb, k, DEVFS_MAGIC, "devtmpfs", "udev", s);
    s->sb.cache_names = true; /* a fixed table */
    for (size_t i = 0; i <= NDEFS; i++) {
        s->attr[i].atime = s->attr[i].mtime = s->attr[i].ctime = now;
        if (i < NDEFS && g_defs[i].kind == DEV_TTY)
            s->attr[i].gid = 5; /* the tty group */
    }
    root = vfs_inode_new(&s->sb, &devfs_iops, S_IFDIR | 0755, 1, NULL);
    if (!root)
        goto fail;
    for (size_t i = 0; i < NDEFS; i++) {
        s->nodes[i] = vfs_inode_new(&s->sb, &devfs_iops, g_defs[i].mode,
                                    i + 2, NULL);
        if (!s->nodes[i])
            goto fail_nodes;
    }
    return root;
fail_nodes:
    for (size_t i = 0; i < NDEFS; i++)
        if (s->nodes[i])
            vfs_inode_put(s->nodes[i]);
    vfs_inode_put(root);
fail:
    rt_heap_free(k->shared, s);
    return NULL;
}
