/* SPDX-License-Identifier: MIT */
/*
 * Pipes (core, kernel image): a ring in the shared region and the counts
 * of open read and write ends. Writes of at most PIPE_BUF bytes are never
 * split; larger ones take what fits and wait for the rest. In packet mode
 * (O_DIRECT) each write of up to PIPE_BUF bytes is one message, and a
 * read takes at most one, dropping what does not fit, as Linux does.
 */
#include "core/fs/vfs_internal.h"
#include "core/ipc/anon.h"
#include "core/ipc/pipe.h"
#include "core/ipc/ring.h"

struct pipe {
    struct ring ring;
    bool packet;
    uint32_t readers, writers;
    uint32_t gen;
};

static struct rt_heap *heap_of(struct file *f)
{
    return inode_kernel(f->inode)->shared;
}

static uint32_t data_len(const struct pipe *p)
{
    return p->ring.len - (p->packet ? 4 * p->ring.records : 0);
}

static long pipe_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    struct pipe *p = f->priv;
    long n;

    (void)pos;
    while (!p->ring.len) {
        if (!p->writers)
            return 0;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (anon_wait() == -EINTR)
            return -EINTR;
    }
    if (p->packet) {
        n = ring_get_record(&p->ring, buf, size, false);
        n = MIN(n, (long)size);
    } else
        n = (long)ring_get(&p->ring, buf, size, false);
    anon_changed(&p->gen);
    return n;
}

static long pipe_write(struct file *f, const void *buf, size_t size,
                       uint64_t *pos)
{
    struct pipe *p = f->priv;
    const uint8_t *src = buf;
    size_t done = 0;
    int err;

    (void)pos;
    if (!p->readers)
        return -EPIPE;
    while (done < size) {
        size_t left = size - done, chunk = left;
        size_t need = p->packet ? MIN(left, (size_t)PIPE_BUF_ATOMIC) + 4 : left;

        if (ring_reserve(&p->ring, need) < 0)
            return done ? (long)done : -ENOMEM;
        if (p->packet) {
            chunk = MIN(left, (size_t)PIPE_BUF_ATOMIC);
            if (ring_put_record(&p->ring, src + done, chunk))
                done += chunk;
            else
                chunk = 0;
        } else if (size <= PIPE_BUF_ATOMIC) {
            if (ring_space(&p->ring) >= size)
                done += ring_put(&p->ring, src, size);
            else
                chunk = 0;
        } else {
            chunk = ring_put(&p->ring, src + done, left);
            done += chunk;
        }
        if (chunk)
            anon_changed(&p->gen);
        if (done == size || chunk)
            continue;
        if (f->flags & O_NONBLOCK)
            return done ? (long)done : -EAGAIN;
        err = anon_wait();
        if (err < 0)
            return done ? (long)done : err;
        if (!p->readers)
            return done ? (long)done : -EPIPE;
    }
    return (long)done;
}

static unsigned pipe_poll_rd(struct file *f, unsigned events)
{
    struct pipe *p = f->priv;
    unsigned m = 0;

    (void)events;
    if (p->ring.len)
        m |= VFS_POLLIN | VFS_POLLRDNORM;
    if (!p->writers)
        m |= VFS_POLLHUP;
    return m;
}

static unsigned pipe_poll_wr(struct file *f, unsigned events)
{
    struct pipe *p = f->priv;

    (void)events;
    if (!p->readers)
        return VFS_POLLERR;
    return ring_space(&p->ring) >= PIPE_BUF_ATOMIC + (p->packet ? 4 : 0)
               ? VFS_POLLOUT | VFS_POLLWRNORM : 0;
}

static uint32_t pipe_gen(struct file *f)
{
    struct pipe *p = f->priv;

    return p->gen;
}

static long pipe_ioctl(struct file *f, unsigned cmd, void *arg)
{
    struct pipe *p = f->priv;
    int v;

    switch (cmd) {
    case 0x541b:    /* FIONREAD */
        v = (int)data_len(p);
        memcpy(arg, &v, sizeof(v));
        return 0;
    case PIPE_GETSZ:
        return p->ring.cap;
    case PIPE_SETSZ: {
        uint32_t want = LBOX_PAGE_SIZE;
        int err;

        memcpy(&v, arg, sizeof(v));
        if (v <= 0 || v > 64 * PIPE_MAX_SIZE)
            return v > 0 ? -EPERM : -EINVAL;
        while (want < (uint32_t)v)
            want <<= 1;
        if (want > PIPE_MAX_SIZE)
            return -EPERM;
        err = ring_resize(&p->ring, want);
        if (err < 0)
            return err;
        anon_changed(&p->gen);
        return want;
    }
    default:
        return -ENOTTY;
    }
}

static void pipe_release(struct file *f)
{
    struct pipe *p = f->priv;

    if ((f->flags & O_ACCMODE) == O_RDONLY)
        p->readers--;
    else
        p->writers--;
    anon_changed(&p->gen);
    if (p->readers || p->writers)
        return;
    ring_free(&p->ring);
    rt_heap_free(heap_of(f), p);
}

static const struct file_ops pipe_rd_fops = {
    .read = pipe_read,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
    .poll = pipe_poll_rd,
    .poll_gen = pipe_gen,
};

static const struct file_ops pipe_wr_fops = {
    .write = pipe_write,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
    .poll = pipe_poll_wr,
    .poll_gen = pipe_gen,
};

int pipe_open(struct task *t, uint32_t flags, struct file **rd,
              struct file **wr)
{
    struct rt_heap *h = t->k->shared;
    struct pipe *p = rt_heap_zalloc(h, sizeof(*p));
    uint32_t nb = flags & O_NONBLOCK;
    int err;

    if (!p)
        return -ENOMEM;
    p->packet = flags & O_DIRECT;
    ring_init(h, &p->ring, PIPE_DEFAULT_SIZE);
    p->readers = 1;
    err = anon_open(t, ANON_PIPE, S_IFIFO | 0600, NULL, &pipe_rd_fops, p,
                    O_RDONLY | nb, rd);
    if (err < 0) {
        rt_heap_free(h, p);
        return err;
    }
    p->writers = 1;
    err = anon_open_same(t, *rd, &pipe_wr_fops, p, O_WRONLY | nb, wr);
    if (err < 0) {
        p->writers = 0;
        vfs_file_put(*rd);      /* frees the pipe */
    }
    return err;
}
