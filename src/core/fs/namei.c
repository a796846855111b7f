/* SPDX-License-Identifier: MIT */
/*
 * Path walk (core, kernel image): turns a path into an inode and its
 * canonical absolute path, following symlinks, crossing mounts and doing
 * ".." lexically on the canonical path.
 */
#include "core/fs/vfs_internal.h"

#define WALK_STACK 32

struct walk {
    struct kernel *k;
    struct task *t;
    const struct cred *cred;  /* NULL: no permission checks */
    struct inode *ino;        /* current position, referenced */
    char *path;               /* its canonical path */
    const char *root_path;    /* ".." never goes above it */
    char *rem;                /* what is left to walk */
    char *tmp;
    char *link;
    int nlinks;
    /* Ancestors walked in this call: stack[i] is the inode of the prefix
     * of (path) of length depth_len[i]. */
    struct inode *stack[WALK_STACK];
    size_t stack_len[WALK_STACK];
    int depth;
};

int vfs_path_join(char *buf, const char *dirpath, const char *name)
{
    size_t dl = strlen(dirpath), nl = strlen(name);
    bool root = dl == 1 && dirpath[0] == '/';

    if (dl + nl + 2 > VFS_PATH_MAX)
        return -ENAMETOOLONG;
    memmove(buf, dirpath, dl);
    if (!root)
        buf[dl++] = '/';
    memcpy(buf + dl, name, nl);
    buf[dl + nl] = '\0';
    return 0;
}

int vfs_lookup_child(struct task *t, struct inode *dir, const char *dirpath,
                     const char *name, struct inode **out, char *childpath)
{
    struct inode *child, *mnt;
    int err;

    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (t) {
        err = vfs_permission(task_cred(t), dir, MAY_EXEC);
        if (err < 0)
            return err;
    }
    if (strlen(name) > VFS_NAME_MAX)
        return -ENAMETOOLONG;
    if (!dir->ops || !dir->ops->lookup)
        return -ENOTDIR;
    err = vfs_path_join(childpath, dirpath, name);
    if (err < 0)
        return err;
    err = dir->ops->lookup(dir, name, &child);
    if (err < 0)
        return err;
    mnt = vfs_mount_lookup(inode_kernel(dir), childpath);
    if (mnt) {
        vfs_inode_put(child);
        child = mnt;
    }
    *out = child;
    return 0;
}

static void stack_clear(struct walk *w)
{
    while (w->depth > 0)
        vfs_inode_put(w->stack[--w->depth]);
}

/* Move to (child) at canonical path (childpath), remembering the parent. */
static void descend(struct walk *w, struct inode *child, const char *childpath)
{
    if (w->depth == WALK_STACK)
        stack_clear(w);
    w->stack[w->depth] = w->ino;
    w->stack_len[w->depth] = strlen(w->path);
    w->depth++;
    w->ino = child;
    strlcpy(w->path, childpath, VFS_PATH_MAX);
}

/* Plain walk of a canonical path from the VFS root (no symlinks). */
static int walk_canonical(struct kernel *k, const char *path,
                          struct inode **out, char *buf)
{
    struct inode *cur = vfs_root_get(k), *child;
    char name[VFS_NAME_MAX + 1];
    const char *p = path;
    int err;

    if (!cur)
        return -ENOENT;
    strlcpy(buf, "/", VFS_PATH_MAX);
    while (*p) {
        const char *q;
        while (*p == '/')
            p++;
        if (!*p)
            break;
        for (q = p; *q && *q != '/'; q++)
            ;
        if ((size_t)(q - p) > VFS_NAME_MAX) {
            vfs_inode_put(cur);
            return -ENAMETOOLONG;
        }
        memcpy(name, p, (size_t)(q - p));
        name[q - p] = '\0';
        err = vfs_lookup_child(NULL, cur, buf, name, &child, buf);
        vfs_inode_put(cur);
        if (err < 0)
            return err;
        cur = child;
        p = q;
    }
    *out = cur;
    return 0;
}

static int go_parent(struct walk *w)
{
    struct inode *parent;
    char *slash;
    int err;

    if (strcmp(w->path, w->root_path) == 0 || strcmp(w->path, "/") == 0)
        return 0;
    slash = strrchr(w->path, '/');
    if (slash == w->path)
        slash[1] = '\0';
    else
        *slash = '\0';
    if (w->depth > 0 && w->stack_len[w->depth - 1] == strlen(w->path)) {
        vfs_inode_put(w->ino);
        w->ino = w->stack[--w->depth];
        return 0;
    }
    stack_clear(w);
    err = walk_canonical(w->k, w->path, &parent, w->tmp);
    if (err < 0)
        return err;
    vfs_inode_put(w->ino);
    w->ino = parent;
    return 0;
}

static int start_at_root(struct walk *w)
{
    struct inode *r;

    stack_clear(w);
    if (w->t && w->t->proc && w->t->proc->root.inode) {
        r = w->t->proc->root.inode;
        vfs_inode_get(r);
        w->root_path = w->t->proc->root.path;
    } else {
        r = vfs_root_get(w->k);
        if (!r)
            return -ENOENT;
        w->root_path = "/";
    }
    if (w->ino)
        vfs_inode_put(w->ino);
    w->ino = r;
    strlcpy(w->path, w->root_path, VFS_PATH_MAX);
    return 0;
}

/*
 * Replace the walked component (rem[0..q)) by the target of symlink (lnk):
 * rem becomes target + rem[q..]. Magic links (procfs fd) jump directly.
 */
static int follow_link(struct walk *w, struct inode *lnk, size_t q,
                       bool *jumped)
{
    struct inode *target;
    char *tpath;
    size_t rl;
    long n;
    int err;

    *jumped = false;
    if (++w->nlinks > VFS_SYMLINK_MAX)
        return -ELOOP;
    err = procfs_magic_link(lnk, &target, &tpath);
    if (err < 0)
        return err;
    if (err > 0) {
        stack_clear(w);
        vfs_inode_put(w->ino);
        w->ino = target;
        strlcpy(w->path, tpath, VFS_PATH_MAX);
        rt_heap_free(w->k->shared, tpath);
        memmove(w->rem, w->rem + q, strlen(w->rem + q) + 1);
        *jumped = true;
        return 0;
    }
    if (!lnk->ops || !lnk->ops->readlink)
        return -EINVAL;
    n = lnk->ops->readlink(lnk, w->link, VFS_PATH_MAX - 1);
    if (n < 0)
        return (int)n;
    if (n == 0)
        return -ENOENT;
    w->link[n] = '\0';
    rl = strlen(w->rem + q);
    if ((size_t)n + rl + 1 > VFS_PATH_MAX)
        return -ENAMETOOLONG;
    memcpy(w->tmp, w->link, (size_t)n);
    memcpy(w->tmp + n, w->rem + q, rl + 1);
    memcpy(w->rem, w->tmp, (size_t)n + rl + 1);
    if (w->link[0] == '/')
        return start_at_root(w);
    return 0;
}

static int walk_loop(struct walk *w, unsigned flags, struct nameres *out)
{
    struct inode *child;
    size_t p = 0;
    int err;

    for (;;) {
        size_t q, r, n;
        bool last, trailing;
        char *name;

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
        name = w->tmp;
        memcpy(name, w->rem + p, n);
        name[n] = '\0';
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
            if (!S_ISDIR(w->ino->mode))
                return -ENOTDIR;
            if (w->cred) {
                err = vfs_permission(w->cred, w->ino, MAY_EXEC);
                if (err < 0)
                    return err;
            }
            if (name[1] == '.') {
                err = go_parent(w);
                if (err < 0)
                    return err;
            }
            p = r;
            continue;
        }
        err = vfs_lookup_child(w->t, w->ino, w->path, name, &child, w->link);
        if (err < 0)
            return err;
        if (S_ISLNK(child->mode) &&
            (!last || trailing || (flags & WALK_FOLLOW))) {
            bool jumped;
            /* (q) indexes rem; keep the rest after the link. */
            err = follow_link(w, child, q, &jumped);
            vfs_inode_put(child);
            if (err < 0)
                return err;
            p = 0;
            continue;
        }
        descend(w, child, w->link);
        if (last && trailing && !S_ISDIR(w->ino->mode))
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
    w.path = rt_heap_alloc(k->shared, 4 * VFS_PATH_MAX);
    if (!w.path)
        return -ENOMEM;
    w.rem = w.path + VFS_PATH_MAX;
    w.tmp = w.rem + VFS_PATH_MAX;
    w.link = w.tmp + VFS_PATH_MAX;
    memcpy(w.rem, path, plen + 1);
    if (path[0] == '/' || !at) {
        err = start_at_root(&w);
        if (err < 0)
            goto out;
    } else {
        vfs_inode_get(at->inode);
        w.ino = at->inode;
        strlcpy(w.path, at->path, VFS_PATH_MAX);
        w.root_path = (t && t->proc && t->proc->root.path)
                          ? t->proc->root.path : "/";
    }
    err = walk_loop(&w, flags, out);
    if (err < 0)
        goto out;
    out->path = rt_heap_strdup(k->shared, w.path);
    if (!out->path) {
        err = -ENOMEM;
        goto out;
    }
    out->ino = w.ino;
    w.ino = NULL;
out:
    stack_clear(&w);
    if (w.ino)
        vfs_inode_put(w.ino);
    rt_heap_free(k->shared, w.path);
    return err;
}

void nameres_put(struct kernel *k, struct nameres *r)
{
    if (r->ino)
        vfs_inode_put(r->ino);
    if (r->path)
        rt_heap_free(k->shared, r->path);
    r->ino = NULL;
    r->path = NULL;
}
