/* SPDX-License-Identifier: MIT */
/* Files with no name in the tree (core, kernel image): see anon.h. */
#include "core/fs/dcache.h"
#include "core/fs/vfs_internal.h"
#include "core/ipc/anon.h"
#include "core/task.h"

struct anon_node {
    uint32_t uid, gid;
    struct vfs_time time;
};

static const struct {
    const char *name;
    uint64_t magic;
    uint32_t minor;
} g_kinds[ANON_KINDS] = {
    [ANON_PIPE] = {"pipefs", 0x50495045, 13},
    [ANON_SOCK] = {"sockfs", 0x534f434b, 8},
    [ANON_INODE] = {"anon_inodefs", 0x09041934, 15},
};

static int an_getattr(struct inode *ino, struct vfs_stat *st)
{
    struct anon_node *n = ino->priv;

    memset(st, 0, sizeof(*st));
    st->dev = ino->sb->dev;
    st->ino = ino->ino;
    st->mode = ino->mode;
    st->nlink = 1;
    st->uid = n->uid;
    st->gid = n->gid;
    st->blksize = 4096;
    st->atime = st->mtime = st->ctime = n->time;
    return 0;
}

static void an_evict(struct inode *ino)
{
    rt_heap_free(inode_kernel(ino)->shared, ino->priv);
}

static const struct inode_ops anon_iops = {
    .getattr = an_getattr,
    .evict = an_evict,
};

static struct vfs_sb *kind_sb(struct kernel *k, enum anon_kind kind)
{
    struct vfs_sb *sb = k->anon_sb[kind];

    if (sb)
        return sb;
    sb = rt_heap_zalloc(k->shared, sizeof(*sb));
    if (!sb)
        return NULL;
    sb->dev = VFS_MKDEV(0, g_kinds[kind].minor);
    sb->magic = g_kinds[kind].magic;
    sb->name = sb->source = g_kinds[kind].name;
    sb->k = k;
    k->anon_sb[kind] = sb;
    return sb;
}

static int open_on(struct task *t, struct inode *ino, const char *name,
                   const struct file_ops *fops, void *priv, uint32_t flags,
                   struct file **out)
{
    int err = vfs_file_open_inode(t, ino, flags, name, out);

    if (err < 0)
        return err;
    (*out)->ops = fops;
    (*out)->priv = priv;
    return 0;
}

int anon_open(struct task *t, enum anon_kind kind, uint32_t mode,
              const char *name, const struct file_ops *fops, void *priv,
              uint32_t flags, struct file **out)
{
    struct kernel *k = t->k;
    struct vfs_sb *sb = kind_sb(k, kind);
    struct anon_node *n;
    struct inode *ino;
    char label[48];
    uint64_t nr;
    int err;

    if (!sb)
        return -ENOMEM;
    n = rt_heap_zalloc(k->shared, sizeof(*n));
    if (!n)
        return -ENOMEM;
    *n = (struct anon_node){.uid = task_cred(t)->euid,
                            .gid = task_cred(t)->egid, .time = vfs_now()};
    nr = __atomic_add_fetch(&k->anon_next_ino, 1, __ATOMIC_RELAXED);
    ino = vfs_inode_new(sb, &anon_iops, mode, nr, n);
    if (!ino) {
        rt_heap_free(k->shared, n);
        return -ENOMEM;
    }
    if (kind == ANON_PIPE)
        rt_snprintf(label, sizeof(label), "pipe:[%lu]", (unsigned long)nr);
    else if (kind == ANON_SOCK)
        rt_snprintf(label, sizeof(label), "socket:[%lu]", (unsigned long)nr);
    else
        rt_snprintf(label, sizeof(label), "anon_inode:%s", name);
    err = open_on(t, ino, label, fops, priv, flags, out);
    vfs_inode_put(ino);
    return err;
}

int anon_open_same(struct task *t, struct file *f,
                   const struct file_ops *fops, void *priv, uint32_t flags,
                   struct file **out)
{
    return open_on(t, f->inode, f->dentry->name, fops, priv,
                   flags, out);
}

int anon_wait_for(struct task *t, int64_t timeout_ns)
{
    struct kernel *k = t->k;
    uint32_t gen = __atomic_load_n(&k->anon_gen, __ATOMIC_ACQUIRE);
    int err;

    __atomic_fetch_add(&k->anon_waiters, 1, __ATOMIC_ACQ_REL);
    task_wait_begin(t);
    err = lbox_plat_futex_wait(&k->anon_gen, gen, timeout_ns,
                               LBOX_FUTEX_SHARED | LBOX_FUTEX_INTR);
    task_wait_end(t);
    __atomic_fetch_sub(&k->anon_waiters, 1, __ATOMIC_ACQ_REL);
    return err == -EINTR || err == -ETIMEDOUT ? err : 0;
}

int anon_wait(void)
{
    return anon_wait_for(task_current(), -1);
}

void anon_wake(struct kernel *k)
{
    struct task *self = task_current();

    __atomic_fetch_add(&k->anon_gen, 1, __ATOMIC_ACQ_REL);
    if (__atomic_load_n(&k->anon_waiters, __ATOMIC_ACQUIRE))
        lbox_plat_futex_wake(&k->anon_gen, 0x7fffffff, true);
    if (self && self->proc->nthreads > 1)
        for (struct task *t = self->proc->threads; t; t = t->next)
            if (t->chan_polling)
                task_kick(t);
}

void anon_changed(uint32_t *gen)
{
    struct task *t = task_current();

    (*gen)++;
    if (t)
        anon_wake(t->k);
}
