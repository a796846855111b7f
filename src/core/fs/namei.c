/* SPDX-License-Identifier: MIT */
/*
 * Path walk (core, kernel image): turns a path into a dentry, following
 * symlinks, crossing mounts and taking ".." by the parent link.
 */
#include "core/fs/vfs_internal.h"

struct walk {
    struct kernel *k;
    struct task *t;
    const struct cred *cred;  /* NULL: no permission checks */
    struct dentry *cur;       /* current position (a top), referenced */
    struct dentry *root;      /* ".." never goes above it; not referenced */
    char *rem;                /* what is left to walk */
    char *tmp;                /* symlink splicing, allocated on first use */
    int nlinks;
};

int vfs_lookup_child(struct task *t, struct dentry *dir, const char *name,
                     struct dentry **out)
{
    struct inode *dino = dir->inode;
    int err;

    if (!S_ISDIR(dino->mode))
        return -ENOTDIR;
    if (t) {
        err = vfs_permission(task_cred(t), dino, MAY_EXEC);
        if (err < 0)
            return err;
    }
    if (strlen(name) > VFS_NAME_MAX)
        return -ENAMETOOLONG;
    if (!dino->ops || !dino->ops->lookup)
        return -ENOTDIR;
    return d_lookup(dir, name, out);
}

static void move_to(struct walk *w, struct dentry *d)
{
    dput(w->cur);
    w->cur = d;
}

/* "..": the parent, except at the walk's root or the tree's root. */
static void go_parent(struct walk *w)
{
    struct dentry *p;

    if (w->cur == w->root || w->cur == d_top(w->root) || !w->cur->parent)
        return;
    p = dget(d_top(w->cur->parent));
    move_to(w, p);
}

static int start_at_root(struct walk *w)
{
    struct dentry *r;

    if (w->t && w->t->proc && w->t->proc->root.dentry) {
        w->root = w->t->proc->root.dentry;
        r = dget(d_top(w->root));
    } else {
        r = vfs_root_get(w->k);
        if (!r)
            return -ENOENT;
        w->root = w->k->vfs->root;
    }
    if (w->cur)
        dput(w->cur);
    w->cur = r;
    return 0;
}

/*
 * Replace the walked component (rem[0..q)) by the target of symlink (lnk):
 * rem becomes target + rem[q..]. Magic links (procfs fd) jump directly.
 */
static int follow_link(struct walk *w, struct dentry *lnk, size_t q)
{
    struct inode *li = lnk->inode;
    struct dentry *target;
    size_t rl;
    long n;
    int err;

    if (++w->nlinks > VFS_SYMLINK_MAX)
        return -ELOOP;
    err = procfs_magic_link(li, &target);
    if (err < 0)
        return err;
    if (err > 0) {
        move_to(w, target);
        memmove(w->rem, w->rem + q, strlen(w->rem + q) + 1);
        return 0;
    }
    if (!li->ops || !li->ops->readlink)
        return -EINVAL;
    if (!w->tmp) {
        w->tmp = rt_heap_alloc(w->k->shared, VFS_PATH_MAX);
        if (!w->tmp)
            return -ENOMEM;
    }
    n = li->ops->readlink(li, w->tmp, VFS_PATH_MAX - 1);
    if (n < 0)
        return (int)n;
    if (n == 0)
        return -ENOENT;
    rl = strlen(w->rem + q);
    if ((size_t)n + rl + 1 > VFS_PATH_MAX)
        return -ENAMETOOLONG;
    memmove(w->rem + n, w->rem + q, rl + 1);
    memcpy(w->rem, w->tmp, (size_t)n);
    if (w->tmp[0] == '/')
        return start_at_root(w);
    return 0;
}

static int walk_loop(struct walk *w, unsigned flags, struct nameres *out)
{
    char name[VFS_NAME_MAX + 1];
    struct dentry *child;
    size_t p = 0;
    int err;

    for (;;) {
        size_t q, r, n;
        bool last, trailing;

        while (w->rem[p] == '/')
            p++;
        if (!w->rem[p])
            return 0;
        for (q = p; w->rem[q] && w->rem[q] != '/'; q++)
            ;
        for (r = q; w->rem[r] == '/'; r++)
            ;
        last = w->rem[r] == '\0';
        trailing = last && r != q;
        n = q - p;
        if (n > VFS_NAME_MAX)
            return -ENAMETOOLONG;
        if (last && (flags & WALK_PARENT)) {
            memcpy(out->name, w->rem + p, n);
            out->name[n] = '\0';
            out->trailing_slash = trailing;
            return 0;
        }
        memcpy(name, w->rem + p, n);
        name[n] = '\0';
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
            if (!S_ISDIR(w->cur->inode->mode))
                return -ENOTDIR;
            if (w->cred) {
                err = vfs_permission(w->cred, w->cur->inode, MAY_EXEC);
                if (err < 0)
                    return err;
            }
            if (name[1] == '.')
                go_parent(w);
            p = r;
            continue;
        }
        /* Close-to-open: an open asks the filesystem again for the name
         * it opens where names may change behind the sandbox. */
        if (last && (flags & WALK_OPEN) && w->cur->inode->sb->revalidate_open)
            d_forget(w->cur, name);
        err = vfs_lookup_child(w->t, w->cur, name, &child);
        if (err < 0)
            return err;
        if (S_ISLNK(child->inode->mode) &&
            (!last || trailing || (flags & WALK_FOLLOW))) {
            /* (q) indexes rem; keep the rest after the link. */
            err = follow_link(w, child, q);
            dput(child);
            if (err < 0)
                return err;
            p = 0;
            continue;
        }
        move_to(w, child);
        if (last && trailing && !S_ISDIR(w->cur->inode->mode))
            return -ENOTDIR;
        p = r;
    }
}

int vfs_walk(struct task *t, const struct vfs_loc *at, const char *path,
             unsigned flags, struct nameres *out)
{
    struct walk w;
    struct kernel *k = t ? t->k : NULL;
    size_t plen;
    int err;

    memset(out, 0, sizeof(*out));
    memset(&w, 0, sizeof(w));
    if (!k && at)
        k = inode_kernel(at->inode);
    if (!k)
        return -EINVAL;
    plen = strnlen(path, VFS_PATH_MAX);
    if (plen >= VFS_PATH_MAX)
        return -ENAMETOOLONG;
    if (plen == 0 && !(flags & WALK_EMPTY))
        return -ENOENT;
    w.k = k;
    w.t = t;
    w.cred = t ? task_cred(t) : NULL;
    w.rem = rt_heap_alloc(k->shared, VFS_PATH_MAX);
    if (!w.rem)
        return -ENOMEM;
    memcpy(w.rem, path, plen + 1);
    if (path[0] == '/' || !at) {
        err = start_at_root(&w);
        if (err < 0)
            goto out;
    } else {
        w.cur = dget(d_top(at->dentry));
        if (t && t->proc && t->proc->root.dentry)
            w.root = t->proc->root.dentry;
        else
            w.root = k->vfs->root;
    }
    err = walk_loop(&w, flags, out);
    if (err < 0)
        goto out;
    out->d = w.cur;
    out->ino = w.cur->inode;
    w.cur = NULL;
out:
    if (w.cur)
        dput(w.cur);
    if (w.tmp)
        rt_heap_free(k->shared, w.tmp);
    rt_heap_free(k->shared, w.rem);
    return err;
}

void nameres_put(struct nameres *r)
{
    if (r->d)
        dput(r->d);
    r->d = NULL;
    r->ino = NULL;
}
