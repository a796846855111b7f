/* SPDX-License-Identifier: MIT */
/*
 * timerfd (core, kernel image): a file on one of the process's timers
 * (core/timer.h) that counts expiries instead of raising a signal. A read
 * takes the count (8 bytes) and waits while it is 0; poll says readable
 * once it is not.
 */
#include "core/fs/vfs_internal.h"
#include "core/ipc/anon.h"
#include "core/ipc/pipe.h"
#include "core/task.h"
#include "core/timer.h"

static const struct file_ops tfd_fops;

bool file_is_timerfd(const struct file *f)
{
    return f->ops == &tfd_fops;
}

struct k_timer *timerfd_timer(struct file *f)
{
    return file_is_timerfd(f) ? f->priv : NULL;
}

static long tfd_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    struct k_timer *tm = f->priv;
    struct task *t = lbox_plat_tls();

    (void)pos;
    if (size < 8)
        return -EINVAL;
    for (;;) {
        sig_collect(t);     /* a timer event counts here */
        if (tm->ticks) {
            memcpy(buf, &tm->ticks, 8);
            tm->ticks = 0;
            return 8;
        }
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (anon_wait() == -EINTR) {
            sig_collect(t);
            if (!tm->ticks && task_interrupted(t))
                return -EINTR;
        }
    }
}

static unsigned tfd_poll(struct file *f, unsigned events)
{
    struct k_timer *tm = f->priv;

    (void)events;
    sig_collect(lbox_plat_tls());
    return tm->ticks ? VFS_POLLIN | VFS_POLLRDNORM : 0;
}

static uint32_t tfd_gen(struct file *f)
{
    struct k_timer *tm = f->priv;

    return (uint32_t)tm->ticks;
}

static long tfd_ioctl(struct file *f, unsigned cmd, void *arg)
{
    struct k_timer *tm = f->priv;
    uint64_t v;

    if (cmd != 0x40085400)      /* TFD_IOC_SET_TICKS */
        return -ENOTTY;
    memcpy(&v, arg, 8);
    if (!v)
        return -EINVAL;
    tm->ticks = v;
    return 0;
}

static void tfd_release(struct file *f)
{
    timer_extra_remove(lbox_plat_tls(), f->priv);
    rt_heap_free(inode_kernel(f->inode)->shared, f->priv);
}

static const struct file_ops tfd_fops = {
    .read = tfd_read,
    .ioctl = tfd_ioctl,
    .release = tfd_release,
    .poll = tfd_poll,
    .poll_gen = tfd_gen,
};

int timerfd_open(struct task *t, int clock, uint32_t flags,
                 struct file **out)
{
    struct k_timer *tm = rt_heap_zalloc(t->k->shared, sizeof(*tm));
    int err;

    if (!tm)
        return -ENOMEM;
    *tm = (struct k_timer){.used = true, .clock = clock, .counts = true};
    err = anon_open(t, ANON_INODE, 0600, "[timerfd]", &tfd_fops, tm,
                    O_RDWR | (flags & O_NONBLOCK), out);
    if (err < 0) {
        rt_heap_free(t->k->shared, tm);
        return err;
    }
    timer_extra_add(t, tm);
    return 0;
}
