/* SPDX-License-Identifier: MIT */
/*
 * p9fs inodes (core, kernel image): mount, lookup, the name operations and
 * attributes, each a 9P2000.L request on the inode's fid. Attributes are
 * cached by the rule in p9fs_internal.h.
 */
#include "core/p9/p9fs_internal.h"

static const struct inode_ops p9fs_inode_ops;

static bool is_ro(const struct inode *ino)
{
    return ino->sb->read_only;
}

/* Names come from the VFS already split; refuse anything a server could
 * read as more than one component. */
static bool name_ok(const char *name)
{
    size_t len = strnlen(name, VFS_NAME_MAX + 1);

    if (len == 0 || len > VFS_NAME_MAX || strchr(name, '/'))
        return false;
    return !(name[0] == '.' &&
             (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')));
}

static struct p9fs_inode **ihash_head(struct p9fs_sb *ps, uint64_t qpath)
{
    return &ps->ihash[(qpath ^ (qpath >> 17)) % P9FS_IHASH];
}

/*
 * Under ps->ilock: the live inode of the same file, referenced, with the
 * attributes just fetched (this is how an open revalidates), or NULL.
 */
static struct inode *ihash_take(struct p9fs_sb *ps, const struct p9_attr *a)
{
    for (struct p9fs_inode *pi = *ihash_head(ps, a->qid.path); pi; pi = pi->hnext) {
        struct inode *ino = pi->inode;
        uint32_t refs = __atomic_load_n(&ino->refs, __ATOMIC_ACQUIRE);

        if (pi->inode->ino != a->qid.path ||
            (ino->mode & S_IFMT) != (a->mode & S_IFMT))
            continue;
        /* Going away (evict waits for ilock): make a new one. */
        do {
            if (refs == 0)
                return NULL;
        } while (!__atomic_compare_exchange_n(&ino->refs, &refs, refs + 1, false,
                                              __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
        rt_lock(&pi->lock, true);
        pi->attr = *a;
        pi->attr_valid = true;
        rt_unlock(&pi->lock, true);
        __atomic_store_n(&ino->mode, a->mode, __ATOMIC_RELAXED);
        return ino;
    }
    return NULL;
}

static void ihash_remove(struct p9fs_sb *ps, struct p9fs_inode *pi)
{
    rt_lock(&ps->ilock, true);
    for (struct p9fs_inode **pp = ihash_head(ps, pi->inode->ino); *pp;
         pp = &(*pp)->hnext) {
        if (*pp == pi) {
            *pp = pi->hnext;
            break;
        }
    }
    rt_unlock(&ps->ilock, true);
}

/*
 * Wrap walked (fid), whose attributes are (a), into an inode: the live one
 * of the same file, or a new one. (link), a symlink's target or NULL, is
 * taken, and so is (name) of a listed inode, which has no fid (P9_NOFID)
 * but a (parent), referenced here when the inode is new. On failure (fid)
 * is clunked and the strings freed.
 */
static int inode_new(struct vfs_sb *sb, uint32_t fid, const struct p9_attr *a,
                     char *link, struct inode *parent, char *name,
                     struct inode **out)
{
    struct p9fs_sb *ps = sb->priv;
    struct p9fs_inode *pi, **head;
    struct inode *ino;
    uint32_t none = P9_NOFID;

    rt_lock(&ps->ilock, true);
    ino = ihash_take(ps, a);
    if (ino) {
        rt_unlock(&ps->ilock, true);
        if (link)
            rt_heap_free(sb->k->shared, link);
        if (name)
            rt_heap_free(sb->k->shared, name);
        pi = ino->priv;
        /* A listed inode takes the fid; one that has its own drops it. */
        if (fid != P9_NOFID &&
            !__atomic_compare_exchange_n(&pi->fid, &none, fid, false,
                                         __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            p9_clunk(ps->c, fid);
        *out = ino;
        return 0;
    }
    pi = rt_heap_zalloc(sb->k->shared, sizeof(*pi));
    if (!pi)
        goto out_clunk;
    pi->fid = fid;
    pi->link = link;
    pi->name = name;
    if (parent) {
        vfs_inode_get(parent);
        pi->parent = parent;
    }
    pi->open_fid = P9_NOFID;
    pi->read_fid = P9_NOFID;
    pi->host = P9FS_HOST_NONE;
    pi->shared_ro = pi->shared_rw = P9FS_HOST_NONE;
    pi->lock = (struct rt_lock)RT_LOCK_INIT;
    pi->attr = *a;
    pi->attr_valid = true;
    ino = vfs_inode_new(sb, &p9fs_inode_ops, a->mode, a->qid.path, pi);
    if (!ino) {
        if (parent)
            vfs_inode_put(parent);
        rt_heap_free(sb->k->shared, pi);
        goto out_clunk;
    }
    pi->inode = ino;
    head = ihash_head(ps, a->qid.path);
    pi->hnext = *head;
    *head = pi;
    rt_unlock(&ps->ilock, true);
    *out = ino;
    return 0;
out_clunk:
    rt_unlock(&ps->ilock, true);
    if (link)
        rt_heap_free(sb->k->shared, link);
    if (name)
        rt_heap_free(sb->k->shared, name);
    if (fid != P9_NOFID)
        p9_clunk(ps->c, fid);
    return -ENOMEM;
}

/* Wrap walked (fid) into a new inode; on failure (fid) is clunked. */
static int inode_from_fid(struct vfs_sb *sb, uint32_t fid,
                          struct inode **out)
{
    struct p9fs_sb *ps = sb->priv;
    struct p9_attr a;
    int ret;

    ret = p9_getattr(ps->c, fid, P9_GETATTR_BASIC, &a);
    if (ret < 0) {
        p9_clunk(ps->c, fid);
        return ret;
    }
    return inode_new(sb, fid, &a, NULL, NULL, NULL, out);
}

/*
 * From (ino) up to the nearest inode with a fid, at most P9_MAXWELEM
 * levels: the names from there down to (ino) into (names), top first;
 * *(at) the inode where the climb stopped, *(base) its fid (P9_NOFID when
 * the window ran out first). Returns how many names, or -ESTALE for a
 * fid-less inode with no parent (none is made).
 */
static int climb(struct inode **at, uint32_t *base,
                 const char *names[P9_MAXWELEM])
{
    const char *up[P9_MAXWELEM];
    unsigned n = 0;

    while ((*base = p9fs_fid(*at)) == P9_NOFID && n < P9_MAXWELEM) {
        struct p9fs_inode *pi = (*at)->priv;

        if (!pi->parent)
            return -ESTALE;
        up[n++] = pi->name;
        *at = pi->parent;
    }
    for (unsigned i = 0; i < n; i++)
        names[i] = up[n - 1 - i];
    return (int)n;
}

int p9fs_fid_path(struct inode *ino, uint32_t *fid,
                  const char *names[P9_MAXWELEM])
{
    struct inode *at = ino;
    int n = climb(&at, fid, names);

    if (n < 0 || *fid != P9_NOFID)
        return n;
    /* Deeper than one request walks: give (ino) a fid of its own. */
    n = p9fs_fid_get(ino, fid);
    return n < 0 ? n : 0;
}

/*
 * Walk the nearest ancestor's fid down to (ino) and keep the result. Past
 * P9_MAXWELEM levels without a fid, the ancestor that far up gets one
 * first, and so on: a window of levels per round trip.
 */
int p9fs_fid_get(struct inode *ino, uint32_t *out)
{
    struct p9_client *c = p9fs_client(ino);
    struct inode *target = ino;

    for (;;) {
        const char *names[P9_MAXWELEM];
        struct p9fs_inode *pi = target->priv;
        struct inode *at = target;
        uint32_t base, fid, none = P9_NOFID;
        int n = climb(&at, &base, names);

        if (n < 0)
            return n;
        if (n == 0) {
            if (target == ino) {
                *out = base;
                return 0;
            }
            target = ino;
            continue;
        }
        if (base == P9_NOFID) {
            target = at;
            continue;
        }
        n = p9_walk(c, base, (unsigned)n, names, &fid, NULL);
        if (n < 0)
            return n;
        if (!__atomic_compare_exchange_n(&pi->fid, &none, fid, false,
                                         __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            p9_clunk(c, fid);   /* raced: the other walk's stays */
    }
}

static char *strndup_shared(struct kernel *k, const char *s, size_t len)
{
    char *copy = rt_heap_alloc(k->shared, len + 1);

    if (copy) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

void p9fs_prime(struct inode *dir, struct dentry *dd,
                const struct p9_listent *e)
{
    struct kernel *k = dir->sb->k;
    char *name, *link = NULL;
    struct inode *ino;

    if (!e->a.valid || d_known(dd, e->d.name, e->d.name_len))
        return;
    name = strndup_shared(k, e->d.name, e->d.name_len);
    if (!name)
        return;
    if (!name_ok(name)) {   /* "." or "..": a server's, never cached */
        rt_heap_free(k->shared, name);
        return;
    }
    if (e->link_len) {
        link = strndup_shared(k, e->link, e->link_len);
        if (!link) {
            rt_heap_free(k->shared, name);
            return;
        }
    }
    if (inode_new(dir->sb, P9_NOFID, &e->a, link, dir, name, &ino) < 0)
        return;
    d_prime(dd, e->d.name, e->d.name_len, ino);
}

void p9fs_attr_stale(struct inode *ino)
{
    struct p9fs_inode *pi = ino->priv;

    rt_lock(&pi->lock, true);
    pi->attr_valid = false;
    rt_unlock(&pi->lock, true);
}

/* A name operation in (dir) succeeded: its mtime, size, links moved. */
static int dir_changed(struct inode *dir, int ret)
{
    if (ret == 0)
        p9fs_attr_stale(dir);
    return ret;
}

/* One round trip with lbox's own server (Twalkattr), two with others. */
static int p9fs_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct p9_attr a;
    uint32_t fid, dfid;
    char *link;
    int ret;

    if (!name_ok(name))
        return -ENOENT;
    ret = p9fs_fid_get(dir, &dfid);
    if (ret < 0)
        return ret;
    ret = p9_walkattr(p9fs_client(dir), dfid, name, &fid, &a, &link);
    if (ret != -EOPNOTSUPP) {
        if (ret < 0)
            return ret;
        if ((a.mode & S_IFMT) == 0) {   /* a server that lies about types */
            if (link)
                rt_heap_free(dir->sb->k->shared, link);
            p9_clunk(p9fs_client(dir), fid);
            return -EIO;
        }
        return inode_new(dir->sb, fid, &a, link, NULL, NULL, out);
    }
    ret = p9_walk(p9fs_client(dir), dfid, 1, &name, &fid, NULL);
    if (ret < 0)
        return ret;
    return inode_from_fid(dir->sb, fid, out);
}

/*
 * Tlcreate turns the fid it is given into the new open file: create on a
 * clone of the directory's fid, walk a fresh fid for the inode, and keep the
 * open one for the first open (see struct p9fs_inode).
 */
static int p9fs_create(struct inode *dir, const char *name, uint32_t mode,
                       const struct cred *cr, struct inode **out)
{
    struct p9_client *c = p9fs_client(dir);
    struct p9fs_inode *pi;
    uint32_t ofid, iounit = 0;
    int ret;

    if (is_ro(dir))
        return -EROFS;
    if (!name_ok(name))
        return -EINVAL;
    if (S_ISSOCK(mode)) {
        /* A bound AF_UNIX socket's node: nothing opens it. */
        ret = dir_changed(dir, p9_mknod(c, p9fs_fid(dir), name,
                                        S_IFSOCK | (mode & 07777), 0, 0,
                                        cr->fsgid, NULL));
        return ret < 0 ? ret : p9fs_lookup(dir, name, out);
    }
    ret = p9_walk(c, p9fs_fid(dir), 0, NULL, &ofid, NULL);
    if (ret < 0)
        return ret;
    ret = p9_lcreate(c, ofid, name, O_RDWR | O_CREAT | O_EXCL, mode & 07777,
                     cr->fsgid, NULL, &iounit);
    if (ret == 0)
        ret = p9fs_lookup(dir, name, out);
    if (ret < 0) {
        p9_clunk(c, ofid);
        return ret;
    }
    p9fs_attr_stale(dir);
    pi = (*out)->priv;
    pi->open_iounit = iounit;
    __atomic_store_n(&pi->open_fid, ofid, __ATOMIC_RELEASE);
    return 0;
}

static int p9fs_mkdir(struct inode *dir, const char *name, uint32_t mode,
                      const struct cred *cr)
{
    if (is_ro(dir))
        return -EROFS;
    if (!name_ok(name))
        return -EINVAL;
    return dir_changed(dir, p9_mkdir(p9fs_client(dir), p9fs_fid(dir), name,
                                     mode & 07777, cr->fsgid, NULL));
}

static int p9fs_symlink(struct inode *dir, const char *name,
                        const char *target, const struct cred *cr)
{
    if (is_ro(dir))
        return -EROFS;
    if (!name_ok(name))
        return -EINVAL;
    return dir_changed(dir, p9_symlink(p9fs_client(dir), p9fs_fid(dir), name,
                                       target, cr->fsgid, NULL));
}

static int p9fs_link(struct inode *dir, const char *name, struct inode *target)
{
    if (is_ro(dir))
        return -EROFS;
    if (target->sb != dir->sb)
        return -EXDEV;
    if (!name_ok(name))
        return -EINVAL;
    int ret = p9_link(p9fs_client(dir), p9fs_fid(dir), p9fs_fid(target),
                      name);

    dir_changed(target, ret); /* its link count */
    return dir_changed(dir, ret);
}

static int p9fs_unlink(struct inode *dir, const char *name)
{
    if (is_ro(dir))
        return -EROFS;
    if (!name_ok(name))
        return -EINVAL;
    return dir_changed(dir, p9_unlinkat(p9fs_client(dir), p9fs_fid(dir), name,
                                        0));
}

static int p9fs_rmdir(struct inode *dir, const char *name)
{
    if (is_ro(dir))
        return -EROFS;
    if (!name_ok(name))
        return -EINVAL;
    return dir_changed(dir, p9_unlinkat(p9fs_client(dir), p9fs_fid(dir), name,
                                        P9_AT_REMOVEDIR));
}

/* Trenameat has no flags: NOREPLACE and EXCHANGE cannot be done atomically,
 * so they are refused the way Linux refuses them on such filesystems. */
static int p9fs_rename(struct inode *odir, const char *oname,
                       struct inode *ndir, const char *nname, unsigned flags)
{
    if (is_ro(odir) || is_ro(ndir))
        return -EROFS;
    if (odir->sb != ndir->sb)
        return -EXDEV;
    if (flags)
        return -EINVAL;
    if (!name_ok(oname) || !name_ok(nname))
        return -EINVAL;
    int ret = p9_renameat(p9fs_client(odir), p9fs_fid(odir), oname,
                          p9fs_fid(ndir), nname);

    dir_changed(ndir, ret);
    return dir_changed(odir, ret);
}

/* A symlink's target never changes (a new target is a new inode), so the
 * one Twalkattr brought is good for the inode's life. */
static long p9fs_readlink(struct inode *ino, char *buf, size_t size)
{
    struct p9fs_inode *pi = ino->priv;
    uint32_t fid;
    size_t len;
    int ret;

    if (!S_ISLNK(ino->mode))
        return -EINVAL;
    if (!pi->link) {
        ret = p9fs_fid_get(ino, &fid);
        if (ret < 0)
            return ret;
        return p9_readlink(p9fs_client(ino), fid, buf, size);
    }
    len = MIN(size, strlen(pi->link));
    memcpy(buf, pi->link, len);
    return (long)len;
}

static int64_t clamp_s64(uint64_t v)
{
    return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

static struct vfs_time mk_time(uint64_t sec, uint64_t nsec)
{
    struct vfs_time t = {clamp_s64(sec), nsec < 1000000000 ? (int64_t)nsec : 0};

    return t;
}

static int p9fs_getattr(struct inode *ino, struct vfs_stat *st)
{
    struct p9fs_inode *pi = ino->priv;
    struct p9_attr a;
    bool valid;
    int ret;

    rt_lock(&pi->lock, true);
    valid = pi->attr_valid;
    a = pi->attr;
    rt_unlock(&pi->lock, true);
    if (!valid) {
        uint32_t fid;

        ret = p9fs_fid_get(ino, &fid);
        if (ret < 0)
            return ret;
        ret = p9_getattr(p9fs_client(ino), fid, P9_GETATTR_BASIC, &a);
        if (ret < 0)
            return ret;
        /* The type of an object never changes; a server saying so lies. */
        if ((a.mode & S_IFMT) != (ino->mode & S_IFMT))
            return -ESTALE;
        rt_lock(&pi->lock, true);
        pi->attr = a;
        pi->attr_valid = true;
        rt_unlock(&pi->lock, true);
        __atomic_store_n(&ino->mode, a.mode, __ATOMIC_RELAXED);
    }
    memset(st, 0, sizeof(*st));
    st->dev = ino->sb->dev;
    st->ino = ino->ino;
    st->mode = a.mode;
    st->nlink = a.nlink > UINT32_MAX ? UINT32_MAX : (uint32_t)a.nlink;
    st->uid = a.uid;
    st->gid = a.gid;
    st->rdev = a.rdev;
    st->size = clamp_s64(a.size);
    st->blksize = a.blksize ? clamp_s64(a.blksize) : 4096;
    st->blocks = clamp_s64(a.blocks);
    st->atime = mk_time(a.atime_sec, a.atime_nsec);
    st->mtime = mk_time(a.mtime_sec, a.mtime_nsec);
    st->ctime = mk_time(a.ctime_sec, a.ctime_nsec);
    st->btime = mk_time(a.btime_sec, a.btime_nsec);
    return 0;
}

static int p9fs_setattr(struct inode *ino, const struct vfs_setattr *sa)
{
    struct p9_iattr ia = {0};
    int ret;

    if (is_ro(ino))
        return -EROFS;
    if (sa->valid & VFS_ATTR_MODE) {
        ia.valid |= P9_SETATTR_MODE;
        ia.mode = sa->mode & 07777;
    }
    if (sa->valid & VFS_ATTR_UID) {
        ia.valid |= P9_SETATTR_UID;
        ia.uid = sa->uid;
    }
    if (sa->valid & VFS_ATTR_GID) {
        ia.valid |= P9_SETATTR_GID;
        ia.gid = sa->gid;
    }
    if (sa->valid & VFS_ATTR_SIZE) {
        if (sa->size < 0)
            return -EINVAL;
        ia.valid |= P9_SETATTR_SIZE;
        ia.size = (uint64_t)sa->size;
    }
    if (sa->valid & VFS_ATTR_ATIME) {
        ia.valid |= P9_SETATTR_ATIME | P9_SETATTR_ATIME_SET;
        ia.atime_sec = (uint64_t)sa->atime.sec;
        ia.atime_nsec = (uint64_t)sa->atime.nsec;
    } else if (sa->valid & VFS_ATTR_ATIME_NOW) {
        ia.valid |= P9_SETATTR_ATIME;
    }
    if (sa->valid & VFS_ATTR_MTIME) {
        ia.valid |= P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET;
        ia.mtime_sec = (uint64_t)sa->mtime.sec;
        ia.mtime_nsec = (uint64_t)sa->mtime.nsec;
    } else if (sa->valid & VFS_ATTR_MTIME_NOW) {
        ia.valid |= P9_SETATTR_MTIME;
    }
    if (ia.valid == 0)
        return 0;
    if (ia.valid & ~(P9_SETATTR_ATIME | P9_SETATTR_ATIME_SET |
                     P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET))
        ia.valid |= P9_SETATTR_CTIME;
    ret = p9_setattr(p9fs_client(ino), p9fs_fid(ino), &ia);
    p9fs_attr_stale(ino); /* even on failure: a partial change is possible */
    if (ret == 0 && (ia.valid & P9_SETATTR_SIZE))
        p9fs_pages_truncate(ino, ia.size);
    return ret;
}

static int p9fs_statfs(struct inode *ino, struct vfs_statfs *st)
{
    struct p9_statfs s;
    uint32_t fid;
    int ret;

    ret = p9fs_fid_get(ino, &fid);
    if (ret < 0)
        return ret;
    ret = p9_statfs(p9fs_client(ino), fid, &s);
    if (ret < 0)
        return ret;
    memset(st, 0, sizeof(*st));
    st->type = ino->sb->magic;
    st->bsize = s.bsize;
    st->frsize = s.bsize;
    st->blocks = s.blocks;
    st->bfree = s.bfree;
    st->bavail = s.bavail;
    st->files = s.files;
    st->ffree = s.ffree;
    st->namelen = s.namelen;
    st->flags = is_ro(ino) ? ST_RDONLY : 0;
    return 0;
}

static void p9fs_evict(struct inode *ino)
{
    struct p9fs_inode *pi = ino->priv;

    if (!pi)
        return;
    ihash_remove(ino->sb->priv, pi);
    p9fs_pages_free(ino);
    if (pi->open_fid != P9_NOFID)
        p9_clunk(p9fs_client(ino), pi->open_fid);
    if (pi->read_fid != P9_NOFID)
        p9_clunk(p9fs_client(ino), pi->read_fid);
    if (pi->host >= 0)
        p9_lend_put(p9fs_client(ino), pi->host);
    if (pi->shared_ro >= 0)
        p9_lend_put(p9fs_client(ino), pi->shared_ro);
    if (pi->shared_rw >= 0)
        p9_lend_put(p9fs_client(ino), pi->shared_rw);
    if (pi->fid != P9_NOFID)
        p9_clunk(p9fs_client(ino), pi->fid);
    if (pi->link)
        rt_heap_free(ino->sb->k->shared, pi->link);
    if (pi->name)
        rt_heap_free(ino->sb->k->shared, pi->name);
    if (pi->parent)
        vfs_inode_put(pi->parent);
    rt_heap_free(ino->sb->k->shared, pi);
    ino->priv = NULL;
}

static const struct inode_ops p9fs_inode_ops = {
    .lookup = p9fs_lookup,
    .create = p9fs_create,
    .mkdir = p9fs_mkdir,
    .symlink = p9fs_symlink,
    .link = p9fs_link,
    .unlink = p9fs_unlink,
    .rmdir = p9fs_rmdir,
    .rename = p9fs_rename,
    .readlink = p9fs_readlink,
    .getattr = p9fs_getattr,
    .setattr = p9fs_setattr,
    .statfs = p9fs_statfs,
    .open = p9fs_open,
    .evict = p9fs_evict,
    .attr_changed = p9fs_attr_stale,
};

int p9fs_mount(struct kernel *k, struct p9_client *c, const char *aname,
               const char *source, bool read_only, uint32_t uid,
               struct inode **root)
{
    struct p9fs_sb *ps;
    struct vfs_sb *sb;
    uint32_t fid;
    char *src;
    int ret = -ENOMEM;

    sb = rt_heap_zalloc(k->shared, sizeof(*sb));
    ps = rt_heap_zalloc(k->shared, sizeof(*ps));
    src = rt_heap_strdup(k->shared, source ? source : aname);
    if (!sb || !ps || !src)
        goto out_free;
    ps->c = c;
    ps->uid = uid;
    ps->ilock = (struct rt_lock)RT_LOCK_INIT;
    vfs_sb_init(sb, k, V9FS_MAGIC, "9p", src, ps);
    sb->read_only = read_only;
    /* The rules (docs/linux-compat.md): names and attributes are cached;
     * on an rw mount an open asks the server again (close-to-open). */
    sb->cache_names = true;
    sb->revalidate_open = !read_only;

    ret = p9_attach(c, aname, uid, &fid, NULL);
    if (ret < 0)
        goto out_free;
    ret = inode_from_fid(sb, fid, root);
    if (ret < 0)
        goto out_free;
    if (!S_ISDIR((*root)->mode)) {
        vfs_inode_put(*root); /* clunks the fid; nothing else uses sb */
        *root = NULL;
        ret = -ENOTDIR;
        goto out_free;
    }
    return 0;
out_free:
    if (src)
        rt_heap_free(k->shared, src);
    if (ps)
        rt_heap_free(k->shared, ps);
    if (sb)
        rt_heap_free(k->shared, sb);
    return ret;
}
