/* SPDX-License-Identifier: MIT */
/*
 * The guest's standard streams and /dev/tty (core, kernel image): files
 * whose reads and writes go to the platform's stdio channels and whose
 * terminal ioctls go to lbox_plat_chan_tty.
 */
#include "core/fs/devfs.h"
#include "core/fs/vfs_internal.h"
#include "core/task.h"

/* One stream: its channel and the terminal state lbox keeps itself. */
struct stdio_node {
    int chan;
    bool tty;
    bool owned_by_file;  /* /dev/tty: freed with its file */
    int32_t pgrp;
    uint32_t uid, gid;
    struct vfs_time time;
};

struct stdio_sb {
    struct vfs_sb sb;
    struct stdio_node node;
};

static bool chan_is_tty(int chan)
{
    struct lbox_winsize ws;
    return lbox_plat_chan_tty(chan, LBOX_TTY_GETWINSZ, &ws) == 0;
}

static long stdio_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    struct stdio_node *n = f->priv;
    int chan = n->tty ? LBOX_CHAN_STDIN : n->chan;
    long r;

    (void)pos;
    if (size == 0)
        return 0;
    task_wait_begin(task_current());
    r = lbox_plat_chan_read(chan, buf, size);
    task_wait_end(task_current());
    return r;
}

static long stdio_write(struct file *f, const void *buf, size_t size,
                        uint64_t *pos)
{
    struct stdio_node *n = f->priv;
    int chan = n->chan == LBOX_CHAN_STDIN ? LBOX_CHAN_STDOUT : n->chan;

    long r;

    (void)pos;
    if (size == 0)
        return 0;
    task_wait_begin(task_current());
    r = lbox_plat_chan_write(chan, buf, size);
    task_wait_end(task_current());
    return r;
}

static long stdio_llseek(struct file *f, int64_t off, int whence)
{
    (void)f;
    (void)off;
    (void)whence;
    return -ESPIPE;
}

static long stdio_ioctl(struct file *f, unsigned cmd, void *arg)
{
    struct stdio_node *n = f->priv;
    uint8_t t60[60];
    int err;

    if (!n->tty)
        return -ENOTTY;
    switch (cmd) {
    case DEVFS_TCGETS:
        err = lbox_plat_chan_tty(n->chan, LBOX_TTY_GETATTR, t60);
        if (err == 0)
            memcpy(arg, t60, DEVFS_KTERMIOS_SIZE);
        return err;
    case DEVFS_TCSETS:
    case DEVFS_TCSETSW:
    case DEVFS_TCSETSF:
        err = lbox_plat_chan_tty(n->chan, LBOX_TTY_GETATTR, t60);
        if (err < 0)
            return err;
        memcpy(t60, arg, DEVFS_KTERMIOS_SIZE);
        return lbox_plat_chan_tty(n->chan, LBOX_TTY_SETATTR, t60);
    case DEVFS_TIOCGWINSZ:
        return lbox_plat_chan_tty(n->chan, LBOX_TTY_GETWINSZ, arg);
    case DEVFS_TIOCSWINSZ:
        return lbox_plat_chan_tty(n->chan, LBOX_TTY_SETWINSZ, arg);
    case DEVFS_TIOCGPGRP:
        memcpy(arg, &n->pgrp, sizeof(n->pgrp));
        return 0;
    case DEVFS_TIOCSPGRP: {
        int32_t pg;
        memcpy(&pg, arg, sizeof(pg));
        if (pg <= 0)
            return -EINVAL;
        n->pgrp = pg;
        return 0;
    }
    default:
        return -ENOTTY;
    }
}

static unsigned stdio_poll(struct file *f, unsigned events)
{
    struct stdio_node *n = f->priv;
    struct lbox_chan_poll p = {.chan = n->chan, .events = (short)events};

    if (n->tty && (events & (VFS_POLLIN | VFS_POLLRDNORM)))
        p.chan = LBOX_CHAN_STDIN;
    if (lbox_plat_chan_poll(&p, 1, 0) < 0)
        return VFS_POLLERR;
    return (unsigned)(uint16_t)p.revents;
}

static int stdio_wait_chan(struct file *f)
{
    struct stdio_node *n = f->priv;

    return n->chan;
}

static void stdio_release(struct file *f)
{
    struct stdio_node *n = f->priv;

    if (n && n->owned_by_file)
        rt_heap_free(inode_kernel(f->inode)->shared, n);
}

static const struct file_ops stdio_fops = {
    .read = stdio_read,
    .write = stdio_write,
    .llseek = stdio_llseek,
    .ioctl = stdio_ioctl,
    .release = stdio_release,
    .poll = stdio_poll,
    .wait_chan = stdio_wait_chan,
};

/* /dev/tty: the terminal on stdin, or -ENXIO without one. */
int devfs_tty_open(struct file *f, struct task *t)
{
    struct kernel *k = inode_kernel(f->inode);
    struct stdio_node *n;

    if (!chan_is_tty(LBOX_CHAN_STDIN))
        return -ENXIO;
    n = rt_heap_zalloc(k->shared, sizeof(*n));
    if (!n)
        return -ENOMEM;
    n->tty = true;
    n->owned_by_file = true;
    n->chan = chan_is_tty(LBOX_CHAN_STDOUT)   ? LBOX_CHAN_STDOUT
              : chan_is_tty(LBOX_CHAN_STDERR) ? LBOX_CHAN_STDERR
                                              : LBOX_CHAN_STDIN;
    n->pgrp = t && t->proc ? t->proc->pgid : 1;
    f->ops = &stdio_fops;
    f->priv = n;
    return 0;
}

static int sn_getattr(struct inode *ino, struct vfs_stat *st)
{
    struct stdio_node *n = ino->priv;

    memset(st, 0, sizeof(*st));
    st->dev = ino->sb->dev;
    st->ino = ino->ino;
    st->mode = ino->mode;
    st->nlink = 1;
    st->uid = n->uid;
    st->gid = n->gid;
    st->rdev = n->tty ? VFS_MKDEV(136, 0) : 0;
    st->blksize = 4096;
    st->atime = st->mtime = st->ctime = st->btime = n->time;
    return 0;
}

static int sn_open(struct inode *ino, struct file *f, struct task *t)
{
    (void)t;
    f->ops = &stdio_fops;
    f->priv = ino->priv;
    return 0;
}

static void sn_evict(struct inode *ino)
{
    rt_heap_free(inode_kernel(ino)->shared,
                 container_of(ino->sb, struct stdio_sb, sb));
}

static const struct inode_ops stdio_iops = {
    .getattr = sn_getattr,
    .open = sn_open,
    .evict = sn_evict,
};

int devfs_open_stdio(struct task *t, int chan, struct file **out)
{
    struct kernel *k = t->k;
    struct stdio_sb *ss;
    struct inode *ino;
    uint32_t flags;
    char path[32];
    int err;

    if (chan != LBOX_CHAN_STDIN && chan != LBOX_CHAN_STDOUT &&
        chan != LBOX_CHAN_STDERR)
        return -EINVAL;
    ss = rt_heap_zalloc(k->shared, sizeof(*ss));
    if (!ss)
        return -ENOMEM;
    ss->sb.dev = VFS_MKDEV(0, 14);
    ss->sb.magic = 0x1cd1; /* DEVPTS_SUPER_MAGIC */
    ss->sb.name = "devpts";
    ss->sb.source = "devpts";
    ss->sb.k = k;
    ss->node.chan = chan;
    ss->node.tty = chan_is_tty(chan);
    ss->node.pgrp = t->proc ? t->proc->pgid : 1;
    ss->node.uid = t->proc ? t->proc->cred.uid : 0;
    ss->node.gid = ss->node.tty ? 5 : (t->proc ? t->proc->cred.gid : 0);
    ss->node.time = vfs_now();
    ino = vfs_inode_new(&ss->sb, &stdio_iops,
                        ss->node.tty ? (S_IFCHR | 0620) : (S_IFIFO | 0600),
                        ss->node.tty ? 3 : 100 + (uint64_t)chan, &ss->node);
    if (!ino) {
        rt_heap_free(k->shared, ss);
        return -ENOMEM;
    }
    if (ss->node.tty) {
        flags = O_RDWR;
        strlcpy(path, "/dev/pts/0", sizeof(path));
    } else {
        flags = chan == LBOX_CHAN_STDIN ? O_RDONLY : O_WRONLY;
        rt_snprintf(path, sizeof(path), "pipe:[%u]", 4026531840u + (unsigned)chan);
    }
    err = vfs_file_open_inode(t, ino, flags, path, out);
    vfs_inode_put(ino);
    return err;
}
