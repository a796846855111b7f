/* SPDX-License-Identifier: MIT */
/*
 * signalfd (core, kernel image): a file whose reads take the reader's
 * pending signals of its mask, as struct signalfd_siginfo (Linux's
 * layout, 128 bytes each), and which polls readable while one is
 * pending. Like Linux's, it looks at the thread that reads or polls.
 */
#include "core/fs/vfs_internal.h"
#include "core/ipc/anon.h"
#include "core/ipc/pipe.h"
#include "core/task.h"

struct sfd {
    uint64_t mask;
};

struct l_signalfd_siginfo {
    uint32_t signo;
    int32_t err, code;
    uint32_t pid, uid;
    int32_t fd;
    uint32_t tid, band, overrun, trapno;
    int32_t status, int_;
    uint64_t ptr, utime, stime, addr;
    uint16_t addr_lsb;
    uint8_t pad[46];
};
_Static_assert(sizeof(struct l_signalfd_siginfo) == 128, "signalfd layout");

static const struct file_ops sfd_fops;

bool file_is_signalfd(const struct file *f)
{
    return f->ops == &sfd_fops;
}

static void to_ssi(const struct k_siginfo *si, struct l_signalfd_siginfo *o)
{
    memset(o, 0, sizeof(*o));
    o->signo = (uint32_t)si->signo;
    o->err = si->err;
    o->code = si->code;
    switch (si->signo) {
    case K_SIGSEGV: case K_SIGBUS: case K_SIGILL: case K_SIGFPE:
    case K_SIGTRAP:
        o->addr = si->fault.addr;
        return;
    default:
        break;
    }
    if (si->code == -2) {   /* SI_TIMER */
        o->tid = (uint32_t)si->timer.tid;
        o->overrun = (uint32_t)si->timer.overrun;
        o->ptr = si->timer.value;
        o->int_ = (int32_t)si->timer.value;
        return;
    }
    o->pid = (uint32_t)si->kill.pid;
    o->uid = si->kill.uid;
    if (si->signo == K_SIGCHLD)
        o->status = si->kill.status;
    o->ptr = si->kill.value;
    o->int_ = (int32_t)si->kill.value;
}

static long sfd_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    struct sfd *s = f->priv;
    struct task *t = lbox_plat_tls();
    struct l_signalfd_siginfo o;
    struct k_siginfo si;
    size_t done = 0;

    (void)pos;
    if (size < sizeof(o))
        return -EINVAL;
    for (;;) {
        sig_collect(t);
        while (done + sizeof(o) <= size && sig_take(t, s->mask, &si)) {
            to_ssi(&si, &o);
            memcpy((uint8_t *)buf + done, &o, sizeof(o));
            done += sizeof(o);
        }
        if (done)
            return (long)done;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        /* Woken by an event: take it if it is ours, else a signal to
         * act on ends the read. */
        if (anon_wait() == -EINTR) {
            sig_collect(t);
            if (task_interrupted(t))
                return -EINTR;
        }
    }
}

static unsigned sfd_poll(struct file *f, unsigned events)
{
    struct sfd *s = f->priv;
    struct task *t = lbox_plat_tls();

    (void)events;
    sig_collect(t);
    return sig_pending(t) & s->mask ? VFS_POLLIN | VFS_POLLRDNORM : 0;
}

static void sfd_release(struct file *f)
{
    rt_heap_free(inode_kernel(f->inode)->shared, f->priv);
}

static const struct file_ops sfd_fops = {
    .read = sfd_read,
    .release = sfd_release,
    .poll = sfd_poll,
};

int signalfd_set(struct file *f, uint64_t mask)
{
    struct sfd *s = f->priv;

    if (!file_is_signalfd(f))
        return -EINVAL;
    s->mask = mask & ~K_SIG_UNBLOCKABLE;
    return 0;
}

int signalfd_open(struct task *t, uint64_t mask, uint32_t flags,
                  struct file **out)
{
    struct sfd *s = rt_heap_zalloc(t->k->shared, sizeof(*s));
    int err;

    if (!s)
        return -ENOMEM;
    s->mask = mask & ~K_SIG_UNBLOCKABLE;
    err = anon_open(t, ANON_INODE, 0600, "[signalfd]", &sfd_fops, s,
                    O_RDWR | (flags & O_NONBLOCK), out);
    if (err < 0)
        rt_heap_free(t->k->shared, s);
    return err;
}
