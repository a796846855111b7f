/* SPDX-License-Identifier: MIT */
/*
 * tmpfs names and attributes (core, kernel image): directories as arrays of
 * entries in creation order, symlinks, hard links, rename and the inode
 * life cycle. Data of regular files is in tmpfs_file.c.
 */
#include "core/fs/tmpfs_internal.h"

static const struct inode_ops tmpfs_inode_ops;
static const struct file_ops tmpfs_dir_ops;

/* Linux tmpfs reports this many bytes per entry as a directory's size. */
#define BOGO_DIRENT_SIZE 20

static struct rt_heap *heap_of(struct inode *ino)
{
    return ino->sb->k->shared;
}

static bool after(struct vfs_time a, struct vfs_time b)
{
    return a.sec > b.sec || (a.sec == b.sec && a.nsec > b.nsec);
}

/* A new node of (mode) owned by (c) in (dir) (NULL for the root). */
static struct inode *node_new(struct tmpfs_sb *ts, struct inode *dir,
                              uint32_t mode, const struct cred *c)
{
    struct rt_heap *h = ts->sb.k->shared;
    struct tmpfs_node *n = rt_heap_zalloc(h, sizeof(*n));
    struct inode *ino;

    if (!n)
        return NULL;
    ino = vfs_inode_new(&ts->sb, &tmpfs_inode_ops, mode,
                        __atomic_add_fetch(&ts->next_ino, 1, __ATOMIC_RELAXED),
                        n);
    if (!ino) {
        rt_heap_free(h, n);
        return NULL;
    }
    n->nlink = S_ISDIR(mode) ? 2 : 1;
    n->atime = n->mtime = n->ctime = n->btime = vfs_now();
    n->next_id = 2;
    if (c) {
        n->uid = c->fsuid;
        n->gid = c->fsgid;
    }
    if (dir) {
        struct tmpfs_node *d = tmpfs_node_of(dir);
        n->parent_ino = dir->ino;
        /* A set-group-ID directory hands its group (and, to
         * subdirectories, the bit) down. */
        if (dir->mode & S_ISGID) {
            n->gid = d->gid;
            if (S_ISDIR(mode))
                ino->mode |= S_ISGID;
        }
    } else {
        n->parent_ino = ino->ino;
    }
    __atomic_add_fetch(&ts->nr_inodes, 1, __ATOMIC_RELAXED);
    return ino;
}

static void tmpfs_evict(struct inode *ino)
{
    struct tmpfs_node *n = tmpfs_node_of(ino);
    struct rt_heap *h = heap_of(ino);

    if (!n)
        return;
    if (S_ISREG(ino->mode))
        tmpfs_free_data(ino);
    /* A directory only dies empty (its entries hold references). */
    for (size_t i = 0; i < n->count; i++) {
        rt_heap_free(h, n->ents[i].name);
        vfs_inode_put(n->ents[i].ino);
    }
    rt_heap_free(h, n->ents);
    rt_heap_free(h, n->target);
    rt_heap_free(h, n);
    __atomic_sub_fetch(&tmpfs_sb_of(ino)->nr_inodes, 1, __ATOMIC_RELAXED);
}

/* --- directory entries (caller holds the sb lock) ------------------------ */

static struct tmpfs_dirent *find(struct tmpfs_node *d, const char *name)
{
    for (size_t i = 0; i < d->count; i++) {
        if (strcmp(d->ents[i].name, name) == 0)
            return &d->ents[i];
    }
    return NULL;
}

/* Add (name) -> (ino) taking over a reference on (ino). */
static int add_entry(struct inode *dir, const char *name, struct inode *ino)
{
    struct tmpfs_node *d = tmpfs_node_of(dir);
    struct tmpfs_dirent *e;

    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        e = rt_heap_realloc(heap_of(dir), d->ents, cap * sizeof(*e));
        if (!e)
            return -ENOSPC;
        d->ents = e;
        d->cap = cap;
    }
    e = &d->ents[d->count];
    e->name = rt_heap_strdup(heap_of(dir), name);
    if (!e->name)
        return -ENOSPC;
    e->id = d->next_id++;
    e->ino = ino;
    d->count++;
    d->mtime = d->ctime = vfs_now();
    return 0;
}

/* Remove the entry; returns the inode whose reference the caller must drop
 * once it has released the lock (eviction may free memory). */
static struct inode *remove_entry(struct inode *dir, struct tmpfs_dirent *e)
{
    struct tmpfs_node *d = tmpfs_node_of(dir);
    struct inode *ino = e->ino;
    size_t i = (size_t)(e - d->ents);

    rt_heap_free(heap_of(dir), e->name);
    memmove(&d->ents[i], &d->ents[i + 1], (d->count - i - 1) * sizeof(*e));
    d->count--;
    d->mtime = d->ctime = vfs_now();
    return ino;
}

/* --- inode operations ------------------------------------------------------ */

static int tmpfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct tmpfs_sb *ts = tmpfs_sb_of(dir);
    struct tmpfs_dirent *e;
    int err = -ENOENT;

    rt_lock(&ts->lock, true);
    e = find(tmpfs_node_of(dir), name);
    if (e) {
        vfs_inode_get(e->ino);
        *out = e->ino;
        err = 0;
    }
    rt_unlock(&ts->lock, true);
    return err;
}

/* Create a node of (mode) named (name); (*out) gets a reference if set. */
static int make_node(struct inode *dir, const char *name, uint32_t mode,
                     const struct cred *c, const char *target,
                     struct inode **out)
{
    struct tmpfs_sb *ts = tmpfs_sb_of(dir);
    struct tmpfs_node *d = tmpfs_node_of(dir);
    struct inode *ino;
    int err;

    rt_lock(&ts->lock, true);
    if (d->nlink == 0) {
        err = -ENOENT; /* the directory was removed */
        goto out;
    }
    if (find(d, name)) {
        err = -EEXIST;
        goto out;
    }
    ino = node_new(ts, dir, mode, c);
    if (!ino) {
        err = -ENOSPC;
        goto out;
    }
    if (target) {
        struct tmpfs_node *n = tmpfs_node_of(ino);
        n->target = rt_heap_strdup(heap_of(dir), target);
        n->size = (int64_t)strlen(target);
        if (!n->target) {
            err = -ENOSPC;
            goto out_put;
        }
    }
    err = add_entry(dir, name, ino);
    if (err < 0)
        goto out_put;
    if (S_ISDIR(mode))
        d->nlink++;
    if (out) {
        vfs_inode_get(ino);
        *out = ino;
    }
    rt_unlock(&ts->lock, true);
    return 0;
out_put:
    rt_unlock(&ts->lock, true);
    vfs_inode_put(ino);
    return err;
out:
    rt_unlock(&ts->lock, true);
    return err;
}

static int tmpfs_create(struct inode *dir, const char *name, uint32_t mode,
                        const struct cred *c, struct inode **out)
{
    if (!S_ISREG(mode) && !S_ISSOCK(mode))
        return -EOPNOTSUPP;
    return make_node(dir, name, mode, c, NULL, out);
}

static int tmpfs_mkdir(struct inode *dir, const char *name, uint32_t mode,
                       const struct cred *c)
{
    return make_node(dir, name, S_IFDIR | (mode & 07777), c, NULL, NULL);
}

static int tmpfs_symlink(struct inode *dir, const char *name,
                         const char *target, const struct cred *c)
{
    return make_node(dir, name, S_IFLNK | 0777, c, target, NULL);
}

static int tmpfs_link(struct inode *dir, const char *name, struct inode *target)
{
    struct tmpfs_sb *ts = tmpfs_sb_of(dir);
    struct tmpfs_node *n = tmpfs_node_of(target);
    int err;

    if (target->sb != dir->sb)
        return -EXDEV;
    if (S_ISDIR(target->mode))
        return -EPERM;
    rt_lock(&ts->lock, true);
    if (tmpfs_node_of(dir)->nlink == 0 || n->nlink == 0) {
        err = -ENOENT;
    } else if (find(tmpfs_node_of(dir), name)) {
        err = -EEXIST;
    } else if (n->nlink >= 65000) {
        err = -EMLINK;
    } else {
        vfs_inode_get(target);
        err = add_entry(dir, name, target);
        if (err < 0) {
            __atomic_sub_fetch(&target->refs, 1, __ATOMIC_RELAXED);
        } else {
            n->nlink++;
            n->ctime = vfs_now();
        }
    }
    rt_unlock(&ts->lock, true);
    return err;
}

static int remove_name(struct inode *dir, const char *name, bool want_dir)
{
    struct tmpfs_sb *ts = tmpfs_sb_of(dir);
    struct tmpfs_node *d = tmpfs_node_of(dir);
    struct tmpfs_dirent *e;
    struct inode *victim = NULL;
    int err = 0;

    rt_lock(&ts->lock, true);
    e = find(d, name);
    if (!e) {
        err = -ENOENT;
    } else if (want_dir && !S_ISDIR(e->ino->mode)) {
        err = -ENOTDIR;
    } else if (!want_dir && S_ISDIR(e->ino->mode)) {
        err = -EISDIR;
    } else if (want_dir && tmpfs_node_of(e->ino)->count) {
        err = -ENOTEMPTY;
    } else {
        struct tmpfs_node *n = tmpfs_node_of(e->ino);
        victim = remove_entry(dir, e);
        n->ctime = vfs_now();
        if (want_dir) {
            n->nlink = 0;
            d->nlink--;
        } else {
            n->nlink--;
        }
    }
    rt_unlock(&ts->lock, true);
    if (victim)
        vfs_inode_put(victim);
    return err;
}

static int tmpfs_unlink(struct inode *dir, const char *name)
{
    return remove_name(dir, name, false);
}

static int tmpfs_rmdir(struct inode *dir, const char *name)
{
    return remove_name(dir, name, true);
}

/* Account a directory (moved) changing parent from (from) to (to). */
static void reparent(struct inode *moved, struct inode *from, struct inode *to)
{
    if (!S_ISDIR(moved->mode) || from == to)
        return;
    tmpfs_node_of(from)->nlink--;
    tmpfs_node_of(to)->nlink++;
    tmpfs_node_of(moved)->parent_ino = to->ino;
}

static int tmpfs_rename(struct inode *odir, const char *oname,
                        struct inode *ndir, const char *nname, unsigned flags)
{
    struct tmpfs_sb *ts = tmpfs_sb_of(odir);
    struct tmpfs_node *od = tmpfs_node_of(odir), *nd = tmpfs_node_of(ndir);
    struct tmpfs_dirent *oe, *ne;
    struct inode *moved, *victim = NULL;
    struct vfs_time now = vfs_now();
    uint64_t oid;
    int err = 0;

    if (odir->sb != ndir->sb)
        return -EXDEV;
    rt_lock(&ts->lock, true);
    oe = find(od, oname);
    ne = find(nd, nname);
    if (!oe) {
        err = -ENOENT;
        goto out;
    }
    moved = oe->ino;
    if (flags & VFS_RENAME_EXCHANGE) {
        struct inode *other;
        if (!ne) {
            err = -ENOENT;
            goto out;
        }
        other = ne->ino;
        oe->ino = other;
        ne->ino = moved;
        reparent(moved, odir, ndir);
        reparent(other, ndir, odir);
        tmpfs_node_of(moved)->ctime = tmpfs_node_of(other)->ctime = now;
        od->mtime = od->ctime = nd->mtime = nd->ctime = now;
        goto out;
    }
    if (ne) {
        struct tmpfs_node *vn = tmpfs_node_of(ne->ino);
        if (flags & VFS_RENAME_NOREPLACE)
            err = -EEXIST;
        else if (ne->ino == moved)
            err = 0;
        else if (S_ISDIR(moved->mode) && !S_ISDIR(ne->ino->mode))
            err = -ENOTDIR;
        else if (!S_ISDIR(moved->mode) && S_ISDIR(ne->ino->mode))
            err = -EISDIR;
        else if (S_ISDIR(ne->ino->mode) && vn->count)
            err = -ENOTEMPTY;
        if (err < 0 || ne->ino == moved)
            goto out;
        /* The new name keeps its place; the victim loses a link. */
        victim = ne->ino;
        ne->ino = moved;
        if (S_ISDIR(victim->mode)) {
            vn->nlink = 0;
            nd->nlink--;
        } else {
            vn->nlink--;
        }
        vn->ctime = now;
        nd->mtime = nd->ctime = now;
    } else {
        oid = oe->id;
        err = add_entry(ndir, nname, moved);
        if (err < 0)
            goto out;
        /* add_entry may have moved the array: find the old entry again. */
        oe = NULL;
        for (size_t i = 0; i < od->count; i++) {
            if (od->ents[i].id == oid)
                oe = &od->ents[i];
        }
        if (!oe) {      /* cannot be: the tree lock is held throughout */
            err = -EIO;
            goto out;
        }
    }
    /* Drop the old entry without dropping its reference (it moved). */
    rt_heap_free(heap_of(odir), oe->name);
    memmove(oe, oe + 1, (od->count - (size_t)(oe - od->ents) - 1) * sizeof(*oe));
    od->count--;
    od->mtime = od->ctime = now;
    reparent(moved, odir, ndir);
    tmpfs_node_of(moved)->ctime = now;
out:
    rt_unlock(&ts->lock, true);
    if (victim)
        vfs_inode_put(victim);
    return err;
}

static long tmpfs_readlink(struct inode *ino, char *buf, size_t size)
{
    struct tmpfs_node *n = tmpfs_node_of(ino);

    if (!S_ISLNK(ino->mode))
        return -EINVAL;
    return vfs_readlink_copy(buf, size, n->target);
}

static int tmpfs_getattr(struct inode *ino, struct vfs_stat *st)
{
    struct tmpfs_sb *ts = tmpfs_sb_of(ino);
    struct tmpfs_node *n = tmpfs_node_of(ino);

    memset(st, 0, sizeof(*st));
    rt_lock(&ts->lock, true);
    st->dev = ino->sb->dev;
    st->ino = ino->ino;
    st->mode = ino->mode;
    st->nlink = n->nlink;
    st->uid = n->uid;
    st->gid = n->gid;
    st->blksize = TMPFS_BLOCK;
    if (S_ISDIR(ino->mode)) {
        st->size = (int64_t)(n->count + 2) * BOGO_DIRENT_SIZE;
    } else {
        st->size = n->size;
        for (size_t i = 0; i < n->nblocks; i++)
            st->blocks += n->blocks[i] ? TMPFS_BLOCK / 512 : 0;
    }
    st->atime = n->atime;
    st->mtime = n->mtime;
    st->ctime = n->ctime;
    st->btime = n->btime;
    rt_unlock(&ts->lock, true);
    return 0;
}

static int tmpfs_setattr(struct inode *ino, const struct vfs_setattr *sa)
{
    struct tmpfs_sb *ts = tmpfs_sb_of(ino);
    struct tmpfs_node *n = tmpfs_node_of(ino);
    struct vfs_time now = vfs_now();
    int err = 0;

    rt_lock(&ts->lock, true);
    if (sa->valid & VFS_ATTR_SIZE) {
        if (!S_ISREG(ino->mode)) {
            err = S_ISDIR(ino->mode) ? -EISDIR : -EINVAL;
            goto out;
        }
        err = (int)tmpfs_truncate_locked(ino, sa->size);
        if (err < 0)
            goto out;
        n->mtime = now;
    }
    if (sa->valid & VFS_ATTR_MODE)
        ino->mode = (ino->mode & S_IFMT) | (sa->mode & 07777);
    if (sa->valid & VFS_ATTR_UID)
        n->uid = sa->uid;
    if (sa->valid & VFS_ATTR_GID)
        n->gid = sa->gid;
    if (sa->valid & VFS_ATTR_ATIME)
        n->atime = sa->atime;
    if (sa->valid & VFS_ATTR_ATIME_NOW)
        n->atime = now;
    if (sa->valid & VFS_ATTR_MTIME)
        n->mtime = sa->mtime;
    if (sa->valid & VFS_ATTR_MTIME_NOW)
        n->mtime = now;
    n->ctime = now;
out:
    rt_unlock(&ts->lock, true);
    return err;
}

static int tmpfs_statfs(struct inode *ino, struct vfs_statfs *st)
{
    struct tmpfs_sb *ts = tmpfs_sb_of(ino);
    uint64_t used = __atomic_load_n(&ts->nr_blocks, __ATOMIC_RELAXED);
    uint64_t files = __atomic_load_n(&ts->nr_inodes, __ATOMIC_RELAXED);

    /* The size bound, and lbox's own 1M inodes or what is in use. */
    st->type = TMPFS_MAGIC;
    st->bsize = st->frsize = TMPFS_BLOCK;
    st->blocks = MAX(ts->max_blocks, used);
    st->bfree = st->bavail = st->blocks - used;
    st->files = MAX(1u << 20, files);
    st->ffree = st->files - files;
    st->namelen = VFS_NAME_MAX;
    return 0;
}

static int tmpfs_open(struct inode *ino, struct file *f, struct task *t)
{
    (void)t;
    if (S_ISDIR(ino->mode))
        f->ops = &tmpfs_dir_ops;
    else if (S_ISREG(ino->mode))
        f->ops = &tmpfs_file_ops;
    else
        return -ENXIO;
    return 0;
}

static const struct inode_ops tmpfs_inode_ops = {
    .lookup = tmpfs_lookup,
    .create = tmpfs_create,
    .mkdir = tmpfs_mkdir,
    .symlink = tmpfs_symlink,
    .link = tmpfs_link,
    .unlink = tmpfs_unlink,
    .rmdir = tmpfs_rmdir,
    .rename = tmpfs_rename,
    .readlink = tmpfs_readlink,
    .getattr = tmpfs_getattr,
    .setattr = tmpfs_setattr,
    .statfs = tmpfs_statfs,
    .open = tmpfs_open,
    .evict = tmpfs_evict,
};

/* --- directory reading ------------------------------------------------------ */

/*
 * Positions: 0 is ".", 1 is "..", an entry with id (i) sits at (i) and the
 * next position is i + 1. Ids only grow, so a position stays meaningful
 * when entries before or after it are removed.
 */
static int dir_iterate(struct file *f, vfs_filldir_t fill, void *ctx)
{
    struct inode *dir = f->inode;
    struct tmpfs_sb *ts = tmpfs_sb_of(dir);
    struct tmpfs_node *d = tmpfs_node_of(dir);

    rt_lock(&ts->lock, true);
    if (!vfs_fill_dots(f, fill, ctx, dir->ino, d->parent_ino))
        goto out;
    for (size_t i = 0; i < d->count; i++) {
        struct tmpfs_dirent *e = &d->ents[i];
        if (e->id < f->pos)
            continue;
        if (fill(ctx, e->name, strlen(e->name), e->ino->ino, e->id + 1,
                 VFS_DT_FROM_MODE(e->ino->mode)))
            break;
        f->pos = e->id + 1;
    }
    if (after(vfs_now(), d->atime))
        d->atime = vfs_now();
out:
    rt_unlock(&ts->lock, true);
    return 0;
}

static const struct file_ops tmpfs_dir_ops = {
    .iterate = dir_iterate,
};

struct inode *tmpfs_new(struct kernel *k, const char *source,
                        uint32_t root_mode, uint32_t uid, uint32_t gid)
{
    struct tmpfs_sb *ts = rt_heap_zalloc(k->shared, sizeof(*ts));
    struct cred c = {0};
    struct inode *root;

    if (!ts)
        return NULL;
    /* The monitor's memory bound holds anyway; this one gives ENOSPC. */
    ts->max_blocks = k->tmpfs_size ? k->tmpfs_size / TMPFS_BLOCK : 262144;
    vfs_sb_init(&ts->sb, k, TMPFS_MAGIC, "tmpfs",
                rt_heap_strdup(k->shared, source ? source : "tmpfs"), ts);
    ts->sb.cache_names = true; /* every change goes through the VFS */
    c.fsuid = uid;
    c.fsgid = gid;
    root = ts->sb.source ? node_new(ts, NULL, S_IFDIR | (root_mode & 07777), &c)
                         : NULL;
    if (!root) {
        rt_heap_free(k->shared, (void *)ts->sb.source);
        rt_heap_free(k->shared, ts);
        return NULL;
    }
    return root;
}
