/* SPDX-License-Identifier: MIT */
/*
 * VFS path operations (core, kernel image): open, stat, access, mkdir,
 * mknod, unlink, rename, link, symlink, readlink, setattr and statfs on
 * paths, with Linux's permission, read-only and cross-mount rules.
 */
#include "core/fs/vfs_internal.h"

static bool is_dot(const char *name)
{
    return name[0] == '\0' || strcmp(name, ".") == 0 ||
           strcmp(name, "..") == 0;
}

static unsigned walk_flags(unsigned at_flags, bool follow_default)
{
    unsigned f = 0;

    if (follow_default ? !(at_flags & AT_SYMLINK_NOFOLLOW)
                       : (at_flags & AT_SYMLINK_FOLLOW))
        f |= WALK_FOLLOW;
    if (at_flags & AT_EMPTY_PATH)
        f |= WALK_EMPTY;
    return f;
}

/* Files a read-only mount protects (devices and FIFOs stay writable). */
static bool ro_protected(struct inode *ino)
{
    return vfs_is_ro(ino) && (S_ISREG(ino->mode) || S_ISDIR(ino->mode) ||
                              S_ISLNK(ino->mode));
}

/* Write and search permission on (dir) to add or remove a name. */
static int may_modify_dir(struct task *t, struct inode *dir)
{
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (vfs_is_ro(dir))
        return -EROFS;
    return vfs_permission(task_cred(t), dir, MAY_WRITE | MAY_EXEC);
}

/* The sticky-directory rule for removing or replacing (child) in (dir). */
static int check_sticky(struct task *t, struct inode *dir, struct inode *child)
{
    const struct cred *c = task_cred(t);
    struct vfs_stat ds, cs;
    int err;

    if (c->fsuid == 0)
        return 0;
    err = vfs_getattr(dir, &ds);
    if (err < 0 || !(ds.mode & S_ISVTX))
        return err;
    err = vfs_getattr(child, &cs);
    if (err < 0)
        return err;
    if (cs.uid != c->fsuid && ds.uid != c->fsuid)
        return -EPERM;
    return 0;
}

/* Is a filesystem mounted on (d), or is (d) a mounted root? */
static bool is_mountpoint(const struct dentry *d)
{
    return d->mounted || (d->flags & D_MNTROOT);
}

/* Look the last component up; -ENOENT leaves *child NULL. */
static int lookup_last(struct task *t, struct nameres *nr,
                       struct dentry **child)
{
    int err = vfs_lookup_child(t, nr->d, nr->name, child);

    if (err < 0)
        *child = NULL;
    return err;
}

/* A name operation changed (ino)'s attributes (links, ctime). */
static void attr_changed(struct inode *ino)
{
    if (ino && ino->ops && ino->ops->attr_changed)
        ino->ops->attr_changed(ino);
}

/* --- open ---------------------------------------------------------------- */

static int do_open(struct task *t, struct dentry *d, uint32_t flags,
                   bool created, struct file **out)
{
    struct inode *ino = d->inode;
    uint32_t acc = flags & O_ACCMODE;
    int mask = 0, err;

    if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
        return -ENOTDIR;
    if (flags & O_PATH)
        return vfs_file_alloc(d, flags, out);
    if (S_ISLNK(ino->mode))
        return -ELOOP;
    if (acc == O_RDONLY || acc == O_RDWR)
        mask |= MAY_READ;
    if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
        mask |= MAY_WRITE;
    if (acc == O_ACCMODE)
        return -EINVAL;
    if (S_ISDIR(ino->mode) && (mask & MAY_WRITE))
        return -EISDIR;
    if ((mask & MAY_WRITE) && ro_protected(ino))
        return -EROFS;
    if (!created) {
        err = vfs_permission(task_cred(t), ino, mask);
        if (err < 0)
            return err;
    }
    if ((flags & O_TRUNC) && S_ISREG(ino->mode) && !created) {
        struct vfs_setattr sa = {.valid = VFS_ATTR_SIZE, .size = 0};
        if (!ino->ops || !ino->ops->setattr)
            return -EPERM;
        err = ino->ops->setattr(ino, &sa);
        if (err < 0)
            return err;
    }
    if (S_ISSOCK(ino->mode))
        return -ENXIO;      /* sockets are reached by connect(2) */
    return vfs_file_open_dentry(t, d, flags, out);
}

/* O_CREAT: walk to the parent, create or open the last name, following a
 * symlink there (even a dangling one) unless O_EXCL/O_NOFOLLOW. */
static int open_creat(struct task *t, const struct vfs_loc *at,
                      const char *path, uint32_t flags, uint32_t mode,
                      struct file **out)
{
    struct kernel *k = t->k;
    struct vfs_loc cur = {0};
    struct nameres nr;
    struct dentry *child = NULL;
    struct inode *ino;
    char *buf;
    int err, loops = 0;

    buf = rt_heap_alloc(k->shared, VFS_PATH_MAX);
    if (!buf)
        return -ENOMEM;
    strlcpy(buf, path, VFS_PATH_MAX);
    if (at) {
        err = vfs_loc_dup(k, at, &cur);
        if (err < 0)
            goto out_buf;
    }
    for (;;) {
        err = vfs_walk(t, cur.dentry ? &cur : NULL, buf, WALK_PARENT, &nr);
        if (err < 0)
            goto out;
        if (is_dot(nr.name)) {
            nameres_put(&nr);
            err = -EISDIR;
            goto out;
        }
        if (nr.ino->sb->revalidate_open)
            d_forget(nr.d, nr.name);
        err = lookup_last(t, &nr, &child);
        if (err < 0 && err != -ENOENT)
            goto out_nr;
        if (child && S_ISLNK(child->inode->mode) && !(flags & O_EXCL)) {
            struct dentry *mt;
            long n;

            if (flags & O_NOFOLLOW) {
                err = -ELOOP;
                goto out_nr;
            }
            if (++loops > VFS_SYMLINK_MAX) {
                err = -ELOOP;
                goto out_nr;
            }
            err = procfs_magic_link(child->inode, &mt);
            if (err < 0)
                goto out_nr;
            if (err > 0) {
                dput(child);
                child = mt;
                goto existing;
            }
            ino = child->inode;
            n = ino->ops && ino->ops->readlink
                    ? ino->ops->readlink(ino, buf, VFS_PATH_MAX - 1)
                    : -EINVAL;
            if (n < 0) {
                err = (int)n;
                goto out_nr;
            }
            if (n == 0) {
                err = -ENOENT;
                goto out_nr;
            }
            buf[n] = '\0';
            if (nr.trailing_slash)
                strlcat(buf, "/", VFS_PATH_MAX);
            dput(child);
            child = NULL;
            vfs_loc_put(&cur);
            cur.dentry = nr.d;
            cur.inode = nr.ino;
            nr.d = NULL;
            nr.ino = NULL;
            continue;
        }
        break;
    }
    if (child) {
existing:
        if (flags & O_EXCL) {
            err = -EEXIST;
            goto out_nr;
        }
        if (S_ISDIR(child->inode->mode) || nr.trailing_slash) {
            err = -EISDIR;
            goto out_nr;
        }
        err = do_open(t, child, flags, false, out);
        goto out_nr;
    }
    if (nr.trailing_slash) {
        err = -EISDIR;
        goto out_nr;
    }
    err = may_modify_dir(t, nr.ino);
    if (err < 0)
        goto out_nr;
    if (!nr.ino->ops || !nr.ino->ops->create) {
        err = -EPERM;
        goto out_nr;
    }
    err = nr.ino->ops->create(nr.ino, nr.name,
                              S_IFREG | (mode & 07777 & ~t->proc->umask),
                              task_cred(t), &ino);
    if (err < 0)
        goto out_nr;
    err = d_add(nr.d, nr.name, ino, &child);
    vfs_inode_put(ino);
    if (err == 0)
        err = do_open(t, child, flags, true, out);
out_nr:
    if (child)
        dput(child);
    nameres_put(&nr);
out:
    vfs_loc_put(&cur);
out_buf:
    rt_heap_free(k->shared, buf);
    return err;
}

int vfs_open(struct task *t, const struct vfs_loc *at, const char *path,
             uint32_t oflags, uint32_t mode, struct file **out)
{
    struct nameres nr;
    int err;

    if ((oflags & O_TMPFILE) == O_TMPFILE)
        return -EOPNOTSUPP;
    if (oflags & O_PATH)
        oflags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    if (oflags & O_CREAT)
        return open_creat(t, at, path, oflags, mode, out);
    err = vfs_walk(t, at, path,
                   ((oflags & O_NOFOLLOW) ? 0 : WALK_FOLLOW) | WALK_OPEN, &nr);
    if (err < 0)
        return err;
    if (S_ISLNK(nr.ino->mode) && !(oflags & O_PATH))
        err = -ELOOP;
    else
        err = do_open(t, nr.d, oflags, false, out);
    nameres_put(&nr);
    return err;
}

/* --- queries ------------------------------------------------------------- */

int vfs_stat(struct task *t, const struct vfs_loc *at, const char *path,
             unsigned flags, struct vfs_stat *st)
{
    struct nameres nr;
    int err = vfs_walk(t, at, path, walk_flags(flags, true), &nr);

    if (err < 0)
        return err;
    err = vfs_getattr(nr.ino, st);
    nameres_put(&nr);
    return err;
}

int vfs_access(struct task *t, const struct vfs_loc *at, const char *path,
               int amode, unsigned flags)
{
    struct cred c = *task_cred(t);
    struct nameres nr;
    int err;

    if (amode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (!(flags & AT_EACCESS)) {
        c.fsuid = c.uid;
        c.fsgid = c.gid;
    }
    err = vfs_walk(t, at, path, walk_flags(flags, true), &nr);
    if (err < 0)
        return err;
    err = 0;
    if ((amode & W_OK) && ro_protected(nr.ino))
        err = -EROFS;
    else if (amode)
        err = vfs_permission(&c, nr.ino, amode);
    nameres_put(&nr);
    return err;
}

long vfs_readlink(struct task *t, const struct vfs_loc *at, const char *path,
                  char *buf, size_t size)
{
    struct nameres nr;
    long n;
    int err;

    err = vfs_walk(t, at, path, WALK_EMPTY, &nr);
    if (err < 0)
        return err;
    if (!S_ISLNK(nr.ino->mode) || !nr.ino->ops || !nr.ino->ops->readlink)
        n = -EINVAL;
    else if (size == 0)
        n = -EINVAL;
    else
        n = nr.ino->ops->readlink(nr.ino, buf, size);
    nameres_put(&nr);
    return n;
}

int vfs_statfs(struct task *t, const struct vfs_loc *at, const char *path,
               struct vfs_statfs *st)
{
    struct nameres nr;
    int err = vfs_walk(t, at, path, WALK_FOLLOW, &nr);

    if (err < 0)
        return err;
    err = vfs_fstatfs_inode(nr.ino, st);
    nameres_put(&nr);
    return err;
}

int vfs_resolve_dir(struct task *t, const struct vfs_loc *at,
                    const char *path, struct vfs_loc *out)
{
    struct nameres nr;
    int err = vfs_walk(t, at, path, WALK_FOLLOW | WALK_EMPTY, &nr);

    if (err < 0)
        return err;
    if (!S_ISDIR(nr.ino->mode))
        err = -ENOTDIR;
    else
        err = vfs_permission(task_cred(t), nr.ino, MAY_EXEC);
    if (err < 0) {
        nameres_put(&nr);
        return err;
    }
    out->inode = nr.ino;
    out->dentry = nr.d;
    return 0;
}

/* --- creating names ------------------------------------------------------ */

/*
 * Walk to the parent of a new name: fails with -EEXIST when the name is
 * there (or is "."/".."/"/"), and checks the directory may be changed.
 */
static int prepare_create(struct task *t, const struct vfs_loc *at,
                          const char *path, struct nameres *nr)
{
    struct dentry *child;
    int err;

    err = vfs_walk(t, at, path, WALK_PARENT, nr);
    if (err < 0)
        return err;
    if (is_dot(nr->name)) {
        err = -EEXIST;
        goto fail;
    }
    err = lookup_last(t, nr, &child);
    if (err == 0) {
        dput(child);
        err = -EEXIST;
        goto fail;
    }
    if (err != -ENOENT)
        goto fail;
    err = may_modify_dir(t, nr->ino);
    if (err < 0)
        goto fail;
    return 0;
fail:
    nameres_put(nr);
    return err;
}

int vfs_mkdir(struct task *t, const struct vfs_loc *at, const char *path,
              uint32_t mode)
{
    struct nameres nr;
    int err = prepare_create(t, at, path, &nr);

    if (err < 0)
        return err;
    if (!nr.ino->ops || !nr.ino->ops->mkdir)
        err = -EPERM;
    else
        err = nr.ino->ops->mkdir(nr.ino, nr.name,
                                 S_IFDIR | (mode & 01777 & ~t->proc->umask),
                                 task_cred(t));
    if (err == 0)
        d_forget(nr.d, nr.name);
    nameres_put(&nr);
    return err;
}

int vfs_mknod(struct task *t, const struct vfs_loc *at, const char *path,
              uint32_t mode, uint64_t dev)
{
    struct nameres nr;
    struct inode *ino;
    uint32_t type = mode & S_IFMT;
    int err;

    (void)dev;
    if (type == 0)
        type = S_IFREG;
    switch (type) {
    case S_IFREG:
        break;
    case S_IFCHR:
    case S_IFBLK:
        if (task_cred(t)->fsuid != 0)
            return -EPERM;
        return -EOPNOTSUPP;
    case S_IFSOCK:
        break;
    case S_IFIFO:
        return -EOPNOTSUPP;
    default:
        return -EINVAL;
    }
    err = prepare_create(t, at, path, &nr);
    if (err < 0)
        return err;
    if (nr.trailing_slash)
        err = -ENOENT;
    else if (!nr.ino->ops || !nr.ino->ops->create)
        err = -EPERM;
    else
        err = nr.ino->ops->create(nr.ino, nr.name,
                                  type | (mode & 07777 & ~t->proc->umask),
                                  task_cred(t), &ino);
    if (err == 0) {
        vfs_inode_put(ino);
        d_forget(nr.d, nr.name);
    }
    nameres_put(&nr);
    return err;
}

int vfs_symlink(struct task *t, const char *target, const struct vfs_loc *at,
                const char *path)
{
    struct nameres nr;
    size_t tl = strnlen(target, VFS_PATH_MAX);
    int err;

    if (tl == 0)
        return -ENOENT;
    if (tl >= VFS_PATH_MAX)
        return -ENAMETOOLONG;
    err = prepare_create(t, at, path, &nr);
    if (err < 0)
        return err;
    if (nr.trailing_slash)
        err = -ENOENT;
    else if (!nr.ino->ops || !nr.ino->ops->symlink)
        err = -EPERM;
    else
        err = nr.ino->ops->symlink(nr.ino, nr.name, target, task_cred(t));
    if (err == 0)
        d_forget(nr.d, nr.name);
    nameres_put(&nr);
    return err;
}

int vfs_link(struct task *t, const struct vfs_loc *oat, const char *opath,
             const struct vfs_loc *nat, const char *npath, unsigned flags)
{
    struct nameres old, nr;
    int err;

    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    err = vfs_walk(t, oat, opath, walk_flags(flags, false), &old);
    if (err < 0)
        return err;
    if (S_ISDIR(old.ino->mode)) {
        err = -EPERM;
        goto out_old;
    }
    err = prepare_create(t, nat, npath, &nr);
    if (err < 0)
        goto out_old;
    if (nr.ino->sb != old.ino->sb)
        err = -EXDEV;
    else if (nr.trailing_slash)
        err = -ENOENT;
    else if (!nr.ino->ops || !nr.ino->ops->link)
        err = -EPERM;
    else
        err = nr.ino->ops->link(nr.ino, nr.name, old.ino);
    if (err == 0) {
        d_forget(nr.d, nr.name);
        attr_changed(old.ino);
    }
    nameres_put(&nr);
out_old:
    nameres_put(&old);
    return err;
}

/* --- removing and moving names -------------------------------------------- */

int vfs_unlink(struct task *t, const struct vfs_loc *at, const char *path,
               unsigned flags)
{
    bool rmdir = flags & AT_REMOVEDIR;
    struct nameres nr;
    struct dentry *child = NULL;
    struct inode *ci;
    int err;

    if (flags & ~AT_REMOVEDIR)
        return -EINVAL;
    err = vfs_walk(t, at, path, WALK_PARENT, &nr);
    if (err < 0)
        return err;
    if (is_dot(nr.name)) {
        if (!rmdir)
            err = -EISDIR;
        else if (nr.name[0] == '\0')
            err = -EBUSY;
        else
            err = nr.name[1] == '.' ? -ENOTEMPTY : -EINVAL;
        goto out;
    }
    err = lookup_last(t, &nr, &child);
    if (err < 0)
        goto out;
    ci = child->inode;
    if (rmdir && !S_ISDIR(ci->mode))
        err = -ENOTDIR;
    else if (!rmdir && S_ISDIR(ci->mode))
        err = -EISDIR;
    else if (!rmdir && nr.trailing_slash)
        err = -ENOTDIR;
    if (err < 0)
        goto out;
    err = may_modify_dir(t, nr.ino);
    if (err == 0)
        err = check_sticky(t, nr.ino, ci);
    if (err == 0 && is_mountpoint(child))
        err = -EBUSY;
    if (err < 0)
        goto out;
    if (rmdir)
        err = nr.ino->ops && nr.ino->ops->rmdir
                  ? nr.ino->ops->rmdir(nr.ino, nr.name) : -EPERM;
    else
        err = nr.ino->ops && nr.ino->ops->unlink
                  ? nr.ino->ops->unlink(nr.ino, nr.name) : -EPERM;
    if (err == 0) {
        d_delete(child);
        attr_changed(ci);
    }
out:
    if (child)
        dput(child);
    nameres_put(&nr);
    return err;
}

int vfs_rename(struct task *t, const struct vfs_loc *oat, const char *opath,
               const struct vfs_loc *nat, const char *npath, unsigned flags)
{
    struct nameres o, n;
    struct dentry *ocd = NULL, *ncd = NULL;
    struct inode *oc, *nc;
    bool exch = flags & VFS_RENAME_EXCHANGE;
    int err;

    if (flags & ~(VFS_RENAME_NOREPLACE | VFS_RENAME_EXCHANGE |
                  VFS_RENAME_WHITEOUT))
        return -EINVAL;
    if ((flags & VFS_RENAME_NOREPLACE) && exch)
        return -EINVAL;
    if (flags & VFS_RENAME_WHITEOUT)
        return -EOPNOTSUPP;
    err = vfs_walk(t, oat, opath, WALK_PARENT, &o);
    if (err < 0)
        return err;
    err = vfs_walk(t, nat, npath, WALK_PARENT, &n);
    if (err < 0)
        goto out_o;
    if (is_dot(o.name) || is_dot(n.name)) {
        err = -EBUSY;
        goto out;
    }
    err = lookup_last(t, &o, &ocd);
    if (err < 0)
        goto out;
    err = lookup_last(t, &n, &ncd);
    if (err < 0 && err != -ENOENT)
        goto out;
    oc = ocd->inode;
    nc = ncd ? ncd->inode : NULL;
    err = 0;
    if (o.ino->sb != n.ino->sb || oc->sb != o.ino->sb ||
        (nc && nc->sb != n.ino->sb))
        err = -EXDEV;
    else if (exch && !nc)
        err = -ENOENT;
    else if (nc && (flags & VFS_RENAME_NOREPLACE))
        err = -EEXIST;
    else if (!S_ISDIR(oc->mode) && !exch &&
             (o.trailing_slash || n.trailing_slash))
        err = -ENOTDIR;
    if (err < 0)
        goto out;
    if (nc && vfs_same_inode(oc, nc)) {
        err = 0; /* both names are links to one file: nothing to do */
        goto out;
    }
    if (nc && !exch) {
        if (S_ISDIR(oc->mode) && !S_ISDIR(nc->mode))
            err = -ENOTDIR;
        else if (!S_ISDIR(oc->mode) && S_ISDIR(nc->mode))
            err = -EISDIR;
    }
    /* A directory cannot move beneath itself. */
    if (err == 0 && S_ISDIR(oc->mode) && d_is_ancestor(ocd, n.d))
        err = -EINVAL;
    if (err == 0 && exch && S_ISDIR(nc->mode) && d_is_ancestor(ncd, o.d))
        err = -EINVAL;
    if (err == 0 && (is_mountpoint(ocd) || (ncd && is_mountpoint(ncd))))
        err = -EBUSY;
    if (err == 0)
        err = may_modify_dir(t, o.ino);
    if (err == 0)
        err = may_modify_dir(t, n.ino);
    if (err == 0)
        err = check_sticky(t, o.ino, oc);
    if (err == 0 && nc)
        err = check_sticky(t, n.ino, nc);
    /* A directory moving to another parent rewrites its "..". */
    if (err == 0 && S_ISDIR(oc->mode) && !vfs_same_inode(o.ino, n.ino))
        err = vfs_permission(task_cred(t), oc, MAY_WRITE);
    if (err == 0 && exch && nc && S_ISDIR(nc->mode) &&
        !vfs_same_inode(o.ino, n.ino))
        err = vfs_permission(task_cred(t), nc, MAY_WRITE);
    if (err < 0)
        goto out;
    if (!o.ino->ops || !o.ino->ops->rename)
        err = -EPERM;
    else
        err = o.ino->ops->rename(o.ino, o.name, n.ino, n.name,
                                 flags & (VFS_RENAME_NOREPLACE |
                                          VFS_RENAME_EXCHANGE));
    if (err < 0)
        goto out;
    attr_changed(oc);
    attr_changed(nc);
    /* Move the name; with no memory for it, forget both so the next
     * walk asks the filesystem (open files keep their old names). */
    if (d_move(ocd, n.d, n.name, exch) < 0) {
        d_forget(o.d, o.name);
        d_forget(n.d, n.name);
    }
out:
    if (ocd)
        dput(ocd);
    if (ncd)
        dput(ncd);
    nameres_put(&n);
out_o:
    nameres_put(&o);
    return err;
}

/* --- attributes ---------------------------------------------------------- */

int vfs_setattr(struct task *t, const struct vfs_loc *at, const char *path,
                unsigned flags, const struct vfs_setattr *sa)
{
    struct nameres nr;
    int err = vfs_walk(t, at, path, walk_flags(flags, true), &nr);

    if (err < 0)
        return err;
    err = vfs_setattr_inode(t, nr.ino, sa, false);
    nameres_put(&nr);
    return err;
}
