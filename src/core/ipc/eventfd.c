/* SPDX-License-Identifier: MIT */
/*
 * eventfd (core, kernel image): a 64-bit counter. A read takes it all (or
 * one, in semaphore mode) and waits while it is 0; a write adds and
 * waits while the sum would pass 2^64 - 2.
 */
#include "core/fs/vfs_internal.h"
#include "core/ipc/anon.h"
#include "core/ipc/pipe.h"

#define EVENTFD_MAX 0xfffffffffffffffeULL

struct eventfd {
    uint64_t count;
    bool semaphore;
    uint32_t gen;
};

static long efd_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    struct eventfd *e = f->priv;
    uint64_t v;

    (void)pos;
    if (size < 8)
        return -EINVAL;
    while (!e->count) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (anon_wait() == -EINTR)
            return -EINTR;
    }
    v = e->semaphore ? 1 : e->count;
    e->count -= v;
    anon_changed(&e->gen);
    memcpy(buf, &v, 8);
    return 8;
}

static long efd_write(struct file *f, const void *buf, size_t size,
                      uint64_t *pos)
{
    struct eventfd *e = f->priv;
    uint64_t v;

    (void)pos;
    if (size < 8)
        return -EINVAL;
    memcpy(&v, buf, 8);
    if (v == UINT64_MAX)
        return -EINVAL;
    while (EVENTFD_MAX - e->count < v) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (anon_wait() == -EINTR)
            return -EINTR;
    }
    e->count += v;
    anon_changed(&e->gen);
    return 8;
}

static unsigned efd_poll(struct file *f, unsigned events)
{
    struct eventfd *e = f->priv;
    unsigned m = 0;

    (void)events;
    if (e->count)
        m |= VFS_POLLIN | VFS_POLLRDNORM;
    if (e->count < EVENTFD_MAX)
        m |= VFS_POLLOUT | VFS_POLLWRNORM;
    return m;
}

static uint32_t efd_gen(struct file *f)
{
    struct eventfd *e = f->priv;

    return e->gen;
}

static void efd_release(struct file *f)
{
    rt_heap_free(inode_kernel(f->inode)->shared, f->priv);
}

static const struct file_ops efd_fops = {
    .read = efd_read,
    .write = efd_write,
    .release = efd_release,
    .poll = efd_poll,
    .poll_gen = efd_gen,
};

int eventfd_open(struct task *t, uint64_t count, unsigned flags,
                 struct file **out)
{
    struct eventfd *e = rt_heap_zalloc(t->k->shared, sizeof(*e));
    int err;

    if (!e)
        return -ENOMEM;
    e->count = count;
    e->semaphore = flags & EVENTFD_SEMAPHORE;
    err = anon_open(t, ANON_INODE, 0600, "[eventfd]", &efd_fops, e,
                    O_RDWR | (flags & O_NONBLOCK), out);
    if (err < 0)
        rt_heap_free(t->k->shared, e);
    return err;
}
