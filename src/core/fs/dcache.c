/* SPDX-License-Identifier: MIT */
/*
 * Dentries (core, kernel image): the name tree, its hash and the LRU of
 * unused entries (see dcache.h for the model and the locking rule).
 */
#include "core/fs/vfs_internal.h"

#define DCACHE_BUCKETS 4096 /* a power of two */

static struct vfs *d_vfs(const struct dentry *d)
{
    return d->sb->k->vfs;
}

static uint32_t d_hash(const struct dentry *parent, const char *name,
                       size_t len)
{
    uint64_t h = (uint64_t)(uintptr_t)parent * 0x9e3779b97f4a7c15ull;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 0x100000001b3ull;
    return (uint32_t)(h ^ h >> 32) & (DCACHE_BUCKETS - 1);
}

int dcache_init(struct kernel *k)
{
    struct vfs *v = k->vfs;

    v->dlock = (struct rt_lock)RT_LOCK_INIT;
    v->hash = rt_heap_zalloc(k->shared, DCACHE_BUCKETS * sizeof(*v->hash));
    return v->hash ? 0 : -ENOMEM;
}

/* --- under the lock ------------------------------------------------------- */

static struct dentry *find_locked(struct vfs *v, struct dentry *parent,
                                  const char *name, size_t len)
{
    struct dentry *d = v->hash[d_hash(parent, name, len)];

    for (; d; d = d->hnext) {
        if (d->parent == parent && d->name_len == len &&
            memcmp(d->name, name, len) == 0)
            return d;
    }
    return NULL;
}

static void hash_locked(struct vfs *v, struct dentry *d)
{
    struct dentry **b = &v->hash[d_hash(d->parent, d->name, d->name_len)];

    d->hnext = *b;
    *b = d;
    d->flags |= D_HASHED;
}

static void lru_del_locked(struct vfs *v, struct dentry *d)
{
    if (!(d->flags & D_LRU))
        return;
    if (d->lru_prev)
        d->lru_prev->lru_next = d->lru_next;
    else
        v->lru_head = d->lru_next;
    if (d->lru_next)
        d->lru_next->lru_prev = d->lru_prev;
    else
        v->lru_tail = d->lru_prev;
    d->lru_prev = d->lru_next = NULL;
    d->flags &= ~D_LRU;
    v->unused--;
}

/* Take (d) out of the hash; an unused one goes on (*dead) to be freed. */
static void unhash_locked(struct vfs *v, struct dentry *d,
                          struct dentry **dead)
{
    if (d->flags & D_HASHED) {
        struct dentry **pp =
            &v->hash[d_hash(d->parent, d->name, d->name_len)];

        while (*pp && *pp != d)
            pp = &(*pp)->hnext;
        if (*pp)
            *pp = d->hnext;
        d->hnext = NULL;
        d->flags &= ~D_HASHED;
    }
    if (d->refs == 0 && (d->flags & D_LRU)) {
        lru_del_locked(v, d);
        d->hnext = *dead;
        *dead = d;
    }
}

static void get_locked(struct vfs *v, struct dentry *d)
{
    lru_del_locked(v, d);
    d->refs++;
}

/* The last reference to (d) went: keep it on the LRU when it can be found
 * again, else queue it on (*dead); trim the LRU. */
static void unused_locked(struct vfs *v, struct dentry *d,
                          struct dentry **dead)
{
    if ((d->flags & D_HASHED) && !(d->flags & D_DELETED)) {
        d->flags |= D_LRU;
        d->lru_next = NULL;
        d->lru_prev = v->lru_tail;
        if (v->lru_tail)
            v->lru_tail->lru_next = d;
        else
            v->lru_head = d;
        v->lru_tail = d;
        v->unused++;
    } else {
        d->hnext = *dead;
        *dead = d;
    }
    while (v->unused > DCACHE_UNUSED_MAX)
        unhash_locked(v, v->lru_head, dead);
}

/* Free the queued dentries outside the lock; their parents may become
 * unused in turn (iteratively: trees can be deep). */
static void free_dead(struct vfs *v, struct kernel *k, struct dentry *dead)
{
    while (dead) {
        struct dentry *d = dead, *p = d->parent;

        dead = d->hnext;
        if (d->inode)
            vfs_inode_put(d->inode);
        rt_heap_free(k->shared, d->name);
        rt_heap_free(k->shared, d);
        if (!p)
            continue;
        rt_lock(&v->dlock, true);
        if (--p->refs == 0)
            unused_locked(v, p, &dead);
        rt_unlock(&v->dlock, true);
    }
}

/* --- references ------------------------------------------------------------ */

static struct dentry *d_new(struct kernel *k, struct dentry *parent,
                            const char *name, size_t len, struct inode *ino,
                            struct vfs_sb *sb)
{
    struct dentry *d = rt_heap_zalloc(k->shared, sizeof(*d));

    if (!d)
        return NULL;
    d->name = rt_heap_alloc(k->shared, len + 1);
    if (!d->name) {
        rt_heap_free(k->shared, d);
        return NULL;
    }
    memcpy(d->name, name, len);
    d->name[len] = '\0';
    d->name_len = (uint16_t)len;
    d->refs = 1;
    d->sb = sb;
    d->inode = ino;
    if (parent)
        d->parent = dget(parent);
    return d;
}

struct dentry *d_alloc_root(struct kernel *k, struct inode *ino,
                            const char *name, bool anon)
{
    struct dentry *d = d_new(k, NULL, name, strnlen(name, VFS_NAME_MAX),
                             ino, ino->sb);

    if (d && anon)
        d->flags |= D_ANON;
    return d;
}

struct dentry *dget(struct dentry *d)
{
    struct vfs *v = d_vfs(d);

    rt_lock(&v->dlock, true);
    get_locked(v, d);
    rt_unlock(&v->dlock, true);
    return d;
}

void dput(struct dentry *d)
{
    struct dentry *dead = NULL;
    struct vfs *v;

    if (!d)
        return;
    v = d_vfs(d);
    rt_lock(&v->dlock, true);
    if (--d->refs == 0)
        unused_locked(v, d, &dead);
    rt_unlock(&v->dlock, true);
    free_dead(v, d->sb->k, dead);
}

struct dentry *d_top(struct dentry *d)
{
    struct dentry *m;

    while ((m = __atomic_load_n(&d->mounted, __ATOMIC_ACQUIRE)))
        d = m;
    return d;
}

/* --- names ----------------------------------------------------------------- */

int d_lookup(struct dentry *dir, const char *name, struct dentry **out)
{
    struct inode *dino = dir->inode, *ino = NULL;
    struct vfs_sb *sb = dino->sb;
    struct vfs *v = d_vfs(dir);
    size_t len = strlen(name);
    struct dentry *d, *nd;
    int err;

    rt_lock(&v->dlock, true);
    d = find_locked(v, dir, name, len);
    if (d) {
        get_locked(v, d);
        if (d->inode)
            v->hits++;
        else
            v->negative_hits++;
    } else {
        v->misses++;
    }
    rt_unlock(&v->dlock, true);
    if (d)
        goto found;

    if (!dino->ops || !dino->ops->lookup)
        return -ENOTDIR;
    err = dino->ops->lookup(dino, name, &ino);
    if (err < 0 && (err != -ENOENT || !sb->cache_names))
        return err;
    nd = d_new(sb->k, dir, name, len, err < 0 ? NULL : ino, sb);
    if (!nd) {
        if (err == 0)
            vfs_inode_put(ino);
        return -ENOMEM;
    }
    d = nd;
    if (sb->cache_names) {
        rt_lock(&v->dlock, true);
        d = find_locked(v, dir, name, len);
        if (d)
            get_locked(v, d); /* someone else looked it up meanwhile */
        else
            hash_locked(v, nd);
        rt_unlock(&v->dlock, true);
        if (d)
            dput(nd);
        else
            d = nd;
    }
found:
    if (!d->inode) {
        dput(d);
        return -ENOENT;
    }
    if (d->mounted) {
        nd = dget(d_top(d));
        dput(d);
        d = nd;
    }
    *out = d;
    return 0;
}

void d_forget(struct dentry *dir, const char *name)
{
    struct vfs *v = d_vfs(dir);
    struct dentry *d, *dead = NULL;

    rt_lock(&v->dlock, true);
    d = find_locked(v, dir, name, strlen(name));
    if (d && !d->mounted)
        unhash_locked(v, d, &dead);
    rt_unlock(&v->dlock, true);
    free_dead(v, dir->sb->k, dead);
}

int d_add(struct dentry *dir, const char *name, struct inode *ino,
          struct dentry **out)
{
    struct vfs *v = d_vfs(dir);
    struct vfs_sb *sb = dir->inode->sb;
    size_t len = strlen(name);
    struct dentry *d, *old, *dead = NULL;

    d = d_new(sb->k, dir, name, len, ino, sb);
    if (!d)
        return -ENOMEM;
    vfs_inode_get(ino);
    rt_lock(&v->dlock, true);
    old = find_locked(v, dir, name, len);
    if (old)
        unhash_locked(v, old, &dead);
    if (sb->cache_names)
        hash_locked(v, d);
    rt_unlock(&v->dlock, true);
    free_dead(v, sb->k, dead);
    *out = d;
    return 0;
}

bool d_known(struct dentry *dir, const char *name, size_t len)
{
    struct vfs *v = d_vfs(dir);
    bool known;

    rt_lock(&v->dlock, true);
    known = find_locked(v, dir, name, len) != NULL;
    rt_unlock(&v->dlock, true);
    return known;
}

void d_prime(struct dentry *dir, const char *name, size_t len,
             struct inode *ino)
{
    struct vfs *v = d_vfs(dir);
    struct vfs_sb *sb = ino->sb;
    struct dentry *d;

    if (!sb->cache_names || sb != dir->inode->sb) {
        vfs_inode_put(ino);
        return;
    }
    d = d_new(sb->k, dir, name, len, ino, sb);
    if (!d) {
        vfs_inode_put(ino);
        return;
    }
    rt_lock(&v->dlock, true);
    if (!find_locked(v, dir, name, len))
        hash_locked(v, d);
    rt_unlock(&v->dlock, true);
    dput(d);    /* onto the LRU when hashed, else freed with ino */
}

void d_delete(struct dentry *d)
{
    struct vfs *v = d_vfs(d);
    struct dentry *dead = NULL;

    rt_lock(&v->dlock, true);
    d->flags |= D_DELETED;
    unhash_locked(v, d, &dead);
    rt_unlock(&v->dlock, true);
    free_dead(v, d->sb->k, dead);
}

/* Give (d) the place (parent, name, len, hashed); returns the old parent
 * (its reference is now the caller's to drop). */
static struct dentry *set_place_locked(struct vfs *v, struct dentry *d,
                                       struct dentry *parent, char *name,
                                       size_t len, bool hashed,
                                       char **old_name)
{
    struct dentry *old = d->parent, *dead = NULL;

    unhash_locked(v, d, &dead); /* d is in use: nothing is queued */
    *old_name = d->name;
    d->name = name;
    d->name_len = (uint16_t)len;
    get_locked(v, parent);
    d->parent = parent;
    if (hashed)
        hash_locked(v, d);
    return old;
}

int d_move(struct dentry *d, struct dentry *ndir, const char *name,
           bool exchange)
{
    struct vfs *v = d_vfs(d);
    struct kernel *k = d->sb->k;
    size_t len = strlen(name);
    struct dentry *target, *op = NULL, *tp = NULL, *dead = NULL;
    char *nname, *tname = NULL, *freed1 = NULL, *freed2 = NULL;
    bool hashed = d->sb->cache_names;

    nname = rt_heap_alloc(k->shared, len + 1);
    if (!nname)
        return -ENOMEM;
    memcpy(nname, name, len + 1);
    if (exchange) {
        tname = rt_heap_alloc(k->shared, d->name_len + 1u);
        if (!tname) {
            rt_heap_free(k->shared, nname);
            return -ENOMEM;
        }
    }
    rt_lock(&v->dlock, true);
    target = find_locked(v, ndir, name, len);
    if (target == d)
        target = NULL;
    if (exchange && target) {
        struct dentry *dparent = d->parent;

        memcpy(tname, d->name, d->name_len + 1u);
        get_locked(v, target); /* off the LRU while it moves */
        op = set_place_locked(v, d, ndir, nname, len, hashed, &freed1);
        tp = set_place_locked(v, target, dparent, tname, strlen(tname),
                              hashed, &freed2);
        if (--target->refs == 0)
            unused_locked(v, target, &dead);
        tname = NULL;
    } else {
        if (target) {
            target->flags |= D_DELETED;
            unhash_locked(v, target, &dead);
        }
        op = set_place_locked(v, d, ndir, nname, len, hashed, &freed1);
    }
    rt_unlock(&v->dlock, true);
    if (tname)
        rt_heap_free(k->shared, tname);
    rt_heap_free(k->shared, freed1);
    if (freed2)
        rt_heap_free(k->shared, freed2);
    free_dead(v, k, dead);
    dput(op);
    dput(tp);
    return 0;
}

int d_mount(struct dentry *d, struct inode *root, struct dentry **out)
{
    struct kernel *k = d->sb->k;
    struct dentry *r, *top = d_top(d);

    r = d_new(k, top->parent, top->name, top->name_len, root, root->sb);
    if (!r)
        return -ENOMEM;
    r->flags |= D_MNTROOT;
    dget(top); /* the mount pins what it covers */
    __atomic_store_n(&top->mounted, r, __ATOMIC_RELEASE);
    *out = r;
    return 0;
}

bool d_is_ancestor(struct dentry *a, struct dentry *d)
{
    struct vfs *v = d_vfs(d);
    bool found = false;

    rt_lock(&v->dlock, true);
    for (; d; d = d->parent) {
        if (d == a) {
            found = true;
            break;
        }
    }
    rt_unlock(&v->dlock, true);
    return found;
}

/* --- paths ----------------------------------------------------------------- */

/* Put (s) (len bytes) in front of buf[*pos..]. */
static bool prepend(char *buf, size_t *pos, const char *s, size_t len)
{
    if (len > *pos)
        return false;
    *pos -= len;
    memcpy(buf + *pos, s, len);
    return true;
}

long d_path(struct dentry *d, struct dentry *root, bool mark_deleted,
            char *buf, size_t size, bool *reachable)
{
    static const char deleted[] = " (deleted)";
    struct vfs *v = d_vfs(d);
    struct dentry *rtop = root ? d_top(root) : NULL;
    size_t pos = size;
    bool ok = true, top = true;
    long ret;

    if (size == 0)
        return -ENAMETOOLONG;
    buf[--pos] = '\0';
    rt_lock(&v->dlock, true);
    if (mark_deleted && (d->flags & D_DELETED))
        ok = prepend(buf, &pos, deleted, sizeof(deleted) - 1);
    *reachable = false;
    for (struct dentry *x = d; ok; x = x->parent) {
        if (x == root || x == rtop) {
            *reachable = true;
            break;
        }
        if (!x->parent) {
            if (x->flags & D_ANON) {
                ok = prepend(buf, &pos, x->name, x->name_len);
                *reachable = true;
                top = false;
            }
            break;
        }
        ok = prepend(buf, &pos, x->name, x->name_len) &&
             prepend(buf, &pos, "/", 1);
        top = false;
    }
    rt_unlock(&v->dlock, true);
    if (ok && top)
        ok = prepend(buf, &pos, "/", 1);
    if (!ok)
        return -ENAMETOOLONG;
    ret = (long)(size - pos - 1);
    memmove(buf, buf + pos, (size_t)ret + 1);
    return ret;
}

void dcache_shrink(struct kernel *k)
{
    struct vfs *v = k->vfs;
    struct dentry *dead;

    /* Freeing a leaf can make its parent unused: repeat until none is. */
    for (;;) {
        dead = NULL;
        rt_lock(&v->dlock, true);
        while (v->lru_head)
            unhash_locked(v, v->lru_head, &dead);
        rt_unlock(&v->dlock, true);
        if (!dead)
            break;
        free_dead(v, k, dead);
    }
}

void dcache_stats(struct kernel *k, struct dcache_stats *st)
{
    struct vfs *v = k->vfs;

    rt_lock(&v->dlock, true);
    st->hits = v->hits;
    st->misses = v->misses;
    st->negative_hits = v->negative_hits;
    st->unused = v->unused;
    rt_unlock(&v->dlock, true);
}
