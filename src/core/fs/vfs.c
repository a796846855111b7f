/* SPDX-License-Identifier: MIT */
/*
 * VFS objects (core, kernel image): inode and file reference counts, the
 * root and mount table, permission checks and timestamps. Everything lives
 * in the shared kernel region.
 */
#include "core/fs/vfs_internal.h"

static uint32_t g_next_dev_minor = 16;

uint64_t vfs_alloc_dev(void)
{
    uint32_t minor = __atomic_fetch_add(&g_next_dev_minor, 1, __ATOMIC_RELAXED);
    return VFS_MKDEV(0, minor);
}

void vfs_sb_init(struct vfs_sb *sb, struct kernel *k, uint64_t magic,
                 const char *name, const char *source, void *priv)
{
    sb->dev = vfs_alloc_dev();
    sb->magic = magic;
    sb->name = name;
    sb->source = source;
    sb->k = k;
    sb->priv = priv;
}

long vfs_readlink_copy(char *buf, size_t size, const char *target)
{
    size_t n = MIN(strlen(target), size);

    memcpy(buf, target, n);
    return (long)n;
}

bool vfs_fill_dots(struct file *f, vfs_filldir_t fill, void *ctx,
                   uint64_t self, uint64_t parent)
{
    if (f->pos == 0) {
        if (fill(ctx, ".", 1, self, 1, DT_DIR))
            return false;
        f->pos = 1;
    }
    if (f->pos == 1) {
        if (fill(ctx, "..", 2, parent, 2, DT_DIR))
            return false;
        f->pos = 2;
    }
    return true;
}

struct vfs_time vfs_now(void)
{
    int64_t ns = 0;
    struct vfs_time t;

    lbox_plat_clock_get(LBOX_CLOCK_REALTIME, &ns);
    t.sec = ns / 1000000000;
    t.nsec = ns % 1000000000;
    return t;
}

/* --- inodes -------------------------------------------------------------- */

struct inode *vfs_inode_new(struct vfs_sb *sb, const struct inode_ops *ops,
                            uint32_t mode, uint64_t ino, void *priv)
{
    struct inode *i = rt_heap_zalloc(sb->k->shared, sizeof(*i));

    if (!i)
        return NULL;
    i->refs = 1;
    i->mode = mode;
    i->ino = ino;
    i->sb = sb;
    i->ops = ops;
    i->priv = priv;
    return i;
}

void vfs_inode_get(struct inode *ino)
{
    __atomic_add_fetch(&ino->refs, 1, __ATOMIC_RELAXED);
}

void vfs_inode_put(struct inode *ino)
{
    struct kernel *k;

    if (!ino || __atomic_sub_fetch(&ino->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    k = ino->sb->k;
    if (ino->ops && ino->ops->evict)
        ino->ops->evict(ino);
    rt_heap_free(k->shared, ino);
}

bool vfs_same_inode(const struct inode *a, const struct inode *b)
{
    return a == b || (a->sb == b->sb && a->ino == b->ino);
}

int vfs_loc_stat(const struct vfs_loc *loc, struct vfs_stat *st)
{
    return vfs_getattr(loc->inode, st);
}

int vfs_getattr(struct inode *ino, struct vfs_stat *st)
{
    if (ino->ops && ino->ops->getattr)
        return ino->ops->getattr(ino, st);
    memset(st, 0, sizeof(*st));
    st->dev = ino->sb->dev;
    st->ino = ino->ino;
    st->mode = ino->mode;
    st->nlink = 1;
    st->blksize = 4096;
    return 0;
}

/* --- places ------------------------------------------------------------- */

void vfs_loc_put(struct vfs_loc *loc)
{
    if (!loc || !loc->dentry)
        return;
    dput(loc->dentry);
    loc->inode = NULL;
    loc->dentry = NULL;
}

int vfs_loc_dup(struct kernel *k, const struct vfs_loc *src,
                struct vfs_loc *dst)
{
    (void)k;
    dst->dentry = dget(src->dentry);
    dst->inode = src->inode;
    return 0;
}

int vfs_loc_path(const struct vfs_loc *loc, const struct vfs_loc *root,
                 char *buf, size_t size, bool *deleted)
{
    bool reachable;
    long n = d_path(loc->dentry, root ? root->dentry : NULL, false, buf,
                    size, &reachable);

    if (n < 0)
        return (int)n;
    *deleted = loc->dentry->flags & D_DELETED;
    return reachable ? 0 : 1;
}

/* --- root and mounts ------------------------------------------------------ */

int vfs_init(struct kernel *k, struct inode *root, struct vfs_loc *rootloc)
{
    struct vfs *v = rt_heap_zalloc(k->shared, sizeof(*v));
    int err;

    if (!v)
        return -ENOMEM;
    k->vfs = v;
    err = dcache_init(k);
    if (err < 0)
        return err;
    v->root = d_alloc_root(k, root, "/", false);
    if (!v->root)
        return -ENOMEM;
    if (rootloc) {
        rootloc->dentry = dget(v->root);
        rootloc->inode = root;
    }
    return 0;
}

struct dentry *vfs_root_get(struct kernel *k)
{
    struct vfs *v = k->vfs;

    if (!v || !v->root)
        return NULL;
    return dget(d_top(v->root));
}

int vfs_mount(struct kernel *k, const char *path, struct inode *root)
{
    struct vfs *v = k->vfs;
    struct nameres nr;
    struct vfs_mnt *m, **pp;
    int err;

    if (!v || !path || path[0] != '/')
        return -EINVAL;
    /* (at) only tells the walk which kernel: the path is absolute. */
    struct vfs_loc at = {v->root->inode, v->root};
    err = vfs_walk(NULL, &at, path, WALK_FOLLOW, &nr);
    if (err < 0)
        return err;
    if (!S_ISDIR(nr.ino->mode)) {
        err = -ENOTDIR;
        goto out;
    }
    /* A mount point must stay findable: on a tree whose names are not
     * cached it would be looked up afresh and the mount lost. */
    if (nr.d->parent && !nr.d->sb->cache_names) {
        err = -EINVAL;
        goto out;
    }
    m = rt_heap_zalloc(k->shared, sizeof(*m));
    if (!m) {
        err = -ENOMEM;
        goto out;
    }
    m->covered = nr.d;
    err = d_mount(nr.d, root, &m->root);
    if (err < 0) {
        rt_heap_free(k->shared, m);
        goto out;
    }
    rt_lock(&v->lock, true);
    for (pp = &v->mounts; *pp; pp = &(*pp)->next)
        ;
    *pp = m;
    rt_unlock(&v->lock, true);
out:
    nameres_put(&nr);
    return err;
}

/* Append (s) to the mounts text, with /proc/mounts octal escapes when
 * (escape). */
static size_t put_text(char *buf, size_t size, size_t len, const char *s,
                       bool escape)
{
    for (; *s; s++) {
        char tmp[5];
        size_t n = 1;
        if (escape &&
            (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')) {
            n = (size_t)rt_snprintf(tmp, sizeof(tmp), "\\%03o",
                                    (unsigned char)*s);
        } else {
            tmp[0] = *s;
        }
        for (size_t i = 0; i < n; i++, len++) {
            if (len + 1 < size)
                buf[len] = tmp[i];
        }
    }
    if (size)
        buf[len < size ? len : size - 1] = '\0';
    return len;
}

static size_t put_mount(char *buf, size_t size, size_t len, const char *path,
                        const struct vfs_sb *sb)
{
    len = put_text(buf, size, len, sb->source ? sb->source : "none", true);
    len = put_text(buf, size, len, " ", false);
    len = put_text(buf, size, len, path, true);
    len = put_text(buf, size, len, " ", false);
    len = put_text(buf, size, len, sb->name ? sb->name : "none", true);
    len = put_text(buf, size, len,
                   sb->read_only ? " ro,relatime 0 0\n" : " rw,relatime 0 0\n",
                   false);
    return len;
}

size_t vfs_format_mounts(struct kernel *k, char *buf, size_t size)
{
    struct vfs *v = k->vfs;
    char *path;
    size_t len = 0;
    bool reachable;

    if (size)
        buf[0] = '\0';
    if (!v)
        return 0;
    path = rt_heap_alloc(k->shared, VFS_PATH_MAX);
    if (!path)
        return 0;
    len = put_mount(buf, size, len, "/", v->root->inode->sb);
    rt_lock(&v->lock, true);
    for (struct vfs_mnt *m = v->mounts; m; m = m->next) {
        if (d_path(m->root, NULL, false, path, VFS_PATH_MAX, &reachable) < 0)
            continue;
        len = put_mount(buf, size, len, path, m->root->inode->sb);
    }
    rt_unlock(&v->lock, true);
    rt_heap_free(k->shared, path);
    return len;
}

/* --- permissions ---------------------------------------------------------- */

bool vfs_cred_in_group(const struct cred *c, uint32_t gid)
{
    if (c->fsgid == gid)
        return true;
    for (uint32_t i = 0; i < c->ngroups && i < ARRAY_SIZE(c->groups); i++) {
        if (c->groups[i] == gid)
            return true;
    }
    return false;
}

/* Linux generic_permission(): owner, group or other bits, then root's
 * overrides (read/write always, exec if anyone may or on directories). */
int vfs_permission(const struct cred *c, struct inode *ino, int mask)
{
    struct vfs_stat st;
    uint32_t perm;
    int err;

    mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
    err = vfs_getattr(ino, &st);
    if (err < 0)
        return err;
    if (c->fsuid == st.uid)
        perm = st.mode >> 6;
    else if (vfs_cred_in_group(c, st.gid))
        perm = st.mode >> 3;
    else
        perm = st.mode;
    if ((mask & ~perm & 7) == 0)
        return 0;
    if (c->fsuid == 0) {
        if (!(mask & MAY_EXEC) || S_ISDIR(st.mode) || (st.mode & 0111))
            return 0;
    }
    return -EACCES;
}
